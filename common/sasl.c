/*
 * sasl.c: the PLAIN and LOGIN messages of sasl.h, over b64.c.
 */
#include "sasl.h"
#include "b64.h"

#include <string.h>

int
sasl_plain_encode(const char *authzid, const char *authcid, const char *passwd,
                  char *out, size_t outlen)
{
	char msg[SASL_PLAIN_MAX];
	size_t zl = strlen(authzid), cl = strlen(authcid), pl = strlen(passwd);
	int rc = -1;

	if (zl > sizeof msg || cl > sizeof msg || pl > sizeof msg || zl + cl + pl + 2 > sizeof msg)
		goto done;
	memcpy(msg, authzid, zl + 1);                 /* with its NUL */
	memcpy(msg + zl + 1, authcid, cl + 1);
	memcpy(msg + zl + cl + 2, passwd, pl);
	rc = b64_encode(msg, zl + cl + pl + 2, out, outlen);
done:
	explicit_bzero(msg, sizeof msg);
	if (rc == -1 && outlen > 0)
		explicit_bzero(out, outlen);
	return rc;
}

int
sasl_plain_decode(const char *b64, char *authcid, size_t authcid_len,
                  char *passwd, size_t passwd_len)
{
	unsigned char buf[SASL_PLAIN_MAX + 1];
	size_t n = SASL_PLAIN_MAX;
	int rc = -1;

	if (b64_decode(b64, strlen(b64), buf, &n) == -1)
		goto done;
	buf[n] = '\0';
	const char *authz = (const char *)buf;
	size_t zlen = strnlen(authz, n);
	if (zlen >= n)
		goto done;
	const char *authc = authz + zlen + 1;
	size_t clen = strnlen(authc, n - zlen - 1);
	if (zlen + 1 + clen >= n)
		goto done;
	const char *pw = authc + clen + 1;
	size_t pwlen = n - zlen - clen - 2;
	if (clen == 0 || clen >= authcid_len || pwlen == 0 || pwlen >= passwd_len ||
	    memchr(pw, '\0', pwlen) != NULL)
		goto done;
	if (zlen > 0 && strcmp(authz, authc) != 0)
		goto done;
	memcpy(authcid, authc, clen + 1);
	memcpy(passwd, pw, pwlen);
	passwd[pwlen] = '\0';
	rc = 0;
done:
	explicit_bzero(buf, sizeof buf);
	return rc;
}

int
sasl_login_decode(const char *b64, char *out, size_t outlen)
{
	if (outlen == 0)
		return -1;
	size_t n = outlen - 1;
	if (b64_decode(b64, strlen(b64), out, &n) == -1 || n == 0 || memchr(out, '\0', n) != NULL) {
		explicit_bzero(out, outlen);          /* it may hold part of a password */
		return -1;
	}
	out[n] = '\0';
	return 0;
}
