/* test_certinfo.c: certificate fields, days left, time format and the report,
 * from the fixed PEMs in tests/unit/data/ (made by data/mkcerts.py). */
#include "unit.h"
#include "certinfo.h"

#include <stdlib.h>

#define DATA_DIR     "tests/unit/data/"
#define T_2025_01_01 1735689600L
#define T_2035_01_01 2051222400L
#define T_2026_01_01 1767225600L
#define DAY          86400L

static int
load(struct certinfo *ci, const char *name)
{
	char err[256] = "", path[256];

	snprintf(path, sizeof path, DATA_DIR "%s", name);
	if (certinfo_from_pem_file(ci, path, err, sizeof err) == -1) {
		unit_fail(__FILE__, __LINE__, err);
		return -1;
	}
	return 0;
}

UNIT_TEST(certinfo_ec_self_signed_fields)
{
	struct certinfo ci;

	if (load(&ci, "certinfo-ec.crt") == -1)
		return;
	CHECK_STR(ci.subject, "O=Sealed Lab, CN=localhost");
	CHECK_STR(ci.issuer, "O=Sealed Lab, CN=localhost");
	CHECK_STR(ci.subject_cn, "localhost");
	CHECK_STR(ci.subject_org, "Sealed Lab");
	CHECK_STR(ci.issuer_cn, "localhost");
	CHECK(strcmp(ci.sans, "DNS:localhost, DNS:mail.localhost, IP:127.0.0.1, IP:::1") == 0);
	CHECK_STR(ci.serial, "01:02:03:04:a0");
	CHECK_INT(ci.not_before, T_2025_01_01);
	CHECK_INT(ci.not_after, T_2035_01_01);
	CHECK_STR(ci.fingerprint, "61:F9:3E:45:C2:5A:1B:2A:A1:94:53:02:36:D4:D4:FC:"
	                          "67:B7:FF:38:5E:B5:37:A1:83:10:5F:F7:20:66:4B:2F");
	CHECK_STR(ci.sig_alg, "ecdsa-with-SHA256");
	CHECK_STR(ci.key_type, "ECDSA P-256");
	CHECK_INT(ci.self_signed, 1);
	CHECK_INT(ci.is_ca, 0);
}

UNIT_TEST(certinfo_rsa_without_san_or_org)
{
	struct certinfo ci;

	if (load(&ci, "certinfo-rsa-cnonly.crt") == -1)
		return;
	CHECK_STR(ci.subject, "CN=cnonly.test");
	CHECK_STR(ci.subject_org, "");
	CHECK(strcmp(ci.sans, "") == 0);
	CHECK_STR(ci.serial, "07");
	CHECK_INT(ci.not_after, T_2026_01_01);
	CHECK_STR(ci.sig_alg, "sha256WithRSAEncryption");
	CHECK_STR(ci.key_type, "RSA 2048");
	CHECK_INT(ci.self_signed, 1);
}

UNIT_TEST(certinfo_ca_and_issued_leaf)
{
	struct certinfo ca, leaf;

	if (load(&ca, "certinfo-ca.crt") == -1 || load(&leaf, "certinfo-leaf.crt") == -1)
		return;
	CHECK_INT(ca.is_ca, 1);
	CHECK_INT(ca.self_signed, 1);
	CHECK_STR(ca.key_type, "ECDSA P-384");
	CHECK_STR(ca.sig_alg, "ecdsa-with-SHA384");
	CHECK_INT(leaf.is_ca, 0);
	CHECK_INT(leaf.self_signed, 0);
	CHECK_STR(leaf.issuer_cn, "Sealed Test CA");
	CHECK_STR(leaf.issuer, "O=Sealed Lab, CN=Sealed Test CA");
	CHECK(strcmp(leaf.sans, "DNS:other.test, DNS:*.wild.test") == 0);
}

UNIT_TEST(certinfo_missing_file_names_it)
{
	struct certinfo ci;
	char err[256] = "";

	CHECK_INT(certinfo_from_pem_file(&ci, "/nonexistent/x.crt", err, sizeof err), -1);
	CHECK(strstr(err, "/nonexistent/x.crt") != NULL);
	CHECK_INT(certinfo_from_pem_file(&ci, DATA_DIR "mkcerts.py", err, sizeof err), -1);
	CHECK(strstr(err, "no PEM certificate") != NULL);
}

UNIT_TEST(certinfo_days_left_rounds_towards_the_past)
{
	struct certinfo ci;

	memset(&ci, 0, sizeof ci);
	ci.not_after = T_2035_01_01;
	CHECK_INT(certinfo_days_left(&ci, T_2035_01_01 - 10 * DAY), 10);
	CHECK_INT(certinfo_days_left(&ci, T_2035_01_01 - 10 * DAY + 1), 9);
	CHECK_INT(certinfo_days_left(&ci, T_2035_01_01), 0);
	CHECK_INT(certinfo_days_left(&ci, T_2035_01_01 + 1), -1);
	CHECK_INT(certinfo_days_left(&ci, T_2035_01_01 + DAY), -1);
	CHECK_INT(certinfo_days_left(&ci, T_2035_01_01 + DAY + 1), -2);
}

UNIT_TEST(certinfo_format_time_is_utc)
{
	char buf[64];

	certinfo_format_time(0, buf, sizeof buf);
	CHECK_STR(buf, "1970-01-01 00:00:00 UTC");
	certinfo_format_time(T_2035_01_01 - 1, buf, sizeof buf);
	CHECK_STR(buf, "2034-12-31 23:59:59 UTC");
}

/* The report of CI at NOW, as one malloc'ed string. */
static char *
report(const struct certinfo *ci, time_t now)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	certinfo_report(f, ci, now);
	fclose(f);
	return text;
}

UNIT_TEST(certinfo_report_lines)
{
	struct certinfo ci;
	char *text;

	if (load(&ci, "certinfo-ec.crt") == -1)
		return;
	text = report(&ci, T_2035_01_01 - 400 * DAY);
	CHECK(text != NULL && strstr(text, "Subject:             O=Sealed Lab, CN=localhost\n"));
	CHECK(text != NULL && strstr(text, "Organisation:        Sealed Lab\n"));
	CHECK(text != NULL && strstr(text, "Valid until:         2035-01-01 00:00:00 UTC (400 days left)\n"));
	CHECK(text != NULL && strstr(text, "SHA-256 fingerprint: 61:F9:3E"));
	CHECK(text != NULL && strstr(text, "Key:                 ECDSA P-256\n"));
	CHECK(text != NULL && strstr(text, "Self-signed:         yes\n"));
	free(text);
	text = report(&ci, T_2035_01_01 - 3 * DAY);
	CHECK(text != NULL && strstr(text, "(3 days left: renew soon)"));
	free(text);
	text = report(&ci, T_2035_01_01 + 5 * DAY);
	CHECK(text != NULL && strstr(text, "(expired 5 days ago)"));
	free(text);
	text = report(&ci, T_2035_01_01 + DAY + 60);
	CHECK(text != NULL && strstr(text, "(expired 1 day ago)"));
	free(text);
	text = report(&ci, T_2035_01_01 + 60);
	CHECK(text != NULL && strstr(text, "(expired today)"));
	free(text);
	text = report(&ci, T_2025_01_01 - DAY);
	CHECK(text != NULL && strstr(text, "2025-01-01 00:00:00 UTC (not yet valid)"));
	free(text);
}
