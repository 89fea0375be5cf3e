/*
 * rtsp_io.c: rtsp_io over a TLS session (see rtsp_io.h): wolfSSL reads and
 * writes on the non-blocking socket, each wait a poll with a deadline.
 * wolfSSL_read returns what it has already decrypted before asking for the
 * socket, so nothing buffered inside wolfSSL is left waiting on a poll.
 * The thread that owns the session.
 */
#include "rtsp_io.h"
#include "net.h"
#include "session.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <wolfssl/error-ssl.h>

/* The poll events a wolfSSL "want" error asks for; 0 for a real error. */
static short
rtsp_io_want(int e)
{
	if (e == WOLFSSL_ERROR_WANT_READ)
		return POLLIN;
	if (e == WOLFSSL_ERROR_WANT_WRITE)
		return POLLOUT;
	return 0;
}

static long
rtsp_io_recv(void *ctx, void *buf, size_t cap, int timeout_ms)
{
	struct session *s = ctx;
	long long deadline = net_now_ms() + timeout_ms;

	for (;;) {
		int n = wolfSSL_read(s->ssl, buf, cap > INT_MAX ? INT_MAX : (int)cap);
		if (n > 0)
			return n;
		int e = wolfSSL_get_error(s->ssl, n);
		if (e == WOLFSSL_ERROR_ZERO_RETURN || e == SOCKET_PEER_CLOSED_E)
			return RTSP_IO_CLOSED;
		short ev = rtsp_io_want(e);
		if (ev == 0) {
			snprintf(s->why, sizeof s->why, "%s", tls_error_reason(e));
			return RTSP_IO_ERROR;
		}
		int w = net_wait(s->fd, ev, deadline);
		if (w == 0)
			return 0;
		if (w == -1) {
			snprintf(s->why, sizeof s->why, "poll: %s", strerror(errno));
			return RTSP_IO_ERROR;
		}
	}
}

static int
rtsp_io_send(void *ctx, const void *buf, size_t len)
{
	struct session *s = ctx;
	const char *p = buf;
	long long deadline = net_now_ms() + CLIENT_REPLY_TIMEOUT_MS;

	while (len > 0) {
		int n = wolfSSL_write(s->ssl, p, len > INT_MAX ? INT_MAX : (int)len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		int e = wolfSSL_get_error(s->ssl, n);
		short ev = rtsp_io_want(e);
		int w = ev ? net_wait(s->fd, ev, deadline) : -1;
		if (w != 1) {
			snprintf(s->why, sizeof s->why, "%s", w == 0 ? "send timed out" :
			         e == SOCKET_PEER_CLOSED_E ? "connection closed" : tls_error_reason(e));
			return -1;
		}
	}
	return 0;
}

static const char *
rtsp_io_why(void *ctx)
{
	const struct session *s = ctx;
	return s->why[0] ? s->why : "unknown error";
}

void
rtsp_io_session(struct session *s, struct rtsp_io *io)
{
	io->ctx = s;
	io->send = rtsp_io_send;
	io->recv = rtsp_io_recv;
	io->why = rtsp_io_why;
}
