/*
 * users_testutil.h: helpers shared by the users-file and user-database unit
 * tests: reading a whole file, replacing one as an editor would, the users
 * file's path and what `sealed users` lists.
 */
#ifndef SEALED_USERS_TESTUTIL_H
#define SEALED_USERS_TESTUTIL_H

#include <stddef.h>

/* The whole of PATH in a malloc'd string, or NULL. */
char *users_testutil_slurp(const char *path);

/* DIR/users into OUT. */
void users_testutil_path(char *out, size_t len, const char *dir);

/* Replaces PATH with TEXT the way an outside editor might: new file, rename.
 * 0, or -1. */
int users_testutil_replace(const char *path, const char *text);

/* What userfile_list prints for DIR, in a malloc'd string, or NULL. */
char *users_testutil_list(const char *dir);

#endif
