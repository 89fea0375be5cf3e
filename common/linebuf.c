/*
 * linebuf.c: line splitting over a growable buffer. Lines end with LF; a CR
 * before the LF is stripped. A line longer than max_line is consumed whole
 * (up to its LF, however many reads that takes) and reported once as too long.
 */
#include "linebuf.h"
#include "defaults.h"

#include <stdlib.h>
#include <string.h>

void
linebuf_init(struct linebuf *lb, size_t max_line)
{
	memset(lb, 0, sizeof *lb);
	lb->max_line = max_line;
}

void
linebuf_free(struct linebuf *lb)
{
	free(lb->buf);
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
	return lb->len - lb->start;
}

void
linebuf_compact(struct linebuf *lb)
{
	if (lb->start == lb->len && !lb->skipping) {
		free(lb->buf);
		lb->buf = NULL;
		lb->cap = lb->start = lb->len = 0;
	}
}

int
linebuf_reserve(struct linebuf *lb, size_t min, char **space, size_t *avail)
{
	if (lb->start > 0) {
		memmove(lb->buf, lb->buf + lb->start, lb->len - lb->start);
		lb->len -= lb->start;
		lb->start = 0;
	}
	if (lb->cap - lb->len < min || lb->buf == NULL) {   /* even for MIN 0: no NULL + 0 */
		size_t cap = lb->cap ? lb->cap : LINEBUF_INITIAL;
		while (cap - lb->len < min)
			cap *= 2;
		char *nb = realloc(lb->buf, cap);
		if (nb == NULL)
			return -1;
		lb->buf = nb;
		lb->cap = cap;
	}
	*space = lb->buf + lb->len;
	*avail = lb->cap - lb->len;
	return 0;
}

void
linebuf_commit(struct linebuf *lb, size_t n)
{
	lb->len += n;
}

int
linebuf_append(struct linebuf *lb, const char *data, size_t len)
{
	char *space;
	size_t avail;

	if (linebuf_reserve(lb, len, &space, &avail) == -1)
		return -1;
	memcpy(space, data, len);
	linebuf_commit(lb, len);
	return 0;
}

size_t
linebuf_peek(struct linebuf *lb, const char **data)
{
	if (lb->skipping || lb->buf == NULL)
		return 0;
	*data = lb->buf + lb->start;
	return lb->len - lb->start;
}

void
linebuf_consume(struct linebuf *lb, size_t n)
{
	size_t have = lb->len - lb->start;
	lb->start += n < have ? n : have;
}

/* Drops bytes of an over-long line. 1 when its end was found, else 0. */
static int
linebuf_skip(struct linebuf *lb)
{
	char *nl = memchr(lb->buf + lb->start, '\n', lb->len - lb->start);
	if (nl == NULL) {
		lb->start = lb->len = 0;
		return 0;
	}
	lb->start = (size_t)(nl - lb->buf) + 1;
	lb->skipping = 0;
	return 1;
}

enum lb_rc
linebuf_next(struct linebuf *lb, char **line, size_t *len)
{
	if (lb->skipping)
		return linebuf_skip(lb) ? LB_TOO_LONG : LB_NONE;
	size_t have = lb->len - lb->start;
	char *nl = have ? memchr(lb->buf + lb->start, '\n', have) : NULL;
	if (nl == NULL) {
		/* A partial line may reach max_line + CR before its LF arrives. */
		if (have > lb->max_line + 1) {
			lb->skipping = 1;
			lb->start = lb->len = 0;
		}
		return LB_NONE;
	}
	char *p = lb->buf + lb->start;   /* not before: buf is NULL when empty */
	size_t n = (size_t)(nl - p);
	lb->start += n + 1;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > lb->max_line)
		return LB_TOO_LONG;
	p[n] = '\0';
	*line = p;
	*len = n;
	return LB_LINE;
}
