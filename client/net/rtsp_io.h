/*
 * rtsp_io.h: the byte transport RTSP runs over in seal: RTSP mixes text
 * responses with binary interleaved frames, so it needs bytes, not the
 * lines of lineio.h. A TLS session provides one (rtsp_io_session); tests
 * provide a scripted fake. Used by one thread.
 */
#ifndef SEAL_RTSP_IO_H
#define SEAL_RTSP_IO_H

#include <stddef.h>

struct session;

#define RTSP_IO_CLOSED (-1)      /* recv: the peer closed the connection */
#define RTSP_IO_ERROR  (-2)      /* recv: see why() */

struct rtsp_io {
	void *ctx;
	/* Sends all LEN bytes. 0, or -1 (see why). */
	int (*send)(void *ctx, const void *buf, size_t len);
	/* Receives up to CAP bytes, waiting at most TIMEOUT_MS: the count,
	 * 0 on timeout, RTSP_IO_CLOSED or RTSP_IO_ERROR. */
	long (*recv)(void *ctx, void *buf, size_t cap, int timeout_ms);
	/* The reason of the last failure, for a message. */
	const char *(*why)(void *ctx);
};

/* Fills IO with the byte transport of the established session S. */
void rtsp_io_session(struct session *s, struct rtsp_io *io);

#endif
