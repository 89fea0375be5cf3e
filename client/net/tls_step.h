/*
 * tls_step.h: one non-blocking wolfSSL call (connect, read or write) and
 * what came of it, as one small result: bytes moved, a wait for the socket
 * (readable or writable), the peer's close (close_notify, or the connection
 * dropped without one) or an error with wolfSSL's code. The one place of
 * seal and seal-load that asks wolfSSL_get_error; the poll events of a wait
 * are common/tls.h's tls_want_events. The thread that owns the session.
 */
#ifndef SEAL_TLS_STEP_H
#define SEAL_TLS_STEP_H

#include <stddef.h>

#include "tls.h"

enum tls_step_rc {
	TLS_STEP_DONE,          /* n bytes moved; for connect: the handshake is complete */
	TLS_STEP_WANT_READ,     /* call again once the socket is readable */
	TLS_STEP_WANT_WRITE,    /* call again once the socket is writable */
	TLS_STEP_CLOSED,        /* the peer sent close_notify */
	TLS_STEP_DROPPED,       /* the connection ended without close_notify */
	TLS_STEP_ERROR          /* anything else: the session is broken */
};

struct tls_step {
	enum tls_step_rc rc;
	int              n;     /* TLS_STEP_DONE of a read or write: the bytes, > 0 */
	int              err;   /* all but TLS_STEP_DONE: wolfSSL_get_error's code,
	                         * never 0 (tls_error_reason words it) */
};

/* One step of the client handshake (wolfSSL_connect). */
struct tls_step tls_step_connect(WOLFSSL *ssl);

/* One wolfSSL_read of at most LEN bytes (LEN > 0; past INT_MAX, INT_MAX). */
struct tls_step tls_step_read(WOLFSSL *ssl, void *buf, size_t len);

/* One wolfSSL_write of at most LEN bytes (LEN > 0; past INT_MAX, INT_MAX). */
struct tls_step tls_step_write(WOLFSSL *ssl, const void *buf, size_t len);

/* The poll(2) events the step waits for: POLLIN for TLS_STEP_WANT_READ,
 * POLLOUT for TLS_STEP_WANT_WRITE (the EPOLL bits are the same), else 0. */
short tls_step_events(struct tls_step st);

#endif
