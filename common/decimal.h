/*
 * decimal.h: the one strict parser of decimal numbers: ASCII digits and
 * nothing else (no sign, no blank, no base prefix, no locale), every step
 * checked against a bound, so that a number a peer sends is either read
 * exactly or refused. A call site that takes less (a digit limit, blanks
 * around the number) checks that itself, around these. Pure; any thread.
 */
#ifndef SEALED_DECIMAL_H
#define SEALED_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#define DECIMAL 10               /* the base of decimal numbers */

/* Parses the LEN bytes at S as one decimal number of value at most MAX.
 * 0 with *OUT set, or -1 (empty, a byte that is not a digit, a value past
 * MAX) with *OUT untouched. */
int decimal_parse(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Reads the number whose digits start at *P (up to the first byte that is
 * not a digit) and moves *P past them. 0 with *OUT set, or -1 (no digit
 * at *P, or a value past MAX) with *P and *OUT untouched. */
int decimal_scan(const char **p, uint64_t max, uint64_t *out);

/* How many decimal digits start S (0 when none). */
size_t decimal_digits(const char *s);

#endif
