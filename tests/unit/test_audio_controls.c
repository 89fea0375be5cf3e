/* test_audio_controls.c: the player's controls without a sound card (the
 * RTSP module with --no-audio, a scripted session): Left and Right queue a
 * PLAY whose request carries the Range TUI_RTSP_SEEK_MS from the position
 * (clamped to the stream), a second press before it goes out moves the
 * same request, while paused the arrows only move where PLAY goes on from,
 * + - and m set the volume within its bounds and the mute, and the view
 * names why there is no sound; seal's sound flags and their refusals. */
#include "unit.h"
#include "options.h"
#include "rtsp_menu.h"

#include <stdlib.h>

#define URL "rtsps://localhost:8322/tone.wav"
#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static const struct tui_module *M = &rtsp_menu_module;

static const char SDP[] =
	"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=tone.wav\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
	"a=range:npt=0-12.000\r\nm=audio 0 RTP/AVP 10\r\na=rtpmap:10 L16/44100/2\r\n"
	"a=control:trackID=0\r\n";

/* Sends the queued line (or METHOD) as the connection does; the request. */
static const char *
go(struct rtsp_menu *m, const char *method)
{
	static char out[TUI_REQUEST_MAX];
	char shown[TUI_REQUEST_MAX];

	CHECK(M->bytes->request(m, method, out, sizeof out, shown, sizeof shown) > 0);
	return out;
}

/* The reply to the request just sent: STATUS, CSEQ, EXTRA headers, BODY. */
static void
reply(struct rtsp_menu *m, int cseq, const char *extra, const char *body)
{
	char r[4096];
	const char *text;

	snprintf(r, sizeof r, "RTSP/1.0 200 OK\r\nCSeq: %d\r\n%sContent-Length: %zu\r\n\r\n%s",
	         cseq, extra, strlen(body), body);
	CHECK_INT(M->bytes->input(m, r, strlen(r)), 0);
	while (M->bytes->next(m, &text) != RAW_NONE)
		;
}

/* The view's key CH (KEYCODE: a curses key); the notice into N. */
static int
key(struct rtsp_menu *m, int ch, int keycode, struct tui_queue *q, char *n, size_t nlen)
{
	n[0] = '\0';
	return M->view->key(m, ch, keycode, 10, q, n, nlen);
}

/* Pops the queued line: it must be WANT. */
static void
popped(struct tui_queue *q, const char *want)
{
	struct tq_item it;

	CHECK_INT(tui_queue_pop(q, &it), 1);
	CHECK_STR(it.line, want);
	tui_queue_item_free(&it);
}

UNIT_TEST(audio_controls_seek_volume_and_mute_without_a_device)
{
	struct rtsp_menu *m = calloc(1, sizeof *m);
	struct tui_facts facts = { .url = URL, .audio_device = NULL };
	struct tui_queue q = { 0 };
	char n[256];

	CHECK(m != NULL);
	if (m == NULL)
		return;
	M->init(m);
	M->configure(m, &facts);
	CHECK_STR(m->audio.why, "off (--no-audio)");
	CHECK_INT(key(m, KEY_RIGHT, 1, &q, n, sizeof n), 1);
	CHECK(strstr(n, "SETUP (s) first") != NULL);
	go(m, "DESCRIBE");
	reply(m, 1, "Content-Type: application/sdp\r\n", SDP);
	go(m, "SETUP");
	reply(m, 2, "Session: 12345678;timeout=60\r\nTransport: RTP/AVP/TCP;unicast;"
	      "interleaved=0-1\r\n", "");
	CHECK(strstr(go(m, "PLAY"), "Range:") == NULL);        /* the first PLAY: from 0 */
	reply(m, 3, "Session: 12345678\r\nRange: npt=0.000-12.000\r\n", "");
	CHECK_INT(rtsp_menu_state_of(m), RM_PLAYING);

	CHECK_INT(key(m, KEY_RIGHT, 1, &q, n, sizeof n), 1);   /* +5 s: a PLAY with a Range */
	CHECK_STR(n, "seek to 0:05.0 (PLAY with a Range)");
	CHECK_INT(key(m, KEY_RIGHT, 1, &q, n, sizeof n), 1);   /* again before it went out */
	CHECK_INT(tui_queue_len(&q), 1);
	popped(&q, "PLAY");
	CHECK(strstr(go(m, "PLAY"), "\r\nRange: npt=10.000-\r\n") != NULL);
	CHECK_INT(key(m, KEY_RIGHT, 1, &q, n, sizeof n), 1);   /* from where it is going: */
	CHECK_STR(n, "seek to 0:12.0 (PLAY with a Range)");   /* clamped to the length */
	reply(m, 4, "Session: 12345678\r\nRange: npt=10.000-12.000\r\n", "");
	popped(&q, "PLAY");
	CHECK(strstr(go(m, "PLAY"), "\r\nRange: npt=12.000-\r\n") != NULL);
	reply(m, 5, "Session: 12345678\r\nRange: npt=12.000-12.000\r\n", "");
	for (int i = 0; i < 4; i++)
		key(m, KEY_LEFT, 1, &q, n, sizeof n);              /* four back: queued once */
	CHECK_INT(tui_queue_len(&q), 1);
	popped(&q, "PLAY");
	CHECK(strstr(go(m, "PLAY"), "\r\nRange: npt=0.000-\r\n") != NULL);  /* not below 0 */
	reply(m, 6, "Session: 12345678\r\nRange: npt=0.000-12.000\r\n", "");

	go(m, "PAUSE");                                        /* paused: no request */
	reply(m, 7, "Session: 12345678\r\nRange: npt=0.000-\r\n", "");
	CHECK_INT(rtsp_menu_state_of(m), RM_READY);
	CHECK_INT(key(m, KEY_RIGHT, 1, &q, n, sizeof n), 1);
	CHECK_STR(n, "PLAY (Space) goes on from 0:05.0");
	CHECK_INT(tui_queue_len(&q), 0);
	uint64_t ms = 0;
	CHECK_INT(rtsp_menu_audio_heard_ms(m, &ms), 1);
	CHECK_INT(ms, 5000);
	CHECK_INT(key(m, ' ', 0, &q, n, sizeof n), 1);         /* Space: PLAY from there */
	popped(&q, "PLAY");
	CHECK(strstr(go(m, "PLAY"), "\r\nRange: npt=5.000-\r\n") != NULL);

	CHECK_INT(m->audio.volume, GAIN_DEFAULT_PCT);
	CHECK_INT(key(m, '-', 0, &q, n, sizeof n), 1);
	CHECK_INT(m->audio.volume, GAIN_DEFAULT_PCT - GAIN_STEP_PCT);
	CHECK(strstr(n, "no sound now (off (--no-audio))") != NULL);
	for (int i = 0; i < 30; i++)
		key(m, '+', 0, &q, n, sizeof n);
	CHECK_INT(m->audio.volume, GAIN_MAX_PCT);
	CHECK_INT(key(m, 'm', 0, &q, n, sizeof n), 1);
	CHECK_INT(m->audio.muted, 1);
	key(m, 'm', 0, &q, n, sizeof n);
	CHECK_INT(m->audio.muted, 0);
	CHECK_INT(key(m, 'x', 0, &q, n, sizeof n), 0);         /* not the player's */
	tui_queue_free(&q);
	M->fini(m);
	free(m);
}

UNIT_TEST(audio_options_flags_and_refusals)
{
	struct seal_opts o;
	char err[256];
	char *tui[] = { "seal", "rtsps://h/a.wav", NULL };
	char *batch[] = { "seal", "--batch", "--play", "--audio-device", "plughw:1,0",
	                  "--buffer", "500", "rtsps://h/a.wav", NULL };
	char *quiet[] = { "seal", "--no-audio", "rtsps://h/a.wav", NULL };
	char *both[] = { "seal", "--play", "--no-audio", "rtsps://h/a.wav", NULL };
	char *small[] = { "seal", "--buffer", "19", "rtsps://h/a.wav", NULL };
	char *big[] = { "seal", "--buffer=5001", "rtsps://h/a.wav", NULL };
	char *smtp[] = { "seal", "--audio-device", "hw:0", "smtps://h", NULL };

	CHECK_INT(options_parse(&o, ARGC(tui), tui, err, sizeof err), 0);
	CHECK_STR(options_audio_device(&o, 1), CLIENT_AUDIO_DEVICE);   /* the TUI plays */
	CHECK(options_audio_device(&o, 0) == NULL);                    /* batch: only --play */
	CHECK_INT(o.buffer_ms, JITTER_BUFFER_MS);
	CHECK_INT(options_parse(&o, ARGC(batch), batch, err, sizeof err), 0);
	CHECK_STR(options_audio_device(&o, 0), "plughw:1,0");
	CHECK_INT(o.buffer_ms, 500);
	CHECK_INT(options_parse(&o, ARGC(quiet), quiet, err, sizeof err), 0);
	CHECK(options_audio_device(&o, 1) == NULL);
	CHECK_INT(options_parse(&o, ARGC(both), both, err, sizeof err), -1);
	CHECK_STR(err, "choose one of --play and --no-audio");
	CHECK_INT(options_parse(&o, ARGC(small), small, err, sizeof err), -1);
	CHECK_STR(err, "option --buffer takes milliseconds, 20 to 5000");
	CHECK_INT(options_parse(&o, ARGC(big), big, err, sizeof err), -1);
	CHECK_INT(options_parse(&o, ARGC(smtp), smtp, err, sizeof err), -1);
	CHECK(strstr(err, "are for rtsps:// URLs") != NULL);
}
