/*
 * audio_player.c: the player thread (see audio_player.h). Why a thread and
 * not the device's poll descriptors in the TUI's loop: that loop also
 * connects, handshakes and sends with waits of its own, draws the screen
 * and writes --output, and batch mode has a different loop again; a
 * device fed from there runs dry whenever any of those takes longer than
 * the device's queue. The thread never waits on anything but the device
 * and its condition variable, and holds the mutex only to move frames out
 * of the ring and to read or set flags: every ALSA call runs without it.
 *
 * Each turn: apply a drop (start, stop) or a pause asked for; else write
 * what the ring gives (volume applied) into the room the device has,
 * starting it once it is full or the ring has nothing more; an -EPIPE is
 * an underrun: counted, the device prepared again, the ring filled to its
 * target again. A chunk taken out of the ring and not yet written stays
 * pending, so nothing is lost or written twice. At the end (the ring
 * empty after audio_player_end) the device is drained and the state is
 * ENDED.
 */
#include "audio_player.h"
#include "timeconst.h"
#include "audio_dev.h"
#include "gain.h"
#include "jitter.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* The lock: MU guards the ring, the gain, the PEND_ counts (only the
 * thread changes them) and every field from ACCEPT on. DEV and CHUNK are
 * the thread's alone (its ALSA calls run without MU); the rest is set
 * before the thread starts. */
struct audio_player {
	pthread_mutex_t mu;
	pthread_cond_t  wake;          /* the thread: something to do */
	pthread_cond_t  done;          /* finish(): the end was played */
	pthread_t       thread;
	struct audio_dev dev;
	struct jitter   jit;
	struct gain     gain;
	int16_t        *chunk;         /* the thread's: frames on their way to the device */
	size_t          chunk_max, pend_off, pend_len;
	/* asked by the caller */
	int             accept;        /* pushes go into the ring */
	int             want_pause;
	int             want_drop;     /* drop what the device holds (start, stop) */
	int             quit;
	/* kept by the thread */
	enum audio_player_state state;
	int             paused;        /* the device is paused, or was drained for a pause */
	int             hw_paused;
	long            delay;         /* frames queued at the last look; -1 unknown */
	uint64_t        base;          /* the stream frame of the first frame after start */
	uint64_t        taken0;        /* the ring's taken count at start */
	uint64_t        underruns;
	long            level_min, level_max;   /* frames, once settled; -1: none yet */
	char            error[AUDIO_ERR_MAX];
};

static const char *const ap_state_names[] = {
	"stopped", "filling", "playing", "paused", "ended", "failed"
};
_Static_assert(sizeof ap_state_names / sizeof ap_state_names[0] == AUDIO_PLAYER_STATE_COUNT,
               "a name for each state");

const char *
audio_player_state_name(enum audio_player_state s)
{
	return s < AUDIO_PLAYER_STATE_COUNT ? ap_state_names[s] : "?";
}

/* Sleeps at most MS on the wake condition (the mutex held). */
static void
ap_wait(struct audio_player *p, long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / MS_PER_S;
	ts.tv_nsec += (ms % MS_PER_S) * NS_PER_MS;
	if (ts.tv_nsec >= NS_PER_S) {
		ts.tv_sec++;
		ts.tv_nsec -= NS_PER_S;
	}
	pthread_cond_timedwait(&p->wake, &p->mu, &ts);
}

/* Milliseconds for the device to free FRAMES, at least AUDIO_WAKE_MIN_MS. */
static long
ap_ms(const struct audio_player *p, unsigned long frames)
{
	long ms = (long)(frames * MS_PER_S / p->dev.rate);

	return ms < AUDIO_WAKE_MIN_MS ? AUDIO_WAKE_MIN_MS : ms;
}

/* The device failed for good: FAILED, with why. */
static long
ap_fail(struct audio_player *p, const char *what, long err)
{
	snprintf(p->error, sizeof p->error, "ALSA device '%s': %s: %s", p->dev.name, what,
	         audio_dev_strerror(err));
	p->state = AUDIO_PLAYER_FAILED;
	p->accept = 0;
	pthread_cond_broadcast(&p->done);
	return AUDIO_IDLE_MS;
}

/* ERR from the device while playing: an underrun (or a suspend) is
 * counted unless the stream had ended and everything was out; the device
 * is made ready again and the ring fills to its target before playing. */
static long
ap_xrun(struct audio_player *p, long err)
{
	int rc;

	if (err != -EPIPE && err != -ESTRPIPE)
		return ap_fail(p, "write", err);
	if (!(p->jit.ended && jitter_len(&p->jit) == 0 && p->pend_len == 0))
		p->underruns++;
	jitter_restart(&p->jit, 0);
	p->state = AUDIO_PLAYER_FILLING;
	pthread_mutex_unlock(&p->mu);
	rc = audio_dev_recover(&p->dev, (int)err);
	pthread_mutex_lock(&p->mu);
	return rc == -1 ? ap_fail(p, "cannot recover", err) : 0;
}

/* The ring gave nothing: the end is played out, or we wait for frames. */
static long
ap_starved(struct audio_player *p, int running)
{
	if (p->jit.ended && jitter_len(&p->jit) == 0) {
		pthread_mutex_unlock(&p->mu);
		audio_dev_drain(&p->dev);
		pthread_mutex_lock(&p->mu);
		if (!p->want_drop) {
			p->state = AUDIO_PLAYER_ENDED;
			p->delay = 0;
			pthread_cond_broadcast(&p->done);
		}
		return 0;
	}
	if (!jitter_ready(&p->jit))
		p->state = AUDIO_PLAYER_FILLING;
	return running ? AUDIO_POLL_MS : AUDIO_IDLE_MS;
}

/* Notes the level (ring, pending, device) once the ring has settled. */
static void
ap_level(struct audio_player *p)
{
	long level = (long)(jitter_len(&p->jit) + p->pend_len) + (p->delay > 0 ? p->delay : 0);

	if (p->jit.played <
	    (uint64_t)p->dev.rate * (JITTER_WARMUP_MS + JITTER_SETTLE_MS) / MS_PER_S)
		return;
	if (p->level_min < 0 || level < p->level_min)
		p->level_min = level;
	if (level > p->level_max)
		p->level_max = level;
}

/* Takes the next chunk out of the ring for AVAIL frames of room. 0 when
 * there is one pending now; else how long to wait. */
static long
ap_take(struct audio_player *p, long avail, int running)
{
	size_t room = (size_t)avail < p->chunk_max ? (size_t)avail : p->chunk_max;
	size_t n;

	if (room == 0 || (running && room < p->dev.period && jitter_len(&p->jit) >= room))
		return ap_ms(p, p->dev.period - (room < p->dev.period ? room : 0));
	n = jitter_read(&p->jit, p->chunk, room, p->delay >= 0 ? p->delay : JITTER_DELAY_UNKNOWN);
	if (n == 0)
		return ap_starved(p, running);
	gain_apply(&p->gain, p->chunk, n * p->dev.channels);
	p->pend_off = 0;
	p->pend_len = n;
	p->state = AUDIO_PLAYER_PLAYING;
	ap_level(p);
	return 0;
}

/* One turn of playing: room, a chunk, a write. How long to wait after. */
static long
ap_play(struct audio_player *p)
{
	long avail, delay, w, wait;
	int running, start;

	pthread_mutex_unlock(&p->mu);
	avail = audio_dev_avail(&p->dev);
	delay = audio_dev_delay(&p->dev);
	running = audio_dev_running(&p->dev);
	pthread_mutex_lock(&p->mu);
	if (p->want_drop || p->want_pause != p->paused || p->quit)
		return 0;
	if (avail < 0)
		return ap_xrun(p, avail);
	p->delay = delay;
	if (p->pend_len == 0 && (wait = ap_take(p, avail, running)) != 0)
		return wait;
	if (p->pend_len == 0)
		return 0;
	/* a prepared device starts once full, or once the ring has no more */
	start = !running && (p->pend_len >= (size_t)avail || jitter_len(&p->jit) == 0);
	pthread_mutex_unlock(&p->mu);
	w = audio_dev_write(&p->dev, p->chunk + p->pend_off * p->dev.channels, p->pend_len);
	if (w > 0 && start)
		audio_dev_start(&p->dev);
	pthread_mutex_lock(&p->mu);
	if (w == -EAGAIN)
		return ap_ms(p, p->dev.period);
	if (w < 0)
		return ap_xrun(p, w);
	p->pend_off += (size_t)w;
	p->pend_len -= (size_t)w;
	return 0;
}

/* Pauses or resumes the device as asked. */
static long
ap_pause(struct audio_player *p)
{
	int on = p->want_pause, hw;

	pthread_mutex_unlock(&p->mu);
	if (on) {
		hw = audio_dev_pause(&p->dev, 1) == 0;
		if (!hw)
			audio_dev_drain(&p->dev);      /* it plays out its queue; the ring stays */
	} else if (p->hw_paused && audio_dev_pause(&p->dev, 0) == -1) {
		audio_dev_drop(&p->dev);
	}
	pthread_mutex_lock(&p->mu);
	if (on) {
		p->hw_paused = hw;
		p->state = AUDIO_PLAYER_PAUSED;
	} else {
		if (!p->hw_paused)
			jitter_restart(&p->jit, 0);     /* the device is empty: fill first */
		p->hw_paused = 0;
		p->state = AUDIO_PLAYER_FILLING;
	}
	p->paused = on;
	return 0;
}

/* One turn of the thread (the mutex held). How long to wait after. */
static long
ap_turn(struct audio_player *p)
{
	if (p->state == AUDIO_PLAYER_FAILED)
		return AUDIO_IDLE_MS;
	if (p->want_drop) {
		p->want_drop = 0;
		p->pend_len = 0;
		p->paused = p->hw_paused = 0;
		pthread_mutex_unlock(&p->mu);
		audio_dev_drop(&p->dev);
		pthread_mutex_lock(&p->mu);
		p->delay = 0;
		return 0;
	}
	if (p->accept && p->want_pause != p->paused)
		return ap_pause(p);
	if (!p->accept || p->paused || p->state == AUDIO_PLAYER_ENDED)
		return AUDIO_IDLE_MS;
	return ap_play(p);
}

static void *
ap_main(void *arg)
{
	struct audio_player *p = arg;

	pthread_mutex_lock(&p->mu);
	while (!p->quit) {
		long wait = ap_turn(p);
		if (wait > 0 && !p->quit)
			ap_wait(p, wait);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The mutex and conditions (waits on CLOCK_MONOTONIC). 0, or -1. */
static int
ap_sync_init(struct audio_player *p)
{
	pthread_condattr_t ca;
	int rc = -1;

	if (pthread_condattr_init(&ca) != 0)
		return -1;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
	    pthread_mutex_init(&p->mu, NULL) == 0) {
		if (pthread_cond_init(&p->wake, &ca) == 0) {
			if (pthread_cond_init(&p->done, &ca) == 0)
				rc = 0;
			else
				pthread_cond_destroy(&p->wake);
		}
		if (rc == -1)
			pthread_mutex_destroy(&p->mu);
	}
	pthread_condattr_destroy(&ca);
	return rc;
}

static void
ap_sync_free(struct audio_player *p)
{
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->mu);
}

/* The device's queue for a jitter buffer of BUFFER_MS. */
static unsigned
ap_latency_ms(unsigned buffer_ms)
{
	unsigned ms = buffer_ms * AUDIO_LATENCY_NUM / AUDIO_LATENCY_DEN;

	if (ms < AUDIO_LATENCY_MIN_MS)
		return AUDIO_LATENCY_MIN_MS;
	return ms > AUDIO_LATENCY_MAX_MS ? AUDIO_LATENCY_MAX_MS : ms;
}

int
audio_player_open(struct audio_player **pp, const char *device, unsigned rate,
                  unsigned channels, unsigned buffer_ms, char *err, size_t errlen)
{
	struct audio_player *p = calloc(1, sizeof *p);
	int synced = 0;

	*pp = NULL;
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (audio_dev_open(&p->dev, device, rate, channels, ap_latency_ms(buffer_ms), err,
	                   errlen) == -1)
		goto fail;
	p->chunk_max = p->dev.buffer;
	p->chunk = calloc(p->chunk_max, channels * sizeof *p->chunk);
	if (p->chunk == NULL || jitter_init(&p->jit, rate, channels, buffer_ms) == -1 ||
	    (synced = ap_sync_init(p) == 0) == 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	gain_init(&p->gain);
	p->state = AUDIO_PLAYER_STOPPED;
	p->level_min = -1;
	if (pthread_create(&p->thread, NULL, ap_main, p) != 0) {
		snprintf(err, errlen, "cannot start the audio thread");
		goto fail;
	}
	*pp = p;
	return 0;
fail:
	if (synced)
		ap_sync_free(p);
	jitter_free(&p->jit);
	free(p->chunk);
	audio_dev_close(&p->dev);
	free(p);
	return -1;
}

void
audio_player_close(struct audio_player *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	audio_dev_close(&p->dev);
	ap_sync_free(p);
	jitter_free(&p->jit);
	free(p->chunk);
	free(p);
}

const char *
audio_player_device(const struct audio_player *p)
{
	return p->dev.name;
}

void
audio_player_push(struct audio_player *p, const uint8_t *le, size_t bytes)
{
	pthread_mutex_lock(&p->mu);
	if (p->accept) {
		jitter_push_le(&p->jit, le, bytes);
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->mu);
}

/* Empties the ring and asks the thread to drop the device's queue. */
static void
ap_reset(struct audio_player *p, int accept, enum audio_player_state st)
{
	if (p->state == AUDIO_PLAYER_FAILED)
		return;
	jitter_restart(&p->jit, 1);
	p->taken0 = p->jit.st.taken;
	p->accept = accept;
	p->want_drop = 1;
	p->want_pause = 0;
	p->state = st;
	p->level_min = -1;
	p->level_max = 0;
	pthread_cond_signal(&p->wake);
}

void
audio_player_start(struct audio_player *p, uint64_t frame)
{
	pthread_mutex_lock(&p->mu);
	p->base = frame;
	ap_reset(p, 1, AUDIO_PLAYER_FILLING);
	pthread_mutex_unlock(&p->mu);
}

void
audio_player_stop(struct audio_player *p)
{
	pthread_mutex_lock(&p->mu);
	ap_reset(p, 0, AUDIO_PLAYER_STOPPED);
	pthread_mutex_unlock(&p->mu);
}

/* Asks the thread to pause (ON) or resume. */
static void
ap_want_pause(struct audio_player *p, int on)
{
	pthread_mutex_lock(&p->mu);
	if (p->accept) {
		p->want_pause = on;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->mu);
}

void
audio_player_pause(struct audio_player *p)
{
	ap_want_pause(p, 1);
}

void
audio_player_resume(struct audio_player *p)
{
	ap_want_pause(p, 0);
}

void
audio_player_end(struct audio_player *p)
{
	pthread_mutex_lock(&p->mu);
	jitter_end(&p->jit);
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->mu);
}

int
audio_player_finish(struct audio_player *p, int timeout_ms)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / MS_PER_S;
	ts.tv_nsec += (long)(timeout_ms % MS_PER_S) * NS_PER_MS;
	if (ts.tv_nsec >= NS_PER_S) {
		ts.tv_sec++;
		ts.tv_nsec -= NS_PER_S;
	}
	pthread_mutex_lock(&p->mu);
	jitter_end(&p->jit);
	pthread_cond_signal(&p->wake);
	while (p->accept && p->state != AUDIO_PLAYER_ENDED && p->state != AUDIO_PLAYER_FAILED &&
	       rc == 0)
		rc = pthread_cond_timedwait(&p->done, &p->mu, &ts);
	rc = p->state == AUDIO_PLAYER_ENDED || !p->accept ? 0 : -1;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
audio_player_volume(struct audio_player *p, unsigned pct, int muted)
{
	pthread_mutex_lock(&p->mu);
	p->gain.pct = pct > GAIN_MAX_PCT ? GAIN_MAX_PCT : pct;
	p->gain.muted = muted;
	pthread_mutex_unlock(&p->mu);
}

/* The stream frame heard now: the frames out of the ring since start,
 * less those pending and those the device still holds. */
static uint64_t
ap_heard(const struct audio_player *p)
{
	uint64_t out = p->jit.st.taken - p->taken0;
	uint64_t held = p->pend_len + (uint64_t)(p->delay > 0 ? p->delay : 0);

	if (p->want_drop)
		return p->base;
	return p->base + (out > held ? out - held : 0);
}

void
audio_player_stats(struct audio_player *p, struct audio_player_stats *st)
{
	pthread_mutex_lock(&p->mu);
	memset(st, 0, sizeof *st);
	st->state = p->accept && p->want_pause && p->state != AUDIO_PLAYER_FAILED
	            ? AUDIO_PLAYER_PAUSED : p->state;
	st->rate = p->dev.rate;
	st->channels = p->dev.channels;
	st->target_ms = jitter_ms(&p->jit, p->jit.target);
	st->level_ms = jitter_ms(&p->jit, jitter_len(&p->jit) + p->pend_len +
	                         (uint64_t)(p->delay > 0 ? p->delay : 0));
	if (p->level_min >= 0) {
		st->level_min_ms = jitter_ms(&p->jit, (uint64_t)p->level_min);
		st->level_max_ms = jitter_ms(&p->jit, (uint64_t)p->level_max);
	}
	st->heard = ap_heard(p);
	st->underruns = p->underruns;
	st->dropped = p->jit.st.dropped;
	st->repeated = p->jit.st.repeated;
	st->overflow = p->jit.st.overflow;
	st->clipped = p->gain.clipped;
	st->volume = p->gain.pct;
	st->muted = p->gain.muted;
	st->clocked = p->jit.clocked;
	st->hw_pause = p->dev.can_pause;
	snprintf(st->error, sizeof st->error, "%s", p->error);
	pthread_mutex_unlock(&p->mu);
}
