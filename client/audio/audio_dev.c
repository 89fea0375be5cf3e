/*
 * audio_dev.c: the ALSA device (see audio_dev.h). snd_pcm_set_params
 * chooses the hardware and software parameters (soft_resample on, so the
 * plug layer converts what the card cannot take); the rest are the
 * ALSA calls the player needs, each one step. The only file that includes
 * alsa/asoundlib.h.
 */
#include "audio_dev.h"
#include "timeconst.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SOFT_RESAMPLE 1
#define MONO          1

/* ALSA prints its own diagnostics on stderr, which is the TUI's screen;
 * seal reports snd_strerror() of each failure instead. */
static void
audio_dev_silent(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
	(void)file;
	(void)line;
	(void)function;
	(void)err;
	(void)fmt;
}

int
audio_dev_open(struct audio_dev *d, const char *name, unsigned rate, unsigned channels,
               unsigned latency_ms, char *err, size_t errlen)
{
	snd_pcm_uframes_t buffer = 0, period = 0;
	snd_pcm_hw_params_t *hw = NULL;
	snd_pcm_t *pcm = NULL;
	int rc;

	memset(d, 0, sizeof *d);
	snd_lib_error_set_handler(audio_dev_silent);
	rc = snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
	if (rc < 0) {
		snprintf(err, errlen, "cannot open ALSA device '%s': %s", name, snd_strerror(rc));
		return -1;
	}
	rc = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16, SND_PCM_ACCESS_RW_INTERLEAVED, channels,
	                        rate, SOFT_RESAMPLE, latency_ms * US_PER_MS);
	if (rc == 0)
		rc = snd_pcm_get_params(pcm, &buffer, &period);
	if (rc == 0 && (buffer == 0 || period == 0))
		rc = -EINVAL;
	if (rc < 0) {
		snprintf(err, errlen, "ALSA device '%s' cannot play 16-bit %u Hz %s: %s (ALSA's plug "
		         "layer converts: try plughw: for hw:, or default)", name, rate,
		         channels == MONO ? "mono" : "stereo", snd_strerror(rc));
		snd_pcm_close(pcm);
		return -1;
	}
	if (snd_pcm_hw_params_malloc(&hw) == 0) {
		if (snd_pcm_hw_params_current(pcm, hw) == 0)
			d->can_pause = snd_pcm_hw_params_can_pause(hw);
		snd_pcm_hw_params_free(hw);
	}
	d->pcm = pcm;
	d->rate = rate;
	d->channels = channels;
	d->buffer = buffer;
	d->period = period;
	snprintf(d->name, sizeof d->name, "%s", name);
	return 0;
}

void
audio_dev_close(struct audio_dev *d)
{
	if (d->pcm != NULL)
		snd_pcm_close(d->pcm);
	d->pcm = NULL;
}

long
audio_dev_avail(struct audio_dev *d)
{
	return snd_pcm_avail(d->pcm);
}

long
audio_dev_delay(struct audio_dev *d)
{
	snd_pcm_sframes_t delay = 0;

	if (snd_pcm_delay(d->pcm, &delay) < 0)
		return -1;
	return delay < 0 ? 0 : delay;
}

long
audio_dev_write(struct audio_dev *d, const int16_t *pcm, size_t frames)
{
	return snd_pcm_writei(d->pcm, pcm, frames);
}

int
audio_dev_running(struct audio_dev *d)
{
	snd_pcm_state_t st = snd_pcm_state(d->pcm);

	return st == SND_PCM_STATE_RUNNING || st == SND_PCM_STATE_DRAINING;
}

void
audio_dev_start(struct audio_dev *d)
{
	if (snd_pcm_state(d->pcm) == SND_PCM_STATE_PREPARED)
		snd_pcm_start(d->pcm);
}

int
audio_dev_recover(struct audio_dev *d, int err)
{
	return snd_pcm_recover(d->pcm, err, 1) < 0 ? -1 : 0;
}

int
audio_dev_pause(struct audio_dev *d, int on)
{
	snd_pcm_state_t st = snd_pcm_state(d->pcm);

	if (!d->can_pause)
		return -1;
	if (on && st != SND_PCM_STATE_RUNNING)
		return st == SND_PCM_STATE_PREPARED ? 0 : -1;   /* nothing plays yet */
	if (!on && st != SND_PCM_STATE_PAUSED)
		return 0;
	return snd_pcm_pause(d->pcm, on) < 0 ? -1 : 0;
}

void
audio_dev_drop(struct audio_dev *d)
{
	snd_pcm_drop(d->pcm);
	snd_pcm_prepare(d->pcm);
}

const char *
audio_dev_strerror(long err)
{
	return snd_strerror((int)err);
}

void
audio_dev_drain(struct audio_dev *d)
{
	snd_pcm_sframes_t delay = 0;

	if (snd_pcm_state(d->pcm) == SND_PCM_STATE_PREPARED &&
	    snd_pcm_delay(d->pcm, &delay) == 0 && delay > 0)
		snd_pcm_start(d->pcm);
	snd_pcm_nonblock(d->pcm, 0);
	snd_pcm_drain(d->pcm);
	snd_pcm_nonblock(d->pcm, 1);
	snd_pcm_prepare(d->pcm);
}
