/*
 * worker.c: a worker thread and its epoll loop. The acceptor queues sockets
 * in the worker's inbox and writes its eventfd; job threads queue finished
 * jobs the same way. The worker alone touches its connections: it adopts
 * sockets, drives connections on events, sweeps timers every TIMER_TICK_MS,
 * and on shutdown lets each protocol finish, then stops when none is left.
 */
#include "worker.h"
#include "conn.h"
#include "server_defaults.h"
#include "jobs.h"
#include "log.h"
#include "server.h"
#include "timerheap.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ecc.h>

#define WORKER_EVENTS 256

struct inbox_item {
	int                   fd;
	const struct service *svc;
	int                   proxied;   /* from a trusted proxy: a PROXY header first */
	struct inbox_item    *next;
};

struct worker {
	int              id;
	pthread_t        thread;
	int              epfd;
	int              evfd;
	struct server   *srv;
	pthread_mutex_t  lock;        /* guards inbox, done, stop_requested */
	struct inbox_item *inbox;
	struct job      *done;
	int              stop_requested;
	atomic_int       load;        /* connections owned, read by the acceptor */
	struct conn     *conns;       /* worker thread only from here on */
	struct conn    **kicked;
	size_t           nkicked, kick_cap;
	int              stopping;
	int64_t          stop_deadline;
	int64_t          next_sweep;
	struct timerheap timers;      /* connections' conn_timer_at() deadlines */
	struct epoll_event *batch;    /* events being handled now */
	int              batch_next, batch_len;
};

static void
worker_wake(struct worker *w)
{
	uint64_t one = 1;
	if (write(w->evfd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_warn("worker %d: eventfd write", w->id);
}

int
worker_give(struct worker *w, int fd, const struct service *svc, int proxied)
{
	struct inbox_item *it = malloc(sizeof *it);
	if (it == NULL)
		return -1;
	it->fd = fd;
	it->svc = svc;
	it->proxied = proxied;
	atomic_fetch_add(&w->load, 1);
	pthread_mutex_lock(&w->lock);
	it->next = w->inbox;
	w->inbox = it;
	pthread_mutex_unlock(&w->lock);
	worker_wake(w);
	return 0;
}

int
worker_load(struct worker *w)
{
	return atomic_load(&w->load);
}

void
worker_job_finished(struct worker *w, struct job *j)
{
	pthread_mutex_lock(&w->lock);
	j->next = w->done;
	w->done = j;
	pthread_mutex_unlock(&w->lock);
	worker_wake(w);
}

void
worker_wake_stop(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop_requested = 1;
	pthread_mutex_unlock(&w->lock);
	worker_wake(w);
}

struct server *
worker_server(struct worker *w)
{
	return w->srv;
}

int
worker_watch(struct worker *w, struct conn *c, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };
	int op = c->events == 0 && !c->watched ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	if (epoll_ctl(w->epfd, op, c->fd, &ev) == -1) {
		log_warn("worker %d: epoll_ctl", w->id);
		return -1;
	}
	c->watched = 1;
	c->events = events;
	return 0;
}

void
worker_unwatch(struct worker *w, struct conn *c)
{
	if (c->watched)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	c->watched = 0;
	c->events = 0;
	for (size_t i = 0; i < w->nkicked; i++)
		if (w->kicked[i] == c)
			w->kicked[i] = NULL;
}

int
worker_timer_set(struct worker *w, struct conn *c)
{
	return timerheap_set(&w->timers, c);
}

void
worker_timer_remove(struct worker *w, struct conn *c)
{
	timerheap_remove(&w->timers, c);
}

/* Runs every connection timer that is due. */
static void
worker_run_timers(struct worker *w)
{
	int64_t now = conn_now_ms();
	struct conn *c;
	while ((c = timerheap_peek(&w->timers)) != NULL && c->timer_ms <= now) {
		timerheap_remove(&w->timers, c);
		conn_run_timer(c);
	}
}

/* How long epoll may wait: until the next timer, at most a sweep tick. */
static int
worker_wait_ms(struct worker *w)
{
	if (w->nkicked > 0)
		return 0;
	struct conn *c = timerheap_peek(&w->timers);
	if (c == NULL)
		return TIMER_TICK_MS;
	int64_t left = c->timer_ms - conn_now_ms();
	return left <= 0 ? 0 : left < TIMER_TICK_MS ? (int)left : TIMER_TICK_MS;
}

void
worker_kick(struct worker *w, struct conn *c)
{
	if (w->nkicked == w->kick_cap) {
		size_t cap = w->kick_cap ? w->kick_cap * 2 : WORKER_EVENTS;
		struct conn **k = realloc(w->kicked, cap * sizeof *k);
		if (k == NULL)
			return;   /* the connection's next epoll event drives it */
		w->kicked = k;
		w->kick_cap = cap;
	}
	w->kicked[w->nkicked++] = c;
}

void
worker_forget(struct worker *w, struct conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	for (int i = w->batch_next; i < w->batch_len; i++)
		if (w->batch[i].data.ptr == c)
			w->batch[i].data.ptr = NULL;   /* freed: skip its stale event */
	atomic_fetch_sub(&w->load, 1);
}

/* Takes the sockets the acceptor queued and makes connections of them. */
static void
worker_adopt(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	struct inbox_item *it = w->inbox;
	w->inbox = NULL;
	pthread_mutex_unlock(&w->lock);
	while (it != NULL) {
		struct inbox_item *next = it->next;
		uint64_t id = atomic_fetch_add(&w->srv->next_conn_id, 1);
		struct conn *c = w->stopping ? NULL : conn_new(w, w->srv, it->fd, it->svc, id,
		                                                  it->proxied);
		if (c == NULL) {
			if (w->stopping)
				close(it->fd);
			atomic_fetch_sub(&w->load, 1);
		} else {
			c->next = w->conns;
			if (w->conns != NULL)
				w->conns->prev = c;
			w->conns = c;
		}
		free(it);
		it = next;
	}
}

/* Hands finished jobs back to their connections. */
static void
worker_finish_jobs(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	struct job *j = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->lock);
	while (j != NULL) {
		struct job *next = j->next;
		conn_job_done(j->conn, j->done, j->release, j->arg);
		free(j);
		j = next;
	}
}

static void
worker_on_wake(struct worker *w)
{
	uint64_t n;
	if (read(w->evfd, &n, sizeof n) < 0 && errno != EAGAIN)
		log_warn("worker %d: eventfd read", w->id);
	worker_adopt(w);
	worker_finish_jobs(w);
	pthread_mutex_lock(&w->lock);
	int stop = w->stop_requested;
	pthread_mutex_unlock(&w->lock);
	if (stop && !w->stopping) {
		w->stopping = 1;
		w->stop_deadline = conn_now_ms() + SHUTDOWN_GRACE_MS;
		for (struct conn *c = w->conns, *next; c != NULL; c = next) {
			next = c->next;
			conn_begin_shutdown(c);
		}
	}
}

/* Timeouts and delays of every connection; after the shutdown grace period,
 * closes whatever is left. */
static void
worker_sweep(struct worker *w)
{
	int64_t now = conn_now_ms();
	if (now < w->next_sweep)
		return;
	w->next_sweep = now + TIMER_TICK_MS;
	int force = w->stopping && now >= w->stop_deadline;
	for (struct conn *c = w->conns, *next; c != NULL; c = next) {
		next = c->next;
		if (force && c->phase != CONN_DEAD)
			conn_close(c, "server stopped");
		else
			conn_check_timers(c, now);
	}
}

static void
worker_run_kicked(struct worker *w)
{
	size_t n = w->nkicked;
	w->nkicked = 0;
	for (size_t i = 0; i < n; i++)
		if (w->kicked[i] != NULL && w->kicked[i]->phase != CONN_DEAD)
			conn_drive(w->kicked[i]);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[WORKER_EVENTS];

	while (!(w->stopping && w->conns == NULL)) {
		int n = epoll_wait(w->epfd, evs, WORKER_EVENTS, worker_wait_ms(w));
		if (n == -1 && errno != EINTR) {
			log_warn("worker %d: epoll_wait", w->id);
			break;
		}
		w->batch = evs;
		w->batch_len = n < 0 ? 0 : n;
		for (int i = 0; i < n; i++) {
			w->batch_next = i + 1;
			if (evs[i].data.ptr == NULL)
				continue;
			if (evs[i].data.ptr == w) {
				worker_on_wake(w);
				continue;
			}
			struct conn *c = evs[i].data.ptr;
			if (c->phase == CONN_DEAD)
				continue;
			if (evs[i].events & (EPOLLERR | EPOLLHUP))
				conn_hangup(c);
			else
				conn_drive(c);
		}
		w->batch_len = 0;
		worker_run_timers(w);
		worker_run_kicked(w);
		worker_sweep(w);
	}
#if defined(HAVE_ECC) && defined(FP_ECC)
	wc_ecc_fp_free();   /* wolfSSL's per-thread fixed-point ECC cache */
#endif
	return NULL;
}

struct worker *
worker_start(struct server *srv, int id)
{
	struct worker *w = calloc(1, sizeof *w);
	if (w == NULL)
		return NULL;
	w->id = id;
	w->srv = srv;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&w->lock, NULL);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
	if (w->epfd == -1 || w->evfd == -1 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev) == -1 ||
	    pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		log_warn("cannot start worker %d", id);
		if (w->epfd != -1)
			close(w->epfd);
		if (w->evfd != -1)
			close(w->evfd);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

void
worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
	for (struct inbox_item *it = w->inbox, *next; it != NULL; it = next) {
		next = it->next;
		close(it->fd);
		free(it);
	}
	close(w->epfd);
	close(w->evfd);
	pthread_mutex_destroy(&w->lock);
	free(w->kicked);
	timerheap_free(&w->timers);
	free(w);
}
