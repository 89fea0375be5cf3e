/*
 * tui_help.c: the help page of the TUI: the global keys, the protocol
 * module's menu with its hotkeys and its view's keys, the form keys, what
 * the transcript's colors mean, the pin file and the exit status. Built
 * from the same tables the key handlers use, so it cannot forget a
 * command. Main thread.
 */
#include "tui_pager.h"

#include <stdio.h>
#include <string.h>

#define HELP_LINE_MAX 512
#define HELP_LABEL_COLS 14

static const char *const help_keys[] = {
	"Keys",
	"  F1 or ?          this help (q, Esc or Enter closes it)",
	"  Up, Down         choose a command in the menu; Enter runs it",
	"  a letter         run the menu command with that hotkey",
	"  PgUp, PgDn       scroll the transcript a page",
	"  Home, End        the oldest line; follow the newest again",
	"  F2               time stamps in the transcript on or off",
	"  v                the full certificate report (as seal --show-cert)",
	"  r                reconnect: a new connection, handshake and every check again",
	"  P                only after a pin warning: trust the new certificate, replace the pin",
	"  q                quit (asks first while a transaction is open); Ctrl-C quits at once",
	"",
	NULL
};

static const char *const help_forms[] = {
	"In a form",
	"  Tab, Shift-Tab   next or previous field",
	"  Enter            next field; on the last one-line field: send",
	"  Ctrl-D or F10    send now",
	"  Esc              cancel: nothing is sent",
	"  Left, Right, Home, End, Backspace, Delete, Ctrl-U    edit the field",
	"  Up, Down, PgUp, PgDn     move in a message text (Enter starts a new line)",
	"  Passwords are drawn as stars, never kept in the transcript, wiped once sent.",
	"",
	NULL
};

/* Appends every line of the NULL-terminated list L. */
static int
help_lines(struct pager *p, const char *const *l)
{
	for (; *l != NULL; l++)
		if (tui_pager_add(p, **l ? *l : " ") == -1)
			return -1;
	return 0;
}

/* The module's commands. */
static int
help_menu(struct pager *p, const struct tui_module *mod, const struct tui_glyphs *g)
{
	char line[HELP_LINE_MAX];
	int rc;

	snprintf(line, sizeof line, "%s commands (greyed: out of order now; still allowed, "
	         "the server's refusal is the lesson)", mod->title);
	rc = tui_pager_add(p, line);
	for (int i = 0; i < mod->nitems && rc == 0; i++) {
		const struct menu_item *it = &mod->items[i];
		int pad = HELP_LABEL_COLS - (int)strlen(it->label) - (it->form ? 1 : 0);
		snprintf(line, sizeof line, "  %c  %s%s%*s%s", it->hotkey, it->label,
		         it->form ? g->ellipsis : "", pad > 0 ? pad : 1, "", it->help);
		rc = tui_pager_add(p, line);
	}
	return rc ? rc : tui_pager_add(p, " ");
}

/* Colors, pins and exit status. */
static int
help_rest(struct pager *p, const struct tui_glyphs *g, const char *pins_path)
{
	char line[HELP_LINE_MAX];
	int rc = 0;

	rc |= tui_pager_add(p, "Transcript");
	snprintf(line, sizeof line, "  %s  what seal sent      %s  what the server answered",
	         g->c2s, g->s2c);
	rc |= tui_pager_add(p, line);
	rc |= tui_pager_add(p, "  replies: 2xx and +OK green, 3xx cyan (go on), "
	                    "4xx yellow (try later), 5xx and -ERR red");
	snprintf(line, sizeof line, "  AUTH secrets show as %s; notes from seal are marked %s",
	         CLIENT_MASK, g->note);
	rc |= tui_pager_add(p, line);
	rc |= tui_pager_add(p, " ");
	rc |= tui_pager_add(p, "Certificate pins");
	snprintf(line, sizeof line, "  %s", pins_path[0] ? pins_path : "(no pin file: set HOME)");
	rc |= tui_pager_add(p, line);
	rc |= tui_pager_add(p, "  one line per server: host:port SHA-256-fingerprint. "
	                    "The first trusted connection stores it;");
	rc |= tui_pager_add(p, "  a different certificate later is refused until you press P.");
	rc |= tui_pager_add(p, " ");
	rc |= tui_pager_add(p, "Exit status");
	rc |= tui_pager_add(p, "  0 quit normally; 1 the connection was lost; 3 could not connect;");
	rc |= tui_pager_add(p, "  4 certificate rejected or changed (the reason goes to stderr)");
	return rc ? -1 : 0;
}

int
tui_help_build(struct pager *p, const struct tui_module *mod, const struct tui_glyphs *g,
               const char *pins_path)
{
	if (help_lines(p, help_keys) == -1 || help_menu(p, mod, g) == -1 ||
	    (mod->view != NULL && help_lines(p, mod->view->help) == -1) ||
	    help_lines(p, help_forms) == -1 || help_rest(p, g, pins_path) == -1)
		return -1;
	p->headings = 1;
	return 0;
}
