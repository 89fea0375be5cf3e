/*
 * tui_form.c: form editing and drawing (see tui_form.h). Text is UTF-8;
 * the cursor moves by characters and lines keep their columns as the
 * terminal shows them. Masked fields never draw their text. Main thread.
 */
#include "tui_form.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define FORM_ESC        27
#define FORM_DEL        127
#define FORM_BS         8
#define FORM_SPACE      0x20
#define FORM_SUBMIT_FKEY 10            /* F10 */
#define FORM_PAGE_LINES 5              /* PgUp/PgDn in the body editor */
#define FORM_LABEL_PAD  2
#define FORM_UTF8_MAX   4

int
tui_form_open(struct form *fm, const struct form_spec *spec, int item)
{
	memset(fm, 0, sizeof *fm);
	fm->spec = spec;
	fm->item = item;
	fm->nf = spec->nfields < TUI_FORM_FIELDS_MAX ? spec->nfields : TUI_FORM_FIELDS_MAX;
	for (int i = 0; i < fm->nf; i++) {
		fm->f[i].spec = &spec->fields[i];
		fm->f[i].want_col = -1;
		fm->f[i].buf = calloc(1, spec->fields[i].max + 1);
		if (fm->f[i].buf == NULL) {
			tui_form_close(fm);
			return -1;
		}
	}
	return 0;
}

void
tui_form_close(struct form *fm)
{
	for (int i = 0; i < fm->nf; i++) {
		if (fm->f[i].buf != NULL) {
			explicit_bzero(fm->f[i].buf, fm->f[i].spec->max + 1);
			free(fm->f[i].buf);
		}
	}
	explicit_bzero(fm, sizeof *fm);
}

int
tui_form_is_open(const struct form *fm)
{
	return fm->spec != NULL;
}

void
tui_form_set(struct form *fm, int i, const char *text)
{
	struct form_field *f;
	size_t n = strlen(text);

	if (i < 0 || i >= fm->nf)
		return;
	f = &fm->f[i];
	while (n > f->spec->max)
		n = text_prev(text, n);
	explicit_bzero(f->buf, f->spec->max + 1);
	memcpy(f->buf, text, n);
	f->len = n;
	f->cur = n;
	f->scroll = 0;
}

const char *
tui_form_value(const struct form *fm, int i)
{
	return i >= 0 && i < fm->nf ? fm->f[i].buf : "";
}

void
tui_form_mask(const char *text, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < outlen; i = text_next(text, len, i))
		out[o++] = '*';
	if (outlen > 0)
		out[o] = '\0';
}

/* Inserts N bytes at the cursor; refuses (with a note) past the maximum. */
static void
form_insert(struct form *fm, struct form_field *f, const char *s, size_t n)
{
	if (f->len + n > f->spec->max) {
		snprintf(fm->err, sizeof fm->err, "%s: at most %zu bytes", f->spec->label,
		         f->spec->max);
		return;
	}
	memmove(f->buf + f->cur + n, f->buf + f->cur, f->len - f->cur + 1);
	memcpy(f->buf + f->cur, s, n);
	f->len += n;
	f->cur += n;
}

/* Removes the bytes FROM..TO (TO > FROM) and leaves the cursor at FROM. */
static void
form_cut(struct form_field *f, size_t from, size_t to)
{
	memmove(f->buf + from, f->buf + to, f->len - to + 1);
	f->len -= to - from;
	explicit_bzero(f->buf + f->len, to - from);
	f->cur = from;
}

/* Start of the line holding POS in a body. */
static size_t
form_line_start(const struct form_field *f, size_t pos)
{
	while (pos > 0 && f->buf[pos - 1] != '\n')
		pos--;
	return pos;
}

static size_t
form_line_end(const struct form_field *f, size_t pos)
{
	while (pos < f->len && f->buf[pos] != '\n')
		pos++;
	return pos;
}

/* Moves the body cursor DELTA lines (negative: up), keeping its column. */
static void
form_vertical(struct form_field *f, int delta)
{
	size_t start = form_line_start(f, f->cur);

	if (f->want_col < 0)
		f->want_col = text_width(f->buf + start, f->cur - start);
	for (; delta < 0 && start > 0; delta++)
		start = form_line_start(f, start - 1);
	for (; delta > 0; delta--) {
		size_t end = form_line_end(f, start);
		if (end >= f->len)
			break;
		start = end + 1;
	}
	size_t end = form_line_end(f, start);
	f->cur = start + text_fit(f->buf + start, end - start, f->want_col);
}

/* Cursor keys; 1 when KEY was one. */
static int
form_move(struct form_field *f, int key)
{
	int body = f->spec->kind == FIELD_BODY;

	if (TUI_IS_HOME(key))
		key = KEY_HOME;
	else if (TUI_IS_END(key))
		key = KEY_END;
	switch (key) {
	case KEY_LEFT: f->cur = text_prev(f->buf, f->cur); break;
	case KEY_RIGHT: f->cur = text_next(f->buf, f->len, f->cur); break;
	case KEY_HOME: f->cur = body ? form_line_start(f, f->cur) : 0; break;
	case KEY_END: f->cur = body ? form_line_end(f, f->cur) : f->len; break;
	case KEY_UP: if (body) form_vertical(f, -1); return body;
	case KEY_DOWN: if (body) form_vertical(f, 1); return body;
	case KEY_PPAGE: if (body) form_vertical(f, -FORM_PAGE_LINES); return body;
	case KEY_NPAGE: if (body) form_vertical(f, FORM_PAGE_LINES); return body;
	default: return 0;
	}
	f->want_col = -1;
	return 1;
}

/* Next (DIR 1) or previous (-1) field. */
static void
form_focus(struct form *fm, int dir)
{
	fm->focus = (fm->focus + dir + fm->nf) % fm->nf;
	fm->f[fm->focus].want_col = -1;
}

/* Enter: a new line in a body; else the next field, or submit on the last. */
static enum form_rc
form_enter(struct form *fm, struct form_field *f)
{
	if (f->spec->kind == FIELD_BODY) {
		form_insert(fm, f, "\n", 1);
		return FORM_NONE;
	}
	if (fm->focus + 1 >= fm->nf)
		return FORM_SUBMIT;
	form_focus(fm, 1);
	return FORM_NONE;
}

/* Erasing keys; 1 when KEY was one. */
static int
form_erase(struct form_field *f, int ch, int keycode)
{
	if ((keycode && ch == KEY_BACKSPACE) || (!keycode && (ch == FORM_DEL || ch == FORM_BS))) {
		if (f->cur > 0)
			form_cut(f, text_prev(f->buf, f->cur), f->cur);
	} else if (keycode && ch == KEY_DC) {
		if (f->cur < f->len)
			form_cut(f, f->cur, text_next(f->buf, f->len, f->cur));
	} else if (!keycode && ch == FORM_KEY_CTRL('u')) {
		size_t from = f->spec->kind == FIELD_BODY ? form_line_start(f, f->cur) : 0;
		if (f->cur > from)
			form_cut(f, from, f->cur);
	} else {
		return 0;
	}
	f->want_col = -1;
	return 1;
}

/* A key that is a character. */
static enum form_rc
form_char(struct form *fm, struct form_field *f, int ch)
{
	char u[FORM_UTF8_MAX];
	size_t n;

	switch (ch) {
	case FORM_ESC: return FORM_CANCEL;
	case FORM_KEY_CTRL('d'): return FORM_SUBMIT;
	case '\t': form_focus(fm, 1); return FORM_NONE;
	case '\n': case '\r': return form_enter(fm, f);
	case FORM_KEY_CTRL('a'): form_move(f, KEY_HOME); return FORM_NONE;
	case FORM_KEY_CTRL('e'): form_move(f, KEY_END); return FORM_NONE;
	default: break;
	}
	if (ch < FORM_SPACE || (n = text_utf8_put((unsigned)ch, u)) == 0)
		return FORM_NONE;
	form_insert(fm, f, u, n);
	f->want_col = -1;
	return FORM_NONE;
}

enum form_rc
tui_form_key(struct form *fm, int ch, int keycode)
{
	struct form_field *f;

	if (!tui_form_is_open(fm) || fm->nf == 0)
		return FORM_CANCEL;
	f = &fm->f[fm->focus];
	fm->err[0] = '\0';
	if (form_erase(f, ch, keycode))
		return FORM_NONE;
	if (!keycode)
		return form_char(fm, f, ch);
	if (ch == KEY_F(FORM_SUBMIT_FKEY))
		return FORM_SUBMIT;
	if (ch == KEY_BTAB)
		form_focus(fm, -1);
	else if (ch == KEY_ENTER)
		return form_enter(fm, f);
	else
		form_move(f, ch);
	return FORM_NONE;
}

/* --- drawing ------------------------------------------------------------ */

/* Label column width: the longest label and a gap. */
static int
form_label_cols(const struct form *fm)
{
	int w = 0;

	for (int i = 0; i < fm->nf; i++) {
		int l = text_width(fm->f[i].spec->label, strlen(fm->f[i].spec->label));
		w = l > w ? l : w;
	}
	return w + FORM_LABEL_PAD;
}

/* One-line text S (N bytes) with the cursor at byte CUR, in VW columns at
 * (Y, X); *SCROLL is the first byte shown. Returns the cursor column. */
static int
form_draw_line(WINDOW *w, int y, int x, int vw, const char *s, size_t n, size_t cur,
               int *scroll)
{
	size_t first = (size_t)*scroll;

	if (cur < first)
		first = cur;
	while (first < cur && text_width(s + first, cur - first) > vw - 1)
		first = text_next(s, n, first);
	*scroll = (int)first;
	mvwaddnstr(w, y, x, s + first, (int)text_fit(s + first, n - first, vw));
	return x + text_width(s + first, cur - first);
}

/* A one-line field at row Y. */
static void
form_draw_text(WINDOW *w, int y, int x, int vw, struct form_field *f, int focused,
               const struct tui_theme *th, int *cy, int *cx)
{
	char mask[TUI_FIELD_MAX + 1];
	const char *s = f->buf;
	size_t n = f->len, cur = f->cur;

	if (f->spec->kind == FIELD_SECRET) {
		tui_form_mask(f->buf, f->cur, mask, sizeof mask);
		cur = strlen(mask);
		tui_form_mask(f->buf, f->len, mask, sizeof mask);
		s = mask;
		n = strlen(mask);
	}
	wattrset(w, tui_theme_attr(th, ROLE_FIELD));
	mvwhline(w, y, x, ' ', vw);
	int col = form_draw_line(w, y, x, vw, s, n, cur, &f->scroll);
	wattrset(w, A_NORMAL);
	if (focused) {
		*cy = y;
		*cx = col;
	}
}

/* The line index of byte POS in a body. */
static int
form_line_of(const struct form_field *f, size_t pos)
{
	int line = 0;

	for (size_t i = 0; i < pos; i++)
		line += f->buf[i] == '\n';
	return line;
}

/* The body editor from row Y0 to the bottom border. */
static void
form_draw_body(WINDOW *w, int y0, int x, int vw, int rows, struct form_field *f,
               int focused, int *cy, int *cx)
{
	int cl = form_line_of(f, f->cur), line = 0;
	size_t pos = 0;

	if (cl < f->scroll)
		f->scroll = cl;
	if (cl >= f->scroll + rows)
		f->scroll = cl - rows + 1;
	while (line < f->scroll && pos < f->len)
		line += f->buf[pos++] == '\n';
	for (int r = 0; r < rows && pos <= f->len; r++, line++) {
		size_t end = form_line_end(f, pos);
		int hs = 0;
		if (line == cl) {
			int col = form_draw_line(w, y0 + r, x, vw, f->buf + pos, end - pos,
			                         f->cur - pos, &hs);
			if (focused) {
				*cy = y0 + r;
				*cx = col;
			}
		} else {
			mvwaddnstr(w, y0 + r, x, f->buf + pos, (int)text_fit(f->buf + pos, end - pos, vw));
		}
		pos = end + 1;
	}
}

/* The frame: title, and the keys (or the last error) on the bottom border. */
static void
form_draw_frame(WINDOW *w, const struct form *fm, const struct tui_theme *th)
{
	const struct field_spec *sp = fm->f[fm->focus].spec;
	int h, wd;

	getmaxyx(w, h, wd);
	wattrset(w, tui_theme_attr(th, ROLE_BORDER));
	box(w, 0, 0);
	wattrset(w, tui_theme_attr(th, ROLE_HEADING));
	mvwprintw(w, 0, 2, " %s ", fm->spec->title);
	if (fm->err[0]) {
		wattrset(w, tui_theme_attr(th, ROLE_ERR));
		mvwprintw(w, h - 1, 2, " %.*s ", wd - 6, fm->err);
	} else {
		wattrset(w, tui_theme_attr(th, ROLE_DIM));
		mvwprintw(w, h - 1, 2, " %.*s ", wd - 6, sp->kind == FIELD_BODY ?
		          "Enter new line, Tab next field, Ctrl-D or F10 send, Esc cancel" :
		          "Enter next/send, Tab next field, Ctrl-D or F10 send, Esc cancel");
	}
	wattrset(w, tui_theme_attr(th, ROLE_DIM));
	if (sp->hint != NULL)
		mvwaddnstr(w, 1, 2, sp->hint, wd - 4);
	wattrset(w, A_NORMAL);
}

void
tui_form_draw(WINDOW *w, struct form *fm, const struct tui_theme *th, int *cy, int *cx)
{
	int h, wd, lw = form_label_cols(fm), y = 2;

	getmaxyx(w, h, wd);
	werase(w);
	*cy = *cx = 0;
	if (!tui_form_is_open(fm) || h < 4 || wd < lw + 6)
		return;
	form_draw_frame(w, fm, th);
	for (int i = 0; i < fm->nf && y < h - 1; i++) {
		const struct field_spec *sp = fm->f[i].spec;
		wattrset(w, tui_theme_attr(th, i == fm->focus ? ROLE_HOTKEY : ROLE_LABEL));
		mvwaddstr(w, y, 2, sp->label);
		wattrset(w, A_NORMAL);
		if (sp->kind == FIELD_BODY) {
			form_draw_body(w, y, 2 + lw, wd - 3 - lw, h - 1 - y, &fm->f[i], i == fm->focus,
			               cy, cx);
			break;
		}
		form_draw_text(w, y++, 2 + lw, wd - 3 - lw, &fm->f[i], i == fm->focus, th, cy, cx);
	}
}
