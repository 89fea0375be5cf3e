/*
 * b64.h: base64 through wolfCrypt's coder, with sizes checked. Pure; any thread.
 */
#ifndef SEALED_B64_H
#define SEALED_B64_H

#include <stddef.h>

/* Encodes LEN bytes of IN into OUT as one NUL-terminated line (no newlines).
 * 0, or -1 when OUTLEN is too small. */
int b64_encode(const void *in, size_t len, char *out, size_t outlen);

/* Decodes LEN characters of IN into OUT (*OUTLEN: room in, bytes out).
 * 0, or -1 for bad base64 or too little room. */
int b64_decode(const char *in, size_t len, void *out, size_t *outlen);

#endif
