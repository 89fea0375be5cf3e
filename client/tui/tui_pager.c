/*
 * tui_pager.c: the scrollable page (see tui_pager.h). Main thread.
 */
#include "tui_pager.h"
#include "tui_form.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define PAGER_LINE_MAX 1024
#define PAGER_INITIAL  64
#define PAGER_ESC      27

void
tui_pager_open(struct pager *p, const char *title, int utf8)
{
	tui_pager_close(p);
	p->utf8 = utf8;
	snprintf(p->title, sizeof p->title, "%s", title);
}

/* Appends one line (N bytes of S). */
static int
pager_line(struct pager *p, const char *s, size_t n)
{
	char raw[PAGER_LINE_MAX], clean[PAGER_LINE_MAX];

	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : PAGER_INITIAL;
		char **v = realloc(p->lines, (size_t)cap * sizeof *v);
		if (v == NULL)
			return -1;
		p->lines = v;
		p->cap = cap;
	}
	snprintf(raw, sizeof raw, "%.*s", (int)n, s);
	text_sanitize(raw, clean, sizeof clean, p->utf8);
	if ((p->lines[p->n] = strdup(clean)) == NULL)
		return -1;
	p->n++;
	return 0;
}

int
tui_pager_add(struct pager *p, const char *text)
{
	for (;;) {
		size_t n = strcspn(text, "\n");
		if (pager_line(p, text, n) == -1)
			return -1;
		if (text[n] == '\0')
			return 0;
		text += n + 1;
		if (*text == '\0')
			return 0;
	}
}

void
tui_pager_close(struct pager *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->lines[i]);
	free(p->lines);
	memset(p, 0, sizeof *p);
}

int
tui_pager_is_open(const struct pager *p)
{
	return p->title[0] != '\0';
}

int
tui_pager_key(struct pager *p, int ch, int keycode, int rows)
{
	int last = p->n - rows > 0 ? p->n - rows : 0, page = rows > 1 ? rows - 1 : 1;

	if (!keycode && (ch == 'q' || ch == PAGER_ESC || ch == '\n' || ch == '\r' || ch == '?'))
		return 1;
	if (keycode && (ch == KEY_F(1) || ch == KEY_ENTER))
		return 1;
	if (keycode && ch == KEY_UP)
		p->top--;
	else if (keycode && ch == KEY_DOWN)
		p->top++;
	else if ((keycode && ch == KEY_PPAGE) || (!keycode && ch == 'b'))
		p->top -= page;
	else if ((keycode && ch == KEY_NPAGE) || (!keycode && ch == ' '))
		p->top += page;
	else if (keycode && TUI_IS_HOME(ch))
		p->top = 0;
	else if (keycode && TUI_IS_END(ch))
		p->top = last;
	p->top = p->top < 0 ? 0 : p->top > last ? last : p->top;
	return 0;
}

/* Where the continuation rows of a wrapped line S start: after the first
 * gap of two spaces that follows text ("Label:   value"), when that is in
 * the left half of WIDTH; else 0. */
static int
pager_indent(const char *s, int width)
{
	const char *p = s + strspn(s, " ");
	const char *gap = strstr(p, "  ");

	if (gap == NULL)
		return 0;
	gap += strspn(gap, " ");
	int col = text_width(s, (size_t)(gap - s));
	return col < width / 2 ? col : 0;
}

/* Line S from row Y, wrapped; returns the rows used (stops at MAXY). */
static int
pager_line_draw(WINDOW *w, const char *s, int y, int maxy, int width)
{
	size_t left = strlen(s);
	int indent = pager_indent(s, width), rows = 0;

	do {
		int x = rows ? indent : 0;
		size_t n = text_wrap(s, left, width - x);
		mvwaddnstr(w, y + rows, 2 + x, s, (int)n);
		s += n;
		left -= n;
		rows++;
	} while (left > 0 && y + rows < maxy);
	return rows;
}

/* The title in the top border, made safe and cut to WIDTH (a subject from
 * a server can be long and hold anything). */
static void
pager_title_draw(WINDOW *w, const struct pager *p, int width)
{
	char raw[PAGER_TITLE_MAX + 3], safe[PAGER_TITLE_MAX * 2];

	snprintf(raw, sizeof raw, " %s ", p->title);
	text_sanitize(raw, safe, sizeof safe, p->utf8);
	mvwaddnstr(w, 0, 2, safe, (int)text_fit(safe, strlen(safe), width - 4));
}

void
tui_pager_draw(WINDOW *w, struct pager *p, const struct tui_theme *th)
{
	int h, wd, rows, y = 1;

	getmaxyx(w, h, wd);
	werase(w);
	if (h < 3 || wd < 10)
		return;
	rows = h - 2;
	if (p->top > p->n - rows)
		p->top = p->n - rows > 0 ? p->n - rows : 0;
	wattrset(w, tui_theme_attr(th, ROLE_BORDER));
	box(w, 0, 0);
	wattrset(w, tui_theme_attr(th, ROLE_HEADING));
	pager_title_draw(w, p, wd);
	wattrset(w, tui_theme_attr(th, ROLE_DIM));
	mvwprintw(w, h - 1, 2, " line %d of %d: Up/Down/PgUp/PgDn scroll, q or Esc closes ",
	          p->n ? p->top + 1 : 0, p->n);
	for (int i = p->top; i < p->n && y < h - 1; i++) {
		const char *s = p->lines[i];
		int bold = p->headings && s[0] != ' ' && s[0] != '\0';
		wattrset(w, bold ? tui_theme_attr(th, ROLE_LABEL) : A_NORMAL);
		y += pager_line_draw(w, s, y, h - 1, wd - 4);
	}
	wattrset(w, A_NORMAL);
}
