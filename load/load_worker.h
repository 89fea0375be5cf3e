/*
 * load_worker.h: one event-loop thread of seal-load. It owns a share of the
 * clients (every Nth) and one epoll set over their sockets, starts them on
 * the ramp schedule, delivers their events, and sweeps them for timeouts and
 * the stop flag. It ends when all its clients are DONE. Set up and freed by
 * the main thread; in between only the worker thread touches it.
 */
#ifndef SEAL_LOAD_WORKER_H
#define SEAL_LOAD_WORKER_H

#include <pthread.h>

#include "load_client.h"

struct load_worker {
	struct load_run    *run;
	struct load_loop    loop;
	struct load_client *clients;
	size_t              n;
	size_t              next_new;      /* clients[next_new..] are still NEW */
	pthread_t           tid;
	int                 started;       /* the thread runs: join it */
};

/* Prepares W with the clients FIRST, FIRST + STRIDE, ... below the run's -c,
 * each starting at its place on the --ramp. 0, or -1 (no memory, no epoll). */
int  load_worker_init(struct load_worker *w, struct load_run *run, long first, long stride);

/* Starts the thread (run->running counts it until it ends). 0, or -1. */
int  load_worker_start(struct load_worker *w);

/* Waits for the thread (if started) and frees everything W holds. */
void load_worker_free(struct load_worker *w);

#endif
