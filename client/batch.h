/*
 * batch.h: seal's batch mode: the server's greeting, an optional automatic
 * login, then protocol lines from an input stream, each sent and (unless it
 * is message body) answered, with a transcript of "C: " and "S: " lines.
 * Everything it prints goes through text_printf(): server lines hold no
 * control character by the time they reach the terminal. Knows no protocol
 * (struct client_proto) and no transport (struct line_io). One thread.
 */
#ifndef SEAL_BATCH_H
#define SEAL_BATCH_H

#include <stdio.h>

#include "lineio.h"
#include "proto.h"

struct batch_config {
	const struct client_proto *proto;
	const char *user;            /* NULL: no automatic login */
	const char *password;
	const char *peer;            /* "host:port", for messages */
	int         reply_timeout_ms;
	int         utf8;            /* the output keeps UTF-8 (text_locale_utf8) */
};

/* Runs the dialogue over IO with lines from IN; the transcript goes to OUT
 * and at most one "seal: ..." line to ERR. At the end of IN, sends the quit
 * command unless IN did. Returns EXIT_OK, EXIT_AUTH (a login was refused)
 * or EXIT_OTHER (connection closed, reply timed out, input ended inside a
 * message body). */
int batch_run(const struct batch_config *cfg, struct line_io *io, FILE *in, FILE *out,
              FILE *err);

#endif
