/*
 * tui_transcript.c: the transcript ring, reply classes, scrolling by pages
 * and its drawing (see tui_transcript.h). Long lines wrap under their text,
 * so scrolling counts screen rows, not lines. Main thread.
 */
#include "tui_transcript.h"
#include "text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TR_MARK_COLS   5                  /* " C→S " */
#define TR_STAMP_COLS  9                  /* "12:34:56 " */
#define TR_STAMP_LEN   sizeof "00:00:00"
#define TR_CODE_DIGITS 3
#define TR_TEXT_MAX    4096               /* longest line kept, bytes */
#define TR_RTSP        "RTSP/"

/* The class of a three-digit code at S, or RC_NONE. */
static enum reply_class
tr_code_class(const char *s)
{
	for (int i = 0; i < TR_CODE_DIGITS; i++)
		if (!isdigit((unsigned char)s[i]))
			return RC_NONE;
	char sep = s[TR_CODE_DIGITS];
	if (sep != '\0' && sep != ' ' && sep != '-')
		return RC_NONE;
	switch (s[0]) {
	case '1': case '2': return RC_OK;
	case '3': return RC_MORE;
	case '4': return RC_WARN;
	case '5': return RC_ERR;
	default: return RC_NONE;
	}
}

enum reply_class
tui_transcript_reply_class(const char *line)
{
	if (strncmp(line, "+OK", strlen("+OK")) == 0)
		return RC_OK;
	if (strncmp(line, "-ERR", strlen("-ERR")) == 0)
		return RC_ERR;
	if (line[0] == '+' && (line[1] == ' ' || line[1] == '\0'))
		return RC_MORE;
	if (strncmp(line, TR_RTSP, strlen(TR_RTSP)) == 0) {
		const char *sp = strchr(line, ' ');
		return sp ? tr_code_class(sp + 1) : RC_NONE;
	}
	return tr_code_class(line);
}

int
tui_transcript_init(struct transcript *t, size_t cap, int utf8)
{
	memset(t, 0, sizeof *t);
	t->e = calloc(cap, sizeof *t->e);
	if (t->e == NULL)
		return -1;
	t->cap = cap;
	t->follow = 1;
	t->utf8 = utf8;
	return 0;
}

void
tui_transcript_free(struct transcript *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->e[(t->start + i) % t->cap].text);
	free(t->e);
	memset(t, 0, sizeof *t);
}

const struct tr_entry *
tui_transcript_get(const struct transcript *t, size_t i)
{
	return i < t->n ? &t->e[(t->start + i) % t->cap] : NULL;
}

void
tui_transcript_add(struct transcript *t, enum tr_dir dir, const char *text)
{
	char clean[TR_TEXT_MAX];
	struct tr_entry *e;

	if (t->cap == 0)
		return;
	text_sanitize(text, clean, sizeof clean, t->utf8);
	char *copy = strdup(clean);
	if (copy == NULL)
		return;
	if (t->n == t->cap) {
		free(t->e[t->start].text);
		t->start = (t->start + 1) % t->cap;
		t->n--;
		if (t->top > 0)
			t->top--;
	}
	e = &t->e[(t->start + t->n) % t->cap];
	e->dir = dir;
	e->cls = dir == TR_S2C ? tui_transcript_reply_class(clean) : RC_NONE;
	e->when = time(NULL);
	e->text = copy;
	t->n++;
}

void
tui_transcript_addf(struct transcript *t, enum tr_dir dir, const char *fmt, ...)
{
	char buf[TR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tui_transcript_add(t, dir, buf);
}

/* Columns before the text of an entry. */
static int
tr_prefix(const struct transcript *t)
{
	return TR_MARK_COLS + (t->stamps ? TR_STAMP_COLS : 0);
}

int
tui_transcript_rows(const struct transcript *t, size_t i, int width)
{
	const struct tr_entry *e = tui_transcript_get(t, i);
	int avail = width - tr_prefix(t), rows = 0;

	if (e == NULL || avail < 1)
		return 1;
	const char *s = e->text;
	size_t left = strlen(s);
	do {
		size_t n = text_wrap(s, left, avail);
		s += n;
		left -= n;
		rows++;
	} while (left > 0);
	return rows;
}

size_t
tui_transcript_bottom_top(const struct transcript *t, int rows, int width)
{
	int used = 0;

	for (size_t i = t->n; i > 0; i--) {
		used += tui_transcript_rows(t, i - 1, width);
		if (used > rows)
			return i < t->n ? i : t->n - 1;
	}
	return 0;
}

void
tui_transcript_page_up(struct transcript *t, int rows, int width)
{
	size_t cur = t->follow ? tui_transcript_bottom_top(t, rows, width) : t->top;
	int page = rows > 1 ? rows - 1 : 1, used = 0;
	size_t from = cur;

	while (cur > 0 && used + tui_transcript_rows(t, cur - 1, width) <= page)
		used += tui_transcript_rows(t, --cur, width);
	if (cur == from && cur > 0)
		cur--;
	t->top = cur;
	t->follow = 0;
}

void
tui_transcript_page_down(struct transcript *t, int rows, int width)
{
	int page = rows > 1 ? rows - 1 : 1, used = 0;
	size_t cur = t->top;

	if (t->follow)
		return;
	while (cur < t->n && used + tui_transcript_rows(t, cur, width) <= page)
		used += tui_transcript_rows(t, cur++, width);
	if (cur == t->top && cur < t->n)
		cur++;
	t->top = cur;
	if (t->top >= tui_transcript_bottom_top(t, rows, width))
		t->follow = 1;
}

void
tui_transcript_home(struct transcript *t, int rows, int width)
{
	t->top = 0;
	t->follow = tui_transcript_bottom_top(t, rows, width) == 0;
}

void
tui_transcript_end(struct transcript *t)
{
	t->follow = 1;
}

/* The marker of an entry and its role. */
static const char *
tr_marker(const struct tr_entry *e, const struct tui_theme *th, enum tui_role *role)
{
	switch (e->dir) {
	case TR_C2S: *role = ROLE_C2S; return th->g.c2s;
	case TR_S2C: *role = ROLE_S2C; return th->g.s2c;
	case TR_ERROR: *role = ROLE_ERR; return th->g.err;
	case TR_NOTE:
	default: *role = ROLE_NOTE; return th->g.note;
	}
}

/* The role of an entry's text. */
static enum tui_role
tr_text_role(const struct tr_entry *e)
{
	static const enum tui_role by_class[] = {
		[RC_NONE] = ROLE_NORMAL, [RC_OK] = ROLE_OK, [RC_MORE] = ROLE_MORE,
		[RC_WARN] = ROLE_WARN, [RC_ERR] = ROLE_ERR,
	};
	if (e->dir == TR_NOTE)
		return ROLE_NOTE;
	if (e->dir == TR_ERROR)
		return ROLE_ERR;
	return e->dir == TR_S2C ? by_class[e->cls] : ROLE_NORMAL;
}

/* The time stamp and marker of E at row Y. */
static void
tr_draw_prefix(WINDOW *w, int y, const struct transcript *t, const struct tr_entry *e,
               const struct tui_theme *th)
{
	enum tui_role role;
	const char *mark = tr_marker(e, th, &role);
	char stamp[TR_STAMP_LEN];
	struct tm tm;

	wmove(w, y, 2);
	if (t->stamps) {
		if (localtime_r(&e->when, &tm) == NULL ||
		    strftime(stamp, sizeof stamp, "%H:%M:%S", &tm) == 0)
			snprintf(stamp, sizeof stamp, "--:--:--");
		wattrset(w, tui_theme_attr(th, ROLE_DIM));
		wprintw(w, "%s ", stamp);
	}
	wattrset(w, tui_theme_attr(th, role));
	waddstr(w, mark);
	wattrset(w, A_NORMAL);
	wmove(w, y, 1 + tr_prefix(t));
}

/* Draws entry I from row Y; returns the rows used (stops at MAXY). */
static int
tr_draw_entry(WINDOW *w, const struct transcript *t, size_t i, int y, int maxy, int width,
              const struct tui_theme *th)
{
	const struct tr_entry *e = tui_transcript_get(t, i);
	const char *s = e->text;
	size_t left = strlen(s);
	int avail = width - tr_prefix(t), rows = 0;

	if (avail < 1)
		return 1;
	tr_draw_prefix(w, y, t, e, th);
	do {
		size_t n = text_wrap(s, left, avail);
		wmove(w, y + rows, 1 + tr_prefix(t));
		wattrset(w, tui_theme_attr(th, tr_text_role(e)));
		waddnstr(w, s, (int)n);
		s += n;
		left -= n;
		rows++;
	} while (left > 0 && y + rows < maxy);
	wattrset(w, A_NORMAL);
	return rows;
}

/* The title, with how far back the view is. */
static void
tr_draw_frame(WINDOW *w, const struct transcript *t, size_t top, size_t below,
              const struct tui_theme *th)
{
	int h, wd;

	getmaxyx(w, h, wd);
	wattrset(w, tui_theme_attr(th, ROLE_BORDER));
	box(w, 0, 0);
	wattrset(w, tui_theme_attr(th, ROLE_HEADING));
	mvwprintw(w, 0, 2, " Transcript ");
	wattrset(w, tui_theme_attr(th, ROLE_DIM));
	if (top > 0)
		wprintw(w, "%zu line%s above (PgUp, Home) ", top, top == 1 ? "" : "s");
	if (below > 0 && wd > 40)
		mvwprintw(w, h - 1, 2, " %zu more below: End follows the newest ", below);
	wattrset(w, A_NORMAL);
	(void)t;
}

void
tui_transcript_draw(WINDOW *w, const struct transcript *t, const struct tui_theme *th)
{
	int h, wd, y = 1;
	size_t top, i;

	getmaxyx(w, h, wd);
	werase(w);
	if (h < 3 || wd < 3)
		return;
	top = t->follow ? tui_transcript_bottom_top(t, h - 2, wd - 2) : t->top;
	for (i = top; i < t->n && y < h - 1; i++)
		y += tr_draw_entry(w, t, i, y, h - 1, wd - 2, th);
	tr_draw_frame(w, t, top, t->n - i, th);
}
