/*
 * text.c: UTF-8 and column arithmetic for the TUI, and the filter every
 * server byte passes on its way to a screen or a stream (see text.h). The
 * decoder is our own so that results do not depend on the locale; only
 * column widths ask wcwidth(). Pure apart from text_write(); any thread.
 */
#include "text.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define UTF8_CONT_MASK 0xC0u
#define UTF8_CONT      0x80u
#define UTF8_MAX_CP    0x10FFFFu
#define UTF8_SURR_LO   0xD800u
#define UTF8_SURR_HI   0xDFFFu
#define ASCII_DEL      0x7Fu
#define ASCII_SPACE    0x20u
#define C1_END         0xA0u       /* U+0080..U+009F are control characters */
#define WIDE_COLS      2
#define TEXT_CHUNK     512         /* text_write's output buffer */
#define TEXT_FORMAT    1024        /* text_printf's buffer before it allocates */

/* Lead byte B: the sequence length (0 if invalid), its payload bits and the
 * smallest code point that may use that length. */
static size_t
text_lead(unsigned char b, unsigned *cp, unsigned *min)
{
	if (b < 0x80) {
		*cp = b;
		*min = 0;
		return 1;
	}
	if ((b & 0xE0) == 0xC0) {
		*cp = b & 0x1Fu;
		*min = 0x80;
		return 2;
	}
	if ((b & 0xF0) == 0xE0) {
		*cp = b & 0x0Fu;
		*min = 0x800;
		return 3;
	}
	if ((b & 0xF8) == 0xF0) {
		*cp = b & 0x07u;
		*min = 0x10000;
		return 4;
	}
	return 0;
}

size_t
text_utf8_next(const char *s, size_t n, unsigned *cp)
{
	unsigned v, min;
	size_t len;

	if (n == 0)
		return 0;
	len = text_lead((unsigned char)s[0], &v, &min);
	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & UTF8_CONT_MASK) != UTF8_CONT)
			return 0;
		v = (v << 6) | (c & 0x3Fu);
	}
	if (v < min || v > UTF8_MAX_CP || (v >= UTF8_SURR_LO && v <= UTF8_SURR_HI))
		return 0;
	*cp = v;
	return len;
}

int
text_cp_width(unsigned cp)
{
	int w;

	if (cp < ASCII_SPACE || cp == ASCII_DEL)
		return 1;
	if (cp < UTF8_CONT)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w == 0 || w == WIDE_COLS)
		return w;
	return 1;
}

int
text_width(const char *s, size_t n)
{
	int cols = 0;
	size_t i = 0;

	while (i < n) {
		unsigned cp;
		size_t l = text_utf8_next(s + i, n - i, &cp);
		cols += l ? text_cp_width(cp) : 1;
		i += l ? l : 1;
	}
	return cols;
}

size_t
text_fit(const char *s, size_t n, int cols)
{
	size_t i = 0;
	int used = 0;

	while (i < n) {
		unsigned cp;
		size_t l = text_utf8_next(s + i, n - i, &cp);
		int w = l ? text_cp_width(cp) : 1;
		if (used + w > cols)
			break;
		used += w;
		i += l ? l : 1;
	}
	return i;
}

size_t
text_utf8_put(unsigned cp, char *out)
{
	if (cp > UTF8_MAX_CP || (cp >= UTF8_SURR_LO && cp <= UTF8_SURR_HI))
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t
text_wrap(const char *s, size_t n, int cols)
{
	size_t fit = text_fit(s, n, cols), cut;

	if (fit >= n || s[fit] == ' ')
		return fit;
	for (cut = fit; cut > 0; cut--)
		if (s[cut - 1] == ' ' || s[cut - 1] == ':')
			return cut;
	return fit > 0 ? fit : text_next(s, n, 0);
}

size_t
text_prev(const char *s, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)s[pos] & UTF8_CONT_MASK) == UTF8_CONT)
		pos--;
	return pos;
}

size_t
text_next(const char *s, size_t n, size_t pos)
{
	unsigned cp;
	size_t l;

	if (pos >= n)
		return n;
	l = text_utf8_next(s + pos, n - pos, &cp);
	return pos + (l ? l : 1);
}

/* The replacement for code point CP (L bytes at S), into OUT: its bytes,
 * or one '?' or ' '. Returns the bytes written. */
static size_t
text_safe_char(const char *s, size_t l, unsigned cp, int utf8, char *out)
{
	if (l == 0 || cp == ASCII_DEL || (cp >= UTF8_CONT && cp < C1_END) ||
	    (cp >= UTF8_CONT && !utf8)) {
		out[0] = '?';
		return 1;
	}
	if (cp < ASCII_SPACE) {
		out[0] = cp == '\t' ? ' ' : '?';
		return 1;
	}
	memcpy(out, s, l);
	return l;
}

void
text_sanitize(const char *in, char *out, size_t outlen, int utf8)
{
	size_t n = strlen(in), i = 0, o = 0;
	char buf[4];

	if (outlen == 0)
		return;
	while (i < n) {
		unsigned cp = 0;
		size_t l = text_utf8_next(in + i, n - i, &cp);
		size_t w = text_safe_char(in + i, l, cp, utf8, buf);
		if (o + w >= outlen)
			break;
		memcpy(out + o, buf, w);
		o += w;
		i += l ? l : 1;
	}
	out[o] = '\0';
}

/* Adds the W bytes of C to BUF (USED bytes so far), writing BUF to F first
 * when they would not fit. */
static void
text_chunk_add(FILE *f, char *buf, size_t *used, const char *c, size_t w)
{
	if (*used + w > TEXT_CHUNK) {
		if (fwrite(buf, 1, *used, f) != *used)
			(void)0;          /* the stream's error flag tells the caller */
		*used = 0;
	}
	memcpy(buf + *used, c, w);
	*used += w;
}

void
text_write(FILE *f, const char *s, size_t n, int utf8)
{
	char buf[TEXT_CHUNK], one[4];
	size_t i = 0, used = 0;

	while (i < n) {
		unsigned cp = 0;
		size_t l = text_utf8_next(s + i, n - i, &cp);
		size_t w;
		if (l == 1 && cp == '\n') {
			one[0] = '\n';
			w = 1;
		} else {
			w = text_safe_char(s + i, l, cp, utf8, one);
		}
		text_chunk_add(f, buf, &used, one, w);
		i += l ? l : 1;
	}
	if (used > 0 && fwrite(buf, 1, used, f) != used)
		(void)0;
}

void
text_printf(FILE *f, int utf8, const char *fmt, ...)
{
	char stack[TEXT_FORMAT], *heap = NULL;
	va_list ap, again;
	int n;

	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(stack, sizeof stack, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof stack && (heap = malloc((size_t)n + 1)) != NULL)
		n = vsnprintf(heap, (size_t)n + 1, fmt, again);
	va_end(again);
	if (heap == NULL && n >= (int)sizeof stack)
		n = (int)sizeof stack - 1;        /* out of memory: the start of it */
	if (n >= 0)
		text_write(f, heap != NULL ? heap : stack, (size_t)n, utf8);
	free(heap);
}

int
text_locale_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}
