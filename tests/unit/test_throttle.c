/* test_throttle.c: failure delays grow, cap, clear and run down one failure
 * a step; user names and addresses are separate key spaces; a full table
 * keeps working; threads may share it. */
#include "unit.h"
#include "server_defaults.h"
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
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "alice"), 0);
	for (int i = 0; i < 10; i++) {
		throttle_fail(t, THROTTLE_USER, "alice");
		CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "alice"), want);
		want = want * 2 > FAIL_DELAY_MAX_MS ? FAIL_DELAY_MAX_MS : want * 2;
	}
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "alice"), FAIL_DELAY_MAX_MS);
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "bob"), 0);
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "alic"), 0);
	throttle_clear_user(t, "alice");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "alice"), 0);
	throttle_fail(t, THROTTLE_USER, "alice");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "alice"), FAIL_DELAY_BASE_MS);
	throttle_free(t);
}

/* The penalty time of one failure: FAIL_WINDOW_S over the failures it takes
 * to reach FAIL_DELAY_MAX_MS (throttle.h). */
static uint64_t
test_step_ms(void)
{
	unsigned n = 1;

	while ((uint64_t)FAIL_DELAY_BASE_MS << (n - 1) < FAIL_DELAY_MAX_MS)
		n++;
	return (uint64_t)FAIL_WINDOW_S * 1000 / n;
}

UNIT_TEST(throttle_runs_down_one_failure_a_step)
{
	struct throttle *t = throttle_new();
	uint64_t step = test_step_ms();

	CHECK(t != NULL);
	if (t == NULL)
		return;
	fake_now_ms = 1000;
	throttle_set_clock(t, fake_clock);
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.1");
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.1");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.1"), FAIL_DELAY_BASE_MS * 2);
	fake_now_ms += step - 1;
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.1"), FAIL_DELAY_BASE_MS * 2);
	fake_now_ms += 1;                           /* the first failure's weight is gone */
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.1"), FAIL_DELAY_BASE_MS);
	fake_now_ms += step;
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.1"), 0);
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.1");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.1"), FAIL_DELAY_BASE_MS);

	/* A burst far past the cap: the longest delay for one step, then halving
	 * every step, and nothing FAIL_WINDOW_S after the last failure. */
	for (int i = 0; i < 100; i++)
		throttle_fail(t, THROTTLE_ADDR, "10.0.0.2");
	unsigned want = FAIL_DELAY_MAX_MS;
	for (uint64_t left = (uint64_t)FAIL_WINDOW_S * 1000; left > 0; left -= step) {
		CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.2"), want);
		fake_now_ms += step - 1;
		CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.2"), want);
		fake_now_ms += 1;
		want = want / 2 >= FAIL_DELAY_BASE_MS ? want / 2 : 0;
	}
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.2"), 0);

	/* Failures closer together than a step add up. */
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.3");
	fake_now_ms += step / 2;
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.3");
	fake_now_ms += step / 2;
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.3");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.3"), FAIL_DELAY_BASE_MS * 2);
	throttle_free(t);
}

UNIT_TEST(throttle_users_and_addresses_are_apart)
{
	struct throttle *t = throttle_new();

	CHECK(t != NULL);
	if (t == NULL)
		return;
	for (int i = 0; i < 3; i++)
		throttle_fail(t, THROTTLE_USER, "127.0.0.5");   /* a user with an address's name */
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "127.0.0.5"), FAIL_DELAY_BASE_MS * 4);
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "127.0.0.5"), 0);
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.9");
	throttle_fail(t, THROTTLE_ADDR, "10.0.0.9");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "10.0.0.9"), 0);
	/* a success of the user "10.0.0.9" leaves the address alone */
	throttle_clear_user(t, "10.0.0.9");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_ADDR, "10.0.0.9"), FAIL_DELAY_BASE_MS * 2);
	throttle_clear_user(t, "127.0.0.5");
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, "127.0.0.5"), 0);
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
		throttle_fail(t, THROTTLE_USER, key);
	}
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, key), FAIL_DELAY_BASE_MS);
	throttle_fail(t, THROTTLE_USER, key);
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, key), FAIL_DELAY_BASE_MS * 2);
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	throttle_fail(t, THROTTLE_USER, key);
	CHECK_INT(throttle_delay_ms(t, THROTTLE_USER, key), FAIL_DELAY_BASE_MS);
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
			throttle_fail(h->t, h->id ? THROTTLE_ADDR : THROTTLE_USER, key);
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
			CHECK_INT(throttle_delay_ms(t, id ? THROTTLE_ADDR : THROTTLE_USER, key),
			          FAIL_DELAY_BASE_MS << (TEST_FAILS_PER_KEY - 1));
		}
	throttle_free(t);
}
