/*
 * pop3_parse.h: pure parsers for POP3 (RFC 1939, 2449, 5034): the keyword
 * and arguments of a command line, message-number arguments, and the
 * redacted form of a line for the log. No I/O, no state; unit-tested.
 */
#ifndef SEALED_POP3_PARSE_H
#define SEALED_POP3_PARSE_H

#include <stddef.h>

#define POP3_VERB_MAX 8          /* keywords are 3 or 4 characters; NUL included */

/* Splits LINE into its keyword (upper-cased into VERB) and *ARGS: the text
 * after the single space that ends the keyword, as is ("" when none: PASS
 * takes spaces as part of its argument). 0, or -1 when the keyword is empty,
 * longer than VERBLEN - 1, or holds anything but letters and digits. */
int pop3_parse_command(const char *line, char *verb, size_t verblen, const char **args);

/* Parses ARGS as up to MAX decimal numbers separated by spaces into V
 * (digits only: no sign, no blanks inside). Returns how many there were
 * (0..MAX), or -1 for anything else (a word, an overflow, more than MAX). */
int pop3_parse_numbers(const char *args, unsigned long *v, int max);

/* The form of LINE that the log shows (the rule of redact.h): "PASS
 * ********" for PASS with a password, "AUTH MECH ********" for AUTH with an
 * initial response, LINE itself otherwise, whatever separates the words
 * (spaces, TABs, other control characters) and in any case, even when the
 * command itself is refused. The keywords keep the client's spelling. */
void pop3_redact(const char *line, char *out, size_t outlen);

#endif
