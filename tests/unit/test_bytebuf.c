/* test_bytebuf.c: the growable byte buffer: doubling from the first
 * allocation, the hard cap (EMSGSIZE, buffer unchanged), size_t overflow,
 * consuming from the head, compacting, reset and free, and a zeroed
 * struct as a valid empty buffer. */
#include "unit.h"
#include "bytebuf.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

UNIT_TEST(bytebuf_doubles_from_its_first_allocation)
{
	struct bytebuf b;

	bytebuf_init(&b, 16, BYTEBUF_NO_MAX);
	CHECK(bytebuf_head(&b) == NULL && bytebuf_tail(&b) == NULL);
	CHECK_INT(bytebuf_reserve(&b, 0), 0);         /* storage even for 0 */
	CHECK_INT(b.cap, 16);
	CHECK(bytebuf_tail(&b) != NULL);
	CHECK_INT(bytebuf_append(&b, "0123456789abcdef", 16), 0);
	CHECK_INT(b.cap, 16);
	CHECK_INT(bytebuf_append(&b, "g", 1), 0);
	CHECK_INT(b.cap, 32);
	CHECK_INT(bytebuf_reserve(&b, 100), 0);       /* 17 + 100: 32, 64, 128 */
	CHECK_INT(b.cap, 128);
	CHECK_INT(bytebuf_used(&b), 17);
	CHECK(memcmp(bytebuf_head(&b), "0123456789abcdefg", 17) == 0);
	bytebuf_free(&b);
	CHECK(b.data == NULL && bytebuf_used(&b) == 0);
	CHECK_INT(bytebuf_reserve(&b, 1), 0);         /* reusable: the first size again */
	CHECK_INT(b.cap, 16);
	bytebuf_free(&b);
}

UNIT_TEST(bytebuf_reserve_and_commit_fill_in_place)
{
	struct bytebuf b;

	bytebuf_init(&b, 8, BYTEBUF_NO_MAX);
	CHECK_INT(bytebuf_append(&b, "ab", 2), 0);
	CHECK_INT(bytebuf_reserve(&b, 10), 0);
	CHECK(bytebuf_room(&b) >= 10);
	memcpy(bytebuf_tail(&b), "cdefgh", 6);
	bytebuf_commit(&b, 4);                         /* only "cdef" */
	CHECK_INT(bytebuf_used(&b), 6);
	CHECK(memcmp(bytebuf_head(&b), "abcdef", 6) == 0);
	bytebuf_free(&b);
}

UNIT_TEST(bytebuf_cap_refuses_with_emsgsize_and_keeps_the_bytes)
{
	struct bytebuf b;
	char chunk[40];

	memset(chunk, 'x', sizeof chunk);
	bytebuf_init(&b, 16, 100);
	CHECK_INT(bytebuf_append(&b, chunk, 40), 0);
	CHECK_INT(bytebuf_append(&b, chunk, 40), 0);
	CHECK_INT(bytebuf_append(&b, chunk, 20), 0);  /* exactly 100 */
	CHECK_INT(b.cap, 100);                         /* 16, 32, 64, then the cap */
	errno = 0;
	CHECK_INT(bytebuf_append(&b, "y", 1), -1);
	CHECK_INT(errno, EMSGSIZE);
	CHECK_INT(bytebuf_used(&b), 100);
	CHECK_INT(b.cap, 100);
	bytebuf_consume(&b, 30);                       /* consumed bytes still count */
	errno = 0;
	CHECK_INT(bytebuf_reserve(&b, 1), -1);
	CHECK_INT(errno, EMSGSIZE);
	bytebuf_compact(&b);                           /* until they are compacted away */
	CHECK_INT(bytebuf_reserve(&b, 30), 0);
	CHECK_INT(bytebuf_reserve(&b, 31), -1);
	bytebuf_free(&b);
	CHECK_INT(b.max, 100);                         /* free keeps the cap */
}

UNIT_TEST(bytebuf_first_allocation_above_the_cap_is_cut_to_it)
{
	struct bytebuf b;

	bytebuf_init(&b, 64, 10);
	CHECK_INT(bytebuf_reserve(&b, 1), 0);
	CHECK_INT(b.cap, 10);
	CHECK_INT(bytebuf_reserve(&b, 11), -1);
	bytebuf_free(&b);
}

UNIT_TEST(bytebuf_sizes_that_overflow_are_refused)
{
	struct bytebuf b;

	bytebuf_init(&b, 16, BYTEBUF_NO_MAX);
	CHECK_INT(bytebuf_append(&b, "abc", 3), 0);
	errno = 0;
	CHECK_INT(bytebuf_reserve(&b, SIZE_MAX), -1);  /* len + min wraps */
	CHECK_INT(errno, EMSGSIZE);
	CHECK_INT(bytebuf_reserve(&b, SIZE_MAX - 2), -1);
	CHECK_INT(bytebuf_used(&b), 3);
	CHECK_INT(b.cap, 16);
	bytebuf_free(&b);
}

UNIT_TEST(bytebuf_consume_compact_and_reset)
{
	struct bytebuf b;

	bytebuf_init(&b, 8, BYTEBUF_NO_MAX);
	CHECK_INT(bytebuf_append(&b, "abcdefgh", 8), 0);
	bytebuf_consume(&b, 3);
	CHECK_INT(bytebuf_used(&b), 5);
	CHECK(memcmp(bytebuf_head(&b), "defgh", 5) == 0);
	CHECK_INT(bytebuf_room(&b), 0);
	bytebuf_compact(&b);
	CHECK(bytebuf_head(&b) == b.data);
	CHECK_INT(bytebuf_room(&b), 3);
	CHECK(memcmp(bytebuf_head(&b), "defgh", 5) == 0);
	bytebuf_consume(&b, 100);                      /* more than held: all of it */
	CHECK_INT(bytebuf_used(&b), 0);
	CHECK_INT(bytebuf_room(&b), 8);                /* back at the front */
	CHECK_INT(bytebuf_append(&b, "xy", 2), 0);
	bytebuf_reset(&b);
	CHECK_INT(bytebuf_used(&b), 0);
	CHECK(b.data != NULL && b.cap == 8);           /* reset keeps the storage */
	bytebuf_free(&b);
}

UNIT_TEST(bytebuf_zeroed_struct_is_an_empty_unbounded_buffer)
{
	struct bytebuf b;
	char big[3000];

	memset(&b, 0, sizeof b);
	memset(big, 'z', sizeof big);
	CHECK_INT(bytebuf_used(&b), 0);
	CHECK_INT(bytebuf_append(&b, "q", 1), 0);
	CHECK_INT(b.cap, BYTEBUF_INITIAL);
	CHECK_INT(bytebuf_append(&b, big, sizeof big), 0);
	CHECK_INT(bytebuf_used(&b), 1 + sizeof big);
	bytebuf_free(&b);
}
