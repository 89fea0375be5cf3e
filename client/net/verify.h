/*
 * verify.h: seal's verify callback. During the handshake it keeps a copy of
 * the server's leaf certificate (so a rejected certificate can still be
 * shown), records the first chain error (verifying the chain alone when
 * wolfSSL reported only the leaf's name or date error), and makes wolfSSL's decision
 * stricter, never looser: it refuses a leaf that is outside its validity
 * dates or does not carry the expected name even when wolfSSL passed it
 * (wolfSSL skips the date check for a peer certificate that is itself a
 * trust anchor, the lab's self-signed set-up). Owned by the thread that
 * drives the session.
 */
#ifndef SEAL_VERIFY_H
#define SEAL_VERIFY_H

#include <time.h>

#include "certinfo.h"

struct peer_verify {
	const char      *expect;      /* name the leaf must carry */
	const char      *cafile;      /* the trust anchors, for the chain check alone */
	time_t           now;         /* the time the dates are checked against */
	WOLFSSL_X509    *leaf;        /* our copy of the peer's leaf, or NULL */
	struct certinfo  leaf_info;   /* valid when leaf != NULL */
	int              chain_err;   /* first error that is not about dates or names */
	int              chain_depth; /* where chain_err was seen */
	int              rejected;    /* the callback refused the handshake */
	int              calls;       /* times the callback ran */
};

/* Prepares PV to check for the name EXPECT at NOW, with the trust anchors
 * of CAFILE (both kept by pointer). */
void verify_init(struct peer_verify *pv, const char *expect, const char *cafile, time_t now);

/* Installs the callback on SSL (WOLFSSL_VERIFY_PEER) with PV as its context.
 * PV must outlive the handshake. */
void verify_attach(struct peer_verify *pv, WOLFSSL *ssl);

/* After a handshake the callback did not see succeed (a build without
 * WOLFSSL_ALWAYS_VERIFY_CB runs it only on failure): copies the peer's
 * certificate from SSL, so the checks still run. No-op when one was kept. */
void verify_capture_peer(struct peer_verify *pv, WOLFSSL *ssl);

/* Frees the copied certificate. */
void verify_free(struct peer_verify *pv);

#endif
