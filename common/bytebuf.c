/*
 * bytebuf.c: the growable byte buffer of bytebuf.h: doubling growth under
 * a cap, with every size checked against overflow.
 */
#include "bytebuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void
bytebuf_init(struct bytebuf *b, size_t initial, size_t max)
{
	memset(b, 0, sizeof *b);
	b->initial = initial;
	b->max = max;
}

/* The allocation that holds NEED bytes: the current one (or the first)
 * doubled until it does, never past LIMIT (NEED <= LIMIT). */
static size_t
bytebuf_grown(const struct bytebuf *b, size_t need, size_t limit)
{
	size_t cap = b->cap ? b->cap : b->initial ? b->initial : BYTEBUF_INITIAL;

	if (cap > limit)
		cap = limit;
	while (cap < need)
		cap = cap > limit / 2 ? limit : cap * 2;
	return cap;
}

int
bytebuf_reserve(struct bytebuf *b, size_t min)
{
	size_t limit = b->max != BYTEBUF_NO_MAX ? b->max : SIZE_MAX;

	if (min > SIZE_MAX - b->len || b->len + min > limit) {
		errno = EMSGSIZE;
		return -1;
	}
	if (b->data != NULL && b->cap - b->len >= min)
		return 0;
	size_t cap = bytebuf_grown(b, b->len + min, limit);
	char *nd = realloc(b->data, cap);
	if (nd == NULL) {
		errno = ENOMEM;
		return -1;
	}
	b->data = nd;
	b->cap = cap;
	return 0;
}

void
bytebuf_commit(struct bytebuf *b, size_t n)
{
	b->len += n <= b->cap - b->len ? n : b->cap - b->len;
}

int
bytebuf_append(struct bytebuf *b, const void *bytes, size_t len)
{
	if (bytebuf_reserve(b, len) == -1)
		return -1;
	memcpy(b->data + b->len, bytes, len);
	b->len += len;
	return 0;
}

void
bytebuf_consume(struct bytebuf *b, size_t n)
{
	if (n >= b->len - b->off)
		b->off = b->len = 0;
	else
		b->off += n;
}

void
bytebuf_compact(struct bytebuf *b)
{
	if (b->off == 0)
		return;
	memmove(b->data, b->data + b->off, b->len - b->off);
	b->len -= b->off;
	b->off = 0;
}

void
bytebuf_reset(struct bytebuf *b)
{
	b->off = b->len = 0;
}

void
bytebuf_free(struct bytebuf *b)
{
	free(b->data);
	b->data = NULL;
	b->cap = b->off = b->len = 0;
}
