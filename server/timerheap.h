/*
 * timerheap.h: a binary min-heap of connections ordered by their timer's
 * deadline (conn->timer_ms), each connection knowing its own place
 * (conn->timer_idx, -1 when not in the heap) so that a timer can be moved or
 * cancelled in O(log n). One per worker; worker thread only.
 */
#ifndef SEALED_TIMERHEAP_H
#define SEALED_TIMERHEAP_H

#include <stddef.h>
#include <stdint.h>

struct conn;

struct timerheap {
	struct conn **v;
	size_t        n, cap;
};

void timerheap_free(struct timerheap *);

/* Puts C in the heap at deadline C->timer_ms, or moves it there. 0, or -1
 * when out of memory. */
int  timerheap_set(struct timerheap *, struct conn *c);

/* Takes C out of the heap (nothing when it is not in). */
void timerheap_remove(struct timerheap *, struct conn *c);

/* The earliest connection, or NULL. */
struct conn *timerheap_peek(const struct timerheap *);

#endif
