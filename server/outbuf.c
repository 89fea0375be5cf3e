/*
 * outbuf.c: a connection's output queue (see outbuf.h). Pure memory
 * management; the owner's thread only.
 */
#include "outbuf.h"

#include <stdlib.h>
#include <string.h>

#define OUTBUF_INITIAL 1024          /* first allocation; doubled as needed */

char *
outbuf_reserve(struct outbuf *o, size_t len)
{
	if (o->cap - o->len >= len)
		return o->buf + o->len;
	if (o->off > 0 && o->inflight == 0) {    /* a write in progress keeps its bytes */
		memmove(o->buf, o->buf + o->off, o->len - o->off);
		o->len -= o->off;
		o->off = 0;
	}
	size_t cap = o->cap ? o->cap : OUTBUF_INITIAL;
	while (cap - o->len < len)
		cap *= 2;
	if (cap != o->cap) {
		char *nb = realloc(o->buf, cap);
		if (nb == NULL)
			return NULL;
		o->buf = nb;
		o->cap = cap;
	}
	return o->buf + o->len;
}

void
outbuf_commit(struct outbuf *o, size_t n)
{
	o->len += n;
}

void
outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->cap = o->off = o->len = o->inflight = 0;
}
