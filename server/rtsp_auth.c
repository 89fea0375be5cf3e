/*
 * rtsp_auth.c: Basic authentication (RFC 2617 as RTSP uses it) for every
 * method but OPTIONS. A request without credentials gets 401 with the
 * realm; credentials are checked on the job pool through auth.c (shared
 * with SMTP and POP3: the throttle, counters and log lines), and the
 * request runs once they pass. A failure is answered 401 after the
 * throttle's slow-down; at --max-auth-failures the connection closes after
 * that reply. The Authorization value that logged in is remembered, so the
 * same credentials on later requests (ffmpeg repeats them) cost nothing.
 * Worker thread.
 */
#include "rtsp.h"
#include "auth.h"
#include "server.h"

#include <string.h>

int
rtsp_auth_ok(const struct rtsp *r)
{
	if (!r->authenticated)
		return 0;
	return !(r->req.has & RTSP_HAS_AUTH) || strcmp(r->req.auth, r->auth_ok) == 0;
}

/* The 401 held back by the slow-down; the last one allowed closes. */
static void
rtsp_auth_send_401(struct conn *c)
{
	struct rtsp *r = c->ps;

	rtsp_reply_error(c, r, 401, NULL);
	if (r->auth_failures >= atomic_load(&c->srv->live.max_auth_failures)) {
		conn_log_event(c, "closing: %d failed logins", r->auth_failures);
		conn_close_after_flush(c);
	}
	rtsp_req_clear(&r->req);
}

static void
rtsp_auth_done(struct conn *c, enum auth_result result, const char *user)
{
	struct rtsp *r = c->ps;

	if (result == AUTH_BAD) {
		r->auth_failures++;
		conn_delay(c, auth_note_failure(c, user), rtsp_auth_send_401);
		return;
	}
	if (result == AUTH_ERROR) {
		rtsp_reply_error(c, r, 503, "(cannot check the password now)");
		return;
	}
	auth_note_success(c, user, result);
	r->authenticated = 1;
	snprintf(r->auth_ok, sizeof r->auth_ok, "%s", r->req.auth);
	conn_log_event(c, "login user=%s", user);
	if (rtsp_request_exec(c, r) == -1)
		conn_close_after_flush(c);
}

int
rtsp_auth_request(struct conn *c, struct rtsp *r)
{
	char user[USER_NAME_MAX + 1], pass[PASSWORD_MAX + 1];

	if (!(r->req.has & RTSP_HAS_AUTH))
		return rtsp_reply_error(c, r, 401, NULL);
	switch (rtsp_parse_basic(r->req.auth, user, sizeof user, pass, sizeof pass)) {
	case RTSP_AUTH_NOT_BASIC:
		rtsp_reply_error(c, r, 401, "(only Basic is offered)");
		break;
	case RTSP_AUTH_BAD:
		rtsp_reply_error(c, r, 400, "(Authorization is not Basic base64(user:password))");
		break;
	default:
		explicit_bzero(r->auth_ok, sizeof r->auth_ok);
		r->authenticated = 0;
		if (auth_begin(c, user, pass, rtsp_auth_done) == -1)
			rtsp_reply_error(c, r, 503, "(server busy)");
		break;
	}
	explicit_bzero(pass, sizeof pass);
	return 0;
}
