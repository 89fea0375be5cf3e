/*
 * pop3_auth.c: the AUTHORIZATION state (RFC 1939 USER/PASS, RFC 5034 AUTH
 * PLAIN with or without an initial response), then the step into
 * TRANSACTION: the maildrop lock (-ERR [IN-USE] when another session, of
 * this process or of another node sharing the data dir, holds it) and the
 * scan of the Maildir, both on the job pool. The lock's descriptor takes
 * a file slot (conn_lock_take) for as long as the session holds it. The password check and
 * the failure slow-down are auth.c's, shared with SMTP; failures are
 * counted here and close the connection at --max-auth-failures. Secrets in
 * the line buffer are wiped after use and never logged. Worker thread,
 * except scan_work() on a job thread.
 */
#include "pop3.h"
#include "auth.h"
#include "pop3_maildrop.h"
#include "sasl.h"
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POP3_MECH_MAX 20       /* SASL mechanism names are at most 20 characters */

struct scan_job {
	struct pop3_maildrop *md;   /* owned by the job until scan_done takes it */
	int                   rc;
	int                   locked;   /* the lock was taken */
	int                   in_use;   /* another session holds it */
	char                  user[USER_NAME_MAX + 1];
	enum auth_result      result;
	char                  err[256];
};

/* Sends the reply held back by a slow-down delay. */
static void
pop3_auth_send_deferred(struct conn *c)
{
	struct pop3 *s = c->ps;

	conn_reply(c, "%s", s->deferred);
	if (s->close_after_deferred)
		conn_close_after_flush(c);
	s->deferred[0] = '\0';
}

/* A refused login: counted, answered after the slow-down. */
static void
pop3_auth_failed(struct conn *c, struct pop3 *s, const char *user)
{
	unsigned delay = auth_note_failure(c, user);

	pop3_set_state(c, s, POP3_AUTHORIZATION);
	if (++s->auth_failures >= atomic_load(&c->srv->live.max_auth_failures)) {
		snprintf(s->deferred, sizeof s->deferred,
		         "-ERR [AUTH] too many authentication failures, closing connection");
		s->close_after_deferred = 1;
	} else {
		snprintf(s->deferred, sizeof s->deferred,
		         "-ERR [AUTH] invalid user name or password");
	}
	conn_delay(c, delay, pop3_auth_send_deferred);
}

static void
scan_work(void *arg)
{
	struct scan_job *j = arg;
	j->rc = pop3_maildrop_lock(j->md, &j->in_use, j->err, sizeof j->err);
	j->locked = j->rc == 0;
	if (j->rc == 0)
		j->rc = pop3_maildrop_scan(j->md, j->err, sizeof j->err);
}

static void
scan_release(void *arg)
{
	struct scan_job *j = arg;
	pop3_maildrop_free(j->md);   /* the connection died first, or the scan failed */
	free(j);
}

static void
scan_done(struct conn *c, void *arg)
{
	struct scan_job *j = arg;
	struct pop3 *s = c->ps;

	pop3_set_state(c, s, POP3_AUTHORIZATION);
	if (!j->locked) {
		conn_lock_release(c);
		conn_log_event(c, "maildrop of %s %s%s", j->user, j->in_use ? "in use" : "not locked: ",
		               j->in_use ? "" : j->err);
		conn_reply(c, j->in_use ? "-ERR [IN-USE] maildrop already locked by another session"
		           : "-ERR [SYS/TEMP] cannot lock the maildrop, try again later");
		return;
	}
	auth_note_success(c, j->user, j->result);
	if (j->rc == -1) {               /* the job's release unlocks it */
		conn_lock_release(c);
		conn_log_event(c, "cannot open maildrop: %s", j->err);
		conn_reply(c, "-ERR [SYS/TEMP] cannot open the maildrop, try again later");
		return;
	}
	s->md = j->md;
	j->md = NULL;
	if (s->md->left_out > 0)
		conn_log_event(c, "maildrop has %zu messages more than %d; they wait for a later session",
		               s->md->left_out, POP3_MAX_MESSAGES);
	pop3_set_state(c, s, POP3_TRANSACTION);
	conn_reply(c, "+OK %s's maildrop has %zu messages (%llu octets)", c->user,
	           pop3_maildrop_count(s->md), (unsigned long long)pop3_maildrop_octets(s->md));
}

/* The password was right: a file slot for the lock's descriptor, then the
 * lock and the scan on the job pool; the login counts as a success once the
 * lock is taken (scan_done). */
static void
pop3_enter_transaction(struct conn *c, struct pop3 *s, const char *user,
                       enum auth_result result)
{
	struct pop3_maildrop *md = NULL;
	struct scan_job *j = NULL;

	pop3_set_state(c, s, POP3_AUTHORIZATION);
	if (conn_lock_take(c) == -1) {
		conn_reply(c, "-ERR [SYS/TEMP] too many open files, try again later");
		return;
	}
	if ((md = pop3_maildrop_new(c->srv->cfg->data_dir, user)) == NULL ||
	    (j = calloc(1, sizeof *j)) == NULL)
		goto busy;
	j->md = md;
	j->result = result;
	snprintf(j->user, sizeof j->user, "%s", user);
	if (conn_run_job(c, scan_work, scan_done, scan_release, j) == -1)
		goto busy;
	pop3_set_state(c, s, POP3_BUSY);
	return;
busy:
	pop3_maildrop_free(md);
	free(j);
	conn_lock_release(c);
	conn_reply(c, "-ERR [SYS/TEMP] server busy, try again later");
}

static void
pop3_auth_done(struct conn *c, enum auth_result result, const char *user)
{
	struct pop3 *s = c->ps;

	pop3_set_state(c, s, POP3_AUTHORIZATION);
	if (result == AUTH_BAD) {
		pop3_auth_failed(c, s, user);
		return;
	}
	if (result == AUTH_ERROR) {
		conn_reply(c, "-ERR [SYS/TEMP] cannot check credentials now, try again later");
		return;
	}
	pop3_enter_transaction(c, s, user, result);
}

/* Checks USER and PASS off the event loop; the reply comes later. */
static int
pop3_auth_check(struct conn *c, struct pop3 *s, const char *user, const char *pass)
{
	pop3_set_state(c, s, POP3_BUSY);
	if (auth_begin(c, user, pass, pop3_auth_done) == -1) {
		pop3_set_state(c, s, POP3_AUTHORIZATION);
		conn_reply(c, "-ERR [SYS/TEMP] server busy, try again later");
	}
	return 0;
}

int
pop3_cmd_user(struct conn *c, struct pop3 *s, char *args)
{
	if (*args == '\0' || strchr(args, ' ') != NULL) {
		s->user[0] = '\0';
		conn_reply(c, "-ERR syntax: USER name");
		return pop3_bad_command(c, s);
	}
	if (strlen(args) > USER_NAME_MAX) {
		s->user[0] = '\0';
		conn_reply(c, "-ERR user name longer than %d characters", USER_NAME_MAX);
		return 0;
	}
	snprintf(s->user, sizeof s->user, "%s", args);
	conn_reply(c, "+OK send PASS");   /* the same for every name: no user probing */
	return 0;
}

int
pop3_cmd_pass(struct conn *c, struct pop3 *s, char *args)
{
	char user[USER_NAME_MAX + 1];
	size_t plen = strlen(args);

	if (s->user[0] == '\0') {
		explicit_bzero(args, plen);
		conn_reply(c, "-ERR USER first");
		return pop3_bad_command(c, s);
	}
	snprintf(user, sizeof user, "%s", s->user);
	s->user[0] = '\0';                   /* USER again for another try */
	if (plen == 0 || plen > PASSWORD_MAX) {
		explicit_bzero(args, plen);
		pop3_auth_failed(c, s, user);
		return 0;
	}
	pop3_auth_check(c, s, user, args);
	explicit_bzero(args, plen);
	return 0;
}

/* An AUTH PLAIN response (initial or after "+ "). */
static int
pop3_auth_plain(struct conn *c, struct pop3 *s, char *b64)
{
	char user[USER_NAME_MAX + 1], pass[PASSWORD_MAX + 1];

	if (sasl_plain_decode(b64, user, sizeof user, pass, sizeof pass) == -1) {
		explicit_bzero(b64, strlen(b64));
		pop3_set_state(c, s, POP3_AUTHORIZATION);
		conn_reply(c, "-ERR cannot decode the AUTH PLAIN response");
		return pop3_bad_command(c, s);
	}
	explicit_bzero(b64, strlen(b64));
	pop3_auth_check(c, s, user, pass);
	explicit_bzero(pass, sizeof pass);
	return 0;
}

int
pop3_cmd_auth(struct conn *c, struct pop3 *s, char *args)
{
	char *ir = strchr(args, ' ');
	size_t mlen = ir ? (size_t)(ir - args) : strlen(args);

	s->user[0] = '\0';
	if (mlen == 0 && ir == NULL) {       /* RFC 1734 style: list the mechanisms */
		conn_reply(c, "+OK SASL mechanisms follow");
		conn_reply(c, "PLAIN");
		conn_reply(c, ".");
		return 0;
	}
	if (mlen != strlen("PLAIN") || strncasecmp(args, "PLAIN", mlen) != 0) {
		conn_reply(c, "-ERR unsupported SASL mechanism %.*s (PLAIN is offered)",
		           (int)(mlen > POP3_MECH_MAX ? POP3_MECH_MAX : mlen), args);
		return pop3_bad_command(c, s);
	}
	while (ir != NULL && *ir == ' ')
		ir++;
	if (ir != NULL && *ir != '\0')
		return pop3_auth_plain(c, s, ir);   /* "=" (empty) fails to decode */
	pop3_set_state(c, s, POP3_AUTH_PLAIN);
	conn_reply(c, "+ ");
	return 0;
}

int
pop3_auth_line(struct conn *c, struct pop3 *s, char *line)
{
	if (strcmp(line, "*") == 0) {
		pop3_set_state(c, s, POP3_AUTHORIZATION);
		conn_reply(c, "-ERR authentication cancelled");
		return 0;
	}
	return pop3_auth_plain(c, s, line);
}
