/*
 * rtsp_rx.h: what an RTSP server sends, taken apart: responses (status
 * line, header lines, a Content-Length body) and interleaved binary frames
 * ('$', channel, 16-bit length, data: RTP and RTCP) mixed between them on
 * one byte stream (RFC 2326 10.12). Feed it bytes as they arrive; take out
 * whole messages. No I/O, so batch mode, the TUI and tests share it. One
 * owner at a time.
 */
#ifndef SEAL_RTSP_RX_H
#define SEAL_RTSP_RX_H

#include <stddef.h>
#include <stdint.h>

#include "bytebuf.h"

#define RTSP_RX_LINES_MAX 64     /* status line and headers of one response */

struct rtsp_response {
	int         version;         /* 10 (RTSP/1.0) or 20 */
	int         code;            /* 200 */
	const char *reason;          /* "OK" */
	const char *lines[RTSP_RX_LINES_MAX];   /* lines[0] is the status line */
	unsigned    nlines;
	const char *body;            /* NUL-terminated; "" when none */
	size_t      body_len;
};

enum rtsp_rx_kind {
	RTSP_RX_NONE,                /* nothing whole yet: feed more bytes */
	RTSP_RX_RESPONSE,
	RTSP_RX_FRAME,
	RTSP_RX_ERROR                /* the stream cannot be read further (see error) */
};

struct rtsp_rx_event {
	enum rtsp_rx_kind    kind;
	struct rtsp_response resp;     /* RTSP_RX_RESPONSE */
	uint8_t              channel;  /* RTSP_RX_FRAME */
	uint8_t             *data;     /* RTSP_RX_FRAME: writable, LEN bytes */
	size_t               len;
	const char          *error;    /* RTSP_RX_ERROR */
};

struct rtsp_rx {
	struct bytebuf buf;            /* the bytes held are unread */
};

void rtsp_rx_init(struct rtsp_rx *);
void rtsp_rx_free(struct rtsp_rx *);

/* Makes room for MIN more bytes; *SPACE and *AVAIL describe it. Pointers
 * from an earlier event become invalid. 0, or -1 when out of memory. */
int  rtsp_rx_reserve(struct rtsp_rx *, size_t min, uint8_t **space, size_t *avail);

/* Records N bytes written into the reserved space. */
void rtsp_rx_commit(struct rtsp_rx *, size_t n);

/* Appends LEN bytes (tests, and callers without their own reads). 0, or -1. */
int  rtsp_rx_append(struct rtsp_rx *, const void *data, size_t len);

/* Takes the next whole message into *EV (its pointers stay valid until the
 * next call of any rtsp_rx function). */
enum rtsp_rx_kind rtsp_rx_next(struct rtsp_rx *, struct rtsp_rx_event *ev);

/* The value of header NAME in R (case-insensitive, spaces trimmed), or NULL. */
const char *rtsp_rx_response_header(const struct rtsp_response *r, const char *name);

#endif
