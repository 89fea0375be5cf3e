/*
 * net.h: seal's TCP connection: name lookup (a name from /etc/hosts or an
 * address literal; numeric port) and a connect that gives up after a
 * timeout. The thread that connects owns the socket.
 */
#ifndef SEAL_NET_H
#define SEAL_NET_H

#include <stddef.h>

/* Connects to HOST:PORT, trying each address getaddrinfo() gives with a
 * non-blocking connect that waits at most TIMEOUT_MS. Returns the connected
 * socket (non-blocking, close-on-exec, TCP_NODELAY), or -1 with the reason
 * of the last failure in ERR. */
int net_connect(const char *host, const char *port, int timeout_ms, char *err, size_t errlen);

/* Waits until FD is ready for EVENTS (POLLIN/POLLOUT) or DEADLINE_MS (on
 * net_now_ms()'s clock) passes. 1 ready, 0 timed out, -1 error (errno). */
int net_wait(int fd, short events, long long deadline_ms);

/* Milliseconds on a monotonic clock. */
long long net_now_ms(void);

#endif
