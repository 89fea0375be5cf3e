/*
 * smtp_parse.c: SMTP syntax, kept apart from the session so that it can be
 * tested (and fuzzed) on plain strings.
 */
#include "smtp_parse.h"
#include "decimal.h"
#include "server_defaults.h"
#include "redact.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define SMTP_HELO_UNDERSCORE 1   /* EHLO names may hold '_' (not in RFC 5321) */
#define SMTP_LABEL_MAX 63     /* octets in one label of a domain (RFC 1035 2.3.4) */
#define SMTP_IPV6_TAG  "IPv6:" /* the address-literal tag, any case (RFC 5321 4.1.3) */
#define SMTP_SIZE_DIGITS_MAX 31 /* a longer SIZE= value is refused, leading zeros or not */

int
smtp_parse_verb(char *line, char *verb, size_t verblen, char **args)
{
	size_t n = 0;
	while (line[n] != '\0' && line[n] != ' ') {
		if (n + 1 >= verblen)
			return -1;
		verb[n] = (char)toupper((unsigned char)line[n]);
		n++;
	}
	verb[n] = '\0';
	if (n == 0)
		return -1;
	char *p = line + n;
	while (*p == ' ')
		p++;
	*args = p;
	return 0;
}

/* 1 when C may appear in an address we accept (no spaces, brackets, controls). */
static int
smtp_addr_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != '<' && c != '>' && c != '"' && c != '\\';
}

/* Parses one ESMTP parameter "KEY[=VALUE]" into OUT. */
static void
smtp_parse_param(const char *p, size_t len, struct smtp_path *out)
{
	uint64_t v;

	if (len > 5 && strncasecmp(p, "SIZE=", 5) == 0) {
		if (len - 5 > SMTP_SIZE_DIGITS_MAX || decimal_parse(p + 5, len - 5, LONG_MAX, &v) == -1)
			out->bad_param = 1;
		else
			out->size = (long)v;
	} else if ((len == 13 && strncasecmp(p, "BODY=8BITMIME", 13) == 0) ||
	           (len == 9 && strncasecmp(p, "BODY=7BIT", 9) == 0) ||
	           (len > 5 && strncasecmp(p, "AUTH=", 5) == 0)) {
		/* accepted and needs nothing from us */
	} else {
		out->bad_param = 1;
	}
}

int
smtp_parse_path(const char *args, const char *prefix, struct smtp_path *out)
{
	size_t plen = strlen(prefix);
	memset(out, 0, sizeof *out);
	out->size = -1;
	if (strncasecmp(args, prefix, plen) != 0)
		return -1;
	const char *p = args + plen;
	while (*p == ' ')
		p++;
	if (*p++ != '<')
		return -1;
	size_t n = 0;
	while (p[n] != '>' && p[n] != '\0') {
		if (!smtp_addr_char((unsigned char)p[n]) || n >= SMTP_MAX_ADDRESS)
			return -1;
		n++;
	}
	if (p[n] != '>')
		return -1;
	memcpy(out->addr, p, n);
	out->addr[n] = '\0';
	p += n + 1;
	while (*p != '\0') {
		if (*p != ' ')
			return -1;
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (len > 0)
			smtp_parse_param(p, len, out);
		p += len;
	}
	return 0;
}

int
smtp_split_address(const char *addr, char *local, size_t llen, char *domain, size_t dlen)
{
	const char *at = strrchr(addr, '@');
	if (at == NULL || at == addr || at[1] == '\0')
		return -1;
	size_t ln = (size_t)(at - addr), dn = strlen(at + 1);
	if (ln >= llen || dn >= dlen)
		return -1;
	memcpy(local, addr, ln);
	local[ln] = '\0';
	memcpy(domain, at + 1, dn + 1);
	return 0;
}

/* 1 for an ASCII letter or digit (Let-dig), whatever the locale. */
static int
smtp_let_dig(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* 1 when P[0..LEN) is an Ldh-str: letters, digits and '-' (and '_' with
 * UNDERSCORE), ending in a Let-dig. */
static int
smtp_ldh_str(const char *p, size_t len, int underscore)
{
	if (len == 0 || !smtp_let_dig((unsigned char)p[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!smtp_let_dig((unsigned char)p[i]) && p[i] != '-' && !(underscore && p[i] == '_'))
			return 0;
	return 1;
}

/* A Domain (RFC 5321 4.1.2); UNDERSCORE also takes '_' inside a label. */
static int
smtp_domain_ok(const char *name, int underscore)
{
	size_t total = strlen(name);
	if (total == 0 || total > SMTP_MAX_HELO)
		return 0;
	for (const char *p = name;;) {
		size_t len = strcspn(p, ".");
		if (len > SMTP_LABEL_MAX || !smtp_let_dig((unsigned char)p[0]) ||
		    !smtp_ldh_str(p, len, underscore))
			return 0;
		if (p[len] == '\0')
			return 1;
		p += len + 1;
	}
}

int
smtp_valid_domain(const char *name)
{
	return smtp_domain_ok(name, 0);
}

/* 1 when TEXT is a General-address-literal: Ldh-str ":" 1*dcontent, where
 * dcontent is a printable character other than '[', '\\' and ']'. */
static int
smtp_general_literal(const char *text, const char *colon)
{
	if (!smtp_ldh_str(text, (size_t)(colon - text), 0) || colon[1] == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)colon + 1; *p != '\0'; p++)
		if (*p < '!' || *p > '~' || *p == '[' || *p == '\\' || *p == ']')
			return 0;
	return 1;
}

/* 1 when NAME is an address-literal: "[IPv4]", "[IPv6:IPv6]" or "[tag:text]". */
static int
smtp_valid_literal(const char *name)
{
	char inner[SMTP_MAX_HELO + 1];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n = strlen(name), tag = strlen(SMTP_IPV6_TAG);

	if (n < 3 || n > SMTP_MAX_HELO || name[0] != '[' || name[n - 1] != ']')
		return 0;
	memcpy(inner, name + 1, n - 2);
	inner[n - 2] = '\0';
	if (strncasecmp(inner, SMTP_IPV6_TAG, tag) == 0)
		return inet_pton(AF_INET6, inner + tag, bin) == 1;
	const char *colon = strchr(inner, ':');
	if (colon == NULL)
		return inet_pton(AF_INET, inner, bin) == 1;
	return smtp_general_literal(inner, colon);
}

int
smtp_valid_helo(const char *name)
{
	/* '_' as Postfix takes it: host names of some systems carry one, and
	 * curl sends an upload's file name when its URL has no path */
	return name[0] == '[' ? smtp_valid_literal(name) : smtp_domain_ok(name, SMTP_HELO_UNDERSCORE);
}

int
smtp_address_literal(const char *ip, char *out, size_t outlen)
{
	unsigned char bin[sizeof(struct in6_addr)];
	int n;

	if (inet_pton(AF_INET, ip, bin) == 1)
		n = snprintf(out, outlen, "[%s]", ip);
	else if (inet_pton(AF_INET6, ip, bin) == 1)
		n = snprintf(out, outlen, "[%s%s]", SMTP_IPV6_TAG, ip);
	else
		return -1;
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
smtp_sender_is_own(const char *addr, const char *user, const char *domain)
{
	size_t ulen = strlen(user);
	if (addr[0] == '\0')
		return 1;
	return ulen > 0 && strncmp(addr, user, ulen) == 0 && addr[ulen] == '@' &&
	       strcasecmp(addr + ulen + 1, domain) == 0;
}

int
smtp_header_is(const char *line, const char *name)
{
	size_t n = strlen(name);
	return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

void
smtp_redact_auth(const char *line, char *out, size_t outlen)
{
	size_t n = redact_keyword(line, "AUTH");

	if (n > 0)
		redact_argument(line, n, REDACT_KEEP_NAME, out, outlen);
	else
		snprintf(out, outlen, "%s", line);
}
