/*
 * smtp_auth.c: AUTH PLAIN and AUTH LOGIN (RFC 4954), with the initial
 * response or with 334 challenges. The password check runs on the job pool
 * and failures are slowed down per user and per address (auth.c, shared with
 * POP3); they are counted per connection here (closing after
 * --max-auth-failures). Passwords are wiped after use and never logged.
 * Worker thread.
 */
#include "smtp.h"
#include "auth.h"
#include "sasl.h"
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SMTP_CHALLENGE_USER "VXNlcm5hbWU6"   /* base64 "Username:" */
#define SMTP_CHALLENGE_PASS "UGFzc3dvcmQ6"   /* base64 "Password:" */

/* Sends the reply held back by a slow-down delay. */
static void
auth_send_deferred(struct conn *c)
{
	struct smtp *s = c->ps;
	conn_reply(c, "%s", s->deferred);
	if (s->auth_failures >= atomic_load(&c->srv->live.max_auth_failures))
		conn_close_after_flush(c);
	s->deferred[0] = '\0';
}

static void
auth_failed(struct conn *c, struct smtp *s, const char *user)
{
	unsigned delay = auth_note_failure(c, user);

	if (++s->auth_failures >= atomic_load(&c->srv->live.max_auth_failures))
		snprintf(s->deferred, sizeof s->deferred,
		         "421 4.7.0 %s Too many authentication failures, closing connection",
		         conn_domain(c));
	else
		snprintf(s->deferred, sizeof s->deferred,
		         "535 5.7.8 Authentication credentials invalid");
	conn_delay(c, delay, auth_send_deferred);
}

static void
auth_done(struct conn *c, enum auth_result result, const char *user)
{
	struct smtp *s = c->ps;

	smtp_set_state(c, s, SMTP_READY);
	if (result == AUTH_BAD) {
		auth_failed(c, s, user);
		return;
	}
	if (result == AUTH_ERROR) {
		conn_reply(c, "454 4.7.0 Temporary authentication failure");
		return;
	}
	s->authenticated = 1;
	auth_note_success(c, user, result);
	if (result == AUTH_REGISTERED)
		conn_reply(c, "235 2.7.0 Authentication successful; new user %s registered", user);
	else
		conn_reply(c, "235 2.7.0 Authentication successful");
}

/* Checks USER and PASS off the event loop; the reply comes in auth_done(). */
static int
auth_check(struct conn *c, struct smtp *s, const char *user, const char *pass)
{
	smtp_set_state(c, s, SMTP_BUSY);
	if (auth_begin(c, user, pass, auth_done) == -1) {
		smtp_set_state(c, s, SMTP_READY);
		conn_reply(c, "454 4.7.0 Temporary authentication failure (server busy)");
	}
	return 0;
}

/* A PLAIN response (initial or after 334). */
static int
auth_plain(struct conn *c, struct smtp *s, const char *b64)
{
	char user[USER_NAME_MAX + 1], pass[PASSWORD_MAX + 1];
	if (sasl_plain_decode(b64, user, sizeof user, pass, sizeof pass) == -1) {
		smtp_set_state(c, s, SMTP_READY);
		conn_reply(c, "501 5.5.2 Cannot decode AUTH PLAIN response");
		return 0;
	}
	auth_check(c, s, user, pass);
	explicit_bzero(pass, sizeof pass);
	return 0;
}

/* A LOGIN user name (initial or after 334): then ask for the password. */
static int
auth_login_user(struct conn *c, struct smtp *s, const char *b64)
{
	if (sasl_login_decode(b64, s->login_user, sizeof s->login_user) == -1) {
		smtp_set_state(c, s, SMTP_READY);
		conn_reply(c, "501 5.5.2 Cannot decode AUTH LOGIN response");
		return 0;
	}
	smtp_set_state(c, s, SMTP_AUTH_LOGIN_PASS);
	conn_reply(c, "334 " SMTP_CHALLENGE_PASS);
	return 0;
}

int
smtp_cmd_auth(struct conn *c, struct smtp *s, char *args)
{
	char mech[16];
	char *ir = strchr(args, ' ');
	size_t mlen = ir ? (size_t)(ir - args) : strlen(args);

	if (s->authenticated) {
		conn_reply(c, "503 5.5.1 Already authenticated");
		return 0;
	}
	if (mlen == 0 || mlen >= sizeof mech) {
		conn_reply(c, "501 5.5.4 Syntax: AUTH mechanism [initial-response]");
		return 0;
	}
	memcpy(mech, args, mlen);
	mech[mlen] = '\0';
	while (ir != NULL && *ir == ' ')
		ir++;
	int has_ir = ir != NULL && *ir != '\0';
	if (has_ir && strcmp(ir, "=") == 0)
		ir = "";   /* RFC 4954: "=" is an empty initial response */
	if (strcasecmp(mech, "PLAIN") == 0) {
		if (has_ir)
			return auth_plain(c, s, ir);
		smtp_set_state(c, s, SMTP_AUTH_PLAIN);
		conn_reply(c, "334 ");
		return 0;
	}
	if (strcasecmp(mech, "LOGIN") == 0) {
		if (has_ir)
			return auth_login_user(c, s, ir);
		smtp_set_state(c, s, SMTP_AUTH_LOGIN_USER);
		conn_reply(c, "334 " SMTP_CHALLENGE_USER);
		return 0;
	}
	conn_reply(c, "504 5.5.4 Unrecognized authentication mechanism %s", mech);
	return 0;
}

int
smtp_auth_line(struct conn *c, struct smtp *s, char *line)
{
	if (strcmp(line, "*") == 0) {
		smtp_set_state(c, s, SMTP_READY);
		conn_reply(c, "501 5.0.0 Authentication cancelled");
		return 0;
	}
	switch (s->state) {
	case SMTP_AUTH_PLAIN:
		return auth_plain(c, s, line);
	case SMTP_AUTH_LOGIN_USER:
		return auth_login_user(c, s, line);
	default: {
		char pass[PASSWORD_MAX + 1];
		if (sasl_login_decode(line, pass, sizeof pass) == -1) {
			smtp_set_state(c, s, SMTP_READY);
			conn_reply(c, "501 5.5.2 Cannot decode AUTH LOGIN response");
			return 0;
		}
		auth_check(c, s, s->login_user, pass);
		explicit_bzero(pass, sizeof pass);
		return 0;
	}
	}
}
