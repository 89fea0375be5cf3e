/* test_throttle.c: failure delays grow, cap, clear and expire; a full table
 * keeps working; threads may share it. */
#include "unit.h"
#include "defaults.h"
#include "throttle.h"

#include <pthread.h>

#define TEST_KEYS_PER_THREAD 50
#define TEST_FAILS_PER_KEY   4

static uint64_t fake_now_ms;

static uint64_t
fake_clock(void)
{
	return fake_now_ms;
}

UNIT_TEST(throttle_delay_grows_and_caps)
{
	struct throttle *t = throttle_new();
	unsigned want = FAIL_DELAY_BASE_MS;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	CHECK_INT(throttle_delay_ms(t, "alice"), 0);
	for (int i = 0; i < 10; i++) {
		throttle_fail(t, "alice");
		CHECK_INT(throttle_delay_ms(t, "alice"), want);
		want = want * 2 > FAIL_DELAY_MAX_MS ? FAIL_DELAY_MAX_MS : want * 2;
	}
	CHECK_INT(throttle_delay_ms(t, "alice"), FAIL_DELAY_MAX_MS);
	CHECK_INT(throttle_delay_ms(t, "bob"), 0);
	CHECK_INT(throttle_delay_ms(t, "alic"), 0);
	throttle_clear(t, "alice");
	CHECK_INT(throttle_delay_ms(t, "alice"), 0);
	throttle_fail(t, "alice");
	CHECK_INT(throttle_delay_ms(t, "alice"), FAIL_DELAY_BASE_MS);
	throttle_free(t);
}

UNIT_TEST(throttle_forgets_after_window)
{
	struct throttle *t = throttle_new();

	CHECK(t != NULL);
	if (t == NULL)
		return;
	fake_now_ms = 1000;
	throttle_set_clock(t, fake_clock);
	throttle_fail(t, "10.0.0.1");
	throttle_fail(t, "10.0.0.1");
	CHECK_INT(throttle_delay_ms(t, "10.0.0.1"), FAIL_DELAY_BASE_MS * 2);
	fake_now_ms += (uint64_t)FAIL_WINDOW_S * 1000 - 1;
	CHECK_INT(throttle_delay_ms(t, "10.0.0.1"), FAIL_DELAY_BASE_MS * 2);
	fake_now_ms += 1;
	CHECK_INT(throttle_delay_ms(t, "10.0.0.1"), 0);
	throttle_fail(t, "10.0.0.1");
	CHECK_INT(throttle_delay_ms(t, "10.0.0.1"), FAIL_DELAY_BASE_MS);
	throttle_free(t);
}

UNIT_TEST(throttle_full_table_keeps_counting)
{
	struct throttle *t = throttle_new();
	char key[THROTTLE_KEY_MAX * 2];

	CHECK(t != NULL);
	if (t == NULL)
		return;
	for (int i = 0; i < FAIL_TABLE_SIZE * 3; i++) {
		snprintf(key, sizeof key, "user%d", i);
		throttle_fail(t, key);
	}
	CHECK_INT(throttle_delay_ms(t, key), FAIL_DELAY_BASE_MS);
	throttle_fail(t, key);
	CHECK_INT(throttle_delay_ms(t, key), FAIL_DELAY_BASE_MS * 2);
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	throttle_fail(t, key);
	CHECK_INT(throttle_delay_ms(t, key), FAIL_DELAY_BASE_MS);
	throttle_free(t);
}

struct hammer { struct throttle *t; int id; };

static void *
hammer_run(void *arg)
{
	struct hammer *h = arg;
	char key[32];

	for (int n = 0; n < TEST_FAILS_PER_KEY; n++)
		for (int i = 0; i < TEST_KEYS_PER_THREAD; i++) {
			snprintf(key, sizeof key, "t%d-k%d", h->id, i);
			throttle_fail(h->t, key);
		}
	return NULL;
}

UNIT_TEST(throttle_threads_share_the_table)
{
	struct throttle *t = throttle_new();
	struct hammer h[2];
	pthread_t th[2];
	char key[32];

	CHECK(t != NULL);
	if (t == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		h[i] = (struct hammer){ t, i };
		CHECK(pthread_create(&th[i], NULL, hammer_run, &h[i]) == 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (int id = 0; id < 2; id++)
		for (int i = 0; i < TEST_KEYS_PER_THREAD; i++) {
			snprintf(key, sizeof key, "t%d-k%d", id, i);
			CHECK_INT(throttle_delay_ms(t, key), FAIL_DELAY_BASE_MS << (TEST_FAILS_PER_KEY - 1));
		}
	throttle_free(t);
}
