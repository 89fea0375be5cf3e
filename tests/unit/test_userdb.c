/* test_userdb.c: user names, hashing, the locked file operations, verify and
 * its login cache, refresh after outside changes, malformed lines, concurrent
 * writers and open registration. */
#include "unit.h"
#include "defaults.h"
#include "userdb.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <time.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_THREADS         2
#define TEST_ADDS_PER_THREAD 8
#define TEST_LOCK_HOLD_MS    300   /* how long the test holds users.lock */

/* The whole of PATH in a malloc'd string, or NULL. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL)
		return NULL;
	FILE *mem = open_memstream(&buf, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	return buf;
}

static void
users_path(char *out, size_t len, const char *dir)
{
	snprintf(out, len, "%s/%s", dir, USERS_FILE_NAME);
}

/* Replaces PATH with TEXT the way an outside editor might: new file, rename. */
static int
replace_file(const char *path, const char *text)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.edit", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* What userdb_file_list prints, in a malloc'd string. */
static char *
list_users(const char *dir)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (userdb_file_list(dir, mem, err, sizeof err) == -1) {
		fclose(mem);
		free(buf);
		return NULL;
	}
	fclose(mem);
	return buf;
}

static int
count_tmp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, USERS_TMP_PREFIX, strlen(USERS_TMP_PREFIX)) == 0)
			n++;
	closedir(d);
	return n;
}

UNIT_TEST(userdb_valid_name_rules)
{
	char long_name[USER_NAME_MAX + 2];

	CHECK(userdb_valid_name("alice"));
	CHECK(userdb_valid_name("A.b_c-9"));
	CHECK(!userdb_valid_name(""));
	CHECK(!userdb_valid_name(NULL));
	CHECK(!userdb_valid_name(".hidden"));
	CHECK(!userdb_valid_name("-opt"));
	CHECK(!userdb_valid_name("a b"));
	CHECK(!userdb_valid_name("a:b"));
	CHECK(!userdb_valid_name("../etc"));
	CHECK(!userdb_valid_name("a/b"));
	memset(long_name, 'x', sizeof long_name);
	long_name[USER_NAME_MAX] = '\0';
	CHECK(userdb_valid_name(long_name));
	long_name[USER_NAME_MAX] = 'x';
	long_name[USER_NAME_MAX + 1] = '\0';
	CHECK(!userdb_valid_name(long_name));
}

UNIT_TEST(userdb_hash_is_salted_yescrypt)
{
	char a[HASH_MAX], b[HASH_MAX];

	CHECK_INT(userdb_hash("pw", a, sizeof a), 0);
	CHECK_INT(userdb_hash("pw", b, sizeof b), 0);
	CHECK(strncmp(a, CRYPT_PREFIX, strlen(CRYPT_PREFIX)) == 0);
	CHECK(strcmp(a, b) != 0);
	CHECK_INT(userdb_hash("pw", a, 8), -1);
}

UNIT_TEST(userdb_file_add_passwd_del_round_trip)
{
	const char *dir = unit_tmpdir();
	char path[512], err[256], *text, *list, *old;
	struct stat st;

	users_path(path, sizeof path, dir);
	CHECK_INT(userdb_file_add(dir, "alice", "s3cret-pw", err, sizeof err), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == DATA_FILE_MODE);
	text = slurp(path);
	CHECK(text != NULL && strncmp(text, "alice:$y$", 9) == 0);
	CHECK(text != NULL && strstr(text, "s3cret-pw") == NULL);
	CHECK_INT(userdb_file_add(dir, "alice", "other", err, sizeof err), -1);
	CHECK_STR(err, "user alice exists");
	CHECK_INT(userdb_file_passwd(dir, "bob", "x", err, sizeof err), -1);
	CHECK_STR(err, "no user bob");
	CHECK_INT(userdb_file_add(dir, "bob", "bob-pw", err, sizeof err), 0);
	CHECK_INT(userdb_file_passwd(dir, "alice", "new-pw", err, sizeof err), 0);
	old = text;
	text = slurp(path);
	CHECK(text != NULL && old != NULL && strncmp(text, old, strlen(old) - 1) != 0);
	CHECK_STR(list = list_users(dir), "alice\nbob\n");
	free(list);
	CHECK_INT(userdb_file_del(dir, "alice", err, sizeof err), 0);
	CHECK_INT(userdb_file_del(dir, "alice", err, sizeof err), -1);
	CHECK_STR(list = list_users(dir), "bob\n");
	CHECK_INT(userdb_file_has(dir, "bob"), 1);
	CHECK_INT(userdb_file_has(dir, "alice"), 0);
	CHECK_INT(count_tmp_files(dir), 0);
	free(list);
	free(text);
	free(old);
}

UNIT_TEST(userdb_file_refuses_bad_input)
{
	const char *dir = unit_tmpdir();
	char err[256], big[PASSWORD_MAX + 2];

	memset(big, 'p', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK_INT(userdb_file_add(dir, "bad name", "pw", err, sizeof err), -1);
	CHECK_INT(userdb_file_add(dir, "carol", "", err, sizeof err), -1);
	CHECK_STR(err, "empty password");
	CHECK_INT(userdb_file_add(dir, "carol", big, err, sizeof err), -1);
	CHECK_INT(userdb_file_del(dir, "../x", err, sizeof err), -1);
	CHECK_INT(userdb_file_has(dir, "carol"), 0);
}

UNIT_TEST(userdb_file_add_creates_missing_data_dir)
{
	char dir[512], err[256];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/data", unit_tmpdir());
	CHECK_INT(userdb_file_passwd(dir, "alice", "pw", err, sizeof err), -1);
	CHECK_STR(err, "no user alice");
	CHECK(stat(dir, &st) == -1);
	CHECK_INT(userdb_file_add(dir, "alice", "pw", err, sizeof err), 0);
	CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == DATA_DIR_MODE);
	CHECK_INT(userdb_file_has(dir, "alice"), 1);
}

UNIT_TEST(userdb_verify_good_and_bad)
{
	const char *dir = unit_tmpdir();
	char err[256];
	struct userdb *db;

	CHECK_INT(userdb_file_add(dir, "alice", "right", err, sizeof err), 0);
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

	CHECK_INT(userdb_file_add(dir, "alice", "one", err, sizeof err), 0);
	if ((db = userdb_open(dir, err, sizeof err)) == NULL) {
		CHECK(db != NULL);
		return;
	}
	CHECK_INT(userdb_verify(db, "alice", "one", 0), AUTH_OK);
	CHECK_INT(userdb_cache_hits(db), 0);
	CHECK_INT(userdb_verify(db, "alice", "one", 0), AUTH_OK);
	CHECK_INT(userdb_cache_hits(db), 1);
	CHECK_INT(userdb_verify(db, "alice", "two", 0), AUTH_BAD);
	CHECK_INT(userdb_file_passwd(dir, "alice", "two", err, sizeof err), 0);
	CHECK_INT(userdb_verify(db, "alice", "one", 0), AUTH_BAD);
	CHECK_INT(userdb_cache_hits(db), 1);
	CHECK_INT(userdb_verify(db, "alice", "two", 0), AUTH_OK);
	CHECK_INT(userdb_verify(db, "alice", "two", 0), AUTH_OK);
	CHECK_INT(userdb_cache_hits(db), 2);
	CHECK_INT(userdb_file_del(dir, "alice", err, sizeof err), 0);
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
	users_path(path, sizeof path, dir);
	CHECK_INT(userdb_hash("carol-pw", hash, sizeof hash), 0);
	snprintf(line, sizeof line, "carol:%s\n", hash);
	CHECK_INT(replace_file(path, line), 0);
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
	*logged = slurp(name);
	unlink(name);
	return db;
}

UNIT_TEST(userdb_malformed_lines_are_skipped)
{
	const char *dir = unit_tmpdir();
	char path[512], hash[HASH_MAX], text[4 * HASH_MAX], err[256], *list, *logged;
	struct userdb *db;

	users_path(path, sizeof path, dir);
	CHECK_INT(userdb_hash("pw", hash, sizeof hash), 0);
	snprintf(text, sizeof text,
	         "garbage without colon\nalice:%s\n:nohash\nbob:\n-bad:x\n\n"
	         "carol:%s\r\nalice:duplicate\nx:y:z\nno-newline-at-end", hash, hash);
	CHECK_INT(replace_file(path, text), 0);
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
	CHECK_STR(list = list_users(dir), "alice\ncarol\n");
	free(list);
	CHECK_INT(userdb_file_add(dir, "erin", "pw", err, sizeof err), 0);
	CHECK_STR(list = list_users(dir), "alice\ncarol\nerin\n");
	free(list);
	userdb_free(db);
}

struct adder { const char *dir; int id; int failures; };

static void *
adder_run(void *arg)
{
	struct adder *a = arg;
	char name[32], err[256];

	for (int i = 0; i < TEST_ADDS_PER_THREAD; i++) {
		snprintf(name, sizeof name, "t%d-u%d", a->id, i);
		if (userdb_file_add(a->dir, name, "pw", err, sizeof err) != 0)
			a->failures++;
	}
	return NULL;
}

UNIT_TEST(userdb_concurrent_adds_lose_nobody)
{
	const char *dir = unit_tmpdir();
	struct adder a[TEST_THREADS];
	pthread_t th[TEST_THREADS];
	char name[32];

	for (int i = 0; i < TEST_THREADS; i++) {
		a[i] = (struct adder){ dir, i, 0 };
		CHECK(pthread_create(&th[i], NULL, adder_run, &a[i]) == 0);
	}
	for (int i = 0; i < TEST_THREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(a[i].failures, 0);
	}
	for (int t = 0; t < TEST_THREADS; t++)
		for (int i = 0; i < TEST_ADDS_PER_THREAD; i++) {
			snprintf(name, sizeof name, "t%d-u%d", t, i);
			CHECK_INT(userdb_file_has(dir, name), 1);
		}
	CHECK_INT(count_tmp_files(dir), 0);
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
	users_path(path, sizeof path, dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == DATA_FILE_MODE);
	text = slurp(path);
	CHECK(text != NULL && strncmp(text, "newbie:$y$", 10) == 0);
	CHECK(text != NULL && strstr(text, "first-pw") == NULL);
	free(text);
	userdb_free(db);
}

struct locked_add { const char *dir; int rc; };

static void *
locked_add_run(void *arg)
{
	struct locked_add *a = arg;
	char err[256];

	a->rc = userdb_file_add(a->dir, "waiter", "pw", err, sizeof err);
	return NULL;
}

UNIT_TEST(userdb_writer_waits_for_the_lock_and_rereads)
{
	const char *dir = unit_tmpdir();
	char path[512], hash[HASH_MAX], line[HASH_MAX + 80], *list;
	struct timespec hold = { 0, TEST_LOCK_HOLD_MS * 1000000L };
	struct locked_add a = { dir, -1 };
	pthread_t th;
	int lfd;

	snprintf(path, sizeof path, "%s/%s", dir, USERS_LOCK_NAME);
	lfd = open(path, O_RDWR | O_CREAT, 0600);
	CHECK(lfd != -1 && flock(lfd, LOCK_EX) == 0);
	CHECK(pthread_create(&th, NULL, locked_add_run, &a) == 0);
	nanosleep(&hold, NULL);
	CHECK_INT(userdb_file_has(dir, "waiter"), 0);
	/* another writer's change, made while holding the lock */
	users_path(path, sizeof path, dir);
	CHECK_INT(userdb_hash("pw", hash, sizeof hash), 0);
	snprintf(line, sizeof line, "zed:%s\n", hash);
	CHECK_INT(replace_file(path, line), 0);
	close(lfd);
	pthread_join(th, NULL);
	CHECK_INT(a.rc, 0);
	CHECK_STR(list = list_users(dir), "zed\nwaiter\n");
	free(list);
}
