/*
 * userdb.h: the user database the server checks logins against: an in-memory
 * copy of DATA_DIR/users (see userfile.h for the file, its format and its
 * locked writes) behind one mutex, re-read when the file changes on disk
 * (admin commands, SIGHUP, open registration). Successful logins are
 * remembered (keyed by a hash of name and password with a secret made at
 * start) so a repeat login costs no crypt(3).
 * All functions are thread-safe. userdb_verify() may take tens of
 * milliseconds (crypt): call it from the job pool, never an event loop.
 */
#ifndef SEALED_USERDB_H
#define SEALED_USERDB_H

#include <stddef.h>

struct userdb;

enum auth_result {
	AUTH_OK,          /* name and password match */
	AUTH_BAD,         /* unknown name or wrong password */
	AUTH_REGISTERED,  /* open registration: a new user was created */
	AUTH_ERROR        /* could not check (I/O, out of memory); logged */
};

/* Loads DATA_DIR/users (a missing file is an empty database).
 * NULL with a reason in ERR. */
struct userdb *userdb_open(const char *data_dir, char *err, size_t errlen);
void userdb_free(struct userdb *);

/* Re-reads the file if it changed since the last read. 0, or -1 (old data kept). */
int userdb_refresh(struct userdb *);

/* Checks NAME and PASS. With OPEN_REGISTRATION, a valid unknown NAME is added
 * with PASS (AUTH_REGISTERED), unless DATA_DIR/mail/NAME exists (a deleted
 * user's mail: AUTH_BAD, logged). Slow (crypt); thread-safe. */
enum auth_result userdb_verify(struct userdb *, const char *name, const char *pass,
                               int open_registration);

/* 1 when NAME is a user (cheap: no hash). */
int userdb_exists(struct userdb *, const char *name);

/* Number of users. */
size_t userdb_count(struct userdb *);

/* Logins answered from the login cache since open (no crypt). */
unsigned long userdb_cache_hits(struct userdb *);

#endif
