/*
 * checks.c: the named certificate checks of seal (trusted chain, name match,
 * dates), their reasons in words, and their lines in the report. The chain
 * check trusts the verify callback's error; the other two are computed here
 * from the certificate itself, so they do not depend on which error wolfSSL
 * happened to report first. Pure; any thread.
 */
#include "checks.h"
#include "tls.h"

#include <arpa/inet.h>
#include <string.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/openssl/x509v3.h>

#define CHECKS_LABEL_WIDTH 15          /* "trusted chain" and two spaces */
#define CHECKS_IPV4_LEN    4
#define CHECKS_IPV6_LEN    16

static const char *const checks_labels[CHECK_COUNT] = {
	[CHECK_CHAIN] = "trusted chain",
	[CHECK_NAME]  = "name match",
	[CHECK_DATES] = "dates",
};

const char *
checks_label(enum check_id id)
{
	return id < CHECK_COUNT ? checks_labels[id] : "?";
}

int
checks_is_ip(const char *s)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

int
checks_err_is_date(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
	case ASN_BEFORE_DATE_E:
	case ASN_AFTER_DATE_E:
		return 1;
	default:
		return 0;
	}
}

int
checks_err_is_name(int err)
{
	switch (err) {
	case DOMAIN_NAME_MISMATCH:
	case IPADDR_MISMATCH:
		return 1;
	default:
		return 0;
	}
}

int
checks_dates(const struct certinfo *ci, time_t now, char *reason, size_t len)
{
	char when[CERTINFO_TEXT];

	reason[0] = '\0';
	if (now < ci->not_before) {
		certinfo_format_time(ci->not_before, when, sizeof when);
		snprintf(reason, len, "certificate not valid until %s", when);
		return 0;
	}
	if (now > ci->not_after) {
		certinfo_format_time(ci->not_after, when, sizeof when);
		snprintf(reason, len, "certificate expired on %s", when);
		return 0;
	}
	return 1;
}

/* The names a certificate is for: its SANs without "DNS:"/"IP:", else its CN. */
static void
checks_cert_names(const struct certinfo *ci, char *out, size_t len)
{
	char copy[CERTINFO_SANS], *save = NULL;
	size_t used = 0;

	snprintf(out, len, "%s", ci->subject_cn[0] ? ci->subject_cn : "(no name)");
	if (ci->sans[0] == '\0')
		return;
	snprintf(copy, sizeof copy, "%s", ci->sans);
	for (char *t = strtok_r(copy, ",", &save); t && used + 1 < len;
	     t = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(t, ':');
		t = colon ? colon + 1 : t + strspn(t, " ");
		int w = snprintf(out + used, len - used, "%s%s", used ? ", " : "", t);
		used += w > 0 ? (size_t)w : 0;
	}
}

/* 1 when an IP address SAN of X equals the address literal IP. Compared as
 * bytes: wolfSSL_X509_check_ip_asc() compares text, and writes IPv6 SANs
 * in full ("0000:...:0001"), so "::1" would never match. */
static int
checks_ip_match(WOLFSSL_X509 *x, const char *ip)
{
	unsigned char want[sizeof(struct in6_addr)];
	int wlen = inet_pton(AF_INET, ip, want) == 1 ? CHECKS_IPV4_LEN : CHECKS_IPV6_LEN;
	WOLFSSL_GENERAL_NAMES *gns;
	int ok = 0;

	if (wlen == CHECKS_IPV6_LEN && inet_pton(AF_INET6, ip, want) != 1)
		return 0;
	gns = wolfSSL_X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; gns != NULL && i < wolfSSL_sk_GENERAL_NAME_num(gns) && !ok; i++) {
		const WOLFSSL_GENERAL_NAME *g = wolfSSL_sk_GENERAL_NAME_value(gns, i);
		ok = g->type == GEN_IPADD && g->d.ip != NULL && g->d.ip->length == wlen &&
		     memcmp(g->d.ip->data, want, (size_t)wlen) == 0;
	}
	if (gns != NULL)
		wolfSSL_GENERAL_NAMES_free(gns);
	return ok;
}

int
checks_name(WOLFSSL_X509 *x, const struct certinfo *ci, const char *expect,
            char *reason, size_t len)
{
	char names[CERTINFO_SANS];
	int ok;

	reason[0] = '\0';
	if (x == NULL || expect == NULL)
		ok = 0;
	else if (checks_is_ip(expect))
		ok = checks_ip_match(x, expect);
	else
		ok = wolfSSL_X509_check_host(x, expect, strlen(expect), 0, NULL) == WOLFSSL_SUCCESS;
	if (ok)
		return 1;
	checks_cert_names(ci, names, sizeof names);
	snprintf(reason, len, "name mismatch: certificate is for %s, expected %s", names,
	         expect ? expect : "(none)");
	return 0;
}

/* 1 when ERR means "no path to a trust anchor" rather than a broken chain. */
static int
checks_err_is_no_anchor(int err)
{
	switch (err) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
	case ASN_NO_SIGNER_E:
	case ASN_SELF_SIGNED_E:
		return 1;
	default:
		return 0;
	}
}

int
checks_chain(int chain_err, const char *cafile, char *reason, size_t len)
{
	reason[0] = '\0';
	if (chain_err == 0)
		return 1;
	if (checks_err_is_no_anchor(chain_err))
		snprintf(reason, len, "untrusted: not signed by a trust anchor in %s", cafile);
	else if (chain_err == X509_V_ERR_CERT_SIGNATURE_FAILURE || chain_err == ASN_SIG_CONFIRM_E)
		snprintf(reason, len, "untrusted: its signature does not verify with the trust "
		         "anchor in %s (a different certificate with the same name?)", cafile);
	else if (chain_err > 0)
		snprintf(reason, len, "untrusted: %s",
		         wolfSSL_X509_verify_cert_error_string(chain_err));
	else
		snprintf(reason, len, "untrusted: %s", tls_error_reason(chain_err));
	return 0;
}

void
checks_run(struct checks *c, const struct check_input *in)
{
	struct check_result *r = c->r;

	memset(c, 0, sizeof *c);
	r[CHECK_CHAIN].ok = checks_chain(in->chain_err, in->cafile, r[CHECK_CHAIN].reason,
	                                 sizeof r[CHECK_CHAIN].reason);
	r[CHECK_NAME].ok = checks_name(in->leaf, in->ci, in->expect, r[CHECK_NAME].reason,
	                               sizeof r[CHECK_NAME].reason);
	r[CHECK_DATES].ok = checks_dates(in->ci, in->now, r[CHECK_DATES].reason,
	                                 sizeof r[CHECK_DATES].reason);
}

int
checks_all_ok(const struct checks *c)
{
	for (int i = 0; i < CHECK_COUNT; i++)
		if (!c->r[i].ok)
			return 0;
	return 1;
}

const char *
checks_first_failure(const struct checks *c)
{
	static const enum check_id order[] = { CHECK_CHAIN, CHECK_DATES, CHECK_NAME };

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (!c->r[order[i]].ok)
			return c->r[order[i]].reason;
	return NULL;
}

void
checks_print(FILE *out, const struct checks *c)
{
	fprintf(out, "Checks:\n");
	for (int i = 0; i < CHECK_COUNT; i++) {
		if (c->r[i].ok)
			fprintf(out, "  %-*sok\n", CHECKS_LABEL_WIDTH, checks_labels[i]);
		else
			fprintf(out, "  %-*sFAILED: %s\n", CHECKS_LABEL_WIDTH, checks_labels[i],
			        c->r[i].reason);
	}
}
