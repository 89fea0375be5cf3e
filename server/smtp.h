/*
 * smtp.h: the SMTP submission session shared by smtp.c (commands and
 * states), smtp_auth.c (AUTH PLAIN/LOGIN) and smtp_data.c (DATA and
 * delivery). Worker thread only, like the connection that holds it.
 */
#ifndef SEALED_SMTP_H
#define SEALED_SMTP_H

#include <stddef.h>

#include "bytebuf.h"
#include "conn.h"
#include "server_defaults.h"

#define SMTP_STATES(X) \
	X(GREETED) X(READY) X(MAIL) X(RCPT) X(DATA) X(AUTH_PLAIN) \
	X(AUTH_LOGIN_USER) X(AUTH_LOGIN_PASS) X(BUSY)
#define SMTP_AS_ENUM(s) SMTP_##s,
enum smtp_state { SMTP_STATES(SMTP_AS_ENUM) };

struct maildir_msg;

struct smtp_rcpt {
	char user[USER_NAME_MAX + 1];
};

struct smtp {
	enum smtp_state     state;
	int                 authenticated;
	int                 auth_failures;
	int                 bad_commands;
	int                 commands;
	unsigned            txn;                 /* transactions so far */
	char                helo[SMTP_MAX_HELO + 1];
	char                login_user[USER_NAME_MAX + 1]; /* AUTH LOGIN, between steps */
	char                from[SMTP_MAX_ADDRESS + 1];
	struct smtp_rcpt   *rcpts;
	size_t              nrcpts;
	/* DATA */
	struct maildir_msg *msg;
	struct bytebuf      headers;             /* header section held back */
	int                 in_body;
	long                size;                /* message bytes received */
	int                 too_big, line_too_long, write_errno;
	char                queue_id[32];
	char                deferred[160];       /* a reply sent after a delay */
};

/* smtp.c */
void smtp_set_state(struct conn *, struct smtp *, enum smtp_state);
void smtp_reset_txn(struct conn *, struct smtp *);

/* smtp_auth.c */
int  smtp_cmd_auth(struct conn *, struct smtp *, char *args);
int  smtp_auth_line(struct conn *, struct smtp *, char *line);

/* smtp_data.c */
int  smtp_cmd_data(struct conn *, struct smtp *, char *args);
int  smtp_data_line(struct conn *, struct smtp *, char *line, size_t len);
void smtp_data_overflow(struct smtp *);
void smtp_data_abort(struct smtp *);

#endif
