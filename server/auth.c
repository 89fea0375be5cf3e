/*
 * auth.c: the shared login check (see auth.h). Owns the job that carries a
 * copy of the credentials to the job pool and back; the password in it is
 * wiped when the job is released. Worker thread, except auth_work() on a
 * job thread.
 */
#include "auth.h"
#include "conn.h"
#include "server_defaults.h"
#include "iplimit.h"
#include "server.h"
#include "throttle.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct auth_job {
	struct userdb   *db;
	int              open_registration;
	auth_done_fn     done;
	char             user[USER_NAME_MAX + 1];
	char             pass[PASSWORD_MAX + 1];
	enum auth_result result;
};

static void
auth_work(void *arg)
{
	struct auth_job *j = arg;
	j->result = userdb_verify(j->db, j->user, j->pass, j->open_registration);
}

static void
auth_release(void *arg)
{
	struct auth_job *j = arg;
	explicit_bzero(j->pass, sizeof j->pass);
	free(j);
}

static void
auth_job_done(struct conn *c, void *arg)
{
	struct auth_job *j = arg;
	j->done(c, j->result, j->user);
}

/* Local name of USER: "bob@DOMAIN" logs in as "bob". */
static void
auth_local_name(const struct conn *c, char *user)
{
	char *at = strrchr(user, '@');
	if (at != NULL && strcasecmp(at + 1, conn_domain(c)) == 0)
		*at = '\0';
}

/* Runs the check held back by auth_begin() once the slow-down is over. */
static void
auth_start_held(struct conn *c)
{
	struct auth_job *j = conn_take_held(c);

	if (j == NULL)
		return;
	if (conn_run_job(c, auth_work, auth_job_done, auth_release, j) == -1) {
		j->done(c, AUTH_ERROR, j->user);
		auth_release(j);
	}
}

/* The slow-down of C's address before a password is even checked (Dovecot's
 * auth penalty). Delaying only the failure reply, as before, slowed nobody:
 * a guesser that hangs up when no quick success comes had its guess checked
 * at full speed. 127.0.0.1 and ::1 are exempt, as for the IP limit. */
static unsigned
auth_address_delay(const struct conn *c)
{
	if (iplimit_is_exempt(c->peer_ip))
		return 0;
	return throttle_delay_ms(c->srv->throttle, THROTTLE_ADDR, c->peer_ip);
}

int
auth_begin(struct conn *c, const char *user, const char *pass, auth_done_fn done)
{
	struct auth_job *j = calloc(1, sizeof *j);
	if (j == NULL)
		return -1;
	j->db = c->srv->users;
	j->open_registration = atomic_load(&c->srv->live.open_registration);
	j->done = done;
	snprintf(j->user, sizeof j->user, "%s", user);
	snprintf(j->pass, sizeof j->pass, "%s", pass);
	auth_local_name(c, j->user);
	unsigned wait = auth_address_delay(c);
	if (wait > 0) {
		conn_log_event(c, "auth delayed %u ms: recent failures from %s", wait, c->peer_ip);
		conn_hold(c, j, auth_release);
		conn_delay(c, wait, auth_start_held);
		return 0;
	}
	if (conn_run_job(c, auth_work, auth_job_done, auth_release, j) == -1) {
		auth_release(j);
		return -1;
	}
	return 0;
}

unsigned
auth_note_failure(struct conn *c, const char *user)
{
	struct server *srv = c->srv;
	unsigned du, da = 0;

	STATS_ADD(&srv->stats, logins_failed, 1);
	throttle_fail(srv->throttle, THROTTLE_USER, user);
	du = throttle_delay_ms(srv->throttle, THROTTLE_USER, user);
	if (!iplimit_is_exempt(c->peer_ip)) {   /* local tools share 127.0.0.1 */
		throttle_fail(srv->throttle, THROTTLE_ADDR, c->peer_ip);
		da = throttle_delay_ms(srv->throttle, THROTTLE_ADDR, c->peer_ip);
	}
	/* the log line carries the client's address:port too (log_exchange) */
	conn_log_event(c, "auth failed user=%s delay=%ums", user, du > da ? du : da);
	return du > da ? du : da;
}

void
auth_note_success(struct conn *c, const char *user, enum auth_result result)
{
	conn_set_user(c, user);
	throttle_clear_user(c->srv->throttle, user);   /* the address's failures run down */
	STATS_ADD(&c->srv->stats, logins_ok, 1);
	if (result == AUTH_REGISTERED)
		conn_log_event(c, "registered new user %s", user);
}
