/*
 * listener.h: listening sockets, one per enabled service. Opened on the main
 * thread before privileges are dropped; accept()ed only by the main thread.
 */
#ifndef SEALED_LISTENER_H
#define SEALED_LISTENER_H

#include <stddef.h>

struct service;

struct listener {
	int                   fd;
	const struct service *svc;
	int                   port;
};

/* Opens a non-blocking listening socket on ADDR:PORT. The fd, or -1 with a
 * reason in ERR ("port 8465 on 127.0.0.1 is in use"). */
int listener_open(const char *addr, int port, char *err, size_t errlen);

#endif
