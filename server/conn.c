/*
 * conn.c: a connection's life on its worker thread: the non-blocking TLS
 * handshake, reading lines out of wolfSSL (draining wolfSSL_pending data
 * that epoll cannot see), handing them to the protocol, writing the output
 * queue with back-pressure, timeouts, and the close. Worker thread only.
 */
#include "conn.h"
#include "tls.h"
#include "server_defaults.h"
#include "iplimit.h"
#include "jobs.h"
#include "server.h"
#include "timeconst.h"
#include "worker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

_Static_assert(EPOLLIN == POLLIN && EPOLLOUT == POLLOUT, "tls_want_events gives poll bits");

#define OUT_WRITE_MAX 16384   /* one TLS record a write (MSG_MORE between them) */
#define DRIVE_BUDGET  64      /* steps before other connections get a turn */

static void conn_settle(struct conn *c);

int64_t
conn_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * MS_PER_S + ts.tv_nsec / NS_PER_MS;
}

int
conn_server_stopping(const struct conn *c)
{
	return atomic_load(&c->srv->stopping);
}

int
conn_timer_at(struct conn *c, int64_t deadline_ms, void (*cb)(struct conn *))
{
	if (c->phase == CONN_DEAD)
		return -1;
	c->timer_ms = deadline_ms;
	c->timer_cb = cb;
	return worker_timer_set(c->w, c);
}

void
conn_timer_cancel(struct conn *c)
{
	worker_timer_remove(c->w, c);
	c->timer_cb = NULL;
}

void
conn_run_timer(struct conn *c)
{
	if (conn_timer_fire(c))
		conn_settle(c);
}

int
conn_run_job(struct conn *c, void (*work)(void *), void (*done)(struct conn *, void *),
             void (*release)(void *), void *arg)
{
	struct job *j = calloc(1, sizeof *j);
	if (j == NULL)
		return -1;
	*j = (struct job){ work, done, release, arg, c, NULL };
	if (jobs_submit(c->srv->jobs, j) == -1) {
		free(j);
		return -1;
	}
	c->jobs++;
	c->paused++;
	return 0;
}

/* Frees everything the connection holds; the struct too. */
static void
conn_free(struct conn *c)
{
	if (c->held_release != NULL)
		c->held_release(c->held);
	conn_file_release(c);
	conn_lock_release(c);
	conn_proxy_free(c->proxy);
	linebuf_free(&c->in);
	bytebuf_free(&c->out);
	free(c->ps);
	free(c);
}

/* Frees a closed connection once no job refers to it any more. */
static void
conn_free_if_unused(struct conn *c)
{
	if (c->jobs == 0) {
		worker_forget(c->w, c);
		conn_free(c);
	}
}

/* After a callback that may have closed C: drives it on, or frees it
 * when it is closed and unused. */
static void
conn_settle(struct conn *c)
{
	if (c->phase == CONN_DEAD)
		conn_free_if_unused(c);
	else
		conn_drive(c);
}

void
conn_job_done(struct conn *c, void (*done)(struct conn *, void *),
              void (*release)(void *), void *arg)
{
	conn_job_finish(c, done, release, arg);
	conn_settle(c);
}

void
conn_format_addr(const struct sockaddr_storage *sa, char *full, char *ip)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		port = ntohs(s4->sin_port);
		snprintf(full, CONN_ADDR_MAX, "%s:%u", host, port);
	} else if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		port = ntohs(s6->sin6_port);
		snprintf(full, CONN_ADDR_MAX, "[%s]:%u", host, port);
	} else {
		snprintf(full, CONN_ADDR_MAX, "?");
	}
	if (ip != NULL)
		snprintf(ip, CONN_ADDR_MAX, "%s", host);
}

static void
conn_fill_addrs(struct conn *c)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;

	memset(&sa, 0, sizeof sa);
	if (getsockname(c->fd, (struct sockaddr *)&sa, &len) == 0)
		conn_format_addr(&sa, c->local, NULL);
	len = sizeof sa;
	memset(&sa, 0, sizeof sa);
	if (getpeername(c->fd, (struct sockaddr *)&sa, &len) == 0)
		conn_format_addr(&sa, c->peer, c->peer_ip);
}

/* wolfSSL's own socket read (EmbedReceive), with what the client sends
 * during the handshake shown to the alert scanner too. */
static int
conn_recv_handshake(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct conn *c = ctx;
	int n = EmbedReceive(ssl, buf, sz, &c->fd);

	if (n > 0)
		alertscan_feed(&c->alerts, (const unsigned char *)buf, (size_t)n);
	return n;
}

struct conn *
conn_new(struct worker *w, struct server *srv, int fd, const struct service *svc, uint64_t id,
         int proxied)
{
	struct conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		goto fail;
	*c = (struct conn){ .fd = fd, .w = w, .srv = srv, .svc = svc, .id = id, .timer_idx = -1,
	                    .ip_counted = !proxied };
	conn_fill_addrs(c);
	linebuf_init(&c->in, svc->max_line);
	bytebuf_init(&c->out, CONN_OUT_INITIAL, BYTEBUF_NO_MAX);
	if (svc->state_size > 0 && (c->ps = calloc(1, svc->state_size)) == NULL)
		goto fail;
	c->tls = server_tls_acquire(srv);
	if ((c->ssl = wolfSSL_new(c->tls->ctx)) == NULL ||
	    wolfSSL_set_fd(c->ssl, fd) != WOLFSSL_SUCCESS)
		goto fail;
	alertscan_init(&c->alerts);
	wolfSSL_SSLSetIORecv(c->ssl, conn_recv_handshake);
	wolfSSL_SetIOReadCtx(c->ssl, c);
	c->deadline_ms = conn_now_ms() + (proxied ? PROXY_TIMEOUT_MS : HANDSHAKE_TIMEOUT_MS);
	if (proxied)
		conn_set_phase(c, CONN_PROXY);   /* "connect" is logged once the client is known */
	if (worker_watch(w, c, EPOLLIN) == -1)
		goto fail;
	STATS_ADD(&srv->stats, conns_open, 1);
	STATS_ADD(&srv->stats, conns_total, 1);
	if (!proxied)
		conn_log_event(c, "connect");
	return c;
fail:
	log_warnx("cannot set up a connection: out of memory or TLS error");
	if (c != NULL) {
		if (c->ssl != NULL)
			wolfSSL_free(c->ssl);
		if (c->tls != NULL)
			server_tls_release(c->tls);
		if (c->ip_counted)
			iplimit_release(srv->iplimit, c->peer_ip);
		free(c->ps);
		free(c);
	}
	close(fd);
	return NULL;
}

void
conn_close(struct conn *c, const char *why)
{
	if (c->phase == CONN_DEAD)
		return;
	conn_log_event(c, "close%s%s", why ? " " : "", why ? why : "");
	if (c->svc->on_close != NULL)
		c->svc->on_close(c);
	/* Best effort close_notify, never waits; but not while a write is stuck
	 * in wolfSSL's output buffer (WANT_WRITE, a reader that stopped):
	 * wolfSSL_shutdown would resend that buffer and read past its end (ASan,
	 * test_hard_exhaust's stalled POP3 reader). */
	if (c->tls_ok && !c->eof && c->out_inflight == 0)
		wolfSSL_shutdown(c->ssl);
	wolfSSL_free(c->ssl);
	c->ssl = NULL;
	server_tls_release(c->tls);
	c->tls = NULL;
	worker_unwatch(c->w, c);
	worker_timer_remove(c->w, c);
	close(c->fd);
	c->fd = -1;
	if (c->ip_counted)
		iplimit_release(c->srv->iplimit, c->peer_ip);
	c->ip_counted = 0;
	STATS_ADD(&c->srv->stats, conns_open, -1);
	conn_set_phase(c, CONN_DEAD);
	conn_free_if_unused(c);
}

/* Records what the handshake agreed and logs it. */
static void
conn_tls_established(struct conn *c)
{
	struct stats *st = &c->srv->stats;

	c->tls_ok = 1;
	snprintf(c->tls_version, sizeof c->tls_version, "%s", wolfSSL_get_version(c->ssl));
	snprintf(c->cipher, sizeof c->cipher, "%s", wolfSSL_get_cipher_name(c->ssl));
	WOLFSSL_X509 *peer = wolfSSL_get_peer_certificate(c->ssl);
	if (peer != NULL) {
		char *s = wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_subject_name(peer), NULL, 0);
		snprintf(c->client_subject, sizeof c->client_subject, "%s", s ? s : "?");
		XFREE(s, NULL, DYNAMIC_TYPE_OPENSSL);
		wolfSSL_X509_free(peer);
	}
	int resumed = wolfSSL_session_reused(c->ssl);
	if (resumed)
		STATS_ADD(st, handshakes_resumed, 1);
	else
		STATS_ADD(st, handshakes_full, 1);
	conn_log_event(c, "tls %s %s%s%s%s%s", c->tls_version, c->cipher,
	               resumed ? " resumed" : "",
	               c->client_subject[0] ? " client-cert=\"" : "", c->client_subject,
	               c->client_subject[0] ? "\"" : "");
}

/* Why the handshake failed with wolfSSL error ERR, into WHY: the alert the
 * client sent when it sent one (it refused our certificate: unknown_ca,
 * certificate_expired...), as wolfSSL read it or, for a TLS 1.3 alert in
 * the clear that wolfSSL drops unread, as the scanner saw it; else what
 * wolfSSL says. */
static void
conn_handshake_failure(struct conn *c, int err, char *why, size_t len)
{
	WOLFSSL_ALERT_HISTORY h;
	int level = -1, desc = -1;
	unsigned char rest[ALERTSCAN_ALERT_MAX];
	size_t unread = alertscan_alert_unread(&c->alerts);

	if (unread > 0) {   /* the body of the alert record wolfSSL dropped */
		ssize_t n = recv(c->fd, rest, unread, MSG_DONTWAIT);
		if (n > 0)
			alertscan_feed(&c->alerts, rest, (size_t)n);
	}
	if (wolfSSL_get_alert_history(c->ssl, &h) == WOLFSSL_SUCCESS && h.last_rx.code >= 0) {
		level = h.last_rx.level;
		desc = h.last_rx.code;
	} else if (c->alerts.desc >= 0) {
		level = c->alerts.level;
		desc = c->alerts.desc;
	}
	if (desc < 0) {
		snprintf(why, len, "tls handshake failed: %s", tls_error_reason(err));
		return;
	}
	const char *name = wolfSSL_alert_desc_string_long(desc);
	snprintf(why, len, "tls handshake failed: client sent %salert %s (%d)",
	         level == alert_warning ? "warning " : "", name != NULL ? name : "?", desc);
}

/* Advances the handshake. 1 done, 0 waiting (c->want set), -1 closed. */
static int
conn_handshake(struct conn *c)
{
	int rc = wolfSSL_accept(c->ssl);
	if (rc == WOLFSSL_SUCCESS) {
		wolfSSL_SSLSetIORecv(c->ssl, EmbedReceive);   /* no scanning from now on */
		if (wolfSSL_set_read_fd(c->ssl, c->fd) != WOLFSSL_SUCCESS) {
			conn_close(c, "tls: cannot set the read descriptor");
			return -1;
		}
		conn_tls_established(c);
		conn_set_phase(c, CONN_OPEN);
		c->deadline_ms = conn_now_ms() + c->svc->idle_timeout_ms;
		if (c->svc->on_open(c) == -1)
			conn_close_after_flush(c);
		return 1;
	}
	int err = wolfSSL_get_error(c->ssl, rc);
	int want = tls_want_events(err);
	if (want != 0) {
		c->want = (unsigned)want;
		return 0;
	}
	STATS_ADD(&c->srv->stats, handshakes_failed, 1);
	char why[160];
	conn_handshake_failure(c, err, why, sizeof why);
	conn_close(c, why);
	return -1;
}

/* Writes queued output. 0 all written, 1 would block (c->want set), -1 error. */
static int
conn_flush(struct conn *c)
{
	struct bytebuf *o = &c->out;
	size_t left;

	while ((left = bytebuf_used(o)) > 0) {
		size_t n = c->out_inflight ? c->out_inflight : left;
		if (n > OUT_WRITE_MAX)
			n = OUT_WRITE_MAX;
		/* more records follow now: the kernel may hold this one back to
		 * fill a segment (one push, one wake-up of the reader per batch) */
		int more = n < left ? MSG_MORE : 0;
		int rc = wolfSSL_send(c->ssl, bytebuf_head(o), (int)n, more);
		if (rc > 0) {
			bytebuf_consume(o, (size_t)rc);
			c->out_inflight = 0;
			c->out_since = conn_now_ms();
			STATS_ADD(&c->srv->stats, bytes_out, rc);
			continue;
		}
		int want = tls_want_events(wolfSSL_get_error(c->ssl, rc));
		if (want == 0)
			return -1;
		c->out_inflight = n;
		c->want = (unsigned)want;
		return 1;
	}
	if (!c->drain_wanted)         /* idle connections keep no buffer; streams do */
		bytebuf_free(o);
	return 0;
}

/* One wolfSSL_read into the line buffer. 1 data, 0 would block, -1 EOF/error. */
static int
conn_read(struct conn *c)
{
	char *space;
	size_t avail;

	if (linebuf_reserve(&c->in, READ_CHUNK, &space, &avail) == -1)
		return -1;
	int n = wolfSSL_read(c->ssl, space, avail > INT_MAX ? INT_MAX : (int)avail);
	if (n > 0) {
		linebuf_commit(&c->in, (size_t)n);
		STATS_ADD(&c->srv->stats, bytes_in, n);
		return 1;
	}
	int want = tls_want_events(wolfSSL_get_error(c->ssl, n));
	if (want == EPOLLIN)
		linebuf_compact(&c->in);   /* an idle connection holds no read buffer */
	else if (want != 0)
		c->want = (unsigned)want;  /* a read that must write first */
	if (want != 0)
		return 0;
	c->eof = 1;
	return -1;
}

static void
conn_update_interest(struct conn *c)
{
	unsigned ev = 0;
	if (c->phase == CONN_PROXY)
		ev = EPOLLIN;
	else if (c->phase == CONN_HANDSHAKE)
		ev = c->want;
	else if (conn_out_pending(c) > 0)
		ev = c->want ? c->want : EPOLLOUT;
	if (c->phase == CONN_OPEN && !c->paused && conn_out_pending(c) <= OUTBUF_HIGH_WATER)
		ev |= EPOLLIN;
	if (ev != c->events && worker_watch(c->w, c, ev) == -1)
		conn_close(c, "epoll failure");
}

/* One round of writing, then reading and serving lines. 1 to go again,
 * 0 to wait for epoll, -1 when the connection was closed. */
static int
conn_step(struct conn *c)
{
	c->want = 0;
	int rc = conn_flush(c);
	if (rc == -1) {
		conn_close(c, "write failed");
		return -1;
	}
	if (c->phase == CONN_CLOSING) {
		if (rc == 0)
			conn_close(c, NULL);
		return rc == 0 ? -1 : 0;
	}
	if (c->drain_wanted && c->phase == CONN_OPEN && conn_out_pending(c) < OUTBUF_LOW_WATER) {
		c->svc->on_drain(c);
		if (rc == 0 && conn_out_pending(c) > 0)
			return 1;
	}
	if (rc == 1 || c->paused)
		return 0;
	size_t before = linebuf_pending(&c->in);
	conn_serve_input(c);
	if (c->phase != CONN_OPEN || linebuf_pending(&c->in) != before)
		return 1;
	if (conn_out_pending(c) > OUTBUF_HIGH_WATER)
		return 1;
	if (conn_server_stopping(c))
		conn_ask_shutdown(c);
	int r = conn_read(c);
	if (r == -1) {
		conn_close(c, "by client");
		return -1;
	}
	return r;
}

void
conn_hangup(struct conn *c)
{
	if (c->phase == CONN_HANDSHAKE && conn_handshake(c) == -1)
		return;   /* closed with wolfSSL's reason, or the client's alert */
	conn_close(c, "connection reset");
}

void
conn_drive(struct conn *c)
{
	if (c->phase == CONN_DEAD)
		return;
	if (c->phase == CONN_PROXY) {
		int pr = conn_proxy_read(c);
		if (pr == -1)
			return;
		if (pr == 0) {
			conn_update_interest(c);
			return;
		}
	}
	if (c->phase == CONN_HANDSHAKE) {
		int hs = conn_handshake(c);
		if (hs == -1)
			return;
		if (hs == 0) {
			conn_update_interest(c);
			return;
		}
	}
	int rc, budget = DRIVE_BUDGET;
	while ((rc = conn_step(c)) == 1 && --budget > 0)
		;
	if (rc == 1)
		worker_kick(c->w, c);   /* fairness: others on this worker go first */
	if (rc >= 0)
		conn_update_interest(c);
}

void
conn_check_timers(struct conn *c, int64_t now)
{
	if (c->phase == CONN_DEAD)
		return;
	/* A reader that takes nothing while output waits (a POP3 RETR it stopped
	 * reading): its queue stays bounded (streams refill only below
	 * OUTBUF_LOW_WATER), and after OUT_STALL_MAX_MS it is dropped. */
	if (conn_out_pending(c) > 0 && now - c->out_since >= OUT_STALL_MAX_MS) {
		char why[96];
		snprintf(why, sizeof why, "slow reader: %zu bytes unsent, none taken for %d s",
		         conn_out_pending(c), OUT_STALL_MAX_MS / MS_PER_S);
		conn_close(c, why);
		return;
	}
	if (c->delay_ms != 0 && now >= c->delay_ms) {
		conn_delay_fire(c);
		conn_drive(c);
		return;
	}
	if (c->deadline_ms == 0 || now < c->deadline_ms || c->jobs > 0)
		return;
	if (c->phase == CONN_PROXY) {
		STATS_ADD(&c->srv->stats, proxy_refused, 1);
		conn_close(c, "proxy header timed out");
	} else if (c->phase == CONN_HANDSHAKE) {
		STATS_ADD(&c->srv->stats, handshakes_failed, 1);
		conn_close(c, "tls handshake timed out");
	} else if (c->phase == CONN_OPEN) {
		c->svc->on_timeout(c);
		conn_close_after_flush(c);
		c->deadline_ms = now + HANDSHAKE_TIMEOUT_MS;   /* time to flush */
		conn_drive(c);
	} else {
		conn_close(c, "timed out flushing output");
	}
}

void
conn_begin_shutdown(struct conn *c)
{
	if (c->phase == CONN_HANDSHAKE || c->phase == CONN_PROXY) {
		conn_close(c, "server stopping");
		return;
	}
	conn_ask_shutdown(c);
	conn_drive(c);
}
