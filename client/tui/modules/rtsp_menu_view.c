/*
 * rtsp_menu_view.c: the RTSP module's player (see rtsp_menu.h and
 * tui_module.h's struct module_view), in the certificate panel's place
 * beside the menu: the stream and its session, a progress bar of the
 * position against the SDP's length, packets and bytes, lost and
 * reordered packets, a level meter per channel (green, yellow above
 * -TUI_RTSP_METER_WARN_DB, red above -TUI_RTSP_METER_HOT_DB) and the
 * --output file; with sound, the position is the one heard, and two rows
 * show the device, the buffer's level and its underruns, and the volume
 * as a bar (muted, clipped samples). It paints the snapshot tick() takes,
 * so it changes at a steady pace. Space plays or pauses, the arrows seek,
 * + and - set the volume, m mutes (rtsp_menu_audio.c). Every text from the
 * server is made safe for the terminal. Main thread.
 */
#include "rtsp_menu.h"
#include "tui_curses.h"
#include "text.h"
#include "tui_theme.h"

#include <stdio.h>
#include <string.h>

#define RMV_LABEL_W     10          /* "Position  " */
#define RMV_EDGES       4           /* the borders and a blank column each side */
#define RMV_MIN_W       36
#define RMV_EIGHTHS     8
#define RMV_DB_W        10          /* "  -12.5 dB" after a meter */
#define RMV_CLOCK_W     17          /* " 0:01.2 / 0:03.0" after the bar */
#define RMV_TENTHS      10
#define RMV_TEXT_MAX    512
#define RMV_NUM_MAX     32
#define RMV_ROWS_MAX    14
#define RMV_VOLUME_W    6           /* " 100%" after the volume bar */
#define RMV_VOLUME_CELLS 20         /* the volume bar at most */
#define RMV_STR_(x)     #x
#define RMV_STR(x)      RMV_STR_(x)

enum rmv_row { ROW_STREAM, ROW_SESSION, ROW_GAP, ROW_POSITION, ROW_AUDIO, ROW_VOLUME,
               ROW_RECEIVED, ROW_LOST, ROW_LEVEL0, ROW_LEVEL1, ROW_OUTPUT };

/* The block glyphs of one character set. */
struct rmv_blocks {
	const char *full;
	const char *part[RMV_EIGHTHS];   /* 0..7 eighths lit: 0 is the unlit cell */
};

static const struct rmv_blocks rmv_utf8 = {
	"\u2588",
	{ "\u2591", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" },
};
static const struct rmv_blocks rmv_ascii = {
	"#", { ".", ".", ".", ".", "#", "#", "#", "#" },
};

static const char *const rmv_keys[] = {
	"F1/? help", "q quit", "Space play/pause", "Left/Right seek", "+/- volume", "m mute",
	"Enter run", "Tab certificate", "PgUp/PgDn scroll", NULL
};

static const char *const rmv_help[] = {
	"RTSP player (beside the menu; Tab switches to the certificate panel and back)",
	"  Space            PLAY, or PAUSE while playing (the sound pauses at once)",
	"  Left, Right      seek " RMV_STR(TUI_RTSP_SEEK_MS) " ms back or on from the position heard"
	" (PLAY with a Range; paused, PLAY goes on from there)",
	"  +, -             the volume, in steps of " RMV_STR(GAIN_STEP_PCT) "% up to "
	RMV_STR(GAIN_MAX_PCT) "% (louder than the stream saturates: the clipped samples are counted)",
	"  m                mute, and back",
	"  The sound goes to the ALSA device --audio-device NAME (default \"" CLIENT_AUDIO_DEVICE
	"\") through a",
	"  jitter buffer of --buffer MS: the Audio row shows its level and the underruns (the",
	"  device ran dry: it waits for the buffer to fill again); --no-audio turns it off.",
	"  The bar is the position against the length the SDP gives (a=range); the meters",
	"  show each channel's peak in dBFS (yellow above -" RMV_STR(TUI_RTSP_METER_WARN_DB)
	" dB, red above -" RMV_STR(TUI_RTSP_METER_HOT_DB) " dB).",
	"  RTP and RTCP travel inside the TLS connection (interleaved): not in the transcript,",
	"  but for the RTCP BYE that ends a stream. --output FILE writes the audio as a WAV.",
	"",
	NULL
};

/* S made safe for this terminal, cut to COLS columns, at (Y, X). */
static void
rmv_text(WINDOW *w, int y, int x, const char *s, int cols, const struct tui_theme *th)
{
	char safe[RMV_TEXT_MAX];

	if (cols <= 0)
		return;
	text_sanitize(s, safe, sizeof safe, th->utf8);
	mvwaddnstr(w, y, x, safe, (int)text_fit(safe, strlen(safe), cols));
}

/* A row's label and its value in ROLE. */
static void
rmv_pair(WINDOW *w, int y, const char *label, const char *value, enum tui_role role,
         const struct tui_theme *th)
{
	wattrset(w, tui_theme_attr(th, ROLE_LABEL));
	rmv_text(w, y, 2, label, RMV_LABEL_W, th);
	wattrset(w, tui_theme_attr(th, role));
	rmv_text(w, y, 2 + RMV_LABEL_W, value, getmaxx(w) - RMV_EDGES - RMV_LABEL_W, th);
	wattrset(w, A_NORMAL);
}

/* CELLS cells from (Y, X) with EIGHTHS lit; cell I in ROLE_OF(I) (NULL:
 * FILL), the rest dim. */
static void
rmv_blocks(WINDOW *w, int y, int x, int cells, int eighths, enum tui_role fill,
           enum tui_role (*role_of)(int i, int cells), const struct tui_theme *th)
{
	const struct rmv_blocks *b = th->utf8 ? &rmv_utf8 : &rmv_ascii;

	wmove(w, y, x);
	for (int i = 0; i < cells; i++) {
		int lit = eighths - i * RMV_EIGHTHS;
		enum tui_role role = role_of != NULL ? role_of(i, cells) : fill;
		wattrset(w, tui_theme_attr(th, lit <= 0 ? ROLE_DIM : role));
		waddstr(w, lit >= RMV_EIGHTHS ? b->full : b->part[lit > 0 ? lit : 0]);
	}
	wattrset(w, A_NORMAL);
}

/* A meter cell's color by the dB at its top. */
static enum tui_role
rmv_meter_role(int i, int cells)
{
	int top10 = -TUI_RTSP_METER_FLOOR_DB * RMV_TENTHS +
	            (i + 1) * TUI_RTSP_METER_FLOOR_DB * RMV_TENTHS / cells;

	if (top10 > -TUI_RTSP_METER_HOT_DB * RMV_TENTHS)
		return ROLE_ERR;
	if (top10 > -TUI_RTSP_METER_WARN_DB * RMV_TENTHS)
		return ROLE_WARN;
	return ROLE_OK;
}

static void
rmv_row_stream(WINDOW *w, int y, const struct rtsp_menu *m, const struct tui_theme *th)
{
	char v[RMV_TEXT_MAX], len[RTSP_MENU_TEXT_MAX];

	if (!m->cl.have_sdp) {
		rmv_pair(w, y, "Stream", "unknown: DESCRIBE (d) reads the SDP", ROLE_DIM,
		         th);
		return;
	}
	rtsp_menu_meter_clock(m->cl.duration_ms, len, sizeof len);
	snprintf(v, sizeof v, "L16, %u Hz, %s, %s", m->cl.rate, m->cl.channels == 1 ? "mono" :
	         "stereo", m->cl.duration_ms ? len : "length unknown");
	rmv_pair(w, y, "Stream", v, ROLE_NORMAL, th);
}

static void
rmv_row_session(WINDOW *w, int y, const struct rtsp_menu *m, const struct tui_theme *th)
{
	char v[RMV_TEXT_MAX];

	if (m->cl.session[0] == '\0') {
		rmv_pair(w, y, "Session", "none: SETUP (s) opens one", ROLE_DIM, th);
		return;
	}
	snprintf(v, sizeof v, "%s, timeout %d s", m->cl.session, m->cl.session_timeout_s);
	rmv_pair(w, y, "Session", v, ROLE_NORMAL, th);
}

/* "Position  [bar] 0:01.2 / 0:03.0". */
static void
rmv_row_position(WINDOW *w, int y, const struct rtsp_menu *m, const struct tui_theme *th)
{
	char at[RTSP_MENU_TEXT_MAX], len[RTSP_MENU_TEXT_MAX], v[RMV_TEXT_MAX];
	int cells = getmaxx(w) - RMV_EDGES - RMV_LABEL_W - RMV_CLOCK_W;
	uint64_t dur = m->cl.duration_ms;
	enum tui_role fill = rtsp_menu_state_of(m) == RM_PLAYING ? ROLE_OK : ROLE_MORE;

	rmv_pair(w, y, "Position", "", ROLE_NORMAL, th);
	rtsp_menu_meter_clock(m->shown.pos_ms, at, sizeof at);
	rtsp_menu_meter_clock(dur, len, sizeof len);
	rmv_blocks(w, y, 2 + RMV_LABEL_W, cells,
	           rtsp_menu_meter_bar_eighths(m->shown.pos_ms, dur, cells), fill, NULL, th);
	snprintf(v, sizeof v, " %s / %s", at, dur ? len : "?");
	wattrset(w, tui_theme_attr(th, ROLE_NORMAL) | A_BOLD);
	rmv_text(w, y, 2 + RMV_LABEL_W + cells, v, RMV_CLOCK_W, th);
	wattrset(w, A_NORMAL);
}

static void
rmv_row_counts(WINDOW *w, int y, int lost, const struct rtsp_menu *m,
               const struct tui_theme *th)
{
	const struct rtsp_menu_shown *s = &m->shown;
	char v[RMV_TEXT_MAX], size[RTSP_MENU_TEXT_MAX];

	if (lost) {
		snprintf(v, sizeof v, "%llu lost, %llu reordered", (unsigned long long)s->lost,
		         (unsigned long long)s->reordered);
		rmv_pair(w, y, "Lost", v, s->lost || s->reordered ? ROLE_WARN : ROLE_NORMAL, th);
		return;
	}
	rtsp_menu_meter_size(s->bytes, size, sizeof size);
	snprintf(v, sizeof v, "%llu packet%s, %s of audio", (unsigned long long)s->packets,
	         s->packets == 1 ? "" : "s", size);
	rmv_pair(w, y, "Received", v, ROLE_NORMAL, th);
}

/* "default: playing, 187/200 ms, 0 underruns" or why there is no sound. */
static void
rmv_row_audio(WINDOW *w, int y, const struct rtsp_menu *m, const struct tui_theme *th)
{
	const struct audio_player_stats *st = &m->audio.st;
	char v[RMV_TEXT_MAX], fix[RMV_TEXT_MAX] = "";
	enum tui_role role = st->underruns > 0 ? ROLE_WARN : ROLE_NORMAL;

	if (m->audio.player == NULL) {
		rmv_pair(w, y, "Audio", m->audio.why,
		         strncmp(m->audio.why, "off:", strlen("off:")) == 0 ? ROLE_ERR : ROLE_DIM, th);
		return;
	}
	if (st->state == AUDIO_PLAYER_FAILED) {
		rmv_pair(w, y, "Audio", st->error, ROLE_ERR, th);
		return;
	}
	if (st->dropped || st->repeated || st->overflow)
		snprintf(fix, sizeof fix, ", %llu dropped, %llu repeated",
		         (unsigned long long)(st->dropped + st->overflow),
		         (unsigned long long)st->repeated);
	snprintf(v, sizeof v, "%s: %s, %u/%u ms, %llu underrun%s%s", m->audio.device,
	         audio_player_state_name(st->state), st->level_ms, st->target_ms,
	         (unsigned long long)st->underruns, st->underruns == 1 ? "" : "s", fix);
	rmv_pair(w, y, "Audio", v, role, th);
}

/* "Volume    [bar] 100%", muted or with the clipped samples. */
static void
rmv_row_volume(WINDOW *w, int y, const struct rtsp_menu *m, const struct tui_theme *th)
{
	const struct rtsp_menu_audio *a = &m->audio;
	int room = getmaxx(w) - RMV_EDGES - RMV_LABEL_W - RMV_VOLUME_W;
	int cells = room < RMV_VOLUME_CELLS ? room : RMV_VOLUME_CELLS;
	char v[RMV_TEXT_MAX];

	if (cells < 1)
		return;
	rmv_pair(w, y, "Volume", "", ROLE_NORMAL, th);
	rmv_blocks(w, y, 2 + RMV_LABEL_W, cells,
	           (int)(a->volume * (unsigned)cells * RMV_EIGHTHS / GAIN_MAX_PCT),
	           a->muted ? ROLE_DIM : a->volume > GAIN_DEFAULT_PCT ? ROLE_WARN : ROLE_OK, NULL,
	           th);
	if (a->st.clipped > 0)
		snprintf(v, sizeof v, " %u%%%s, %llu clipped", a->volume, a->muted ? " muted" : "",
		         (unsigned long long)a->st.clipped);
	else
		snprintf(v, sizeof v, " %u%%%s", a->volume, a->muted ? " muted" : "");
	wattrset(w, tui_theme_attr(th, a->muted ? ROLE_DIM : a->st.clipped ? ROLE_WARN
	                                                                    : ROLE_NORMAL));
	rmv_text(w, y, 2 + RMV_LABEL_W + cells, v, getmaxx(w) - RMV_EDGES - RMV_LABEL_W - cells, th);
	wattrset(w, A_NORMAL);
}

/* Channel K's meter and its dB. */
static void
rmv_row_level(WINDOW *w, int y, int k, const struct rtsp_menu *m, const struct tui_theme *th)
{
	int db10 = m->shown.level_db10[k];
	int cells = getmaxx(w) - RMV_EDGES - RMV_LABEL_W - RMV_DB_W;
	int below = -db10;
	char v[RMV_TEXT_MAX], num[RMV_NUM_MAX];

	rmv_pair(w, y, m->cl.channels == 1 ? "Level" : k == 0 ? "Level L" : "Level R", "",
	         ROLE_NORMAL, th);
	rmv_blocks(w, y, 2 + RMV_LABEL_W, cells, rtsp_menu_meter_eighths(db10, cells), ROLE_OK,
	           rmv_meter_role, th);
	if (db10 <= rtsp_menu_meter_db10(0))
		snprintf(num, sizeof num, "silent");
	else
		snprintf(num, sizeof num, "%s%d.%d dB", below > 0 ? "-" : "", below / RMV_TENTHS,
		         below % RMV_TENTHS);
	snprintf(v, sizeof v, " %*s", RMV_DB_W - 1, num);
	wattrset(w, tui_theme_attr(th, db10 <= rtsp_menu_meter_db10(0) ? ROLE_DIM : ROLE_NORMAL));
	rmv_text(w, y, 2 + RMV_LABEL_W + cells, v, RMV_DB_W, th);
	wattrset(w, A_NORMAL);
}

/* The end of S that fits in COLS columns into OUT, after an ellipsis when
 * the start had to go (a long path keeps its file name). */
static void
rmv_tail(const char *s, int cols, const char *ellipsis, char *out, size_t len)
{
	size_t n = strlen(s), at = 0;
	int ew = text_width(ellipsis, strlen(ellipsis));

	if (text_width(s, n) <= cols) {
		snprintf(out, len, "%s", s);
		return;
	}
	while (at < n && text_width(s + at, n - at) > cols - ew)
		at = text_next(s, n, at);
	snprintf(out, len, "%s%s", ellipsis, s + at);
}

static void
rmv_row_output(WINDOW *w, int y, const struct rtsp_menu *m, const struct tui_theme *th)
{
	char what[RMV_TEXT_MAX], size[RTSP_MENU_TEXT_MAX], file[RMV_TEXT_MAX], v[RMV_TEXT_MAX];
	int room = getmaxx(w) - RMV_EDGES - RMV_LABEL_W;

	if (m->output[0] == '\0') {
		rmv_pair(w, y, "Output", "none (--output FILE: a WAV of the audio)", ROLE_DIM,
		         th);
		return;
	}
	rtsp_menu_meter_size(m->shown.wav_bytes, size, sizeof size);
	if (m->wav.f != NULL)
		snprintf(what, sizeof what, ": writing, %s", size);
	else if (m->shown.wav_bytes > 0)
		snprintf(what, sizeof what, ": %s written, closed", size);
	else
		snprintf(what, sizeof what, ": opened at SETUP");
	rmv_tail(m->output, room - text_width(what, strlen(what)), th->g.ellipsis, file,
	         sizeof file);
	snprintf(v, sizeof v, "%s%s", file, what);
	rmv_pair(w, y, "Output", v, m->wav.f != NULL ? ROLE_OK : ROLE_NORMAL, th);
}

/* The rows to draw in ROOM rows, in order; their count. */
static int
rmv_rows(const struct rtsp_menu *m, int room, enum rmv_row *rows)
{
	enum rmv_row all[] = { ROW_STREAM, ROW_SESSION, ROW_GAP, ROW_POSITION, ROW_AUDIO,
	                       ROW_VOLUME, ROW_GAP, ROW_RECEIVED, ROW_LOST, ROW_LEVEL0, ROW_LEVEL1,
	                       ROW_OUTPUT };
	int n = 0, want = (int)(sizeof all / sizeof all[0]), gaps = 2;

	if (m->cl.channels == 1)
		want--;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (all[i] == ROW_LEVEL1 && m->cl.channels == 1)
			continue;
		if (all[i] == ROW_GAP && want > room && gaps-- > 0) {
			want--;
			continue;
		}
		rows[n++] = all[i];
	}
	return n;
}

static void
rmv_row(WINDOW *w, int y, enum rmv_row r, const struct rtsp_menu *m, const struct tui_theme *th)
{
	switch (r) {
	case ROW_STREAM: rmv_row_stream(w, y, m, th); break;
	case ROW_SESSION: rmv_row_session(w, y, m, th); break;
	case ROW_POSITION: rmv_row_position(w, y, m, th); break;
	case ROW_AUDIO: rmv_row_audio(w, y, m, th); break;
	case ROW_VOLUME: rmv_row_volume(w, y, m, th); break;
	case ROW_RECEIVED: rmv_row_counts(w, y, 0, m, th); break;
	case ROW_LOST: rmv_row_counts(w, y, 1, m, th); break;
	case ROW_LEVEL0: rmv_row_level(w, y, 0, m, th); break;
	case ROW_LEVEL1: rmv_row_level(w, y, 1, m, th); break;
	case ROW_OUTPUT: rmv_row_output(w, y, m, th); break;
	case ROW_GAP:
	default: break;
	}
}

/* The state badge at the right of the top border. */
static void
rmv_badge(WINDOW *w, const struct rtsp_menu *m, const struct tui_theme *th)
{
	static const char *const utf8[] = { "\u25a0 INIT", "\u25a0 INIT", "\u2016 READY",
	                                    "\u25b6 PLAYING", "\u25a0 PLAYING, ended" };
	static const char *const ascii[] = { "[] INIT", "[] INIT", "|| READY", "> PLAYING",
	                                     "[] PLAYING, ended" };
	static const enum tui_role roles[] = { ROLE_DIM, ROLE_DIM, ROLE_MORE, ROLE_OK, ROLE_MORE };
	enum rtsp_menu_state st = rtsp_menu_state_of(m);
	const char *s = (th->utf8 ? utf8 : ascii)[st];
	int x = getmaxx(w) - RMV_EDGES - text_width(s, strlen(s));

	wattrset(w, tui_theme_attr(th, roles[st]) | A_BOLD);
	mvwprintw(w, 0, x, " %s ", s);
	wattrset(w, A_NORMAL);
}

/* Border, title, badge and the keys in the bottom border. */
static void
rmv_frame(WINDOW *w, const struct rtsp_menu *m, const struct tui_theme *th)
{
	char title[RMV_TEXT_MAX];
	int wd = getmaxx(w);

	wattrset(w, tui_theme_attr(th, ROLE_BORDER));
	box(w, 0, 0);
	snprintf(title, sizeof title, " Stream %s ", rtsp_menu_stream_name(m));
	wattrset(w, tui_theme_attr(th, ROLE_HEADING));
	rmv_text(w, 0, 2, title, wd / 2, th);
	rmv_badge(w, m, th);
	wattrset(w, tui_theme_attr(th, ROLE_DIM));
	rmv_text(w, getmaxy(w) - 1, 2, " Space play/pause  Left/Right seek  +/- vol  m mute ",
	         wd - 4, th);
	wattrset(w, A_NORMAL);
}

static void
rmv_draw(WINDOW *w, void *st, const struct tui_theme *th)
{
	const struct rtsp_menu *m = st;
	enum rmv_row rows[RMV_ROWS_MAX];
	int h = getmaxy(w), n;

	werase(w);
	if (h < 3 || getmaxx(w) < RMV_MIN_W)
		return;
	rmv_frame(w, m, th);
	n = rmv_rows(m, h - 2, rows);
	for (int i = 0; i < n && i < h - 2; i++)
		rmv_row(w, 1 + i, rows[i], m, th);
}

static int
rmv_available(const void *st)
{
	(void)st;
	return 1;                     /* from the start: the stream and its session */
}

static int
rmv_raise(void *st)
{
	struct rtsp_menu *m = st;
	int r = m->raise;

	m->raise = 0;
	return r;
}

/* Space: PAUSE while playing, else PLAY (the server judges); the arrows,
 * + and - and m: the sound's keys. */
static int
rmv_key(void *st, int ch, int keycode, int height, struct tui_queue *q, char *notice,
        size_t nlen)
{
	struct rtsp_menu *m = st;

	(void)height;
	if (keycode || ch != ' ')
		return rtsp_menu_audio_key(m, ch, keycode, q, notice, nlen);
	if (tui_queue_push(q, rtsp_menu_state_of(m) == RM_PLAYING ? "PAUSE" : "PLAY", 0) == -1)
		snprintf(notice, nlen, "out of memory");
	return 1;
}

static int
rmv_page(void *st, const char **title, const char **text)
{
	(void)st;
	(void)title;
	(void)text;
	return 0;
}

const struct module_view rtsp_menu_view = {
	.tab_key     = "Tab player",
	.beside_menu = 1,
	.keys        = rmv_keys,
	.help        = rmv_help,
	.absent      = "the player comes once connected",
	.available   = rmv_available,
	.raise       = rmv_raise,
	.key         = rmv_key,
	.draw        = rmv_draw,
	.page        = rmv_page,
};
