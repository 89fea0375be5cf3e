/*
 * tls_keycheck.c: proves that a context's private key belongs to its
 * certificate by signing a test message with the key and verifying the
 * signature with the certificate's public key. wolfSSL_CTX_check_private_key
 * alone accepts some mismatched ECDSA pairs (seen with wolfSSL 5.5.4), and
 * a server must refuse to start with those rather than fail every handshake.
 */
#include "tls.h"

#include <stdio.h>
#include <wolfssl/openssl/evp.h>

#define KEYCHECK_SIG_MAX 1024   /* an RSA-8192 signature fits */

static const unsigned char keycheck_msg[] = "sealed: does this key sign for this certificate?";

/* Signs MSG with PRIV into SIG. The signature length, or -1. */
static int
keycheck_sign(WOLFSSL_EVP_PKEY *priv, unsigned char *sig, size_t cap)
{
	WOLFSSL_EVP_MD_CTX *md = wolfSSL_EVP_MD_CTX_new();
	size_t len = cap;
	int ok = md != NULL &&
	         wolfSSL_EVP_DigestSignInit(md, NULL, wolfSSL_EVP_sha256(), NULL, priv) == 1 &&
	         wolfSSL_EVP_DigestSignUpdate(md, keycheck_msg, sizeof keycheck_msg) == 1 &&
	         wolfSSL_EVP_DigestSignFinal(md, sig, &len) == 1;
	wolfSSL_EVP_MD_CTX_free(md);
	return ok ? (int)len : -1;
}

/* 1 when SIG verifies with PUB. */
static int
keycheck_verify(WOLFSSL_EVP_PKEY *pub, const unsigned char *sig, size_t len)
{
	WOLFSSL_EVP_MD_CTX *md = wolfSSL_EVP_MD_CTX_new();
	int ok = md != NULL &&
	         wolfSSL_EVP_DigestVerifyInit(md, NULL, wolfSSL_EVP_sha256(), NULL, pub) == 1 &&
	         wolfSSL_EVP_DigestVerifyUpdate(md, keycheck_msg, sizeof keycheck_msg) == 1 &&
	         wolfSSL_EVP_DigestVerifyFinal(md, sig, len) == 1;
	wolfSSL_EVP_MD_CTX_free(md);
	return ok;
}

int
tls_key_matches_cert(WOLFSSL_CTX *ctx, char *err, size_t errlen)
{
	unsigned char sig[KEYCHECK_SIG_MAX];
	WOLFSSL_X509 *cert = wolfSSL_CTX_get0_certificate(ctx);
	WOLFSSL_EVP_PKEY *priv = wolfSSL_CTX_get0_privatekey(ctx);
	WOLFSSL_EVP_PKEY *pub = cert != NULL ? wolfSSL_X509_get_pubkey(cert) : NULL;
	int rc = -1;

	if (priv == NULL || pub == NULL) {
		snprintf(err, errlen, "cannot read back the certificate and key");
		goto done;
	}
	int len = keycheck_sign(priv, sig, sizeof sig);
	if (len < 0 || !keycheck_verify(pub, sig, (size_t)len)) {
		snprintf(err, errlen, "the key does not belong to the certificate");
		goto done;
	}
	rc = 0;
done:
	wolfSSL_EVP_PKEY_free(pub);
	return rc;
}
