/*
 * rtsp_rx.c: splitting an RTSP server's byte stream into responses and
 * interleaved frames (see rtsp_rx.h). A message is taken only once it is
 * whole, so a partial one is never half-consumed; a response head or body
 * past RTSP_CLIENT_RESPONSE_MAX is an error rather than a growing buffer.
 */
#include "rtsp_rx.h"
#include "proto_defaults.h"
#include "rtp.h"
#include "decimal.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#define RX_INITIAL      16384
#define DIGITS_MAX      9
#define STATUS_CODE_LEN 3

void
rtsp_rx_init(struct rtsp_rx *rx)
{
	bytebuf_init(&rx->buf, RX_INITIAL, BYTEBUF_NO_MAX);
}

void
rtsp_rx_free(struct rtsp_rx *rx)
{
	bytebuf_free(&rx->buf);
}

int
rtsp_rx_reserve(struct rtsp_rx *rx, size_t min, uint8_t **space, size_t *avail)
{
	bytebuf_compact(&rx->buf);
	if (bytebuf_reserve(&rx->buf, min) == -1)
		return -1;
	*space = (uint8_t *)bytebuf_tail(&rx->buf);
	*avail = bytebuf_room(&rx->buf);
	return 0;
}

void
rtsp_rx_commit(struct rtsp_rx *rx, size_t n)
{
	bytebuf_commit(&rx->buf, n);
}

int
rtsp_rx_append(struct rtsp_rx *rx, const void *data, size_t len)
{
	bytebuf_compact(&rx->buf);
	return bytebuf_append(&rx->buf, data, len);
}

static enum rtsp_rx_kind
rtsp_rx_fail(struct rtsp_rx_event *ev, const char *why)
{
	ev->kind = RTSP_RX_ERROR;
	ev->error = why;
	return RTSP_RX_ERROR;
}

/* The length of the head (through its empty line) in P, or 0 if not whole. */
static size_t
rtsp_rx_head_len(const uint8_t *p, size_t have)
{
	for (size_t i = 0; i + 1 < have; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < have && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The Content-Length of the head P (HEAD bytes): 0 when absent, -1 when
 * it is not a number. */
static long
rtsp_rx_content_length(const uint8_t *p, size_t head)
{
	static const char name[] = "content-length:";
	for (size_t i = 0; i < head; i++) {
		if ((i > 0 && p[i - 1] != '\n') || head - i < sizeof name - 1 ||
		    strncasecmp((const char *)p + i, name, sizeof name - 1) != 0)
			continue;
		size_t j = i + sizeof name - 1;
		while (j < head && (p[j] == ' ' || p[j] == '\t'))
			j++;
		size_t n = 0;
		uint64_t v;
		while (j + n < head && isdigit(p[j + n]))
			n++;
		if (n > DIGITS_MAX || decimal_parse((const char *)p + j, n, LONG_MAX, &v) == -1)
			return -1;
		return (long)v;
	}
	return 0;
}

/* Splits the head (HEAD bytes at P, writable) into NUL-terminated lines. */
static void
rtsp_rx_lines(char *p, size_t head, struct rtsp_response *r)
{
	size_t i = 0;

	r->nlines = 0;
	while (i < head) {
		char *line = p + i;
		char *nl = memchr(line, '\n', head - i);
		if (nl == NULL)
			break;
		i = (size_t)(nl - p) + 1;
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*line != '\0' && r->nlines < RTSP_RX_LINES_MAX)
			r->lines[r->nlines++] = line;
	}
}

/* Reads "RTSP/1.0 200 OK" into R. 0, or -1. */
static int
rtsp_rx_status(struct rtsp_response *r)
{
	const char *s = r->nlines ? r->lines[0] : "";

	if (strncmp(s, "RTSP/", 5) != 0 || !isdigit((unsigned char)s[5]) || s[6] != '.' ||
	    !isdigit((unsigned char)s[7]) || s[8] != ' ')
		return -1;
	r->version = (s[5] - '0') * DECIMAL + (s[7] - '0');
	s += 9;
	for (int i = 0; i < STATUS_CODE_LEN; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	if (s[STATUS_CODE_LEN] != ' ' && s[STATUS_CODE_LEN] != '\0')
		return -1;
	r->code = (s[0] - '0') * DECIMAL * DECIMAL + (s[1] - '0') * DECIMAL + (s[2] - '0');
	r->reason = s + STATUS_CODE_LEN + (s[STATUS_CODE_LEN] == ' ');
	return 0;
}

static enum rtsp_rx_kind
rtsp_rx_response(struct rtsp_rx *rx, struct rtsp_rx_event *ev)
{
	uint8_t *p = (uint8_t *)bytebuf_head(&rx->buf);
	size_t have = bytebuf_used(&rx->buf);
	size_t head = rtsp_rx_head_len(p, have < RTSP_CLIENT_RESPONSE_MAX ? have
	                                                               : RTSP_CLIENT_RESPONSE_MAX);

	if (head == 0)
		return have >= RTSP_CLIENT_RESPONSE_MAX
		       ? rtsp_rx_fail(ev, "a response head longer than the limit") : RTSP_RX_NONE;
	long clen = rtsp_rx_content_length(p, head);
	if (clen < 0 || (size_t)clen > RTSP_CLIENT_RESPONSE_MAX - head)
		return rtsp_rx_fail(ev, "a response with a bad or too large Content-Length");
	if (have - head < (size_t)clen)
		return RTSP_RX_NONE;
	/* the body moves in front of the head, NUL-terminated over the head's end */
	rtsp_rx_lines((char *)p, head, &ev->resp);
	if (rtsp_rx_status(&ev->resp) == -1)
		return rtsp_rx_fail(ev, "not an RTSP response");
	memmove(p + head - 1, p + head, (size_t)clen);
	p[head - 1 + (size_t)clen] = '\0';
	ev->resp.body = (const char *)p + head - 1;
	ev->resp.body_len = (size_t)clen;
	bytebuf_consume(&rx->buf, head + (size_t)clen);
	ev->kind = RTSP_RX_RESPONSE;
	return RTSP_RX_RESPONSE;
}

/* Drops stray line ends between messages. The bytes left unread. */
static size_t
rtsp_rx_skip_eol(struct rtsp_rx *rx)
{
	const char *p = bytebuf_head(&rx->buf);
	size_t have = bytebuf_used(&rx->buf), i = 0;

	while (i < have && (p[i] == '\r' || p[i] == '\n'))
		i++;
	bytebuf_consume(&rx->buf, i);
	return have - i;
}

enum rtsp_rx_kind
rtsp_rx_next(struct rtsp_rx *rx, struct rtsp_rx_event *ev)
{
	memset(ev, 0, sizeof *ev);
	size_t have = rtsp_rx_skip_eol(rx);
	if (have == 0)
		return RTSP_RX_NONE;
	uint8_t *p = (uint8_t *)bytebuf_head(&rx->buf);
	if (p[0] != RTP_INTERLEAVE_MAGIC)
		return rtsp_rx_response(rx, ev);
	if (have < RTP_INTERLEAVE_LEN)
		return RTSP_RX_NONE;
	size_t n = (size_t)p[2] << 8 | p[3];
	if (have - RTP_INTERLEAVE_LEN < n)
		return RTSP_RX_NONE;
	ev->kind = RTSP_RX_FRAME;
	ev->channel = p[1];
	ev->data = p + RTP_INTERLEAVE_LEN;
	ev->len = n;
	bytebuf_consume(&rx->buf, RTP_INTERLEAVE_LEN + n);
	return RTSP_RX_FRAME;
}

const char *
rtsp_rx_response_header(const struct rtsp_response *r, const char *name)
{
	size_t n = strlen(name);
	for (unsigned i = 1; i < r->nlines; i++) {
		const char *l = r->lines[i];
		if (strncasecmp(l, name, n) == 0 && l[n] == ':')
			return l + n + 1 + strspn(l + n + 1, " \t");
	}
	return NULL;
}
