/* test_tls_step.c: tls_step_connect/read/write, the one wolfSSL call and
 * result of seal and seal-load, over real TLS sessions: sealed's own client
 * and server contexts (tls.c) on the two ends of a non-blocking socketpair,
 * the server's steps taken by hand between the client's. Each kind of
 * result is made to happen: bytes moved, WANT_READ, WANT_WRITE (the
 * socket full), CLOSED (close_notify), DROPPED (the socket closed without
 * one) and ERROR (a peer that does not speak TLS), with the poll events
 * each waits for. Certificate: data/tls-pair.crt (data/mktlspair.py). */
#include "unit.h"
#include "tls.h"
#include "tls_step.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wolfssl/error-ssl.h>

#define DATA_DIR   "tests/unit/data/"
#define PAIR_CERT  DATA_DIR "tls-pair.crt"
#define PAIR_KEY   DATA_DIR "tls-pair.key"
#define STEPS_MAX  64          /* handshake round trips before giving up */
#define SNDBUF     4096        /* a small socket buffer, filled soon */
#define CHUNK      16384

struct pair {
	WOLFSSL_CTX *sctx, *cctx;
	WOLFSSL     *srv, *cli;
	int          fd[2];      /* [0] the client's, [1] the server's */
};

/* Both contexts and sessions over a fresh non-blocking socketpair. 0 or -1. */
static int
pair_open(struct pair *p)
{
	struct tls_server_opts so = { .cert = PAIR_CERT, .key = PAIR_KEY };
	struct tls_client_opts co = { .cafile = PAIR_CERT };
	char err[256];

	memset(p, 0, sizeof *p);
	p->fd[0] = p->fd[1] = -1;
	CHECK_INT(tls_global_init(), 0);
	p->sctx = tls_server_ctx_new(&so, err, sizeof err);
	p->cctx = tls_client_ctx_new(&co, err, sizeof err);
	CHECK(p->sctx != NULL && p->cctx != NULL);
	if (p->sctx == NULL || p->cctx == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p->fd) == -1)
		return -1;
	p->srv = wolfSSL_new(p->sctx);
	p->cli = wolfSSL_new(p->cctx);
	CHECK(p->srv != NULL && p->cli != NULL);
	if (p->srv == NULL || p->cli == NULL)
		return -1;
	wolfSSL_set_fd(p->cli, p->fd[0]);
	wolfSSL_set_fd(p->srv, p->fd[1]);
	CHECK_INT(tls_client_expect_name(p->cli, "localhost", err, sizeof err), 0);
	return 0;
}

static void
pair_close(struct pair *p)
{
	wolfSSL_free(p->cli);
	wolfSSL_free(p->srv);
	wolfSSL_CTX_free(p->cctx);
	wolfSSL_CTX_free(p->sctx);
	for (int i = 0; i < 2; i++)
		if (p->fd[i] != -1)
			close(p->fd[i]);
	tls_global_cleanup();
}

/* Runs the handshake, the client by tls_step_connect: its first step must
 * wait for the server's reply. 0 when both ends finished. */
static int
pair_handshake(struct pair *p)
{
	struct tls_step st = tls_step_connect(p->cli);
	int srv_done = 0;

	CHECK_INT(st.rc, TLS_STEP_WANT_READ);           /* the ClientHello is out */
	CHECK_INT(st.err, WOLFSSL_ERROR_WANT_READ);
	CHECK_INT(tls_step_events(st), POLLIN);
	for (int i = 0; i < STEPS_MAX && (st.rc != TLS_STEP_DONE || !srv_done); i++) {
		if (!srv_done)
			srv_done = wolfSSL_accept(p->srv) == WOLFSSL_SUCCESS;
		if (st.rc != TLS_STEP_DONE) {
			st = tls_step_connect(p->cli);
			CHECK(st.rc == TLS_STEP_DONE || st.rc == TLS_STEP_WANT_READ);
		}
	}
	CHECK_INT(st.rc, TLS_STEP_DONE);
	CHECK_INT(st.n, 0);
	CHECK_INT(tls_step_events(st), 0);
	CHECK(srv_done);
	return st.rc == TLS_STEP_DONE && srv_done ? 0 : -1;
}

UNIT_TEST(tls_step_moves_bytes_and_waits_to_read)
{
	struct pair p;
	char buf[64];
	struct tls_step st;

	if (pair_open(&p) == -1 || pair_handshake(&p) == -1)
		goto done;
	st = tls_step_read(p.cli, buf, sizeof buf);     /* nothing sent yet */
	CHECK_INT(st.rc, TLS_STEP_WANT_READ);
	CHECK_INT(tls_step_events(st), POLLIN);
	CHECK_INT(wolfSSL_write(p.srv, "hello", 5), 5);
	st = tls_step_read(p.cli, buf, SIZE_MAX);       /* past INT_MAX: INT_MAX, 5 come */
	CHECK_INT(st.rc, TLS_STEP_DONE);
	CHECK_INT(st.n, 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_INT(tls_step_events(st), 0);
	st = tls_step_write(p.cli, "ping", 4);
	CHECK_INT(st.rc, TLS_STEP_DONE);
	CHECK_INT(st.n, 4);
	CHECK_INT(wolfSSL_read(p.srv, buf, sizeof buf), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
done:
	pair_close(&p);
}

UNIT_TEST(tls_step_waits_to_write_when_the_socket_is_full)
{
	static char chunk[CHUNK], sink[CHUNK];
	struct pair p;
	struct tls_step st = { .rc = TLS_STEP_DONE };
	int sndbuf = SNDBUF;

	if (pair_open(&p) == -1 || pair_handshake(&p) == -1)
		goto done;
	CHECK_INT(setsockopt(p.fd[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
	for (int i = 0; i < STEPS_MAX && st.rc == TLS_STEP_DONE; i++)
		st = tls_step_write(p.cli, chunk, sizeof chunk);
	CHECK_INT(st.rc, TLS_STEP_WANT_WRITE);
	CHECK_INT(st.err, WOLFSSL_ERROR_WANT_WRITE);
	CHECK_INT(tls_step_events(st), POLLOUT);
	for (int i = 0; i < STEPS_MAX && st.rc != TLS_STEP_DONE; i++) {
		while (wolfSSL_read(p.srv, sink, sizeof sink) > 0)
			;                                    /* the reader makes room */
		st = tls_step_write(p.cli, chunk, sizeof chunk);     /* the same write again */
	}
	CHECK_INT(st.rc, TLS_STEP_DONE);
	CHECK_INT(st.n, CHUNK);
done:
	pair_close(&p);
}

UNIT_TEST(tls_step_tells_close_notify_from_a_dropped_connection)
{
	struct pair p;
	char buf[64];
	struct tls_step st;
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);     /* as seal and seal-load run */

	if (pair_open(&p) == -1 || pair_handshake(&p) == -1)
		goto done;
	wolfSSL_shutdown(p.srv);                          /* close_notify */
	st = tls_step_read(p.cli, buf, sizeof buf);
	CHECK_INT(st.rc, TLS_STEP_CLOSED);
	CHECK_INT(st.err, WOLFSSL_ERROR_ZERO_RETURN);
	CHECK_INT(tls_step_events(st), 0);
	pair_close(&p);

	if (pair_open(&p) == -1 || pair_handshake(&p) == -1)
		goto done;
	close(p.fd[1]);                                  /* gone, no close_notify */
	p.fd[1] = -1;
	st = tls_step_read(p.cli, buf, sizeof buf);
	CHECK_INT(st.rc, TLS_STEP_DROPPED);
	CHECK_INT(st.err, SOCKET_PEER_CLOSED_E);
	CHECK_INT(tls_step_events(st), 0);
	st = tls_step_write(p.cli, "x", 1);
	CHECK(st.rc == TLS_STEP_DROPPED || st.rc == TLS_STEP_ERROR);
	CHECK(st.err != 0);
done:
	pair_close(&p);
	signal(SIGPIPE, was);
}

UNIT_TEST(tls_step_errors_carry_wolfssl_code)
{
	static const char junk[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	struct pair p;
	struct tls_step st;

	if (pair_open(&p) == -1)
		goto done;
	st = tls_step_connect(p.cli);
	CHECK_INT(st.rc, TLS_STEP_WANT_READ);
	CHECK_INT(write(p.fd[1], junk, sizeof junk - 1), (long long)(sizeof junk - 1));
	st = tls_step_connect(p.cli);
	CHECK_INT(st.rc, TLS_STEP_ERROR);
	CHECK(st.err < 0);
	CHECK_INT(tls_step_events(st), 0);
	CHECK(tls_error_reason(st.err)[0] != '\0');
	CHECK(!tls_error_is_cert(st.err));
done:
	pair_close(&p);
}
