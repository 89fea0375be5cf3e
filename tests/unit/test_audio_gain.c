/* test_audio_gain.c: the player's software volume (client/proto/gain.c):
 * unity leaves every sample alone, steps stay within 0 .. GAIN_MAX_PCT,
 * scaling rounds to nearest, a boost saturates instead of wrapping and
 * counts each clipped sample, mute is silence. */
#include "unit.h"
#include "gain.h"

#include <stdint.h>

UNIT_TEST(gain_unity_steps_scaling_saturation_and_mute)
{
	struct gain g;
	int16_t s[6] = { 0, 1, -1, 12345, INT16_MAX, INT16_MIN };
	int16_t keep[6];

	memcpy(keep, s, sizeof s);
	gain_init(&g);
	CHECK_INT(g.pct, GAIN_DEFAULT_PCT);
	gain_apply(&g, s, 6);
	CHECK(memcmp(s, keep, sizeof s) == 0);
	CHECK_INT(g.clipped, 0);
	for (int i = 0; i < 30; i++)
		gain_step(&g, 1);
	CHECK_INT(g.pct, GAIN_MAX_PCT);
	for (int i = 0; i < 30; i++)
		gain_step(&g, -1);
	CHECK_INT(g.pct, 0);
	CHECK_INT(gain_step(&g, 1), GAIN_STEP_PCT);

	g.pct = 50;
	int16_t h[4] = { 3, -3, 12345, -32768 };
	gain_apply(&g, h, 4);
	CHECK_INT(h[0], 2);            /* 1.5 rounds away from zero */
	CHECK_INT(h[1], -2);
	CHECK_INT(h[2], 6173);
	CHECK_INT(h[3], -16384);
	CHECK_INT(g.clipped, 0);

	g.pct = 200;
	int16_t b[4] = { 16000, 16384, -16384, -20000 };
	gain_apply(&g, b, 4);
	CHECK_INT(b[0], 32000);
	CHECK_INT(b[1], INT16_MAX);    /* 32768 saturates */
	CHECK_INT(b[2], INT16_MIN);    /* -32768 fits */
	CHECK_INT(b[3], INT16_MIN);
	CHECK_INT(g.clipped, 2);

	g.muted = 1;
	gain_apply(&g, keep, 6);
	for (int i = 0; i < 6; i++)
		CHECK_INT(keep[i], 0);
	CHECK_INT(g.clipped, 2);
}
