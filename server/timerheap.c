/*
 * timerheap.c: the classic array heap, sifting up and down, with each
 * connection's index kept in step so removal needs no search.
 */
#include "timerheap.h"
#include "conn.h"

#include <stdlib.h>

#define TIMERHEAP_INITIAL 64

static int
timerheap_less(const struct timerheap *h, size_t a, size_t b)
{
	return h->v[a]->timer_ms < h->v[b]->timer_ms;
}

static void
timerheap_swap(struct timerheap *h, size_t a, size_t b)
{
	struct conn *t = h->v[a];
	h->v[a] = h->v[b];
	h->v[b] = t;
	h->v[a]->timer_idx = (long)a;
	h->v[b]->timer_idx = (long)b;
}

static void
timerheap_up(struct timerheap *h, size_t i)
{
	while (i > 0 && timerheap_less(h, i, (i - 1) / 2)) {
		timerheap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
timerheap_down(struct timerheap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && timerheap_less(h, l, m))
			m = l;
		if (r < h->n && timerheap_less(h, r, m))
			m = r;
		if (m == i)
			return;
		timerheap_swap(h, i, m);
		i = m;
	}
}

void
timerheap_free(struct timerheap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

int
timerheap_set(struct timerheap *h, struct conn *c)
{
	if (c->timer_idx >= 0) {
		size_t i = (size_t)c->timer_idx;
		timerheap_up(h, i);
		timerheap_down(h, (size_t)c->timer_idx);
		return 0;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : TIMERHEAP_INITIAL;
		struct conn **v = realloc(h->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n] = c;
	c->timer_idx = (long)h->n;
	h->n++;
	timerheap_up(h, h->n - 1);
	return 0;
}

void
timerheap_remove(struct timerheap *h, struct conn *c)
{
	if (c->timer_idx < 0)
		return;
	size_t i = (size_t)c->timer_idx;
	c->timer_idx = -1;
	h->n--;
	if (i == h->n)
		return;
	h->v[i] = h->v[h->n];
	h->v[i]->timer_idx = (long)i;
	timerheap_up(h, i);
	timerheap_down(h, (size_t)h->v[i]->timer_idx);
}

struct conn *
timerheap_peek(const struct timerheap *h)
{
	return h->n > 0 ? h->v[0] : NULL;
}
