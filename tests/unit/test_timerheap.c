/* test_timerheap.c: the worker's timer heap orders, moves and removes. */
#include "unit.h"
#include "conn.h"
#include "timerheap.h"

#include <stdlib.h>

#define TH_N 200

UNIT_TEST(timerheap_pops_in_deadline_order_with_moves_and_removals)
{
	static struct conn c[TH_N];
	struct timerheap h = { 0 };
	for (int i = 0; i < TH_N; i++) {
		c[i].timer_idx = -1;
		c[i].timer_ms = (i * 7919) % 1000;   /* a shuffled order */
		CHECK(timerheap_set(&h, &c[i]) == 0);
	}
	c[10].timer_ms = -5;                     /* move to the front */
	CHECK(timerheap_set(&h, &c[10]) == 0);
	CHECK(timerheap_peek(&h) == &c[10]);
	timerheap_remove(&h, &c[10]);
	CHECK_INT(c[10].timer_idx, -1);
	timerheap_remove(&h, &c[10]);            /* twice is harmless */
	for (int i = 0; i < TH_N; i += 3)
		timerheap_remove(&h, &c[i]);
	int64_t last = -1000;
	size_t popped = 0;
	struct conn *top;
	while ((top = timerheap_peek(&h)) != NULL) {
		CHECK(top->timer_ms >= last);
		last = top->timer_ms;
		timerheap_remove(&h, top);
		popped++;
	}
	CHECK_INT(popped, TH_N - (TH_N + 2) / 3 - (10 % 3 != 0));
	timerheap_free(&h);
}
