/*
 * text.h: text for seal's screens and streams: UTF-8 decoding that does not
 * depend on the locale, column widths and cutting text to fit (the TUI),
 * and the one filter that makes a server's bytes safe to show, on the TUI's
 * screen as on stdout and stderr (no control characters, no C1 controls
 * raw or UTF-8 encoded, no broken UTF-8). Pure functions apart from the
 * writes to a stream; any thread.
 */
#ifndef SEAL_TEXT_H
#define SEAL_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "attrs.h"

/* Decodes the UTF-8 sequence at S (N bytes available) into *CP. Returns its
 * length in bytes, or 0 when S does not start a valid sequence. */
size_t text_utf8_next(const char *s, size_t n, unsigned *cp);

/* Screen columns of code point CP: 0 for combining marks, 2 for wide
 * characters (as wcwidth in the current locale), else 1. */
int text_cp_width(unsigned cp);

/* Columns taken by the first N bytes of S (invalid bytes count 1 each). */
int text_width(const char *s, size_t n);

/* The number of bytes of S (N bytes) that fit in COLS columns, never
 * cutting a character in two. */
size_t text_fit(const char *s, size_t n, int cols);

/* Encodes code point CP as UTF-8 into OUT (4 bytes of room). Returns its
 * length, or 0 for a value that is not a character. */
size_t text_utf8_put(unsigned cp, char *out);

/* The bytes of S (N bytes) that make its first line in COLS columns: as
 * many as fit, cut after the last space or ':' when a word would be cut
 * (hard cut when there is none). */
size_t text_wrap(const char *s, size_t n, int cols);

/* Byte offset of the character before POS in S (0 at the start). */
size_t text_prev(const char *s, size_t pos);

/* Byte offset of the character after POS in S (N bytes). */
size_t text_next(const char *s, size_t n, size_t pos);

/* Copies IN to OUT (OUTLEN bytes, NUL-terminated, truncated at a character
 * boundary): control characters (C0, DEL, and C1 whether a raw byte or
 * UTF-8 encoded) and invalid UTF-8 become '?', tabs a space; when UTF8 is
 * 0 every non-ASCII character becomes '?' too. */
void text_sanitize(const char *in, char *out, size_t outlen, int utf8);

/* Writes N bytes of S (NULs included) to F, each character as
 * text_sanitize() makes it, except that '\n' stays a line end. */
void text_write(FILE *f, const char *s, size_t n, int utf8);

/* As fprintf(F, FMT, ...), the whole result through text_write(): the way
 * seal prints anything that holds a server's bytes. */
void text_printf(FILE *f, int utf8, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* 1 when the character set of the locale (LC_CTYPE, once setlocale() has
 * read the environment) is UTF-8: the UTF8 argument for this terminal. */
int text_locale_utf8(void);

#endif
