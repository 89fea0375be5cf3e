/*
 * load_stats.h: what seal-load counts, shared by its event-loop threads and
 * read by the main thread for the live line and the summary. Counters and the
 * latency histogram are atomics (any thread, no lock); the texts (first
 * failure of each kind, the negotiated TLS parameters) are written once under
 * the mutex. A snapshot copies everything for reporting.
 */
#ifndef SEAL_LOAD_STATS_H
#define SEAL_LOAD_STATS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "load_defaults.h"
#include "tls.h"

/* Failure kinds: each failed session counts under exactly one. */
#define LOAD_FAILS(X)                 \
	X(CONNECT,   "connect")       \
	X(HANDSHAKE, "handshake")     \
	X(PROTOCOL,  "protocol")      \
	X(TIMEOUT,   "timeout")
#define LOAD_FAIL_ENUM(id, name) LOAD_FAIL_##id,
enum load_fail { LOAD_FAILS(LOAD_FAIL_ENUM) LOAD_FAIL_COUNT };
#undef LOAD_FAIL_ENUM

/* Latency histogram: 64 buckets per power of two of microseconds (about
 * 1.6% resolution), exact below 64 us, up to 2^40 us. */
#define LOAD_HIST_SUB_BITS  6
#define LOAD_HIST_MAX_BITS  40
#define LOAD_HIST_BUCKETS   ((LOAD_HIST_MAX_BITS - LOAD_HIST_SUB_BITS + 2) << LOAD_HIST_SUB_BITS)

#define LOAD_TLS_TEXT_MAX   64

struct load_tls_info {
	int  have;
	char version[LOAD_TLS_TEXT_MAX];
	char cipher[LOAD_TLS_TEXT_MAX];
	char group[LOAD_TLS_TEXT_MAX];
};

/* A histogram of microsecond samples with their maximum. */
struct load_hist {
	atomic_ullong max_us;
	atomic_ullong b[LOAD_HIST_BUCKETS];
};

struct load_stats {
	atomic_ullong ok;            /* sessions that completed every step */
	atomic_ullong failed[LOAD_FAIL_COUNT];
	atomic_ullong connected;     /* TCP connections established */
	atomic_ullong resumed;       /* handshakes that resumed a saved session */
	atomic_ullong resume_tried;  /* handshakes that offered a saved session */
	atomic_ullong opened;        /* idle: sessions that reached the hold */
	atomic_ullong holding;       /* idle: sessions held right now */
	atomic_ullong held;          /* idle: sessions still open when the hold ended */
	atomic_ullong messages;      /* pop3: messages retrieved and verified */
	atomic_ullong bytes;         /* pop3: their octets; rtsp: RTP payload bytes */
	atomic_ullong busy_us;       /* pop3: time from RETR sent to its final "." */
	atomic_ullong packets;       /* rtsp: RTP packets received */
	atomic_ullong lost;          /* rtsp: by sequence number */
	atomic_ullong reordered;
	atomic_ullong streams;       /* rtsp: streams that ended with an RTCP BYE */
	struct load_hist lat;        /* session latency */
	struct load_hist late;       /* rtsp: lateness of each RTP packet */
	struct load_hist first;      /* rtsp: lateness of each stream's first packet */
	struct load_hist late_read;  /* rtsp: lateness by when seal-load read each packet */
	atomic_int    tls_have;      /* tls below is filled in */
	pthread_mutex_t lock;        /* guards first_err and tls */
	char first_err[LOAD_FAIL_COUNT][LOAD_ERR_MAX];
	struct load_tls_info tls;
};

/* Percentiles of one histogram (microseconds). */
struct load_pcts {
	unsigned long long samples, p50_us, p99_us, max_us;
};

/* A copy for reporting (main thread). */
struct load_snapshot {
	unsigned long long ok, failed[LOAD_FAIL_COUNT], failed_total, connected;
	unsigned long long resumed, resume_tried, opened, holding, held, max_us;
	unsigned long long samples;          /* latencies recorded */
	unsigned long long p50_us, p99_us;
	unsigned long long messages, bytes, busy_us;
	unsigned long long packets, lost, reordered, streams;
	struct load_pcts late, first, late_read;
	char first_err[LOAD_FAIL_COUNT][LOAD_ERR_MAX];
	struct load_tls_info tls;
};

/* 0, or -1 (mutex). */
int  load_stats_init(struct load_stats *s);
void load_stats_destroy(struct load_stats *s);

/* "connect", "handshake", ... */
const char *load_stats_fail_name(enum load_fail kind);

/* Records one latency sample (microseconds). */
void load_stats_latency(struct load_stats *s, uint64_t us);

/* Records one sample of US microseconds in H (any thread). */
void load_stats_hist_add(struct load_hist *h, uint64_t us);

/* Counts a failure of KIND. 1 when it is the first of its kind (the caller
 * then gives its reason to load_stats_note), else 0. */
int  load_stats_fail(struct load_stats *s, enum load_fail kind);

/* Keeps TEXT as the reason of the first failure of KIND. */
void load_stats_note(struct load_stats *s, enum load_fail kind, const char *text);

/* Keeps the TLS version, cipher and group of SSL, the first time only. */
void load_stats_tls(struct load_stats *s, WOLFSSL *ssl);

/* Fills SNAP from S, percentiles included. */
void load_stats_snapshot(struct load_stats *s, struct load_snapshot *snap);

/* The bucket of US, and the middle of a bucket (both exposed for tests). */
unsigned    load_stats_hist_index(uint64_t us);
uint64_t    load_stats_hist_value(unsigned idx);

#endif
