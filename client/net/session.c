/*
 * session.c: seal's TLS connection. The socket stays non-blocking from the
 * connect on; every wait (handshake, read, write) is a poll with a deadline,
 * after draining what wolfSSL has already decrypted (wolfSSL_pending), so a
 * silent server costs a timeout, never a hang. The handshake can also be
 * driven step by step from the caller's own poll loop (the TUI). The thread
 * that opened a session is the only one to use it.
 */
#include "session.h"
#include "net.h"
#include "tls_step.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wolfssl/error-ssl.h>

#define CRLF_LEN          (sizeof "\r\n" - 1)

int
session_handshake_step(struct session *s, short *events)
{
	struct tls_step st = tls_step_connect(s->ssl);
	short ev = tls_step_events(st);

	if (st.rc == TLS_STEP_DONE)
		return 0;
	if (ev == 0)
		return st.err;
	*events = ev;
	return SESSION_AGAIN;
}

/* Runs the handshake until done or TIMEOUT_MS pass: 0, SESSION_TIMED_OUT,
 * or a wolfSSL error code. */
static int
session_handshake(struct session *s, int timeout_ms)
{
	long long deadline = net_now_ms() + timeout_ms;

	for (;;) {
		short ev = 0;
		int r = session_handshake_step(s, &ev);
		if (r != SESSION_AGAIN)
			return r;
		int w = net_wait(s->fd, ev, deadline);
		if (w == 0)
			return SESSION_TIMED_OUT;
		if (w == -1)
			return SOCKET_ERROR_E;
	}
}

/* A session object over the connected socket, checks and key log installed. */
static int
session_tls_new(struct session *s, WOLFSSL_CTX *ctx, const struct session_target *t,
                char *err, size_t errlen)
{
	s->ssl = wolfSSL_new(ctx);
	if (s->ssl == NULL || wolfSSL_set_fd(s->ssl, s->fd) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot create a TLS session");
		return -1;
	}
	/* IP hosts without the build's IP SAN support: verify.c checks the name. */
	if ((!checks_is_ip(t->expect) || tls_can_check_ip()) &&
	    tls_client_expect_name(s->ssl, t->expect, err, errlen) == -1)
		return -1;
	if (t->sni != NULL && !checks_is_ip(t->sni) &&
	    wolfSSL_UseSNI(s->ssl, WOLFSSL_SNI_HOST_NAME, t->sni,
	                   (unsigned short)strlen(t->sni)) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot set the server name %s", t->sni);
		return -1;
	}
	verify_attach(&s->pv, s->ssl);
	keylog_attach(t->keylog, s->ssl);
	return 0;
}

/* Runs the named checks on whatever leaf the verify callback captured. */
static void
session_run_checks(struct session *s, const struct session_target *t)
{
	struct check_input in = {
		.leaf = s->pv.leaf, .ci = &s->pv.leaf_info, .chain_err = s->pv.chain_err,
		.expect = t->expect, .cafile = t->cafile, .now = s->pv.now,
	};

	if (s->pv.leaf != NULL)
		checks_run(&s->checks, &in);
}

/* The message and exit code of a failed handshake (E as session_handshake). */
static int
session_failure(struct session *s, const struct session_target *t, int e,
                char *err, size_t errlen)
{
	const char *why = NULL;

	if (e != SESSION_TIMED_OUT && (s->pv.rejected || tls_error_is_cert(e))) {
		if (session_have_cert(s))
			why = checks_first_failure(&s->checks);
		snprintf(err, errlen, "server certificate rejected: %s",
		         why ? why : tls_error_reason(e));
		return EXIT_CERT;
	}
	snprintf(err, errlen, "TLS handshake with %s failed: %s", t->peer,
	         e == SESSION_TIMED_OUT ? "timed out" : tls_error_reason(e));
	return EXIT_CONNECT;
}

int
session_start(struct session *s, WOLFSSL_CTX *ctx, const struct session_target *t,
              char *err, size_t errlen)
{
	char why[SESSION_WHY_MAX];

	memset(s, 0, sizeof *s);
	s->fd = -1;
	linebuf_init(&s->in, CLIENT_REPLY_LINE_MAX);
	snprintf(s->peer, sizeof s->peer, "%s", t->peer);
	verify_init(&s->pv, t->expect, t->cafile, time(NULL));
	s->fd = net_connect(t->host, t->port, CLIENT_CONNECT_TIMEOUT_MS, why, sizeof why);
	if (s->fd == -1) {
		snprintf(err, errlen, "cannot connect to %s: %s", t->peer, why);
		return EXIT_CONNECT;
	}
	if (session_tls_new(s, ctx, t, err, errlen) == -1)
		return EXIT_OTHER;
	return EXIT_OK;
}

int
session_handshake_end(struct session *s, const struct session_target *t, int e,
                      char *err, size_t errlen)
{
	if (e == 0)
		verify_capture_peer(&s->pv, s->ssl);
	session_run_checks(s, t);
	if (e != 0)
		return session_failure(s, t, e, err, errlen);
	s->established = 1;
	if (!session_have_cert(s) || !checks_all_ok(&s->checks)) {
		/* The callback refuses such a handshake; never go on if it did not. */
		snprintf(err, errlen, "server certificate rejected: %s",
		         session_have_cert(s) ? checks_first_failure(&s->checks) : "no certificate");
		return EXIT_CERT;
	}
	keylog_after_handshake(t->keylog, s->ssl);
	return EXIT_OK;
}

int
session_open(struct session *s, WOLFSSL_CTX *ctx, const struct session_target *t,
             char *err, size_t errlen)
{
	int rc = session_start(s, ctx, t, err, errlen);

	if (rc != EXIT_OK)
		return rc;
	return session_handshake_end(s, t, session_handshake(s, CLIENT_HANDSHAKE_TIMEOUT_MS),
	                             err, errlen);
}

int
session_have_cert(const struct session *s)
{
	return s->pv.leaf != NULL;
}

const char *
session_version(const struct session *s)
{
	const char *v = s->established ? wolfSSL_get_version(s->ssl) : NULL;
	return v ? v : "";
}

const char *
session_cipher(const struct session *s)
{
	const char *c = s->established ? wolfSSL_get_cipher_name(s->ssl) : NULL;
	return c ? c : "";
}

const char *
session_group(const struct session *s)
{
	const char *g = s->established ? wolfSSL_get_curve_name(s->ssl) : NULL;
	return g ? g : "";
}

long
session_read(struct session *s, void *buf, size_t cap, long long deadline)
{
	for (;;) {
		struct tls_step st = tls_step_read(s->ssl, buf, cap);
		switch (st.rc) {
		case TLS_STEP_DONE:
			return st.n;
		case TLS_STEP_CLOSED:
		case TLS_STEP_DROPPED:
			return SESSION_IO_CLOSED;
		case TLS_STEP_ERROR:
			snprintf(s->why, sizeof s->why, "%s", tls_error_reason(st.err));
			return SESSION_IO_ERROR;
		case TLS_STEP_WANT_READ:
		case TLS_STEP_WANT_WRITE:
			break;
		}
		if (wolfSSL_pending(s->ssl) > 0)
			continue;
		int w = net_wait(s->fd, tls_step_events(st), deadline);
		if (w == 0)
			return 0;
		if (w == -1) {
			snprintf(s->why, sizeof s->why, "poll: %s", strerror(errno));
			return SESSION_IO_ERROR;
		}
	}
}

/* One read into the line buffer, waiting until DEADLINE for data.
 * LINEIO_LINE here means "bytes arrived". */
static enum lineio_rc
session_fill(struct session *s, long long deadline)
{
	char *space;
	size_t avail;

	if (linebuf_reserve(&s->in, READ_CHUNK, &space, &avail) == -1) {
		snprintf(s->why, sizeof s->why, "out of memory");
		return LINEIO_ERROR;
	}
	long n = session_read(s, space, avail, deadline);
	if (n > 0) {
		linebuf_commit(&s->in, (size_t)n);
		return LINEIO_LINE;
	}
	return n == 0 ? LINEIO_TIMEOUT : n == SESSION_IO_CLOSED ? LINEIO_CLOSED : LINEIO_ERROR;
}

static enum lineio_rc
session_recv(void *ctx, char **line, int timeout_ms)
{
	struct session *s = ctx;
	long long deadline = net_now_ms() + timeout_ms;
	size_t len;

	for (;;) {
		enum lb_rc lb = linebuf_next(&s->in, line, &len);
		if (lb == LB_LINE)
			return LINEIO_LINE;
		if (lb == LB_TOO_LONG) {
			snprintf(s->why, sizeof s->why, "the server sent a line longer than %d bytes",
			         CLIENT_REPLY_LINE_MAX);
			return LINEIO_ERROR;
		}
		enum lineio_rc rc = session_fill(s, deadline);
		if (rc != LINEIO_LINE)
			return rc;
	}
}

int
session_write(struct session *s, const void *buf, size_t len, long long deadline)
{
	const char *p = buf;

	while (len > 0) {
		struct tls_step st = tls_step_write(s->ssl, p, len);
		if (st.rc == TLS_STEP_DONE) {
			p += st.n;
			len -= (size_t)st.n;
			continue;
		}
		short ev = tls_step_events(st);
		int w = ev ? net_wait(s->fd, ev, deadline) : -1;
		if (w != 1) {
			snprintf(s->why, sizeof s->why, "%s", w == 0 ? "send timed out" :
			         st.rc == TLS_STEP_DROPPED ? "connection closed" : tls_error_reason(st.err));
			return -1;
		}
	}
	return 0;
}

static int
session_send(void *ctx, const char *line)
{
	struct session *s = ctx;
	size_t n = strlen(line);
	char *buf = malloc(n + sizeof "\r\n");
	int rc;

	if (buf == NULL) {
		snprintf(s->why, sizeof s->why, "out of memory");
		return -1;
	}
	memcpy(buf, line, n);
	memcpy(buf + n, "\r\n", sizeof "\r\n");
	rc = session_write(s, buf, n + CRLF_LEN, net_now_ms() + CLIENT_REPLY_TIMEOUT_MS);
	explicit_bzero(buf, n + CRLF_LEN);             /* it may hold a password */
	free(buf);
	return rc;
}

const char *
session_why(void *ctx)
{
	const struct session *s = ctx;
	return s->why[0] ? s->why : "unknown error";
}

void
session_line_io(struct session *s, struct line_io *io)
{
	io->ctx = s;
	io->send = session_send;
	io->recv = session_recv;
	io->why = session_why;
}

void
session_close(struct session *s)
{
	if (s->ssl != NULL) {
		if (s->established)
			wolfSSL_shutdown(s->ssl);        /* close_notify; no wait for the reply */
		wolfSSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	linebuf_free(&s->in);
	verify_free(&s->pv);
}
