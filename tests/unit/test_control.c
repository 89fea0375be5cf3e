/* test_control.c: the control socket's reply holds every counter as a
 * "name value" line; in a buffer too small for it, whole lines only and
 * never a byte past the buffer. */
#include "unit.h"
#include "control.h"
#include "stats.h"

#include <limits.h>
#include <stdlib.h>

#define TEST_CANARY 0x5a
#define TEST_SLACK  64         /* bytes past the buffer that must stay untouched */
#define TEST_BUF    4096       /* room for the whole reply */

/* Counters with distinct values, the widest a long prints. */
static void
test_fill(struct stats *st)
{
	long v = 1;
#define TEST_SET(name) atomic_store(&st->name, v); v = -v * 7;
	STATS_FIELDS(TEST_SET)
#undef TEST_SET
	atomic_store(&st->bytes_out, LONG_MIN);
}

UNIT_TEST(control_reply_has_every_counter)
{
	struct stats st;
	char buf[TEST_BUF];
	char want[64];

	test_fill(&st);
	size_t n = control_format(&st, buf, sizeof buf);
	CHECK(n < sizeof buf && buf[n] == '\0' && strlen(buf) == n);
	snprintf(want, sizeof want, "\nbytes_out %ld\n", LONG_MIN);
	CHECK(strstr(buf, want) != NULL);
	CHECK(strncmp(buf, "conns_open 1\n", strlen("conns_open 1\n")) == 0);
	CHECK(strstr(buf, "\nrtp_packets ") != NULL);
}

UNIT_TEST(control_reply_in_a_small_buffer_is_whole_lines_and_bounded)
{
	struct stats st;
	char full[TEST_BUF];
	char *buf = malloc(TEST_BUF + TEST_SLACK);

	CHECK(buf != NULL);
	if (buf == NULL)
		return;
	test_fill(&st);
	size_t whole = control_format(&st, full, sizeof full);
	for (size_t len = 1; len <= whole + 1; len++) {
		memset(buf, TEST_CANARY, TEST_BUF + TEST_SLACK);
		size_t n = control_format(&st, buf, len);
		CHECK(n < len);
		CHECK(buf[n] == '\0');
		CHECK(memcmp(buf, full, n) == 0);                  /* a prefix of the reply */
		CHECK(n == 0 || buf[n - 1] == '\n');               /* of whole lines */
		CHECK(len <= whole || n == whole);
		for (size_t i = len; i < TEST_BUF + TEST_SLACK; i++)
			if ((unsigned char)buf[i] != TEST_CANARY) {
				CHECK(!"a byte past the buffer was written");
				break;
			}
	}
	free(buf);
}
