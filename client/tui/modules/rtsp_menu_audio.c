/*
 * rtsp_menu_audio.c: the RTSP player's sound and controls (see
 * rtsp_menu.h): an audio_player opened at SETUP for the SDP's rate and
 * channels (or a line saying why there is none: the stream goes on),
 * driven by what the session does: PLAY starts it (after SETUP or a
 * seek, from the reply's first frame) or resumes it (after PAUSE), a
 * PAUSE pauses it as the request goes out, a seek silences it at once and
 * drops the frames still in flight from the old position, the RTCP BYE
 * lets it play out, TEARDOWN closes it. The keys: Left and Right seek
 * TUI_RTSP_SEEK_MS from the position as heard (PLAY with a Range; while
 * paused the next PLAY goes on from there), + and - the volume, m the
 * mute. Main thread; the player has its own.
 */
#include "rtsp_menu.h"
#include "gain.h"
#include "jitter.h"
#include "timeconst.h"

#include <stdio.h>
#include <string.h>

#define RA_NO_AUDIO "off (--no-audio)"

void
rtsp_menu_audio_configure(struct rtsp_menu *m, const char *device, unsigned buffer_ms)
{
	struct rtsp_menu_audio *a = &m->audio;

	audio_player_close(a->player);
	a->player = NULL;
	snprintf(a->device, sizeof a->device, "%s", device != NULL ? device : "");
	a->buffer_ms = buffer_ms ? buffer_ms : JITTER_BUFFER_MS;
	a->volume = GAIN_DEFAULT_PCT;
	a->muted = 0;
	rtsp_menu_audio_close(m);
}

void
rtsp_menu_audio_close(struct rtsp_menu *m)
{
	struct rtsp_menu_audio *a = &m->audio;

	audio_player_close(a->player);
	a->player = NULL;
	a->started = a->paused = a->seeking = a->seek_queued = 0;
	a->seek_ms = -1;
	memset(&a->st, 0, sizeof a->st);
	if (a->device[0] == '\0')
		snprintf(a->why, sizeof a->why, RA_NO_AUDIO);
	else
		snprintf(a->why, sizeof a->why, "%s: opens at SETUP", a->device);
}

void
rtsp_menu_audio_open(struct rtsp_menu *m, char *note, size_t len)
{
	struct rtsp_menu_audio *a = &m->audio;
	char err[AUDIO_ERR_MAX];

	rtsp_menu_audio_close(m);
	note[0] = '\0';
	if (a->device[0] == '\0')
		return;
	if (audio_player_open(&a->player, a->device, m->cl.rate, m->cl.channels, a->buffer_ms,
	                      err, sizeof err) == -1) {
		snprintf(a->why, sizeof a->why, "off: %s", err);
		snprintf(note, len, "no sound: %s; the stream goes on (meters, --output)", err);
		return;
	}
	audio_player_volume(a->player, a->volume, a->muted);
	audio_player_stats(a->player, &a->st);
	snprintf(note, len, "sound: ALSA device '%s', %u Hz %s, %u ms buffer", a->device,
	         m->cl.rate, m->cl.channels == 1 ? "mono" : "stereo", a->buffer_ms);
}

int64_t
rtsp_menu_audio_request(struct rtsp_menu *m, const char *method)
{
	struct rtsp_menu_audio *a = &m->audio;
	int64_t range;

	if (strcmp(method, "PAUSE") == 0) {
		if (a->player != NULL && a->started) {
			audio_player_pause(a->player);
			a->paused = 1;
		}
		return -1;
	}
	if (strcmp(method, "PLAY") != 0)
		return -1;
	range = a->seek_ms >= 0 ? a->seek_ms : m->cl.rtp.bye ? 0 : -1;   /* after the end: again */
	a->seek_ms = -1;
	a->seek_queued = 0;
	a->seeking = range >= 0;
	if (a->seeking) {
		a->seek_to = (uint64_t)range;          /* shown until it plays */
		if (a->player != NULL)
			audio_player_stop(a->player);
	}
	return range;
}

/* The stream frame at MS, as the server counts (frames are floored). */
static uint64_t
ra_frame(const struct rtsp_menu *m, uint64_t ms)
{
	return ms * m->cl.rate / MS_PER_S;
}

/* A PLAY's reply: the player starts from START_MS (after SETUP, a seek or
 * the end) or goes on (after PAUSE); a refused seek goes on where the
 * stream is. */
static void
ra_play_reply(struct rtsp_menu *m, int code, uint64_t start_ms)
{
	struct rtsp_menu_audio *a = &m->audio;
	int seek = a->seeking;

	a->seeking = 0;
	if (a->player == NULL)
		return;
	if (code == 200 && (seek || !a->started)) {
		/* a seek's first frame is the one the server took for its Range */
		audio_player_start(a->player, ra_frame(m, seek ? a->seek_to : start_ms));
		a->started = 1;
		a->paused = 0;
	} else if (code == 200 && a->paused) {
		audio_player_resume(a->player);
		a->paused = 0;
	} else if (code != 200 && seek && a->started) {
		audio_player_start(a->player, ra_frame(m, rtsp_menu_position_ms(m)));
	}
}

void
rtsp_menu_audio_reply(struct rtsp_menu *m, const char *method, int code, uint64_t start_ms)
{
	struct rtsp_menu_audio *a = &m->audio;

	if (strcmp(method, "PLAY") == 0)
		ra_play_reply(m, code, start_ms);
	else if (strcmp(method, "PAUSE") == 0 && code != 200 && a->paused && a->player != NULL) {
		audio_player_resume(a->player);      /* refused: the stream goes on */
		a->paused = 0;
	}
	rtsp_menu_audio_refresh(m);
}

void
rtsp_menu_audio_push(struct rtsp_menu *m, const uint8_t *pcm, size_t len)
{
	if (m->audio.player != NULL)
		audio_player_push(m->audio.player, pcm, len);
}

void
rtsp_menu_audio_end(struct rtsp_menu *m)
{
	if (m->audio.player != NULL)
		audio_player_end(m->audio.player);
}

void
rtsp_menu_audio_refresh(struct rtsp_menu *m)
{
	if (m->audio.player != NULL)
		audio_player_stats(m->audio.player, &m->audio.st);
}

int
rtsp_menu_audio_heard_ms(const struct rtsp_menu *m, uint64_t *ms)
{
	const struct rtsp_menu_audio *a = &m->audio;

	if (a->seek_ms >= 0) {
		*ms = (uint64_t)a->seek_ms;          /* the next PLAY goes on from there */
		return 1;
	}
	if (a->seeking) {
		*ms = a->seek_to;                    /* on its way */
		return 1;
	}
	if (a->player == NULL || m->cl.rate == 0 || !a->started ||
	    a->st.state == AUDIO_PLAYER_FAILED)
		return 0;
	*ms = a->st.heard * MS_PER_S / m->cl.rate;
	return 1;
}

/* Left (DIR -1) or Right: TUI_RTSP_SEEK_MS from where the listener is. */
static void
ra_seek(struct rtsp_menu *m, int dir, struct tui_queue *q, char *notice, size_t nlen)
{
	struct rtsp_menu_audio *a = &m->audio;
	enum rtsp_menu_state st = rtsp_menu_state_of(m);
	char at[RTSP_MENU_TEXT_MAX];
	uint64_t from;
	int64_t to;

	if (m->cl.session[0] == '\0') {
		snprintf(notice, nlen, "no session to seek in: SETUP (s) first");
		return;
	}
	rtsp_menu_audio_refresh(m);
	if (!rtsp_menu_audio_heard_ms(m, &from))
		from = rtsp_menu_position_ms(m);
	to = (int64_t)from + dir * TUI_RTSP_SEEK_MS;
	if (to < 0)
		to = 0;
	if (m->cl.duration_ms > 0 && to > (int64_t)m->cl.duration_ms)
		to = (int64_t)m->cl.duration_ms;
	a->seek_ms = to;
	rtsp_menu_meter_clock((uint64_t)to, at, sizeof at);
	if (st != RM_PLAYING) {
		snprintf(notice, nlen, "PLAY (Space) goes on from %s", at);
		return;
	}
	if (!a->seek_queued && tui_queue_push(q, "PLAY", 0) == -1) {
		a->seek_ms = -1;
		snprintf(notice, nlen, "out of memory");
		return;
	}
	a->seek_queued = 1;
	snprintf(notice, nlen, "seek to %s (PLAY with a Range)", at);
}

/* + and -: the volume; m: the mute. */
static void
ra_volume(struct rtsp_menu *m, int ch, char *notice, size_t nlen)
{
	struct rtsp_menu_audio *a = &m->audio;
	struct gain g = { .pct = a->volume };

	if (ch == 'm')
		a->muted = !a->muted;
	else
		a->volume = gain_step(&g, ch == '+' || ch == '=' ? 1 : -1);
	if (a->player != NULL)
		audio_player_volume(a->player, a->volume, a->muted);
	else
		snprintf(notice, nlen, "no sound now (%s): the volume applies once there is", a->why);
	rtsp_menu_audio_refresh(m);
}

int
rtsp_menu_audio_key(struct rtsp_menu *m, int ch, int keycode, struct tui_queue *q,
                    char *notice, size_t nlen)
{
	if (keycode && (ch == KEY_LEFT || ch == KEY_RIGHT)) {
		ra_seek(m, ch == KEY_RIGHT ? 1 : -1, q, notice, nlen);
		return 1;
	}
	if (!keycode && (ch == '+' || ch == '=' || ch == '-' || ch == '_' || ch == 'm')) {
		ra_volume(m, ch, notice, nlen);
		return 1;
	}
	return 0;
}
