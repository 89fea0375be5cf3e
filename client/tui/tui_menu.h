/*
 * tui_menu.h: the command menu: the module's items with their hotkeys,
 * the selection (arrow keys), and greyed items (out of order in the
 * current state, still allowed). Main thread.
 */
#ifndef SEAL_TUI_MENU_H
#define SEAL_TUI_MENU_H

#include "tui_module.h"
#include "tui_theme.h"

struct tui_menu {
	int sel;          /* selected item */
	int top;          /* first item shown */
};

/* Moves the selection by DELTA, wrapping around N items. Pure. */
void tui_menu_move(struct tui_menu *m, int delta, int n);

/* The item whose hotkey is KEY, or MENU_NONE. Pure. */
int tui_menu_find_hotkey(const struct tui_module *mod, int key);

/* 1 when ITEM is in order in STATE (a state bit). Pure. */
int tui_menu_in_order(const struct tui_module *mod, int item, unsigned state);

/* Paints the menu into W (boxed). ACTIVE: commands can be sent now (else
 * every item is greyed). */
void tui_menu_draw(WINDOW *w, struct tui_menu *m, const struct tui_module *mod, unsigned state,
                   int active, const struct tui_theme *th);

#endif
