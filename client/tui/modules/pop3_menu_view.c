/*
 * pop3_menu_view.c: the POP3 module's view, the mailbox (see pop3_menu.h
 * and tui_module.h's struct module_view): what its frame says, its keys
 * (moving, Enter to retrieve, d to mark, y to confirm an RSET) and the
 * pages it hands the viewer. Keys change state and queue lines; only
 * pm_view_draw() draws. Main thread.
 */
#include "pop3_menu.h"
#include "tui_curses.h"

#include <stdio.h>
#include <string.h>

#define PMV_LINE_MAX 64

static const char *const pmv_keys[] = {
	"Enter read", "d delete", "Tab menu", "F1/? help", "q quit", "m refresh",
	"PgUp/PgDn page", NULL
};

static const char *const pmv_help[] = {
	"Mailbox (Tab switches between it and the menu)",
	"  Up, Down         choose a message; PgUp, PgDn, Home, End move by pages",
	"  Enter            retrieve it (RETR) and read it in the viewer: headers, then the body",
	"  d                mark it for deletion (DELE): the server deletes it at QUIT",
	"  d on a marked    asks for RSET: POP3 cannot unmark one message, RSET unmarks them all",
	"  m                the list again: LIST, then TOP n 0 for headers not fetched yet",
	"  Menu letters work here too; Tab to the menu to scroll the transcript.",
	"",
	NULL
};

/* The frame's title: the user, the count, the octets, the fetch, and
 * whether the list was cut. */
static void
pmv_title(struct pop3_menu *m)
{
	size_t n = pop3_mailbox_count(&m->mb), left = 0;
	char size[MB_SIZE_TEXT], fetch[POP3_MENU_TEXT_MAX] = "", cut[POP3_MENU_TEXT_MAX] = "";

	if (!m->mb.listed) {
		snprintf(m->view_title, sizeof m->view_title, " Mailbox of %s ", m->user);
		return;
	}
	for (size_t i = 0; i < n; i++)
		left += m->mb.e[i].hdr == MB_HDR_NONE && !m->mb.e[i].marked;
	if (left > 0)
		snprintf(fetch, sizeof fetch, ", reading headers (%zu to go)", left);
	if (m->mb.cut > 0)
		snprintf(cut, sizeof cut, " (list cut: %zu more not shown)", m->mb.cut);
	pop3_mailbox_size_text(pop3_mailbox_octets(&m->mb), size, sizeof size);
	snprintf(m->view_title, sizeof m->view_title, " Mailbox of %s: %zu message%s%s, %s "
	         "octets%s ", m->user, n, n == 1 ? "" : "s", cut, size, fetch);
}

void
pop3_menu_view_look(struct pop3_menu *m, struct mb_look *look)
{
	size_t marked = pop3_mailbox_marked(&m->mb);

	pmv_title(m);
	look->title = m->view_title;
	look->empty = m->mb.listed ? "no messages: the maildrop is empty" :
	              "asking the server for the list (LIST)...";
	look->keys = " Enter read  d mark for deletion  m refresh  Tab menu ";
	look->info = NULL;
	look->info_role = ROLE_WARN;
	if (m->mb.confirm_rset) {
		snprintf(m->view_info, sizeof m->view_info, "RSET unmarks ALL %zu (POP3 cannot "
		         "unmark one)  y: send RSET  other key: keep", marked);
		look->info_role = ROLE_ALERT;
	} else if (marked > 0) {
		snprintf(m->view_info, sizeof m->view_info, "D: %zu marked for deletion, QUIT "
		         "deletes %s. Undo: RSET unmarks all (d or z)", marked,
		         marked == 1 ? "it" : "them");
	} else {
		return;
	}
	look->info = m->view_info;
}

static int
pmv_available(const void *st)
{
	return ((const struct pop3_menu *)st)->st == PM_TRANSACTION;
}

static int
pmv_raise(void *st)
{
	struct pop3_menu *m = st;
	int r = m->raise;

	m->raise = 0;
	return r;
}

/* Moving keys in a list of ROWS rows: 1 when KEY was one. */
static int
pmv_move(struct pop3_menu *m, int key, int rows)
{
	long page = rows > 1 ? rows - 1 : 1;

	if (key == KEY_UP)
		pop3_mailbox_move(&m->mb, -1);
	else if (key == KEY_DOWN)
		pop3_mailbox_move(&m->mb, 1);
	else if (key == KEY_PPAGE)
		pop3_mailbox_move(&m->mb, -page);
	else if (key == KEY_NPAGE)
		pop3_mailbox_move(&m->mb, page);
	else if (TUI_IS_HOME(key))
		pop3_mailbox_move(&m->mb, -(long)m->mb.n);
	else if (TUI_IS_END(key))
		pop3_mailbox_move(&m->mb, (long)m->mb.n);
	else
		return 0;
	return 1;
}

/* Enter: RETR the selected message. */
static void
pmv_open(struct pop3_menu *m, struct tui_queue *q, char *notice, size_t nlen)
{
	struct mb_entry *e = pop3_mailbox_selected(&m->mb);
	char line[PMV_LINE_MAX];

	if (e == NULL) {
		snprintf(notice, nlen, "no message to read");
	} else if (e->marked) {
		snprintf(notice, nlen, "message %lu is marked for deletion: the server will not "
		         "retrieve it (RSET unmarks all)", e->num);
	} else {
		snprintf(line, sizeof line, "RETR %lu", e->num);
		if (tui_queue_push(q, line, 0) == -1)
			snprintf(notice, nlen, "out of memory");
	}
}

/* d: DELE the selected message, or ask about RSET when it is marked. */
static void
pmv_delete(struct pop3_menu *m, struct tui_queue *q, char *notice, size_t nlen)
{
	struct mb_entry *e = pop3_mailbox_selected(&m->mb);
	char line[PMV_LINE_MAX];

	if (e == NULL) {
		snprintf(notice, nlen, "no message to mark");
	} else if (e->marked) {
		m->mb.confirm_rset = 1;
	} else {
		snprintf(line, sizeof line, "DELE %lu", e->num);
		if (tui_queue_push(q, line, 0) == -1)
			snprintf(notice, nlen, "out of memory");
	}
}

/* The key after "RSET unmarks all": y sends it, anything else keeps. */
static void
pmv_confirm(struct pop3_menu *m, int ch, int keycode, struct tui_queue *q, char *notice,
            size_t nlen)
{
	size_t marked = pop3_mailbox_marked(&m->mb);

	m->mb.confirm_rset = 0;
	if (!keycode && (ch == 'y' || ch == 'Y') && tui_queue_push(q, "RSET", 0) == 0)
		snprintf(notice, nlen, "RSET sent: it unmarks every message marked for deletion");
	else
		snprintf(notice, nlen, "kept: %zu message%s still marked for deletion", marked,
		         marked == 1 ? "" : "s");
}

static int
pmv_key(void *st, int ch, int keycode, int height, struct tui_queue *q, char *notice,
        size_t nlen)
{
	struct pop3_menu *m = st;
	struct mb_look look;

	if (m->mb.confirm_rset) {
		pmv_confirm(m, ch, keycode, q, notice, nlen);
		return 1;
	}
	pop3_menu_view_look(m, &look);
	if (keycode && pmv_move(m, ch, pop3_mailbox_list_rows(height, look.info != NULL)))
		return 1;
	if ((keycode && ch == KEY_ENTER) || (!keycode && (ch == '\n' || ch == '\r'))) {
		pmv_open(m, q, notice, nlen);
		return 1;
	}
	if (!keycode && ch == 'd') {
		pmv_delete(m, q, notice, nlen);
		return 1;
	}
	return 0;
}

static void
pmv_draw(WINDOW *w, void *st, const struct tui_theme *th)
{
	struct pop3_menu *m = st;
	struct mb_look look;

	pop3_menu_view_look(m, &look);
	pop3_mailbox_draw(w, &m->mb, &look, th);
}

static int
pmv_page(void *st, const char **title, const char **text)
{
	struct pop3_menu *m = st;

	if (!m->page_ready)
		return 0;
	m->page_ready = 0;
	*title = m->page_title;
	*text = pop3_mailbox_text(&m->text);
	return 1;
}

const struct module_view pop3_menu_view = {
	.tab_key   = "Tab mailbox",
	.keys      = pmv_keys,
	.help      = pmv_help,
	.absent    = "the mailbox comes once you are logged in",
	.available = pmv_available,
	.raise     = pmv_raise,
	.key       = pmv_key,
	.draw      = pmv_draw,
	.page      = pmv_page,
};
