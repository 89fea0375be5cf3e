/*
 * checks.h: the three named checks seal reports for a server certificate:
 * "trusted chain" (signed by a trust anchor in --cafile), "name match" (the
 * expected name in subjectAltName, or in the CN when there is no SAN) and
 * "dates" (notBefore <= now <= notAfter). Each is computed on its own, so a
 * report shows every failure, not only the first one wolfSSL met. Pure
 * functions; any thread.
 */
#ifndef SEAL_CHECKS_H
#define SEAL_CHECKS_H

#include <stdio.h>
#include <time.h>

#include "certinfo.h"

#define CHECK_REASON_MAX 512

enum check_id { CHECK_CHAIN, CHECK_NAME, CHECK_DATES, CHECK_COUNT };

struct check_result {
	int  ok;
	char reason[CHECK_REASON_MAX];   /* why it failed, "" when ok */
};

struct checks {
	struct check_result r[CHECK_COUNT];
};

/* What the checks look at: the peer's leaf certificate (X and CI), the first
 * chain error the verify callback saw (0 for none; an X509_V_ERR_* number or
 * a wolfSSL error code), the expected name, the trust anchor file, and now. */
struct check_input {
	WOLFSSL_X509          *leaf;
	const struct certinfo *ci;
	int                    chain_err;
	const char            *expect;
	const char            *cafile;
	time_t                 now;
};

/* "trusted chain", "name match", "dates". */
const char *checks_label(enum check_id id);

/* 1 when CI is valid at NOW; else 0 with "certificate expired on DATE" or
 * "certificate not valid until DATE" in REASON. */
int checks_dates(const struct certinfo *ci, time_t now, char *reason, size_t len);

/* 1 when X carries EXPECT (a DNS name, wildcards allowed, or an IP address
 * matched against IP SANs); else 0 with "name mismatch: certificate is for
 * X, expected Y" in REASON. */
int checks_name(WOLFSSL_X509 *x, const struct certinfo *ci, const char *expect,
                char *reason, size_t len);

/* 1 when CHAIN_ERR is 0; else 0 with "untrusted: ..." in REASON. */
int checks_chain(int chain_err, const char *cafile, char *reason, size_t len);

/* 1 when ERR (from the verify callback) is about validity dates. */
int checks_err_is_date(int err);

/* 1 when ERR (from the verify callback) is about the host name. */
int checks_err_is_name(int err);

/* 1 when S is an IPv4 or IPv6 address literal. */
int checks_is_ip(const char *s);

/* Runs all three checks. */
void checks_run(struct checks *c, const struct check_input *in);

/* 1 when every check passed. */
int checks_all_ok(const struct checks *c);

/* The reason of the first failed check in the order chain, dates, name, or
 * NULL when all passed. Points into C. */
const char *checks_first_failure(const struct checks *c);

/* "Checks:" and one line per check: "  trusted chain  ok" or "FAILED: why". */
void checks_print(FILE *out, const struct checks *c);

#endif
