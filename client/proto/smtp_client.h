/*
 * smtp_client.h: the client side of SMTP submission for seal: reply
 * completion (RFC 5321 4.2: "250-" lines continue, "250 " ends), the DATA
 * body (after 354, lines go unanswered until "."), AUTH secrets masked in
 * the transcript (initial responses, and lines answering a 334 challenge),
 * and the automatic login (EHLO, AUTH PLAIN). No I/O: it only sees lines.
 */
#ifndef SEAL_SMTP_CLIENT_H
#define SEAL_SMTP_CLIENT_H

#include "proto.h"

#define SMTP_CLIENT_TEXT_MAX  512
#define SMTP_CODE_DATA_GO     354
#define SMTP_CODE_CHALLENGE   334
#define SMTP_CODE_AUTH_FAILED 535

struct smtp_client {
	int  code;          /* of the reply being read, then of the last whole one */
	int  await_data;    /* DATA sent, its reply not yet read */
	int  in_body;       /* 354 came: lines go out unanswered until "." */
	int  in_auth;       /* an AUTH exchange is under way */
	int  challenge;     /* the last reply was 334: the next line is a secret */
	int  quit_sent;
	int  login_step;
	int  auth_failed;
	char text[SMTP_CLIENT_TEXT_MAX];       /* text of the last reply line */
	char fail_text[SMTP_CLIENT_TEXT_MAX];  /* server text of a refused login */
	char shown[PROTO_LINE_MAX];            /* a masked command for the transcript */
};

extern const struct client_proto smtp_client_proto;

/* Splits a reply line: "250-text" (more to come), "250 text" or "250" (the
 * last). 0 with *CODE, *LAST and *TEXT (into LINE) set, or -1 when LINE is
 * not a reply line. */
int smtp_client_parse(const char *line, int *code, int *last, const char **text);

#endif
