/* test_decimal.c: the strict decimal parser: digits only, bounds checked
 * at every step (up to UINT64_MAX), nothing written on failure, and the
 * scanning form that stops at the first other byte. */
#include "unit.h"
#include "decimal.h"

#include <stdint.h>
#include <string.h>

static int
parse(const char *s, uint64_t max, uint64_t *out)
{
	return decimal_parse(s, strlen(s), max, out);
}

UNIT_TEST(decimal_parse_digits_only)
{
	uint64_t v = 42;

	CHECK_INT(parse("0", UINT64_MAX, &v), 0);
	CHECK(v == 0);
	CHECK_INT(parse("007", UINT64_MAX, &v), 0);
	CHECK(v == 7);
	CHECK_INT(parse("1234567890", UINT64_MAX, &v), 0);
	CHECK(v == 1234567890);
	v = 42;
	static const char *const bad[] = { "", "+1", "-1", " 1", "1 ", "1a", "0x1", "1.5", "１" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(parse(bad[i], UINT64_MAX, &v), -1);
	CHECK(v == 42);                                    /* untouched */
	CHECK_INT(decimal_parse("12\0" "3", 4, UINT64_MAX, &v), -1);   /* a NUL inside */
	CHECK_INT(decimal_parse("123", 2, UINT64_MAX, &v), 0);       /* LEN bytes only */
	CHECK(v == 12);
}

UNIT_TEST(decimal_parse_bounds_and_overflow)
{
	uint64_t v = 0;

	CHECK_INT(parse("18446744073709551615", UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(parse("18446744073709551616", UINT64_MAX, &v), -1);
	CHECK_INT(parse("99999999999999999999", UINT64_MAX, &v), -1);
	CHECK_INT(parse("000000000000000000000000000018446744073709551615", UINT64_MAX, &v), 0);
	CHECK_INT(parse("255", 255, &v), 0);
	CHECK(v == 255);
	CHECK_INT(parse("256", 255, &v), -1);
	CHECK_INT(parse("0", 0, &v), 0);
	CHECK_INT(parse("1", 0, &v), -1);
	CHECK_INT(parse("9", 8, &v), -1);                  /* a last digit past MAX */
	CHECK_INT(parse("10", 9, &v), -1);
}

UNIT_TEST(decimal_scan_stops_at_the_first_other_byte)
{
	const char *s = "123-45", *p = s;
	uint64_t v = 0;

	CHECK_INT(decimal_digits(s), 3);
	CHECK_INT(decimal_digits("x1"), 0);
	CHECK_INT(decimal_scan(&p, UINT64_MAX, &v), 0);
	CHECK(v == 123 && p == s + 3);
	CHECK_INT(decimal_scan(&p, UINT64_MAX, &v), -1);   /* '-' is no digit */
	CHECK(p == s + 3 && v == 123);
	p++;
	CHECK_INT(decimal_scan(&p, 44, &v), -1);           /* 45 past 44: P stays */
	CHECK(p == s + 4);
	CHECK_INT(decimal_scan(&p, 45, &v), 0);
	CHECK(v == 45 && *p == '\0');
}
