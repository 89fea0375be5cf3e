/*
 * rtsp_methods.c: what each RTSP method does once rtsp.c has checked the
 * request, the login, the state and the session: OPTIONS, DESCRIBE (SDP of
 * a WAV in the media folder), SETUP (TCP interleaved only: a UDP transport
 * would put the audio in clear, so it gets 461), PLAY (with Range: npt=),
 * PAUSE, TEARDOWN, and GET_PARAMETER / SET_PARAMETER as keep-alives.
 * Worker thread.
 */
#include "rtsp.h"
#include "sdp.h"
#include "server.h"
#include "timeconst.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define RTSP_PUBLIC     "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER"
#define RTSP_TRANSPORT  "RTP/AVP/TCP;unicast"

/* Replies CODE (with DETAIL) and returns -1: the request was refused. */
static int
rtsp_refuse(struct conn *c, struct rtsp *r, int code, const char *detail)
{
	rtsp_reply_error(c, r, code, detail);
	return -1;
}

int
rtsp_media_path(const struct conn *c, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s/%s", c->srv->cfg->data_dir, MEDIA_DIR_NAME, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Opens the stream the request URL names into M (NAME gets its name).
 * 0, or -1 after replying 404, 415 or 500. */
static int
rtsp_open_media(struct conn *c, struct rtsp *r, struct media_wav *m, char *name, size_t len)
{
	char path[PATH_MAX], why[LOG_LINE_MAX / 4], detail[LOG_LINE_MAX / 4 + 4];

	if (rtsp_url_media(r->req.url, name, len) == -1 ||
	    rtsp_media_path(c, name, path, sizeof path) == -1) {
		conn_log_event(c, "no stream for url=%s", r->req.url);
		return rtsp_refuse(c, r, 404, NULL);
	}
	enum media_rc rc = media_wav_open(m, path, why, sizeof why);
	if (rc == MEDIA_OK)
		return 0;
	conn_log_event(c, "stream %s refused: %s", name, why);
	if (rc == MEDIA_NOT_FOUND)
		rtsp_reply_error(c, r, 404, NULL);
	else if (rc == MEDIA_UNSUPPORTED) {
		snprintf(detail, sizeof detail, "(%s)", why);
		rtsp_reply_error(c, r, 415, detail);
	} else
		rtsp_reply_error(c, r, 500, NULL);
	return -1;
}

int
rtsp_do_options(struct conn *c, struct rtsp *r)
{
	rtsp_reply_start(c, r, 200, NULL);
	rtsp_reply_header(c, "Public: %s", RTSP_PUBLIC);
	rtsp_reply_end(c, NULL, NULL, 0);
	return 0;
}

/* The numeric address of our end of C, without the port, for SDP o=. */
static void
rtsp_local_ip(const struct conn *c, char *buf, size_t len)
{
	const char *a = c->local;
	size_t n = a[0] == '[' ? strcspn(a + 1, "]") : strcspn(a, ":");
	snprintf(buf, len, "%.*s", (int)n, a[0] == '[' ? a + 1 : a);
}

int
rtsp_do_describe(struct conn *c, struct rtsp *r)
{
	struct media_wav m;
	char name[RTSP_MEDIA_NAME_MAX + 1], ip[CONN_ADDR_MAX], sdp[SDP_MAX];
	const char *url = r->req.url;

	if (rtsp_open_media(c, r, &m, name, sizeof name) == -1)
		return 0;
	rtsp_local_ip(c, ip, sizeof ip);
	struct sdp_params p = {
		.name = name, .addr = ip, .session_id = (uint64_t)time(NULL),
		.pt = sdp_l16_payload_type(m.info.rate, m.info.channels, RTSP_PT_DYNAMIC),
		.rate = m.info.rate, .channels = m.info.channels,
		.duration_ms = wav_duration_ms(&m.info),
	};
	int n = sdp_describe(sdp, sizeof sdp, &p);
	media_wav_close(&m);
	if (n < 0)
		return rtsp_reply_error(c, r, 500, NULL);
	rtsp_reply_start(c, r, 200, NULL);
	rtsp_reply_header(c, "Content-Base: %s%s", url, url[strlen(url) - 1] == '/' ? "" : "/");
	rtsp_reply_end(c, "application/sdp", sdp, (size_t)n);
	return 0;
}

/* A fresh session identifier: RTSP_SESSION_ID_LEN hex digits. */
static void
rtsp_new_session_id(char *out, size_t len)
{
	unsigned char b[RTSP_SESSION_ID_LEN / 2];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		uint64_t t = (uint64_t)conn_now_ms() ^ (uint64_t)(uintptr_t)out;
		for (size_t i = 0; i < sizeof b; i++)
			b[i] = (unsigned char)(t >> (CHAR_BIT * (i % sizeof t)));
	}
	for (size_t i = 0; i < sizeof b && 2 * i + 2 < len; i++)
		snprintf(out + 2 * i, len - 2 * i, "%02x", b[i]);
}

/* The Transport we can serve, or -1 after replying 400 or 461. */
static int
rtsp_setup_transport(struct conn *c, struct rtsp *r, struct rtsp_transport *t)
{
	if (!(r->req.has & RTSP_HAS_TRANSPORT))
		return rtsp_refuse(c, r, 400, "(no Transport header)");
	switch (rtsp_parse_transport(r->req.transport, t)) {
	case RTSP_TP_OK:
		return 0;
	case RTSP_TP_UNSUPPORTED:
		conn_log_event(c, "transport refused: %s", r->req.transport);
		return rtsp_refuse(c, r, 461, "(only " RTSP_TRANSPORT
		                   ";interleaved: the audio stays inside TLS)");
	default:
		return rtsp_refuse(c, r, 400, "(malformed Transport)");
	}
}

int
rtsp_do_setup(struct conn *c, struct rtsp *r)
{
	struct rtsp_transport t;
	struct media_wav m;
	char name[RTSP_MEDIA_NAME_MAX + 1];

	if (rtsp_setup_transport(c, r, &t) == -1)
		return 0;
	if (conn_file_take(c) == -1)         /* the stream's file, held until TEARDOWN */
		return rtsp_reply_error(c, r, 503, "(too many streams open; try again later)");
	if (rtsp_open_media(c, r, &m, name, sizeof name) == -1) {
		if (!r->has_stream)
			conn_file_release(c);
		return 0;
	}
	if (r->has_stream && strcmp(name, r->st.name) != 0) {
		media_wav_close(&m);
		return rtsp_reply_error(c, r, 459, "(one stream per session)");
	}
	if (t.ch_rtp < 0) {
		t.ch_rtp = 0;
		t.ch_rtcp = 1;
	}
	if (r->has_stream) {
		media_wav_close(&m);   /* a repeated SETUP: new channels, same stream */
		r->st.ch_rtp = (uint8_t)t.ch_rtp;
		r->st.ch_rtcp = (uint8_t)t.ch_rtcp;
	} else {
		rtsp_stream_init(r, &m, name, t.ch_rtp, t.ch_rtcp);
		rtsp_new_session_id(r->session, sizeof r->session);
		STATS_ADD(&c->srv->stats, streams_started, 1);
		conn_log_event(c, "session %s stream=%s rate=%u channels=%u frames=%llu%s",
		               r->session, name, r->st.media.info.rate, r->st.media.info.channels,
		               (unsigned long long)r->st.media.info.frames,
		               r->st.media.info.clamped ? " (data length clamped to the file)" : "");
	}
	rtsp_set_state(c, r, RTSP_READY);
	rtsp_reply_start(c, r, 200, NULL);
	rtsp_reply_header(c, "Transport: %s;interleaved=%d-%d;ssrc=%08X;mode=\"PLAY\"",
	                  RTSP_TRANSPORT, t.ch_rtp, t.ch_rtcp, (unsigned)r->st.ssrc);
	rtsp_reply_end(c, NULL, NULL, 0);
	return 0;
}

/* The frame MS milliseconds into a stream of FRAMES frames at RATE (not
 * zero: the WAV parser refuses it), or FRAMES + 1 for any time past its
 * end. The time is compared before it is multiplied, so an absurd npt
 * cannot wrap around into the stream. */
static uint64_t
frame_at_ms(uint64_t ms, uint64_t rate, uint64_t frames)
{
	if (ms > frames * MS_PER_S / rate + 1)
		return frames + 1;
	return ms * rate / MS_PER_S;
}

/* Applies a Range header to the stream's position and end. 0, or -1. */
static int
rtsp_play_range(struct rtsp *r)
{
	struct rtsp_stream *st = &r->st;
	uint64_t frames = st->media.info.frames, rate = st->media.info.rate;
	int64_t start, end;

	st->end = frames;
	if (!(r->req.has & RTSP_HAS_RANGE))
		return 0;
	if (rtsp_parse_range(r->req.range, &start, &end) == -1)
		return -1;
	uint64_t s = start < 0 ? st->pos : frame_at_ms((uint64_t)start, rate, frames);
	uint64_t e = end < 0 ? frames : frame_at_ms((uint64_t)end, rate, frames);
	if (s > frames || e < s)
		return -1;
	st->pos = s;
	st->end = e < frames ? e : frames;
	return 0;
}

/* "url=...;seq=...;rtptime=..." names the track as ffmpeg does: the
 * session URL (no trailing "/" or control) plus "/" SDP_CONTROL. */
static void
rtsp_rtp_info(const struct rtsp *r, char *buf, size_t len)
{
	const char *url = r->req.url;
	size_t n = strlen(url), cl = strlen("/" SDP_CONTROL);

	if (n >= cl && strcmp(url + n - cl, "/" SDP_CONTROL) == 0)
		n -= cl;
	while (n > 0 && url[n - 1] == '/')
		n--;
	snprintf(buf, len, "url=%.*s/%s;seq=%u;rtptime=%u", (int)n, url, SDP_CONTROL,
	         (unsigned)r->st.seq, (unsigned)rtsp_stream_ts(&r->st, r->st.pos));
}

int
rtsp_do_play(struct conn *c, struct rtsp *r)
{
	char info[RTSP_URL_MAX + 64];
	uint64_t pos = r->st.pos, end = r->st.end;

	if (rtsp_play_range(r) == -1) {
		r->st.pos = pos;
		r->st.end = end;
		return rtsp_reply_error(c, r, 457, "(want npt=START-[END] within the stream)");
	}
	uint64_t s = rtsp_stream_ms(&r->st, r->st.pos), e = rtsp_stream_ms(&r->st, r->st.end);
	rtsp_rtp_info(r, info, sizeof info);
	rtsp_reply_start(c, r, 200, NULL);
	rtsp_reply_header(c, "Range: npt=%llu.%03llu-%llu.%03llu", (unsigned long long)s / MS_PER_S,
	                  (unsigned long long)s % MS_PER_S, (unsigned long long)e / MS_PER_S,
	                  (unsigned long long)e % MS_PER_S);
	rtsp_reply_header(c, "RTP-Info: %s", info);
	rtsp_reply_end(c, NULL, NULL, 0);
	if (rtsp_stream_play(c, r) == -1)
		return -1;
	rtsp_set_state(c, r, RTSP_PLAYING);
	return 0;
}

int
rtsp_do_pause(struct conn *c, struct rtsp *r)
{
	uint64_t ms;

	rtsp_stream_pause(c, r);
	rtsp_set_state(c, r, RTSP_READY);
	ms = rtsp_stream_ms(&r->st, r->st.pos);
	rtsp_reply_start(c, r, 200, NULL);
	rtsp_reply_header(c, "Range: npt=%llu.%03llu-", (unsigned long long)ms / MS_PER_S,
	                  (unsigned long long)ms % MS_PER_S);
	rtsp_reply_end(c, NULL, NULL, 0);
	return 0;
}

int
rtsp_do_teardown(struct conn *c, struct rtsp *r)
{
	rtsp_reply_start(c, r, 200, NULL);
	rtsp_reply_end(c, NULL, NULL, 0);
	conn_log_event(c, "teardown session %s", r->session);
	rtsp_stream_close(c, r);
	r->session[0] = '\0';
	rtsp_set_state(c, r, RTSP_INIT);
	return 0;
}

int
rtsp_do_get_parameter(struct conn *c, struct rtsp *r)
{
	if (r->body_len > 0)
		return rtsp_reply_error(c, r, 451, NULL);
	return rtsp_reply_error(c, r, 200, NULL);   /* a keep-alive */
}

int
rtsp_do_set_parameter(struct conn *c, struct rtsp *r)
{
	if (r->body_len > 0)
		return rtsp_reply_error(c, r, 451, NULL);
	return rtsp_reply_error(c, r, 200, NULL);
}
