/*
 * load_pop3.h: seal-load's pop3 mode, a driver of load_client.h: the
 * greeting, USER and PASS (the user of client N from --user, see
 * load_run_user), STAT, LIST, then RETR of every message, each body checked
 * as it streams (byte-stuffing undone, its octets counted against LIST and
 * the "+OK N octets" line, the final "." required), then QUIT and the
 * server's close (which releases the maildrop lock for the next session).
 * Counts messages, octets and the time from each RETR to its "." in the
 * run's stats. The state of a client belongs to its event-loop thread.
 */
#ifndef SEAL_LOAD_POP3_H
#define SEAL_LOAD_POP3_H

#include <stddef.h>
#include <stdint.h>

#include "load_client.h"

extern const struct load_driver load_pop3_driver;

/* A RETR body as it streams (RFC 1939 3: lines end in CRLF, a line that
 * begins with "." has another put in front, ".\r\n" ends the reply). */
struct load_pop3_body {
	uint64_t octets;        /* of the message so far: stuffing removed, CRLFs counted */
	int      line_start;    /* the next byte begins a line */
};

enum load_body_rc {
	LOAD_BODY_MORE,         /* everything consumed may be dropped: feed more */
	LOAD_BODY_END,          /* the final ".\r\n" was consumed */
	LOAD_BODY_BAD           /* a line begins with a lone "." that is not the end */
};

/* Fresh state for a body. */
void load_pop3_body_init(struct load_pop3_body *b);

/* Scans LEN bytes at P. *USED gets the bytes consumed: all of them, except
 * with LOAD_BODY_END (the bytes after the final line are the next reply's)
 * and when P ends within 3 bytes of a line that begins with "." (judged
 * once more bytes come: feed them again, followed by the rest). */
enum load_body_rc load_pop3_body_scan(struct load_pop3_body *b, const char *p, size_t len,
                                      size_t *used);

#endif
