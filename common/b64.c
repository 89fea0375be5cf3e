/*
 * b64.c: thin, size-checked wrappers over wolfCrypt's Base64 functions.
 */
#include "b64.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/coding.h>

int
b64_encode(const void *in, size_t len, char *out, size_t outlen)
{
	word32 n;

	if (outlen < 1 || len > 0xffffffu / 2)
		return -1;
	n = (word32)(outlen - 1);
	if (len == 0) {
		out[0] = '\0';
		return 0;
	}
	if (Base64_Encode_NoNl(in, (word32)len, (byte *)out, &n) != 0 || n >= outlen)
		return -1;
	out[n] = '\0';
	return 0;
}

int
b64_decode(const char *in, size_t len, void *out, size_t *outlen)
{
	word32 n;

	if (len > 0xffffffu || *outlen > 0xffffffu)
		return -1;
	n = (word32)*outlen;
	if (len == 0) {
		*outlen = 0;
		return 0;
	}
	if (Base64_Decode((const byte *)in, (word32)len, out, &n) != 0)
		return -1;
	*outlen = n;
	return 0;
}
