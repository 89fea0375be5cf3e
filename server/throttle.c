/*
 * throttle.c: counters of recent login failures (the rule is in
 * throttle.h). Owns one fixed table of FAIL_TABLE_SIZE entries per kind of
 * key (user names, addresses): a key lives in one of THROTTLE_PROBE slots
 * after its hash, and a new key takes a free or forgotten slot there, else
 * the one whose penalty runs out first. An entry keeps the time its penalty
 * runs out, from which its count follows. Times come from CLOCK_MONOTONIC.
 * Any thread may call any function.
 */
#include "throttle.h"

#include "server_defaults.h"
#include "fnv.h"
#include "timeconst.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct fail_entry {
	char     key[THROTTLE_KEY_MAX];   /* "" when free; truncated if longer */
	uint64_t until_ms;                /* when its penalty runs out: all forgotten */
};

struct throttle {
	uint64_t        (*clock_ms)(void);  /* set before sharing; read-only after */
	uint64_t          step_ms;          /* penalty time of one failure; read-only */
	unsigned          count_max;        /* failures that reach the longest delay */
	pthread_mutex_t   lock;             /* guards table */
	struct fail_entry table[THROTTLE_KINDS][FAIL_TABLE_SIZE];
};

_Static_assert(FAIL_DELAY_BASE_MS > 0 && FAIL_WINDOW_S > 0, "throttle: no delay to double");

static uint64_t
throttle_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MS_PER_S + (uint64_t)ts.tv_nsec / NS_PER_MS;
}

/* FNV-1a over what the table keeps of the key. */
static uint32_t
throttle_hash(const char *s)
{
	return fnv_hash32(s, strnlen(s, THROTTLE_KEY_MAX - 1));
}

/* FAIL_DELAY_BASE_MS << (FAILURES - 1), capped at FAIL_DELAY_MAX_MS. */
static unsigned
throttle_delay_for(unsigned failures)
{
	unsigned d = FAIL_DELAY_BASE_MS;

	if (failures == 0)
		return 0;
	for (unsigned i = 1; i < failures && d < FAIL_DELAY_MAX_MS; i++)
		d *= 2;
	return d < FAIL_DELAY_MAX_MS ? d : FAIL_DELAY_MAX_MS;
}

/* The fewest failures whose delay is FAIL_DELAY_MAX_MS. */
static unsigned
throttle_count_max(void)
{
	unsigned n = 1;

	while (throttle_delay_for(n) < FAIL_DELAY_MAX_MS)
		n++;
	return n;
}

struct throttle *
throttle_new(void)
{
	struct throttle *t = calloc(1, sizeof *t);

	if (t == NULL)
		return NULL;
	if (pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t);
		return NULL;
	}
	t->clock_ms = throttle_monotonic_ms;
	t->count_max = throttle_count_max();
	t->step_ms = (uint64_t)FAIL_WINDOW_S * MS_PER_S / t->count_max;
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void
throttle_set_clock(struct throttle *t, uint64_t (*clock_ms)(void))
{
	t->clock_ms = clock_ms != NULL ? clock_ms : throttle_monotonic_ms;
}

static int
throttle_expired(const struct fail_entry *e, uint64_t now)
{
	return e->key[0] == '\0' || e->until_ms <= now;
}

/* Compares as much of KEY as an entry keeps. */
static int
throttle_key_is(const struct fail_entry *e, const char *key)
{
	return e->key[0] != '\0' && strncmp(e->key, key, sizeof e->key - 1) == 0;
}

/* The better of two slots to reuse: a free or forgotten one, else the one
 * whose penalty runs out first. */
static struct fail_entry *
throttle_spare(struct fail_entry *a, struct fail_entry *b, uint64_t now)
{
	if (a == NULL || throttle_expired(b, now))
		return a != NULL && throttle_expired(a, now) ? a : b;
	if (throttle_expired(a, now))
		return a;
	return b->until_ms < a->until_ms ? b : a;
}

/* KEY's live entry in KIND's table, or NULL. With CREATE, a fresh entry for
 * it (taking a free or forgotten slot, else the one in reach whose penalty
 * runs out first). t->lock held. */
static struct fail_entry *
throttle_find(struct throttle *t, enum throttle_kind kind, const char *key, uint64_t now,
              int create)
{
	struct fail_entry *table = t->table[kind];
	uint32_t h = throttle_hash(key);
	struct fail_entry *spare = NULL;

	for (unsigned i = 0; i < THROTTLE_PROBE; i++) {
		struct fail_entry *e = &table[(h + i) % FAIL_TABLE_SIZE];
		if (throttle_key_is(e, key) && !throttle_expired(e, now))
			return e;
		spare = throttle_spare(spare, e, now);
	}
	if (!create)
		return NULL;
	memset(spare, 0, sizeof *spare);
	snprintf(spare->key, sizeof spare->key, "%s", key);
	spare->until_ms = now;
	return spare;
}

void
throttle_fail(struct throttle *t, enum throttle_kind kind, const char *key)
{
	uint64_t now = t->clock_ms();
	uint64_t most = now + t->step_ms * t->count_max;

	pthread_mutex_lock(&t->lock);
	struct fail_entry *e = throttle_find(t, kind, key, now, 1);
	uint64_t until = e->until_ms + t->step_ms;
	e->until_ms = until < most ? until : most;
	pthread_mutex_unlock(&t->lock);
}

void
throttle_clear_user(struct throttle *t, const char *user)
{
	uint64_t now = t->clock_ms();

	pthread_mutex_lock(&t->lock);
	struct fail_entry *e = throttle_find(t, THROTTLE_USER, user, now, 0);
	if (e != NULL)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&t->lock);
}

unsigned
throttle_delay_ms(struct throttle *t, enum throttle_kind kind, const char *key)
{
	uint64_t now = t->clock_ms();
	unsigned failures = 0;

	pthread_mutex_lock(&t->lock);
	const struct fail_entry *e = throttle_find(t, kind, key, now, 0);
	if (e != NULL)   /* the penalty left in steps, rounded up */
		failures = (unsigned)((e->until_ms - now + t->step_ms - 1) / t->step_ms);
	pthread_mutex_unlock(&t->lock);
	return throttle_delay_for(failures);
}
