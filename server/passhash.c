/*
 * passhash.c: password hashing with libcrypt. Owns the crypt_r call (its
 * ~32 KB struct crypt_data on the heap, wiped after use), the salt settings
 * (CRYPT_PREFIX, CRYPT_COUNT; a fixed salt for the dummy check) and the
 * constant-time comparison. Keeps no state: any thread may call any function,
 * and nothing here takes a lock, so callers must not hold theirs across the
 * slow calls (userdb never holds db->lock across them).
 */
#include "passhash.h"

#include "server_defaults.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

/* A fixed salt for the dummy hash that hides whether a name exists. */
static const char passhash_dummy_salt[] = "sealed-dummy-salt";

int
passhash_valid_pass(const char *pass)
{
	return pass != NULL && pass[0] != '\0' && strnlen(pass, PASSWORD_MAX + 1) <= PASSWORD_MAX;
}

/* Compares two strings in time that depends only on their lengths. */
static int
passhash_ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	unsigned char d = la != lb;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* crypt_r of PASS with SETTING into OUT. 0; -1 when SETTING is no valid
 * hash or OUT too small; -2 when out of memory. */
static int
passhash_crypt(const char *pass, const char *setting, char *out, size_t outlen)
{
	struct crypt_data *cd = calloc(1, sizeof *cd);  /* ~32 KB: never on a stack */
	const char *h;
	int rc = -1;

	if (cd == NULL)
		return -2;
	h = crypt_r(pass, setting, cd);
	if (h != NULL && h[0] != '*' && strlen(h) < outlen) {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

int
passhash_make(const char *pass, char *out, size_t outlen)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];

	if (pass == NULL || crypt_gensalt_rn(CRYPT_PREFIX, CRYPT_COUNT, NULL, 0,
	                                     setting, sizeof setting) == NULL)
		return -1;
	return passhash_crypt(pass, setting, out, outlen) == 0 ? 0 : -1;
}

int
passhash_check(const char *pass, const char *hash)
{
	char out[HASH_MAX];
	int rc;

	if ((rc = passhash_crypt(pass, hash, out, sizeof out)) != 0)
		return rc == -2 ? -1 : 0;
	rc = passhash_ct_equal(out, hash);
	explicit_bzero(out, sizeof out);
	return rc;
}

void
passhash_dummy(const char *pass)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE], out[HASH_MAX];

	if (crypt_gensalt_rn(CRYPT_PREFIX, CRYPT_COUNT, passhash_dummy_salt,
	                     (int)strlen(passhash_dummy_salt), setting, sizeof setting) != NULL)
		(void)passhash_crypt(pass, setting, out, sizeof out);
}
