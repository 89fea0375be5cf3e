/*
 * throttle.h: slows down repeated login failures. Counts recent failures per
 * key (a user name, or a client address) in a fixed-size table behind a mutex;
 * failures older than FAIL_WINDOW_S are forgotten. Thread-safe.
 */
#ifndef SEALED_THROTTLE_H
#define SEALED_THROTTLE_H

#include <stdint.h>

struct throttle;

struct throttle *throttle_new(void);
void throttle_free(struct throttle *);

/* Replaces the clock (milliseconds, never going back; NULL: CLOCK_MONOTONIC).
 * For tests; call before the table is shared between threads. */
void throttle_set_clock(struct throttle *, uint64_t (*clock_ms)(void));

/* Records a failed login for KEY. */
void throttle_fail(struct throttle *, const char *key);

/* Forgets KEY's failures (after a successful login). */
void throttle_clear(struct throttle *, const char *key);

/* How long to delay the next answer for KEY, in milliseconds: 0 with no recent
 * failures, then FAIL_DELAY_BASE_MS doubling per failure up to FAIL_DELAY_MAX_MS. */
unsigned throttle_delay_ms(struct throttle *, const char *key);

#endif
