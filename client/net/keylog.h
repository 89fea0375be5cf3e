/*
 * keylog.h: TLS secrets in the NSS key log format (the SSLKEYLOGFILE format
 * Wireshark reads), for --keylog and $SSLKEYLOGFILE. Needs a wolfSSL built
 * with HAVE_SECRET_CALLBACK; Debian's is not, and then keylog_open() refuses.
 * One thread per session; the file is appended to line by line.
 */
#ifndef SEAL_KEYLOG_H
#define SEAL_KEYLOG_H

#include <stddef.h>
#include <stdio.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

struct keylog {
	FILE *f;
};

/* 1 when this wolfSSL can hand out TLS secrets. */
int keylog_supported(void);

/* Opens PATH for appending (created 0600). 0, or -1 with a one-line reason
 * in ERR (also when the build cannot write key logs). */
int keylog_open(struct keylog *kl, const char *path, char *err, size_t errlen);

/* Before the handshake: SSL passes its TLS 1.3 secrets to KL as they
 * appear, and keeps its handshake arrays (TLS 1.2's client random). */
void keylog_attach(struct keylog *kl, WOLFSSL *ssl);

/* After a successful handshake: for TLS 1.2, writes the CLIENT_RANDOM line;
 * then frees the arrays keylog_attach kept. */
void keylog_after_handshake(struct keylog *kl, WOLFSSL *ssl);

void keylog_close(struct keylog *kl);

#endif
