/*
 * load_worker.c: the event loop of one seal-load thread: epoll_wait, then
 * the clients whose start time came (ramp), then every LOAD_TICK_MS a sweep
 * for timeouts, retries and the stop flag. Signals are blocked here: the main
 * thread handles them.
 */
#include "load_worker.h"
#include "load_tls.h"
#include "timeconst.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>


int
load_worker_init(struct load_worker *w, struct load_run *run, long first, long stride)
{
	long clients = run->opts->clients;

	memset(w, 0, sizeof *w);
	w->run = run;
	w->n = (size_t)((clients - first + stride - 1) / stride);
	w->loop.epfd = epoll_create1(EPOLL_CLOEXEC);
	w->clients = calloc(w->n ? w->n : 1, sizeof *w->clients);
	if (w->loop.epfd == -1 || w->clients == NULL)
		return -1;
	for (size_t i = 0; i < w->n; i++) {
		long id = first + (long)i * stride;
		int64_t at = run->t0_us +
		             (int64_t)(run->opts->ramp_s * (double)US_PER_S * (double)id / (double)clients);
		load_client_init(&w->clients[i], &w->loop, run, id, at);
	}
	w->loop.active = w->n;
	return 0;
}

/* 1 when the next NEW client may start as soon as its time comes. */
static int
load_worker_may_open(const struct load_worker *w)
{
	return w->next_new < w->n && w->loop.opening < LOAD_MAX_OPENING;
}

/* Starts the clients whose place on the ramp has come (mode idle: while
 * fewer than LOAD_MAX_OPENING are being opened). */
static void
load_worker_start_due(struct load_worker *w, int64_t now)
{
	while (load_worker_may_open(w) && w->clients[w->next_new].start_at_us <= now) {
		struct load_client *c = &w->clients[w->next_new++];
		if (c->phase == LOAD_PHASE_NEW)
			load_client_start(c, now);
	}
}

/* Milliseconds epoll may sleep: until the next tick or the next ramp start. */
static int
load_worker_timeout(const struct load_worker *w, int64_t now, int64_t next_tick)
{
	int64_t until = next_tick;

	if (load_worker_may_open(w) && w->clients[w->next_new].start_at_us < until)
		until = w->clients[w->next_new].start_at_us;
	if (until <= now)
		return 0;
	return (int)((until - now + US_PER_MS - 1) / US_PER_MS);
}

static void
load_worker_sweep(struct load_worker *w, int64_t now)
{
	for (size_t i = 0; i < w->n; i++)
		load_client_tick(&w->clients[i], now);
}

/* The loop; returns when every client is DONE. */
static void
load_worker_loop(struct load_worker *w)
{
	struct epoll_event evs[LOAD_EPOLL_EVENTS];
	int64_t now = load_run_now_us();
	int64_t next_tick = now + (int64_t)LOAD_TICK_MS * US_PER_MS;

	load_worker_start_due(w, now);
	while (w->loop.active > 0) {
		int n = epoll_wait(w->loop.epfd, evs, LOAD_EPOLL_EVENTS,
		                   load_worker_timeout(w, now, next_tick));
		if (n == -1 && errno != EINTR) {
			atomic_store(&w->run->stop, 1);    /* cannot go on: stop the run */
			break;
		}
		now = load_run_now_us();
		for (int i = 0; i < n; i++)
			load_client_event(evs[i].data.ptr, evs[i].events, now);
		load_worker_start_due(w, now);
		if (now >= next_tick || atomic_load_explicit(&w->run->stop, memory_order_relaxed)) {
			load_worker_sweep(w, now);
			next_tick = now + (int64_t)LOAD_TICK_MS * US_PER_MS;
		}
	}
}

static void *
load_worker_main(void *arg)
{
	struct load_worker *w = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	load_worker_loop(w);
	load_tls_thread_cleanup();
	long long end = load_run_now_us(), old = atomic_load(&w->run->end_us);
	while (end > old && !atomic_compare_exchange_weak(&w->run->end_us, &old, end))
		;
	atomic_fetch_sub(&w->run->running, 1);
	return NULL;
}

int
load_worker_start(struct load_worker *w)
{
	atomic_fetch_add(&w->run->running, 1);
	if (pthread_create(&w->tid, NULL, load_worker_main, w) != 0) {
		atomic_fetch_sub(&w->run->running, 1);
		return -1;
	}
	w->started = 1;
	return 0;
}

void
load_worker_free(struct load_worker *w)
{
	if (w->started)
		pthread_join(w->tid, NULL);
	w->started = 0;
	for (size_t i = 0; w->clients != NULL && i < w->n; i++)
		load_client_free(&w->clients[i]);
	free(w->clients);
	w->clients = NULL;
	if (w->loop.epfd != -1)
		close(w->loop.epfd);
	w->loop.epfd = -1;
}
