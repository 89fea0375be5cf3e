/*
 * conn_serve.c: what drives a connection's protocol apart from TLS, the
 * socket and the event loop: handing it the input (raw bytes to on_raw,
 * lines to on_line), asking it to stop when the server does, finishing a
 * job, firing a timer or the end of a delay. conn.c calls these from its
 * steps; the fuzz harnesses' fake connection calls the same, so that the
 * fuzzers run the server's own logic. The connection's thread.
 */
#include "conn.h"
#include "server_defaults.h"
#include "linebuf.h"
#include "service.h"

#include <stdio.h>
#include <stdlib.h>

void
conn_ask_shutdown(struct conn *c)
{
	if (c->phase != CONN_OPEN || c->shutdown_seen || c->paused)
		return;
	if (c->svc->on_shutdown(c) == 0) {
		c->shutdown_seen = 1;
		conn_close_after_flush(c);
	}
}

/* Offers the unread input to svc->on_raw (see service.h). 1 when it took
 * bytes, 0 when the next line goes to on_line, -1 to wait for more input. */
static int
conn_offer_raw(struct conn *c)
{
	const char *data;
	size_t have;

	if (c->svc->on_raw == NULL || (have = linebuf_peek(&c->in, &data)) == 0)
		return 0;
	size_t took = c->svc->on_raw(c, data, have);
	if (took == SERVICE_RAW_MORE)
		return -1;
	if (took == 0)
		return 0;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	if (took > have) {             /* a bug the fuzzers should report */
		fprintf(stderr, "conn: on_raw took %zu of %zu bytes\n", took, have);
		abort();
	}
#endif
	linebuf_consume(&c->in, took);
	c->deadline_ms = conn_now_ms() + c->svc->idle_timeout_ms;
	return 1;
}

void
conn_serve_input(struct conn *c)
{
	char *line;
	size_t len;

	while (c->phase == CONN_OPEN && !c->paused &&
	       conn_out_pending(c) <= OUTBUF_HIGH_WATER) {
		int raw = conn_offer_raw(c);
		if (raw == -1)
			break;
		if (raw == 1) {
			if (conn_server_stopping(c))
				conn_ask_shutdown(c);
			continue;
		}
		enum lb_rc rc = linebuf_next(&c->in, &line, &len);
		if (rc == LB_NONE)
			break;
		c->deadline_ms = conn_now_ms() + c->svc->idle_timeout_ms;
		int r = rc == LB_LINE ? c->svc->on_line(c, line, len) : c->svc->on_overflow(c);
		if (r == -1)
			conn_close_after_flush(c);
		if (conn_server_stopping(c))
			conn_ask_shutdown(c);
	}
	if (c->phase != CONN_DEAD && linebuf_pending(&c->in) == 0)
		linebuf_compact(&c->in);
}

void
conn_job_finish(struct conn *c, void (*done)(struct conn *, void *),
                void (*release)(void *), void *arg)
{
	c->jobs--;
	if (c->phase != CONN_DEAD) {
		c->paused--;
		if (done != NULL)
			done(c, arg);
	}
	if (release != NULL)
		release(arg);
}

int
conn_timer_fire(struct conn *c)
{
	void (*cb)(struct conn *) = c->timer_cb;

	c->timer_cb = NULL;
	if (c->phase != CONN_OPEN || cb == NULL)
		return 0;
	c->jobs++;                 /* keeps C allocated should CB close it */
	cb(c);
	c->jobs--;
	return 1;
}

void
conn_delay_fire(struct conn *c)
{
	void (*cb)(struct conn *) = c->delay_cb;

	c->delay_ms = 0;
	c->delay_cb = NULL;
	c->paused--;
	if (cb != NULL)
		cb(c);
}
