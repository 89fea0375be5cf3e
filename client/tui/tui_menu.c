/*
 * tui_menu.c: the command menu's selection and drawing (see tui_menu.h).
 * An item that takes arguments ends with an ellipsis; greyed items keep
 * their hotkey. Main thread.
 */
#include "tui_menu.h"

#include <string.h>

void
tui_menu_move(struct tui_menu *m, int delta, int n)
{
	if (n <= 0)
		return;
	m->sel = ((m->sel + delta) % n + n) % n;
}

int
tui_menu_find_hotkey(const struct tui_module *mod, int key)
{
	for (int i = 0; i < mod->nitems; i++)
		if (mod->items[i].hotkey == key)
			return i;
	return MENU_NONE;
}

int
tui_menu_in_order(const struct tui_module *mod, int item, unsigned state)
{
	return item >= 0 && item < mod->nitems && (mod->items[item].in_order & state) != 0;
}

/* Keeps the selection inside the ROWS shown. */
static void
menu_scroll(struct tui_menu *m, int rows)
{
	if (m->sel < m->top)
		m->top = m->sel;
	if (rows > 0 && m->sel >= m->top + rows)
		m->top = m->sel - rows + 1;
}

/* One item at row Y. */
static void
menu_item_draw(WINDOW *w, int y, const struct menu_item *it, int selected, int greyed,
               const struct tui_theme *th)
{
	int wd = getmaxx(w);
	attr_t base = tui_theme_attr(th, greyed ? ROLE_DIM : ROLE_NORMAL);

	if (selected)
		base = tui_theme_attr(th, ROLE_SELECT);
	wattrset(w, base);
	mvwhline(w, y, 1, ' ', wd - 2);
	wattrset(w, selected ? base : greyed ? base : tui_theme_attr(th, ROLE_HOTKEY));
	mvwprintw(w, y, 2, "%c", it->hotkey);
	wattrset(w, base | (selected ? A_BOLD : A_NORMAL));
	mvwaddnstr(w, y, 5, it->label, wd - 7);
	if (it->form != NULL)
		waddstr(w, th->g.ellipsis);
	wattrset(w, A_NORMAL);
}

void
tui_menu_draw(WINDOW *w, struct tui_menu *m, const struct tui_module *mod, unsigned state,
              int active, const struct tui_theme *th)
{
	int h, wd, rows;

	getmaxyx(w, h, wd);
	werase(w);
	if (h < 3 || wd < 8)
		return;
	rows = h - 2;
	menu_scroll(m, rows);
	wattrset(w, tui_theme_attr(th, ROLE_BORDER));
	box(w, 0, 0);
	wattrset(w, tui_theme_attr(th, ROLE_HEADING));
	mvwprintw(w, 0, 2, " %s commands ", mod->title);
	wattrset(w, A_NORMAL);
	for (int i = m->top; i < mod->nitems && i - m->top < rows; i++)
		menu_item_draw(w, 1 + i - m->top, &mod->items[i], i == m->sel,
		               !active || !tui_menu_in_order(mod, i, state), th);
	if (m->top + rows < mod->nitems) {
		wattrset(w, tui_theme_attr(th, ROLE_DIM));
		mvwaddstr(w, h - 1, wd - 8, " more ");
		wattrset(w, A_NORMAL);
	}
}
