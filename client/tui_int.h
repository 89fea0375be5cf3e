/*
 * tui_int.h: what the TUI's own files share (tui.c: set-up and the loop,
 * tui_keys.c: key handlers, tui_draw.c: painting from state). Key handlers
 * change state and return flags; only tui_draw.c draws. Not for other
 * modules. Main thread.
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
	char                     notice[TUI_NOTICE_MAX];   /* until the next key */
};

/* One key from the terminal: CH is a character, or a KEY_* code when
 * KEYCODE. Returns tui_res flags. */
unsigned tui_key(struct tui *t, int ch, int keycode);

/* After the connection did something: opens a form the module asks for. */
void tui_after_io(struct tui *t);

/* Recomputes the layout for the current terminal size. */
void tui_relayout(struct tui *t);

/* Paints everything from state and updates the terminal. */
void tui_redraw(struct tui *t);

#endif
