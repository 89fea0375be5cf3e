/*
 * rtsp_io.c: rtsp_io over a TLS session (see rtsp_io.h): the session's own
 * reads and writes (session_read, session_write: each wait a poll with a
 * deadline, after what wolfSSL has already decrypted), in rtsp_io's terms.
 * The thread that owns the session.
 */
#include "rtsp_io.h"
#include "net.h"
#include "session.h"

static long
rtsp_io_recv(void *ctx, void *buf, size_t cap, int timeout_ms)
{
	long n = session_read(ctx, buf, cap, net_now_ms() + timeout_ms);

	if (n == SESSION_IO_CLOSED)
		return RTSP_IO_CLOSED;
	return n == SESSION_IO_ERROR ? RTSP_IO_ERROR : n;
}

static int
rtsp_io_send(void *ctx, const void *buf, size_t len)
{
	return session_write(ctx, buf, len, net_now_ms() + CLIENT_REPLY_TIMEOUT_MS);
}

void
rtsp_io_session(struct session *s, struct rtsp_io *io)
{
	io->ctx = s;
	io->send = rtsp_io_send;
	io->recv = rtsp_io_recv;
	io->why = session_why;
}
