/*
 * tls.h: wolfSSL contexts with sealed's policy (TLS 1.2 minimum, TLS 1.3
 * preferred, ECDHE + AEAD suites only, no renegotiation, session tickets),
 * for the server and for the client, and names for wolfSSL's error codes.
 * tls_global_init() runs once before threads start; a context, once built,
 * may be shared by threads; a WOLFSSL session belongs to one thread.
 */
#ifndef SEALED_TLS_H
#define SEALED_TLS_H

#include <stddef.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

/* The suites we allow, in two orders: AES-GCM first where this build of
 * wolfSSL uses AES-NI on this CPU, ChaCha20-Poly1305 first elsewhere (it is
 * the faster AEAD in software). wolfSSL's names. */
#define TLS_SUITES_AES_FIRST                                                  \
	"TLS13-AES128-GCM-SHA256:TLS13-CHACHA20-POLY1305-SHA256:"             \
	"TLS13-AES256-GCM-SHA384:"                                            \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"          \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"          \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
#define TLS_SUITES_CHACHA_FIRST                                               \
	"TLS13-CHACHA20-POLY1305-SHA256:TLS13-AES128-GCM-SHA256:"             \
	"TLS13-AES256-GCM-SHA384:"                                            \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"          \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"          \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"

/* The suite list for this build and CPU (one of the two above). */
const char *tls_cipher_list(void);

int  tls_global_init(void);     /* 0 or -1 */
void tls_global_cleanup(void);

struct tls_server_opts {
	const char *cert;            /* PEM file */
	const char *key;             /* PEM file, maybe encrypted */
	const char *key_pass_file;   /* NULL: prompt on a TTY if the key is encrypted */
	const char *client_ca;       /* NULL: no client certificates asked for */
	int         require_client_cert;
};

/* A server context, or NULL with a one-line reason in ERR. */
WOLFSSL_CTX *tls_server_ctx_new(const struct tls_server_opts *, char *err, size_t errlen);

struct tls_client_opts {
	const char *cafile;          /* trust anchor(s), PEM */
	const char *cert;            /* client certificate for mutual TLS, or NULL */
	const char *key;
	const char *key_pass_file;
};

/* A client context that verifies the peer, or NULL with a reason in ERR.
 * Name checking is per session: tls_client_expect_name(). */
WOLFSSL_CTX *tls_client_ctx_new(const struct tls_client_opts *, char *err, size_t errlen);

/* Asks SSL (before the handshake) to check that the peer certificate names
 * HOST (a DNS name, or an IP address when the build can check IP SANs).
 * 0, or -1 with a reason in ERR. */
int tls_client_expect_name(WOLFSSL *ssl, const char *host, char *err, size_t errlen);

/* 1 when this wolfSSL build can match IP addresses in subjectAltName. */
int tls_can_check_ip(void);

/* A short human reason for a wolfSSL error code (e.g. "certificate expired"). */
const char *tls_error_reason(int err);

/* 1 when ERR is one of the certificate-rejection errors (exit code 4). */
int tls_error_is_cert(int err);

/* What a non-blocking wolfSSL call (accept, connect, read, write) that
 * failed with ERR (wolfSSL_get_error) waits for before it is repeated: the
 * poll(2) event POLLIN for WANT_READ, POLLOUT for WANT_WRITE (EPOLLIN and
 * EPOLLOUT are the same bits); 0 when ERR is an error or the peer's close,
 * and the session is over. */
int tls_want_events(int err);

/* 0 when CTX's private key signs for its certificate (tls_keycheck.c);
 * -1 with a reason in ERR. */
int tls_key_matches_cert(WOLFSSL_CTX *ctx, char *err, size_t errlen);

/* Reads the first line of FILE (a passphrase), without its newline, into BUF.
 * 0, or -1 with a reason in ERR. */
int tls_read_pass_file(const char *file, char *buf, size_t len, char *err, size_t errlen);

#endif
