/*
 * pop3_parse.c: POP3 command syntax on plain strings (see pop3_parse.h), so
 * that it can be tested (and fuzzed) without a connection. Any thread.
 */
#include "pop3_parse.h"
#include "decimal.h"
#include "redact.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define POP3_NUMBER_DIGITS_MAX (sizeof "18446744073709551615" - 1)   /* ULONG_MAX's */

int
pop3_parse_command(const char *line, char *verb, size_t verblen, const char **args)
{
	size_t n = 0;

	while (line[n] != '\0' && line[n] != ' ') {
		if (n + 1 >= verblen || !isalnum((unsigned char)line[n]))
			return -1;
		verb[n] = (char)toupper((unsigned char)line[n]);
		n++;
	}
	verb[n] = '\0';
	if (n == 0)
		return -1;
	*args = line[n] == ' ' ? line + n + 1 : line + n;
	return 0;
}

/* One number of LEN digits at S into *OUT. 0, or -1. */
static int
pop3_parse_one(const char *s, size_t len, unsigned long *out)
{
	uint64_t v;

	if (len > POP3_NUMBER_DIGITS_MAX || decimal_parse(s, len, ULONG_MAX, &v) == -1)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

int
pop3_parse_numbers(const char *args, unsigned long *v, int max)
{
	int count = 0;
	const char *p = args;

	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			return count;
		size_t len = strcspn(p, " ");
		if (count >= max || pop3_parse_one(p, len, &v[count]) == -1)
			return -1;
		count++;
		p += len;
	}
}

void
pop3_redact(const char *line, char *out, size_t outlen)
{
	size_t n;

	if ((n = redact_keyword(line, "PASS")) > 0)
		redact_argument(line, n, REDACT_KEEP_NOTHING, out, outlen);
	else if ((n = redact_keyword(line, "AUTH")) > 0)
		redact_argument(line, n, REDACT_KEEP_NAME, out, outlen);
	else
		snprintf(out, outlen, "%s", line);
}
