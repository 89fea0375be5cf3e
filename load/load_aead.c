/*
 * load_aead.c: the AEAD measurement of seal-load (see load_aead.h): the
 * suite's name picks AES-GCM (128 or 256-bit key) or ChaCha20-Poly1305;
 * records are sealed from one buffer into another, both the size of a
 * record, so the figure is the cipher's, not the memory's. Main thread.
 */
#include "load_aead.h"
#include "load.h"
#include "timeconst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>

#define AEAD_NONCE_LEN  12        /* TLS 1.3 and 1.2 AEAD nonces */
#define AEAD_TAG_LEN    16
#define AEAD_AAD_LEN    13        /* TLS 1.2's additional data; 1.3's is 5 */
#define AEAD_KEY_MAX    32
#define AEAD_FILL       0x5a      /* the plaintext's bytes */

enum aead_kind { AEAD_AES_GCM, AEAD_CHACHA };

/* Suite name fragments (TLS 1.3 and 1.2 spellings) and what they mean. */
static const struct aead_alg {
	const char     *match;
	const char     *name;
	enum aead_kind  kind;
	unsigned        key_len;
} aead_algs[] = {
	{ "AES_128_GCM",       "AES-128-GCM",       AEAD_AES_GCM, 16 },
	{ "AES128-GCM",        "AES-128-GCM",       AEAD_AES_GCM, 16 },
	{ "AES_256_GCM",       "AES-256-GCM",       AEAD_AES_GCM, 32 },
	{ "AES256-GCM",        "AES-256-GCM",       AEAD_AES_GCM, 32 },
	{ "CHACHA20_POLY1305", "ChaCha20-Poly1305", AEAD_CHACHA,  32 },
	{ "CHACHA20-POLY1305", "ChaCha20-Poly1305", AEAD_CHACHA,  32 },
};

/* What one run seals: buffers, key, nonce. */
struct aead_job {
	const struct aead_alg *alg;
	uint8_t  key[AEAD_KEY_MAX];
	uint8_t  nonce[AEAD_NONCE_LEN];
	uint8_t  aad[AEAD_AAD_LEN];
	uint8_t  tag[AEAD_TAG_LEN];
	uint8_t *in, *out;
	uint64_t records;
};

/* Seconds of CLOCK (CPU time of this thread, or monotonic) now. */
static double
aead_clock(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / (double)NS_PER_S;
}

static const struct aead_alg *
aead_find(const char *suite)
{
	for (size_t i = 0; i < sizeof aead_algs / sizeof aead_algs[0]; i++)
		if (strstr(suite, aead_algs[i].match) != NULL)
			return &aead_algs[i];
	return NULL;
}

/* Counts the nonce up by one, as TLS's record sequence number does. */
static void
aead_next_nonce(uint8_t *nonce)
{
	for (int i = AEAD_NONCE_LEN - 1; i >= 0 && ++nonce[i] == 0; i--)
		;
}

/* AES-GCM over every record. 0, or -1 (wolfCrypt error). */
static int
aead_aes_gcm(struct aead_job *j)
{
#ifdef HAVE_AESGCM
	Aes aes;
	int rc = -1;

	if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0)
		return -1;
	if (wc_AesGcmSetKey(&aes, j->key, j->alg->key_len) != 0)
		goto done;
	for (uint64_t r = 0; r < j->records; r++) {
		if (wc_AesGcmEncrypt(&aes, j->out, j->in, LOAD_AEAD_RECORD, j->nonce, AEAD_NONCE_LEN,
		                     j->tag, AEAD_TAG_LEN, j->aad, AEAD_AAD_LEN) != 0)
			goto done;
		aead_next_nonce(j->nonce);
	}
	rc = 0;
done:
	wc_AesFree(&aes);
	return rc;
#else
	(void)j;
	return -1;
#endif
}

/* ChaCha20-Poly1305 over every record. 0, or -1 (wolfCrypt error). */
static int
aead_chacha(struct aead_job *j)
{
#if defined(HAVE_CHACHA) && defined(HAVE_POLY1305)
	for (uint64_t r = 0; r < j->records; r++) {
		if (wc_ChaCha20Poly1305_Encrypt(j->key, j->nonce, j->aad, AEAD_AAD_LEN, j->in,
		                                LOAD_AEAD_RECORD, j->out, j->tag) != 0)
			return -1;
		aead_next_nonce(j->nonce);
	}
	return 0;
#else
	(void)j;
	return -1;
#endif
}

int
load_aead_run(const char *suite, uint64_t bytes, struct load_aead_result *r,
              char *err, size_t errlen)
{
	struct aead_job j;

	memset(&j, 0, sizeof j);
	memset(r, 0, sizeof *r);
	if ((j.alg = aead_find(suite)) == NULL) {
		snprintf(err, errlen, "suite %s: no AEAD this mode knows", suite);
		return -1;
	}
	j.records = (bytes + LOAD_AEAD_RECORD - 1) / LOAD_AEAD_RECORD;
	j.in = malloc(LOAD_AEAD_RECORD);
	j.out = malloc(LOAD_AEAD_RECORD);
	int rc = -1;
	if (j.in != NULL && j.out != NULL) {
		memset(j.in, AEAD_FILL, LOAD_AEAD_RECORD);
		double cpu0 = aead_clock(CLOCK_THREAD_CPUTIME_ID), wall0 = aead_clock(CLOCK_MONOTONIC);
		rc = j.alg->kind == AEAD_AES_GCM ? aead_aes_gcm(&j) : aead_chacha(&j);
		r->seconds = aead_clock(CLOCK_THREAD_CPUTIME_ID) - cpu0;
		r->wall_seconds = aead_clock(CLOCK_MONOTONIC) - wall0;
	}
	if (rc == 0) {
		r->have = 1;
		r->bytes = j.records * LOAD_AEAD_RECORD;
		snprintf(r->algorithm, sizeof r->algorithm, "%s", j.alg->name);
	} else {
		snprintf(err, errlen, "%s: %s", j.alg->name, j.in && j.out ? "wolfCrypt failed (not "
		         "in this build?)" : "out of memory");
	}
	free(j.in);
	free(j.out);
	return rc;
}
