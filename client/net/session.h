/*
 * session.h: one TLS connection of seal to a server: connect with a timeout,
 * handshake with the server certificate checked (see verify.h), what was
 * negotiated, and line I/O over it with timeouts. One thread owns a session.
 */
#ifndef SEAL_SESSION_H
#define SEAL_SESSION_H

#include <stddef.h>

#include "checks.h"
#include "defaults.h"
#include "keylog.h"
#include "lineio.h"
#include "linebuf.h"
#include "net_defaults.h"
#include "proto_defaults.h"
#include "tls.h"
#include "verify.h"

#define SESSION_WHY_MAX  256
#define SESSION_PEER_MAX (CLIENT_HOST_MAX + sizeof "[]:65535")
#define SESSION_TIMED_OUT 1     /* handshake result; not a wolfSSL code: those are <= 0 */
#define SESSION_AGAIN     2     /* session_handshake_step: wait for *events, call again */

struct session {
	int                fd;
	WOLFSSL           *ssl;
	int                established;   /* handshake done */
	struct peer_verify pv;
	struct checks      checks;        /* valid once a leaf was captured */
	struct linebuf     in;
	char               peer[SESSION_PEER_MAX];   /* "host:port" */
	char               why[SESSION_WHY_MAX];  /* last I/O failure */
};

struct session_target {
	const char *host;       /* to connect to */
	const char *port;
	const char *peer;       /* "host:port" for messages */
	const char *expect;     /* name the certificate must carry */
	const char *cafile;     /* for the reasons of the chain check */
	const char *sni;        /* server name to send, or NULL */
	struct keylog *keylog;  /* where TLS secrets go, or NULL */
};

/* Connects to T and runs the handshake over CTX. Returns EXIT_OK, or
 * EXIT_CONNECT (no connection, or a handshake failure that is not about the
 * certificate) or EXIT_CERT (certificate rejected) with the one-line message
 * (without "seal: ") in ERR. Whatever the result, s->pv and s->checks say
 * what was learnt of the certificate; call session_close() after. */
int session_open(struct session *s, WOLFSSL_CTX *ctx, const struct session_target *t,
                 char *err, size_t errlen);

/* session_open in steps, for a caller with its own event loop: */

/* Connects to T (waiting at most CLIENT_CONNECT_TIMEOUT_MS) and prepares
 * the TLS session over CTX. EXIT_OK, or EXIT_CONNECT / EXIT_OTHER with the
 * message in ERR; call session_close() after, whatever the result. */
int session_start(struct session *s, WOLFSSL_CTX *ctx, const struct session_target *t,
                  char *err, size_t errlen);

/* One non-blocking step of the handshake: 0 when done, SESSION_AGAIN with
 * the poll events to wait for in *EVENTS, or a wolfSSL error code. */
int session_handshake_step(struct session *s, short *events);

/* Ends the handshake whose last step gave E (0, a wolfSSL error code, or
 * SESSION_TIMED_OUT when the caller gave up): runs the checks and returns
 * what session_open() returns, with the same messages. */
int session_handshake_end(struct session *s, const struct session_target *t, int e,
                          char *err, size_t errlen);

/* 1 when a leaf certificate was received (and s->checks computed). */
int session_have_cert(const struct session *s);

/* Negotiated protocol, cipher and group ("TLSv1.3", ...); "" when unknown. */
const char *session_version(const struct session *s);
const char *session_cipher(const struct session *s);
const char *session_group(const struct session *s);

#define SESSION_IO_CLOSED (-1)   /* session_read: the peer closed the session */
#define SESSION_IO_ERROR  (-2)   /* session_read: see s->why */

/* Reads up to CAP bytes into BUF, waiting until DEADLINE (net_now_ms()
 * time) for some: the count, 0 when the deadline passed, SESSION_IO_CLOSED
 * or SESSION_IO_ERROR. */
long session_read(struct session *s, void *buf, size_t cap, long long deadline);

/* Writes all LEN bytes of BUF, waiting at most until DEADLINE. 0, or -1
 * with the reason in s->why. */
int session_write(struct session *s, const void *buf, size_t len, long long deadline);

/* The reason of the last failed read or write of the session CTX, for a
 * message (the why() of line_io and rtsp_io). */
const char *session_why(void *ctx);

/* Fills IO with this session's line transport. */
void session_line_io(struct session *s, struct line_io *io);

/* Says goodbye (TLS close_notify) if established, frees everything. */
void session_close(struct session *s);

#endif
