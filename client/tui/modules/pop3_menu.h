/*
 * pop3_menu.h: the POP3 module of the TUI (see tui_module.h): the menu
 * (USER/PASS and AUTH PLAIN login forms, Mailbox, STAT, LIST, UIDL, RETR,
 * TOP, DELE, RSET, NOOP, QUIT), the session's states as the client sees
 * them from the replies, the lines each item sends, and the folding of long
 * replies in the transcript (a few lines, then "(N more lines)"). Its view
 * is the mailbox (pop3_mailbox.h): after the login it sends LIST, then
 * TOP n 0 for each message, one at a time, for From, Subject and Date;
 * Enter retrieves a message into the viewer; d marks one for deletion
 * (DELE), and on a marked one offers RSET, which unmarks them all. The
 * view's keys and drawing are in pop3_menu_view.c. Pure but for drawing.
 * Main thread.
 */
#ifndef SEAL_POP3_MENU_H
#define SEAL_POP3_MENU_H

#include "defaults.h"
#include "pop3_client.h"
#include "pop3_mailbox.h"
#include "tui_module.h"

#define POP3_MENU_VERB_MAX 8
#define POP3_MENU_TEXT_MAX 256

#define POP3_MENU_STATES(X) X(CONNECTED) X(AUTHORIZATION) X(USER_OK) X(TRANSACTION) X(CLOSING)
#define POP3_MENU_AS_ENUM(s) PM_##s,
enum pop3_menu_state { POP3_MENU_STATES(POP3_MENU_AS_ENUM) PM_STATE_COUNT };

/* The menu, in order; the values index pop3_menu_module.items. */
enum pop3_menu_item {
	PMI_LOGIN, PMI_AUTH, PMI_MAILBOX, PMI_STAT, PMI_LIST, PMI_UIDL, PMI_RETR, PMI_TOP,
	PMI_DELE, PMI_RSET, PMI_NOOP, PMI_QUIT, PMI_COUNT
};

/* The command awaiting its reply. */
struct pop3_menu_cmd {
	char          verb[POP3_MENU_VERB_MAX];   /* "RETR", upper case */
	unsigned long num, lines;                 /* its numeric arguments */
	int           nargs;                      /* how many there were */
	int           multi;                      /* a +OK brings lines up to "." */
	int           fetch;                      /* the mailbox fetch sent it */
};

struct pop3_menu {
	enum pop3_menu_state st;
	struct pop3_menu_cmd cmd;
	enum pop3_status     status;          /* of the reply's first line */
	int                  in_body;         /* reading its lines up to "." */
	size_t               body_lines;
	int                  want_list;       /* LIST, now that we are logged in */
	char                 fetch_line[PROTO_LINE_MAX];   /* queued by the fetch, unsent */
	int                  fetch_sent;      /* the fetch awaits its reply */
	int                  raise;           /* the mailbox should come up */
	int                  page_ready;      /* text holds a message for the viewer */
	unsigned long        stat_count;      /* from STAT, before any LIST */
	int                  stat_known;
	struct mailbox       mb;
	struct mailhdr       hdr;             /* of the message being received */
	struct mb_text       text;            /* of the message for the viewer */
	char user[USER_NAME_MAX + 1];         /* logged in */
	char pending[USER_NAME_MAX + 1];      /* being logged in */
	char name[POP3_MENU_TEXT_MAX];        /* the state in words */
	char question[POP3_MENU_TEXT_MAX];    /* what q asks */
	char page_title[POP3_MENU_TEXT_MAX];
	char view_title[POP3_MENU_TEXT_MAX];
	char view_info[POP3_MENU_TEXT_MAX];
};

extern const struct tui_module pop3_menu_module;
extern const struct module_view pop3_menu_view;

/* The name of state S ("TRANSACTION"), for logs and tests. */
const char *pop3_menu_state_id(enum pop3_menu_state s);

/* What the mailbox view draws around the list now (texts kept in M). */
void pop3_menu_view_look(struct pop3_menu *m, struct mb_look *look);

#endif
