/* test_rtsp_client.c: seal's RTSP side without sockets: requests and their
 * masking, the response/frame splitter fed in small pieces, SDP, RTP
 * sequence tracking, the WAV writer, and the batch flow against a scripted
 * server. */
#include "unit.h"
#include "defaults.h"
#include "rtp.h"
#include "rtsp_batch.h"
#include "rtsp_client.h"
#include "rtsp_rx.h"
#include "wav_writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define URL "rtsps://localhost:8322/demo.wav"
#define ERRLEN 256

UNIT_TEST(rtsp_client_requests_carry_cseq_session_and_masked_auth)
{
	struct rtsp_client c;
	char out[RTSP_CLIENT_REQUEST_MAX], shown[RTSP_CLIENT_REQUEST_MAX];

	rtsp_client_init(&c, URL);
	CHECK(rtsp_client_request(&c, "DESCRIBE", -1, out, sizeof out, shown, sizeof shown) > 0);
	CHECK(strncmp(out, "DESCRIBE " URL " RTSP/1.0\r\nCSeq: 1\r\n", 45) == 0);
	CHECK(strstr(out, "Accept: application/sdp\r\n") != NULL);
	CHECK(strstr(out, "\r\n\r\n") == out + strlen(out) - 4);
	CHECK_INT(rtsp_client_set_login(&c, "alice", "s3cret"), 0);
	strcpy(c.session, "abc");
	CHECK(rtsp_client_request(&c, "PLAY", 1500, out, sizeof out, shown, sizeof shown) > 0);
	CHECK(strstr(out, "CSeq: 2\r\n") != NULL);
	CHECK(strstr(out, "Range: npt=1.500-\r\n") != NULL);
	CHECK(strstr(out, "Session: abc\r\n") != NULL);
	CHECK(strstr(out, "Authorization: Basic YWxpY2U6czNjcmV0\r\n") != NULL);
	CHECK(strstr(shown, "Authorization: Basic ********\r\n") != NULL);
	CHECK(strstr(shown, "YWxp") == NULL);
	CHECK_INT(rtsp_client_set_login(&c, "a:b", "x"), -1);
	CHECK_STR(c.auth, "");
	rtsp_client_clear(&c);
}

UNIT_TEST(rtsp_rx_splits_responses_and_frames_fed_bytewise)
{
	static const char text[] =
		"RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 5\r\nSession: x;timeout=9\r\n\r\nhello"
		"$\x01\x00\x03" "abc"
		"\r\nRTSP/2.0 454 Session Not Found\nCSeq: 4\n\n";
	struct rtsp_rx rx;
	struct rtsp_rx_event ev;
	int kinds[8], n = 0;

	rtsp_rx_init(&rx);
	for (size_t i = 0; i < sizeof text - 1; i++) {
		CHECK_INT(rtsp_rx_append(&rx, text + i, 1), 0);
		for (enum rtsp_rx_kind k; (k = rtsp_rx_next(&rx, &ev)) != RTSP_RX_NONE && n < 8;) {
			kinds[n++] = k;
			if (n == 1) {
				CHECK_INT(ev.resp.code, 200);
				CHECK_STR(ev.resp.reason, "OK");
				CHECK_STR(ev.resp.body, "hello");
				CHECK_STR(rtsp_rx_response_header(&ev.resp, "session"), "x;timeout=9");
				CHECK(rtsp_rx_response_header(&ev.resp, "Transport") == NULL);
			} else if (n == 2) {
				CHECK_INT(ev.channel, 1);
				CHECK_INT(ev.len, 3);
				CHECK(memcmp(ev.data, "abc", 3) == 0);
			} else {
				CHECK_INT(ev.resp.version, 20);
				CHECK_INT(ev.resp.code, 454);
				CHECK_INT(ev.resp.body_len, 0);
			}
		}
	}
	CHECK_INT(n, 3);
	CHECK(kinds[0] == RTSP_RX_RESPONSE && kinds[1] == RTSP_RX_FRAME && kinds[2] == RTSP_RX_RESPONSE);
	rtsp_rx_free(&rx);
}

UNIT_TEST(rtsp_rx_refuses_garbage_and_huge_heads)
{
	struct rtsp_rx rx;
	struct rtsp_rx_event ev;
	char *big = malloc(RTSP_CLIENT_RESPONSE_MAX + 10);

	rtsp_rx_init(&rx);
	rtsp_rx_append(&rx, "HTTP/1.1 200 OK\r\n\r\n", 19);
	CHECK_INT(rtsp_rx_next(&rx, &ev), RTSP_RX_ERROR);
	rtsp_rx_free(&rx);
	rtsp_rx_init(&rx);
	rtsp_rx_append(&rx, "RTSP/1.0 200 OK\r\nContent-Length: 99999999999\r\n\r\n", 48);
	CHECK_INT(rtsp_rx_next(&rx, &ev), RTSP_RX_ERROR);
	rtsp_rx_free(&rx);
	rtsp_rx_init(&rx);
	memset(big, 'a', RTSP_CLIENT_RESPONSE_MAX + 10);
	rtsp_rx_append(&rx, big, RTSP_CLIENT_RESPONSE_MAX + 10);
	CHECK_INT(rtsp_rx_next(&rx, &ev), RTSP_RX_ERROR);
	rtsp_rx_free(&rx);
	free(big);
}

UNIT_TEST(rtsp_client_sdp_dynamic_static_and_refusals)
{
	struct rtsp_client c;
	char err[ERRLEN];

	rtsp_client_init(&c, URL);
	strcpy(c.base, URL "/");
	CHECK_INT(rtsp_sdp_read(&c, "v=0\r\na=range:npt=0-2.500\r\nm=audio 0 RTP/AVP 96\r\n"
	                        "a=rtpmap:96 L16/48000/1\r\na=control:trackID=0\r\n", err, sizeof err), 0);
	CHECK_INT(c.rate, 48000);
	CHECK_INT(c.channels, 1);
	CHECK_INT(c.duration_ms, 2500);
	CHECK_STR(c.track, URL "/trackID=0");
	CHECK_INT(rtsp_sdp_read(&c, "m=audio 0 RTP/AVP 10\na=control:rtsp://x/y\n", err, sizeof err), 0);
	CHECK_INT(c.rate, 44100);
	CHECK_INT(c.channels, 2);
	CHECK_STR(c.track, "rtsp://x/y");
	CHECK_INT(rtsp_sdp_read(&c, "m=video 0 RTP/AVP 96\n", err, sizeof err), -1);
	CHECK(strstr(err, "no audio") != NULL);
	CHECK_INT(rtsp_sdp_read(&c, "m=audio 0 RTP/AVP 97\na=rtpmap:97 opus/48000/2\n", err,
	                        sizeof err), -1);
	CHECK(strstr(err, "opus") != NULL);
	CHECK_INT(rtsp_sdp_read(&c, "m=audio 0 RTP/AVP 96\na=rtpmap:96 L16/8000/6\n", err,
	                        sizeof err), -1);
}

/* A 200 to METHOD with header lines L1 and L2 applied to C: what
 * rtsp_client_response returns. */
static int
apply_200(struct rtsp_client *c, const char *method, const char *l1, const char *l2)
{
	struct rtsp_response r = { .version = 10, .code = 200, .reason = "OK",
	                           .lines = { "RTSP/1.0 200 OK", l1, l2 }, .nlines = 3,
	                           .body = "" };
	char err[ERRLEN];

	snprintf(c->pending, sizeof c->pending, "%s", method);
	return rtsp_client_response(c, &r, err, sizeof err);
}

/* Numbers a server sends are read whole or not at all: no value wrapped
 * past its type, no sign, nothing glued after it (the old atoi, sscanf
 * and strtoull took all of those). */
UNIT_TEST(rtsp_client_server_numbers_are_read_strictly)
{
	struct rtsp_client c;
	char err[ERRLEN];
	const char *p;
	uint64_t ms;

	rtsp_client_init(&c, URL);
	CHECK_INT(apply_200(&c, "SETUP", "Session: s1;timeout=4294967297",
	                    "Transport: RTP/AVP/TCP;unicast;interleaved=2-3"), 200);
	CHECK_INT(c.session_timeout_s, RTSP_SESSION_TIMEOUT_S);    /* not 1: refused */
	CHECK_INT(c.ch_rtp, 2);
	CHECK_INT(c.ch_rtcp, 3);
	CHECK_INT(apply_200(&c, "SETUP", "Session: s1;timeout=30;x=y",
	                    "Transport: RTP/AVP/TCP;interleaved=4-5;mode=play"), 200);
	CHECK_INT(c.session_timeout_s, 30);
	CHECK_INT(c.ch_rtp, 4);
	apply_200(&c, "SETUP", "Session: s1;timeout=-5", "Transport: RTP/AVP/TCP;interleaved=6-7");
	apply_200(&c, "SETUP", "Session: s1;timeout=45s", "Transport: RTP/AVP/TCP;interleaved=6-7");
	CHECK_INT(c.session_timeout_s, 30);
	CHECK_INT(apply_200(&c, "SETUP", "Session: s1",
	                    "Transport: RTP/AVP/TCP;interleaved=4294967296-1"), -1);
	CHECK_INT(apply_200(&c, "SETUP", "Session: s1",
	                    "Transport: RTP/AVP/TCP;interleaved=+0-1"), -1);
	CHECK_INT(apply_200(&c, "SETUP", "Session: s1",
	                    "Transport: RTP/AVP/TCP;interleaved=0-1x"), -1);
	CHECK_INT(c.ch_rtp, 6);                         /* the last good one */

	strcpy(c.base, URL "/");
	CHECK_INT(rtsp_sdp_read(&c, "a=range:npt=0-99999999999999999999\nm=audio 0 RTP/AVP 10\n",
	                        err, sizeof err), 0);
	CHECK_INT(c.duration_ms, 0);                   /* unknown, not wrapped round */
	CHECK_INT(rtsp_sdp_read(&c, "a=range:npt=0--5\nm=audio 0 RTP/AVP 10\n", err,
	                        sizeof err), 0);
	CHECK_INT(c.duration_ms, 0);
	CHECK_INT(rtsp_sdp_read(&c, "a=range:npt=0-2.5x\nm=audio 0 RTP/AVP 10\n", err,
	                        sizeof err), 0);
	CHECK_INT(c.duration_ms, 0);
	CHECK_INT(rtsp_sdp_read(&c, "a=range:npt=0-1.2345\nm=audio 0 RTP/AVP 10\n", err,
	                        sizeof err), 0);
	CHECK_INT(c.duration_ms, 1234);
	p = "18446744073709551.615-";
	CHECK_INT(rtsp_sdp_npt_ms(&p, &ms), 0);
	CHECK(ms == UINT64_MAX);
	CHECK_STR(p, "-");
	p = "18446744073709551.616";
	CHECK_INT(rtsp_sdp_npt_ms(&p, &ms), -1);
	p = "18446744073709552";
	CHECK_INT(rtsp_sdp_npt_ms(&p, &ms), -1);
	p = ".5";
	CHECK_INT(rtsp_sdp_npt_ms(&p, &ms), -1);
	rtsp_client_clear(&c);
}

/* An RTP packet with SEQ carrying one stereo frame (L=0x0102, R=-2). */
static size_t
rtp_packet(uint8_t *b, uint16_t seq)
{
	struct rtp_header h = { .pt = 10, .seq = seq, .ts = seq * 1u, .ssrc = 9 };
	rtp_write_header(b, &h);
	memcpy(b + RTP_HEADER_LEN, "\x01\x02\xff\xfe", 4);
	return RTP_HEADER_LEN + 4;
}

UNIT_TEST(rtsp_client_frames_pcm_sequence_and_bye)
{
	struct rtsp_client c;
	uint8_t b[64];
	const uint8_t *pcm;
	size_t len;
	uint16_t seqs[] = { 65534, 65535, 0, 3, 2, 4 };

	rtsp_client_init(&c, URL);
	c.channels = 2;
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		size_t n = rtp_packet(b, seqs[i]);
		CHECK_INT(rtsp_client_frame(&c, 0, b, n, &pcm, &len), 1);
		CHECK_INT(len, 4);
		CHECK(pcm[0] == 0x02 && pcm[1] == 0x01 && pcm[2] == 0xfe && pcm[3] == 0xff);
	}
	CHECK_INT(c.rtp.packets, 6);
	CHECK_INT(c.rtp.lost, 1);            /* 1 and 2 missing, 2 came late */
	CHECK_INT(c.rtp.reordered, 1);
	CHECK_INT(c.rtp.frames, 6);
	CHECK_INT(c.rtp.peak[0], 0x0102);
	CHECK_INT(c.rtp.peak[1], 2);
	struct rtcp_sr sr = { .ssrc = 9 };
	size_t n = rtcp_write_sr(b, sizeof b, &sr);
	CHECK_INT(rtsp_client_frame(&c, 1, b, n, &pcm, &len), 0);
	CHECK_INT(c.rtp.bye, 0);
	n += rtcp_write_bye(b + n, sizeof b - n, 9);
	CHECK_INT(rtsp_client_frame(&c, 1, b, n, &pcm, &len), 0);
	CHECK_INT(c.rtp.bye, 1);
	CHECK_INT(rtsp_client_frame(&c, 7, b, 3, &pcm, &len), 0);
}

UNIT_TEST(rtsp_wav_writer_header_fixed_up)
{
	const char *dir = unit_tmpdir();
	char path[512], err[ERRLEN];
	struct wav_writer w;
	uint8_t h[WAV_HEADER_LEN], want[WAV_HEADER_LEN];

	snprintf(path, sizeof path, "%s/o.wav", dir);
	CHECK_INT(wav_writer_open(&w, path, 44100, 2, err, sizeof err), 0);
	CHECK_INT(wav_writer_write(&w, "abcdefgh", 8, err, sizeof err), 0);
	CHECK_INT(wav_writer_write(&w, "ijkl", 4, err, sizeof err), 0);
	CHECK_INT(wav_writer_close(&w, err, sizeof err), 0);
	CHECK_INT(wav_writer_close(&w, err, sizeof err), 0);
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL && fread(h, 1, sizeof h, f) == sizeof h);
	if (f != NULL)
		fclose(f);
	wav_writer_header(want, 44100, 2, 12);
	CHECK(memcmp(h, want, sizeof h) == 0);
	CHECK(memcmp(h, "RIFF\x30\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0\x10\xb1\x02\0\x04\0\x10\0data\x0c\0\0\0", 44) == 0);
	CHECK_INT(wav_writer_open(&w, "/nonexistent/dir/x.wav", 8000, 1, err, sizeof err), -1);
}

/* --- the batch flow against a scripted server ------------------------ */

struct chunk { const void *data; size_t len; };

struct fake {
	struct chunk replies[8];     /* one per request, delivered after it is sent */
	int          nreplies, next;
	uint8_t      pending[16384];
	size_t       plen, poff;
	char         sent[8192];
	size_t       slen;
	int          close_at_end;
};

static int
fake_send(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;
	if (f->slen + len < sizeof f->sent) {
		memcpy(f->sent + f->slen, buf, len);
		f->slen += len;
		f->sent[f->slen] = '\0';
	}
	if (f->next < f->nreplies) {
		const struct chunk *c = &f->replies[f->next++];
		memcpy(f->pending + f->plen, c->data, c->len);
		f->plen += c->len;
	}
	return 0;
}

static long
fake_recv(void *ctx, void *buf, size_t cap, int timeout_ms)
{
	struct fake *f = ctx;
	(void)timeout_ms;
	if (f->poff == f->plen)
		return f->close_at_end ? RTSP_IO_CLOSED : 0;
	size_t n = f->plen - f->poff;
	if (n > 7)
		n = 7;                        /* small pieces: messages split anywhere */
	if (n > cap)
		n = cap;
	memcpy(buf, f->pending + f->poff, n);
	f->poff += n;
	return (long)n;
}

static const char *
fake_why(void *ctx)
{
	(void)ctx;
	return "fake";
}

#define R401 "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic realm=\"sealed\"\r\n\r\n"
#define SDP  "v=0\r\nm=audio 0 RTP/AVP 10\r\na=rtpmap:10 L16/44100/2\r\na=control:trackID=0\r\n"
#define R200D "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Base: " URL "/\r\nContent-Length: %zu\r\n\r\n%s"
#define R200S "RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: s1;timeout=60\r\n" \
              "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n"
#define R200P "RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: s1\r\n\r\n"
#define R200T "RTSP/1.0 200 OK\r\nCSeq: 5\r\n\r\n"

static size_t
play_reply(uint8_t *b)
{
	size_t n = strlen(R200P);
	memcpy(b, R200P, n);
	for (uint16_t s = 10; s < 13; s++) {
		size_t k = rtp_packet(b + n + RTP_INTERLEAVE_LEN, s);
		rtp_write_interleave(b + n, 0, (uint16_t)k);
		n += RTP_INTERLEAVE_LEN + k;
	}
	struct rtcp_sr sr = { .ssrc = 9 };
	size_t k = rtcp_write_sr(b + n + RTP_INTERLEAVE_LEN, 64, &sr);
	k += rtcp_write_bye(b + n + RTP_INTERLEAVE_LEN + k, 64, 9);
	rtp_write_interleave(b + n, 1, (uint16_t)k);
	return n + RTP_INTERLEAVE_LEN + k;
}

static int
run_batch(struct fake *f, const char *user, const char *out_path, char *transcript, size_t tlen)
{
	struct rtsp_io io = { f, fake_send, fake_recv, fake_why };
	struct rtsp_batch_config cfg = { .url = URL, .peer = "localhost:8322", .user = user,
	                                 .password = "pw", .output = out_path,
	                                 .reply_timeout_ms = 50 };
	FILE *out = fmemopen(transcript, tlen, "w");
	FILE *err = fopen("/dev/null", "w");
	int rc = rtsp_batch_run(&cfg, &io, out, err);
	fclose(out);
	fclose(err);
	return rc;
}

UNIT_TEST(rtsp_batch_logs_in_plays_to_bye_and_writes_the_wav)
{
	static struct fake f;
	static uint8_t play[512];
	static char t[16384], describe[1024];
	char path[512];

	snprintf(describe, sizeof describe, R200D, strlen(SDP), SDP);
	memset(&f, 0, sizeof f);
	f.replies[0] = (struct chunk){ R401, strlen(R401) };
	f.replies[1] = (struct chunk){ describe, strlen(describe) };
	f.replies[2] = (struct chunk){ R200S, strlen(R200S) };
	f.replies[3] = (struct chunk){ play, play_reply(play) };
	f.replies[4] = (struct chunk){ R200T, strlen(R200T) };
	f.nreplies = 5;
	snprintf(path, sizeof path, "%s/b.wav", unit_tmpdir());
	CHECK_INT(run_batch(&f, "alice", path, t, sizeof t), 0);
	CHECK(strstr(t, "C: DESCRIBE " URL " RTSP/1.0\n") != NULL);
	CHECK(strstr(t, "S: RTSP/1.0 401 Unauthorized\n") != NULL);
	CHECK(strstr(t, "C: Authorization: Basic ********\n") != NULL);
	CHECK(strstr(t, "S: a=rtpmap:10 L16/44100/2\n") != NULL);
	CHECK(strstr(t, "C: SETUP " URL "/trackID=0 RTSP/1.0\n") != NULL);
	CHECK(strstr(t, "C: Session: s1\n") != NULL);
	CHECK(strstr(t, "C: TEARDOWN " URL "/ RTSP/1.0\n") != NULL);
	CHECK(strstr(t, "stream: 3 packets, 12 bytes, 0 lost, 0 reordered") != NULL);
	CHECK(strstr(t, "ended by RTCP BYE") != NULL);
	CHECK(strstr(t, "cHc") == NULL && strstr(f.sent, "Authorization: Basic YWxpY2U6cHc=") != NULL);
	FILE *w = fopen(path, "rb");
	uint8_t data[WAV_HEADER_LEN + 16];
	CHECK(w != NULL && fread(data, 1, sizeof data, w) == WAV_HEADER_LEN + 12);
	if (w != NULL)
		fclose(w);
	CHECK(memcmp(data + WAV_HEADER_LEN, "\x02\x01\xfe\xff", 4) == 0);
}

UNIT_TEST(rtsp_batch_exit_codes_for_login_and_refusals)
{
	static struct fake f;
	static char t[8192];
	static const char r404[] = "RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\n";

	memset(&f, 0, sizeof f);
	f.replies[0] = (struct chunk){ R401, strlen(R401) };
	f.nreplies = 1;
	CHECK_INT(run_batch(&f, NULL, NULL, t, sizeof t), EXIT_AUTH);
	memset(&f, 0, sizeof f);
	f.replies[0] = (struct chunk){ R401, strlen(R401) };
	f.replies[1] = (struct chunk){ R401, strlen(R401) };
	f.nreplies = 2;
	CHECK_INT(run_batch(&f, "alice", NULL, t, sizeof t), EXIT_AUTH);
	memset(&f, 0, sizeof f);
	f.replies[0] = (struct chunk){ r404, strlen(r404) };
	f.nreplies = 1;
	CHECK_INT(run_batch(&f, NULL, NULL, t, sizeof t), EXIT_OTHER);
	memset(&f, 0, sizeof f);
	f.close_at_end = 1;                  /* closed before any response */
	CHECK_INT(run_batch(&f, NULL, NULL, t, sizeof t), EXIT_CONNECT);
	memset(&f, 0, sizeof f);             /* silence: the reply timeout */
	CHECK_INT(run_batch(&f, NULL, NULL, t, sizeof t), EXIT_OTHER);
}
