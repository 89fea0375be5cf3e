/*
 * jitter.c: the jitter buffer and its drift control (see jitter.h). The
 * level is smoothed with an exponential average weighted by the frames
 * played since the last look (the device's clock is the time base, so
 * no wall clock is needed and a simulation can drive it); corrections are
 * one frame at a time, at most one per JITTER_FIX_SPACING frames played.
 */
#include "jitter.h"
#include "timeconst.h"

#include <stdlib.h>
#include <string.h>

#define JITTER_SHIFT  16                          /* fixed point of the smoothed level */
#define JITTER_SCALE  ((int64_t)1 << JITTER_SHIFT)
#define BYTE_BITS     8
#define SAMPLE_BYTES  2
#define HALF          2
#define PUSH_CHUNK    256                         /* frames converted at a time */

static size_t
jitter_frames(unsigned rate, unsigned ms)
{
	return (size_t)((uint64_t)rate * ms / MS_PER_S);
}

unsigned
jitter_ms(const struct jitter *j, uint64_t frames)
{
	return j->rate ? (unsigned)(frames * MS_PER_S / j->rate) : 0;
}

int
jitter_init(struct jitter *j, unsigned rate, unsigned channels, unsigned target_ms)
{
	size_t cap_ms = (size_t)target_ms * JITTER_CAP_BUFFERS;

	memset(j, 0, sizeof *j);
	if (rate == 0 || channels == 0 || channels > JITTER_CHANNELS_MAX || target_ms == 0)
		return -1;
	if (cap_ms < JITTER_CAP_MIN_MS)
		cap_ms = JITTER_CAP_MIN_MS;
	j->rate = rate;
	j->channels = channels;
	j->target = jitter_frames(rate, target_ms);
	if (j->target == 0)
		j->target = 1;
	j->band = jitter_frames(rate, JITTER_BAND_MS);
	if (j->band < j->target / JITTER_BAND_PARTS)
		j->band = j->target / JITTER_BAND_PARTS;
	j->cap = jitter_frames(rate, (unsigned)cap_ms);
	j->buf = calloc(j->cap, channels * sizeof *j->buf);
	if (j->buf == NULL)
		return -1;
	jitter_restart(j, 1);
	return 0;
}

void
jitter_free(struct jitter *j)
{
	free(j->buf);
	memset(j, 0, sizeof *j);
}

void
jitter_restart(struct jitter *j, int flush)
{
	if (flush) {
		j->head = j->len = 0;     /* never played, so not taken */
		j->ended = 0;
	}
	j->filling = 1;
	j->fixing = 0;
	j->settle_sum = 0;
	j->settle_weight = 0;
	j->ref = -1;
	j->played = 0;
	j->next_fix = 0;
}

void
jitter_end(struct jitter *j)
{
	j->ended = 1;
}

int
jitter_ready(struct jitter *j)
{
	if (j->filling && (j->len >= j->target || j->ended))
		j->filling = 0;
	return !j->filling;
}

size_t
jitter_len(const struct jitter *j)
{
	return j->len;
}

/* Drops the N oldest frames (the ring is too full for what comes). */
static void
jitter_lose(struct jitter *j, size_t n)
{
	j->head = (j->head + n) % j->cap;
	j->len -= n;
	j->st.overflow += n;
	j->st.taken += n;
}

void
jitter_push(struct jitter *j, const int16_t *pcm, size_t frames)
{
	unsigned ch = j->channels;

	if (j->buf == NULL)
		return;
	j->st.pushed += frames;
	if (frames > j->cap) {              /* only the newest CAP frames can stay */
		j->st.overflow += frames - j->cap;
		j->st.taken += frames - j->cap;
		pcm += (frames - j->cap) * ch;
		frames = j->cap;
	}
	if (j->len + frames > j->cap)
		jitter_lose(j, j->len + frames - j->cap);
	size_t tail = (j->head + j->len) % j->cap;
	size_t first = j->cap - tail < frames ? j->cap - tail : frames;
	memcpy(j->buf + tail * ch, pcm, first * ch * sizeof *pcm);
	memcpy(j->buf, pcm + first * ch, (frames - first) * ch * sizeof *pcm);
	j->len += frames;
}

void
jitter_push_le(struct jitter *j, const uint8_t *le, size_t bytes)
{
	int16_t tmp[JITTER_CHANNELS_MAX * PUSH_CHUNK];
	size_t per = (size_t)j->channels * SAMPLE_BYTES, frames;

	if (per == 0)
		return;
	frames = bytes / per;
	while (frames > 0) {
		size_t n = frames < PUSH_CHUNK ? frames : PUSH_CHUNK;
		for (size_t i = 0; i < n * j->channels; i++)
			tmp[i] = (int16_t)(uint16_t)(le[SAMPLE_BYTES * i] |
			                             le[SAMPLE_BYTES * i + 1] << BYTE_BITS);
		jitter_push(j, tmp, n);
		le += n * per;
		frames -= n;
	}
}

/* Looks at the level before N frames go out to a device with DELAY queued.
 * The first JITTER_WARMUP_MS played after a (re)start are the device's own
 * start (a sound server's queue fills, its timing comes): not looked at.
 * Over the next JITTER_SETTLE_MS the smoothed level is the mean of what was
 * seen (weighted by frames), which becomes the reference; after, an
 * exponential average, compared with the reference to decide on fixing. */
static void
jitter_observe(struct jitter *j, size_t n, long delay)
{
	int64_t level, tau = (int64_t)jitter_frames(j->rate, JITTER_SMOOTH_MS), err;
	int64_t band = (int64_t)j->band * JITTER_SCALE;

	if (delay > 0)
		j->clocked = 1;
	/* a clocked device that says 0 has not started, or has no timing yet
	 * (PulseAudio's right after a start), or has run dry (an underrun
	 * follows): none of it is the level to hold */
	if (!j->clocked || delay <= 0 || n == 0)
		return;
	level = ((int64_t)j->len + delay) * JITTER_SCALE;
	if (j->ref < 0) {
		if (j->played < jitter_frames(j->rate, JITTER_WARMUP_MS))
			return;
		j->settle_sum += ((int64_t)j->len + delay) * (int64_t)n;
		j->settle_weight += n;
		j->smooth = j->settle_sum * JITTER_SCALE / (int64_t)j->settle_weight;
		if (j->played >= jitter_frames(j->rate, JITTER_WARMUP_MS + JITTER_SETTLE_MS))
			j->ref = j->smooth;
		return;
	}
	j->smooth += (level - j->smooth) * ((int64_t)n < tau ? (int64_t)n : tau) / (tau > 0 ? tau : 1);
	err = j->smooth - j->ref;
	if (j->fixing == 0 && (err > band || err < -band))
		j->fixing = err > 0 ? 1 : -1;
	else if (j->fixing != 0 && (err * j->fixing < band / HALF))
		j->fixing = 0;
}

/* Copies N frames out of the ring into OUT. */
static void
jitter_copy(struct jitter *j, int16_t *out, size_t n)
{
	unsigned ch = j->channels;
	size_t first = j->cap - j->head < n ? j->cap - j->head : n;

	memcpy(out, j->buf + j->head * ch, first * ch * sizeof *out);
	memcpy(out + first * ch, j->buf, (n - first) * ch * sizeof *out);
	j->head = (j->head + n) % j->cap;
	j->len -= n;
	j->st.taken += n;
	if (n > 0)
		memcpy(j->last, out + (n - 1) * ch, ch * sizeof *out);
}

/* Drift control's one frame: the next one left unplayed, or the last one
 * played again into OUT. The frames written to OUT (0 or 1). */
static size_t
jitter_fix(struct jitter *j, int16_t *out)
{
	size_t n = 0;

	if (j->fixing > 0 && j->len > 1) {
		j->head = (j->head + 1) % j->cap;
		j->len--;
		j->st.taken++;
		j->st.dropped++;
	} else if (j->fixing < 0 && j->played > 0) {
		memcpy(out, j->last, j->channels * sizeof *out);
		j->st.repeated++;
		n = 1;
	}
	j->played += n;
	j->next_fix = j->played + JITTER_FIX_SPACING;
	return n;
}

size_t
jitter_read(struct jitter *j, int16_t *out, size_t max, long delay)
{
	size_t done = 0;

	if (j->buf == NULL || !jitter_ready(j) || j->len == 0 || max == 0)
		return 0;
	jitter_observe(j, j->len < max ? j->len : max, delay);
	while (done < max && j->len > 0) {
		if (j->fixing != 0 && j->played >= j->next_fix) {
			done += jitter_fix(j, out + done * j->channels);
			continue;
		}
		size_t n = max - done < j->len ? max - done : j->len;
		if (j->fixing != 0 && j->next_fix - j->played < n)
			n = (size_t)(j->next_fix - j->played);
		jitter_copy(j, out + done * j->channels, n);
		j->played += n;
		done += n;
	}
	return done;
}
