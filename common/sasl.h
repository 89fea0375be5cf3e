/*
 * sasl.h: the SASL messages both sides of SMTP AUTH (RFC 4954) and POP3
 * AUTH (RFC 5034) exchange in base64: PLAIN (RFC 4616: authzid NUL authcid
 * NUL passwd) encoded and decoded, and a LOGIN step (one base64 string)
 * decoded. Base64 is wolfCrypt's (b64.h). Work buffers that held a secret
 * are wiped before return; the caller wipes its own. Pure; any thread.
 */
#ifndef SEALED_SASL_H
#define SEALED_SASL_H

#include <stddef.h>

#define SASL_PLAIN_MAX     1024   /* octets of a PLAIN message, both NULs counted */
#define SASL_PLAIN_B64_MAX ((SASL_PLAIN_MAX + 2) / 3 * 4 + 1)   /* its base64, NUL included */

/* Encodes the PLAIN message AUTHZID NUL AUTHCID NUL PASSWD (AUTHZID "":
 * act as AUTHCID) as one base64 line into OUT, NUL-terminated. Judges no
 * content (a client may test a server with an empty password); what it
 * makes fits SASL_PLAIN_MAX, so sasl_plain_decode reads it. 0, or -1 when
 * the message is longer than that or OUT too small (OUT is wiped then). */
int sasl_plain_encode(const char *authzid, const char *authcid, const char *passwd,
                      char *out, size_t outlen);

/* Decodes a PLAIN response B64 (NUL-terminated) into AUTHCID and PASSWD,
 * both NUL-terminated, with the checks of RFC 4616: valid base64 of at most
 * SASL_PLAIN_MAX octets, exactly two NULs, a non-empty authcid and password
 * that fit AUTHCID_LEN and PASSWD_LEN with their NUL, and an authzid that
 * is empty or the authcid itself (nobody acts for someone else). 0, or -1
 * (AUTHCID and PASSWD untouched). */
int sasl_plain_decode(const char *b64, char *authcid, size_t authcid_len,
                      char *passwd, size_t passwd_len);

/* Decodes one LOGIN step (a base64 user name or password) into OUT as a
 * non-empty NUL-terminated string with no NUL inside. 0, or -1 (OUT is
 * wiped then). */
int sasl_login_decode(const char *b64, char *out, size_t outlen);

#endif
