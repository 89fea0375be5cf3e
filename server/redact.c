/*
 * redact.c: the masking of secrets in logged client lines (see redact.h).
 * Pure; any thread.
 */
#include "redact.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define REDACT_DEL 0x7f

int
redact_is_separator(unsigned char c)
{
	return c <= ' ' || c == REDACT_DEL;
}

/* S past any separators. */
static const char *
redact_skip(const char *s)
{
	while (*s != '\0' && redact_is_separator((unsigned char)*s))
		s++;
	return s;
}

/* The length of the word at S: up to a separator or the end. */
static size_t
redact_word(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && !redact_is_separator((unsigned char)s[n]))
		n++;
	return n;
}

/* 1 when the N bytes at S may be a mechanism or scheme name. */
static int
redact_is_name(const char *s, size_t n)
{
	if (n == 0 || n > REDACT_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

size_t
redact_keyword(const char *line, const char *keyword)
{
	const char *p = redact_skip(line);
	size_t n = strlen(keyword);

	if (n == 0 || strncasecmp(p, keyword, n) != 0)
		return 0;
	if (p[n] != '\0' && p[n] != ':' && !redact_is_separator((unsigned char)p[n]))
		return 0;
	return (size_t)(p - line) + n;
}

void
redact_argument(const char *line, size_t len, enum redact_keep keep, char *out,
                size_t outlen)
{
	const char *arg = redact_skip(line + len);
	size_t wlen = redact_word(arg);
	int more = arg[wlen] != '\0';   /* any byte after the word, a separator too */
	int show = keep != REDACT_KEEP_NOTHING && redact_is_name(arg, wlen) &&
	           (keep == REDACT_KEEP_NAME || more);

	if (line[len] == '\0')
		snprintf(out, outlen, "%.*s", (int)len, line);
	else if (show)
		snprintf(out, outlen, "%.*s %.*s%s", (int)len, line, (int)wlen, arg,
		         more ? " " REDACT_MASK : "");
	else
		snprintf(out, outlen, "%.*s " REDACT_MASK, (int)len, line);
}
