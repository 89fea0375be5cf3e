/*
 * gain.c: software volume with saturation (see gain.h). A sample is
 * scaled as s * pct / 100 rounded half away from zero; unity and mute
 * never look at the values' arithmetic.
 */
#include "gain.h"

#include <string.h>

#define GAIN_UNITY 100
#define HALF       2

void
gain_init(struct gain *g)
{
	memset(g, 0, sizeof *g);
	g->pct = GAIN_DEFAULT_PCT;
}

unsigned
gain_step(struct gain *g, int dir)
{
	if (dir > 0)
		g->pct = g->pct + GAIN_STEP_PCT > GAIN_MAX_PCT ? GAIN_MAX_PCT : g->pct + GAIN_STEP_PCT;
	else if (dir < 0)
		g->pct = g->pct < GAIN_STEP_PCT ? 0 : g->pct - GAIN_STEP_PCT;
	return g->pct;
}

void
gain_apply(struct gain *g, int16_t *s, size_t n)
{
	if (g->muted) {
		memset(s, 0, n * sizeof *s);
		return;
	}
	if (g->pct == GAIN_UNITY)
		return;
	for (size_t i = 0; i < n; i++) {
		int32_t v = (int32_t)s[i] * (int32_t)g->pct;
		v = (v >= 0 ? v + GAIN_UNITY / HALF : v - GAIN_UNITY / HALF) / GAIN_UNITY;
		if (v > INT16_MAX || v < INT16_MIN) {
			v = v > INT16_MAX ? INT16_MAX : INT16_MIN;
			g->clipped++;
		}
		s[i] = (int16_t)v;
	}
}
