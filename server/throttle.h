/*
 * throttle.h: slows down repeated login failures. Counts recent failures per
 * key in two separate key spaces, user names and client addresses (a user
 * named "10.0.0.5" is not the address 10.0.0.5), each a fixed-size table of
 * FAIL_TABLE_SIZE keys, behind one mutex. Thread-safe.
 *
 * How failures are counted and forgotten (the same rule for both kinds):
 * each failure adds one step of penalty time to its key, where a step is
 * FAIL_WINDOW_S divided by the number of failures whose delay reaches
 * FAIL_DELAY_MAX_MS (5 with the defaults: a step of 180 s). Penalty time
 * runs down with the clock and never holds more than FAIL_WINDOW_S. A key's
 * count is its penalty time left, in steps, rounded up; its delay is
 * FAIL_DELAY_BASE_MS doubling per counted failure up to FAIL_DELAY_MAX_MS.
 * So each failure's weight expires in turn, one step after the one before:
 * after a burst of guesses the delay stays at 8 s for a step, then halves
 * every step (4, 2, 1, 0.5 s), and the key is forgotten FAIL_WINDOW_S after
 * its last failure, however many there were. Guessing steadily faster than
 * one failure a step keeps the count at the cap.
 *
 * A successful login forgets the failures of its user (throttle_clear_user).
 * An address's failures are never cleared, only run down: otherwise a
 * guesser who owns one account could reset its address between guesses.
 */
#ifndef SEALED_THROTTLE_H
#define SEALED_THROTTLE_H

#include <stdint.h>

struct throttle;

/* The key spaces: a user name, or a client address. */
enum throttle_kind { THROTTLE_USER, THROTTLE_ADDR, THROTTLE_KINDS };

struct throttle *throttle_new(void);
void throttle_free(struct throttle *);

/* Replaces the clock (milliseconds, never going back; NULL: CLOCK_MONOTONIC).
 * For tests; call before the table is shared between threads. */
void throttle_set_clock(struct throttle *, uint64_t (*clock_ms)(void));

/* Records a failed login for KEY of KIND. */
void throttle_fail(struct throttle *, enum throttle_kind, const char *key);

/* Forgets USER's failures (after a successful login). */
void throttle_clear_user(struct throttle *, const char *user);

/* How long to delay the next answer for KEY of KIND, in milliseconds: 0
 * with no failures counted, else FAIL_DELAY_BASE_MS doubling per counted
 * failure up to FAIL_DELAY_MAX_MS (see the rule above). */
unsigned throttle_delay_ms(struct throttle *, enum throttle_kind, const char *key);

#endif
