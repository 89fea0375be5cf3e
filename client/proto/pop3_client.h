/*
 * pop3_client.h: the client side of POP3 for seal (batch mode now, the TUI
 * later): reply completion (RFC 1939: one "+OK"/"-ERR" line, or, for a +OK
 * to CAPA, LIST, UIDL, RETR, TOP and a bare AUTH, lines up to a lone "."),
 * secrets masked in the transcript (PASS, an AUTH initial response, the line
 * answering a "+ " continuation), the automatic login (USER, PASS) and a
 * refused login (a -ERR to PASS or AUTH). Also the helpers a screen needs to
 * show a reply: status of a line, multi-line commands, byte-unstuffing.
 * No I/O: it only sees lines. State is per connection; one thread.
 */
#ifndef SEAL_POP3_CLIENT_H
#define SEAL_POP3_CLIENT_H

#include "proto.h"

#define POP3_CLIENT_TEXT_MAX 512

enum pop3_status {
	POP3_STATUS_OK,          /* "+OK ..." */
	POP3_STATUS_ERR,         /* "-ERR ..." */
	POP3_STATUS_CONT,        /* "+ ..." (SASL continuation, RFC 5034) */
	POP3_STATUS_OTHER        /* not a status line */
};

struct pop3_client {
	enum pop3_status status;     /* of the last status line */
	int  expect_multi;           /* a +OK to the command sent has more lines */
	int  in_multi;               /* reading those lines, until "." */
	int  in_auth;                /* PASS or AUTH sent: its -ERR refuses the login */
	int  challenge;              /* "+ " came: the next line is a secret */
	int  quit_sent;
	int  login_step;
	int  auth_failed;
	char text[POP3_CLIENT_TEXT_MAX];       /* text of the last status line */
	char fail_text[POP3_CLIENT_TEXT_MAX];  /* server text of a refused login */
	char shown[PROTO_LINE_MAX];            /* a masked command for the transcript */
};

extern const struct client_proto pop3_client_proto;

/* The status of reply line LINE; *TEXT (may be NULL) gets the text after
 * the status word ("" when none). */
enum pop3_status pop3_client_status(const char *line, const char **text);

/* 1 when a +OK to command LINE is followed by lines up to ".": CAPA, LIST
 * and UIDL without argument, RETR, TOP, AUTH without argument. */
int pop3_client_multiline(const char *line);

/* A line of a multi-line reply as the message had it: *OUT is LINE without
 * the stuffed leading '.' (RFC 1939 3). Returns 1 when LINE is the "." that
 * ends the reply, else 0. */
int pop3_client_unstuff(const char *line, const char **out);

#endif
