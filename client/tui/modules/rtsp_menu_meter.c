/*
 * rtsp_menu_meter.c: the RTSP player's arithmetic (see rtsp_menu.h): a
 * sample peak in dBFS (a fixed-point log2, so no libm), the cells of a
 * level meter on a dB scale and its fall after a peak, the cells of the
 * progress bar, and the clock and size texts. Pure; any thread.
 */
#include "rtsp_menu.h"
#include "timeconst.h"

#include <stdio.h>

#define METER_Q            16          /* log2 results in 1/65536 */
#define METER_ONE_Q30      30          /* mantissa in Q30 while squaring */
#define METER_FULL_SCALE   INT16_MAX
#define METER_DB10_OCTAVE  60206       /* 20 log10(2) dB = 6.0206: tenths, x1000 */
#define METER_MILLI        1000
#define METER_TENTHS       10
#define METER_EIGHTHS      8
#define MS_PER_TENTH       100
#define SIZE_STEP          1000
#define SIZE_TENTH         100

/* log2(V) for V >= 1, in 1/2^METER_Q. */
static int64_t
meter_log2(uint32_t v)
{
	int n = 0;

	while ((v >> n) > 1)
		n++;
	int64_t r = (int64_t)n << METER_Q;
	uint64_t x = ((uint64_t)v << METER_ONE_Q30) >> n;      /* v / 2^n: [1, 2) */
	for (int bit = METER_Q - 1; bit >= 0; bit--) {
		x = (x * x) >> METER_ONE_Q30;
		if (x >= (uint64_t)2 << METER_ONE_Q30) {
			x >>= 1;
			r |= (int64_t)1 << bit;
		}
	}
	return r;
}

int
rtsp_menu_meter_db10(int peak)
{
	int floor10 = -TUI_RTSP_METER_FLOOR_DB * METER_TENTHS;

	if (peak <= 0)
		return floor10;
	if (peak > METER_FULL_SCALE)
		peak = METER_FULL_SCALE;
	int64_t diff = meter_log2((uint32_t)peak) - meter_log2(METER_FULL_SCALE);
	int64_t db10 = diff * METER_DB10_OCTAVE / ((int64_t)METER_MILLI << METER_Q);
	return db10 < floor10 ? floor10 : (int)db10;
}

int
rtsp_menu_meter_eighths(int db10, int cells)
{
	int floor10 = TUI_RTSP_METER_FLOOR_DB * METER_TENTHS;
	long v = (long)db10 + floor10;

	if (cells <= 0 || v <= 0)
		return 0;
	if (v >= floor10)
		return cells * METER_EIGHTHS;
	return (int)(v * cells * METER_EIGHTHS / floor10);
}

int
rtsp_menu_meter_fall(int shown, int peak, long long elapsed_ms)
{
	int floor10 = -TUI_RTSP_METER_FLOOR_DB * METER_TENTHS;
	long long down;

	if (peak >= shown)
		return peak;
	if (elapsed_ms < 0)
		elapsed_ms = 0;
	down = shown - (long long)TUI_RTSP_METER_FALL_DB_S * METER_TENTHS * elapsed_ms / MS_PER_S;
	if (down < peak)
		down = peak;
	return down < floor10 ? floor10 : (int)down;
}

int
rtsp_menu_meter_bar_eighths(uint64_t pos, uint64_t len, int cells)
{
	if (cells <= 0 || len == 0)
		return 0;
	if (pos >= len)
		return cells * METER_EIGHTHS;
	return (int)(pos * (uint64_t)cells * METER_EIGHTHS / len);
}

void
rtsp_menu_meter_clock(uint64_t ms, char *out, size_t len)
{
	unsigned long long s = ms / MS_PER_S;

	snprintf(out, len, "%llu:%02llu.%llu", s / S_PER_MIN, s % S_PER_MIN,
	         (unsigned long long)(ms % MS_PER_S / MS_PER_TENTH));
}

void
rtsp_menu_meter_size(uint64_t bytes, char *out, size_t len)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB" };
	unsigned long long v = bytes;
	size_t u = 0;

	if (v < SIZE_STEP) {
		snprintf(out, len, "%llu B", v);
		return;
	}
	while (v >= (unsigned long long)SIZE_STEP * SIZE_STEP &&
	       u + 1 < sizeof units / sizeof *units) {
		v /= SIZE_STEP;
		u++;
	}
	snprintf(out, len, "%llu.%llu %s", v / SIZE_STEP, v % SIZE_STEP / SIZE_TENTH, units[u]);
}
