/*
 * proto.h: what a protocol's client side tells the dialogue code (batch mode
 * now, the TUI later): when a reply is complete, what a command line does to
 * the dialogue (wait for a reply or not, hide a secret in the transcript),
 * how to log in, how to say goodbye. One table per protocol; the dialogue
 * code knows no protocol and no transport. State belongs to one thread.
 */
#ifndef SEAL_PROTO_H
#define SEAL_PROTO_H

#include <stddef.h>

#include "options.h"

#define PROTO_LINE_MAX 1024     /* a command seal composes itself (login) */

struct client_proto {
	const char *name;            /* "smtp" */
	size_t      state_size;      /* bytes of protocol state the caller allocates */
	const char *quit;            /* the command that ends a session */

	/* Sets up fresh state for a new connection. */
	void (*init)(void *st);

	/* LINE is about to be sent. Returns 1 when a reply must be awaited, 0
	 * when the line goes out unanswered (a message body). *SHOWN is what
	 * the transcript prints: LINE, or a masked copy held in ST. */
	int (*command)(void *st, const char *line, const char **shown);

	/* One line the server sent. Returns 1 when it completes the reply. */
	int (*reply_line)(void *st, const char *line);

	/* The next command of the automatic login as USER with PASS, into OUT;
	 * 1 when there is one, 0 when the login is over (done or refused). */
	int (*login_next)(void *st, const char *user, const char *pass, char *out, size_t len);

	/* 1 while lines go out without replies (SMTP after 354, until "."). */
	int (*in_body)(const void *st);

	/* 1 once the user's input sent the quit command. */
	int (*quit_sent)(const void *st);

	/* The server's text for a refused login, or NULL while none was refused. */
	const char *(*auth_failure)(const void *st);
};

/* The client side of the protocol behind SCHEME, or NULL when seal does not
 * speak it in batch mode yet. */
const struct client_proto *proto_find(enum url_scheme scheme);

/* "AUTH PLAIN base64(\0USER\0PASS)" into OUT: the command with its initial
 * response, the same in SMTP (RFC 4954) and POP3 (RFC 5034), encoded by
 * sasl_plain_encode; the work buffer is wiped. 0, or -1 (OUT wiped) when
 * USER is over USER_NAME_MAX, PASS over PASSWORD_MAX or the line over LEN. */
int proto_auth_plain(const char *user, const char *pass, char *out, size_t len);

#endif
