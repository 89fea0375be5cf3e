/*
 * gain.h: the player's volume, applied to the samples in software: a
 * percentage (0 to GAIN_MAX_PCT in GAIN_STEP_PCT steps; GAIN_DEFAULT_PCT,
 * unity, leaves every sample as it was) and a mute. Above unity a sample
 * that would pass full scale is saturated, never wrapped, and counted, so
 * clipping is never silent. Pure; the caller serialises access.
 */
#ifndef SEAL_GAIN_H
#define SEAL_GAIN_H

#include <stddef.h>
#include <stdint.h>

#include "proto_defaults.h"

struct gain {
	unsigned pct;                 /* 0 .. GAIN_MAX_PCT */
	int      muted;
	uint64_t clipped;             /* samples saturated so far */
};

/* Unity, not muted, nothing clipped. */
void     gain_init(struct gain *g);

/* One step up (DIR > 0) or down, within 0 .. GAIN_MAX_PCT. The new value. */
unsigned gain_step(struct gain *g, int dir);

/* N samples in place: muted to silence, else scaled (rounded to nearest,
 * saturated and counted). */
void     gain_apply(struct gain *g, int16_t *s, size_t n);

#endif
