/*
 * rtsp.c: RTSP 1.0 and 2.0 over TLS (RFC 2326, RFC 7826): reading a request
 * (its line, header lines, a Content-Length body and, between requests,
 * the client's interleaved RTCP frames, which are dropped), the method
 * table with the states each method is valid in, session checks, and the
 * service table for the connection core. Login is in rtsp_auth.c, the
 * methods in rtsp_methods.c, the stream in rtsp_stream.c. Worker thread.
 */
#include "rtsp.h"
#include "rtp.h"
#include "server.h"
#include "timeconst.h"

#include <string.h>
#include <strings.h>

#define RTSP_AS_NAME(s) #s,
static const char *const rtsp_state_names[] = { RTSP_STATES(RTSP_AS_NAME) };

#define ST(s) (1u << RTSP_##s)
#define ST_ANY (ST(INIT) | ST(READY) | ST(PLAYING))

struct rtsp_method {
	const char *name;
	int         needs_auth;
	int         needs_session;   /* PLAY, PAUSE, TEARDOWN: 455 before SETUP */
	unsigned    states;          /* where it is valid; elsewhere 455 */
	int       (*run)(struct conn *, struct rtsp *);
};

static const struct rtsp_method rtsp_methods[] = {
	{ "OPTIONS",       0, 0, ST_ANY, rtsp_do_options },
	{ "DESCRIBE",      1, 0, ST_ANY, rtsp_do_describe },
	{ "SETUP",         1, 0, ST(INIT) | ST(READY), rtsp_do_setup },
	{ "PLAY",          1, 1, ST(READY) | ST(PLAYING), rtsp_do_play },
	{ "PAUSE",         1, 1, ST(READY) | ST(PLAYING), rtsp_do_pause },
	{ "TEARDOWN",      1, 1, ST(READY) | ST(PLAYING), rtsp_do_teardown },
	{ "GET_PARAMETER", 1, 0, ST_ANY, rtsp_do_get_parameter },
	{ "SET_PARAMETER", 1, 0, ST_ANY, rtsp_do_set_parameter },
};

/* RTSP methods that exist but that a play-only server does not allow: 405. */
static const char *const rtsp_refused[] = { "ANNOUNCE", "RECORD", "REDIRECT", "PLAY_NOTIFY" };

void
rtsp_set_state(struct conn *c, struct rtsp *r, enum rtsp_state st)
{
	if (r->state != st)
		conn_log_state(c, "rtsp", rtsp_state_names[r->state], rtsp_state_names[st]);
	r->state = st;
}

static const struct rtsp_method *
rtsp_method_find(const char *name)
{
	for (size_t i = 0; i < sizeof rtsp_methods / sizeof rtsp_methods[0]; i++)
		if (strcmp(rtsp_methods[i].name, name) == 0)
			return &rtsp_methods[i];
	return NULL;
}

/* A malformed request: 400 (or 505), and after too many the end. */
static int
rtsp_bad_request(struct conn *c, struct rtsp *r, int code, const char *detail)
{
	rtsp_reply_error(c, r, code, detail);
	if (++r->bad_requests < RTSP_MAX_BAD_REQUESTS)
		return 0;
	conn_log_event(c, "closing: %d malformed requests", r->bad_requests);
	return -1;
}

/* Answers a request the parser found wrong. */
static int
rtsp_refuse_malformed(struct conn *c, struct rtsp *r)
{
	switch (r->req.error) {
	case RTSP_REQ_BAD_VERSION:
		r->req.version = RTSP_V10;   /* answer in a version it may read */
		return rtsp_bad_request(c, r, 505, "(RTSP/1.0 and RTSP/2.0 are served)");
	case RTSP_REQ_BAD_LINE:
		return rtsp_bad_request(c, r, 400, "(request line is not METHOD URL RTSP/1.0)");
	case RTSP_REQ_BAD_CSEQ:
		return rtsp_bad_request(c, r, 400, "(CSeq is not one number)");
	case RTSP_REQ_BAD_LENGTH:
		return rtsp_bad_request(c, r, 400, "(Content-Length is not a number)");
	case RTSP_REQ_TOO_LARGE:
		return rtsp_bad_request(c, r, 400, "(request header too large)");
	default:
		return rtsp_bad_request(c, r, 400, "(malformed header line)");
	}
}

/* An unknown method: 405 for RTSP methods we refuse, else 501. */
static int
rtsp_no_method(struct conn *c, struct rtsp *r)
{
	for (size_t i = 0; i < sizeof rtsp_refused / sizeof rtsp_refused[0]; i++)
		if (strcmp(rtsp_refused[i], r->req.method) == 0) {
			rtsp_reply_start(c, r, 405, "(this server only plays)");
			rtsp_reply_header(c, "Allow: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, "
			                  "GET_PARAMETER, SET_PARAMETER");
			rtsp_reply_end(c, NULL, NULL, 0);
			return 0;
		}
	return rtsp_reply_error(c, r, 501, NULL);
}

/* A complete request (and its body): checks, login, then the method. */
static int
rtsp_request_run(struct conn *c, struct rtsp *r)
{
	if (r->req.error != RTSP_REQ_OK)
		return rtsp_refuse_malformed(c, r);
	if (r->req.cseq < 0)
		return rtsp_bad_request(c, r, 400, "(no CSeq)");
	const struct rtsp_method *m = rtsp_method_find(r->req.method);
	if (m == NULL)
		return rtsp_no_method(c, r);
	if (r->req.has & RTSP_HAS_REQUIRE) {
		rtsp_reply_start(c, r, 551, NULL);
		rtsp_reply_header(c, "Unsupported: %s", r->req.require);
		rtsp_reply_end(c, NULL, NULL, 0);
		return 0;
	}
	if (m->needs_auth && !rtsp_auth_ok(r))
		return rtsp_auth_request(c, r);
	return rtsp_request_exec(c, r);
}

/* Why the Session header (or its absence) does not fit the connection's
 * session: a status code with *DETAIL, or 0 when it fits. */
static int
rtsp_session_refusal(const struct rtsp *r, const struct rtsp_method *m, const char **detail)
{
	*detail = NULL;
	if (r->req.has & RTSP_HAS_SESSION) {
		char id[RTSP_VALUE_MAX];
		if (rtsp_parse_session(r->req.session, id, sizeof id) == -1 ||
		    r->session[0] == '\0' || strcmp(id, r->session) != 0)
			return 454;
		return 0;
	}
	if (m->needs_session && r->session[0] == '\0') {
		*detail = "(SETUP first)";
		return 455;
	}
	if (m->needs_session) {
		*detail = "(no Session header)";
		return 454;
	}
	if (m->run == rtsp_do_setup && r->session[0] != '\0') {
		*detail = "(one session per connection: send its Session header)";
		return 459;
	}
	return 0;
}

int
rtsp_request_exec(struct conn *c, struct rtsp *r)
{
	const struct rtsp_method *m = rtsp_method_find(r->req.method);

	if (m == NULL)
		return rtsp_no_method(c, r);
	const char *detail;
	int code = m->run == rtsp_do_describe ? 0 : rtsp_session_refusal(r, m, &detail);
	if (code != 0)
		return rtsp_reply_error(c, r, code, detail);
	if (!(m->states & (1u << r->state)))
		return rtsp_reply_error(c, r, 455, NULL);
	return m->run(c, r);
}

/* The empty line: a body to read first, or the request runs now. */
static int
rtsp_head_done(struct conn *c, struct rtsp *r)
{
	if (r->req.content_length > RTSP_MAX_BODY) {
		rtsp_reply_error(c, r, 413, NULL);
		conn_log_event(c, "closing: a body of %ld bytes (at most %d are read)",
		               r->req.content_length, RTSP_MAX_BODY);
		return -1;
	}
	if (r->req.content_length > 0) {
		r->reading = RTSP_READ_BODY;
		r->skip_left = (size_t)r->req.content_length;
		r->body_len = 0;
		return 0;
	}
	r->reading = RTSP_READ_IDLE;
	return rtsp_request_run(c, r);
}

/* Logs a header line as received, with the credentials masked. */
static void
rtsp_log_header(struct conn *c, const struct rtsp *r, const char *line)
{
	char shown[RTSP_MAX_LINE + 1];

	if (r->req.nheaders > RTSP_MAX_HEADERS)
		return;
	rtsp_redact_header(line, shown, sizeof shown);
	conn_log_in(c, "%s", shown);
}

static int
rtsp_line(struct conn *c, char *line, size_t len)
{
	struct rtsp *r = c->ps;

	if (r->reading == RTSP_READ_IDLE) {
		if (len == 0)
			return 0;   /* a stray CRLF between requests */
		char shown[RTSP_MAX_LINE + 1];
		rtsp_req_clear(&r->req);
		r->body_len = 0;
		rtsp_mask_userinfo(line, shown, sizeof shown);
		conn_log_in(c, "%s", shown);
		rtsp_req_line(&r->req, line);
		explicit_bzero(line, len);
		r->reading = RTSP_READ_HEADERS;
		return 0;
	}
	if (len == 0)
		return rtsp_head_done(c, r);
	rtsp_log_header(c, r, line);
	rtsp_req_header(&r->req, line, len);
	explicit_bzero(line, len);   /* it may hold credentials */
	if (r->req.header_bytes <= RTSP_MAX_DISCARD)
		return 0;
	rtsp_reply_error(c, r, 400, "(request header too large)");
	conn_log_event(c, "closing: a request header past %d bytes", RTSP_MAX_DISCARD);
	return -1;
}

static int
rtsp_overflow(struct conn *c)
{
	struct rtsp *r = c->ps;

	conn_log_in(c, "(line longer than %d octets dropped)", RTSP_MAX_LINE);
	if (r->reading == RTSP_READ_IDLE) {
		rtsp_req_clear(&r->req);
		r->reading = RTSP_READ_HEADERS;
	}
	r->req.error = RTSP_REQ_TOO_LARGE;
	r->req.header_bytes += RTSP_MAX_LINE;
	if (r->req.header_bytes <= RTSP_MAX_DISCARD)
		return 0;
	rtsp_reply_error(c, r, 400, "(request header too large)");
	return -1;
}

/* Raw input: a request body, or the client's interleaved frames. */
static size_t
rtsp_raw(struct conn *c, const char *data, size_t len)
{
	struct rtsp *r = c->ps;

	if (r->reading == RTSP_READ_BODY || r->reading == RTSP_READ_FRAME) {
		size_t take = len < r->skip_left ? len : r->skip_left;
		r->skip_left -= take;
		r->body_len += take;
		if (r->skip_left > 0)
			return take;
		enum rtsp_reading was = r->reading;
		r->reading = RTSP_READ_IDLE;
		if (was == RTSP_READ_BODY && rtsp_request_run(c, r) == -1)
			conn_close_after_flush(c);
		return take;
	}
	if (r->reading != RTSP_READ_IDLE || data[0] != RTP_INTERLEAVE_MAGIC)
		return 0;
	if (len < RTP_INTERLEAVE_LEN)
		return SERVICE_RAW_MORE;
	r->skip_left = (size_t)((unsigned char)data[2] << 8 | (unsigned char)data[3]);
	r->reading = r->skip_left > 0 ? RTSP_READ_FRAME : RTSP_READ_IDLE;
	return RTP_INTERLEAVE_LEN;
}

static int
rtsp_open(struct conn *c)
{
	struct rtsp *r = c->ps;
	rtsp_req_clear(&r->req);
	return 0;   /* RTSP has no greeting: the client speaks first */
}

static void
rtsp_timeout(struct conn *c)
{
	conn_log_event(c, "session timed out after %d s without a request", RTSP_SESSION_TIMEOUT_S);
}

static int
rtsp_shutdown(struct conn *c)
{
	struct rtsp *r = c->ps;
	if (r->reading != RTSP_READ_IDLE)
		return 1;   /* a request is on its way: answer it first */
	if (r->state == RTSP_PLAYING)
		rtsp_stream_bye(c, r);   /* players stop on the BYE */
	return 0;
}

static void
rtsp_close(struct conn *c)
{
	struct rtsp *r = c->ps;
	if (r == NULL)
		return;
	rtsp_stream_close(c, r);
	rtsp_req_clear(&r->req);
	explicit_bzero(r->auth_ok, sizeof r->auth_ok);
}

const struct service service_rtsp = {
	.name = "rtsp",
	.state_size = sizeof(struct rtsp),
	.max_line = RTSP_MAX_LINE,
	.idle_timeout_ms = RTSP_SESSION_TIMEOUT_S * MS_PER_S,
	.on_open = rtsp_open,
	.on_line = rtsp_line,
	.on_overflow = rtsp_overflow,
	.on_timeout = rtsp_timeout,
	.on_shutdown = rtsp_shutdown,
	.on_close = rtsp_close,
	.on_raw = rtsp_raw,
};
