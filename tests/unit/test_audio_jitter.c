/* test_audio_jitter.c: the jitter buffer (client/proto/jitter.c): the
 * target filled before anything plays, the end playing what is left, a
 * flush, the ring overflowing oldest first, frames going out unchanged;
 * and drift control on a simulated clock: a server pacing 20 ms packets
 * and a device consuming periods at 1.001x, 0.999x and 1x the server's
 * pace for 10 simulated minutes. The level stays within bounds and never
 * runs dry, each correction is one frame and counted, and the count
 * matches the drift; without drift control (a device that reports no
 * delay) the same run drifts away, so the bounds mean something. */
#include "unit.h"
#include "jitter.h"

#include <stdint.h>
#include <stdlib.h>

#define RATE        44100
#define TARGET_MS   200
#define PACKET_MS   20
#define DEVICE_MS   100           /* the simulated device's buffer */
#define PERIOD_DIV  4             /* four periods to its buffer */
#define MINUTES     10
#define SETTLED_S   10            /* levels are compared from then on */
#define NS_PER_S    1000000000.0
#define MS_PER_S    1000

/* A ramp: frame I of channel C is (I * 2 + C) & 0x7fff, so any frame out
 * tells which one it was. */
static void
ramp(int16_t *pcm, uint64_t first, size_t frames, unsigned ch)
{
	for (size_t i = 0; i < frames; i++)
		for (unsigned c = 0; c < ch; c++)
			pcm[i * ch + c] = (int16_t)(((first + i) * 2 + c) & 0x7fff);
}

UNIT_TEST(jitter_fills_to_the_target_then_plays_frames_unchanged)
{
	struct jitter j;
	int16_t in[2 * 2000], out[2 * 4000];
	size_t target = (size_t)RATE * TARGET_MS / MS_PER_S;   /* 8820 frames */

	CHECK(jitter_init(&j, RATE, 3, TARGET_MS) == -1);
	CHECK(jitter_init(&j, 0, 2, TARGET_MS) == -1);
	CHECK(jitter_init(&j, RATE, 2, TARGET_MS) == 0);
	uint64_t pos = 0;
	while (pos + 2000 < target) {
		ramp(in, pos, 2000, 2);
		jitter_push(&j, in, 2000);
		pos += 2000;
		CHECK_INT(jitter_read(&j, out, 4000, 0), 0);      /* still filling */
		CHECK(!jitter_ready(&j));
	}
	ramp(in, pos, 2000, 2);
	jitter_push(&j, in, 2000);
	pos += 2000;
	CHECK(jitter_ready(&j));
	uint64_t got = 0;
	size_t n;
	int same = 1;
	while ((n = jitter_read(&j, out, 4000, JITTER_DELAY_UNKNOWN)) > 0) {
		int16_t want[2 * 4000];
		ramp(want, got, n, 2);
		same &= memcmp(out, want, n * 2 * sizeof *out) == 0;
		got += n;
	}
	CHECK(same);
	CHECK_INT(got, pos);
	CHECK_INT(j.st.taken, pos);
	CHECK_INT(j.st.dropped + j.st.repeated + j.st.overflow, 0);
	/* once started it keeps playing what comes, however little */
	ramp(in, pos, 10, 2);
	jitter_push(&j, in, 10);
	CHECK_INT(jitter_read(&j, out, 4000, JITTER_DELAY_UNKNOWN), 10);
	jitter_free(&j);
}

UNIT_TEST(jitter_end_flush_and_overflow)
{
	struct jitter j;
	int16_t in[1000], out[1000];

	CHECK(jitter_init(&j, 8000, 1, TARGET_MS) == 0);     /* 1600 frames */
	ramp(in, 0, 100, 1);
	jitter_push(&j, in, 100);
	CHECK_INT(jitter_read(&j, out, 1000, 0), 0);
	jitter_end(&j);                                       /* the stream ended */
	CHECK_INT(jitter_read(&j, out, 1000, 0), 100);
	jitter_restart(&j, 1);                                /* a seek: empty, filling */
	ramp(in, 500, 100, 1);
	jitter_push(&j, in, 100);
	CHECK_INT(jitter_len(&j), 100);
	CHECK_INT(jitter_read(&j, out, 1000, 0), 0);
	jitter_restart(&j, 1);
	CHECK_INT(jitter_len(&j), 0);
	/* the ring holds 2 s (16000 frames): 17000 in loses the oldest 1000 */
	int16_t *big = calloc(17000, sizeof *big);
	CHECK(big != NULL);
	if (big == NULL)
		return;
	ramp(big, 0, 17000, 1);
	jitter_push(&j, big, 17000);
	CHECK_INT(jitter_len(&j), 16000);
	CHECK_INT(j.st.overflow, 1000);
	CHECK_INT(jitter_read(&j, out, 1, 0), 1);
	CHECK_INT(out[0], 2000);                              /* frame 1000 */
	free(big);
	/* little-endian bytes, a partial frame left out */
	uint8_t le[5] = { 0x34, 0x12, 0xff, 0xff, 0x77 };
	jitter_restart(&j, 1);
	jitter_end(&j);
	jitter_push_le(&j, le, sizeof le);
	CHECK_INT(jitter_read(&j, out, 10, 0), 2);
	CHECK_INT(out[0], 0x1234);
	CHECK_INT(out[1], -1);
	jitter_free(&j);
}

/* One simulated run: the device's clock at SPEED times the server's. */
struct sim {
	double   speed;
	int      clocked;            /* the device reports its delay ... */
	double   mute_from, mute_to; /* ... as 0 from and to these seconds (PulseAudio's) */
	long     level_min, level_max;   /* frames, after SETTLED_S */
	uint64_t underruns;
	struct jitter_stats st;
};

/* The player's part: writes what the device has room for. */
static void
sim_write(struct jitter *j, int16_t *tmp, long *fill, int *running, long buf, long period,
          long delay)
{
	long room = buf - *fill;
	size_t n = room > 0 ? jitter_read(j, tmp, (size_t)room, delay) : 0;

	*fill += (long)n;
	if (!*running && *fill >= period && (*fill == buf || jitter_len(j) == 0))
		*running = 1;
}

static void
sim_run(struct sim *s)
{
	struct jitter j;
	long buf = RATE * DEVICE_MS / MS_PER_S, period = buf / PERIOD_DIV, fill = 0;
	size_t packet = RATE * PACKET_MS / MS_PER_S;
	int16_t in[RATE * PACKET_MS / MS_PER_S], *tmp = calloc((size_t)buf, sizeof *tmp);
	double t_push = 0, t_tick = 0, tick = period / (RATE * s->speed) * NS_PER_S;
	double end = MINUTES * 60 * NS_PER_S, settled = SETTLED_S * NS_PER_S;
	double step = PACKET_MS * (NS_PER_S / MS_PER_S);
	int running = 0;
	uint64_t pos = 0;

	s->level_min = buf * 100;
	s->level_max = 0;
	s->underruns = 0;
	if (tmp == NULL || jitter_init(&j, RATE, 1, TARGET_MS) == -1) {
		CHECK(0);
		free(tmp);
		return;
	}
	while (t_push < end) {
		if (t_push <= t_tick) {
			ramp(in, pos, packet, 1);
			jitter_push(&j, in, packet);
			pos += packet;
			t_push += step;
		} else {
			if (running && fill >= period) {
				fill -= period;
			} else if (running) {
				s->underruns++;
				fill = 0;
				running = 0;
				jitter_restart(&j, 0);
			}
			t_tick += tick;
		}
		sim_write(&j, tmp, &fill, &running, buf, period,
		          !s->clocked ? JITTER_DELAY_UNKNOWN
		          : t_push >= s->mute_from * NS_PER_S && t_push < s->mute_to * NS_PER_S
		          ? 0 : fill);
		long level = (long)jitter_len(&j) + fill;
		if (t_push > settled && level < s->level_min)
			s->level_min = level;
		if (t_push > settled && level > s->level_max)
			s->level_max = level;
	}
	s->st = j.st;
	jitter_free(&j);
	free(tmp);
}

static long
ms(long frames)
{
	return frames * MS_PER_S / RATE;
}

UNIT_TEST(jitter_drift_control_holds_the_level_for_ten_minutes)
{
	/* 0.1 % of 10 minutes is 600 ms: more than the buffer holds */
	double drift = 0.001 * MINUTES * 60 * RATE;
	struct sim fast = { .speed = 1.001, .clocked = 1 };
	struct sim slow = { .speed = 0.999, .clocked = 1 };
	struct sim same = { .speed = 1.0, .clocked = 1 };

	sim_run(&fast);
	sim_run(&slow);
	sim_run(&same);
	printf("# device 1.001x: level %ld..%ld ms, %llu repeated, %llu dropped, %llu underruns\n",
	       ms(fast.level_min), ms(fast.level_max), (unsigned long long)fast.st.repeated,
	       (unsigned long long)fast.st.dropped, (unsigned long long)fast.underruns);
	printf("# device 0.999x: level %ld..%ld ms, %llu repeated, %llu dropped, %llu underruns\n",
	       ms(slow.level_min), ms(slow.level_max), (unsigned long long)slow.st.repeated,
	       (unsigned long long)slow.st.dropped, (unsigned long long)slow.underruns);
	printf("# device 1x:     level %ld..%ld ms, %llu repeated, %llu dropped\n",
	       ms(same.level_min), ms(same.level_max), (unsigned long long)same.st.repeated,
	       (unsigned long long)same.st.dropped);
	for (int i = 0; i < 3; i++) {
		const struct sim *s = i == 0 ? &fast : i == 1 ? &slow : &same;
		CHECK_INT(s->underruns, 0);
		CHECK(ms(s->level_min) >= TARGET_MS - 70);       /* a packet, a period, the band */
		CHECK(ms(s->level_max) <= TARGET_MS + 70);
		CHECK_INT(s->st.overflow, 0);
	}
	/* each correction is one frame: their count is the drift */
	CHECK(fast.st.repeated > drift * 0.9 && fast.st.repeated < drift * 1.1);
	CHECK(fast.st.dropped < drift * 0.01);
	CHECK(slow.st.dropped > drift * 0.9 && slow.st.dropped < drift * 1.1);
	CHECK(slow.st.repeated < drift * 0.01);
	CHECK_INT(same.st.dropped + same.st.repeated, 0);
}

UNIT_TEST(jitter_without_drift_control_the_level_drifts)
{
	struct sim fast = { .speed = 1.001, .clocked = 0 };
	struct sim slow = { .speed = 0.999, .clocked = 0 };

	sim_run(&fast);
	sim_run(&slow);
	printf("# uncorrected 1.001x: %llu underruns; 0.999x: level up to %ld ms\n",
	       (unsigned long long)fast.underruns, ms(slow.level_max));
	CHECK(fast.underruns > 0);
	CHECK(ms(slow.level_max) > TARGET_MS + 400);
	CHECK_INT(fast.st.dropped + fast.st.repeated + slow.st.dropped + slow.st.repeated, 0);
}

UNIT_TEST(jitter_a_delay_of_zero_is_not_a_level)
{
	/* PulseAudio's plugin says 0 until a new stream's timing comes (after
	 * an underrun, say): those looks must not pull the reference down, else
	 * the level is "too high" later and frames go for nothing */
	struct sim late = { .speed = 1.0, .clocked = 1, .mute_from = 0.5, .mute_to = 3.0 };

	sim_run(&late);
	printf("# delay 0 from 0.5 to 3 s: level %ld..%ld ms, %llu dropped, %llu repeated\n",
	       ms(late.level_min), ms(late.level_max), (unsigned long long)late.st.dropped,
	       (unsigned long long)late.st.repeated);
	CHECK_INT(late.st.dropped + late.st.repeated, 0);
	CHECK_INT(late.underruns, 0);
}
