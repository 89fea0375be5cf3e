/*
 * pop3_mailbox_draw.c: paints the mailbox list (see pop3_mailbox.h): a box
 * titled with the mailbox, a row of column headings (mark, #, Size, From,
 * Subject, Date), one row per message with marked ones dimmed behind a red
 * D, an info row when there is something to say, and the keys and the
 * scroll position in the bottom border. Column widths follow the window;
 * every string from the server is made safe for the terminal again.
 * Main thread.
 */
#include "pop3_mailbox.h"
#include "text.h"
#include "decimal.h"

#include <stdio.h>
#include <string.h>

#define MBD_PAD          2           /* columns between two columns */
#define MBD_SIZE_COLS    5
#define MBD_DATE_LONG    16          /* "2024-03-05 14:02" */
#define MBD_DATE_SHORT   10          /* "2024-03-05" */
#define MBD_WIDE         96          /* inner width from which the time is shown */
#define MBD_FROM_SHARE   30          /* percent of the text columns for From */
#define MBD_FROM_MIN     12
#define MBD_FROM_MAX     30
#define MBD_PERCENT      100
#define MBD_MIN_W        30
#define MBD_MIN_H        4
#define MBD_CELL_MAX     512
#define MBD_POS_MAX      48
#define MBD_FIRST_ROW    2           /* below the border and the headings */

struct mbd_cols {
	int mark, num, size, from, subject, date;   /* x of each */
	int num_w, from_w, subject_w, date_w;
};

/* Digits of N. */
static int
mbd_digits(unsigned long n)
{
	int d = 1;

	while (n >= DECIMAL) {
		n /= DECIMAL;
		d++;
	}
	return d;
}

/* Where each column goes in a window WIDTH wide. */
static void
mbd_columns(const struct mailbox *mb, int width, struct mbd_cols *c)
{
	int inner = width - 2, rest;

	c->num_w = mbd_digits(mb->n ? mb->e[mb->n - 1].num : 1);
	c->date_w = inner >= MBD_WIDE ? MBD_DATE_LONG : MBD_DATE_SHORT;
	c->mark = 2;
	c->num = c->mark + MBD_PAD;
	c->size = c->num + c->num_w + MBD_PAD;
	c->from = c->size + MBD_SIZE_COLS + MBD_PAD;
	rest = width - 1 - c->from - MBD_PAD * 2 - c->date_w - 1;
	c->from_w = rest * MBD_FROM_SHARE / MBD_PERCENT;
	c->from_w = c->from_w < MBD_FROM_MIN ? MBD_FROM_MIN :
	            c->from_w > MBD_FROM_MAX ? MBD_FROM_MAX : c->from_w;
	c->subject = c->from + c->from_w + MBD_PAD;
	c->subject_w = rest - c->from_w;
	c->date = c->subject + c->subject_w + MBD_PAD;
}

/* S made safe for this terminal, cut to COLS columns, at (Y, X); right
 * aligned when RIGHT. */
static void
mbd_cell(WINDOW *w, int y, int x, const char *s, int cols, int right,
         const struct tui_theme *th)
{
	char safe[MBD_CELL_MAX];
	size_t n;
	int used;

	if (cols <= 0)
		return;
	text_sanitize(s, safe, sizeof safe, th->utf8);
	n = text_fit(safe, strlen(safe), cols);
	used = text_width(safe, n);
	mvwaddnstr(w, y, right ? x + cols - used : x, safe, (int)n);
}

static void
mbd_headings(WINDOW *w, const struct mbd_cols *c, const struct tui_theme *th)
{
	wattrset(w, tui_theme_attr(th, ROLE_LABEL));
	mbd_cell(w, 1, c->num, "#", c->num_w, 1, th);
	mbd_cell(w, 1, c->size, "Size", MBD_SIZE_COLS, 1, th);
	mbd_cell(w, 1, c->from, "From", c->from_w, 0, th);
	mbd_cell(w, 1, c->subject, "Subject", c->subject_w, 0, th);
	mbd_cell(w, 1, c->date, "Date", c->date_w, 0, th);
}

/* From, Subject and Date of E, or what stands for them. */
static void
mbd_texts(const struct mb_entry *e, WINDOW *w, int y, const struct mbd_cols *c,
          attr_t base, const struct tui_theme *th)
{
	const char *from = e->sum.from, *subject = e->sum.subject;

	if (e->hdr != MB_HDR_OK) {
		wattrset(w, base == tui_theme_attr(th, ROLE_SELECT) ? base
		                                                    : tui_theme_attr(th, ROLE_DIM));
		from = e->hdr == MB_HDR_NONE ? th->g.ellipsis : "?";
		subject = e->marked ? "(marked before its headers came)" :
		          e->hdr == MB_HDR_NONE ? th->g.ellipsis : "(headers refused)";
	}
	mbd_cell(w, y, c->from, from[0] ? from : "(no From)", c->from_w, 0, th);
	mbd_cell(w, y, c->subject, subject[0] ? subject : "(no Subject)", c->subject_w, 0, th);
	mbd_cell(w, y, c->date, e->sum.date, c->date_w, 0, th);
}

/* One message at row Y. */
static void
mbd_row(WINDOW *w, int y, const struct mb_entry *e, int selected, const struct mbd_cols *c,
        const struct tui_theme *th)
{
	attr_t base = tui_theme_attr(th, selected ? ROLE_SELECT
	                                          : e->marked ? ROLE_DIM : ROLE_NORMAL);
	char num[MB_SIZE_TEXT], size[MB_SIZE_TEXT];

	wattrset(w, base);
	mvwhline(w, y, 1, ' ', getmaxx(w) - 2);
	if (e->marked) {
		wattrset(w, selected ? base | A_BOLD : tui_theme_attr(th, ROLE_ERR));
		mvwaddstr(w, y, c->mark, "D");
		wattrset(w, base);
	}
	snprintf(num, sizeof num, "%lu", e->num);
	mbd_cell(w, y, c->num, num, c->num_w, 1, th);
	pop3_mailbox_size_text(e->size, size, sizeof size);
	mbd_cell(w, y, c->size, e->sized ? size : "?", MBD_SIZE_COLS, 1, th);
	mbd_texts(e, w, y, c, base, th);
	wattrset(w, A_NORMAL);
}

/* The border with the title, the keys and "3-10 of 42". */
static void
mbd_frame(WINDOW *w, const struct mailbox *mb, const struct mb_look *look, int rows,
          const struct tui_theme *th)
{
	int h, wd;
	char pos[MBD_POS_MAX];

	getmaxyx(w, h, wd);
	wattrset(w, tui_theme_attr(th, ROLE_BORDER));
	box(w, 0, 0);
	wattrset(w, tui_theme_attr(th, ROLE_HEADING));
	mbd_cell(w, 0, 2, look->title, wd - 4, 0, th);
	pos[0] = '\0';
	if (mb->n > (size_t)rows)
		snprintf(pos, sizeof pos, " %zu-%zu of %zu ", mb->top + 1,
		         mb->top + (size_t)rows < mb->n ? mb->top + (size_t)rows : mb->n, mb->n);
	wattrset(w, tui_theme_attr(th, ROLE_DIM));
	mbd_cell(w, h - 1, 2, look->keys, wd - 4 - (int)strlen(pos), 0, th);
	mbd_cell(w, h - 1, wd - 2 - (int)strlen(pos), pos, (int)strlen(pos), 0, th);
	wattrset(w, A_NORMAL);
}

void
pop3_mailbox_draw(WINDOW *w, struct mailbox *mb, const struct mb_look *look,
                  const struct tui_theme *th)
{
	int h, wd, rows;
	struct mbd_cols c;

	getmaxyx(w, h, wd);
	werase(w);
	if (h < MBD_MIN_H || wd < MBD_MIN_W)
		return;
	rows = pop3_mailbox_list_rows(h, look->info != NULL);
	pop3_mailbox_scroll(mb, rows);
	mbd_columns(mb, wd, &c);
	mbd_frame(w, mb, look, rows, th);
	mbd_headings(w, &c, th);
	for (size_t i = mb->top; i < mb->n && i - mb->top < (size_t)rows; i++)
		mbd_row(w, MBD_FIRST_ROW + (int)(i - mb->top), &mb->e[i], i == mb->sel, &c, th);
	if (mb->n == 0 && look->empty != NULL) {
		wattrset(w, tui_theme_attr(th, ROLE_DIM));
		mbd_cell(w, MBD_FIRST_ROW, c.from, look->empty, wd - c.from - 2, 0, th);
	}
	if (look->info != NULL) {
		wattrset(w, tui_theme_attr(th, look->info_role));
		mvwhline(w, h - 2, 1, ' ', wd - 2);
		mbd_cell(w, h - 2, 2, look->info, wd - 4, 0, th);
	}
	wattrset(w, A_NORMAL);
}
