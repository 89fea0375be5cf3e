/*
 * tui_layout.h: where each area of the TUI goes for a terminal size: the
 * title bar (top row), the certificate panel and the command menu side by
 * side, the transcript under them, the status line (bottom row), and the
 * overlay rectangles (a form takes the panel and menu's place so the
 * transcript stays in view; help and the report take the whole middle).
 * tui_layout_compute() is pure arithmetic (tested at 80x24 and 160x50);
 * tui_layout_apply() creates the windows the first time and then resizes and
 * moves them (never outside the screen). Main thread.
 */
#ifndef SEAL_TUI_LAYOUT_H
#define SEAL_TUI_LAYOUT_H

#include "tui_curses.h"

struct tui_rect {
	int y, x, h, w;
};

struct tui_geom {
	int             rows, cols;
	int             tiny;         /* too small for anything but a note */
	struct tui_rect title, cert, menu, transcript, status;
	struct tui_rect form;         /* over cert and menu; a module's view goes there too */
	struct tui_rect page;         /* help, report: the whole middle */
	struct tui_rect dialog;       /* a centred box */
};

struct tui_windows {
	WINDOW *title, *cert, *menu, *transcript, *status, *form, *page, *dialog;
	WINDOW *view;                 /* a module's own view (POP3: the mailbox), at form */
};

/* The areas for a ROWS x COLS terminal. */
void tui_layout_compute(int rows, int cols, struct tui_geom *g);

/* 1 when A and B share a cell. */
int tui_layout_overlap(const struct tui_rect *a, const struct tui_rect *b);

/* A box of H x W (cut to the middle area) centred on the middle area. */
void tui_layout_center(const struct tui_geom *g, int h, int w, struct tui_rect *r);

/* Creates *WIN at R, or moves and resizes it there. 0, or -1. */
int tui_layout_fit(WINDOW **win, const struct tui_rect *r);

/* Creates or fits the windows of W to G. 0, or -1 when a window could not
 * be made. */
int tui_layout_apply(struct tui_windows *w, const struct tui_geom *g);

/* Deletes every window of W. */
void tui_layout_free(struct tui_windows *w);

#endif
