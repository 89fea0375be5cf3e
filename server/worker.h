/*
 * worker.h: a worker thread: its own epoll loop over the connections it owns
 * (TLS handshakes included), an inbox of new sockets from the acceptor, and a
 * queue of finished jobs. Only the worker's thread touches its connections;
 * the inbox and the job queue are guarded by the worker's mutex.
 */
#ifndef SEALED_WORKER_H
#define SEALED_WORKER_H

#include <stdatomic.h>

struct server;
struct service;
struct job;
struct conn;

struct worker;

/* Creates and starts worker number ID. NULL on failure. */
struct worker *worker_start(struct server *, int id);

/* Hands an accepted socket to the worker (acceptor thread); PROXIED: it
 * comes from a trusted proxy (conn_new). 0, or -1. */
int worker_give(struct worker *, int fd, const struct service *svc, int proxied);

/* Connections the worker owns now (any thread; approximate). */
int worker_load(struct worker *);

/* Returns a finished job to the worker (job thread). */
void worker_job_finished(struct worker *, struct job *);

/* Asks the worker to begin shutting down (any thread). */
void worker_wake_stop(struct worker *);

/* Waits for the worker to finish and frees it. */
void worker_join(struct worker *);

/* For the connection core: registers or changes the epoll interest of C. */
int worker_watch(struct worker *, struct conn *c, unsigned events);
void worker_unwatch(struct worker *, struct conn *c);

/* For the connection core: (re)arms C's timer at C->timer_ms, or takes it
 * out of the timer heap. 0, or -1 when out of memory. */
int  worker_timer_set(struct worker *, struct conn *c);
void worker_timer_remove(struct worker *, struct conn *c);

/* For the connection core: drive C again after this round of events. */
void worker_kick(struct worker *, struct conn *c);

/* For the connection core: C is gone; forget it (C is freed by the caller). */
void worker_forget(struct worker *, struct conn *c);

/* The server this worker serves. */
struct server *worker_server(struct worker *);

#endif
