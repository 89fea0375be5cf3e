/*
 * certinfo.h: what a person needs to know about a certificate, taken out of a
 * WOLFSSL_X509 into plain strings, and the text report that `seal --show-cert`
 * prints (the TUI shows the same fields). Pure functions; any thread.
 */
#ifndef SEAL_CERTINFO_H
#define SEAL_CERTINFO_H

#include <stdio.h>
#include <time.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#define CERTINFO_TEXT  256
#define CERTINFO_SANS  1024

struct certinfo {
	char   subject[CERTINFO_TEXT];      /* one-line distinguished name */
	char   issuer[CERTINFO_TEXT];
	char   subject_cn[CERTINFO_TEXT];
	char   subject_org[CERTINFO_TEXT];
	char   issuer_cn[CERTINFO_TEXT];
	char   sans[CERTINFO_SANS];         /* "DNS:localhost, IP:127.0.0.1", or "" */
	char   serial[CERTINFO_TEXT];       /* colon-separated hex */
	time_t not_before;
	time_t not_after;
	char   fingerprint[CERTINFO_TEXT];  /* SHA-256, colon-separated upper hex */
	char   sig_alg[CERTINFO_TEXT];      /* e.g. "ecdsa-with-SHA256" */
	char   key_type[CERTINFO_TEXT];     /* e.g. "ECDSA P-256", "RSA 4096" */
	int    self_signed;                 /* subject == issuer */
	int    is_ca;
};

/* Fills CI from X. 0, or -1 when the certificate cannot be read. */
int certinfo_from_x509(struct certinfo *ci, WOLFSSL_X509 *x);

/* Loads the first certificate of a PEM file. 0, or -1 with a reason in ERR. */
int certinfo_from_pem_file(struct certinfo *ci, const char *path, char *err, size_t errlen);

/* Whole days from NOW until not_after (negative once expired). */
long certinfo_days_left(const struct certinfo *ci, time_t now);

/* Formats T as "2026-11-22 10:00:00 UTC". */
void certinfo_format_time(time_t t, char *buf, size_t len);

/* Writes the certificate section of the report (every field above, one a line,
 * "Label: value" with aligned labels). */
void certinfo_report(FILE *out, const struct certinfo *ci, time_t now);

#endif
