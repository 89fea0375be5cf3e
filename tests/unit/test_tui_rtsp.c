/* test_tui_rtsp.c: the TUI's RTSP module without sockets: the player's
 * arithmetic (peaks in dBFS, meter cells and their fall, the progress bar,
 * clock and size texts), the state names and the menu's greying through a
 * scripted session (401, the login form, DESCRIBE, SETUP, PLAY, RTP, the
 * RTCP BYE noted once, PLAY again from the start, PAUSE, TEARDOWN), the
 * transcript lines and where each reply ends, the credentials never in
 * what is shown, the WAV written from what arrived, the keep-alive and the
 * steady refresh of the snapshot, Space in the player, and a broken
 * stream. */
#include "unit.h"
#include "rtp.h"
#include "rtsp_menu.h"
#include "tui_form.h"
#include "tui_menu.h"
#include "wav_writer.h"

#include <stdlib.h>

#define URL     "rtsps://localhost:8322/tone.wav"
#define PASS    "alice-Secret-1"
#define FRAMES  100                   /* stereo frames per test packet */
#define SSRC    0x1234abcdu

static const struct tui_module *M = &rtsp_menu_module;

static const char SDP[] =
	"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=tone.wav\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
	"a=range:npt=0-3.000\r\nm=audio 0 RTP/AVP 10\r\na=rtpmap:10 L16/44100/2\r\n"
	"a=control:trackID=0\r\n";

/* A fresh module state for URL, writing to OUTPUT (or not). */
static struct rtsp_menu *
fresh(const char *output)
{
	struct rtsp_menu *m = calloc(1, sizeof *m);
	struct tui_facts facts = { .url = URL, .output = output };

	M->init(m);
	M->configure(m, &facts);
	return m;
}

static void
done(struct rtsp_menu *m)
{
	M->fini(m);
	free(m);
}

/* Builds the request for METHOD as the connection does; its text. */
static const char *
send_req(struct rtsp_menu *m, const char *method, char *shown, size_t slen)
{
	static char out[TUI_REQUEST_MAX];

	CHECK(M->bytes->request(m, method, out, sizeof out, shown, slen) > 0);
	M->on_command(m, method);
	return out;
}

/* Feeds TEXT and takes everything for the transcript: the lines joined by
 * '\n' into ALL (notes marked "* "); returns how many replies ended. */
static int
feed(struct rtsp_menu *m, const void *data, size_t len, char *all, size_t alen)
{
	const char *text;
	enum raw_kind k;
	int ends = 0;

	all[0] = '\0';
	CHECK_INT(M->bytes->input(m, data, len), 0);
	while ((k = M->bytes->next(m, &text)) != RAW_NONE) {
		CHECK(k != RAW_ERROR);
		if (k == RAW_ERROR)
			break;
		if (k == RAW_END) {
			ends++;
			CHECK(strncmp(text, "RTSP/1.0 ", 9) == 0);
			M->on_reply(m, text);
			continue;
		}
		snprintf(all + strlen(all), alen - strlen(all), "%s%s\n", k == RAW_NOTE ? "* " : "",
		         text);
	}
	return ends;
}

/* A response to CSEQ with EXTRA header lines and BODY. */
static int
respond(struct rtsp_menu *m, const char *status, int cseq, const char *extra, const char *body,
        char *all, size_t alen)
{
	char r[4096];

	snprintf(r, sizeof r, "RTSP/1.0 %s\r\nCSeq: %d\r\n%sContent-Length: %zu\r\n\r\n%s", status,
	         cseq, extra, strlen(body), body);
	return feed(m, r, strlen(r), all, alen);
}

/* An interleaved RTP packet of FRAMES stereo frames at SEQ whose samples
 * are (i * 37 + seq) and its negative (as big-endian L16); the expected
 * little-endian PCM into PCM when not NULL. Its length into *LEN. */
static uint8_t *
rtp_packet(uint16_t seq, int16_t amp, size_t *len, uint8_t *pcm)
{
	static uint8_t pkt[RTP_INTERLEAVE_LEN + RTP_HEADER_LEN + FRAMES * 4];
	struct rtp_header h = { .pt = RTP_PT_L16_STEREO, .seq = seq, .ts = seq * FRAMES,
	                        .ssrc = SSRC };
	uint8_t *p = pkt + RTP_INTERLEAVE_LEN + rtp_write_header(pkt + RTP_INTERLEAVE_LEN, &h);

	for (int i = 0; i < FRAMES * 2; i++) {
		int16_t v = (int16_t)(i % 2 ? -(i * 37 % amp) : i * 37 % amp);
		if (i == 0)
			v = amp;                            /* the left channel's peak */
		p[2 * i] = (uint8_t)((uint16_t)v >> 8);
		p[2 * i + 1] = (uint8_t)v;
		if (pcm != NULL) {
			pcm[2 * i] = (uint8_t)v;
			pcm[2 * i + 1] = (uint8_t)((uint16_t)v >> 8);
		}
	}
	*len = sizeof pkt;
	rtp_write_interleave(pkt, 0, (uint16_t)(*len - RTP_INTERLEAVE_LEN));
	return pkt;
}

/* An interleaved RTCP BYE on channel 1. */
static uint8_t *
bye_packet(size_t *len)
{
	static uint8_t pkt[RTP_INTERLEAVE_LEN + RTCP_BYE_LEN];

	rtcp_write_bye(pkt + RTP_INTERLEAVE_LEN, RTCP_BYE_LEN, SSRC);
	rtp_write_interleave(pkt, 1, RTCP_BYE_LEN);
	*len = sizeof pkt;
	return pkt;
}

/* 1 when ITEM is in order (not greyed) now. */
static int
in_order(const struct rtsp_menu *m, int item)
{
	return tui_menu_in_order(M, item, M->state(m));
}

UNIT_TEST(tui_rtsp_meter_scale_in_dbfs)
{
	int floor10 = -TUI_RTSP_METER_FLOOR_DB * 10;

	CHECK_INT(rtsp_menu_meter_db10(32767), 0);
	CHECK_INT(rtsp_menu_meter_db10(40000), 0);                 /* clipped to full scale */
	CHECK(abs(rtsp_menu_meter_db10(16384) + 60) <= 1);          /* half: -6.0 dB */
	CHECK(abs(rtsp_menu_meter_db10(3277) + 200) <= 1);          /* a tenth: -20.0 dB */
	CHECK(abs(rtsp_menu_meter_db10(328) + 400) <= 1);           /* a hundredth: -40.0 dB */
	CHECK_INT(rtsp_menu_meter_db10(0), floor10);
	CHECK_INT(rtsp_menu_meter_db10(1), floor10);                /* -90 dB: under the floor */
	CHECK_INT(rtsp_menu_meter_db10(-5), floor10);
	CHECK_INT(rtsp_menu_meter_eighths(0, 10), 80);
	CHECK_INT(rtsp_menu_meter_eighths(floor10, 10), 0);
	CHECK_INT(rtsp_menu_meter_eighths(floor10 / 2, 10), 40);
	CHECK_INT(rtsp_menu_meter_eighths(floor10 / 4, 10), 60);
	CHECK_INT(rtsp_menu_meter_eighths(floor10 - 100, 10), 0);
	CHECK_INT(rtsp_menu_meter_eighths(-10, 0), 0);
}

UNIT_TEST(tui_rtsp_meter_falls_after_a_peak)
{
	int floor10 = -TUI_RTSP_METER_FLOOR_DB * 10;
	int per_100ms = TUI_RTSP_METER_FALL_DB_S;           /* tenths of dB in 100 ms */

	CHECK_INT(rtsp_menu_meter_fall(-200, -60, 100), -60);       /* a higher peak shows at once */
	CHECK_INT(rtsp_menu_meter_fall(-60, -300, 100), -60 - per_100ms);
	CHECK_INT(rtsp_menu_meter_fall(-60, -70, 100), -70);        /* never under the new peak */
	CHECK_INT(rtsp_menu_meter_fall(-60, floor10, 60000), floor10);
	CHECK_INT(rtsp_menu_meter_fall(-60, floor10, -5), -60);
}

UNIT_TEST(tui_rtsp_progress_bar_clock_and_sizes)
{
	char s[64];

	CHECK_INT(rtsp_menu_meter_bar_eighths(0, 3000, 28), 0);
	CHECK_INT(rtsp_menu_meter_bar_eighths(1500, 3000, 28), 112);
	CHECK_INT(rtsp_menu_meter_bar_eighths(1000, 3000, 28), 74);  /* 74.67: whole eighths only */
	CHECK_INT(rtsp_menu_meter_bar_eighths(3000, 3000, 28), 224);
	CHECK_INT(rtsp_menu_meter_bar_eighths(9000, 3000, 28), 224);
	CHECK_INT(rtsp_menu_meter_bar_eighths(1000, 0, 28), 0);       /* no length: empty */
	CHECK_INT(rtsp_menu_meter_bar_eighths(1000, 3000, 0), 0);
	rtsp_menu_meter_clock(0, s, sizeof s);
	CHECK_STR(s, "0:00.0");
	rtsp_menu_meter_clock(61234, s, sizeof s);
	CHECK_STR(s, "1:01.2");
	rtsp_menu_meter_clock(3000, s, sizeof s);
	CHECK_STR(s, "0:03.0");
	rtsp_menu_meter_size(999, s, sizeof s);
	CHECK_STR(s, "999 B");
	rtsp_menu_meter_size(211648, s, sizeof s);
	CHECK_STR(s, "211.6 kB");
	rtsp_menu_meter_size(5300000, s, sizeof s);
	CHECK_STR(s, "5.3 MB");
}

/* OPTIONS needs no login; DESCRIBE gets a 401, the form opens by itself
 * and sends DESCRIBE again with the credentials, masked in what is shown. */
static void
session_login(struct rtsp_menu *m, char *all, size_t alen)
{
	char shown[TUI_REQUEST_MAX];
	struct tui_queue q = { 0 };
	struct tq_item it;
	struct form f;
	char err[FORM_ERR_MAX];
	const char *out;

	out = send_req(m, "OPTIONS", shown, sizeof shown);
	CHECK(strncmp(out, "OPTIONS " URL " RTSP/1.0\r\nCSeq: 1\r\n", 44) == 0);
	CHECK_INT(respond(m, "200 OK", 1, "Public: OPTIONS, DESCRIBE\r\n", "", all, alen), 1);
	CHECK_STR(all, "RTSP/1.0 200 OK\nCSeq: 1\nPublic: OPTIONS, DESCRIBE\nContent-Length: 0\n");
	send_req(m, "DESCRIBE", shown, sizeof shown);
	CHECK_INT(respond(m, "401 Unauthorized", 2, "WWW-Authenticate: Basic realm=\"sealed\"\r\n",
	                  "", all, alen), 1);
	CHECK(strstr(all, "* the server asks for a login") != NULL);
	CHECK_STR(M->state_name(m), "INIT, login required (401)");
	CHECK_INT(M->prompt(m), RMI_LOGIN);
	CHECK_INT(M->prompt(m), MENU_NONE);                   /* once */
	CHECK(tui_form_open(&f, M->form_for(m, RMI_LOGIN), RMI_LOGIN) == 0);
	tui_form_set(&f, 0, "al:ice");
	CHECK_INT(M->build(m, RMI_LOGIN, &f, &q, err, sizeof err), -1);
	tui_form_set(&f, 0, "alice");
	tui_form_set(&f, 1, PASS);
	CHECK_INT(M->build(m, RMI_LOGIN, &f, &q, err, sizeof err), 0);
	tui_form_close(&f);
	CHECK(tui_queue_pop(&q, &it) && strcmp(it.line, "DESCRIBE") == 0);   /* the refused one again */
	tui_queue_item_free(&it);
	tui_queue_free(&q);
	out = send_req(m, "DESCRIBE", shown, sizeof shown);
	CHECK(strstr(out, "Authorization: Basic YWxpY2U6YWxpY2UtU2VjcmV0LTE=\r\n") != NULL);
	CHECK(strstr(shown, "Authorization: Basic ********\r\n") != NULL);
	CHECK(strstr(shown, "YWxp") == NULL && strstr(shown, PASS) == NULL);
}

/* DESCRIBE's SDP, SETUP, PLAY: the states and the menu's greying. */
static void
session_setup_play(struct rtsp_menu *m, char *all, size_t alen)
{
	char shown[TUI_REQUEST_MAX];

	CHECK(M->user(m) == NULL);
	CHECK_INT(respond(m, "200 OK", 3, "Content-Type: application/sdp\r\n", SDP, all, alen), 1);
	CHECK(strstr(all, "\na=range:npt=0-3.000\n") != NULL);
	CHECK_STR(M->user(m), "alice");
	CHECK_STR(M->state_name(m), "INIT, stream described");
	CHECK_INT(M->view->raise(m), 1);
	CHECK_INT(M->view->raise(m), 0);                    /* once */
	CHECK(in_order(m, RMI_SETUP) && !in_order(m, RMI_PLAY) && !in_order(m, RMI_PAUSE));
	CHECK(strstr(send_req(m, "SETUP", shown, sizeof shown),
	             "SETUP " URL "/trackID=0 RTSP/1.0\r\n") != NULL);
	CHECK_INT(respond(m, "200 OK", 4, "Session: 5EA1ED;timeout=60\r\n"
	                  "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n", "", all, alen), 1);
	CHECK_STR(rtsp_menu_state_id(rtsp_menu_state_of(m)), "READY");
	CHECK_STR(M->state_name(m), "READY");
	CHECK(M->in_transaction(m));
	CHECK(in_order(m, RMI_PLAY) && in_order(m, RMI_TEARDOWN) && !in_order(m, RMI_SETUP));
	CHECK(strstr(send_req(m, "PLAY", shown, sizeof shown), "Range:") == NULL);   /* resume */
	CHECK_INT(respond(m, "200 OK", 5, "Session: 5EA1ED\r\nRange: npt=0.000-3.000\r\n", "",
	                  all, alen), 1);
	CHECK_STR(M->state_name(m), "PLAYING");
	CHECK(in_order(m, RMI_PAUSE) && !in_order(m, RMI_PLAY) && !in_order(m, RMI_DESCRIBE));
}

UNIT_TEST(tui_rtsp_session_states_menu_and_transcript)
{
	struct rtsp_menu *m = fresh(NULL);
	static char all[16384];
	char shown[TUI_REQUEST_MAX];
	size_t len;
	uint8_t *p;

	CHECK_STR(M->state_name(m), "INIT");
	CHECK(!M->in_transaction(m) && M->user(m) == NULL);
	CHECK(in_order(m, RMI_OPTIONS) && in_order(m, RMI_DESCRIBE) && !in_order(m, RMI_SETUP));
	CHECK_STR(rtsp_menu_stream_name(m), "tone.wav");
	session_login(m, all, sizeof all);
	session_setup_play(m, all, sizeof all);
	for (uint16_t seq = 7; seq < 7 + 5; seq++) {
		p = rtp_packet(seq, 16384, &len, NULL);
		CHECK_INT(feed(m, p, len, all, sizeof all), 0);
		CHECK_STR(all, "");                            /* RTP is not for the transcript */
	}
	CHECK_INT(rtsp_menu_position_ms(m), 5 * FRAMES * 1000 / 44100);
	p = bye_packet(&len);
	CHECK_INT(feed(m, p, len, all, sizeof all), 0);
	CHECK(strncmp(all, "* RTCP BYE: the server ended the stream at 0:00.0 (5 packets", 60) == 0);
	CHECK_INT(feed(m, p, len, all, sizeof all), 0);
	CHECK_STR(all, "");                                /* noted once */
	CHECK_STR(M->state_name(m), "PLAYING, stream ended (RTCP BYE)");
	CHECK(in_order(m, RMI_PLAY) && !in_order(m, RMI_PAUSE));
	CHECK(strstr(send_req(m, "PLAY", shown, sizeof shown), "Range: npt=0.000-\r\n") != NULL);
	CHECK_INT(respond(m, "200 OK", 6, "Range: npt=0.000-3.000\r\n", "", all, sizeof all), 1);
	CHECK_INT(rtsp_menu_position_ms(m), 0);              /* from the start again */
	send_req(m, "PAUSE", shown, sizeof shown);
	CHECK_INT(respond(m, "200 OK", 7, "Range: npt=0.000-\r\n", "", all, sizeof all), 1);
	CHECK_STR(M->state_name(m), "READY, paused at 0:00.0");
	send_req(m, "TEARDOWN", shown, sizeof shown);
	CHECK_INT(respond(m, "200 OK", 8, "", "", all, sizeof all), 1);
	CHECK_STR(M->state_name(m), "INIT, stream described");
	CHECK(!M->in_transaction(m));
	done(m);
}

UNIT_TEST(tui_rtsp_output_wav_holds_what_arrived)
{
	char path[512], shown[TUI_REQUEST_MAX], all[8192];
	uint8_t want[3][FRAMES * 4];
	struct rtsp_menu *m;
	size_t len;
	FILE *f;

	snprintf(path, sizeof path, "%s/out.wav", unit_tmpdir());
	m = fresh(path);
	send_req(m, "DESCRIBE", shown, sizeof shown);
	respond(m, "200 OK", 1, "", SDP, all, sizeof all);
	send_req(m, "SETUP", shown, sizeof shown);
	respond(m, "200 OK", 2, "Session: 1;timeout=60\r\nTransport: RTP/AVP/TCP;interleaved=0-1\r\n",
	        "", all, sizeof all);
	CHECK(strstr(all, "* the audio goes to ") != NULL);
	send_req(m, "PLAY", shown, sizeof shown);
	respond(m, "200 OK", 3, "Range: npt=0.000-3.000\r\n", "", all, sizeof all);
	for (int i = 0; i < 3; i++) {
		uint8_t *p = rtp_packet((uint16_t)(100 + i), (int16_t)(1000 * (i + 1)), &len, want[i]);
		feed(m, p, len, all, sizeof all);
	}
	send_req(m, "TEARDOWN", shown, sizeof shown);
	respond(m, "200 OK", 4, "", "", all, sizeof all);
	CHECK(strstr(all, "out.wav written: 0:00.0 of audio, 1.2 kB") != NULL);
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (f != NULL) {
		uint8_t got[sizeof want];
		CHECK(fseek(f, WAV_HEADER_LEN, SEEK_SET) == 0);
		CHECK_INT(fread(got, 1, sizeof got + 1, f), sizeof got);
		CHECK(memcmp(got, want, sizeof want) == 0);
		fclose(f);
	}
	done(m);
}

/* A PLAY reply's Range start past what milliseconds hold is not taken:
 * the position stays where it was (the old strtoull * 1000 wrapped). */
UNIT_TEST(tui_rtsp_play_range_past_the_limit_is_ignored)
{
	struct rtsp_menu *m = fresh(NULL);
	char shown[TUI_REQUEST_MAX], all[8192];

	send_req(m, "DESCRIBE", shown, sizeof shown);
	respond(m, "200 OK", 1, "", SDP, all, sizeof all);
	send_req(m, "SETUP", shown, sizeof shown);
	respond(m, "200 OK", 2, "Session: 1;timeout=60\r\nTransport: RTP/AVP/TCP;interleaved=0-1\r\n",
	        "", all, sizeof all);
	send_req(m, "PLAY", shown, sizeof shown);
	respond(m, "200 OK", 3, "Range: npt=99999999999999999999.000-\r\n", "", all, sizeof all);
	CHECK_STR(M->state_name(m), "PLAYING");
	CHECK_INT(rtsp_menu_position_ms(m), 0);
	send_req(m, "PAUSE", shown, sizeof shown);
	respond(m, "200 OK", 4, "Range: npt=1.250-\r\n", "", all, sizeof all);
	send_req(m, "PLAY", shown, sizeof shown);
	respond(m, "200 OK", 5, "Range: npt=2.500-3.000\r\n", "", all, sizeof all);
	CHECK_INT(rtsp_menu_position_ms(m), 2500);
	done(m);
}

UNIT_TEST(tui_rtsp_snapshot_pace_meters_and_keepalive)
{
	struct rtsp_menu *m = fresh(NULL);
	char shown[TUI_REQUEST_MAX], all[8192];
	struct tui_queue q = { 0 };
	struct tq_item it;
	uint8_t *p;
	size_t len;

	send_req(m, "DESCRIBE", shown, sizeof shown);
	respond(m, "200 OK", 1, "", SDP, all, sizeof all);
	send_req(m, "SETUP", shown, sizeof shown);
	respond(m, "200 OK", 2, "Session: 1;timeout=60\r\nTransport: RTP/AVP/TCP;interleaved=0-1\r\n",
	        "", all, sizeof all);
	send_req(m, "PLAY", shown, sizeof shown);
	respond(m, "200 OK", 3, "Range: npt=0.000-3.000\r\n", "", all, sizeof all);
	CHECK_INT(M->bytes->tick(m, 1000, &q), 0);
	p = rtp_packet(1, 16384, &len, NULL);
	feed(m, p, len, all, sizeof all);
	CHECK_INT(m->shown.packets, 0);                     /* not before the next refresh */
	CHECK_INT(M->bytes->tick(m, 1000 + TUI_RTSP_REFRESH_MS - 1, &q), 0);
	CHECK_INT(m->shown.packets, 0);
	CHECK_INT(M->bytes->tick(m, 1000 + TUI_RTSP_REFRESH_MS, &q), 0);
	CHECK_INT(m->shown.packets, 1);
	CHECK(abs(m->shown.level_db10[0] + 60) <= 1);      /* the left peak: -6 dB */
	CHECK(m->shown.level_db10[1] < m->shown.level_db10[0]);
	CHECK_INT(M->bytes->tick(m, 1000 + 2 * TUI_RTSP_REFRESH_MS, &q), 0);
	CHECK(m->shown.level_db10[0] < -60);                /* falling without a new peak */
	CHECK_INT(tui_queue_len(&q), 0);
	CHECK_INT(M->bytes->tick(m, 1000 + 30000, &q), 0);  /* half the session timeout */
	CHECK(tui_queue_pop(&q, &it) && strcmp(it.line, "GET_PARAMETER") == 0 && (it.flags & TQ_SOFT));
	tui_queue_item_free(&it);
	CHECK_INT(M->bytes->tick(m, 1000 + 31000, &q), 0);
	CHECK_INT(tui_queue_len(&q), 0);                           /* not again so soon */
	tui_queue_free(&q);
	done(m);
}

UNIT_TEST(tui_rtsp_space_plays_and_pauses)
{
	struct rtsp_menu *m = fresh(NULL);
	struct tui_queue q = { 0 };
	struct tq_item it;
	char notice[64] = "";

	CHECK_INT(M->view->key(m, 'x', 0, 10, &q, notice, sizeof notice), 0);
	CHECK_INT(M->view->key(m, ' ', 0, 10, &q, notice, sizeof notice), 1);
	CHECK(tui_queue_pop(&q, &it) && strcmp(it.line, "PLAY") == 0);
	tui_queue_item_free(&it);
	m->cl.state = RTSP_CLIENT_PLAYING;
	CHECK_INT(M->view->key(m, ' ', 0, 10, &q, notice, sizeof notice), 1);
	CHECK(tui_queue_pop(&q, &it) && strcmp(it.line, "PAUSE") == 0);
	tui_queue_item_free(&it);
	CHECK_INT(M->build(m, RMI_TEARDOWN, NULL, &q, notice, sizeof notice), 0);
	CHECK(tui_queue_pop(&q, &it) && strcmp(it.line, "TEARDOWN") == 0);
	tui_queue_item_free(&it);
	tui_queue_free(&q);
	done(m);
}

UNIT_TEST(tui_rtsp_broken_stream_and_auto_login)
{
	struct rtsp_menu *m = fresh(NULL);
	char shown[TUI_REQUEST_MAX];
	const char *text;
	const char *out;

	M->set_user(m, "alice");
	M->bytes->login(m, "alice", PASS);
	out = send_req(m, "OPTIONS", shown, sizeof shown);
	CHECK(strstr(out, "Authorization: Basic YWxpY2U6YWxpY2UtU2VjcmV0LTE=\r\n") != NULL);
	CHECK(strstr(shown, PASS) == NULL && strstr(shown, "YWxp") == NULL);
	CHECK_INT(M->bytes->input(m, "HTTP/1.1 200 OK\r\n\r\n", 19), 0);
	CHECK_INT(M->bytes->next(m, &text), RAW_ERROR);
	CHECK_STR(text, "not an RTSP response");
	done(m);
}
