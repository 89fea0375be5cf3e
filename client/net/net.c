/*
 * net.c: lookup, connect with a timeout, and waiting on one socket with a
 * deadline. No TLS here. Any thread, on its own sockets.
 */
#include "net.h"
#include "timeconst.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define INT_MAX_MS     INT_MAX

long long
net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * MS_PER_S + ts.tv_nsec / NS_PER_MS;
}

int
net_wait(int fd, short events, long long deadline_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		long long left = deadline_ms - net_now_ms();
		if (left <= 0)
			return 0;
		int n = poll(&p, 1, left > INT_MAX_MS ? INT_MAX_MS : (int)left);
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

/* One address: a connected socket, or -1 with *why set to an errno value. */
static int
net_try(const struct addrinfo *ai, int timeout_ms, int *why)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	                ai->ai_protocol);
	int soerr = 0, one = 1;
	socklen_t sl = sizeof soerr;

	if (fd == -1) {
		*why = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		int w = errno == EINPROGRESS ? net_wait(fd, POLLOUT, net_now_ms() + timeout_ms) : -1;
		if (w == 0)
			soerr = ETIMEDOUT;
		else if (w == -1)
			soerr = errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
			soerr = errno;
	}
	if (soerr != 0) {
		*why = soerr;
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

int
net_connect(const char *host, const char *port, int timeout_ms, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1, why = 0, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s", rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (const struct addrinfo *ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
		fd = net_try(ai, timeout_ms, &why);
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errlen, "%s", why == ETIMEDOUT ? "timed out" : strerror(why));
	return fd;
}
