/*
 * tui_layout.c: the TUI's geometry and its windows (see tui_layout.h).
 * Windows are created once; on a resize each is moved to the origin,
 * resized, then moved to its place, so no step ever asks curses for a
 * window outside the screen. Main thread.
 */
#include "tui_layout.h"
#include "tui_defaults.h"

#define LAYOUT_MENU_SHARE   3          /* the menu takes at most 1/3 of the width */
#define LAYOUT_DIALOG_MARGIN 2
#define LAYOUT_DIALOG_W     76
#define LAYOUT_MIN_BOX      3

static struct tui_rect
layout_rect(int y, int x, int h, int w)
{
	return (struct tui_rect){ .y = y, .x = x, .h = h, .w = w };
}

/* Height of the certificate panel and menu row for MIDDLE rows. */
static int
layout_top_rows(int middle)
{
	int top = middle / 2;

	if (top < TUI_TOP_MIN_ROWS)
		top = TUI_TOP_MIN_ROWS;
	if (top > TUI_TOP_MAX_ROWS)
		top = TUI_TOP_MAX_ROWS;
	if (middle - top < TUI_TRANSCRIPT_MIN_ROWS)
		top = middle - TUI_TRANSCRIPT_MIN_ROWS;
	return top < LAYOUT_MIN_BOX ? LAYOUT_MIN_BOX : top;
}

void
tui_layout_center(const struct tui_geom *g, int h, int w, struct tui_rect *r)
{
	int mid = g->rows - 2 > 1 ? g->rows - 2 : 1;

	if (h > mid)
		h = mid;
	if (w > g->cols)
		w = g->cols;
	*r = layout_rect(1 + (mid - h) / 2, (g->cols - w) / 2, h, w);
}

void
tui_layout_compute(int rows, int cols, struct tui_geom *g)
{
	int middle = rows - 2, top, menu_w;

	g->rows = rows;
	g->cols = cols;
	g->tiny = rows < TUI_TINY_ROWS || cols < TUI_TINY_COLS;
	if (g->tiny) {
		struct tui_rect all = layout_rect(0, 0, rows > 0 ? rows : 1, cols > 0 ? cols : 1);
		g->title = g->cert = g->menu = g->transcript = g->status = all;
		g->form = g->page = g->dialog = all;
		return;
	}
	top = layout_top_rows(middle);
	menu_w = TUI_MENU_COLS < cols / LAYOUT_MENU_SHARE ? TUI_MENU_COLS : cols / LAYOUT_MENU_SHARE;
	g->title = layout_rect(0, 0, 1, cols);
	g->status = layout_rect(rows - 1, 0, 1, cols);
	g->cert = layout_rect(1, 0, top, cols - menu_w);
	g->menu = layout_rect(1, cols - menu_w, top, menu_w);
	g->transcript = layout_rect(1 + top, 0, middle - top, cols);
	g->form = layout_rect(1, 0, top, cols);
	g->page = layout_rect(1, 0, middle, cols);
	tui_layout_center(g, middle, LAYOUT_DIALOG_W + LAYOUT_DIALOG_MARGIN * 2 > cols ?
	                  cols - LAYOUT_DIALOG_MARGIN * 2 : LAYOUT_DIALOG_W, &g->dialog);
}

int
tui_layout_overlap(const struct tui_rect *a, const struct tui_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	       a->y < b->y + b->h && b->y < a->y + a->h;
}

int
tui_layout_fit(WINDOW **win, const struct tui_rect *r)
{
	if (*win == NULL) {
		*win = newwin(r->h, r->w, r->y, r->x);
		if (*win == NULL)
			return -1;
		keypad(*win, TRUE);
		return 0;
	}
	if (mvwin(*win, 0, 0) == ERR || wresize(*win, r->h, r->w) == ERR ||
	    mvwin(*win, r->y, r->x) == ERR)
		return -1;
	return 0;
}

int
tui_layout_apply(struct tui_windows *w, const struct tui_geom *g)
{
	int rc = 0;

	rc |= tui_layout_fit(&w->title, &g->title);
	rc |= tui_layout_fit(&w->cert, &g->cert);
	rc |= tui_layout_fit(&w->menu, &g->menu);
	rc |= tui_layout_fit(&w->transcript, &g->transcript);
	rc |= tui_layout_fit(&w->status, &g->status);
	rc |= tui_layout_fit(&w->form, &g->form);
	rc |= tui_layout_fit(&w->page, &g->page);
	rc |= tui_layout_fit(&w->dialog, &g->dialog);
	rc |= tui_layout_fit(&w->view, &g->form);
	return rc ? -1 : 0;
}

void
tui_layout_free(struct tui_windows *w)
{
	WINDOW **all[] = { &w->title, &w->cert, &w->menu, &w->transcript, &w->status,
	                   &w->form, &w->page, &w->dialog, &w->view };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (*all[i] != NULL)
			delwin(*all[i]);
		*all[i] = NULL;
	}
}
