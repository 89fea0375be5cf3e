/*
 * linebuf.c: line splitting over a bytebuf. Lines end with LF; a CR
 * before the LF is stripped. A line longer than max_line is consumed whole
 * (up to its LF, however many reads that takes) and reported once as too long.
 */
#include "linebuf.h"
#include "defaults.h"

#include <string.h>

void
linebuf_init(struct linebuf *lb, size_t max_line)
{
	memset(lb, 0, sizeof *lb);
	bytebuf_init(&lb->buf, LINEBUF_INITIAL, BYTEBUF_NO_MAX);
	lb->max_line = max_line;
}

void
linebuf_free(struct linebuf *lb)
{
	bytebuf_free(&lb->buf);
	memset(lb, 0, sizeof *lb);
}

void
linebuf_set_max(struct linebuf *lb, size_t max_line)
{
	lb->max_line = max_line;
}

size_t
linebuf_pending(const struct linebuf *lb)
{
	return bytebuf_used(&lb->buf);
}

void
linebuf_compact(struct linebuf *lb)
{
	if (bytebuf_used(&lb->buf) == 0 && !lb->skipping)
		bytebuf_free(&lb->buf);
}

int
linebuf_reserve(struct linebuf *lb, size_t min, char **space, size_t *avail)
{
	bytebuf_compact(&lb->buf);
	if (bytebuf_reserve(&lb->buf, min) == -1)
		return -1;
	*space = bytebuf_tail(&lb->buf);
	*avail = bytebuf_room(&lb->buf);
	return 0;
}

void
linebuf_commit(struct linebuf *lb, size_t n)
{
	bytebuf_commit(&lb->buf, n);
}

int
linebuf_append(struct linebuf *lb, const char *data, size_t len)
{
	bytebuf_compact(&lb->buf);
	return bytebuf_append(&lb->buf, data, len);
}

size_t
linebuf_peek(struct linebuf *lb, const char **data)
{
	if (lb->skipping || lb->buf.data == NULL)
		return 0;
	*data = bytebuf_head(&lb->buf);
	return bytebuf_used(&lb->buf);
}

void
linebuf_consume(struct linebuf *lb, size_t n)
{
	bytebuf_consume(&lb->buf, n);
}

/* Drops bytes of an over-long line. 1 when its end was found, else 0. */
static int
linebuf_skip(struct linebuf *lb)
{
	const char *head = bytebuf_head(&lb->buf);
	const char *nl = head ? memchr(head, '\n', bytebuf_used(&lb->buf)) : NULL;

	if (nl == NULL) {
		bytebuf_reset(&lb->buf);
		return 0;
	}
	bytebuf_consume(&lb->buf, (size_t)(nl - head) + 1);
	lb->skipping = 0;
	return 1;
}

enum lb_rc
linebuf_next(struct linebuf *lb, char **line, size_t *len)
{
	if (lb->skipping)
		return linebuf_skip(lb) ? LB_TOO_LONG : LB_NONE;
	size_t have = bytebuf_used(&lb->buf);
	char *p = bytebuf_head(&lb->buf);
	char *nl = have ? memchr(p, '\n', have) : NULL;
	if (nl == NULL) {
		/* A partial line may reach max_line + CR before its LF arrives. */
		if (have > lb->max_line + 1) {
			lb->skipping = 1;
			bytebuf_reset(&lb->buf);
		}
		return LB_NONE;
	}
	size_t n = (size_t)(nl - p);
	bytebuf_consume(&lb->buf, n + 1);   /* the bytes stay where they are */
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > lb->max_line)
		return LB_TOO_LONG;
	p[n] = '\0';
	*line = p;
	*len = n;
	return LB_LINE;
}
