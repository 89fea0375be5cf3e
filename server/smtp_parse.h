/*
 * smtp_parse.h: pure parsers for SMTP submission: command verbs, MAIL/RCPT
 * paths and parameters, header names, the redacted AUTH line (the SASL
 * messages themselves are common/sasl.h's). No I/O, no state; unit-tested
 * directly.
 */
#ifndef SEALED_SMTP_PARSE_H
#define SEALED_SMTP_PARSE_H

#include <stddef.h>

#include "server_defaults.h"   /* SMTP_MAX_HELO */

/* Splits LINE into its verb (upper-cased into VERB) and *ARGS (leading spaces
 * skipped, "" when none). 0, or -1 when the verb is empty or too long. */
int smtp_parse_verb(char *line, char *verb, size_t verblen, char **args);

struct smtp_path {
	char addr[257];     /* between the angle brackets; "" for <> */
	long size;          /* SIZE=, or -1 */
	int  bad_param;     /* an unknown or malformed parameter */
};

/* Parses "FROM:<addr> [params]" (PREFIX "FROM:") or "TO:<addr>" ("TO:").
 * 0, or -1 for a syntax error. */
int smtp_parse_path(const char *args, const char *prefix, struct smtp_path *out);

/* Splits ADDR into local part and domain (both NUL-terminated copies).
 * 0, or -1 when ADDR has no '@' or a part is empty or too long. */
int smtp_split_address(const char *addr, char *local, size_t llen, char *domain, size_t dlen);

/* 1 when NAME is a Domain of RFC 5321 4.1.2: dot-separated labels of letters,
 * digits and inner hyphens, each 1 to 63 octets, SMTP_MAX_HELO in all. */
int smtp_valid_domain(const char *name);

/* 1 when NAME is an EHLO/HELO argument we take: a Domain or an
 * address-literal (RFC 5321 4.1.3: "[IPv4]", "[IPv6:addr]" checked with
 * inet_pton, or "[tag:text]"), SMTP_MAX_HELO octets at most. */
int smtp_valid_helo(const char *name);

/* Writes IP (a textual IPv4 or IPv6 address) as an RFC 5321 address-literal
 * into OUT: "[127.0.0.1]", "[IPv6:::1]". 0, or -1 when IP is neither or OUT
 * is too small. */
int smtp_address_literal(const char *ip, char *out, size_t outlen);

/* 1 when a user logged in as USER may send as ADDR: the null sender "" or
 * USER@DOMAIN (the local part exactly, the domain in any case). */
int smtp_sender_is_own(const char *addr, const char *user, const char *domain);

/* 1 when LINE (a header line) starts with NAME followed by ':' (any case). */
int smtp_header_is(const char *line, const char *name);

/* Writes the redacted form of a client command line into OUT (the rule of
 * redact.h): "AUTH PLAIN ********" for "AUTH PLAIN <b64>", whatever
 * separates the words and in any case; the line as is otherwise. */
void smtp_redact_auth(const char *line, char *out, size_t outlen);

#endif
