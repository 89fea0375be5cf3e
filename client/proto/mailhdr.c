/*
 * mailhdr.c: From, Subject and Date of a message for the mailbox list
 * (see mailhdr.h). Decoding works on bounded copies: a field is cut at
 * MAILHDR_HEADER_MAX bytes before anything else is done to it, and
 * whatever comes out goes through text_sanitize(). Pure; any thread.
 */
#include "mailhdr.h"
#include "b64.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MH_WSP          " \t"
#define MH_DATE_SEPS    " \t,"
#define MH_YEAR_MIN     1900
#define MH_YEAR_MAX     9999
#define MH_YEAR_PIVOT   50           /* RFC 5322 4.3: "49" is 2049, "50" is 1950 */
#define MH_CENTURY_19   1900
#define MH_CENTURY_20   2000
#define MH_DAY_DIGITS   2
#define MH_YEAR_DIGITS  4
#define MH_DAY_MAX      31
#define MH_HOUR_MAX     23
#define MH_MINUTE_MAX   59
#define MH_MONTHS       12
#define MH_MONTH_CHARS  3
#define MH_LATIN1_TOP   0x80         /* ISO-8859-1 bytes from here take two UTF-8 bytes */
#define MH_UTF8_LEAD2   0xc0
#define MH_UTF8_TAIL    0x80
#define MH_UTF8_SHIFT   6
#define MH_UTF8_LOW6    0x3f
#define MH_HEX_BASE     16

static const char *const mh_names[MAILHDR_FIELDS] = { "From", "Subject", "Date" };

enum mh_charset { MH_CS_UTF8, MH_CS_LATIN1, MH_CS_OTHER };

/* An RFC 2047 encoded word: =?charset?E?text?= */
struct mh_word {
	const char *charset, *text;
	size_t      cslen, textlen;
	char        enc;                 /* 'B' or 'Q' */
};

/* Bytes being decoded, bounded. */
struct mh_out {
	char  *buf;
	size_t len, cap;                 /* cap counts the NUL */
};

struct mh_date {
	int day, mon, year, hour, min;
};

void
mailhdr_start(struct mailhdr *h)
{
	memset(h, 0, sizeof *h);
	h->field = -1;
}

/* Appends N bytes of S to field F, cut when it is full. */
static void
mh_append(struct mailhdr *h, int f, const char *s, size_t n)
{
	size_t room = sizeof h->raw[f] - 1 - h->len[f];

	if (n > room)
		n = room;
	memcpy(h->raw[f] + h->len[f], s, n);
	h->len[f] += n;
	h->raw[f][h->len[f]] = '\0';
}

/* The field LINE starts ("Subject: x": MAILHDR_SUBJECT, *VALUE " x"), or -1. */
static int
mh_field_of(const char *line, const char **value)
{
	const char *colon = strchr(line, ':');
	size_t n;

	if (colon == NULL)
		return -1;
	n = (size_t)(colon - line);
	for (int f = 0; f < MAILHDR_FIELDS; f++) {
		if (n == strlen(mh_names[f]) && strncasecmp(line, mh_names[f], n) == 0) {
			*value = colon + 1;
			return f;
		}
	}
	return -1;
}

void
mailhdr_line(struct mailhdr *h, const char *line)
{
	const char *value;
	int f;

	if (h->done)
		return;
	if (line[0] == '\0') {
		h->done = 1;
		h->field = -1;
		return;
	}
	if (line[0] == ' ' || line[0] == '\t') {       /* a folded continuation */
		if (h->field >= 0)
			mh_append(h, h->field, line, strlen(line));
		return;
	}
	f = mh_field_of(line, &value);
	h->field = -1;
	if (f < 0 || h->seen[f])
		return;
	h->seen[f] = 1;
	h->field = f;
	mh_append(h, f, value, strlen(value));
}

static void
mh_put(struct mh_out *o, const char *s, size_t n)
{
	if (n > o->cap - 1 - o->len)
		n = o->cap - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* ISO-8859-1 bytes as UTF-8. */
static void
mh_put_latin1(struct mh_out *o, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char two[2] = { (char)(MH_UTF8_LEAD2 | (s[i] >> MH_UTF8_SHIFT)),
		                (char)(MH_UTF8_TAIL | (s[i] & MH_UTF8_LOW6)) };
		if (s[i] < MH_LATIN1_TOP)
			mh_put(o, (const char *)s + i, 1);
		else if (o->len + sizeof two < o->cap)
			mh_put(o, two, sizeof two);
	}
}

/* The encoded word at S: its length with W filled, or 0. */
static size_t
mh_word_at(const char *s, struct mh_word *w)
{
	const char *q, *end;

	if (s[0] != '=' || s[1] != '?')
		return 0;
	w->charset = s + 2;
	q = strchr(w->charset, '?');
	if (q == NULL || q == w->charset || q[1] == '\0' || q[2] != '?')
		return 0;
	w->enc = (char)toupper((unsigned char)q[1]);
	w->text = q + 3;
	end = strstr(w->text, "?=");
	if ((w->enc != 'B' && w->enc != 'Q') || end == NULL)
		return 0;
	for (const char *p = s; p < end; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return 0;
	w->cslen = strcspn(w->charset, "*?");       /* RFC 2231: charset*language */
	w->textlen = (size_t)(end - w->text);
	return (size_t)(end + 2 - s);
}

static enum mh_charset
mh_charset_of(const struct mh_word *w)
{
	static const char *const utf8[] = { "utf-8", "utf8", "us-ascii", NULL };
	static const char *const latin1[] = { "iso-8859-1", "latin1", NULL };

	for (int i = 0; utf8[i] != NULL; i++)
		if (w->cslen == strlen(utf8[i]) && strncasecmp(w->charset, utf8[i], w->cslen) == 0)
			return MH_CS_UTF8;
	for (int i = 0; latin1[i] != NULL; i++)
		if (w->cslen == strlen(latin1[i]) && strncasecmp(w->charset, latin1[i], w->cslen) == 0)
			return MH_CS_LATIN1;
	return MH_CS_OTHER;
}

/* The "Q" encoding (RFC 2047 4.2) of N bytes of S into OUT; the bytes out. */
static size_t
mh_q_decode(const char *s, size_t n, unsigned char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o < outlen; i++) {
		if (s[i] == '_') {
			out[o++] = ' ';
		} else if (s[i] == '=' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		           isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };
			out[o++] = (unsigned char)strtoul(hex, NULL, MH_HEX_BASE);
			i += 2;
		} else {
			out[o++] = (unsigned char)s[i];
		}
	}
	return o;
}

/* Decodes W onto O. 0, or -1 (a charset we do not know, bad base64). */
static int
mh_word_decode(const struct mh_word *w, struct mh_out *o)
{
	unsigned char bytes[MAILHDR_HEADER_MAX];
	size_t n = sizeof bytes;
	enum mh_charset cs = mh_charset_of(w);

	if (cs == MH_CS_OTHER)
		return -1;
	if (w->enc == 'B') {
		if (b64_decode(w->text, w->textlen, bytes, &n) == -1)
			return -1;
	} else {
		n = mh_q_decode(w->text, w->textlen, bytes, sizeof bytes);
	}
	if (cs == MH_CS_LATIN1)
		mh_put_latin1(o, bytes, n);
	else
		mh_put(o, (const char *)bytes, n);
	return 0;
}

/* 1 when S starts with an encoded word we can decode. */
static int
mh_decodable_at(const char *s)
{
	struct mh_word w;

	return mh_word_at(s, &w) > 0 && mh_charset_of(&w) != MH_CS_OTHER;
}

/* Runs of white space in S as one space, none at either end (in place). */
static void
mh_squeeze(char *s)
{
	size_t o = 0;
	int space = 0;

	for (size_t i = 0; s[i] != '\0'; i++) {
		if (isspace((unsigned char)s[i])) {
			space = o > 0;
			continue;
		}
		if (space)
			s[o++] = ' ';
		space = 0;
		s[o++] = s[i];
	}
	s[o] = '\0';
}

void
mailhdr_decode(const char *in, char *out, size_t outlen)
{
	char tmp[MAILHDR_HEADER_MAX * 2];          /* ISO-8859-1 may double */
	struct mh_out o = { tmp, 0, sizeof tmp };
	int after_word = 0;

	tmp[0] = '\0';
	for (const char *p = in; *p != '\0';) {
		struct mh_word w;
		size_t n = mh_word_at(p, &w), ws;
		if (n > 0 && mh_word_decode(&w, &o) == 0) {
			p += n;
			after_word = 1;
			continue;
		}
		ws = strspn(p, MH_WSP);
		if (after_word && ws > 0 && mh_decodable_at(p + ws)) {
			p += ws;                 /* RFC 2047 6.2: space between words goes */
			continue;
		}
		mh_put(&o, p, 1);
		after_word = 0;
		p++;
	}
	mh_squeeze(tmp);
	text_sanitize(tmp, out, outlen, 1);
}

/* N bytes of S without double quotes and their backslashes, into OUT. */
static void
mh_unquote(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		if (s[i] == '"')
			continue;
		if (s[i] == '\\' && i + 1 < n)
			i++;
		out[o++] = s[i];
	}
	out[o] = '\0';
}

void
mailhdr_from(const char *raw, char *out, size_t outlen)
{
	char part[MAILHDR_HEADER_MAX];
	const char *lt = strrchr(raw, '<');
	const char *gt = lt != NULL ? strchr(lt, '>') : NULL;

	if (lt == NULL || gt == NULL) {
		mailhdr_decode(raw, out, outlen);
		return;
	}
	mh_unquote(raw, (size_t)(lt - raw), part, sizeof part);
	mailhdr_decode(part, out, outlen);
	if (out[0] != '\0')
		return;
	snprintf(part, sizeof part, "%.*s", (int)(gt - lt - 1), lt + 1);
	mailhdr_decode(part, out, outlen);
}

/* 1 when S (not empty) is all digits. */
static int
mh_digits(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* The month TOK names ("Mar", "march"), 1 to 12, or 0. */
static int
mh_month(const char *tok)
{
	static const char *const months[MH_MONTHS] = { "jan", "feb", "mar", "apr", "may", "jun",
	                                               "jul", "aug", "sep", "oct", "nov", "dec" };

	if (strlen(tok) < MH_MONTH_CHARS)
		return 0;
	for (int i = 0; i < MH_MONTHS; i++)
		if (strncasecmp(tok, months[i], MH_MONTH_CHARS) == 0)
			return i + 1;
	return 0;
}

/* What one word of a date says: a day, a month, a year or a time. */
static void
mh_date_token(const char *tok, struct mh_date *d)
{
	size_t n = strlen(tok);
	int v;

	if (strchr(tok, ':') != NULL) {
		if (d->hour < 0 && sscanf(tok, "%2d:%2d", &d->hour, &d->min) != 2)
			d->hour = -1;
		return;
	}
	if (!mh_digits(tok)) {
		if (d->mon == 0)
			d->mon = mh_month(tok);
		return;
	}
	v = atoi(tok);
	if (d->day == 0 && d->mon == 0 && n <= MH_DAY_DIGITS)
		d->day = v;
	else if (d->year < 0 && d->mon != 0 && n == MH_YEAR_DIGITS)
		d->year = v;
	else if (d->year < 0 && d->mon != 0 && n == MH_DAY_DIGITS)
		d->year = v + (v < MH_YEAR_PIVOT ? MH_CENTURY_20 : MH_CENTURY_19);
}

static int
mh_date_valid(const struct mh_date *d)
{
	return d->day >= 1 && d->day <= MH_DAY_MAX && d->mon >= 1 && d->year >= MH_YEAR_MIN &&
	       d->year <= MH_YEAR_MAX && d->hour >= 0 && d->hour <= MH_HOUR_MAX &&
	       d->min >= 0 && d->min <= MH_MINUTE_MAX;
}

int
mailhdr_date(const char *raw, char *out, size_t outlen)
{
	char buf[MAILHDR_HEADER_MAX], *save = NULL;
	struct mh_date d = { .day = 0, .mon = 0, .year = -1, .hour = -1, .min = -1 };

	snprintf(buf, sizeof buf, "%s", raw);
	for (char *tok = strtok_r(buf, MH_DATE_SEPS, &save); tok != NULL;
	     tok = strtok_r(NULL, MH_DATE_SEPS, &save))
		mh_date_token(tok, &d);
	if (!mh_date_valid(&d)) {
		mailhdr_decode(raw, out, outlen);
		return -1;
	}
	snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d", d.year, d.mon, d.day, d.hour, d.min);
	return 0;
}

void
mailhdr_summary(const struct mailhdr *h, struct mail_summary *out)
{
	mailhdr_from(h->raw[MAILHDR_FROM], out->from, sizeof out->from);
	mailhdr_decode(h->raw[MAILHDR_SUBJECT], out->subject, sizeof out->subject);
	out->date_parsed = 0;
	out->date[0] = '\0';
	if (h->seen[MAILHDR_DATE])
		out->date_parsed = mailhdr_date(h->raw[MAILHDR_DATE], out->date,
		                                sizeof out->date) == 0;
}
