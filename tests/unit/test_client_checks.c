/* test_client_checks.c: the named certificate checks (trusted chain, name
 * match, dates), their reasons and their report lines, on the fixed PEMs of
 * tests/unit/data/. */
#include "unit.h"
#include "checks.h"

#include <stdlib.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#define DATA_DIR     "tests/unit/data/"
#define T_2025_01_01 1735689600L
#define T_2035_01_01 2051222400L
#define REASON_LEN   200          /* small enough for CHECK_STR's message buffer */

struct cert {
	WOLFSSL_X509   *x;
	struct certinfo ci;
};

static int
cert_load(struct cert *c, const char *name)
{
	char path[256];

	snprintf(path, sizeof path, DATA_DIR "%s", name);
	c->x = wolfSSL_X509_load_certificate_file(path, WOLFSSL_FILETYPE_PEM);
	if (c->x == NULL || certinfo_from_x509(&c->ci, c->x) == -1) {
		unit_fail(__FILE__, __LINE__, path);
		if (c->x != NULL)
			wolfSSL_X509_free(c->x);
		return -1;
	}
	return 0;
}

/* checks_name on C for NAME: WANT_OK, and the reason when it fails. */
static void
name_is(struct cert *c, const char *name, int want_ok, const char *want_reason, int line)
{
	char reason[CHECK_REASON_MAX], msg[CHECK_REASON_MAX + 100];
	int ok = checks_name(c->x, &c->ci, name, reason, sizeof reason);

	if (ok != want_ok || (!ok && want_reason && strcmp(reason, want_reason) != 0)) {
		snprintf(msg, sizeof msg, "name %s: got %d \"%s\"", name, ok, reason);
		unit_fail(__FILE__, line, msg);
	}
}

UNIT_TEST(client_checks_name_san_dns_and_ip)
{
	struct cert c;

	if (cert_load(&c, "certinfo-ec.crt") == -1)
		return;
	name_is(&c, "localhost", 1, NULL, __LINE__);
	name_is(&c, "mail.localhost", 1, NULL, __LINE__);
	name_is(&c, "LocalHost", 1, NULL, __LINE__);
	name_is(&c, "127.0.0.1", 1, NULL, __LINE__);
	name_is(&c, "::1", 1, NULL, __LINE__);
	name_is(&c, "127.0.0.2", 0, "name mismatch: certificate is for localhost, "
	        "mail.localhost, 127.0.0.1, ::1, expected 127.0.0.2", __LINE__);
	name_is(&c, "other.test", 0, NULL, __LINE__);
	wolfSSL_X509_free(c.x);
}

UNIT_TEST(client_checks_name_ignores_cn_when_san_present)
{
	struct cert c;

	if (cert_load(&c, "certinfo-leaf.crt") == -1)
		return;
	name_is(&c, "localhost", 0, "name mismatch: certificate is for other.test, "
	        "*.wild.test, expected localhost", __LINE__);
	name_is(&c, "other.test", 1, NULL, __LINE__);
	name_is(&c, "a.wild.test", 1, NULL, __LINE__);
	name_is(&c, "a.b.wild.test", 0, NULL, __LINE__);
	wolfSSL_X509_free(c.x);
}

UNIT_TEST(client_checks_name_uses_cn_without_san)
{
	struct cert c;

	if (cert_load(&c, "certinfo-rsa-cnonly.crt") == -1)
		return;
	name_is(&c, "cnonly.test", 1, NULL, __LINE__);
	name_is(&c, "x.test", 0, "name mismatch: certificate is for cnonly.test, expected x.test",
	        __LINE__);
	wolfSSL_X509_free(c.x);
}

UNIT_TEST(client_checks_dates_both_ends)
{
	struct certinfo ci;
	char reason[REASON_LEN];

	memset(&ci, 0, sizeof ci);
	ci.not_before = T_2025_01_01;
	ci.not_after = T_2035_01_01;
	CHECK_INT(checks_dates(&ci, T_2025_01_01, reason, sizeof reason), 1);
	CHECK_STR(reason, "");
	CHECK_INT(checks_dates(&ci, T_2035_01_01, reason, sizeof reason), 1);
	CHECK_INT(checks_dates(&ci, T_2035_01_01 + 1, reason, sizeof reason), 0);
	CHECK_STR(reason, "certificate expired on 2035-01-01 00:00:00 UTC");
	CHECK_INT(checks_dates(&ci, T_2025_01_01 - 1, reason, sizeof reason), 0);
	CHECK_STR(reason, "certificate not valid until 2025-01-01 00:00:00 UTC");
}

UNIT_TEST(client_checks_chain_reasons)
{
	char reason[REASON_LEN];

	CHECK_INT(checks_chain(0, "ca.pem", reason, sizeof reason), 1);
	CHECK_INT(checks_chain(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "ca.pem", reason,
	                       sizeof reason), 0);
	CHECK_STR(reason, "untrusted: not signed by a trust anchor in ca.pem");
	CHECK_INT(checks_chain(ASN_NO_SIGNER_E, "x.pem", reason, sizeof reason), 0);
	CHECK_STR(reason, "untrusted: not signed by a trust anchor in x.pem");
	CHECK_INT(checks_chain(X509_V_ERR_CERT_SIGNATURE_FAILURE, "x.pem", reason,
	                       sizeof reason), 0);
	CHECK_STR(reason, "untrusted: its signature does not verify with the trust anchor in "
	          "x.pem (a different certificate with the same name?)");
	CHECK_INT(checks_chain(X509_V_ERR_CERT_REVOKED, "x.pem", reason, sizeof reason), 0);
	CHECK(strncmp(reason, "untrusted: ", 11) == 0 && strstr(reason, "trust anchor") == NULL);
	CHECK_INT(checks_err_is_date(X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD), 1);
	CHECK_INT(checks_err_is_date(ASN_BEFORE_DATE_E), 1);
	CHECK_INT(checks_err_is_date(ASN_NO_SIGNER_E), 0);
}

/* The text checks_print writes for C, malloc'ed. */
static char *
printed(const struct checks *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f != NULL) {
		checks_print(f, c);
		fclose(f);
	}
	return text;
}

UNIT_TEST(client_checks_run_reports_every_failure_in_order)
{
	struct cert c;
	struct checks ch;
	struct check_input in = { .chain_err = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
	                          .expect = "nothere.test", .cafile = "ca.pem",
	                          .now = T_2035_01_01 + 1 };
	char *text;

	if (cert_load(&c, "certinfo-ec.crt") == -1)
		return;
	in.leaf = c.x;
	in.ci = &c.ci;
	checks_run(&ch, &in);
	CHECK_INT(checks_all_ok(&ch), 0);
	CHECK_STR(checks_first_failure(&ch), "untrusted: not signed by a trust anchor in ca.pem");
	in.chain_err = 0;
	checks_run(&ch, &in);
	CHECK_STR(checks_first_failure(&ch), "certificate expired on 2035-01-01 00:00:00 UTC");
	in.now = T_2025_01_01 + 1;
	checks_run(&ch, &in);
	CHECK(strncmp(checks_first_failure(&ch), "name mismatch: ", 15) == 0);
	text = printed(&ch);
	CHECK(text != NULL && strstr(text, "Checks:\n  trusted chain  ok\n"
	                                   "  name match     FAILED: name mismatch: ") != NULL);
	CHECK(text != NULL && strstr(text, "\n  dates          ok\n") != NULL);
	free(text);
	in.expect = "localhost";
	checks_run(&ch, &in);
	CHECK_INT(checks_all_ok(&ch), 1);
	CHECK(checks_first_failure(&ch) == NULL);
	wolfSSL_X509_free(c.x);
}
