/*
 * rtsp_batch.c: the batch flow of seal for rtsps:// (see rtsp_batch.h):
 * one request at a time, each answered before the next; while playing,
 * interleaved frames go to the WAV writer and a GET_PARAMETER keeps the
 * session alive every half session timeout. Knows no transport (struct
 * rtsp_io) and no wire format (rtsp_client, rtsp_rx). One thread.
 */
#include "rtsp_batch.h"
#include "audio_player.h"
#include "defaults.h"
#include "net.h"
#include "net_defaults.h"
#include "report.h"
#include "rtsp_client.h"
#include "rtsp_rx.h"
#include "text.h"
#include "wav_writer.h"
#include "timeconst.h"

#include <string.h>

#define ERR_MAX         512
#define RB_FAIL         (-1)      /* rb_request: failed, message printed */
#define HALF            2

struct rb {
	const struct rtsp_batch_config *cfg;
	struct rtsp_io     *io;
	FILE               *out, *err;
	struct rtsp_client  cl;
	struct rtsp_rx      rx;
	struct wav_writer   wav;
	struct audio_player *player;          /* --play */
	int                 got_response;
	int                 closed;           /* the server closed the connection */
	int                 fail;             /* exit status of a failure, or EXIT_OK */
	long long           play_start, next_keepalive;
};

/* Records the first failure with its message. Returns RB_FAIL. */
static int
rb_failed(struct rb *b, int status, const char *what, const char *why)
{
	if (b->fail == EXIT_OK) {
		text_printf(b->err, b->cfg->utf8, "seal: %s%s%s\n", what, why ? ": " : "",
		            why ? why : "");
		b->fail = status;
	}
	return RB_FAIL;
}

/* Prints the lines of TEXT with PREFIX ("C: "), empty lines left out. */
static void
rb_print(struct rb *b, const char *prefix, const char *text)
{
	while (*text != '\0') {
		size_t n = strcspn(text, "\r\n");
		if (n > 0)
			text_printf(b->out, b->cfg->utf8, "%s%.*s\n", prefix, (int)n, text);
		text += n;
		text += strspn(text, "\r\n");
	}
}

static int
rb_send(struct rb *b, const char *method, int64_t range_ms)
{
	char req[RTSP_CLIENT_REQUEST_MAX], shown[RTSP_CLIENT_REQUEST_MAX];
	int n = rtsp_client_request(&b->cl, method, range_ms, req, sizeof req, shown, sizeof shown);

	if (n < 0)
		return rb_failed(b, EXIT_OTHER, "request too long", method);
	rb_print(b, "C: ", shown);
	fflush(b->out);
	int rc = b->io->send(b->io->ctx, req, (size_t)n);
	explicit_bzero(req, sizeof req);
	if (rc == -1)
		return rb_failed(b, EXIT_OTHER, "cannot send", b->io->why(b->io->ctx));
	return 0;
}

/* Reads what the server sent next into the receive buffer. 1 bytes came,
 * 0 timed out, RB_FAIL on error or close (b->closed set for a close). */
static int
rb_fill(struct rb *b, int timeout_ms)
{
	uint8_t *space;
	size_t avail;

	if (rtsp_rx_reserve(&b->rx, READ_CHUNK, &space, &avail) == -1)
		return rb_failed(b, EXIT_OTHER, "out of memory", NULL);
	long n = b->io->recv(b->io->ctx, space, avail, timeout_ms);
	if (n > 0) {
		rtsp_rx_commit(&b->rx, (size_t)n);
		return 1;
	}
	if (n == 0)
		return 0;
	if (n == RTSP_IO_CLOSED) {
		b->closed = 1;
		return RB_FAIL;
	}
	return rb_failed(b, EXIT_OTHER, "connection failed", b->io->why(b->io->ctx));
}

/* The next whole message, waiting until DEADLINE. RTSP_RX_NONE on timeout
 * or close, RTSP_RX_ERROR on a malformed stream (message printed). */
static enum rtsp_rx_kind
rb_next(struct rb *b, struct rtsp_rx_event *ev, long long deadline)
{
	for (;;) {
		enum rtsp_rx_kind k = rtsp_rx_next(&b->rx, ev);
		if (k == RTSP_RX_ERROR)
			rb_failed(b, EXIT_OTHER, "cannot read the server's reply", ev->error);
		if (k != RTSP_RX_NONE)
			return k;
		long long left = deadline - net_now_ms();
		if (left <= 0 || rb_fill(b, (int)left) != 1)
			return RTSP_RX_NONE;
	}
}

/* An interleaved frame: audio to the WAV file. */
static void
rb_frame(struct rb *b, struct rtsp_rx_event *ev)
{
	const uint8_t *pcm;
	size_t len;
	char err[ERR_MAX];

	if (rtsp_client_frame(&b->cl, ev->channel, ev->data, ev->len, &pcm, &len) != 1)
		return;
	if (b->player != NULL)
		audio_player_push(b->player, pcm, len);
	if (wav_writer_write(&b->wav, pcm, len, err, sizeof err) == -1)
		rb_failed(b, EXIT_OTHER, err, NULL);
}

/* Prints a response and applies it. Its code, or RB_FAIL. */
static int
rb_response(struct rb *b, const struct rtsp_response *r)
{
	char err[ERR_MAX];

	b->got_response = 1;
	for (unsigned i = 0; i < r->nlines; i++)
		text_printf(b->out, b->cfg->utf8, "S: %s\n", r->lines[i]);
	rb_print(b, "S: ", r->body);
	fflush(b->out);
	int code = rtsp_client_response(&b->cl, r, err, sizeof err);
	return code == -1 ? rb_failed(b, EXIT_OTHER, err, NULL) : code;
}

/* Waits for the response to the request just sent (frames meanwhile go to
 * the file). Its status code, or RB_FAIL. */
static int
rb_await(struct rb *b)
{
	struct rtsp_rx_event ev;
	long long deadline = net_now_ms() + b->cfg->reply_timeout_ms;

	for (;;) {
		switch (rb_next(b, &ev, deadline)) {
		case RTSP_RX_FRAME:
			rb_frame(b, &ev);
			break;
		case RTSP_RX_RESPONSE:
			return rb_response(b, &ev.resp);
		case RTSP_RX_ERROR:
			return RB_FAIL;
		default:
			if (b->closed && !b->got_response)
				return rb_failed(b, EXIT_CONNECT, "the server ended the session before "
				                 "answering (does it require a client certificate?)", NULL);
			if (b->closed)
				return rb_failed(b, EXIT_OTHER, "the server closed the connection", NULL);
			return rb_failed(b, EXIT_OTHER, "no reply in time from", b->cfg->peer);
		}
	}
}

/* Sends METHOD and waits for its response: the status code, or RB_FAIL. */
static int
rb_request(struct rb *b, const char *method, int64_t range_ms)
{
	if (b->fail != EXIT_OK || rb_send(b, method, range_ms) == RB_FAIL)
		return RB_FAIL;
	return rb_await(b);
}

/* A status other than 200 to METHOD ends the flow. */
static int
rb_expect_ok(struct rb *b, const char *method, int code)
{
	char what[ERR_MAX];

	if (code == 200 || code == RB_FAIL)
		return code == 200 ? 0 : RB_FAIL;
	snprintf(what, sizeof what, "%s %s refused with %d", method, b->cfg->url, code);
	return rb_failed(b, code == 401 ? EXIT_AUTH : EXIT_OTHER, what, NULL);
}

/* DESCRIBE, logging in on a 401. 0, or RB_FAIL. */
static int
rb_describe(struct rb *b)
{
	int code = rb_request(b, "DESCRIBE", -1);

	if (code == 401 && b->cfg->user == NULL)
		return rb_failed(b, EXIT_AUTH, "the server asks for a login (--user and "
		                 "--password-file)", NULL);
	if (code == 401) {
		if (rtsp_client_set_login(&b->cl, b->cfg->user, b->cfg->password) == -1)
			return rb_failed(b, EXIT_USAGE, "the user name or password cannot be sent", NULL);
		code = rb_request(b, "DESCRIBE", -1);
		if (code == 401)
			return rb_failed(b, EXIT_AUTH, "login refused for", b->cfg->user);
	}
	return rb_expect_ok(b, "DESCRIBE", code);
}

/* Receives the stream until its BYE or the server closing. 0, or RB_FAIL. */
static int
rb_play(struct rb *b)
{
	struct rtsp_rx_event ev;
	long long keep_ms = (long long)b->cl.session_timeout_s * MS_PER_S / HALF;

	b->next_keepalive = net_now_ms() + keep_ms;
	while (!b->cl.rtp.bye && b->fail == EXIT_OK) {
		long long now = net_now_ms();
		if (now >= b->next_keepalive) {
			b->next_keepalive = now + keep_ms;
			if (rb_send(b, "GET_PARAMETER", -1) == RB_FAIL)
				return RB_FAIL;
		}
		long long until = now + b->cfg->reply_timeout_ms;
		switch (rb_next(b, &ev, until < b->next_keepalive ? until : b->next_keepalive)) {
		case RTSP_RX_FRAME:
			rb_frame(b, &ev);
			break;
		case RTSP_RX_RESPONSE:
			rb_response(b, &ev.resp);
			break;
		case RTSP_RX_ERROR:
			return RB_FAIL;
		default:
			if (b->closed)
				return 0;   /* the server ended the stream by closing */
			if (net_now_ms() >= until)
				return rb_failed(b, EXIT_OTHER, "no audio in time from", b->cfg->peer);
		}
	}
	return b->fail == EXIT_OK ? 0 : RB_FAIL;
}

/* The last line: what arrived. */
static void
rb_summary(struct rb *b)
{
	const struct rtsp_rtp_stats *st = &b->cl.rtp;
	long long ms = net_now_ms() - b->play_start;
	unsigned long long audio = b->cl.rate ? st->frames * MS_PER_S / b->cl.rate : 0;

	text_printf(b->out, b->cfg->utf8, "stream: %llu packets, %llu bytes, %llu lost, "
	            "%llu reordered, %llu.%03llu s of audio (%u Hz, %u ch) in %lld.%03lld s%s%s%s\n",
	            (unsigned long long)st->packets, (unsigned long long)st->bytes,
	            (unsigned long long)st->lost, (unsigned long long)st->reordered,
	            audio / MS_PER_S, audio % MS_PER_S, b->cl.rate, b->cl.channels,
	            ms / MS_PER_S, ms % MS_PER_S,
	            st->bye ? ", ended by RTCP BYE" : ", ended by the server closing",
	            b->cfg->output ? ", written to " : "", b->cfg->output ? b->cfg->output : "");
	fflush(b->out);
}

/* --play: the device, opened for the SDP's format. 0, or RB_FAIL. */
static int
rb_audio_open(struct rb *b)
{
	char err[ERR_MAX];

	if (b->cfg->audio_device == NULL)
		return 0;
	if (audio_player_open(&b->player, b->cfg->audio_device, b->cl.rate, b->cl.channels,
	                      b->cfg->buffer_ms, err, sizeof err) == -1)
		return rb_failed(b, EXIT_OTHER, "cannot play", err);
	return 0;
}

/* --play: waits until the device has played everything, then one line on
 * what it did. 0, or RB_FAIL when the device failed or stopped taking audio. */
static int
rb_audio_finish(struct rb *b)
{
	struct audio_player_stats st;
	char held[ERR_MAX];
	int rc;

	if (b->player == NULL)
		return 0;
	rc = audio_player_finish(b->player, (int)b->cfg->buffer_ms + AUDIO_FINISH_SLACK_MS);
	audio_player_stats(b->player, &st);
	if (st.state == AUDIO_PLAYER_FAILED)
		return rb_failed(b, EXIT_OTHER, st.error, NULL);
	if (rc == -1)
		return rb_failed(b, EXIT_OTHER, "the sound device stopped taking audio:",
		                 audio_player_device(b->player));
	if (st.clocked)
		snprintf(held, sizeof held, "held %u..%u ms once settled", st.level_min_ms,
		         st.level_max_ms);
	else
		snprintf(held, sizeof held, "the device keeps no clock");
	text_printf(b->out, b->cfg->utf8, "audio: played to '%s' (%u Hz, %u ch): %llu frames, "
	            "buffer %u ms (%s), %llu underruns, %llu dropped, %llu repeated, %llu lost to "
	            "a full buffer\n", audio_player_device(b->player), st.rate, st.channels,
	            (unsigned long long)st.heard, st.target_ms, held,
	            (unsigned long long)st.underruns, (unsigned long long)st.dropped,
	            (unsigned long long)st.repeated, (unsigned long long)st.overflow);
	fflush(b->out);
	return 0;
}

/* SETUP, PLAY, the stream, TEARDOWN. 0, or RB_FAIL. */
static int
rb_stream(struct rb *b)
{
	char err[ERR_MAX];

	if (rb_audio_open(b) == RB_FAIL)
		return RB_FAIL;
	if (b->cfg->output != NULL &&
	    wav_writer_open(&b->wav, b->cfg->output, b->cl.rate, b->cl.channels, err, sizeof err) == -1)
		return rb_failed(b, EXIT_OTHER, err, NULL);
	if (rb_expect_ok(b, "SETUP", rb_request(b, "SETUP", -1)) == RB_FAIL)
		return RB_FAIL;
	b->play_start = net_now_ms();
	if (rb_expect_ok(b, "PLAY", rb_request(b, "PLAY", 0)) == RB_FAIL)
		return RB_FAIL;
	if (b->player != NULL)
		audio_player_start(b->player, 0);
	if (rb_play(b) == RB_FAIL)
		return RB_FAIL;
	if (!b->closed)
		rb_expect_ok(b, "TEARDOWN", rb_request(b, "TEARDOWN", -1));
	if (wav_writer_close(&b->wav, err, sizeof err) == -1)
		return rb_failed(b, EXIT_OTHER, err, NULL);
	rb_summary(b);
	rb_audio_finish(b);
	return b->fail == EXIT_OK ? 0 : RB_FAIL;
}

int
rtsp_batch_run(const struct rtsp_batch_config *cfg, struct rtsp_io *io, FILE *out, FILE *err)
{
	struct rb b;
	char e[ERR_MAX];

	memset(&b, 0, sizeof b);
	b.cfg = cfg;
	b.io = io;
	b.out = out;
	b.err = err;
	b.fail = EXIT_OK;
	rtsp_client_init(&b.cl, cfg->url);
	rtsp_rx_init(&b.rx);
	if (rb_describe(&b) == 0)
		rb_stream(&b);
	wav_writer_close(&b.wav, e, sizeof e);
	audio_player_close(b.player);
	rtsp_client_clear(&b.cl);
	rtsp_rx_free(&b.rx);
	return b.fail;
}

int
rtsp_batch_main(WOLFSSL_CTX *ctx, const struct session_target *t, const struct seal_opts *o,
                const char *password, int utf8)
{
	char url[RTSP_CLIENT_URL_MAX], hostport[SESSION_PEER_MAX], err[ERR_MAX];
	struct session s;
	struct rtsp_io io;

	options_url_hostport(&o->url, hostport, sizeof hostport);
	snprintf(url, sizeof url, "rtsps://%s%s", hostport, o->url.path);
	struct rtsp_batch_config cfg = {
		.url = url, .peer = t->peer, .user = o->user, .password = password,
		.output = o->output, .reply_timeout_ms = CLIENT_REPLY_TIMEOUT_MS, .utf8 = utf8,
		.audio_device = options_audio_device(o, 0), .buffer_ms = o->buffer_ms,
	};
	int rc = session_open(&s, ctx, t, err, sizeof err);
	if (rc != EXIT_OK) {
		text_printf(stderr, utf8, "seal: %s\n", err);
	} else {
		if (o->verbose)
			report_print(stderr, &s, utf8);
		rtsp_io_session(&s, &io);
		rc = rtsp_batch_run(&cfg, &io, stdout, stderr);
	}
	session_close(&s);
	return rc;
}
