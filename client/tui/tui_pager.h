/*
 * tui_pager.h: a scrollable page of text for the TUI: the help screen
 * (every key, built from the module's menu) and the full certificate
 * report (the text of `seal --show-cert`). Lines are sanitized copies.
 * Main thread.
 */
#ifndef SEAL_TUI_PAGER_H
#define SEAL_TUI_PAGER_H

#include "tui_module.h"
#include "tui_theme.h"

#define PAGER_TITLE_MAX 96

struct pager {
	char **lines;
	int    n, cap;
	int    top;
	int    utf8;
	int    headings;      /* lines that do not start with a space are headings */
	char   title[PAGER_TITLE_MAX];
};

/* An empty page titled TITLE. */
void tui_pager_open(struct pager *p, const char *title, int utf8);

/* Appends TEXT, one line per '\n'. 0, or -1 when out of memory. */
int tui_pager_add(struct pager *p, const char *text);

/* Frees every line. Safe on a closed page. */
void tui_pager_close(struct pager *p);

/* 1 while a page is open. */
int tui_pager_is_open(const struct pager *p);

/* Scroll keys for a view of ROWS lines; 1 when the key closes the page
 * (q, Esc, Enter, F1, ?). */
int tui_pager_key(struct pager *p, int ch, int keycode, int rows);

/* Paints the page into W (boxed) with a scroll position. */
void tui_pager_draw(WINDOW *w, struct pager *p, const struct tui_theme *th);

/* The help page: every key of the TUI and of MOD's menu, the transcript's
 * colors, where pins live (PINS_PATH) and the exit status. 0 or -1. */
int tui_help_build(struct pager *p, const struct tui_module *mod, const struct tui_glyphs *g,
                   const char *pins_path);

#endif
