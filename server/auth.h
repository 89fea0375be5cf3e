/*
 * auth.h: the login check that SMTP AUTH and POP3 USER/PASS and AUTH share:
 * the password check on the job pool (never on an event loop), and the
 * bookkeeping around its result: counters, log lines, the failure throttle
 * per user and per address (whose slow-down the protocol applies with
 * conn_delay before it answers), and the logged-in user of the connection.
 * The per-connection failure count and the wording of replies stay with each
 * protocol. Worker thread of the connection, except the check itself, which
 * runs on a job thread with its own copy of the credentials.
 */
#ifndef SEALED_AUTH_H
#define SEALED_AUTH_H

#include "userdb.h"

struct conn;

/* Called on the connection's worker with the result of auth_begin's check
 * and the local user name that was checked ("bob", never "bob@DOMAIN"). Not
 * called when the connection closed first. */
typedef void (*auth_done_fn)(struct conn *, enum auth_result, const char *user);

/* Checks USER and PASS on the job pool (input of C pauses meanwhile); then
 * calls DONE. "bob@DOMAIN" (the served domain) logs in as "bob". PASS is
 * copied and the copy wiped after use; the caller wipes its own. 0, or -1
 * when the check could not be queued (DONE will not be called). */
int auth_begin(struct conn *, const char *user, const char *pass, auth_done_fn done);

/* After AUTH_BAD for USER: counts the failure (stats, log line "auth failed
 * user=USER", throttle of USER and, unless loopback, of the address).
 * Returns how long to wait before answering, in milliseconds. */
unsigned auth_note_failure(struct conn *, const char *user);

/* After AUTH_OK or AUTH_REGISTERED for USER: records USER on the
 * connection, forgets the failures of USER (not those of the address: they
 * only run down with time, see throttle.h, so that a guesser who owns one
 * account cannot reset its address's slow-down), counts the login and logs
 * a registration. */
void auth_note_success(struct conn *, const char *user, enum auth_result result);

#endif
