/*
 * tui_queue.c: a FIFO of owned, wiped-on-free lines (see tui_queue.h).
 * Main thread.
 */
#include "tui_queue.h"

#include <stdlib.h>
#include <string.h>

#define TQ_INITIAL 16

/* Moves the waiting lines to the front, or doubles the room. */
static int
tq_room(struct tui_queue *q)
{
	struct tq_item *v;
	size_t cap;

	if (q->head + q->n < q->cap)
		return 0;
	if (q->head > 0) {
		memmove(q->v, q->v + q->head, q->n * sizeof *q->v);
		q->head = 0;
		return 0;
	}
	cap = q->cap ? q->cap * 2 : TQ_INITIAL;
	v = realloc(q->v, cap * sizeof *v);
	if (v == NULL)
		return -1;
	q->v = v;
	q->cap = cap;
	return 0;
}

int
tui_queue_push(struct tui_queue *q, const char *line, unsigned flags)
{
	size_t len = strlen(line);
	char *copy;

	if (tq_room(q) == -1 || (copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, line, len + 1);
	q->v[q->head + q->n] = (struct tq_item){ .line = copy, .len = len, .flags = flags };
	q->n++;
	return 0;
}

int
tui_queue_pop(struct tui_queue *q, struct tq_item *it)
{
	if (q->n == 0)
		return 0;
	*it = q->v[q->head];
	q->head++;
	q->n--;
	if (q->n == 0)
		q->head = 0;
	return 1;
}

size_t
tui_queue_len(const struct tui_queue *q)
{
	return q->n;
}

void
tui_queue_item_free(struct tq_item *it)
{
	if (it->line != NULL) {
		explicit_bzero(it->line, it->len);
		free(it->line);
	}
	it->line = NULL;
	it->len = 0;
}

void
tui_queue_clear(struct tui_queue *q)
{
	struct tq_item it;

	while (tui_queue_pop(q, &it))
		tui_queue_item_free(&it);
}

void
tui_queue_free(struct tui_queue *q)
{
	tui_queue_clear(q);
	free(q->v);
	memset(q, 0, sizeof *q);
}
