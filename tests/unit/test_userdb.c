/* test_userdb.c: the database in memory: verify and its login cache, refresh
 * after outside changes, malformed lines and open registration (never of a
 * name whose Maildir exists). The file
 * operations are in test_userfile.c, hashing in test_passhash.c. */
#include "unit.h"
#include "users_testutil.h"
#include "server_defaults.h"
#include "maildir.h"
#include "passhash.h"
#include "userdb.h"
#include "userfile.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

UNIT_TEST(userdb_verify_good_and_bad)
{
	const char *dir = unit_tmpdir();
	char err[256];
	struct userdb *db;

	CHECK_INT(userfile_add(dir, "alice", "right", err, sizeof err), 0);
	db = userdb_open(dir, err, sizeof err);
	CHECK(db != NULL);
	if (db == NULL)
		return;
	CHECK_INT(userdb_count(db), 1);
	CHECK_INT(userdb_exists(db, "alice"), 1);
	CHECK_INT(userdb_exists(db, "nobody"), 0);
	CHECK_INT(userdb_verify(db, "alice", "right", 0), AUTH_OK);
	CHECK_INT(userdb_verify(db, "alice", "wrong", 0), AUTH_BAD);
	CHECK_INT(userdb_verify(db, "alice", "righ", 0), AUTH_BAD);
	CHECK_INT(userdb_verify(db, "alice", "", 0), AUTH_BAD);
	CHECK_INT(userdb_verify(db, "nobody", "right", 0), AUTH_BAD);
	CHECK_INT(userdb_verify(db, "bad name", "right", 0), AUTH_BAD);
	userdb_free(db);
}

UNIT_TEST(userdb_login_cache_follows_passwd_and_del)
{
	const char *dir = unit_tmpdir();
	char err[256];
	struct userdb *db;

	CHECK_INT(userfile_add(dir, "alice", "one", err, sizeof err), 0);
	if ((db = userdb_open(dir, err, sizeof err)) == NULL) {
		CHECK(db != NULL);
		return;
	}
	CHECK_INT(userdb_verify(db, "alice", "one", 0), AUTH_OK);
	CHECK_INT(userdb_cache_hits(db), 0);
	CHECK_INT(userdb_verify(db, "alice", "one", 0), AUTH_OK);
	CHECK_INT(userdb_cache_hits(db), 1);
	CHECK_INT(userdb_verify(db, "alice", "two", 0), AUTH_BAD);
	CHECK_INT(userfile_passwd(dir, "alice", "two", err, sizeof err), 0);
	CHECK_INT(userdb_verify(db, "alice", "one", 0), AUTH_BAD);
	CHECK_INT(userdb_cache_hits(db), 1);
	CHECK_INT(userdb_verify(db, "alice", "two", 0), AUTH_OK);
	CHECK_INT(userdb_verify(db, "alice", "two", 0), AUTH_OK);
	CHECK_INT(userdb_cache_hits(db), 2);
	CHECK_INT(userfile_del(dir, "alice", err, sizeof err), 0);
	CHECK_INT(userdb_verify(db, "alice", "two", 0), AUTH_BAD);
	CHECK_INT(userdb_exists(db, "alice"), 0);
	userdb_free(db);
}

UNIT_TEST(userdb_refresh_sees_outside_changes)
{
	const char *dir = unit_tmpdir();
	char path[512], hash[HASH_MAX], line[HASH_MAX + 80], err[256];
	struct userdb *db = userdb_open(dir, err, sizeof err);
	FILE *f;

	CHECK(db != NULL);
	if (db == NULL)
		return;
	CHECK_INT(userdb_count(db), 0);
	users_testutil_path(path, sizeof path, dir);
	CHECK_INT(passhash_make("carol-pw", hash, sizeof hash), 0);
	snprintf(line, sizeof line, "carol:%s\n", hash);
	CHECK_INT(users_testutil_replace(path, line), 0);
	CHECK_INT(userdb_exists(db, "carol"), 1);
	CHECK_INT(userdb_verify(db, "carol", "carol-pw", 0), AUTH_OK);
	f = fopen(path, "a");  /* same inode, grows */
	CHECK(f != NULL);
	if (f != NULL) {
		fprintf(f, "dave:%s\n", hash);
		fclose(f);
	}
	CHECK_INT(userdb_exists(db, "dave"), 1);
	CHECK_INT(userdb_count(db), 2);
	CHECK_INT(unlink(path), 0);
	CHECK_INT(userdb_refresh(db), 0);
	CHECK_INT(userdb_count(db), 0);
	CHECK_INT(userdb_verify(db, "carol", "carol-pw", 0), AUTH_BAD);
	userdb_free(db);
}

/* Opens DIR's database with stderr (where the log goes) captured in a
 * malloc'd *LOGGED. */
static struct userdb *
open_logged(const char *dir, char **logged)
{
	char name[] = "/tmp/sealed-userdb-log.XXXXXX", err[256];
	int fd = mkstemp(name), saved = dup(2);
	struct userdb *db;

	dup2(fd, 2);
	db = userdb_open(dir, err, sizeof err);
	dup2(saved, 2);
	close(saved);
	close(fd);
	*logged = users_testutil_slurp(name);
	unlink(name);
	return db;
}

UNIT_TEST(userdb_malformed_lines_are_skipped)
{
	const char *dir = unit_tmpdir();
	char path[512], hash[HASH_MAX], text[4 * HASH_MAX], err[256], *list, *logged;
	struct userdb *db;

	users_testutil_path(path, sizeof path, dir);
	CHECK_INT(passhash_make("pw", hash, sizeof hash), 0);
	snprintf(text, sizeof text,
	         "garbage without colon\nalice:%s\n:nohash\nbob:\n-bad:x\n\n"
	         "carol:%s\r\nalice:duplicate\nx:y:z\nno-newline-at-end", hash, hash);
	CHECK_INT(users_testutil_replace(path, text), 0);
	db = open_logged(dir, &logged);
	CHECK(logged != NULL && strstr(logged, "line 1 is malformed") != NULL);
	CHECK(logged != NULL && strstr(logged, "line 4 is malformed") != NULL);
	CHECK(logged != NULL && strstr(logged, "line 8 repeats user alice") != NULL);
	CHECK(logged != NULL && strstr(logged, "line 6") == NULL);
	CHECK(logged != NULL && strstr(logged, "garbage") == NULL);
	free(logged);
	CHECK(db != NULL);
	if (db == NULL)
		return;
	CHECK_INT(userdb_count(db), 2);
	CHECK_INT(userdb_verify(db, "carol", "pw", 0), AUTH_OK);
	CHECK_INT(userdb_verify(db, "alice", "pw", 0), AUTH_OK);
	CHECK_INT(userdb_exists(db, "bob"), 0);
	CHECK_STR(list = users_testutil_list(dir), "alice\ncarol\n");
	free(list);
	CHECK_INT(userfile_add(dir, "erin", "pw", err, sizeof err), 0);
	CHECK_STR(list = users_testutil_list(dir), "alice\ncarol\nerin\n");
	free(list);
	userdb_free(db);
}

UNIT_TEST(userdb_open_registration_adds_user)
{
	const char *dir = unit_tmpdir();
	char path[512], err[256], *text;
	struct userdb *db = userdb_open(dir, err, sizeof err);
	struct stat st;

	CHECK(db != NULL);
	if (db == NULL)
		return;
	CHECK_INT(userdb_verify(db, "newbie", "first-pw", 0), AUTH_BAD);
	CHECK_INT(userdb_count(db), 0);
	CHECK_INT(userdb_verify(db, "newbie", "first-pw", 1), AUTH_REGISTERED);
	CHECK_INT(userdb_exists(db, "newbie"), 1);
	CHECK_INT(userdb_count(db), 1);
	CHECK_INT(userdb_verify(db, "newbie", "first-pw", 1), AUTH_OK);
	CHECK_INT(userdb_verify(db, "newbie", "other-pw", 1), AUTH_BAD);
	CHECK_INT(userdb_verify(db, "bad name", "pw", 1), AUTH_BAD);
	CHECK_INT(userdb_verify(db, "empty", "", 1), AUTH_BAD);
	CHECK_INT(userdb_count(db), 1);
	users_testutil_path(path, sizeof path, dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == DATA_FILE_MODE);
	text = users_testutil_slurp(path);
	CHECK(text != NULL && strncmp(text, "newbie:$y$", 10) == 0);
	CHECK(text != NULL && strstr(text, "first-pw") == NULL);
	free(text);
	userdb_free(db);
}
UNIT_TEST(userdb_open_registration_refuses_a_name_with_a_maildir)
{
	const char *dir = unit_tmpdir();
	char err[256], path[600];
	struct userdb *db;

	/* bob was a user; userdel kept his Maildir */
	CHECK_INT(userfile_add(dir, "bob", "bob-pw", err, sizeof err), 0);
	CHECK_INT(maildir_ensure(dir, "bob", err, sizeof err), 0);
	CHECK_INT(userfile_del(dir, "bob", err, sizeof err), 0);
	/* and ghost's Maildir is a link: refused too */
	snprintf(path, sizeof path, "%s/%s/ghost", dir, MAIL_DIR_NAME);
	CHECK_INT(symlink("/", path), 0);
	db = userdb_open(dir, err, sizeof err);
	CHECK(db != NULL);
	if (db == NULL)
		return;
	CHECK_INT(userdb_verify(db, "bob", "any-pw", 1), AUTH_BAD);
	CHECK_INT(userdb_verify(db, "ghost", "any-pw", 1), AUTH_BAD);
	CHECK_INT(userdb_exists(db, "bob"), 0);
	CHECK_INT(userdb_count(db), 0);
	CHECK_INT(userdb_verify(db, "newbie", "pw", 1), AUTH_REGISTERED);
	CHECK_INT(userdb_count(db), 1);
	userdb_free(db);
}
