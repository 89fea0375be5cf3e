/*
 * rtsp_menu_io.c: the RTSP module's bytes side (struct module_bytes, see
 * rtsp_menu.h): each queued method becomes a request built by rtsp_client
 * when it is sent (CSeq, Session and Authorization of that moment); what
 * arrives goes through rtsp_rx: a response is applied at once and its
 * lines handed out for the transcript (a long body folded, with seal's
 * notes after them: the login, the WAV file), interleaved RTP goes to the
 * meters and to --output, RTCP only shows its BYE, once. tick() keeps the
 * session alive and takes the player's snapshot at a steady pace (and at
 * once after a reply or the BYE, so the numbers agree with the state). The
 * audio also goes to the sound (rtsp_menu_audio.c), told of each request
 * as it goes out and of each reply. Pure but for the WAV file and the
 * sound; main thread.
 */
#include "rtsp_menu.h"
#include "attrs.h"
#include "timeconst.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HALF           2
#define ENTRY_EXTRA    2              /* a kind byte and a NUL */
#define NOTES_ROOM     (4 * (RTSP_MENU_TEXT_MAX + ENTRY_EXTRA))
#define KIND_LINE      'L'
#define KIND_NOTE      'N'
#define NPT            "npt="

/* Starts a response's entries with room for CAP bytes. 0, or -1. */
static int
rm_out_start(struct rtsp_menu_out *o, size_t cap)
{
	char *buf = realloc(o->buf, cap);

	if (buf == NULL)
		return -1;
	*o = (struct rtsp_menu_out){ .buf = buf, .cap = cap };
	return 0;
}

/* Appends an entry of KIND holding the N bytes of TEXT (cut to the room). */
static void
rm_out_add(struct rtsp_menu_out *o, char kind, const char *text, size_t n)
{
	if (o->buf == NULL || o->len + ENTRY_EXTRA > o->cap)
		return;
	if (n > o->cap - o->len - ENTRY_EXTRA)
		n = o->cap - o->len - ENTRY_EXTRA;
	o->buf[o->len++] = kind;
	memcpy(o->buf + o->len, text, n);
	o->len += n;
	o->buf[o->len++] = '\0';
}

/* A note of seal's after the response's lines. */
static void PRINTF_LIKE(2, 3)
rm_out_note(struct rtsp_menu *m, const char *fmt, ...)
{
	char note[RTSP_MENU_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	rm_out_add(&m->out, KIND_NOTE, note, strlen(note));
}

/* The next entry, or the end of the reply: as next(). */
static enum raw_kind
rm_out_next(struct rtsp_menu *m, const char **text)
{
	struct rtsp_menu_out *o = &m->out;

	if (o->at < o->len) {
		char kind = o->buf[o->at];
		*text = o->buf + o->at + 1;
		o->at += strlen(*text) + ENTRY_EXTRA;
		return kind == KIND_NOTE ? RAW_NOTE : RAW_LINE;
	}
	if (!o->end)
		return RAW_NONE;
	o->end = 0;
	*text = m->status;
	return RAW_END;
}

/* The body's lines (empty ones left out), at most TUI_RTSP_BODY_LINES. */
static void
rm_keep_body(struct rtsp_menu *m, const char *body)
{
	size_t kept = 0, more = 0;

	while (*body != '\0') {
		size_t n = strcspn(body, "\r\n");
		if (n > 0 && kept < TUI_RTSP_BODY_LINES) {
			rm_out_add(&m->out, KIND_LINE, body, n);
			kept++;
		} else if (n > 0) {
			more++;
		}
		body += n;
		body += strspn(body, "\r\n");
	}
	if (more > 0)
		rm_out_note(m, "(%zu more line%s of the body not shown)", more,
		            more == 1 ? "" : "s");
}

/* R's lines into the entries. 0, or -1 when out of memory. */
static int
rm_keep(struct rtsp_menu *m, const struct rtsp_response *r)
{
	size_t cap = r->body_len + (TUI_RTSP_BODY_LINES + 1) * ENTRY_EXTRA + NOTES_ROOM;

	for (unsigned i = 0; i < r->nlines; i++)
		cap += strlen(r->lines[i]) + ENTRY_EXTRA;
	if (rm_out_start(&m->out, cap) == -1)
		return -1;
	for (unsigned i = 0; i < r->nlines; i++)
		rm_out_add(&m->out, KIND_LINE, r->lines[i], strlen(r->lines[i]));
	rm_keep_body(m, r->body);
	return 0;
}

/* Opens --output for a new session (the SDP gives its format). */
static void
rm_wav_open(struct rtsp_menu *m)
{
	char err[RTSP_MENU_TEXT_MAX];

	if (m->output[0] == '\0')
		return;
	wav_writer_close(&m->wav, err, sizeof err);
	if (!m->cl.have_sdp) {
		rm_out_note(m, "--output: no WAV file: DESCRIBE first (its SDP gives the rate and "
		            "channels)");
	} else if (wav_writer_open(&m->wav, m->output, m->cl.rate, m->cl.channels, err,
	                           sizeof err) == -1) {
		rm_out_note(m, "--output: %s", err);
	} else {
		rm_out_note(m, "the audio goes to %s (WAV, %u Hz, %u channel%s)", m->output,
		            m->cl.rate, m->cl.channels, m->cl.channels == 1 ? "" : "s");
	}
}

/* Closes --output with a note of what it holds. */
static void
rm_wav_close(struct rtsp_menu *m)
{
	char err[RTSP_MENU_TEXT_MAX], size[RTSP_MENU_TEXT_MAX], len[RTSP_MENU_TEXT_MAX];
	unsigned frame = m->wav.channels * (unsigned)sizeof(int16_t);

	if (m->wav.f == NULL)
		return;
	if (wav_writer_close(&m->wav, err, sizeof err) == -1) {
		rm_out_note(m, "--output: %s", err);
		return;
	}
	rtsp_menu_meter_size(m->wav.data_bytes, size, sizeof size);
	rtsp_menu_meter_clock(m->wav.rate && frame
	                      ? m->wav.data_bytes / frame * MS_PER_S / m->wav.rate : 0,
	                      len, sizeof len);
	rm_out_note(m, "%s written: %s of audio, %s", m->output, len, size);
}

/* "npt=1.200-3.000" (a PLAY reply's Range): its start in *MS. 0, or -1. */
static int
rm_npt_start(const char *v, uint64_t *ms)
{
	const char *p = v != NULL ? strstr(v, NPT) : NULL;
	uint64_t start;

	if (p == NULL)
		return -1;
	p += strlen(NPT);
	if (rtsp_sdp_npt_ms(&p, &start) == -1 || *p != '-')
		return -1;
	*ms = start;
	return 0;
}

/* What a 200 to METHOD changes beyond rtsp_client's state. */
static void
rm_ok(struct rtsp_menu *m, const char *method, const struct rtsp_response *r)
{
	char note[RTSP_MENU_TEXT_MAX];
	uint64_t start;

	if (strcmp(method, "DESCRIBE") == 0) {
		m->raise = 1;
	} else if (strcmp(method, "SETUP") == 0) {
		memset(&m->cl.rtp, 0, sizeof m->cl.rtp);   /* a new stream */
		memset(m->hold, 0, sizeof m->hold);
		m->pos_base_ms = m->pos_frames0 = 0;
		rm_wav_open(m);
		rtsp_menu_audio_open(m, note, sizeof note);
		if (note[0] != '\0')
			rm_out_note(m, "%s", note);
	} else if (strcmp(method, "PLAY") == 0) {
		start = rtsp_menu_position_ms(m);
		rm_npt_start(rtsp_rx_response_header(r, "Range"), &start);
		m->pos_base_ms = start;
		m->pos_frames0 = m->cl.rtp.frames;
		m->cl.rtp.bye = 0;
	} else if (strcmp(method, "TEARDOWN") == 0) {
		rm_wav_close(m);
		rtsp_menu_audio_close(m);
	}
}

/* A 401 asks for the login form; another reply to credentials accepts them. */
static void
rm_login_result(struct rtsp_menu *m, int code, const char *method)
{
	int authed = m->auth_sent;

	m->auth_sent = 0;
	m->need_login = code == 401;
	if (code == 401) {
		m->user[0] = '\0';
		snprintf(m->retry, sizeof m->retry, "%s", method);
		m->login_prompt = 1;
		if (authed)
			rm_out_note(m, "the login as %s was refused: log in again", m->pending);
		else
			rm_out_note(m, "the server asks for a login: user and password, then %s "
			            "again", method[0] ? method : "DESCRIBE");
	} else if (authed && m->pending[0] != '\0') {
		memcpy(m->user, m->pending, sizeof m->user);
	}
}

/* A whole response: applied, and its lines ready for the transcript. 0,
 * or -1 when out of memory. */
static int
rm_response(struct rtsp_menu *m, const struct rtsp_response *r)
{
	char method[RTSP_CLIENT_METHOD_MAX], err[RTSP_MENU_TEXT_MAX];
	int code;

	snprintf(method, sizeof method, "%s", m->cl.pending);
	if (rm_keep(m, r) == -1)
		return -1;
	snprintf(m->status, sizeof m->status, "%s", r->nlines > 0 ? r->lines[0] : "");
	code = rtsp_client_response(&m->cl, r, err, sizeof err);
	if (code == -1)
		rm_out_note(m, "%s: %s", method, err);
	rm_login_result(m, r->code, method);
	if (code == 200)
		rm_ok(m, method, r);
	rtsp_menu_audio_reply(m, method, code, m->pos_base_ms);
	m->out.end = 1;
	m->changed = 1;
	rtsp_menu_name_update(m);
	return 0;
}

/* The RTCP BYE, once per stream, into m->note. Returns 1. */
static int
rm_bye_note(struct rtsp_menu *m)
{
	char at[RTSP_MENU_TEXT_MAX];

	rtsp_menu_meter_clock(rtsp_menu_position_ms(m), at, sizeof at);
	snprintf(m->note, sizeof m->note, "RTCP BYE: the server ended the stream at %s "
	         "(%llu packets, %llu lost, %llu reordered)", at,
	         (unsigned long long)m->cl.rtp.packets, (unsigned long long)m->cl.rtp.lost,
	         (unsigned long long)m->cl.rtp.reordered);
	m->changed = 1;
	rtsp_menu_name_update(m);
	return 1;
}

/* Audio to --output. 1 when writing failed (the reason in m->note). */
static int
rm_wav_write(struct rtsp_menu *m, const uint8_t *pcm, size_t len)
{
	char err[RTSP_MENU_TEXT_MAX];

	if (m->wav.f == NULL || wav_writer_write(&m->wav, pcm, len, err, sizeof err) == 0)
		return 0;
	snprintf(m->note, sizeof m->note, "--output %s: %s; nothing more is written", m->output,
	         err);
	wav_writer_close(&m->wav, err, sizeof err);
	return 1;
}

/* One interleaved frame: RTP to the meters and the WAV, RTCP for its BYE.
 * 1 when it left a note in m->note. */
static int
rm_frame(struct rtsp_menu *m, struct rtsp_rx_event *ev)
{
	const uint8_t *pcm;
	size_t len;
	int bye = m->cl.rtp.bye;

	if (rtsp_client_frame(&m->cl, ev->channel, ev->data, ev->len, &pcm, &len) != 1) {
		if (bye || !m->cl.rtp.bye)
			return 0;
		rtsp_menu_audio_end(m);
		return rm_bye_note(m);
	}
	rtsp_menu_audio_push(m, pcm, len);
	for (int k = 0; k < RTSP_CLIENT_CHANNELS; k++)
		if (m->cl.rtp.peak[k] > m->hold[k])
			m->hold[k] = m->cl.rtp.peak[k];
	return rm_wav_write(m, pcm, len);
}

static enum raw_kind
rm_next(void *st, const char **text)
{
	struct rtsp_menu *m = st;
	struct rtsp_rx_event ev;
	enum raw_kind k;

	while ((k = rm_out_next(m, text)) == RAW_NONE) {
		switch (rtsp_rx_next(&m->rx, &ev)) {
		case RTSP_RX_FRAME:
			if (rm_frame(m, &ev)) {
				*text = m->note;
				return RAW_NOTE;
			}
			break;
		case RTSP_RX_RESPONSE:
			if (rm_response(m, &ev.resp) == -1) {
				*text = "out of memory";
				return RAW_ERROR;
			}
			break;
		case RTSP_RX_ERROR:
			*text = ev.error;
			return RAW_ERROR;
		case RTSP_RX_NONE:
		default:
			return RAW_NONE;
		}
	}
	return k;
}

static int
rm_request(void *st, const char *line, char *out, size_t len, char *shown, size_t slen)
{
	struct rtsp_menu *m = st;
	int64_t range = rtsp_menu_audio_request(m, line);   /* a seek, or again after the end */
	int n = rtsp_client_request(&m->cl, line, range, out, len, shown, slen);

	if (n < 0) {
		snprintf(shown, slen, "the request does not fit in %zu bytes", len);
		return -1;
	}
	m->auth_sent = m->cl.auth[0] != '\0';
	m->requested = 1;
	return n;
}

static int
rm_input(void *st, const void *data, size_t len)
{
	return rtsp_rx_append(&((struct rtsp_menu *)st)->rx, data, len);
}

static void
rm_login(void *st, const char *user, const char *pass)
{
	struct rtsp_menu *m = st;

	snprintf(m->pending, sizeof m->pending, "%s", user);
	if (rtsp_client_set_login(&m->cl, user, pass) == -1)
		m->login_prompt = 1;       /* cannot be sent (a ':' in the name): ask */
}

/* The player's snapshot: position, counters, and the meters (the highest
 * peak since the last one, or falling; silent unless playing). */
static void
rm_refresh(struct rtsp_menu *m, long long now)
{
	int playing = rtsp_menu_state_of(m) == RM_PLAYING;
	long long dt = now - m->refreshed_ms;

	for (int k = 0; k < RTSP_CLIENT_CHANNELS; k++) {
		int peak = rtsp_menu_meter_db10(m->hold[k]);
		int *shown = &m->shown.level_db10[k];
		*shown = playing ? rtsp_menu_meter_fall(*shown, peak, dt) : rtsp_menu_meter_db10(0);
		m->hold[k] = 0;
	}
	rtsp_menu_audio_refresh(m);
	if (!rtsp_menu_audio_heard_ms(m, &m->shown.pos_ms))   /* as heard, when playing */
		m->shown.pos_ms = rtsp_menu_position_ms(m);
	m->shown.packets = m->cl.rtp.packets;
	m->shown.bytes = m->cl.rtp.bytes;
	m->shown.lost = m->cl.rtp.lost;
	m->shown.reordered = m->cl.rtp.reordered;
	m->shown.wav_bytes = m->wav.data_bytes;
	m->refreshed_ms = now;
	m->changed = 0;
}

static int
rm_tick(void *st, long long now, struct tui_queue *q)
{
	struct rtsp_menu *m = st;
	long long keep = (long long)m->cl.session_timeout_s * MS_PER_S / HALF;

	if (m->requested) {
		m->requested = 0;
		m->last_request_ms = now;
	}
	if (m->changed || now - m->refreshed_ms >= TUI_RTSP_REFRESH_MS)
		rm_refresh(m, now);
	if (m->cl.session[0] == '\0' || now - m->last_request_ms < keep || tui_queue_len(q) > 0)
		return 0;
	m->last_request_ms = now;
	return tui_queue_push(q, "GET_PARAMETER", TQ_SOFT);
}

const struct module_bytes rtsp_menu_io_bytes = {
	.request = rm_request,
	.input   = rm_input,
	.next    = rm_next,
	.login   = rm_login,
	.tick    = rm_tick,
};
