/*
 * decimal.c: strict decimal numbers (see decimal.h).
 */
#include "decimal.h"

int
decimal_parse(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (d > max || v > (max - d) / DECIMAL)   /* v * 10 + d > max */
			return -1;
		v = v * DECIMAL + d;
	}
	*out = v;
	return 0;
}

size_t
decimal_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

int
decimal_scan(const char **p, uint64_t max, uint64_t *out)
{
	size_t n = decimal_digits(*p);

	if (decimal_parse(*p, n, max, out) == -1)
		return -1;
	*p += n;
	return 0;
}
