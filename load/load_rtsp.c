/*
 * load_rtsp.c: the rtsp driver of seal-load (see load_rtsp.h). Requests and
 * replies go through rtsp_client and rtsp_rx exactly as seal's batch mode
 * uses them; this file only orders the steps, times the packets and counts.
 * Only the client's event-loop thread calls in.
 */
#include "load_rtsp.h"
#include "rtp.h"
#include "rtsp_client.h"
#include "rtsp_rx.h"
#include "timeconst.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(RTSP_CLIENT_REQUEST_MAX <= LOAD_SEND_MAX, "an RTSP request must fit LOAD_SEND_MAX");

#define LOAD_RTSP_STEPS(X) \
	X(DESCRIBE, "DESCRIBE") X(SETUP, "SETUP") X(PLAY, "PLAY") X(STREAM, "stream") \
	X(TEARDOWN, "TEARDOWN")
#define LOAD_RTSP_ENUM(id, name) LOAD_RTSP_##id,
enum load_rtsp_step { LOAD_RTSP_STEPS(LOAD_RTSP_ENUM) LOAD_RTSP_STEP_COUNT };
#undef LOAD_RTSP_ENUM
#define LOAD_RTSP_NAME(id, name) name,
static const char *const load_rtsp_step_names[] = { LOAD_RTSP_STEPS(LOAD_RTSP_NAME) };
#undef LOAD_RTSP_NAME

#define RTSP_OK          200
#define RTSP_UNAUTHORIZED 401

struct load_rtsp {
	enum load_rtsp_step step;
	int                 active;      /* a session began and was not counted yet */
	struct rtsp_client  cl;
	struct rtsp_rx      rx;
	int64_t             play_sent_us;
	int                 have_ts0;
	uint32_t            ts0;         /* the first packet's RTP timestamp */
};

static const char *
rtsp_step_name(const struct load_client *c)
{
	const struct load_rtsp *r = c->mode;

	return r != NULL && r->step < LOAD_RTSP_STEP_COUNT ? load_rtsp_step_names[r->step] : "start";
}

/* Moves to STEP and sends request METHOD (RANGE_MS: PLAY's start, or -1). */
static int
rtsp_request(struct load_client *c, struct load_rtsp *r, enum load_rtsp_step step,
             const char *method, int64_t range_ms, int64_t now)
{
	char req[RTSP_CLIENT_REQUEST_MAX], shown[RTSP_CLIENT_REQUEST_MAX];
	int n = rtsp_client_request(&r->cl, method, range_ms, req, sizeof req, shown, sizeof shown);

	r->step = step;
	if (n < 0) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: request too long", method);
		return -1;
	}
	if (step == LOAD_RTSP_PLAY)
		r->play_sent_us = load_run_now_us();
	int rc = load_client_send(c, req, (size_t)n, now);
	explicit_bzero(req, sizeof req);     /* it holds the Authorization */
	return rc;
}

/* One packet's lateness into the run's histograms: from ARRIVAL (when the
 * kernel received it, else when it was read) and from READ. */
static void
rtsp_late(struct load_client *c, struct load_rtsp *r, uint32_t ts, int64_t arrival,
          int64_t read)
{
	if (r->cl.rate == 0)
		return;
	int first = !r->have_ts0;
	if (first) {
		r->ts0 = ts;
		r->have_ts0 = 1;
	}
	uint64_t offset_us = (uint64_t)(uint32_t)(ts - r->ts0) * US_PER_S / r->cl.rate;
	int64_t due = r->play_sent_us + (int64_t)offset_us;
	uint64_t late = arrival > due ? (uint64_t)(arrival - due) : 0;
	load_stats_hist_add(&c->run->stats.late, late);
	load_stats_hist_add(&c->run->stats.late_read, read > due ? (uint64_t)(read - due) : 0);
	if (first)
		load_stats_hist_add(&c->run->stats.first, late);
}

/* The RTCP BYE came: the audio must all be there; then TEARDOWN. */
static int
rtsp_stream_end(struct load_client *c, struct load_rtsp *r, int64_t now)
{
	const struct rtsp_rtp_stats *st = &r->cl.rtp;
	uint64_t got_ms = r->cl.rate ? st->frames * MS_PER_S / r->cl.rate : 0;

	if (r->cl.duration_ms > 0 && got_ms + LOAD_RTSP_SHORT_MS < r->cl.duration_ms) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "stream: RTCP BYE after %llu ms of "
		                 "audio, the SDP says %llu ms", (unsigned long long)got_ms,
		                 (unsigned long long)r->cl.duration_ms);
		return -1;
	}
	atomic_fetch_add_explicit(&c->run->stats.streams, 1, memory_order_relaxed);
	return rtsp_request(c, r, LOAD_RTSP_TEARDOWN, "TEARDOWN", -1, now);
}

/* An interleaved frame: RTP is timed and counted, an RTCP BYE ends the stream. */
static int
rtsp_frame(struct load_client *c, struct load_rtsp *r, struct rtsp_rx_event *ev,
           int64_t read, int64_t now)
{
	int64_t stamp = c->stamp.last_us;
	int64_t arrival = stamp > 0 && stamp <= read ? stamp : read;
	struct rtp_header h;
	const uint8_t *payload, *pcm;
	size_t plen, pcm_len;
	int rtp = ev->channel == r->cl.ch_rtp &&
	          rtp_parse(ev->data, ev->len, &h, &payload, &plen) == 0;

	if (rtsp_client_frame(&r->cl, ev->channel, ev->data, ev->len, &pcm, &pcm_len) == 1 && rtp)
		rtsp_late(c, r, h.ts, arrival, read);
	if (r->cl.rtp.bye && r->step == LOAD_RTSP_STREAM)
		return rtsp_stream_end(c, r, now);
	load_client_arm(c, now);
	return 0;
}

/* A status other than 200 (or a 200 that cannot be used) fails the session. */
static void
rtsp_refused(struct load_client *c, const struct rtsp_response *resp, int code,
             const char *err, int64_t now)
{
	if (code == -1)
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: %s", rtsp_step_name(c), err);
	else
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: %d %s%s", rtsp_step_name(c), code,
		                 resp->reason, code == RTSP_UNAUTHORIZED && c->run->opts->user == NULL
		                 ? " (log in with --user and --password-file)" : "");
}

/* A response to the request in progress. 0, or -1 if the session ended. */
static int
rtsp_response(struct load_client *c, struct load_rtsp *r, const struct rtsp_response *resp,
              int64_t now)
{
	char err[LOAD_ERR_MAX];
	int code = rtsp_client_response(&r->cl, resp, err, sizeof err);

	if (code != RTSP_OK) {
		rtsp_refused(c, resp, code, err, now);
		return -1;
	}
	switch (r->step) {
	case LOAD_RTSP_DESCRIBE:
		return rtsp_request(c, r, LOAD_RTSP_SETUP, "SETUP", -1, now);
	case LOAD_RTSP_SETUP:
		return rtsp_request(c, r, LOAD_RTSP_PLAY, "PLAY", 0, now);
	case LOAD_RTSP_PLAY:
		r->step = LOAD_RTSP_STREAM;
		return r->cl.rtp.bye ? rtsp_stream_end(c, r, now) : 0;
	case LOAD_RTSP_TEARDOWN:
		load_client_finish(c, now);
		return -1;
	default:
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "stream: a response nothing asked for");
		return -1;
	}
}

static int
rtsp_begin(struct load_client *c, int64_t now)
{
	struct load_rtsp *r = c->mode;
	char user[USER_NAME_MAX + 1];

	if (r == NULL && (r = c->mode = calloc(1, sizeof *r)) == NULL) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "out of memory");
		return -1;
	}
	rtsp_client_init(&r->cl, c->run->target.p);
	rtsp_rx_init(&r->rx);
	r->active = 1;
	r->have_ts0 = 0;
	if (c->run->opts->user != NULL &&
	    (load_run_user(c->run, c->id, user, sizeof user) == -1 ||
	     rtsp_client_set_login(&r->cl, user, c->run->password) == -1)) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "DESCRIBE: the user name or password "
		                 "cannot be sent");
		return -1;
	}
	return rtsp_request(c, r, LOAD_RTSP_DESCRIBE, "DESCRIBE", -1, now);
}

static int
rtsp_space(struct load_client *c, char **space, size_t *avail)
{
	struct load_rtsp *r = c->mode;
	uint8_t *p;

	if (rtsp_rx_reserve(&r->rx, LOAD_BULK_READ, &p, avail) == -1)
		return -1;
	*space = (char *)p;
	return 0;
}

static int
rtsp_input(struct load_client *c, size_t n, int64_t now)
{
	struct load_rtsp *r = c->mode;
	struct rtsp_rx_event ev;
	int64_t read = load_run_now_us();

	rtsp_rx_commit(&r->rx, n);
	for (;;) {
		int rc = 0;
		switch (rtsp_rx_next(&r->rx, &ev)) {
		case RTSP_RX_NONE:
			return 0;
		case RTSP_RX_ERROR:
			load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: %s", rtsp_step_name(c),
			                 ev.error);
			return -1;
		case RTSP_RX_RESPONSE:
			rc = rtsp_response(c, r, &ev.resp, now);
			break;
		case RTSP_RX_FRAME:
			rc = rtsp_frame(c, r, &ev, read, now);
			break;
		}
		if (rc == -1)
			return -1;
	}
}

static void
rtsp_closed(struct load_client *c, int64_t now, const char *how)
{
	struct load_rtsp *r = c->mode;

	load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: the server closed the session (%s) "
	                 "after %llu RTP packets%s", rtsp_step_name(c), how,
	                 (unsigned long long)r->cl.rtp.packets,
	                 r->cl.rtp.bye ? "" : ", no RTCP BYE");
}

/* The session is over: its packets count (whether it succeeded or not). */
static void
rtsp_end(struct load_client *c)
{
	struct load_rtsp *r = c->mode;
	struct load_stats *s = &c->run->stats;

	if (r == NULL || !r->active)
		return;
	atomic_fetch_add_explicit(&s->packets, r->cl.rtp.packets, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->lost, r->cl.rtp.lost, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->reordered, r->cl.rtp.reordered, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->bytes, r->cl.rtp.bytes, memory_order_relaxed);
	rtsp_client_clear(&r->cl);
	rtsp_rx_free(&r->rx);
	r->active = 0;
}

static void
rtsp_free(struct load_client *c)
{
	rtsp_end(c);
	free(c->mode);
	c->mode = NULL;
}

const struct load_driver load_rtsp_driver = {
	.stamps = 1,
	.step = rtsp_step_name,
	.begin = rtsp_begin,
	.space = rtsp_space,
	.input = rtsp_input,
	.closed = rtsp_closed,
	.end = rtsp_end,
	.free = rtsp_free,
};
