/*
 * tui_int.h: what the TUI's own files share (tui.c: set-up and the loop,
 * tui_keys.c: key handlers, tui_draw.c: painting from state, tui_view.c: a
 * module's own view). Key handlers change state and return flags; only the
 * drawing functions draw. Not for other modules. Main thread.
 */
#ifndef SEAL_TUI_INT_H
#define SEAL_TUI_INT_H

#include "tui.h"
#include "tui_conn.h"
#include "tui_form.h"
#include "tui_layout.h"
#include "tui_menu.h"
#include "tui_pager.h"
#include "tui_theme.h"
#include "tui_transcript.h"

#define TUI_NOTICE_MAX 256

enum tui_view { VIEW_MAIN, VIEW_PAGE };
enum tui_dialog { DLG_NONE, DLG_QUIT, DLG_RECONNECT };

/* What a key handler asks of the loop. */
enum tui_res { TUI_NONE = 0, TUI_REDRAW = 1, TUI_QUIT = 2, TUI_RELAYOUT = 4 };

struct tui {
	const struct tui_config *cfg;
	SCREEN                  *screen;
	struct tui_theme         theme;
	struct tui_geom          geom;
	struct tui_windows       win;
	struct transcript        tr;
	struct tui_conn          conn;
	struct tui_menu          menu;
	struct form              form;
	struct pager             pager;
	enum tui_view            view;
	enum tui_dialog          dialog;
	int                      modview;      /* the module's view instead of panel and menu */
	char                     notice[TUI_NOTICE_MAX];   /* until the next key */
	int                      typed_ahead;  /* item asked for while connecting, or MENU_NONE */
};

/* One key from the terminal: CH is a character, or a KEY_* code when
 * KEYCODE. Returns tui_res flags. */
unsigned tui_keys_handle(struct tui *t, int ch, int keycode);

/* After the connection did something: opens a form the module asks for. */
void tui_keys_after_io(struct tui *t);

/* Recomputes the layout for the current terminal size. */
void tui_relayout(struct tui *t);

/* Paints everything from state and updates the terminal. */
void tui_draw(struct tui *t);

/* 1 while the module's own view is on screen (asked for, available, and
 * the connection up). */
int tui_view_shown(const struct tui *t);

/* Tab and, while the view is shown, its keys. 1 when the key was taken. */
int tui_view_key(struct tui *t, int ch, int keycode);

/* After the connection did something: brings the view up when the module
 * asks, opens a page it hands over. */
void tui_view_after_io(struct tui *t);

/* Paints the view into its window, sized for it (the caller refreshes it). */
void tui_view_draw(struct tui *t);

/* 1 while the view is shown beside the menu (in the certificate panel's
 * place only). */
int tui_view_beside_menu(const struct tui *t);

/* The keys the status line offers while the view is shown, or NULL. */
const char *const *tui_view_status_keys(const struct tui *t);

/* Adds the view's "Tab mailbox" to the main screen's KEYS (NULL-ended, MAX
 * slots) while the view could be shown. */
void tui_view_tab_key(const struct tui *t, const char **keys, int max);

#endif
