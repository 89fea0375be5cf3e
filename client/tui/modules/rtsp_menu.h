/*
 * rtsp_menu.h: the RTSP module of the TUI (see tui_module.h) for
 * seal rtsps://HOST/NAME: the menu (OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE,
 * TEARDOWN, GET_PARAMETER, Log in), greyed by the session's state but
 * always allowed; the login form on a 401 (Basic, inside TLS: requests
 * show "Authorization: Basic ********"); the bytes side (struct
 * module_bytes): each request built by rtsp_client when its turn comes,
 * responses split from the interleaved RTP and RTCP by rtsp_rx, the audio
 * to --output through wav_writer, an RTCP BYE noted once; and the player,
 * a view beside the menu (rtsp_menu_view.c): state, a progress bar of the
 * position against the SDP's a=range, packets, bytes, lost and reordered,
 * and a level meter per channel. The player's numbers are a snapshot taken
 * at most every TUI_RTSP_REFRESH_MS by tick(), so the screen changes at a
 * steady pace, not per packet. rtsp_menu_meter.c holds the pure
 * arithmetic. Sound (rtsp_menu_audio.c): the audio also goes to an
 * audio_player opened at SETUP (unless --no-audio), driven by the
 * session's replies (PLAY starts or resumes it, PAUSE pauses it, a seek
 * drops what it holds, the BYE lets it play out, TEARDOWN closes it), with
 * the player's keys (arrows seek, + and - the volume, m the mute). Pure
 * but for drawing, the WAV file and the player; main thread.
 */
#ifndef SEAL_RTSP_MENU_H
#define SEAL_RTSP_MENU_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "audio_player.h"
#include "defaults.h"
#include "rtsp_client.h"
#include "rtsp_rx.h"
#include "tui_defaults.h"
#include "tui_module.h"
#include "wav_writer.h"

#define RTSP_MENU_TEXT_MAX 256

/* What the menu greys by: INIT before and after DESCRIBE, READY, PLAYING,
 * and PLAYING after the RTCP BYE (ENDED: PLAY plays it again). */
#define RTSP_MENU_STATES(X) X(INIT) X(DESCRIBED) X(READY) X(PLAYING) X(ENDED)
#define RTSP_MENU_AS_ENUM(s) RM_##s,
enum rtsp_menu_state { RTSP_MENU_STATES(RTSP_MENU_AS_ENUM) RM_STATE_COUNT };

/* The menu, in order; the values index rtsp_menu_module.items. */
enum rtsp_menu_item {
	RMI_OPTIONS, RMI_DESCRIBE, RMI_SETUP, RMI_PLAY, RMI_PAUSE, RMI_TEARDOWN, RMI_KEEPALIVE,
	RMI_LOGIN, RMI_COUNT
};

/* A response's lines (and seal's notes about it), handed out one by one:
 * each entry is a kind byte ('L' line, 'N' note) and a NUL-ended text. */
struct rtsp_menu_out {
	char   *buf;
	size_t  len, cap, at;
	int     end;                      /* RAW_END still to hand out */
};

/* What the player draws: a snapshot, refreshed by tick(). */
struct rtsp_menu_shown {
	uint64_t pos_ms;
	uint64_t packets, bytes, lost, reordered;
	uint64_t wav_bytes;
	int      level_db10[RTSP_CLIENT_CHANNELS];   /* tenths of dBFS, -FLOOR*10 .. 0 */
};

/* The sound: the player and the controls (rtsp_menu_audio.c). */
struct rtsp_menu_audio {
	struct audio_player *player;          /* NULL: no sound now */
	char     device[AUDIO_NAME_MAX];      /* "" with --no-audio */
	unsigned buffer_ms;
	char     why[RTSP_MENU_TEXT_MAX];     /* what the Audio row says without a player */
	unsigned volume;                      /* percent */
	int      muted;
	int      started;                     /* a PLAY started the player since SETUP */
	int      paused;                      /* the player was paused for a PAUSE */
	int64_t  seek_ms;                     /* the next PLAY's Range, or -1 */
	int      seek_queued;                 /* a PLAY for it waits in the queue */
	int      seeking;                     /* the PLAY in flight carries a Range ... */
	uint64_t seek_to;                     /* ... to this, in ms */
	struct audio_player_stats st;         /* the snapshot the view draws */
};

struct rtsp_menu {
	struct rtsp_client     cl;
	struct rtsp_rx         rx;
	struct wav_writer      wav;
	struct rtsp_menu_out   out;
	struct rtsp_menu_shown shown;
	struct rtsp_menu_audio audio;
	char       output[PATH_MAX];   /* --output FILE, or "" */
	char       status[RTSP_MENU_TEXT_MAX];   /* the last response's status line */
	char       note[RTSP_MENU_TEXT_MAX];     /* a note next() hands out */
	char       retry[RTSP_CLIENT_METHOD_MAX];   /* refused with 401: sent again after the login */
	char       user[USER_NAME_MAX + 1];      /* accepted by the server */
	char       pending[USER_NAME_MAX + 1];   /* whose credentials go with requests */
	char       name[RTSP_MENU_TEXT_MAX];     /* the state in words */
	char       question[RTSP_MENU_TEXT_MAX]; /* what q asks */
	int        auth_sent;          /* the request awaiting its reply carried them */
	int        need_login;         /* the last reply was 401 */
	int        login_prompt;       /* the login form should open by itself */
	int        raise;              /* the player should come up */
	int        requested;          /* a request went out since the last tick */
	int        changed;            /* a reply or a BYE: the next tick refreshes at once */
	long long  last_request_ms, refreshed_ms;
	uint64_t   pos_base_ms;        /* the position PLAY started from (its Range) */
	uint64_t   pos_frames0;        /* frames received before that PLAY */
	int        hold[RTSP_CLIENT_CHANNELS];   /* highest peak since the last refresh */
};

extern const struct tui_module rtsp_menu_module;
extern const struct module_view rtsp_menu_view;
extern const struct module_bytes rtsp_menu_io_bytes;   /* rtsp_menu_io.c */

/* The name of state S ("PLAYING"), for tests. */
const char *rtsp_menu_state_id(enum rtsp_menu_state s);

/* The state of M the menu greys by. */
enum rtsp_menu_state rtsp_menu_state_of(const struct rtsp_menu *m);

/* Recomputes M's state in words (status line) and q's question. */
void rtsp_menu_name_update(struct rtsp_menu *m);

/* The position in the stream now: where the last PLAY started plus the
 * audio received since, in milliseconds. */
uint64_t rtsp_menu_position_ms(const struct rtsp_menu *m);

/* The stream's name: the last part of the URL's path ("tone.wav"). */
const char *rtsp_menu_stream_name(const struct rtsp_menu *m);

/* The sound (rtsp_menu_audio.c). */

/* No player; DEVICE (NULL: --no-audio) and BUFFER_MS for the next SETUP. */
void rtsp_menu_audio_configure(struct rtsp_menu *m, const char *device, unsigned buffer_ms);

/* SETUP succeeded: a player for the SDP's format. One line for the
 * transcript into NOTE: where the sound goes, or why there is none. */
void rtsp_menu_audio_open(struct rtsp_menu *m, char *note, size_t len);

/* TEARDOWN, or the module's end: no player. */
void rtsp_menu_audio_close(struct rtsp_menu *m);

/* METHOD goes out now: the Range a PLAY carries (-1: none); a seek
 * silences the player at once, a PAUSE pauses it. */
int64_t rtsp_menu_audio_request(struct rtsp_menu *m, const char *method);

/* The reply CODE to METHOD came; a PLAY's starts at START_MS. */
void rtsp_menu_audio_reply(struct rtsp_menu *m, const char *method, int code,
                           uint64_t start_ms);

/* Audio received (little-endian PCM), and the stream's end (RTCP BYE). */
void rtsp_menu_audio_push(struct rtsp_menu *m, const uint8_t *pcm, size_t len);
void rtsp_menu_audio_end(struct rtsp_menu *m);

/* Takes the player's snapshot for the view. */
void rtsp_menu_audio_refresh(struct rtsp_menu *m);

/* The position as heard in *MS (or where a paused player will go on):
 * 1, or 0 when the sound says nothing (no player, not started). */
int  rtsp_menu_audio_heard_ms(const struct rtsp_menu *m, uint64_t *ms);

/* The player's keys: Left/Right seek, + and - the volume, m the mute.
 * 1 when the key was one of them (a line for the status bar in NOTICE). */
int  rtsp_menu_audio_key(struct rtsp_menu *m, int ch, int keycode, struct tui_queue *q,
                         char *notice, size_t nlen);

/* Pure arithmetic (rtsp_menu_meter.c). */

/* PEAK (0..32767) in tenths of dBFS, from -TUI_RTSP_METER_FLOOR_DB * 10
 * (silence and anything quieter) to 0 (full scale). */
int rtsp_menu_meter_db10(int peak);

/* Eighths of a cell lit in a meter CELLS wide for DB10. */
int rtsp_menu_meter_eighths(int db10, int cells);

/* The dB (tenths) the meter shows ELAPSED_MS after it showed SHOWN, a
 * new peak PEAK having come: the peak when higher, else falling at
 * TUI_RTSP_METER_FALL_DB_S, never under the floor. */
int rtsp_menu_meter_fall(int shown, int peak, long long elapsed_ms);

/* Eighths of a cell lit in a progress bar CELLS wide at POS of LEN (0 when
 * LEN is unknown, full past the end). */
int rtsp_menu_meter_bar_eighths(uint64_t pos, uint64_t len, int cells);

/* MS as "m:ss.t" ("1:02.3") into OUT. */
void rtsp_menu_meter_clock(uint64_t ms, char *out, size_t len);

/* BYTES as "812 B", "210.4 kB", "12.3 MB" into OUT. */
void rtsp_menu_meter_size(uint64_t bytes, char *out, size_t len);

#endif
