/*
 * smtp_menu.h: the SMTP module of the TUI (see tui_module.h): the menu
 * (Compose, EHLO, AUTH, MAIL FROM, RCPT TO, DATA, RSET, NOOP, HELP, QUIT),
 * its forms, the session's states as the client sees them from the replies,
 * and the lines each item sends (Compose: MAIL, each RCPT, DATA, the
 * dot-stuffed message, "."). Pure: no I/O, no screen. Main thread.
 */
#ifndef SEAL_SMTP_MENU_H
#define SEAL_SMTP_MENU_H

#include "defaults.h"
#include "tui_module.h"

#define SMTP_MENU_VERB_MAX 16

#define SMTP_MENU_STATES(X) \
	X(CONNECTED) X(GREETED) X(READY) X(AUTHED) X(MAIL) X(RCPT) X(BODY) X(CLOSING)
#define SMTP_MENU_AS_ENUM(s) SM_##s,
enum smtp_menu_state { SMTP_MENU_STATES(SMTP_MENU_AS_ENUM) SM_STATE_COUNT };

/* The menu, in order; the values index smtp_menu_module.items. */
enum smtp_menu_item {
	SMI_COMPOSE, SMI_EHLO, SMI_AUTH, SMI_MAIL, SMI_RCPT, SMI_DATA,
	SMI_RSET, SMI_NOOP, SMI_HELP, SMI_QUIT, SMI_COUNT
};

struct smtp_menu {
	enum smtp_menu_state st;
	int  authed;
	int  composing;          /* a Compose is under way: its queue holds the text */
	int  body_prompt;        /* DATA from the menu got 354: ask for the text */
	int  rcpts;              /* recipients accepted in this transaction */
	char verb[SMTP_MENU_VERB_MAX];      /* of the command awaiting its reply */
	char user[USER_NAME_MAX + 1];       /* logged in */
	char pending[USER_NAME_MAX + 1];    /* being logged in */
	char domain[SMTP_MAX_HELO + 1];     /* the greeting's domain (220 DOMAIN ...), or "" */
};

extern const struct tui_module smtp_menu_module;

/* The name of state S ("AUTHED"), for logs and tests. */
const char *smtp_menu_state_id(enum smtp_menu_state s);

#endif
