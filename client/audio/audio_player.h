/*
 * audio_player.h: seal's sound output: an ALSA device (audio_dev.h) fed by
 * its own thread from a jitter buffer (jitter.h) through the volume
 * (gain.h). The thread is the only user of the device, so nothing the
 * caller does (the TUI drawing and reading keys, batch mode waiting for a
 * reply, a connect, a WAV write) can starve it, and nothing it does (a
 * device that blocks or runs dry) can stall the caller: every call here
 * takes one mutex for a copy or a flag and returns. Underruns are
 * counted; the device is prepared again and playback starts once the
 * buffer is filled again. The caller speaks in stream events: start (a
 * PLAY's first frame), stop (a seek or TEARDOWN on its way), pause,
 * resume, end (the RTCP BYE). One caller thread.
 */
#ifndef SEAL_AUDIO_PLAYER_H
#define SEAL_AUDIO_PLAYER_H

#include <stddef.h>
#include <stdint.h>

#include "audio_defaults.h"

#define AUDIO_PLAYER_STATES(X) X(STOPPED) X(FILLING) X(PLAYING) X(PAUSED) X(ENDED) X(FAILED)
#define AUDIO_PLAYER_AS_ENUM(s) AUDIO_PLAYER_##s,
enum audio_player_state { AUDIO_PLAYER_STATES(AUDIO_PLAYER_AS_ENUM) AUDIO_PLAYER_STATE_COUNT };

struct audio_player;

struct audio_player_stats {
	enum audio_player_state state;
	unsigned rate, channels;
	unsigned target_ms, level_ms;     /* the buffer: ring plus device queue */
	unsigned level_min_ms, level_max_ms;   /* once settled after the last start; 0 0 before */
	uint64_t heard;                   /* the stream frame being heard now */
	uint64_t underruns, dropped, repeated, overflow, clipped;
	unsigned volume;                  /* percent */
	int      muted;
	int      clocked;                 /* the device reports its delay */
	int      hw_pause;                /* it pauses in place (else: drained) */
	char     error[AUDIO_ERR_MAX];    /* FAILED: why */
};

/* Opens DEVICE for RATE Hz and CHANNELS (1 or 2) with BUFFER_MS of jitter
 * buffer, and starts its thread (STOPPED: pushes are ignored until
 * start). 0, or -1 with one line in ERR. */
int  audio_player_open(struct audio_player **pp, const char *device, unsigned rate,
                       unsigned channels, unsigned buffer_ms, char *err, size_t errlen);

/* Stops the thread (what is queued is dropped), closes the device, frees. */
void audio_player_close(struct audio_player *p);

/* The device's name, as opened. */
const char *audio_player_device(const struct audio_player *p);

/* BYTES of little-endian 16-bit audio from the network. */
void audio_player_push(struct audio_player *p, const uint8_t *le, size_t bytes);

/* The frames pushed from now on start at stream frame FRAME: what was
 * held is dropped, the buffer fills before playing. */
void audio_player_start(struct audio_player *p, uint64_t frame);

/* Drops what is held and queued at once and ignores pushes until the
 * next start (a seek is on its way; frames still in flight are old). */
void audio_player_stop(struct audio_player *p);

/* Pauses the device in place (or lets it play out its queue when it
 * cannot), keeping what is held; pushes still go in. */
void audio_player_pause(struct audio_player *p);
void audio_player_resume(struct audio_player *p);

/* No more frames will come: what is held plays even under the target. */
void audio_player_end(struct audio_player *p);

/* audio_player_end, then waits at most TIMEOUT_MS until everything held
 * was played. 0, or -1 when the time ran out. */
int  audio_player_finish(struct audio_player *p, int timeout_ms);

/* The volume in percent and the mute. */
void audio_player_volume(struct audio_player *p, unsigned pct, int muted);

void audio_player_stats(struct audio_player *p, struct audio_player_stats *st);

/* The state's name in lower case ("playing"). */
const char *audio_player_state_name(enum audio_player_state s);

#endif
