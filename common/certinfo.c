/*
 * certinfo.c: takes what a person needs to know out of a WOLFSSL_X509 (names,
 * alternative names, serial, validity, fingerprint, algorithms) into the plain
 * strings of struct certinfo, and prints the certificate part of the report
 * of `seal --show-cert`. No state, no logging: any thread may call it.
 */
#include "certinfo.h"
#include "attrs.h"
#include "defaults.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <arpa/inet.h>
#include <wolfssl/openssl/ec.h>
#include <wolfssl/openssl/evp.h>
#include <wolfssl/openssl/x509v3.h>

#define CI_SECONDS_PER_DAY  86400L
#define CI_SHA256_LEN       32
#define CI_SERIAL_MAX       64          /* bytes; RFC 5280 allows 20 */
#define CI_LABEL_WIDTH      21          /* "SHA-256 fingerprint: " */
#define CI_IPV4_LEN         4
#define CI_IPV6_LEN         16

/* Appends printf output to BUF (LEN bytes, NUL-terminated), truncating. */
static void ci_append(char *buf, size_t len, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static void
ci_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Bytes as hex pairs joined by SEP ("" for none), upper or lower case. */
static void
ci_hex(char *out, size_t len, const unsigned char *in, size_t n, int upper)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		ci_append(out, len, upper ? "%s%02X" : "%s%02x", i ? ":" : "", in[i]);
}

/* "O=Sealed Lab, CN=localhost": every entry of NAME in certificate order. */
static void
ci_name_line(WOLFSSL_X509_NAME *name, char *out, size_t len)
{
	int n = name ? wolfSSL_X509_NAME_entry_count(name) : 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		WOLFSSL_X509_NAME_ENTRY *e = wolfSSL_X509_NAME_get_entry(name, i);
		WOLFSSL_ASN1_STRING *d = e ? wolfSSL_X509_NAME_ENTRY_get_data(e) : NULL;
		if (d == NULL)
			continue;
		int nid = wolfSSL_OBJ_obj2nid(wolfSSL_X509_NAME_ENTRY_get_object(e));
		const char *sn = wolfSSL_OBJ_nid2sn(nid);
		ci_append(out, len, "%s%s=%.*s", out[0] ? ", " : "", sn ? sn : "?",
		          wolfSSL_ASN1_STRING_length(d),
		          (const char *)wolfSSL_ASN1_STRING_data(d));
	}
}

/* The text of the first NID entry of NAME, or "" when there is none. */
static void
ci_name_field(WOLFSSL_X509_NAME *name, int nid, char *out, size_t len)
{
	out[0] = '\0';
	if (name == NULL || wolfSSL_X509_NAME_get_text_by_NID(name, nid, out, (int)len) < 0)
		out[0] = '\0';
}

/* One GENERAL_NAME as "DNS:name" or "IP:addr" appended to OUT. */
static void
ci_san_append(const WOLFSSL_GENERAL_NAME *g, char *out, size_t len)
{
	const char *sep = out[0] ? ", " : "";
	char ip[INET6_ADDRSTRLEN];

	if (g->type == GEN_DNS && g->d.dNSName != NULL) {
		ci_append(out, len, "%sDNS:%.*s", sep, g->d.dNSName->length,
		          (const char *)g->d.dNSName->data);
	} else if (g->type == GEN_IPADD && g->d.ip != NULL) {
		int af = g->d.ip->length == CI_IPV4_LEN ? AF_INET :
		         g->d.ip->length == CI_IPV6_LEN ? AF_INET6 : AF_UNSPEC;
		if (af != AF_UNSPEC && inet_ntop(af, g->d.ip->data, ip, sizeof ip) != NULL)
			ci_append(out, len, "%sIP:%s", sep, ip);
	} else if (g->type == GEN_EMAIL && g->d.rfc822Name != NULL) {
		ci_append(out, len, "%semail:%.*s", sep, g->d.rfc822Name->length,
		          (const char *)g->d.rfc822Name->data);
	}
}

/* subjectAltName in certificate order (wolfSSL's stack holds it reversed). */
static void
ci_sans(WOLFSSL_X509 *x, char *out, size_t len)
{
	WOLFSSL_GENERAL_NAMES *gns;

	out[0] = '\0';
	gns = wolfSSL_X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gns == NULL)
		return;
	for (int i = wolfSSL_sk_GENERAL_NAME_num(gns) - 1; i >= 0; i--)
		ci_san_append(wolfSSL_sk_GENERAL_NAME_value(gns, i), out, len);
	wolfSSL_GENERAL_NAMES_free(gns);
}

/* An ASN1_TIME as seconds since the epoch (UTC); -1 when unreadable. */
static time_t
ci_time(const WOLFSSL_ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (t == NULL || wolfSSL_ASN1_TIME_to_tm(t, &tm) != WOLFSSL_SUCCESS)
		return (time_t)-1;
	return timegm(&tm);
}

/* Signature algorithm with OpenSSL's usual names where wolfSSL's differ. */
static void
ci_sig_alg(WOLFSSL_X509 *x, char *out, size_t len)
{
	static const struct { int nid; const char *name; } names[] = {
		{ NID_ecdsa_with_SHA256, "ecdsa-with-SHA256" },
		{ NID_ecdsa_with_SHA384, "ecdsa-with-SHA384" },
		{ NID_ecdsa_with_SHA512, "ecdsa-with-SHA512" },
		{ NID_sha256WithRSAEncryption, "sha256WithRSAEncryption" },
		{ NID_sha384WithRSAEncryption, "sha384WithRSAEncryption" },
		{ NID_sha512WithRSAEncryption, "sha512WithRSAEncryption" },
	};
	int nid = wolfSSL_X509_get_signature_nid(x);
	const char *ln = wolfSSL_OBJ_nid2ln(nid);

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].nid == nid) {
			snprintf(out, len, "%s", names[i].name);
			return;
		}
	snprintf(out, len, "%s", ln ? ln : "unknown");
}

/* "ECDSA P-256", "RSA 4096", "Ed25519"... */
static void
ci_key_type(WOLFSSL_X509 *x, char *out, size_t len)
{
	WOLFSSL_EVP_PKEY *pk = wolfSSL_X509_get_pubkey(x);
	int id = pk ? wolfSSL_EVP_PKEY_id(pk) : 0;

	snprintf(out, len, "unknown");
	if (id == EVP_PKEY_RSA) {
		snprintf(out, len, "RSA %d", wolfSSL_EVP_PKEY_bits(pk));
	} else if (id == EVP_PKEY_EC) {
		WOLFSSL_EC_KEY *ec = wolfSSL_EVP_PKEY_get0_EC_KEY(pk);
		int nid = ec ? wolfSSL_EC_GROUP_get_curve_name(wolfSSL_EC_KEY_get0_group(ec)) : 0;
		const char *nist = nid ? wolfSSL_EC_curve_nid2nist(nid) : NULL;
		const char *sn = nid ? wolfSSL_OBJ_nid2sn(nid) : NULL;
		snprintf(out, len, "ECDSA %s", nist ? nist : sn ? sn : "(unknown curve)");
	} else if (wolfSSL_X509_get_pubkey_type(x) == ED25519k) {
		snprintf(out, len, "Ed25519");
	} else if (wolfSSL_X509_get_pubkey_type(x) == ED448k) {
		snprintf(out, len, "Ed448");
	}
	if (pk != NULL)
		wolfSSL_EVP_PKEY_free(pk);
}

/* Serial number and SHA-256 fingerprint. 0, or -1 when unreadable. */
static int
ci_serial_and_digest(struct certinfo *ci, WOLFSSL_X509 *x)
{
	unsigned char buf[CI_SERIAL_MAX];
	int n = (int)sizeof buf;
	unsigned int dlen = sizeof buf;

	if (wolfSSL_X509_get_serial_number(x, buf, &n) != WOLFSSL_SUCCESS)
		return -1;
	ci_hex(ci->serial, sizeof ci->serial, buf, (size_t)n, 0);
	if (wolfSSL_X509_digest(x, wolfSSL_EVP_sha256(), buf, &dlen) != WOLFSSL_SUCCESS ||
	    dlen != CI_SHA256_LEN)
		return -1;
	ci_hex(ci->fingerprint, sizeof ci->fingerprint, buf, dlen, 1);
	return 0;
}

int
certinfo_from_x509(struct certinfo *ci, WOLFSSL_X509 *x)
{
	WOLFSSL_X509_NAME *subj, *iss;

	memset(ci, 0, sizeof *ci);
	if (x == NULL)
		return -1;
	subj = wolfSSL_X509_get_subject_name(x);
	iss = wolfSSL_X509_get_issuer_name(x);
	ci_name_line(subj, ci->subject, sizeof ci->subject);
	ci_name_line(iss, ci->issuer, sizeof ci->issuer);
	ci_name_field(subj, NID_commonName, ci->subject_cn, sizeof ci->subject_cn);
	ci_name_field(subj, NID_organizationName, ci->subject_org, sizeof ci->subject_org);
	ci_name_field(iss, NID_commonName, ci->issuer_cn, sizeof ci->issuer_cn);
	ci_sans(x, ci->sans, sizeof ci->sans);
	ci->not_before = ci_time(wolfSSL_X509_get_notBefore(x));
	ci->not_after = ci_time(wolfSSL_X509_get_notAfter(x));
	if (ci->not_before == (time_t)-1 || ci->not_after == (time_t)-1)
		return -1;
	if (ci_serial_and_digest(ci, x) == -1)
		return -1;
	ci_sig_alg(x, ci->sig_alg, sizeof ci->sig_alg);
	ci_key_type(x, ci->key_type, sizeof ci->key_type);
	ci->self_signed = subj != NULL && iss != NULL && wolfSSL_X509_NAME_cmp(subj, iss) == 0;
	ci->is_ca = wolfSSL_X509_get_isCA(x) != 0;
	return 0;
}

int
certinfo_from_pem_file(struct certinfo *ci, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	WOLFSSL_X509 *x;
	int rc;

	memset(ci, 0, sizeof *ci);
	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	x = wolfSSL_X509_load_certificate_file(path, WOLFSSL_FILETYPE_PEM);
	if (x == NULL) {
		snprintf(err, errlen, "%s holds no PEM certificate", path);
		return -1;
	}
	rc = certinfo_from_x509(ci, x);
	wolfSSL_X509_free(x);
	if (rc == -1)
		snprintf(err, errlen, "cannot read the certificate in %s", path);
	return rc;
}

long
certinfo_days_left(const struct certinfo *ci, time_t now)
{
	long long diff = (long long)ci->not_after - (long long)now;
	long long days = diff / CI_SECONDS_PER_DAY;

	if (diff < 0 && diff % CI_SECONDS_PER_DAY != 0)
		days--;               /* round towards the past */
	return (long)days;
}

void
certinfo_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "(invalid time)");
}

/* "(365 days left)", "(12 days left: renew soon)", "(expired 3 days ago)". */
static void
ci_days_note(const struct certinfo *ci, time_t now, char *out, size_t len)
{
	long days = certinfo_days_left(ci, now);

	if (ci->not_after < now) {
		long ago = (long)((now - ci->not_after) / CI_SECONDS_PER_DAY);
		if (ago == 0)
			snprintf(out, len, "(expired today)");
		else
			snprintf(out, len, "(expired %ld day%s ago)", ago, ago == 1 ? "" : "s");
	}
	else if (days < CERT_WARN_DAYS)
		snprintf(out, len, "(%ld day%s left: renew soon)", days, days == 1 ? "" : "s");
	else
		snprintf(out, len, "(%ld days left)", days);
}

static void
ci_line(FILE *out, const char *label, const char *value)
{
	fprintf(out, "%-*s%s\n", CI_LABEL_WIDTH, label, value[0] ? value : "-");
}

void
certinfo_report(FILE *out, const struct certinfo *ci, time_t now)
{
	char from[CERTINFO_TEXT], until[CERTINFO_TEXT], note[CERTINFO_TEXT];
	char line[2 * CERTINFO_TEXT];

	certinfo_format_time(ci->not_before, from, sizeof from);
	certinfo_format_time(ci->not_after, until, sizeof until);
	ci_days_note(ci, now, note, sizeof note);
	ci_line(out, "Subject:", ci->subject);
	ci_line(out, "Issuer:", ci->issuer);
	ci_line(out, "Subject CN:", ci->subject_cn);
	ci_line(out, "Organisation:", ci->subject_org);
	ci_line(out, "Issuer CN:", ci->issuer_cn);
	ci_line(out, "SANs:", ci->sans[0] ? ci->sans : "none");
	ci_line(out, "Serial:", ci->serial);
	snprintf(line, sizeof line, "%s%s", from, ci->not_before > now ? " (not yet valid)" : "");
	ci_line(out, "Valid from:", line);
	snprintf(line, sizeof line, "%s %s", until, note);
	ci_line(out, "Valid until:", line);
	ci_line(out, "SHA-256 fingerprint:", ci->fingerprint);
	ci_line(out, "Signature:", ci->sig_alg);
	ci_line(out, "Key:", ci->key_type);
	ci_line(out, "Self-signed:", ci->self_signed ? "yes" : "no");
	ci_line(out, "CA certificate:", ci->is_ca ? "yes" : "no");
}
