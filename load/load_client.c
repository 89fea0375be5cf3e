/*
 * load_client.c: the state machine of one seal-load client over a
 * non-blocking socket and a non-blocking wolfSSL session. Only its own
 * event-loop thread calls in. Functions that may end the session return -1
 * when they did (the session is torn down, maybe a new one begun): the
 * caller must then stop working on it.
 */
#include "load_client.h"
#include "fnv.h"
#include "load_pop3.h"
#include "load_rtsp.h"
#include "load_tls.h"
#include "tls_step.h"
#include "timeconst.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define LOAD_QUOTE_MAX      80      /* bytes of a bad reply quoted in a failure */
#define LOAD_EXPECT_TEXT    16
#define LOAD_TICKET_MAX     8192    /* larger tickets are not recognised */

/* The driver of MODE, or NULL for the modes that follow a script. */
static const struct load_driver *
client_driver(enum load_mode mode)
{
	switch (mode) {
	case LOAD_MODE_POP3: return &load_pop3_driver;
	case LOAD_MODE_RTSP: return &load_rtsp_driver;
	default:             return NULL;
	}
}

void
load_client_init(struct load_client *c, struct load_loop *loop,
                 struct load_run *run, long id, int64_t start_at_us)
{
	memset(c, 0, sizeof *c);
	c->loop = loop;
	c->run = run;
	c->id = id;
	c->driver = client_driver(run->opts->mode);
	c->script = load_proto_script(run->opts, &c->nsteps);
	c->phase = LOAD_PHASE_NEW;
	c->fd = -1;
	c->start_at_us = start_at_us;
	linebuf_init(&c->in, LOAD_REPLY_LINE_MAX);
}

/* The step a failure or a timeout is about. */
static const char *
client_step_name(const struct load_client *c)
{
	switch (c->phase) {
	case LOAD_PHASE_CONNECT:   return "connect";
	case LOAD_PHASE_HANDSHAKE: return "handshake";
	case LOAD_PHASE_HOLD:      return "hold";
	case LOAD_PHASE_TICKET:    return "ticket";
	case LOAD_PHASE_PROTO:
		if (c->driver != NULL)
			return c->driver->step(c);
		return c->step < c->nsteps ? c->script[c->step].name : "close";
	default:                   return "start";
	}
}

void
load_client_arm(struct load_client *c, int64_t now)
{
	c->deadline_us = now + (int64_t)LOAD_STEP_TIMEOUT_MS * US_PER_MS;
}

/* Sets the epoll interest to EV when it differs. */
static void
client_want(struct load_client *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (ev == c->events)
		return;
	if (epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, c->fd, &e) == 0)
		c->events = ev;
}

static void
client_retire(struct load_client *c)
{
	c->phase = LOAD_PHASE_DONE;
	c->loop->active--;
}

/* Closes the session (close_notify when it got that far) and the socket. */
static void
client_teardown(struct load_client *c)
{
	if (c->ssl != NULL) {
		if (wolfSSL_is_init_finished(c->ssl))
			wolfSSL_shutdown(c->ssl);
		wolfSSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1)
		close(c->fd);
	if (c->driver != NULL)
		c->driver->end(c);
	c->fd = -1;
	c->events = 0;
	c->want_write = 0;
	c->out = NULL;
	c->out_len = 0;
	linebuf_free(&c->in);
	linebuf_init(&c->in, LOAD_REPLY_LINE_MAX);
}

/* Stops the run when no connection was ever made and every client failed. */
static void
client_check_unreachable(struct load_client *c)
{
	struct load_stats *s = &c->run->stats;

	if (atomic_load(&s->connected) == 0 &&
	    atomic_load(&s->failed[LOAD_FAIL_CONNECT]) >= (unsigned long long)c->run->opts->clients)
		atomic_store(&c->run->stop, 1);
}

/* Counts a failed session, closes it, and retries at the next tick (idle:
 * retires the client). */
void
load_client_fail(struct load_client *c, int64_t now, enum load_fail kind, const char *fmt, ...)
{
	if (load_stats_fail(&c->run->stats, kind)) {
		char text[LOAD_ERR_MAX];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(text, sizeof text, fmt, ap);
		va_end(ap);
		load_stats_note(&c->run->stats, kind, text);
	}
	if (kind == LOAD_FAIL_CONNECT)
		client_check_unreachable(c);
	client_teardown(c);
	if (c->run->opts->mode == LOAD_MODE_IDLE) {
		if (c->phase != LOAD_PHASE_HOLD)
			c->loop->opening--;
		client_retire(c);
		return;
	}
	c->phase = LOAD_PHASE_WAIT;
	c->start_at_us = now + (int64_t)LOAD_TICK_MS * US_PER_MS;
}

void
load_client_finish(struct load_client *c, int64_t now)
{
	load_stats_latency(&c->run->stats, (uint64_t)(now - c->began_us));
	atomic_fetch_add_explicit(&c->run->stats.ok, 1, memory_order_relaxed);
	client_teardown(c);
	load_client_start(c, now);
}

/* Mode idle: the session is open and greeted; keep it until the run stops. */
static void
client_hold(struct load_client *c, int64_t now)
{
	struct load_stats *s = &c->run->stats;

	load_stats_latency(s, (uint64_t)(now - c->began_us));
	atomic_fetch_add(&s->opened, 1);
	atomic_fetch_add(&s->holding, 1);
	c->loop->opening--;
	c->phase = LOAD_PHASE_HOLD;
	linebuf_free(&c->in);
	linebuf_init(&c->in, LOAD_REPLY_LINE_MAX);
	client_want(c, EPOLLIN);
}

/* Mode resume: keeps the session to offer on the next connection. */
static void
client_save_session(struct load_client *c)
{
	WOLFSSL_SESSION *s = wolfSSL_get1_session(c->ssl);

	if (s != NULL) {
		if (c->saved != NULL)
			wolfSSL_SESSION_free(c->saved);
		c->saved = s;
	}
}

/* A fingerprint (FNV-1a) of the session's ticket; 0 when it has none. */
static uint64_t
client_ticket_id(WOLFSSL *ssl)
{
	unsigned char buf[LOAD_TICKET_MAX];
	word32 len = sizeof buf;

	if (wolfSSL_get_SessionTicket(ssl, buf, &len) != WOLFSSL_SUCCESS || len == 0)
		return 0;
	uint64_t h = fnv_hash64(buf, len);
	return h == 0 ? 1 : h;
}

/* Reads and drops what the server sent until wolfSSL has nothing more; the
 * step that stopped it (a wait, the close, an error). */
static struct tls_step
client_drop_input(struct load_client *c)
{
	char buf[LOAD_READ_CHUNK];
	struct tls_step st;

	do
		st = tls_step_read(c->ssl, buf, sizeof buf);
	while (st.rc == TLS_STEP_DONE);
	return st;
}

/* TICKET: reads (and drops) what comes until a NewSessionTicket, which TLS
 * 1.3 sends after the handshake, has replaced the ticket the session had
 * then (a resumed session still holds the one it offered, bound to the old
 * session's secret: offering it again fails); then the session ends. */
static void
client_ticket_event(struct load_client *c, int64_t now)
{
	struct tls_step st = client_drop_input(c);

	if (tls_step_events(st) == 0) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "ticket: %s",
		                 st.rc == TLS_STEP_CLOSED ? "server closed the session "
		                 "without a ticket" : tls_error_reason(st.err));
		return;
	}
	uint64_t id = client_ticket_id(c->ssl);
	if (id != 0 && id != c->ticket_before) {
		client_save_session(c);
		load_client_finish(c, now);
		return;
	}
	client_want(c, st.rc == TLS_STEP_WANT_READ ? EPOLLIN : EPOLLIN | EPOLLOUT);
}

/* Every step done: save the session (resume; without a greeting, once the
 * TLS 1.3 ticket is in), hold (idle), or finish. */
static void
client_script_done(struct load_client *c, int64_t now)
{
	enum load_mode mode = c->run->opts->mode;

	if (mode == LOAD_MODE_IDLE) {
		client_hold(c, now);
		return;
	}
	if (mode == LOAD_MODE_RESUME && c->run->opts->no_greeting &&
	    wolfSSL_version(c->ssl) == TLS1_3_VERSION) {
		c->ticket_before = client_ticket_id(c->ssl);
		c->phase = LOAD_PHASE_TICKET;
		load_client_arm(c, now);
		client_ticket_event(c, now);
		return;
	}
	if (mode == LOAD_MODE_RESUME)
		client_save_session(c);
	load_client_finish(c, now);
}

/* Sends what the current step still has to send. 0, or -1 if it failed. */
static int
client_flush(struct load_client *c, int64_t now)
{
	c->want_write = 0;
	while (c->out_len > 0) {
		size_t chunk = c->out_len < LOAD_WRITE_CHUNK ? c->out_len : LOAD_WRITE_CHUNK;
		struct tls_step st = tls_step_write(c->ssl, c->out, chunk);
		if (st.rc == TLS_STEP_DONE) {
			c->out += st.n;
			c->out_len -= (size_t)st.n;
			load_client_arm(c, now);
			continue;
		}
		if (st.rc == TLS_STEP_WANT_WRITE)
			c->want_write = 1;
		if (tls_step_events(st) != 0)
			return 0;
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: cannot send: %s",
		                 client_step_name(c), tls_error_reason(st.err));
		return -1;
	}
	return 0;
}

/* Begins step c->step (or ends the script). 0, or -1 if the session ended. */
static int
client_step_begin(struct load_client *c, int64_t now)
{
	if (c->step >= c->nsteps) {
		client_script_done(c, now);
		return -1;
	}
	const struct load_step *st = &c->script[c->step];
	const struct load_text *t = &c->run->out[st->send];
	load_client_arm(c, now);
	c->out = st->send == LOAD_SEND_NONE ? NULL : t->p;
	c->out_len = st->send == LOAD_SEND_NONE ? 0 : t->len;
	return client_flush(c, now);
}

/* One reply line. 0, or -1 if the session ended (done or failed). */
static int
client_line(struct load_client *c, const char *line, size_t len, int64_t now)
{
	const struct load_step *st = &c->script[c->step];
	char want[LOAD_EXPECT_TEXT];

	switch (load_proto_reply(line, len, st->expect)) {
	case LOAD_REPLY_MORE:
		return 0;
	case LOAD_REPLY_OK:
		c->step++;
		return client_step_begin(c, now);
	case LOAD_REPLY_BAD:
		break;
	}
	if (st->expect == LOAD_EXPECT_POP3_OK)
		snprintf(want, sizeof want, "+OK");
	else
		snprintf(want, sizeof want, "%d", st->expect);
	load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: expected %s, got \"%.*s\"", st->name,
	                 want, (int)(len < LOAD_QUOTE_MAX ? len : LOAD_QUOTE_MAX), line);
	return -1;
}

int
load_client_line(struct load_client *c, int64_t now, char **line, size_t *len)
{
	switch (linebuf_next(&c->in, line, len)) {
	case LB_LINE:
		return 1;
	case LB_TOO_LONG:
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: a reply line over %d bytes",
		                 client_step_name(c), LOAD_REPLY_LINE_MAX);
		return -1;
	case LB_NONE:
	default:
		return 0;
	}
}

/* Handles every whole line buffered. 0, or -1 if the session ended. */
static int
client_lines(struct load_client *c, int64_t now)
{
	char *line;
	size_t len;
	int got;

	while ((got = load_client_line(c, now, &line, &len)) == 1)
		if (client_line(c, line, len, now) == -1)
			return -1;
	return got;
}

/* Reads until wolfSSL has nothing more (its own buffer drained too), handling
 * lines as they complete. 0, or -1 if the session ended. */
static int
client_read(struct load_client *c, int64_t now)
{
	char *space;
	size_t avail;

	for (;;) {
		if (client_lines(c, now) == -1)
			return -1;
		if (linebuf_reserve(&c->in, LOAD_READ_CHUNK, &space, &avail) == -1) {
			load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "out of memory");
			return -1;
		}
		struct tls_step st = tls_step_read(c->ssl, space, avail);
		if (st.rc == TLS_STEP_DONE) {
			linebuf_commit(&c->in, (size_t)st.n);
			continue;
		}
		if (st.rc == TLS_STEP_WANT_WRITE)
			c->want_write = 1;
		if (tls_step_events(st) != 0)
			return 0;
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: %s", client_step_name(c),
		                 st.rc == TLS_STEP_CLOSED ? "server closed the session"
		                 : tls_error_reason(st.err));
		return -1;
	}
}

/* How a read that came to ST ended the session: the server closed it
 * ("close_notify", "connection closed"), or NULL for an error. */
static const char *
client_close_kind(struct tls_step st)
{
	if (st.rc == TLS_STEP_CLOSED)
		return "close_notify";
	if (st.rc == TLS_STEP_DROPPED)
		return "connection closed";
	return NULL;
}

/* A driver's reads: until wolfSSL has nothing more, or after
 * LOAD_DRIVER_READS reads with nothing buffered inside wolfSSL, decrypted
 * or not (the socket's readiness then brings epoll back; bytes wolfSSL
 * already took from the socket would not): other clients of the thread get
 * their turn. 0, or -1 if the session ended. */
static int
client_read_driver(struct load_client *c, int64_t now)
{
	char *space;
	size_t avail;

	for (int reads = 0; reads < LOAD_DRIVER_READS || wolfSSL_has_pending(c->ssl); reads++) {
		if (c->driver->space(c, &space, &avail) == -1) {
			load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "out of memory");
			return -1;
		}
		struct tls_step st = tls_step_read(c->ssl, space, avail);
		if (st.rc == TLS_STEP_DONE) {
			if (c->driver->input(c, (size_t)st.n, now) == -1)
				return -1;
			continue;
		}
		if (st.rc == TLS_STEP_WANT_WRITE)
			c->want_write = 1;
		if (tls_step_events(st) != 0)
			return 0;
		const char *how = client_close_kind(st);
		if (how != NULL)
			c->driver->closed(c, now, how);
		else
			load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: %s", client_step_name(c),
			                 tls_error_reason(st.err));
		return -1;
	}
	return 0;
}

int
load_client_send(struct load_client *c, const char *buf, size_t len, int64_t now)
{
	if (c->out_len > 0 || len > LOAD_SEND_MAX) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: a request while another is "
		                 "being sent, or over %d bytes", client_step_name(c), LOAD_SEND_MAX);
		return -1;
	}
	if (c->obuf == NULL && (c->obuf = malloc(LOAD_SEND_MAX)) == NULL) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "out of memory");
		return -1;
	}
	memcpy(c->obuf, buf, len);
	c->out = c->obuf;
	c->out_len = len;
	load_client_arm(c, now);
	return client_flush(c, now);
}

/* PROTO: send what is pending, read what arrived, wait for the rest. */
static void
client_proto_io(struct load_client *c, int64_t now)
{
	if (client_flush(c, now) == -1)
		return;
	if ((c->driver != NULL ? client_read_driver(c, now) : client_read(c, now)) == -1)
		return;
	client_want(c, EPOLLIN | (c->want_write ? EPOLLOUT : 0));
}

/* The handshake is complete and verified. */
static void
client_handshake_done(struct load_client *c, int64_t now)
{
	load_stats_tls(&c->run->stats, c->ssl);
	if (c->saved != NULL && wolfSSL_session_reused(c->ssl))
		atomic_fetch_add_explicit(&c->run->stats.resumed, 1, memory_order_relaxed);
	c->phase = LOAD_PHASE_PROTO;
	c->step = 0;
	load_client_arm(c, now);
	if (c->driver != NULL ? c->driver->begin(c, now) == 0 : client_step_begin(c, now) == 0)
		client_proto_io(c, now);
}

/* Drives wolfSSL_connect one step. */
static void
client_handshake(struct load_client *c, int64_t now)
{
	struct tls_step st = tls_step_connect(c->ssl);

	if (st.rc == TLS_STEP_DONE) {
		client_handshake_done(c, now);
		return;
	}
	if (tls_step_events(st) != 0) {
		client_want(c, st.rc == TLS_STEP_WANT_READ ? EPOLLIN : EPOLLOUT);
		return;
	}
	int err = st.err, verr = load_tls_take_verify_error();
	if (verr != 0)
		err = verr;
	load_client_fail(c, now, LOAD_FAIL_HANDSHAKE, "%s (%s %d)", load_tls_reason(err),
	                 err > 0 ? "X509 error" : "wolfSSL error", err);
}

/* TCP is up: make the TLS session (name check, saved session) and start. */
static void
client_connected(struct load_client *c, int64_t now)
{
	char err[LOAD_ERR_MAX];

	atomic_fetch_add_explicit(&c->run->stats.connected, 1, memory_order_relaxed);
	c->ssl = wolfSSL_new(c->run->ctx);
	if (c->ssl == NULL || wolfSSL_set_fd(c->ssl, c->fd) != WOLFSSL_SUCCESS ||
	    tls_client_expect_name(c->ssl, c->run->verify_name, err, sizeof err) == -1) {
		load_client_fail(c, now, LOAD_FAIL_HANDSHAKE, "cannot set up a TLS session");
		return;
	}
	if (c->driver != NULL && c->driver->stamps && load_stamp_attach(&c->stamp, c->ssl, c->fd) == -1)
		c->stamp.last_us = 0;      /* no kernel times: the driver times reads itself */
	if (c->saved != NULL) {
		atomic_fetch_add_explicit(&c->run->stats.resume_tried, 1, memory_order_relaxed);
		wolfSSL_set_session(c->ssl, c->saved);
	}
	c->phase = LOAD_PHASE_HANDSHAKE;
	load_client_arm(c, now);
	load_tls_take_verify_error();
	client_handshake(c, now);
}

/* CONNECT: the socket became writable; did the connection succeed? */
static void
client_connect_done(struct load_client *c, int64_t now)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		load_client_fail(c, now, LOAD_FAIL_CONNECT, "connect to %s: %s",
		                 c->run->addr_text, strerror(err));
		return;
	}
	client_connected(c, now);
}

/* Opens a non-blocking socket and starts connecting. */
static void
client_connect(struct load_client *c, int64_t now)
{
	const struct load_run *run = c->run;
	struct epoll_event e = { .events = EPOLLOUT, .data.ptr = c };
	int one = 1;

	c->phase = LOAD_PHASE_CONNECT;
	load_client_arm(c, now);
	c->fd = socket(run->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		load_client_fail(c, now, LOAD_FAIL_CONNECT, "socket: %s", strerror(errno));
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (epoll_ctl(c->loop->epfd, EPOLL_CTL_ADD, c->fd, &e) == -1) {
		load_client_fail(c, now, LOAD_FAIL_CONNECT, "epoll_ctl: %s", strerror(errno));
		return;
	}
	c->events = EPOLLOUT;
	if (connect(c->fd, (const struct sockaddr *)&run->addr, run->addrlen) == 0)
		client_connected(c, now);
	else if (errno != EINPROGRESS)
		load_client_fail(c, now, LOAD_FAIL_CONNECT, "connect to %s: %s",
		                 run->addr_text, strerror(errno));
}

/* Takes one session from the -n budget: 1 when granted. */
static int
client_take_budget(struct load_run *run)
{
	if (run->opts->count == 0)
		return 1;
	return atomic_fetch_sub(&run->budget, 1) > 0;
}

void
load_client_start(struct load_client *c, int64_t now)
{
	if (atomic_load(&c->run->stop) || !client_take_budget(c->run)) {
		client_retire(c);
		return;
	}
	c->began_us = now;
	if (c->run->opts->mode == LOAD_MODE_IDLE)
		c->loop->opening++;
	client_connect(c, now);
}

/* HOLD: the server may only send a ticket; a close is a dropped session. */
static void
client_hold_event(struct load_client *c, int64_t now)
{
	struct tls_step st = client_drop_input(c);

	if (tls_step_events(st) != 0) {
		client_want(c, st.rc == TLS_STEP_WANT_READ ? EPOLLIN : EPOLLIN | EPOLLOUT);
		return;
	}
	atomic_fetch_sub(&c->run->stats.holding, 1);
	load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "server closed a held session after "
	                 "%.1f s: %s", (double)(now - c->began_us) / (double)US_PER_S,
	                 st.rc == TLS_STEP_CLOSED ? "close_notify" : tls_error_reason(st.err));
}

void
load_client_event(struct load_client *c, uint32_t events, int64_t now)
{
	(void)events;   /* errors and hang-ups surface in the calls below */
	switch (c->phase) {
	case LOAD_PHASE_CONNECT:   client_connect_done(c, now); break;
	case LOAD_PHASE_HANDSHAKE: client_handshake(c, now); break;
	case LOAD_PHASE_PROTO:     client_proto_io(c, now); break;
	case LOAD_PHASE_TICKET:    client_ticket_event(c, now); break;
	case LOAD_PHASE_HOLD:      client_hold_event(c, now); break;
	default:                   break;
	}
}

/* The run stopped: a held session counts as held and closes. */
static void
client_release_held(struct load_client *c)
{
	struct load_stats *s = &c->run->stats;

	atomic_fetch_sub(&s->holding, 1);
	atomic_fetch_add(&s->held, 1);
	atomic_fetch_add(&s->ok, 1);
	client_teardown(c);
	client_retire(c);
}

void
load_client_tick(struct load_client *c, int64_t now)
{
	int stop = atomic_load_explicit(&c->run->stop, memory_order_relaxed);

	switch (c->phase) {
	case LOAD_PHASE_NEW:
	case LOAD_PHASE_WAIT:
		if (stop)
			client_retire(c);
		else if (c->phase == LOAD_PHASE_WAIT && now >= c->start_at_us)
			load_client_start(c, now);
		break;
	case LOAD_PHASE_CONNECT:
	case LOAD_PHASE_HANDSHAKE:
	case LOAD_PHASE_PROTO:
	case LOAD_PHASE_TICKET:
		if (now >= c->deadline_us)
			load_client_fail(c, now, LOAD_FAIL_TIMEOUT, "%s: no progress in %d s",
			                 client_step_name(c), LOAD_STEP_TIMEOUT_MS / MS_PER_S);
		break;
	case LOAD_PHASE_HOLD:
		if (stop)
			client_release_held(c);
		break;
	case LOAD_PHASE_DONE:
	case LOAD_PHASE_COUNT:
		break;
	}
}

void
load_client_free(struct load_client *c)
{
	client_teardown(c);
	linebuf_free(&c->in);
	if (c->saved != NULL)
		wolfSSL_SESSION_free(c->saved);
	c->saved = NULL;
	if (c->driver != NULL)
		c->driver->free(c);
	if (c->obuf != NULL)
		explicit_bzero(c->obuf, LOAD_SEND_MAX);   /* a request may hold credentials */
	free(c->obuf);
	c->obuf = NULL;
}
