/* test_fnv.c: FNV-1a against the published test vectors (32 and 64 bits),
 * over bytes and not up to a NUL. */
#include "unit.h"
#include "fnv.h"

UNIT_TEST(fnv_hash_known_vectors)
{
	CHECK(fnv_hash32("", 0) == 0x811c9dc5u);
	CHECK(fnv_hash32("a", 1) == 0xe40c292cu);
	CHECK(fnv_hash32("foobar", 6) == 0xbf9cf968u);
	CHECK(fnv_hash32("a\0b", 3) != fnv_hash32("a", 1));
	CHECK(fnv_hash64("", 0) == 0xcbf29ce484222325ULL);
	CHECK(fnv_hash64("a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(fnv_hash64("foobar", 6) == 0x85944171f73967e8ULL);
}
