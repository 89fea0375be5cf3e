/*
 * verify.c: the verify callback of seal's TLS sessions. This wolfSSL runs it
 * for every certificate of the chain (WOLFSSL_ALWAYS_VERIFY_CB,
 * WOLFSSL_VERIFY_CB_ALL_CERTS), top of the chain first, the leaf (depth 0)
 * last. It returns wolfSSL's verdict unchanged, or 0 where our own date and
 * name checks fail: it never turns a failure into success.
 */
#include "verify.h"
#include "checks.h"

#include <string.h>

void
verify_init(struct peer_verify *pv, const char *expect, time_t now)
{
	memset(pv, 0, sizeof *pv);
	pv->expect = expect;
	pv->now = now;
}

void
verify_free(struct peer_verify *pv)
{
	if (pv->leaf != NULL)
		wolfSSL_X509_free(pv->leaf);
	pv->leaf = NULL;
}

/* Keeps DER (the leaf) as our copy, with its fields. */
static void
verify_keep(struct peer_verify *pv, const unsigned char *der, int len)
{
	pv->leaf = der != NULL && len > 0 ? wolfSSL_X509_d2i(NULL, der, len) : NULL;
	if (pv->leaf != NULL && certinfo_from_x509(&pv->leaf_info, pv->leaf) == -1) {
		wolfSSL_X509_free(pv->leaf);
		pv->leaf = NULL;
	}
}

void
verify_capture_peer(struct peer_verify *pv, WOLFSSL *ssl)
{
	WOLFSSL_X509 *peer;
	int len = 0;

	if (pv->leaf != NULL || (peer = wolfSSL_get_peer_certificate(ssl)) == NULL)
		return;
	const unsigned char *der = wolfSSL_X509_get_der(peer, &len);
	verify_keep(pv, der, len);
	wolfSSL_X509_free(peer);
}

/* Copies the peer's leaf (the first certificate it sent) out of STORE. */
static void
verify_capture_leaf(struct peer_verify *pv, WOLFSSL_X509_STORE_CTX *store)
{
	if (pv->leaf != NULL || store->certs == NULL || store->totalCerts < 1)
		return;
	verify_keep(pv, store->certs[0].buffer, (int)store->certs[0].length);
}

/* Keeps the first error that our own date and name checks do not cover. */
static void
verify_note_error(struct peer_verify *pv, int err, int depth)
{
	int ours = depth == 0 && (checks_err_is_date(err) || checks_err_is_name(err));

	if (err != 0 && !ours && pv->chain_err == 0) {
		pv->chain_err = err;
		pv->chain_depth = depth;
	}
}

/* Our own verdict on the leaf: dates and name. */
static int
verify_leaf_ok(const struct peer_verify *pv)
{
	char why[CHECK_REASON_MAX];

	if (pv->leaf == NULL)
		return 0;
	return checks_dates(&pv->leaf_info, pv->now, why, sizeof why) &&
	       checks_name(pv->leaf, &pv->leaf_info, pv->expect, why, sizeof why);
}

static int
verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct peer_verify *pv = store->userCtx;

	if (pv == NULL)
		return preverify;
	pv->calls++;
	verify_capture_leaf(pv, store);
	if (!preverify) {
		verify_note_error(pv, store->error, store->error_depth);
		pv->rejected = 1;
		return 0;
	}
	if (store->error_depth == 0 && !verify_leaf_ok(pv)) {
		pv->rejected = 1;
		return 0;
	}
	return preverify;
}

void
verify_attach(struct peer_verify *pv, WOLFSSL *ssl)
{
	wolfSSL_set_verify(ssl, WOLFSSL_VERIFY_PEER, verify_cb);
	wolfSSL_SetCertCbCtx(ssl, pv);
}
