/*
 * audio_dev.h: an ALSA playback device for seal (Debian's libasound2; on
 * a desktop ALSA's "default" reaches PipeWire or PulseAudio): opened by
 * name ("default", "hw:0", "plughw:1,0", a name from ~/.asoundrc)
 * non-blocking, 16-bit native-endian interleaved at the stream's rate and
 * channels (ALSA's plug layer resamples or converts where the card cannot),
 * with a queue of about three quarters of the jitter buffer. ALSA's own error messages
 * are silenced (they would land on the TUI's screen); each failure is
 * returned as one line. The player thread alone uses an open device.
 */
#ifndef SEAL_AUDIO_DEV_H
#define SEAL_AUDIO_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "audio_defaults.h"

struct _snd_pcm;

struct audio_dev {
	struct _snd_pcm *pcm;
	unsigned         rate, channels;
	unsigned long    buffer, period;     /* frames */
	int              can_pause;          /* the device pauses in place */
	char             name[AUDIO_NAME_MAX];
};

/* Opens NAME for RATE Hz and CHANNELS, queueing about LATENCY_MS. 0, or
 * -1 with the reason in ERR ("cannot open ALSA device 'x': ..."). */
int  audio_dev_open(struct audio_dev *d, const char *name, unsigned rate, unsigned channels,
                    unsigned latency_ms, char *err, size_t errlen);
void audio_dev_close(struct audio_dev *d);

/* Frames the device has room for, or a negative errno (-EPIPE: it ran dry). */
long audio_dev_avail(struct audio_dev *d);

/* Frames queued and not yet heard, or -1 when the device cannot say. */
long audio_dev_delay(struct audio_dev *d);

/* Writes up to FRAMES frames without waiting: the count written, or a
 * negative errno (-EAGAIN: full, -EPIPE: it had run dry). */
long audio_dev_write(struct audio_dev *d, const int16_t *pcm, size_t frames);

/* 1 while the device plays (RUNNING or DRAINING). */
int  audio_dev_running(struct audio_dev *d);

/* Starts a prepared device that holds frames. */
void audio_dev_start(struct audio_dev *d);

/* After ERR (-EPIPE underrun, -ESTRPIPE suspend): ready to be written
 * again. 0, or -1 when the device is gone. */
int  audio_dev_recover(struct audio_dev *d, int err);

/* Pauses in place (ON) or goes on. 0, or -1 when the device cannot. */
int  audio_dev_pause(struct audio_dev *d, int on);

/* Stops now, dropping what is queued; ready to be written again. */
void audio_dev_drop(struct audio_dev *d);

/* ALSA's words for a negative error code ERR. */
const char *audio_dev_strerror(long err);

/* Plays out what is queued (waiting), then stops; ready to be written again. */
void audio_dev_drain(struct audio_dev *d);

#endif
