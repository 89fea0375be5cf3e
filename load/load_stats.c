/*
 * load_stats.c: seal-load's counters, latency histogram and first-failure
 * texts. Event-loop threads write with relaxed atomics; the main thread
 * takes snapshots. Percentiles come from a log-linear histogram, so memory
 * does not grow with the number of sessions.
 */
#include "load_stats.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define LOAD_FAIL_NAME(id, name) name,
static const char *const load_fail_names[] = { LOAD_FAILS(LOAD_FAIL_NAME) };
#undef LOAD_FAIL_NAME

#define LOAD_HIST_SUB       (1u << LOAD_HIST_SUB_BITS)
#define LOAD_PERCENT        100u

int
load_stats_init(struct load_stats *s)
{
	memset(s, 0, sizeof *s);
	return pthread_mutex_init(&s->lock, NULL) == 0 ? 0 : -1;
}

void
load_stats_destroy(struct load_stats *s)
{
	pthread_mutex_destroy(&s->lock);
}

const char *
load_stats_fail_name(enum load_fail kind)
{
	return (unsigned)kind < LOAD_FAIL_COUNT ? load_fail_names[kind] : "?";
}

unsigned
load_stats_hist_index(uint64_t us)
{
	if (us < LOAD_HIST_SUB)
		return (unsigned)us;
	unsigned msb = 63u - (unsigned)__builtin_clzll(us);
	if (msb > LOAD_HIST_MAX_BITS)
		return LOAD_HIST_BUCKETS - 1;
	unsigned shift = msb - LOAD_HIST_SUB_BITS;
	unsigned idx = (shift << LOAD_HIST_SUB_BITS) + (unsigned)(us >> shift);
	return idx < LOAD_HIST_BUCKETS ? idx : LOAD_HIST_BUCKETS - 1;
}

uint64_t
load_stats_hist_value(unsigned idx)
{
	if (idx < 2 * LOAD_HIST_SUB)
		return idx;
	unsigned shift = (idx >> LOAD_HIST_SUB_BITS) - 1;
	uint64_t mant = idx - ((uint64_t)shift << LOAD_HIST_SUB_BITS);
	uint64_t low = mant << shift;
	return low + ((1ull << shift) >> 1);
}

void
load_stats_hist_add(struct load_hist *h, uint64_t us)
{
	atomic_fetch_add_explicit(&h->b[load_stats_hist_index(us)], 1, memory_order_relaxed);
	unsigned long long old = atomic_load_explicit(&h->max_us, memory_order_relaxed);
	while (us > old &&
	       !atomic_compare_exchange_weak_explicit(&h->max_us, &old, us,
	                                              memory_order_relaxed,
	                                              memory_order_relaxed))
		;
}

void
load_stats_latency(struct load_stats *s, uint64_t us)
{
	load_stats_hist_add(&s->lat, us);
}

int
load_stats_fail(struct load_stats *s, enum load_fail kind)
{
	return atomic_fetch_add(&s->failed[kind], 1) == 0;
}

void
load_stats_note(struct load_stats *s, enum load_fail kind, const char *text)
{
	/* a server's bytes may be quoted: no control character reaches the
	 * report on a terminal (ASCII only: the report is diagnostic) */
	pthread_mutex_lock(&s->lock);
	text_sanitize(text, s->first_err[kind], sizeof s->first_err[kind], 0);
	pthread_mutex_unlock(&s->lock);
}

void
load_stats_tls(struct load_stats *s, WOLFSSL *ssl)
{
	if (atomic_load_explicit(&s->tls_have, memory_order_acquire))
		return;
	pthread_mutex_lock(&s->lock);
	if (!s->tls.have) {
		const char *v = wolfSSL_get_version(ssl);
		const char *c = wolfSSL_CIPHER_get_name(wolfSSL_get_current_cipher(ssl));
		const char *g = wolfSSL_get_curve_name(ssl);
		snprintf(s->tls.version, sizeof s->tls.version, "%s", v ? v : "?");
		snprintf(s->tls.cipher, sizeof s->tls.cipher, "%s", c ? c : "?");
		snprintf(s->tls.group, sizeof s->tls.group, "%s", g ? g : "");
		s->tls.have = 1;
		atomic_store_explicit(&s->tls_have, 1, memory_order_release);
	}
	pthread_mutex_unlock(&s->lock);
}

/* The latency at or below which P percent of the samples fall (nearest
 * rank; the bucket's middle, never above the maximum). */
static uint64_t
load_stats_percentile(const unsigned long long *hist, unsigned long long total,
                      unsigned p, uint64_t max_us)
{
	unsigned long long want = (total * p + LOAD_PERCENT - 1) / LOAD_PERCENT;
	unsigned long long seen = 0;

	if (total == 0)
		return 0;
	for (unsigned i = 0; i < LOAD_HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= want) {
			uint64_t v = load_stats_hist_value(i);
			return v < max_us ? v : max_us;
		}
	}
	return max_us;
}

/* Copies the counters (relaxed: a live view, exact once threads stopped). */
static void
load_stats_copy_counters(struct load_stats *s, struct load_snapshot *snap)
{
	snap->ok = atomic_load(&s->ok);
	snap->failed_total = 0;
	for (int k = 0; k < LOAD_FAIL_COUNT; k++) {
		snap->failed[k] = atomic_load(&s->failed[k]);
		snap->failed_total += snap->failed[k];
	}
	snap->connected = atomic_load(&s->connected);
	snap->resumed = atomic_load(&s->resumed);
	snap->resume_tried = atomic_load(&s->resume_tried);
	snap->opened = atomic_load(&s->opened);
	snap->holding = atomic_load(&s->holding);
	snap->held = atomic_load(&s->held);
	snap->messages = atomic_load(&s->messages);
	snap->bytes = atomic_load(&s->bytes);
	snap->busy_us = atomic_load(&s->busy_us);
	snap->packets = atomic_load(&s->packets);
	snap->lost = atomic_load(&s->lost);
	snap->reordered = atomic_load(&s->reordered);
	snap->streams = atomic_load(&s->streams);
}

/* The samples and percentiles of H. */
static void
load_stats_pcts(struct load_hist *h, struct load_pcts *out)
{
	static unsigned long long hist[LOAD_HIST_BUCKETS];   /* main thread only */

	memset(out, 0, sizeof *out);
	out->max_us = atomic_load(&h->max_us);
	for (unsigned i = 0; i < LOAD_HIST_BUCKETS; i++) {
		hist[i] = atomic_load_explicit(&h->b[i], memory_order_relaxed);
		out->samples += hist[i];
	}
	out->p50_us = load_stats_percentile(hist, out->samples, 50, out->max_us);
	out->p99_us = load_stats_percentile(hist, out->samples, 99, out->max_us);
}

void
load_stats_snapshot(struct load_stats *s, struct load_snapshot *snap)
{
	struct load_pcts lat;

	memset(snap, 0, sizeof *snap);
	load_stats_copy_counters(s, snap);
	load_stats_pcts(&s->lat, &lat);
	snap->samples = lat.samples;
	snap->p50_us = lat.p50_us;
	snap->p99_us = lat.p99_us;
	snap->max_us = lat.max_us;
	load_stats_pcts(&s->late, &snap->late);
	load_stats_pcts(&s->first, &snap->first);
	load_stats_pcts(&s->late_read, &snap->late_read);
	pthread_mutex_lock(&s->lock);
	memcpy(snap->first_err, s->first_err, sizeof snap->first_err);
	snap->tls = s->tls;
	pthread_mutex_unlock(&s->lock);
}
