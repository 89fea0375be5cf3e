/*
 * userfile.h: the users file, DATA_DIR/users: one "name:crypt-hash" a line,
 * in the order users were added. Reading it into a list with a name index,
 * noticing that it changed (its identity), and the one write path that the
 * admin commands and open registration share: an exclusive flock on
 * DATA_DIR/users.lock, a re-read under it, then a new file (temp file, fsync,
 * rename, fsync of the directory), so no writer loses another's change and a
 * crash never leaves a partial file. Readers take no lock: the file is only
 * ever replaced whole (or edited by hand).
 * Any thread may call any function; the file lock is taken and released
 * inside userfile_change() and the admin operations, never held on return,
 * so a caller must not hold a lock of its own across them (userdb does not).
 */
#ifndef SEALED_USERFILE_H
#define SEALED_USERFILE_H

#include "server_defaults.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

struct user {
	char name[USER_NAME_MAX + 1];
	char hash[HASH_MAX];
};

/* Users in file order, plus an open-addressing index (slot = position + 1).
 * Start from { 0 }; free with userfile_list_free(). Not thread-safe: the
 * owner guards it. */
struct user_list {
	struct user *v;
	size_t       n, cap;
	uint32_t    *slot;
	size_t       nslots;         /* 0 or a power of two >= 2 * n */
};

/* What the file looked like when read, to notice a change. */
struct userfile_id {
	int             present;     /* 0: the file did not exist */
	dev_t           dev;
	ino_t           ino;
	off_t           size;
	struct timespec mtim, ctim;
};

/* The changes userfile_change() makes. */
enum userfile_op { USERFILE_ADD, USERFILE_PASSWD, USERFILE_DEL };

/* userfile_change() result besides 0 and -1: NAME is invalid, or its
 * presence is wrong for the change (exists on add, missing on passwd, del). */
#define USERFILE_REFUSED (-2)

/* 1 when NAME is acceptable as a user name: 1..USER_NAME_MAX of [A-Za-z0-9._-],
 * not starting with '.' or '-'. */
int userfile_valid_name(const char *name);

/* DIR/users into OUT. 0, or -1 with errno ENAMETOOLONG. */
int userfile_path(char *out, size_t len, const char *dir);

/* Reads file PATH into L (empty, { 0 }; a missing file is no users) and, when
 * ID is not NULL, sets what the file read looked like. PATH must be a
 * regular file and no symbolic link (as root, one with a single link too:
 * it may be read in a data dir another account owns). A blank line is
 * ignored; a malformed or repeated one is skipped with a warning naming its
 * number, never its text (it may be a secret). 0, or -1 (logged; L then
 * holds what was read so far, for the caller to free). */
int userfile_read(const char *path, struct user_list *l, struct userfile_id *id);

/* The user called NAME in L (a pointer into L, valid until L changes), or NULL. */
struct user *userfile_list_find(const struct user_list *l, const char *name);

/* Frees what L holds and empties it ({ 0 }). */
void userfile_list_free(struct user_list *l);

/* What PATH (a link itself, not its target) looks like now, into *ID
 * (present 0 when it does not exist).
 * 0, or -1 with errno when stat fails other than with ENOENT. */
int userfile_id_of(const char *path, struct userfile_id *id);

/* 1 when A and B describe the same file contents (or both no file), else 0. */
int userfile_id_same(const struct userfile_id *a, const struct userfile_id *b);

/* The locked read-change-write of DIR/users: OP on NAME, HASH the new crypt
 * hash (add, passwd; NULL for del). DIR is created on add. Takes the file
 * lock and releases it before returning. 0; -1 with a one-line reason in ERR;
 * USERFILE_REFUSED with ERR ("invalid user name", "user bob exists",
 * "no user bob"). */
int userfile_change(const char *dir, enum userfile_op op, const char *name,
                    const char *hash, char *err, size_t errlen);

/* Admin operations on DATA_DIR/users, each under the file lock; add and
 * passwd check and hash PASS (slow: crypt). 0, or -1 with a one-line reason
 * in ERR ("user bob exists", "empty password", ...). */
int userfile_add(const char *data_dir, const char *name, const char *pass,
                 char *err, size_t errlen);
int userfile_passwd(const char *data_dir, const char *name, const char *pass,
                    char *err, size_t errlen);
int userfile_del(const char *data_dir, const char *name, char *err, size_t errlen);

/* Writes the user names of DATA_DIR/users to OUT, one a line, in file order.
 * 0, or -1 with ERR. */
int userfile_list(const char *data_dir, FILE *out, char *err, size_t errlen);

/* 1 when DATA_DIR/users holds NAME, 0 when not (or NAME is invalid), -1 when
 * it cannot be read. No lock: the file is only ever replaced whole. */
int userfile_has(const char *data_dir, const char *name);

#endif
