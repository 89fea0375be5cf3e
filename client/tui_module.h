/*
 * tui_module.h: what a protocol gives the TUI, so that the screen code knows
 * no protocol: its menu (items, hotkeys, which are in order in which state),
 * the forms of the items that take arguments, the names of its states, and
 * the lines an item sends. The wire rules (reply completion, masking of
 * secrets, the automatic login) come from the protocol's struct client_proto.
 * POP3 and RTSP join by adding a module and a line in tui_module.c. A
 * module's state is one block of state_size bytes per connection, touched
 * only through these functions. Main thread.
 */
#ifndef SEAL_TUI_MODULE_H
#define SEAL_TUI_MODULE_H

#include <stddef.h>

#include "options.h"
#include "proto.h"
#include "tui_queue.h"

#define MENU_NONE (-1)           /* no item */

enum field_kind {
	FIELD_TEXT,                  /* one line */
	FIELD_SECRET,                /* one line, drawn masked, wiped after use */
	FIELD_BODY                   /* several lines: the rest of the form */
};

struct field_spec {
	const char     *label;       /* "User" */
	enum field_kind kind;
	size_t          max;         /* bytes */
	const char     *hint;        /* one line shown while it has the focus, or NULL */
};

struct form_spec {
	const char              *title;
	const struct field_spec *fields;
	int                      nfields;   /* at most TUI_FORM_FIELDS_MAX; a BODY last */
};

struct menu_item {
	int                     hotkey;     /* a lower-case letter not used by tui_keys */
	const char             *label;      /* "MAIL FROM" */
	const char             *help;       /* one line for the help screen */
	const struct form_spec *form;       /* its arguments, or NULL */
	unsigned                in_order;   /* state bits (see state()) where it is in order */
};

/* What the TUI knows that a form may start from. */
struct tui_facts {
	const char *user;            /* logged in, or given with --user; or NULL */
	const char *host;            /* the URL's host */
};

struct form;

struct tui_module {
	const char                *title;     /* "SMTP" */
	const struct client_proto *wire;
	const struct menu_item    *items;
	int                        nitems;
	size_t                     state_size;

	/* Fresh state for a new connection. */
	void (*init)(void *st);
	/* A line that awaits a reply went out; SHOWN is its transcript form. */
	void (*on_command)(void *st, const char *shown);
	/* A whole reply came in; LAST is its last line. */
	void (*on_reply)(void *st, const char *last);
	/* The user being logged in by the automatic login. */
	void (*set_user)(void *st, const char *user);

	/* The current state as one bit (for menu_item.in_order) and in words
	 * for the status line ("authenticated, in transaction"). */
	unsigned    (*state)(const void *st);
	const char *(*state_name)(const void *st);
	/* The logged-in user, or NULL. */
	const char *(*user)(const void *st);
	/* 1 while quitting would abandon work (a mail transaction). */
	int         (*in_transaction)(const void *st);

	/* Why ITEM cannot run now at all (SMTP: a command typed while the
	 * server reads message text would become text), or NULL. Items that
	 * are merely out of order are allowed: the server's refusal teaches. */
	const char *(*blocked)(const void *st, int item);
	/* The form item ITEM opens now (NULL: it runs at once). */
	const struct form_spec *(*form_for)(const void *st, int item);
	/* Fills a just-opened form with defaults. */
	void (*prefill)(const void *st, int item, const struct tui_facts *facts, struct form *f);
	/* The lines ITEM sends (F: its form, or NULL), onto Q. 0, or -1 with a
	 * reason in ERR (the form stays open). */
	int  (*build)(void *st, int item, const struct form *f, struct tui_queue *q,
	              char *err, size_t errlen);
	/* An item whose form must open by itself now (SMTP: the body after a
	 * DATA typed from the menu got 354), or MENU_NONE. Consumes the request. */
	int  (*prompt)(void *st);
};

/* The TUI module for SCHEME, or NULL when the TUI does not speak it yet. */
const struct tui_module *tui_module_find(enum url_scheme scheme);

#endif
