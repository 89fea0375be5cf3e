/*
 * conn_state.c: the parts of a connection a protocol sets and reads that
 * need neither TLS nor the event loop: its phase (each change logged) and
 * closing, line limit, user, the server's domain, output still queued,
 * drain and idle deadline, a delay and an object held through it, a timer
 * relative to now, and its file slot. Shared by the server and the fuzz
 * harnesses' fake connection. The connection's thread; file slots are
 * atomics (any thread).
 *
 * File slots: the descriptor budget (server_fd_budget) gives connections
 * one descriptor each and keeps max_files for the files some of them hold
 * open while they deliver, retrieve or stream; a connection takes a slot
 * before it opens such a file and gives it back when it closes it, so an
 * idle session costs one descriptor and a busy server never runs out. A
 * POP3 session's maildrop lock is such a file too, held from login to the
 * end of the session (conn_lock_take): a second slot.
 */
#include "conn.h"
#include "linebuf.h"
#include "server.h"

#include <stdatomic.h>
#include <stdio.h>

#define CONN_AS_NAME(p) #p,
static const char *const conn_phase_names[] = { CONN_PHASES(CONN_AS_NAME) };

void
conn_set_phase(struct conn *c, enum conn_phase phase)
{
	if (c->phase != phase)
		conn_log_state(c, "conn", conn_phase_names[c->phase], conn_phase_names[phase]);
	c->phase = phase;
}

void
conn_close_after_flush(struct conn *c)
{
	if (c->phase == CONN_OPEN || c->phase == CONN_HANDSHAKE)
		conn_set_phase(c, CONN_CLOSING);
}

void
conn_set_max_line(struct conn *c, size_t max)
{
	linebuf_set_max(&c->in, max);
}

void
conn_set_user(struct conn *c, const char *user)
{
	snprintf(c->user, sizeof c->user, "%s", user);
}

const char *
conn_domain(const struct conn *c)
{
	return c->srv->cfg->domain;
}

size_t
conn_out_pending(const struct conn *c)
{
	return bytebuf_used(&c->out);
}

void
conn_hold(struct conn *c, void *arg, void (*release)(void *))
{
	c->held = arg;
	c->held_release = release;
}

void *
conn_take_held(struct conn *c)
{
	void *arg = c->held;
	c->held = NULL;
	c->held_release = NULL;
	return arg;
}

void
conn_delay(struct conn *c, unsigned ms, void (*cb)(struct conn *))
{
	c->paused++;
	c->delay_ms = conn_now_ms() + ms;   /* never 0 (0: no delay): the clock is far past it */
	c->delay_cb = cb;
}

void
conn_want_drain(struct conn *c, int on)
{
	c->drain_wanted = on;
}

void
conn_touch(struct conn *c)
{
	if (c->phase == CONN_OPEN)
		c->deadline_ms = conn_now_ms() + c->svc->idle_timeout_ms;
}

int
conn_timer_in(struct conn *c, unsigned ms, void (*cb)(struct conn *))
{
	return conn_timer_at(c, conn_now_ms() + ms, cb);
}

/* Takes a slot into *HELD (a flag of C). 0, or -1 when all are taken. */
static int
conn_slot_take(struct conn *c, int *held)
{
	if (*held)
		return 0;
	if (atomic_fetch_add(&c->srv->files_open, 1) >= c->srv->max_files) {
		atomic_fetch_sub(&c->srv->files_open, 1);
		conn_log_event(c, "all %d file slots are taken: refused for now", c->srv->max_files);
		return -1;
	}
	*held = 1;
	return 0;
}

static void
conn_slot_release(struct conn *c, int *held)
{
	if (!*held)
		return;
	*held = 0;
	atomic_fetch_sub(&c->srv->files_open, 1);
}

int
conn_file_take(struct conn *c)
{
	return conn_slot_take(c, &c->holds_file);
}

void
conn_file_release(struct conn *c)
{
	conn_slot_release(c, &c->holds_file);
}

int
conn_lock_take(struct conn *c)
{
	return conn_slot_take(c, &c->holds_lock);
}

void
conn_lock_release(struct conn *c)
{
	conn_slot_release(c, &c->holds_lock);
}
