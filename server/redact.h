/*
 * redact.h: what the log shows of a client line that carries a secret, one
 * rule for every protocol (POP3 PASS and AUTH, SMTP AUTH, RTSP
 * Authorization). A keyword matches in any case, after any separators, when
 * a separator, a ':' or the end of the line follows it; a separator is any
 * whitespace or control character (a byte up to ' ', or DEL), so a TAB
 * or two spaces after PASS hide the password as one space does. Everything
 * after the keyword, if there is any byte at all (a password may be a
 * space), is masked but a mechanism or scheme name the caller asks to keep.
 * Lines that continue a secret (SASL responses after "+ " or "334 ") are
 * masked whole by the protocol. Pure functions; any thread.
 */
#ifndef SEALED_REDACT_H
#define SEALED_REDACT_H

#include <stddef.h>

#define REDACT_MASK     "********"
#define REDACT_NAME_MAX 20   /* SASL mechanism names are at most 20 characters */

/* Which word after the keyword the log may show. A name is 1 to
 * REDACT_NAME_MAX letters, digits, '-' or '_'; any other word is masked. */
enum redact_keep {
	REDACT_KEEP_NOTHING,     /* POP3 PASS: all of it is secret */
	REDACT_KEEP_NAME,        /* AUTH: the mechanism ("AUTH PLAIN" alone shows) */
	REDACT_KEEP_NAME_BEFORE  /* Authorization: the scheme, when a value follows it
	                          * (a lone word may be the credentials themselves) */
};

/* 1 when C separates words here: whitespace, a control character, DEL. */
int redact_is_separator(unsigned char c);

/* When LINE starts with KEYWORD (any case, after any separators) and a
 * separator, ':' or the end follows it, the bytes the keyword takes,
 * leading separators included; else 0. */
size_t redact_keyword(const char *line, const char *keyword);

/* Writes into OUT (truncated to OUTLEN) the log form of LINE, whose first
 * LEN bytes are its keyword (redact_keyword): the keyword as sent, then the
 * word KEEP allows, then " " REDACT_MASK when any other byte follows. */
void redact_argument(const char *line, size_t len, enum redact_keep keep, char *out,
                     size_t outlen);

#endif
