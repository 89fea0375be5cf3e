/*
 * tui_module.h: what a protocol gives the TUI, so that the screen code knows
 * no protocol: its menu (items, hotkeys, which are in order in which state),
 * the forms of the items that take arguments, the names of its states, and
 * the lines an item sends. The wire rules (reply completion, masking of
 * secrets, the automatic login) come from the protocol's struct client_proto.
 * POP3 and RTSP join by adding a module and a line in tui_module.c. A
 * module's state is one block of state_size bytes per connection, touched
 * only through these functions. Optional hooks (NULL when unused) let a
 * module fold long replies in the transcript, send lines of its own after
 * a reply, free what its state holds, and show a view of its own (POP3's
 * mailbox) in place of the certificate panel and the menu. Main thread.
 */
#ifndef SEAL_TUI_MODULE_H
#define SEAL_TUI_MODULE_H

#include <stddef.h>

#include "options.h"
#include "proto.h"
#include "tui_curses.h"
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
struct tui_theme;

/* A view of the module's own (POP3: the mailbox list), drawn over the
 * certificate panel and the menu with the transcript still in view. Tab
 * switches between it and the menu; while it is shown its keys come
 * before the TUI's (it leaves q, ?, v, r and the menu's hotkeys alone). */
struct module_view {
	const char        *tab_key;   /* the status line's "Tab mailbox" */
	const char *const *keys;      /* the status line's keys while shown; NULL-ended */
	const char *const *help;      /* lines for the help page; NULL-ended */
	const char        *absent;    /* what Tab says while it is not available */

	/* 1 while there is something to show (POP3: logged in). */
	int  (*available)(const void *st);
	/* 1, once, when the view should come up by itself (after a login). */
	int  (*raise)(void *st);
	/* One key while shown in a window HEIGHT rows tall; lines to send go
	 * onto Q, a one-line message into NOTICE. 1 when the key was the
	 * view's, 0 to leave it to the TUI. Only called while connected. */
	int  (*key)(void *st, int ch, int keycode, int height, struct tui_queue *q,
	            char *notice, size_t nlen);
	/* Paints the view into W (boxed). */
	void (*draw)(WINDOW *w, void *st, const struct tui_theme *th);
	/* A page to open now (POP3: a retrieved message): 1, once, with its
	 * title and text (owned by the module, valid until its next call). */
	int  (*page)(void *st, const char **title, const char **text);
};

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

	/* Optional. Frees what the state holds, before it is freed or
	 * initialised again. */
	void (*fini)(void *st);
	/* Optional (all shown). One server line before the transcript gets
	 * it: 1 to show it, 0 to leave it out; a note written into NOTE is
	 * shown before it ("(40 more lines)"). */
	int  (*on_line)(void *st, const char *line, char *note, size_t notelen);
	/* Optional. After each whole reply: lines the module sends by itself
	 * (POP3: the mailbox fetch) onto Q. 0, or -1 when out of memory. */
	int  (*follow_up)(void *st, struct tui_queue *q);
	/* Optional. What q asks while in_transaction() (NULL: the TUI's own
	 * question, "quitting abandons it"). */
	const char *(*quit_question)(const void *st);
	/* Optional: the module's own view. */
	const struct module_view *view;
};

/* The TUI module for SCHEME, or NULL when the TUI does not speak it yet. */
const struct tui_module *tui_module_find(enum url_scheme scheme);

#endif
