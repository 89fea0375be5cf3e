/*
 * tui_keys.c: what each key does in each situation (a dialog, a page, a
 * form, a pin warning, the main screen). Handlers change state and return
 * tui_res flags; they never draw. Main thread.
 */
#include "tui_int.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYS_ESC          27
#define KEYS_HELP_FKEY    1
#define KEYS_STAMPS_FKEY  2

/* A one-line message in the status line until the next key. */
static void
keys_notice(struct tui *t, const char *msg)
{
	snprintf(t->notice, sizeof t->notice, "%s", msg);
}

/* Opens the help page. */
static void
keys_help(struct tui *t)
{
	tui_pager_open(&t->pager, "Help: every key", t->theme.utf8);
	if (tui_help_build(&t->pager, t->cfg->mod, &t->theme.g, t->conn.pins_path) == -1) {
		tui_pager_close(&t->pager);
		keys_notice(t, "out of memory");
		return;
	}
	t->view = VIEW_PAGE;
}

/* Opens the full certificate report (the text of --show-cert). */
static void
keys_report(struct tui *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!t->conn.have_session || t->conn.phase == CP_HANDSHAKE ||
	    t->conn.phase == CP_CONNECTING || (f = open_memstream(&text, &len)) == NULL) {
		keys_notice(t, "no certificate to show yet");
		return;
	}
	report_print(f, &t->conn.s, t->theme.utf8);
	fclose(f);
	tui_pager_open(&t->pager, "Server certificate report (seal --show-cert)", t->theme.utf8);
	if (tui_pager_add(&t->pager, text) == -1) {
		tui_pager_close(&t->pager);
		keys_notice(t, "out of memory");
	} else {
		t->view = VIEW_PAGE;
	}
	free(text);
}

/* Says so when ITEM, about to be sent, is out of order (the lesson). */
static void
keys_order_notice(struct tui *t, int item)
{
	const struct tui_module *m = t->cfg->mod;

	if (!tui_menu_in_order(m, item, m->state(t->conn.mod_st)))
		snprintf(t->notice, sizeof t->notice, "%s is out of order now: sent anyway, "
		         "see what the server says", m->items[item].label);
}

/* Opens ITEM's form, or sends it at once. */
static void
keys_activate(struct tui *t, int item)
{
	const struct tui_module *m = t->cfg->mod;
	const struct form_spec *spec;
	char err[FORM_ERR_MAX];
	const char *why;

	if (t->conn.phase == CP_CONNECTING || t->conn.phase == CP_HANDSHAKE) {
		t->typed_ahead = item;           /* sent once the channel is up */
		snprintf(t->notice, sizeof t->notice, "still connecting: %s goes once the "
		         "secure channel is up", m->items[item].label);
		return;
	}
	if (!tui_conn_is_up(&t->conn)) {
		keys_notice(t, "not connected: press r to connect again");
		return;
	}
	if ((why = m->blocked(t->conn.mod_st, item)) != NULL) {
		keys_notice(t, why);
		return;
	}
	t->menu.sel = item;
	spec = m->form_for(t->conn.mod_st, item);
	if (spec == NULL) {
		keys_order_notice(t, item);
		if (m->build(t->conn.mod_st, item, NULL, &t->conn.q, err, sizeof err) == -1)
			keys_notice(t, err);
		return;
	}
	if (tui_form_open(&t->form, spec, item) == -1) {
		keys_notice(t, "out of memory");
		return;
	}
	struct tui_facts facts = { .user = m->user(t->conn.mod_st), .host = t->cfg->host,
	                           .url = t->cfg->url, .output = t->cfg->output };
	if (facts.user == NULL)
		facts.user = t->cfg->user;
	m->prefill(t->conn.mod_st, item, &facts, &t->form);
}

/* Once the connection is past the handshake: sends the command typed
 * while connecting, or says why it was not sent. */
static void
keys_typed_ahead(struct tui *t)
{
	const struct tui_module *m = t->cfg->mod;
	int item = t->typed_ahead;

	if (item == MENU_NONE || t->conn.phase == CP_CONNECTING || t->conn.phase == CP_HANDSHAKE)
		return;
	t->typed_ahead = MENU_NONE;
	t->notice[0] = '\0';
	if (!tui_conn_is_up(&t->conn))
		snprintf(t->notice, sizeof t->notice, "%s not sent: %s", m->items[item].label,
		         tui_conn_phase_text(&t->conn));
	else if (m->prompt(t->conn.mod_st) != MENU_NONE || tui_form_is_open(&t->form) ||
	         t->view != VIEW_MAIN)
		snprintf(t->notice, sizeof t->notice, "%s not sent: press %c again",
		         m->items[item].label, m->items[item].hotkey);
	else
		keys_activate(t, item);
}

void
tui_keys_after_io(struct tui *t)
{
	const struct tui_module *m = t->cfg->mod;
	int item;

	tui_view_after_io(t);
	keys_typed_ahead(t);
	if (!tui_conn_is_up(&t->conn) || (item = m->prompt(t->conn.mod_st)) == MENU_NONE)
		return;
	if (tui_form_is_open(&t->form) || t->view != VIEW_MAIN) {
		snprintf(t->notice, sizeof t->notice, "the server waits for the message: press %c",
		         m->items[item].hotkey);
		return;
	}
	keys_activate(t, item);
}

/* The form's submit: build its lines (the form stays open on an error). */
static void
keys_submit(struct tui *t)
{
	const struct tui_module *m = t->cfg->mod;
	char err[FORM_ERR_MAX];

	if (!tui_conn_is_up(&t->conn)) {
		snprintf(t->form.err, sizeof t->form.err,
		         "not connected: Esc closes the form, then r reconnects");
		return;
	}
	keys_order_notice(t, t->form.item);
	if (m->build(t->conn.mod_st, t->form.item, &t->form, &t->conn.q, err, sizeof err) == -1) {
		snprintf(t->form.err, sizeof t->form.err, "%s", err);
		t->notice[0] = '\0';
		return;
	}
	tui_form_close(&t->form);
}

static unsigned
keys_form(struct tui *t, int ch, int keycode)
{
	switch (tui_form_key(&t->form, ch, keycode)) {
	case FORM_SUBMIT:
		keys_submit(t);
		break;
	case FORM_CANCEL:
		tui_form_close(&t->form);
		keys_notice(t, "cancelled: nothing was sent");
		break;
	case FORM_NONE:
	default:
		break;
	}
	return TUI_REDRAW;
}

static unsigned
keys_dialog(struct tui *t, int ch, int keycode)
{
	enum tui_dialog d = t->dialog;

	t->dialog = DLG_NONE;
	if (keycode || (ch != 'y' && ch != 'Y')) {
		keys_notice(t, "carry on");
		return TUI_REDRAW;
	}
	if (d == DLG_QUIT)
		return TUI_QUIT;
	tui_conn_request(&t->conn);
	return TUI_REDRAW;
}

/* q: quit, asking first while the protocol is in a transaction. */
static unsigned
keys_quit(struct tui *t)
{
	if (tui_conn_is_up(&t->conn) && t->cfg->mod->in_transaction(t->conn.mod_st)) {
		t->dialog = DLG_QUIT;
		return TUI_REDRAW;
	}
	return TUI_QUIT;
}

/* r: reconnect, asking first when a session is up. */
static unsigned
keys_reconnect(struct tui *t)
{
	if (tui_conn_is_up(&t->conn))
		t->dialog = DLG_RECONNECT;
	else
		tui_conn_request(&t->conn);
	return TUI_REDRAW;
}

/* Keys that work on the main screen whatever the connection's phase. */
static int
keys_global(struct tui *t, int ch, int keycode, unsigned *res)
{
	int rows = t->geom.transcript.h - 2, width = t->geom.transcript.w - 2;

	*res = TUI_REDRAW;
	if ((keycode && ch == KEY_F(KEYS_HELP_FKEY)) || (!keycode && ch == '?'))
		keys_help(t);
	else if (!keycode && ch == 'q')
		*res = keys_quit(t);
	else if (!keycode && ch == 'r')
		*res = keys_reconnect(t);
	else if (!keycode && ch == 'v')
		keys_report(t);
	else if (keycode && ch == KEY_F(KEYS_STAMPS_FKEY))
		t->tr.stamps = !t->tr.stamps;
	else if (keycode && ch == KEY_PPAGE)
		tui_transcript_page_up(&t->tr, rows, width);
	else if (keycode && ch == KEY_NPAGE)
		tui_transcript_page_down(&t->tr, rows, width);
	else if (keycode && TUI_IS_HOME(ch))
		tui_transcript_home(&t->tr, rows, width);
	else if (keycode && TUI_IS_END(ch))
		tui_transcript_end(&t->tr);
	else
		return 0;
	return 1;
}

/* The main screen: the module's view (Tab, its keys while shown), global
 * keys, then the pin decision, then the menu. */
static unsigned
keys_main(struct tui *t, int ch, int keycode)
{
	const struct tui_module *m = t->cfg->mod;
	unsigned res;
	int item;

	if (tui_view_key(t, ch, keycode))
		return TUI_REDRAW;
	if (keys_global(t, ch, keycode, &res))
		return res;
	if (t->conn.phase == CP_PIN_WAIT) {
		if (!keycode && ch == 'P')
			tui_conn_replace_pin(&t->conn);
		else
			keys_notice(t, "certificate changed: P replaces the pin, q quits");
		return TUI_REDRAW;
	}
	if (keycode && ch == KEY_UP)
		tui_menu_move(&t->menu, -1, m->nitems);
	else if (keycode && ch == KEY_DOWN)
		tui_menu_move(&t->menu, 1, m->nitems);
	else if ((keycode && ch == KEY_ENTER) || (!keycode && (ch == '\n' || ch == '\r')))
		keys_activate(t, t->menu.sel);
	else if (!keycode && (item = tui_menu_find_hotkey(m, ch)) != MENU_NONE)
		keys_activate(t, item);
	else if (!(keycode && ch == KEY_RESIZE))
		keys_notice(t, "no such key: press ? for help");
	return TUI_REDRAW;
}

unsigned
tui_keys_handle(struct tui *t, int ch, int keycode)
{
	if (keycode && ch == KEY_RESIZE)
		return TUI_RELAYOUT | TUI_REDRAW;
	t->notice[0] = '\0';
	if (t->dialog != DLG_NONE)
		return keys_dialog(t, ch, keycode);
	if (t->view == VIEW_PAGE) {
		if (tui_pager_key(&t->pager, ch, keycode, t->geom.page.h - 2)) {
			tui_pager_close(&t->pager);
			t->view = VIEW_MAIN;
		}
		return TUI_REDRAW;
	}
	if (tui_form_is_open(&t->form))
		return keys_form(t, ch, keycode);
	return keys_main(t, ch, keycode);
}
