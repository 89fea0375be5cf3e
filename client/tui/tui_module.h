/*
 * tui_module.h: what a protocol gives the TUI, so that the screen code knows
 * no protocol: its menu (items, hotkeys, which are in order in which state),
 * the forms of the items that take arguments, the names of its states, and
 * the lines an item sends. The wire rules (reply completion, masking of
 * secrets, the automatic login) come from the protocol's struct client_proto.
 * POP3 and RTSP join by adding a module and a line in modules/modules.c. A
 * module's state is one block of state_size bytes per connection, touched
 * only through these functions. Optional hooks (NULL when unused) let a
 * module fold long replies in the transcript, send lines of its own after
 * a reply, free what its state holds, learn what the TUI was started with
 * (the URL, --output), show a view of its own (POP3's mailbox, RTSP's
 * player) in place of the certificate panel and the menu or beside the
 * menu, and speak bytes instead of lines (RTSP: responses with bodies and
 * binary interleaved frames between them). Main thread.
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

/* What the TUI knows that a form (and a module's configure()) may start from. */
struct tui_facts {
	const char *user;            /* logged in, or given with --user; or NULL */
	const char *host;            /* the URL's host */
	const char *url;             /* as requests name it: "rtsps://host:port/path" */
	const char *output;          /* --output FILE, or NULL */
	const char *audio_device;    /* the ALSA device to play to, or NULL (--no-audio) */
	unsigned    buffer_ms;       /* --buffer */
};

struct form;
struct tui_theme;

/* A view of the module's own (POP3: the mailbox list), drawn over the
 * certificate panel and the menu with the transcript still in view (with
 * beside_menu, over the panel only: the menu stays, RTSP's player). Tab
 * switches between it and the menu; while it is shown its keys come
 * before the TUI's (it leaves q, ?, v, r and the menu's hotkeys alone). */
struct module_view {
	const char        *tab_key;   /* the status line's "Tab mailbox" */
	int                beside_menu;   /* in the certificate panel's place only */
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

/* What a bytes module's next() hands back. */
enum raw_kind {
	RAW_NONE,        /* nothing whole yet: read more */
	RAW_LINE,        /* *TEXT: a server line for the transcript */
	RAW_END,         /* a whole reply came; *TEXT is its status line (already shown) */
	RAW_NOTE,        /* *TEXT: the module's own note for the transcript */
	RAW_ERROR        /* the stream cannot be read further; *TEXT says why */
};

/* A module whose protocol is bytes, not lines (RTSP: requests of several
 * lines, responses with a body, binary frames between them). The
 * connection then moves bytes: a queued line becomes, when its turn comes,
 * the request that request() builds then (so it carries the state of that
 * moment); what arrives goes to input(), and next() hands back what the
 * transcript shows and where each reply ends. The wire's command() and
 * reply_line() are not used. The server speaks only when spoken to (no
 * greeting); the automatic login gives its credentials to login() once the
 * session is up; quitting while in_transaction() sends the wire's quit. */
struct module_bytes {
	/* The request queued as LINE, into OUT (LEN bytes), and its transcript
	 * form (lines, secrets masked) into SHOWN. Its length (0: nothing to
	 * send); -1 when it cannot be built, with the reason in SHOWN. */
	int  (*request)(void *st, const char *line, char *out, size_t len, char *shown,
	                size_t slen);
	/* LEN bytes arrived. 0, or -1 when out of memory. */
	int  (*input)(void *st, const void *data, size_t len);
	/* The next thing for the transcript (enum raw_kind); *TEXT stays valid
	 * until the next call. What is not for the transcript (audio) the
	 * module takes itself. */
	enum raw_kind (*next)(void *st, const char **text);
	/* The credentials of --user and --password-file (copied, not kept). */
	void (*login)(void *st, const char *user, const char *pass);
	/* Optional. Each turn of the loop while connected (at least every
	 * TUI_TICK_MS): the module's timers (RTSP: keep-alives, the pace of
	 * its meters); lines to send onto Q. 0, or -1 when out of memory. */
	int  (*tick)(void *st, long long now_ms, struct tui_queue *q);
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
	/* Optional. What the TUI was started with, after each init(). */
	void (*configure)(void *st, const struct tui_facts *facts);
	/* Optional: the protocol is bytes, not lines. */
	const struct module_bytes *bytes;
};

#endif
