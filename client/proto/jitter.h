/*
 * jitter.h: the jitter buffer between the network and the sound card: a
 * ring of 16-bit frames that fills to a target (--buffer) before playing,
 * at the start, after a seek and after an underrun, and keeps playing
 * what it holds when the stream has ended. Drift control: the server's
 * clock and the device's are never quite the same, so the level (frames
 * held here plus those the device has queued) creeps up or down over a
 * long stream. Its mean over JITTER_SETTLE_MS played after a (re)start
 * (once JITTER_WARMUP_MS have played: the device's own start) becomes the
 * reference; from then on the level is smoothed
 * over JITTER_SMOOTH_MS of played audio, and while it strays from the reference by more than the
 * band, one frame in JITTER_FIX_SPACING at most is dropped (too full) or
 * repeated (too empty), each counted, until it is back within half the
 * band. A device that never reports a delay (ALSA's null keeps no clock)
 * is never corrected. Pure: no clock, no locks, no I/O; the caller
 * serialises access.
 */
#ifndef SEAL_JITTER_H
#define SEAL_JITTER_H

#include <stddef.h>
#include <stdint.h>

#include "proto_defaults.h"

#define JITTER_DELAY_UNKNOWN (-1L)   /* jitter_read: the device reports no delay */

struct jitter_stats {
	uint64_t pushed;              /* frames that came in */
	uint64_t taken;               /* stream frames that went out: a dropped frame
	                                 counts, a repeated one not, lost ones count */
	uint64_t dropped, repeated;   /* by drift control */
	uint64_t overflow;            /* lost to a full ring (the oldest go first) */
};

struct jitter {
	int16_t  *buf;
	size_t    cap, head, len;     /* frames; LEN from HEAD (mod CAP) hold audio */
	unsigned  rate, channels;
	size_t    target;             /* frames held before playing */
	size_t    band;               /* drift control's band, frames */
	int       filling;            /* waiting for TARGET (or the end) */
	int       ended;              /* no more frames will come */
	int       clocked;            /* the device has reported a delay */
	int       fixing;             /* +1 dropping, -1 repeating, 0 neither */
	int64_t   smooth;             /* the level, frames scaled by JITTER_SCALE */
	int64_t   ref;                /* the reference, scaled; -1 until settled */
	int64_t   settle_sum;         /* until then: levels seen, times frames played */
	uint64_t  settle_weight;      /* and those frames */
	uint64_t  played;             /* frames out since the (re)start */
	uint64_t  next_fix;           /* PLAYED before which no frame is fixed */
	int16_t   last[JITTER_CHANNELS_MAX];   /* the last frame out: what a repeat plays */
	struct jitter_stats st;
};

/* An empty buffer for RATE Hz and CHANNELS (1 or 2), holding TARGET_MS
 * before it plays. 0, or -1 (bad format, out of memory). */
int    jitter_init(struct jitter *j, unsigned rate, unsigned channels, unsigned target_ms);
void   jitter_free(struct jitter *j);

/* Appends FRAMES frames of interleaved native-endian samples. */
void   jitter_push(struct jitter *j, const int16_t *pcm, size_t frames);

/* Appends BYTES of little-endian 16-bit samples (what rtsp_client hands
 * out); a partial frame at the end is left out. */
void   jitter_push_le(struct jitter *j, const uint8_t *le, size_t bytes);

/* Fills to the target again before playing (after an underrun, or to
 * resume a drained device); FLUSH also empties it and forgets the end (a
 * seek). Drift control starts over; the statistics stay. */
void   jitter_restart(struct jitter *j, int flush);

/* No more frames will come: what is held plays even under the target. */
void   jitter_end(struct jitter *j);

/* 1 once frames may go out (not filling). */
int    jitter_ready(struct jitter *j);

/* Frames held. */
size_t jitter_len(const struct jitter *j);

/* Up to MAX frames into OUT for a device that has DELAY frames queued
 * (JITTER_DELAY_UNKNOWN when it cannot say): observes the level, and
 * drops or repeats one frame when drift control asks. 0 while filling or
 * empty. Returns the frames written to OUT. */
size_t jitter_read(struct jitter *j, int16_t *out, size_t max, long delay);

/* Milliseconds of FRAMES at the buffer's rate. */
unsigned jitter_ms(const struct jitter *j, uint64_t frames);

#endif
