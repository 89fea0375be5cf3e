/*
 * smtp_parse.h: pure parsers for SMTP submission: command verbs, MAIL/RCPT
 * paths and parameters, AUTH PLAIN responses, header names. No I/O, no state;
 * unit-tested directly.
 */
#ifndef SEALED_SMTP_PARSE_H
#define SEALED_SMTP_PARSE_H

#include <stddef.h>

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

/* Decodes an AUTH PLAIN response (base64 of authzid NUL authcid NUL passwd).
 * 0, or -1 when it is not valid base64 or not of that form, or authzid names
 * someone else. */
int smtp_decode_plain(const char *b64, char *user, size_t ulen, char *pass, size_t plen);

/* Decodes one base64 line (AUTH LOGIN) into a NUL-terminated string with no
 * NUL inside. 0, or -1. */
int smtp_decode_b64_text(const char *b64, char *out, size_t outlen);

/* 1 when LINE (a header line) starts with NAME followed by ':' (any case). */
int smtp_header_is(const char *line, const char *name);

/* Writes the redacted form of a client command line into OUT (the rule of
 * redact.h): "AUTH PLAIN ********" for "AUTH PLAIN <b64>", whatever
 * separates the words and in any case; the line as is otherwise. */
void smtp_redact_auth(const char *line, char *out, size_t outlen);

#endif
