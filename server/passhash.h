/*
 * passhash.h: password hashing with libcrypt (yescrypt by default): making a
 * salted hash for the users file, checking a password against one in constant
 * time, and a dummy check that costs what a real one does. No state and no
 * locks: any thread may call any function. passhash_make, passhash_check and
 * passhash_dummy take tens of milliseconds (crypt(3)): call them from the job
 * pool or an admin command, never an event loop, and hold no lock meanwhile.
 */
#ifndef SEALED_PASSHASH_H
#define SEALED_PASSHASH_H

#include <stddef.h>

/* 1 when PASS may be a password: 1..PASSWORD_MAX bytes (NULL is not). */
int passhash_valid_pass(const char *pass);

/* Hashes PASS with a fresh salt (CRYPT_PREFIX) into OUT, a NUL-ended crypt
 * string. 0, or -1 (PASS NULL, no salt, OUT too small, out of memory). */
int passhash_make(const char *pass, char *out, size_t outlen);

/* 1 when PASS matches HASH (a crypt string), 0 when not or when HASH is no
 * valid hash, -1 when it could not be checked (out of memory). The final
 * comparison takes time that depends only on the lengths. */
int passhash_check(const char *pass, const char *hash);

/* Costs what passhash_check costs, so that a reply does not tell that a
 * user name is unknown. The result is thrown away. */
void passhash_dummy(const char *pass);

#endif
