/*
 * tui_queue.h: the lines the TUI has yet to send, in order: a menu command
 * is one line, Compose is MAIL, each RCPT, DATA, the body and ".". The
 * connection sends the next line when no reply is owed, and drops the rest
 * when a step fails (unless the step is marked soft, as each RCPT is).
 * Lines are copies; every copy is wiped before it is freed (an AUTH line
 * holds a password). Main thread.
 */
#ifndef SEAL_TUI_QUEUE_H
#define SEAL_TUI_QUEUE_H

#include <stddef.h>

#define TQ_SOFT   1u       /* a failed reply does not stop what follows */

struct tq_item {
	char    *line;
	size_t   len;
	unsigned flags;
};

struct tui_queue {
	struct tq_item *v;
	size_t          head, n, cap;
};

/* Appends a copy of LINE. 0, or -1 when out of memory. */
int tui_queue_push(struct tui_queue *q, const char *line, unsigned flags);

/* Takes the first line into *IT (free it with tui_queue_item_free). 1, or 0
 * when the queue is empty. */
int tui_queue_pop(struct tui_queue *q, struct tq_item *it);

/* Lines waiting. */
size_t tui_queue_len(const struct tui_queue *q);

/* Wipes and frees one taken line. */
void tui_queue_item_free(struct tq_item *it);

/* Wipes and drops every line; the queue stays usable. */
void tui_queue_clear(struct tui_queue *q);

/* tui_queue_clear and frees the storage. */
void tui_queue_free(struct tui_queue *q);

#endif
