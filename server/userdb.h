/*
 * userdb.h: the user database, DATA_DIR/users, one "name:crypt-hash" a line
 * (yescrypt by default). The server keeps it in memory behind one mutex and
 * re-reads the file when it changes on disk (admin commands, SIGHUP); every
 * writer, server or admin command, holds an exclusive flock on
 * DATA_DIR/users.lock, re-reads the file under it, and replaces the file
 * atomically (temp file, fsync, rename, fsync of the directory), so no writer
 * loses another's change and a crash never leaves a partial file.
 * Successful logins are remembered (keyed by a hash of name and password with
 * a secret made at start) so a repeat login costs no crypt(3).
 * All functions are thread-safe. userdb_verify() may take tens of
 * milliseconds (crypt): call it from the job pool, never an event loop.
 */
#ifndef SEALED_USERDB_H
#define SEALED_USERDB_H

#include <stddef.h>
#include <stdio.h>

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
 * with PASS (AUTH_REGISTERED). Slow (crypt); thread-safe. */
enum auth_result userdb_verify(struct userdb *, const char *name, const char *pass,
                               int open_registration);

/* 1 when NAME is a user (cheap: no hash). */
int userdb_exists(struct userdb *, const char *name);

/* Number of users. */
size_t userdb_count(struct userdb *);

/* Logins answered from the login cache since open (no crypt). */
unsigned long userdb_cache_hits(struct userdb *);

/* 1 when NAME is acceptable as a user name: 1..USER_NAME_MAX of [A-Za-z0-9._-],
 * not starting with '.' or '-'. */
int userdb_valid_name(const char *name);

/* Admin operations on DATA_DIR/users, each under the file lock.
 * 0, or -1 with a one-line reason in ERR ("user bob exists", ...). */
int userdb_file_add(const char *data_dir, const char *name, const char *pass,
                    char *err, size_t errlen);
int userdb_file_passwd(const char *data_dir, const char *name, const char *pass,
                       char *err, size_t errlen);
int userdb_file_del(const char *data_dir, const char *name, char *err, size_t errlen);
int userdb_file_list(const char *data_dir, FILE *out, char *err, size_t errlen);

/* 1 when DATA_DIR/users holds NAME, 0 when not, -1 when it cannot be read.
 * No lock: the file is only ever replaced whole. */
int userdb_file_has(const char *data_dir, const char *name);

/* Hashes PASS with a fresh salt (yescrypt) into OUT. 0, or -1. */
int userdb_hash(const char *pass, char *out, size_t outlen);

#endif
