/*
 * fake_conn.c: server/conn.h for the session fuzzers (see fake_conn.h). The
 * functions a protocol calls behave as conn.c's do, minus the socket: output
 * is queued as conn.c queues it and then dropped (the client reads at once),
 * conn_run_job() queues the job and the driver runs it (work, done,
 * release) before reading on, conn_delay() fires before the next read,
 * timers fire on a virtual clock. The driver mirrors conn_step(): flush,
 * close when closing, drain, resume, lines (raw bytes first), then read;
 * input, jobs, timers and delays go through the server's own conn_serve.c.
 * A closed connection's protocol state is freed as conn.c frees it (once no
 * job refers to it), so a protocol that touches it afterwards trips ASan.
 * One connection at a time; one thread.
 */
#include "fake_conn.h"

#include "conn.h"
#include "defaults.h"
#include "server.h"
#include "service.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX_STEPS     20000       /* driver steps per session: a bound, not a limit hit */
#define FAKE_MAX_TIMERS    512         /* timer calls after the input ended */
#define FAKE_READ_MS       10          /* virtual time one read takes */
#define FAKE_CONN_ID       0x5eedULL
#define FAKE_LOCAL         "127.0.0.1:8465"
#define FAKE_PEER          "192.0.2.7:40000"
#define FAKE_PEER_IP       "192.0.2.7"
#define FAKE_TLS_VERSION   "TLSv1.3"
#define FAKE_CIPHER        "TLS13-AES128-GCM-SHA256"

/* The sizes of successive reads, so that lines, bodies and interleaved
 * frames also arrive cut at odd places (a TLS record can end anywhere). */
static const size_t fake_read_sizes[] = { 64, 1, 13, 512, 3, READ_CHUNK };
#define FAKE_NREADS (sizeof fake_read_sizes / sizeof fake_read_sizes[0])

struct fake_job {
	void             (*work)(void *);
	void             (*done)(struct conn *, void *);
	void             (*release)(void *);
	void              *arg;
	struct fake_job   *next;
};

/* The session being run: its queued jobs and the virtual time. */
static struct fake_job *fake_jobs, **fake_jobs_tail = &fake_jobs;
static int64_t fake_now = 1000000;

/* --- conn.h, for protocols --------------------------------------------- */

int64_t
conn_now_ms(void)
{
	return fake_now;
}

uint64_t
fake_clock_ms(void)
{
	return (uint64_t)fake_now;
}

int
conn_server_stopping(const struct conn *c)
{
	(void)c;
	return 0;
}

int
conn_timer_at(struct conn *c, int64_t deadline_ms, void (*cb)(struct conn *))
{
	if (c->phase == CONN_DEAD)
		return -1;
	c->timer_ms = deadline_ms;
	c->timer_cb = cb;
	return 0;
}

void
conn_timer_cancel(struct conn *c)
{
	c->timer_cb = NULL;
}

int
conn_run_job(struct conn *c, void (*work)(void *), void (*done)(struct conn *, void *),
             void (*release)(void *), void *arg)
{
	struct fake_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return -1;
	*j = (struct fake_job){ work, done, release, arg, NULL };
	*fake_jobs_tail = j;
	fake_jobs_tail = &j->next;
	c->jobs++;
	c->paused++;
	return 0;
}

/* Frees the protocol state and what conn_hold() kept of a closed
 * connection once no job refers to it, as conn_free() does (the struct
 * itself lives until the session ends). */
static void
fake_release_state(struct conn *c)
{
	if (c->phase != CONN_DEAD || c->jobs > 0)
		return;
	if (c->held_release != NULL)
		c->held_release(c->held);
	c->held = NULL;
	c->held_release = NULL;
	conn_file_release(c);
	conn_lock_release(c);
	free(c->ps);
	c->ps = NULL;
}

void
conn_close(struct conn *c, const char *why)
{
	if (c->phase == CONN_DEAD)
		return;
	conn_log_event(c, "close%s%s", why ? " " : "", why ? why : "");
	if (c->svc->on_close != NULL)
		c->svc->on_close(c);
	c->timer_cb = NULL;
	conn_set_phase(c, CONN_DEAD);
	fake_release_state(c);
}

/* --- The driver ---------------------------------------------------------- */

/* The client's input and how far it has been read. */
struct fake_input {
	const uint8_t *data;
	size_t         size, off;
	unsigned       reads;
	int            timer_fired;     /* since the last read */
};

static struct conn *
fake_conn_new(const struct service *svc)
{
	struct conn *c = calloc(1, sizeof *c);

	if (c == NULL || (c->ps = calloc(1, svc->state_size ? svc->state_size : 1)) == NULL) {
		fprintf(stderr, "fake_conn: out of memory\n");
		abort();
	}
	c->fd = -1;
	c->srv = fake_server();
	c->svc = svc;
	conn_set_phase(c, CONN_OPEN);
	c->tls_ok = 1;
	c->id = FAKE_CONN_ID;
	c->timer_idx = -1;
	linebuf_init(&c->in, svc->max_line);
	bytebuf_init(&c->out, CONN_OUT_INITIAL, BYTEBUF_NO_MAX);
	snprintf(c->local, sizeof c->local, "%s", FAKE_LOCAL);
	snprintf(c->peer, sizeof c->peer, "%s", FAKE_PEER);
	snprintf(c->peer_ip, sizeof c->peer_ip, "%s", FAKE_PEER_IP);
	snprintf(c->tls_version, sizeof c->tls_version, "%s", FAKE_TLS_VERSION);
	snprintf(c->cipher, sizeof c->cipher, "%s", FAKE_CIPHER);
	return c;
}

/* Runs the first queued job as a job thread and then the worker would. */
static void
fake_run_job(struct conn *c)
{
	struct fake_job *j = fake_jobs;

	fake_jobs = j->next;
	if (fake_jobs == NULL)
		fake_jobs_tail = &fake_jobs;
	j->work(j->arg);
	conn_job_finish(c, j->done, j->release, j->arg);
	free(j);
	fake_release_state(c);
}

/* Wakes a paused connection: its delay, else its next job. 0, or -1 when
 * nothing could wake it (the real server would wait forever). */
static int
fake_resume(struct conn *c)
{
	if (c->delay_ms != 0) {
		if (c->delay_ms > fake_now)
			fake_now = c->delay_ms;
		conn_delay_fire(c);
		return 0;
	}
	if (fake_jobs == NULL)
		return -1;
	fake_run_job(c);
	return 0;
}

/* Fires the timer, if one is set, as conn_run_timer() does (the virtual
 * clock first moves to its deadline). 1 if it did. */
static int
fake_fire_timer(struct conn *c)
{
	if (c->timer_cb == NULL || c->phase != CONN_OPEN)
		return 0;
	if (c->timer_ms > fake_now)
		fake_now = c->timer_ms;
	int fired = conn_timer_fire(c);
	fake_release_state(c);
	return fired;
}

/* The next piece of input into the line buffer. 0, or -1 at its end. */
static int
fake_read(struct conn *c, struct fake_input *in)
{
	size_t n = fake_read_sizes[in->reads++ % FAKE_NREADS];

	if (in->off >= in->size)
		return -1;
	if (n > in->size - in->off)
		n = in->size - in->off;
	if (linebuf_append(&c->in, (const char *)in->data + in->off, n) == -1) {
		fprintf(stderr, "fake_conn: out of memory\n");
		abort();
	}
	in->off += n;
	in->timer_fired = 0;
	fake_now += FAKE_READ_MS;
	return 0;
}

/* The input is over: pending timers run out (bounded), then the client
 * closes (input ended with LF) or goes silent until the idle timeout. */
static void
fake_input_end(struct conn *c, const struct fake_input *in)
{
	for (int i = 0; i < FAKE_MAX_TIMERS && c->phase == CONN_OPEN && c->timer_cb != NULL; i++) {
		fake_fire_timer(c);
		bytebuf_reset(&c->out);
	}
	if (c->phase != CONN_OPEN)
		return;
	if (in->size > 0 && in->data[in->size - 1] == '\n') {
		conn_close(c, "by client");
		return;
	}
	c->svc->on_timeout(c);
	conn_close_after_flush(c);
}

/* One turn of the loop, as conn_step(). 1 to go on, 0 when the session is
 * over. */
static int
fake_step(struct conn *c, struct fake_input *in)
{
	bytebuf_reset(&c->out);                  /* the client read everything */
	if (c->phase == CONN_DEAD)
		return 0;
	if (c->phase == CONN_CLOSING) {
		conn_close(c, NULL);
		return 0;
	}
	if (c->drain_wanted && c->svc->on_drain != NULL && c->phase == CONN_OPEN) {
		c->svc->on_drain(c);
		if (conn_out_pending(c) > 0 || c->phase != CONN_OPEN)
			return 1;
	}
	if (c->paused)
		return fake_resume(c) == 0;
	size_t before = linebuf_pending(&c->in);
	conn_serve_input(c);
	if (c->phase != CONN_OPEN || linebuf_pending(&c->in) != before)
		return 1;
	if (!in->timer_fired && c->timer_cb != NULL) {
		in->timer_fired = 1;
		return fake_fire_timer(c);
	}
	if (fake_read(c, in) == 0)
		return 1;
	fake_input_end(c, in);
	return c->phase != CONN_DEAD;
}

/* Frees what the session left: jobs still queued run as they would after
 * a close (work and release, no done), then the connection goes. */
static void
fake_conn_free(struct conn *c)
{
	conn_close(c, "end of fuzz input");
	while (fake_jobs != NULL)
		fake_run_job(c);
	fake_jobs_tail = &fake_jobs;
	conn_file_release(c);
	conn_lock_release(c);
	linebuf_free(&c->in);
	bytebuf_free(&c->out);
	free(c->ps);
	free(c);
}

void
fake_session_run(const struct service *svc, const uint8_t *data, size_t size)
{
	struct fake_input in = { .data = data, .size = size };
	struct conn *c;

	fake_server_init();
	fake_server_session_begin();
	c = fake_conn_new(svc);
	if (svc->on_open(c) == -1)
		conn_close_after_flush(c);
	for (int steps = 0; steps < FAKE_MAX_STEPS && fake_step(c, &in); steps++)
		;
	fake_conn_free(c);
	fake_server_session_end();
}
