/*
 * fuzz_rtsp_client.c: seal's RTSP client reading a fuzzed server's byte
 * stream: client/proto/rtsp_rx.c takes it apart into responses (status line,
 * headers, Content-Length body) and interleaved frames, in pieces of
 * varying size as reads deliver them; client/proto/rtsp_client.c applies each
 * response to the request it answers (OPTIONS, DESCRIBE with its SDP,
 * SETUP's Transport and Session, PLAY, PAUSE, GET_PARAMETER, TEARDOWN, in
 * the order rtsp_batch.c sends them) and each frame to the stream (RTP
 * sequence, L16 samples, RTCP BYE). Checks that responses and frames stay
 * inside what was received and that state stays in bounds.
 */
#include "fuzzlib.h"
#include "defaults.h"
#include "proto_defaults.h"
#include "rtsp_client.h"
#include "rtsp_rx.h"

#include <stdlib.h>
#include <string.h>

#define URL        "rtsps://localhost:8322/tone.wav"
#define ERR_MAX    256
#define RANGE_MS   1500
#define AUTH_LINE  "\r\nAuthorization: "
#define AUTH_SHOWN AUTH_LINE "Basic " CLIENT_MASK "\r\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {
	"OPTIONS", "DESCRIBE", "SETUP", "PLAY", "GET_PARAMETER", "PAUSE", "PLAY", "TEARDOWN",
};
#define NMETHODS (sizeof methods / sizeof methods[0])

/* Read sizes, so that messages also arrive cut at odd places. */
static const size_t reads[] = { 7, 1, 300, 2, 64, READ_CHUNK };
#define NREADS (sizeof reads / sizeof reads[0])

struct rtsp_fuzz {
	struct rtsp_client cl;
	struct rtsp_rx     rx;
	unsigned           next;      /* the next method to send */
	char               req[RTSP_CLIENT_REQUEST_MAX], shown[RTSP_CLIENT_REQUEST_MAX];
};

static void
send_next(struct rtsp_fuzz *f)
{
	const char *m = methods[f->next++ % NMETHODS];
	int n = rtsp_client_request(&f->cl, m, strcmp(m, "PLAY") == 0 ? RANGE_MS : -1, f->req,
	                            sizeof f->req, f->shown, sizeof f->shown);

	FUZZ_CHECK(n < 0 || (size_t)n == strlen(f->req), "request length wrong");
	for (const char *a = f->shown; n >= 0 && (a = strstr(a, AUTH_LINE)) != NULL; a++)
		FUZZ_CHECK(strncmp(a, AUTH_SHOWN, strlen(AUTH_SHOWN)) == 0,
		           "credentials in the transcript");
}

static void
on_response(struct rtsp_fuzz *f, const struct rtsp_response *r)
{
	char err[ERR_MAX];

	FUZZ_CHECK(r->nlines >= 1 && r->nlines <= RTSP_RX_LINES_MAX, "response line count");
	FUZZ_CHECK(strlen(r->body) == r->body_len || memchr(r->body, '\0', r->body_len) != NULL,
	           "body length wrong");
	rtsp_rx_response_header(r, "Session");
	rtsp_rx_response_header(r, "Content-Base");
	rtsp_client_response(&f->cl, r, err, sizeof err);
	FUZZ_CHECK(f->cl.ch_rtp >= 0 && f->cl.ch_rtp <= UINT8_MAX && f->cl.ch_rtcp >= 0 &&
	           f->cl.ch_rtcp <= UINT8_MAX, "channels out of range");
	FUZZ_CHECK(f->cl.channels <= 2 || !f->cl.have_sdp, "too many channels accepted");
	rtsp_client_state_name(f->cl.state);
	send_next(f);
}

static void
on_frame(struct rtsp_fuzz *f, struct rtsp_rx_event *ev)
{
	const uint8_t *pcm;
	size_t len;

	if (rtsp_client_frame(&f->cl, ev->channel, ev->data, ev->len, &pcm, &len) == 1)
		FUZZ_CHECK(pcm >= ev->data && pcm + len <= ev->data + ev->len, "PCM out of the frame");
}

/* Takes every whole message out. 0, or -1 when the stream is unreadable. */
static int
drain(struct rtsp_fuzz *f)
{
	struct rtsp_rx_event ev;

	for (;;) {
		switch (rtsp_rx_next(&f->rx, &ev)) {
		case RTSP_RX_RESPONSE:
			on_response(f, &ev.resp);
			break;
		case RTSP_RX_FRAME:
			on_frame(f, &ev);
			break;
		case RTSP_RX_ERROR:
			FUZZ_CHECK(ev.error != NULL, "error without a reason");
			return -1;
		default:
			return 0;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtsp_fuzz *f = calloc(1, sizeof *f);
	size_t off = 0;
	uint8_t *space;
	size_t avail;

	if (f == NULL)
		abort();
	rtsp_client_init(&f->cl, URL);
	rtsp_client_set_login(&f->cl, "alice", "wonderland-7");
	rtsp_rx_init(&f->rx);
	send_next(f);
	for (unsigned i = 0; off < size; i++) {
		size_t n = size - off < reads[i % NREADS] ? size - off : reads[i % NREADS];
		if (rtsp_rx_reserve(&f->rx, n, &space, &avail) == -1)
			abort();
		memcpy(space, data + off, n);
		rtsp_rx_commit(&f->rx, n);
		off += n;
		if (drain(f) == -1)
			break;
	}
	rtsp_client_clear(&f->cl);
	rtsp_rx_free(&f->rx);
	free(f);
	return 0;
}
