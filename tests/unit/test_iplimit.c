/* test_iplimit.c: the per-address connection limit: counts, the loopback
 * exemption, and a new limit from a reload (iplimit_set_max) that finds every
 * connection counted, even those made while the limit was off. */
#include "unit.h"
#include "iplimit.h"

UNIT_TEST(iplimit_counts_and_refuses_at_the_limit)
{
	struct iplimit *l = iplimit_new(2);

	CHECK(l != NULL);
	if (l == NULL)
		return;
	CHECK_INT(iplimit_acquire(l, "192.0.2.1"), 0);
	CHECK_INT(iplimit_acquire(l, "192.0.2.1"), 0);
	CHECK_INT(iplimit_acquire(l, "192.0.2.1"), -1);
	CHECK_INT(iplimit_acquire(l, "192.0.2.2"), 0);
	iplimit_release(l, "192.0.2.1");
	CHECK_INT(iplimit_acquire(l, "192.0.2.1"), 0);
	for (int i = 0; i < 5; i++)
		CHECK_INT(iplimit_acquire(l, "127.0.0.1"), 0);   /* exempt */
	iplimit_free(l);
}

UNIT_TEST(iplimit_new_limit_counts_connections_made_while_off)
{
	struct iplimit *l = iplimit_new(0);

	CHECK(l != NULL);
	if (l == NULL)
		return;
	for (int i = 0; i < 3; i++)
		CHECK_INT(iplimit_acquire(l, "198.51.100.7"), 0);
	iplimit_set_max(l, 3);                 /* a reload turns it on */
	CHECK_INT(iplimit_acquire(l, "198.51.100.7"), -1);
	iplimit_release(l, "198.51.100.7");
	CHECK_INT(iplimit_acquire(l, "198.51.100.7"), 0);
	iplimit_set_max(l, 5);
	CHECK_INT(iplimit_acquire(l, "198.51.100.7"), 0);
	CHECK_INT(iplimit_acquire(l, "198.51.100.7"), 0);
	CHECK_INT(iplimit_acquire(l, "198.51.100.7"), -1);
	iplimit_free(l);
}
