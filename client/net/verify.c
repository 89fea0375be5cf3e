/*
 * verify.c: the verify callback of seal's TLS sessions. This wolfSSL runs it
 * for every certificate of the chain (WOLFSSL_ALWAYS_VERIFY_CB,
 * WOLFSSL_VERIFY_CB_ALL_CERTS), top of the chain first, the leaf (depth 0)
 * last. It returns wolfSSL's verdict unchanged, or 0 where our own date and
 * name checks fail: it never turns a failure into success.
 *
 * wolfSSL hands the callback one error per certificate, and at the leaf a
 * name error replaces a missing trust anchor (the domain check runs after
 * the signer check and overwrites its result). So when the leaf's error is
 * about its name or dates, the chain is verified again on its own, without
 * the name, against the trust anchors of --cafile (verify_chain_alone).
 */
#include "verify.h"
#include "checks.h"

#include <string.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

void
verify_init(struct peer_verify *pv, const char *expect, const char *cafile, time_t now)
{
	memset(pv, 0, sizeof *pv);
	pv->expect = expect;
	pv->cafile = cafile;
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

/* DER (LEN bytes) checked against the trust anchors and intermediates in
 * CM: 0 when signed by them, else wolfSSL's error. A date error counts as
 * signed: wolfSSL returns one only for a certificate whose issuer and
 * signature checked out (dates are the leaf's own check). */
static int
verify_signed_by(WOLFSSL_CERT_MANAGER *cm, const unsigned char *der, unsigned len)
{
	int rc = wolfSSL_CertManagerVerifyBuffer(cm, der, (long)len, WOLFSSL_FILETYPE_ASN1);

	if (rc == WOLFSSL_SUCCESS || checks_err_is_date(rc))
		return 0;
	return rc != 0 ? rc : ASN_NO_SIGNER_E;
}

/* The trusted-chain check on its own, for a leaf whose name or date error
 * is all wolfSSL reported: a certificate manager with only PV's trust
 * anchors, the peer's intermediates (top of the chain first) added only
 * once each is signed by what is there already, then the leaf verified.
 * 0 when the leaf chains to a trust anchor, else the error. */
static int
verify_chain_alone(const struct peer_verify *pv, const WOLFSSL_X509_STORE_CTX *store)
{
	WOLFSSL_CERT_MANAGER *cm = wolfSSL_CertManagerNew();
	int rc = MEMORY_E;

	if (cm == NULL)
		return rc;
	if (pv->cafile == NULL || store->certs == NULL || store->totalCerts < 1) {
		rc = ASN_NO_SIGNER_E;
		goto done;
	}
	rc = wolfSSL_CertManagerLoadCA(cm, pv->cafile, NULL);
	if (rc != WOLFSSL_SUCCESS) {
		rc = rc != 0 ? rc : ASN_NO_SIGNER_E;
		goto done;
	}
	for (int i = store->totalCerts - 1; i >= 1; i--) {
		const WOLFSSL_BUFFER_INFO *c = &store->certs[i];
		if (verify_signed_by(cm, c->buffer, c->length) == 0)
			(void)wolfSSL_CertManagerLoadCABuffer(cm, c->buffer, (long)c->length,
			                                      WOLFSSL_FILETYPE_ASN1);
	}
	rc = verify_signed_by(cm, store->certs[0].buffer, store->certs[0].length);
done:
	wolfSSL_CertManagerFree(cm);
	return rc;
}

/* Keeps the first error that our own date and name checks do not cover;
 * when the leaf's error is one of those, the chain's own verdict. */
static void
verify_note_error(struct peer_verify *pv, const WOLFSSL_X509_STORE_CTX *store)
{
	int err = store->error, depth = store->error_depth;
	int ours = depth == 0 && (checks_err_is_date(err) || checks_err_is_name(err));

	if (pv->chain_err != 0 || err == 0)
		return;
	if (ours)
		err = verify_chain_alone(pv, store);
	if (err != 0) {
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
		verify_note_error(pv, store);
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
