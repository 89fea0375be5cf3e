/*
 * pop3.h: the POP3 session (RFC 1939, 2449, 5034) shared by pop3.c (states,
 * command table, pipelined lines held during a long reply, the service
 * callbacks), pop3_auth.c (USER/PASS, AUTH PLAIN, locking and scanning the
 * maildrop), pop3_cmd.c (the TRANSACTION commands and QUIT's UPDATE) and
 * pop3_stream.c (RETR, TOP and the LIST/UIDL listings, sent in bounded
 * pieces as output drains). Worker thread only, like the connection that
 * holds it.
 */
#ifndef SEALED_POP3_H
#define SEALED_POP3_H

#include <stddef.h>

#include "bytebuf.h"
#include "conn.h"
#include "server_defaults.h"
#include "pop3_text.h"

#define POP3_STATES(X) \
	X(AUTHORIZATION) X(AUTH_PLAIN) X(BUSY) X(TRANSACTION) X(STREAM) X(UPDATE)
#define POP3_AS_ENUM(s) POP3_##s,
enum pop3_state { POP3_STATES(POP3_AS_ENUM) };

enum pop3_stream_kind {
	POP3_STREAM_RETR,        /* a whole message */
	POP3_STREAM_TOP,         /* its header section and some body lines */
	POP3_STREAM_LIST,        /* "N OCTETS" a message */
	POP3_STREAM_UIDL         /* "N UNIQUE-ID" a message */
};

/* A multi-line reply on its way: state STREAM. */
struct pop3_stream {
	enum pop3_stream_kind kind;
	int                   fd;        /* RETR, TOP: the message file, else -1 */
	unsigned long         num;       /* RETR, TOP: the message; listings: the next */
	struct pop3_text      text;      /* RETR, TOP: the conversion */
	unsigned long long    octets;    /* RETR, TOP: octets read from the file */
};

#define POP3_LIST_ENTRY_MAX (24 + POP3_UID_MAX + 1)   /* "NUM OCTETS" or "NUM UID", NUL */

struct pop3_maildrop;
struct pop3_msg;

struct pop3 {
	enum pop3_state       state;
	int                   auth_failures;
	int                   bad_commands;
	int                   close_after_deferred;
	char                  user[USER_NAME_MAX + 1];   /* from USER, until PASS */
	char                  deferred[160];              /* a reply sent after a delay */
	struct pop3_maildrop *md;                         /* TRANSACTION: the messages */
	struct pop3_stream    stream;
	struct bytebuf        held;                       /* lines that came during STREAM,
	                                                     each NUL-ended, oldest first */
};

/* pop3.c */
void pop3_set_state(struct conn *, struct pop3 *, enum pop3_state);
/* Counts a bad command; -1 (reply sent, close) when there were too many. */
int  pop3_bad_command(struct conn *, struct pop3 *);

/* pop3_auth.c: commands of the AUTHORIZATION state and the AUTH exchange */
int  pop3_cmd_user(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_pass(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_auth(struct conn *, struct pop3 *, char *args);
int  pop3_auth_line(struct conn *, struct pop3 *, char *line);

/* pop3_cmd.c: commands of the TRANSACTION state, and QUIT */
int  pop3_cmd_stat(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_list(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_uidl(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_dele(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_rset(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_quit(struct conn *, struct pop3 *, char *args);
/* The message NUM names for a command, or NULL after a -ERR reply. */
struct pop3_msg *pop3_msg_arg(struct conn *, struct pop3 *, unsigned long num);

/* pop3_stream.c */
int  pop3_cmd_retr(struct conn *, struct pop3 *, char *args);
int  pop3_cmd_top(struct conn *, struct pop3 *, char *args);
/* Starts a LIST or UIDL listing of every message not deleted: its +OK
 * line, then the entries as output drains. */
void pop3_stream_listing(struct conn *, struct pop3 *, enum pop3_stream_kind kind);
/* Message NUM's entry of a LIST ("NUM OCTETS") or UIDL ("NUM UNIQUE-ID")
 * listing, without CRLF, into BUF: the same text in a listing and after
 * "+OK" for one message (RFC 1939). 0, or -1 when LEN is too small. */
int  pop3_listing_entry(enum pop3_stream_kind kind, unsigned long num,
                        const struct pop3_msg *m, char *buf, size_t len);
/* Queues the next pieces of the reply on its way (on_drain). */
void pop3_stream_fill(struct conn *, struct pop3 *);
/* Drops a reply on its way (the connection is closing). */
void pop3_stream_abort(struct conn *, struct pop3 *);

#endif
