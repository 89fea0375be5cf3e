/*
 * load_main.c: bin/seal-load, the load generator (CONTRACT.md "Load
 * generator: bin/seal-load"). The main thread parses the command line, raises
 * the open-file limit, prepares the run, starts the event-loop threads, then
 * watches: the -d deadline, the idle hold, SIGINT/SIGTERM (stop starting
 * sessions, let those in flight finish), the live line on a terminal. When
 * the threads end it prints the summary and picks the exit status.
 */
#include "load.h"
#include "load_report.h"
#include "load_worker.h"
#include "timeconst.h"
#include "version.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define LOAD_MSG_MAX     (2 * LOAD_ERR_MAX)

static volatile sig_atomic_t load_interrupted;

static void
load_on_signal(int sig)
{
	(void)sig;
	load_interrupted = 1;
}

static void
load_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = load_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Raises RLIMIT_NOFILE to the hard limit; -1 with ERR when even that is too
 * low for CLIENTS sockets. */
static int
load_raise_nofile(long clients, char *err, size_t errlen)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)clients + LOAD_FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		snprintf(err, errlen, "the open-file limit is %llu (hard limit %llu): too low "
		         "for -c %ld, which needs %llu; raise the hard limit (as root: "
		         "ulimit -Hn %llu) or lower -c", (unsigned long long)rl.rlim_cur,
		         (unsigned long long)rl.rlim_max, clients, (unsigned long long)need,
		         (unsigned long long)need);
		return -1;
	}
	return 0;
}

/* What the main thread tracks while the workers run. */
struct load_watch {
	struct load_run        *run;
	const struct load_opts *o;
	int                     live;        /* stderr is a terminal */
	int64_t                 last_live;
	struct load_snapshot    prev;
	int64_t                 hold_start;  /* idle: every client open or failed */
	int64_t                 stopped;     /* when the watch set the stop flag */
	int64_t                 end;
};

static void
load_watch_stop(struct load_watch *m, int64_t now)
{
	if (!atomic_exchange(&m->run->stop, 1) || m->stopped == 0)
		m->stopped = now;
}

/* Idle: the hold begins once every client is open or failed; it ends -d
 * seconds later, or at once when nothing is held. */
static void
load_watch_idle(struct load_watch *m, int64_t now)
{
	struct load_stats *s = &m->run->stats;
	unsigned long long failed = 0;

	for (int k = 0; k < LOAD_FAIL_COUNT; k++)
		failed += atomic_load(&s->failed[k]);
	if (m->hold_start == 0 && atomic_load(&s->opened) + failed >= (unsigned long long)m->o->clients) {
		m->hold_start = now;
		if (atomic_load(&s->holding) == 0)
			load_watch_stop(m, now);
	}
	if (m->hold_start != 0 && now - m->hold_start >= (int64_t)(m->o->duration_s * (double)US_PER_S))
		load_watch_stop(m, now);
}

static void
load_watch_deadline(struct load_watch *m, int64_t now)
{
	if (load_interrupted || atomic_load(&m->run->stop))
		load_watch_stop(m, now);
	else if (m->o->mode == LOAD_MODE_IDLE)
		load_watch_idle(m, now);
	else if (m->o->duration_s > 0 &&
	         now - m->run->t0_us >= (int64_t)(m->o->duration_s * (double)US_PER_S))
		load_watch_stop(m, now);
}

/* How far the run is, 0..1, for the bar. */
static double
load_watch_progress(const struct load_watch *m, const struct load_snapshot *s, int64_t now)
{
	const struct load_opts *o = m->o;
	double p = 0, t = (double)(now - m->run->t0_us) / (double)US_PER_S;

	if (o->mode == LOAD_MODE_IDLE && m->hold_start == 0)
		return (double)(s->opened + s->failed_total) / (double)o->clients;
	if (o->mode == LOAD_MODE_IDLE)
		return (double)(now - m->hold_start) / (double)US_PER_S / o->duration_s;
	if (o->count > 0)
		p = (double)(s->ok + s->failed_total) / (double)o->count;
	if (o->duration_s > 0 && t / o->duration_s > p)
		p = t / o->duration_s;
	return p;
}

static void
load_watch_live(struct load_watch *m, int64_t now)
{
	struct load_snapshot cur;

	load_stats_snapshot(&m->run->stats, &cur);
	load_report_live(stderr, m->o, &cur, &m->prev,
	                 (double)(now - m->run->t0_us) / (double)US_PER_S,
	                 (double)(now - m->last_live) / (double)US_PER_S,
	                 load_watch_progress(m, &cur, now));
	m->prev = cur;
	m->last_live = now;
}

/* Watches until every worker thread has ended. */
static void
load_watch_run(struct load_watch *m)
{
	const struct timespec nap = { 0, LOAD_MONITOR_MS * NS_PER_MS };
	int64_t now = load_run_now_us();

	m->last_live = now;
	while (atomic_load(&m->run->running) > 0) {
		nanosleep(&nap, NULL);
		now = load_run_now_us();
		load_watch_deadline(m, now);
		if (m->live && now - m->last_live >= (int64_t)LOAD_LIVE_INTERVAL_MS * US_PER_MS)
			load_watch_live(m, now);
	}
	m->end = now;
	if (m->live)
		fputc('\n', stderr);
}

/* Success only if every session succeeded (idle: every client held). */
static int
load_exit_code(const struct load_opts *o, const struct load_snapshot *s)
{
	if (s->connected == 0)
		return EXIT_CONNECT;
	if (s->failed_total > 0 || s->ok == 0)
		return EXIT_OTHER;
	if (o->mode == LOAD_MODE_IDLE && s->held != (unsigned long long)o->clients)
		return EXIT_OTHER;
	return EXIT_OK;
}

/* Mode aead: seals -s bytes with the negotiated suite's AEAD (the one
 * handshake must have succeeded). 0, or -1 with the reason printed. */
static int
load_measure_aead(const struct load_opts *o, struct load_result *r)
{
	char err[LOAD_MSG_MAX];

	if (!r->snap.tls.have || r->snap.failed_total > 0)
		return -1;              /* the handshake failure is in the summary */
	if (load_aead_run(r->snap.tls.cipher, (uint64_t)o->msg_size, &r->aead,
	                  err, sizeof err) == -1) {
		fprintf(stderr, "seal-load: aead: %s\n", err);
		return -1;
	}
	return 0;
}

/* The summary; returns the exit status. */
static int
load_finish(const struct load_watch *m)
{
	struct load_result r;
	int64_t t0 = m->run->t0_us;

	memset(&r, 0, sizeof r);
	load_stats_snapshot(&m->run->stats, &r.snap);
	int64_t end = atomic_load(&m->run->end_us);
	r.elapsed_s = (double)((end > t0 ? end : m->end) - t0) / (double)US_PER_S;
	r.addr = m->run->addr_text;
	if (m->hold_start != 0) {
		r.open_s = (double)(m->hold_start - t0) / (double)US_PER_S;
		r.hold_s = (double)((m->stopped ? m->stopped : m->end) - m->hold_start) / (double)US_PER_S;
	}
	int aead_failed = m->o->mode == LOAD_MODE_AEAD && load_measure_aead(m->o, &r) == -1;
	if (m->o->json)
		load_report_json(stdout, m->o, &r);
	else
		load_report_text(stdout, m->o, &r);
	fflush(stdout);
	int code = load_exit_code(m->o, &r.snap);
	return code == EXIT_OK && aead_failed ? EXIT_OTHER : code;
}

/* Creates and starts O->threads workers over RUN. Returns how many were
 * initialised (to free), or -1 after freeing them itself. */
static long
load_workers_start(struct load_worker *ws, struct load_run *run, const struct load_opts *o)
{
	long i;

	for (i = 0; i < o->threads; i++) {
		if (load_worker_init(&ws[i], run, i, o->threads) == -1) {
			i++;
			goto fail;
		}
	}
	for (long k = 0; k < o->threads; k++)
		if (load_worker_start(&ws[k]) == -1) {
			atomic_store(&run->stop, 1);
			fputs("seal-load: cannot start a thread\n", stderr);
			break;
		}
	return o->threads;
fail:
	fputs("seal-load: out of memory or descriptors setting up the clients\n", stderr);
	while (i-- > 0)
		load_worker_free(&ws[i]);
	return -1;
}

/* Runs the load described by O. Returns the exit status. */
static int
load_execute(const struct load_opts *o)
{
	struct load_run run;
	struct load_watch m;
	char err[LOAD_MSG_MAX];
	int code;

	if (load_run_init(&run, o, err, sizeof err, &code) == -1) {
		fprintf(stderr, "seal-load: %s\n", err);
		load_run_free(&run);
		return code;
	}
	struct load_worker *ws = calloc((size_t)o->threads, sizeof *ws);
	run.t0_us = load_run_now_us();
	long n = ws != NULL ? load_workers_start(ws, &run, o) : -1;
	code = EXIT_OTHER;
	if (n >= 0) {
		memset(&m, 0, sizeof m);
		m.run = &run;
		m.o = o;
		m.live = isatty(STDERR_FILENO);
		load_watch_run(&m);
		for (long i = 0; i < n; i++)
			load_worker_free(&ws[i]);
		code = load_finish(&m);
	}
	free(ws);
	load_run_free(&run);
	return code;
}

int
main(int argc, char **argv)
{
	struct load_opts o;
	char err[LOAD_MSG_MAX];

	if (load_opts_parse(&o, argc, argv, err, sizeof err) == -1) {
		fprintf(stderr, "seal-load: %s\n", err);
		return EXIT_USAGE;
	}
	if (o.help) {
		load_opts_usage(stdout);
		return EXIT_OK;
	}
	if (o.version) {
		version_print(stdout, "seal-load");
		return EXIT_OK;
	}
	if (load_raise_nofile(o.clients, err, sizeof err) == -1) {
		fprintf(stderr, "seal-load: %s\n", err);
		return EXIT_USAGE;
	}
	load_signals();
	if (tls_global_init() == -1) {
		fputs("seal-load: cannot initialise wolfSSL\n", stderr);
		return EXIT_OTHER;
	}
	int code = load_execute(&o);
	tls_global_cleanup();
	return code;
}
