/*
 * tui_view.c: a protocol module's own view inside the TUI (struct module_view
 * in tui_module.h; POP3's mailbox, RTSP's player beside the menu): Tab
 * switches between it and the certificate panel (and menu), its keys come
 * first while it is shown, it comes up by itself when the module asks
 * (after a login), and a page it hands over (a retrieved message) opens
 * in the pager. Key handlers change state; tui_view_draw() alone paints.
 * Main thread.
 */
#include "tui_int.h"

#include <stdio.h>
#include <string.h>

#define VIEW_TAB_AT 2             /* the tab key's place among the main keys */

int
tui_view_shown(const struct tui *t)
{
	const struct module_view *v = t->cfg->mod->view;

	return v != NULL && t->modview && tui_conn_is_up(&t->conn) && v->available(t->conn.mod_st);
}

/* Tab: the view, or back to the menu. */
static void
view_toggle(struct tui *t)
{
	const struct module_view *v = t->cfg->mod->view;

	if (tui_view_shown(t)) {
		t->modview = 0;
	} else if (!tui_conn_is_up(&t->conn) || !v->available(t->conn.mod_st)) {
		snprintf(t->notice, sizeof t->notice, "%s", v->absent);
	} else {
		t->modview = 1;
	}
}

int
tui_view_key(struct tui *t, int ch, int keycode)
{
	const struct module_view *v = t->cfg->mod->view;
	char notice[TUI_NOTICE_MAX] = "";
	int used;

	if (v == NULL)
		return 0;
	if (!keycode && ch == '\t') {
		view_toggle(t);
		return 1;
	}
	if (!tui_view_shown(t))
		return 0;
	used = v->key(t->conn.mod_st, ch, keycode, t->geom.form.h, &t->conn.q, notice,
	              sizeof notice);
	if (notice[0] != '\0')
		snprintf(t->notice, sizeof t->notice, "%s", notice);
	return used;
}

void
tui_view_after_io(struct tui *t)
{
	const struct module_view *v = t->cfg->mod->view;
	const char *title, *text;

	if (v == NULL || !tui_conn_is_up(&t->conn))
		return;
	if (v->raise(t->conn.mod_st))
		t->modview = 1;
	if (t->view != VIEW_MAIN || tui_form_is_open(&t->form) || t->dialog != DLG_NONE ||
	    !v->page(t->conn.mod_st, &title, &text))
		return;
	tui_pager_open(&t->pager, title, t->theme.utf8);
	if (tui_pager_add(&t->pager, text) == -1) {
		tui_pager_close(&t->pager);
		snprintf(t->notice, sizeof t->notice, "out of memory: the message cannot be shown");
		return;
	}
	t->view = VIEW_PAGE;
}

void
tui_view_draw(struct tui *t)
{
	const struct module_view *v = t->cfg->mod->view;

	if (tui_layout_fit(&t->win.view, v->beside_menu ? &t->geom.cert : &t->geom.form) == -1)
		return;
	v->draw(t->win.view, t->conn.mod_st, &t->theme);
}

int
tui_view_beside_menu(const struct tui *t)
{
	return tui_view_shown(t) && t->cfg->mod->view->beside_menu;
}

const char *const *
tui_view_status_keys(const struct tui *t)
{
	return tui_view_shown(t) ? t->cfg->mod->view->keys : NULL;
}

void
tui_view_tab_key(const struct tui *t, const char **keys, int max)
{
	const struct module_view *v = t->cfg->mod->view;
	int n = 0;

	if (v == NULL || tui_view_shown(t) || !tui_conn_is_up(&t->conn) ||
	    !v->available(t->conn.mod_st))
		return;
	while (n < max && keys[n] != NULL)
		n++;
	if (n + 1 >= max || n < VIEW_TAB_AT)
		return;
	memmove(keys + VIEW_TAB_AT + 1, keys + VIEW_TAB_AT,
	        (size_t)(n - VIEW_TAB_AT + 1) * sizeof *keys);
	keys[VIEW_TAB_AT] = v->tab_key;
}
