/*
 * tui_draw.c: paints the whole TUI from state (ncdu's rule): title bar,
 * certificate panel, menu, transcript and status line, then whatever lies
 * on top (a form over the panel and menu, a page over the middle, a dialog
 * in the centre). Each window is erased and drawn whole every time; curses
 * sends only what changed. Main thread.
 */
#include "tui_int.h"
#include "net.h"
#include "tui_cert.h"
#include "tui_status.h"
#include "text.h"
#include "timeconst.h"

#include <string.h>
#include <time.h>

#define DRAW_DLG_ROWS     20
#define DRAW_DLG_COLS     256
#define DRAW_DLG_PIN_W    110        /* a fingerprint fits on one row */
#define DRAW_DLG_W        64
#define DRAW_FORM_CHROME  4          /* borders, the hint row, a blank row */

struct dlg_text {
	char          line[DRAW_DLG_ROWS][DRAW_DLG_COLS];
	enum tui_role role[DRAW_DLG_ROWS];
	int           n;
};

/* Appends TEXT wrapped to WIDTH columns. */
static void
dlg_add(struct dlg_text *d, const char *text, int width, enum tui_role role)
{
	size_t left = strlen(text);

	do {
		size_t n = text_wrap(text, left, width);
		if (d->n >= DRAW_DLG_ROWS)
			return;
		snprintf(d->line[d->n], DRAW_DLG_COLS, "%.*s", (int)n, text);
		d->role[d->n++] = role;
		text += n;
		left -= n;
		while (left > 0 && *text == ' ') {
			text++;
			left--;
		}
	} while (left > 0);
}

/* "LABEL value" with the value wrapped under itself. */
static void
dlg_add_pair(struct dlg_text *d, const char *label, const char *value, int width,
             enum tui_role role)
{
	int lw = text_width(label, strlen(label));
	size_t left = strlen(value);

	do {
		size_t n = text_wrap(value, left, width - lw);
		if (d->n >= DRAW_DLG_ROWS)
			return;
		snprintf(d->line[d->n], DRAW_DLG_COLS, "%-*s%.*s", lw, label, (int)n, value);
		d->role[d->n++] = role;
		value += n;
		left -= n;
		label = "";
	} while (left > 0);
}

/* A centred box titled TITLE holding D, all in BASE. */
static void
dlg_draw(struct tui *t, const char *title, const struct dlg_text *d, int width,
         enum tui_role base)
{
	const struct tui_theme *th = &t->theme;
	struct tui_rect r;
	WINDOW *w;

	tui_layout_center(&t->geom, d->n + 4, width + 4, &r);
	if (tui_layout_fit(&t->win.dialog, &r) == -1)
		return;
	w = t->win.dialog;
	werase(w);
	wattrset(w, tui_theme_attr(th, base));
	for (int y = 0; y < r.h; y++)
		mvwhline(w, y, 0, ' ', r.w);
	box(w, 0, 0);
	mvwprintw(w, 0, 2, " %s ", title);
	for (int i = 0; i < d->n && i + 2 < r.h - 1; i++) {
		wattrset(w, tui_theme_attr(th, d->role[i] == ROLE_NORMAL ? base : d->role[i]));
		mvwaddnstr(w, 2 + i, 2, d->line[i], (int)text_fit(d->line[i], strlen(d->line[i]),
		                                                  r.w - 4));
	}
	wattrset(w, A_NORMAL);
	wnoutrefresh(w);
}

/* The loud warning of a changed certificate. */
static void
draw_pin_warning(struct tui *t)
{
	const struct tui_conn *c = &t->conn;
	int w = t->geom.cols - 8 < DRAW_DLG_PIN_W ? t->geom.cols - 8 : DRAW_DLG_PIN_W;
	struct dlg_text d = { .n = 0 };
	char line[DRAW_DLG_COLS];

	snprintf(line, sizeof line, "%s presents a certificate that is NOT the one pinned in %s.",
	         c->cfg.target->peer, c->pins_path);
	dlg_add(&d, line, w, ROLE_NORMAL);
	dlg_add(&d, "", w, ROLE_NORMAL);
	dlg_add_pair(&d, "pinned:  ", c->pin_old, w, ROLE_NORMAL);
	dlg_add_pair(&d, "now:     ", c->s.pv.leaf_info.fingerprint, w, ROLE_NORMAL);
	dlg_add(&d, "", w, ROLE_NORMAL);
	dlg_add(&d, "This is what an attack (someone between you and the server) looks like; "
	        "or the server got a new certificate. Nothing has been sent. Ask the server's "
	        "administrator for the new fingerprint before you trust it.", w, ROLE_NORMAL);
	dlg_add(&d, "", w, ROLE_NORMAL);
	dlg_add(&d, "P  trust it: replace the pin     q  quit     v  details", w, ROLE_NORMAL);
	snprintf(line, sizeof line, "%s SERVER CERTIFICATE CHANGED: REFUSED", t->theme.g.fail);
	dlg_draw(t, line, &d, w, ROLE_ALERT);
}

/* A yes/no question. */
static void
draw_confirm(struct tui *t)
{
	const struct tui_module *m = t->cfg->mod;
	int w = t->geom.cols - 8 < DRAW_DLG_W ? t->geom.cols - 8 : DRAW_DLG_W;
	struct dlg_text d = { .n = 0 };
	char line[DRAW_DLG_COLS];

	if (t->dialog == DLG_QUIT) {
		if (m->quit_question != NULL)
			snprintf(line, sizeof line, "%s", m->quit_question(t->conn.mod_st));
		else
			snprintf(line, sizeof line, "The session is %s: quitting abandons it.",
			         m->state_name(t->conn.mod_st));
		dlg_add(&d, line, w, ROLE_NORMAL);
		dlg_add(&d, "", w, ROLE_NORMAL);
		dlg_add(&d, "y  quit anyway      any other key  stay", w, ROLE_HOTKEY);
		dlg_draw(t, "Quit?", &d, w, ROLE_NORMAL);
		return;
	}
	dlg_add(&d, "Drop this session and connect again (a new handshake, every check "
	        "again)?", w, ROLE_NORMAL);
	dlg_add(&d, "", w, ROLE_NORMAL);
	dlg_add(&d, "y  reconnect      any other key  stay", w, ROLE_HOTKEY);
	dlg_draw(t, "Reconnect?", &d, w, ROLE_NORMAL);
}

/* The keys the status line offers in the current situation. */
static void
draw_status_keys(const struct tui *t, struct status_info *si)
{
	static const char *const up[] = { "F1/? help", "q quit", "Enter run", "v certificate",
	                                  "r reconnect", "PgUp/PgDn scroll", NULL };
	static const char *const down[] = { "r reconnect", "q quit", "v certificate",
	                                    "F1/? help", NULL };
	static const char *const pin[] = { "P replace pin", "q quit", "v certificate",
	                                   "F1/? help", NULL };
	static const char *const form[] = { "Ctrl-D/F10 send", "Esc cancel", "Tab next field",
	                                    NULL };
	static const char *const page[] = { "q/Esc close", "PgUp/PgDn scroll", NULL };
	const char *const *k = up;

	if (t->view == VIEW_PAGE)
		k = page;
	else if (tui_form_is_open(&t->form))
		k = form;
	else if (t->conn.phase == CP_PIN_WAIT)
		k = pin;
	else if (!tui_conn_is_up(&t->conn))
		k = down;
	else if (tui_view_status_keys(t) != NULL)
		k = tui_view_status_keys(t);
	for (int i = 0; i < STATUS_KEYS_MAX && (si->keys[i] = k[i]) != NULL; i++)
		;
	if (k == up)
		tui_view_tab_key(t, si->keys, STATUS_KEYS_MAX);
}

static void
draw_status(struct tui *t)
{
	const struct tui_conn *c = &t->conn;
	struct status_info si = { .peer = c->cfg.target->peer, .state = tui_conn_phase_text(c) };
	long long late = c->awaiting ? net_now_ms() - c->await_since : 0;

	si.user = tui_conn_is_up(c) ? t->cfg->mod->user(c->mod_st) : NULL;
	si.notice = t->notice[0] ? t->notice : NULL;
	si.waiting_s = tui_conn_is_up(c) && late > TUI_REPLY_SLOW_MS
	               ? (int)(late / MS_PER_S) : 0;
	draw_status_keys(t, &si);
	tui_status_draw(t->win.status, &si, &t->theme);
}

/* The form's box: the panel and menu's place, or less for a short form. */
static void
draw_form_fit(struct tui *t)
{
	struct tui_rect r = t->geom.form;
	int body = 0;

	for (int i = 0; i < t->form.nf; i++)
		body |= t->form.f[i].spec->kind == FIELD_BODY;
	if (!body && t->form.nf + DRAW_FORM_CHROME < r.h)
		r.h = t->form.nf + DRAW_FORM_CHROME;
	tui_layout_fit(&t->win.form, &r);
}

/* The main screen: panel and menu (or the module's view in their place,
 * or in the panel's), transcript, and a form over the first two. */
static void
draw_main(struct tui *t)
{
	const struct tui_module *m = t->cfg->mod;
	struct cert_view cv;
	int cy, cx;

	if (tui_view_shown(t)) {
		tui_view_draw(t);
		wnoutrefresh(t->win.view);
	} else {
		tui_cert_view_of(&cv, &t->conn, time(NULL));
		tui_cert_draw(t->win.cert, &cv, &t->theme);
		wnoutrefresh(t->win.cert);
	}
	if (!tui_view_shown(t) || tui_view_beside_menu(t)) {
		tui_menu_draw(t->win.menu, &t->menu, m, m->state(t->conn.mod_st),
		              tui_conn_is_up(&t->conn), &t->theme);
		wnoutrefresh(t->win.menu);
	}
	tui_transcript_draw(t->win.transcript, &t->tr, &t->theme);
	wnoutrefresh(t->win.transcript);
	if (tui_form_is_open(&t->form)) {
		draw_form_fit(t);
		tui_form_draw(t->win.form, &t->form, &t->theme, &cy, &cx);
		wmove(t->win.form, cy, cx);
		wnoutrefresh(t->win.form);
	}
}

/* A terminal too small for the layout. */
static void
draw_tiny(struct tui *t)
{
	WINDOW *w = t->win.page;

	werase(w);
	mvwprintw(w, 0, 0, "%.*s", getmaxx(w), "seal: enlarge the terminal");
	mvwprintw(w, 1, 0, "(%dx%d or more); q quits", TUI_MIN_COLS, TUI_MIN_ROWS);
	wnoutrefresh(w);
	doupdate();
}

void
tui_draw(struct tui *t)
{
	int form = tui_form_is_open(&t->form) && t->view == VIEW_MAIN && t->dialog == DLG_NONE;

	wnoutrefresh(stdscr);           /* stdscr stays untouched: wget_wch never repaints it */
	if (t->geom.tiny) {
		draw_tiny(t);
		return;
	}
	tui_status_draw_title(t->win.title, &t->conn, t->cfg->url, &t->theme);
	draw_status(t);
	wnoutrefresh(t->win.title);
	if (t->view == VIEW_PAGE) {
		tui_pager_draw(t->win.page, &t->pager, &t->theme);
		wnoutrefresh(t->win.page);
	} else {
		draw_main(t);
	}
	if (t->view == VIEW_MAIN && t->conn.phase == CP_PIN_WAIT)
		draw_pin_warning(t);
	if (t->dialog != DLG_NONE)
		draw_confirm(t);
	wnoutrefresh(t->win.status);
	if (form)
		wnoutrefresh(t->win.form);      /* the last one refreshed places the cursor */
	curs_set(form ? 1 : 0);
	doupdate();
}
