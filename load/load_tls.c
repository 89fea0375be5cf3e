/*
 * load_tls.c: the client context of seal-load and its verify callback. The
 * callback runs on the event-loop thread that drives the handshake and only
 * ever turns a pass into a failure, never the reverse.
 */
#include "load_tls.h"

#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

static __thread int load_tls_verify_err;

static const struct load_tls_x509 {
	int         code;
	const char *text;
} load_tls_x509_reasons[] = {
	{ X509_V_ERR_CERT_NOT_YET_VALID,               "certificate not yet valid" },
	{ X509_V_ERR_CERT_HAS_EXPIRED,                 "certificate expired" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,        "untrusted: no trusted signer in --cafile" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "untrusted: no trusted signer in --cafile" },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,      "untrusted: self-signed and not in --cafile" },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,        "untrusted: self-signed root not in --cafile" },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,  "untrusted: leaf signature cannot be verified" },
	{ X509_V_ERR_CERT_UNTRUSTED,                   "untrusted certificate" },
};

/* Our own date check on the leaf: 0 when valid now, else the error code. */
static int
load_tls_leaf_dates(WOLFSSL_X509 *x)
{
	int before = wolfSSL_X509_cmp_current_time(wolfSSL_X509_get_notBefore(x));
	int after = wolfSSL_X509_cmp_current_time(wolfSSL_X509_get_notAfter(x));

	if (before >= 0)
		return ASN_BEFORE_DATE_E;   /* notBefore later than now, or unreadable */
	if (after <= 0)
		return ASN_AFTER_DATE_E;
	return 0;
}

static int
load_tls_verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	if (!preverify) {
		if (load_tls_verify_err == 0)
			load_tls_verify_err = store->error;
		return 0;
	}
	if (store->error_depth != 0)
		return preverify;
	int err = store->current_cert != NULL ? load_tls_leaf_dates(store->current_cert)
	                                      : ASN_PARSE_E;
	if (err != 0) {
		load_tls_verify_err = err;
		store->error = err;
		return 0;
	}
	return preverify;
}

WOLFSSL_CTX *
load_tls_ctx_new(const char *cafile, char *err, size_t errlen)
{
	struct tls_client_opts to = { .cafile = cafile };
	WOLFSSL_CTX *ctx = tls_client_ctx_new(&to, err, errlen);

	if (ctx != NULL)
		wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, load_tls_verify_cb);
	return ctx;
}

const char *
load_tls_reason(int err)
{
	if (err <= 0)
		return tls_error_reason(err);
	for (size_t i = 0; i < sizeof load_tls_x509_reasons / sizeof load_tls_x509_reasons[0]; i++)
		if (load_tls_x509_reasons[i].code == err)
			return load_tls_x509_reasons[i].text;
	return "certificate rejected by the chain check";
}

void
load_tls_thread_cleanup(void)
{
#if defined(HAVE_ECC) && defined(FP_ECC)
	wc_ecc_fp_free();
#endif
}

int
load_tls_take_verify_error(void)
{
	int err = load_tls_verify_err;

	load_tls_verify_err = 0;
	return err;
}
