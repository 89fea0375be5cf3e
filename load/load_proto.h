/*
 * load_proto.h: what each seal-load mode does after the TLS handshake, as a
 * script of steps {what to send, which reply to expect}, and the reply
 * matcher. The bytes each step sends are prepared once (load.h, run->out).
 * Pure data and pure functions; any thread.
 */
#ifndef SEAL_LOAD_PROTO_H
#define SEAL_LOAD_PROTO_H

#include <stddef.h>

#include "load.h"

/* Expected reply: an SMTP code (100..599), or a POP3 "+OK" line. */
#define LOAD_EXPECT_POP3_OK  1

struct load_step {
	const char     *name;      /* for messages: "greeting", "EHLO", ... */
	enum load_send  send;      /* LOAD_SEND_NONE: only wait for a reply */
	int             expect;
};

/* The steps of O's mode over its URL's scheme, and their number in *N (0 for
 * handshake, and for resume and idle with --no-greeting: nothing to read
 * after the handshake). */
const struct load_step *load_proto_script(const struct load_opts *o, size_t *n);

enum load_reply {
	LOAD_REPLY_MORE,   /* a continuation line ("250-..."): keep reading */
	LOAD_REPLY_OK,     /* the last line of the expected reply */
	LOAD_REPLY_BAD     /* anything else */
};

/* Classifies one reply LINE (LEN bytes, no CRLF) against EXPECT. */
enum load_reply load_proto_reply(const char *line, size_t len, int expect);

#endif
