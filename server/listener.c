/*
 * listener.c: opens listening TCP sockets on a numeric IPv4 or IPv6 address
 * (never a name: no resolver traffic), with SO_REUSEADDR and a backlog of
 * LISTEN_BACKLOG.
 */
#include "listener.h"
#include "server_defaults.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Fills SA from a numeric address. Its length, or 0 when ADDR is not one. */
static socklen_t
listener_addr(const char *addr, int port, struct sockaddr_storage *sa)
{
	memset(sa, 0, sizeof *sa);
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return sizeof *s4;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return sizeof *s6;
	}
	return 0;
}

int
listener_open(const char *addr, int port, char *err, size_t errlen)
{
	struct sockaddr_storage sa;
	socklen_t len = listener_addr(addr, port, &sa);
	int one = 1;

	if (len == 0) {
		snprintf(err, errlen, "--listen %s is not a numeric IPv4 or IPv6 address", addr);
		return -1;
	}
	int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (sa.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, len) == -1) {
		snprintf(err, errlen, "cannot listen on %s port %d: %s", addr, port,
		         errno == EADDRINUSE ? "port in use" : strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		snprintf(err, errlen, "listen on %s port %d: %s", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
