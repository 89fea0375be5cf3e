/* test_userfile.c: the users file: user names, the locked add, passwd and
 * del with their refusals, listing, creating the data dir, concurrent writers
 * and a writer waiting for the file lock, then re-reading. */
#include "unit.h"
#include "users_testutil.h"
#include "server_defaults.h"
#include "passhash.h"
#include "userfile.h"

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

UNIT_TEST(userfile_valid_name_rules)
{
	char long_name[USER_NAME_MAX + 2];

	CHECK(userfile_valid_name("alice"));
	CHECK(userfile_valid_name("A.b_c-9"));
	CHECK(!userfile_valid_name(""));
	CHECK(!userfile_valid_name(NULL));
	CHECK(!userfile_valid_name(".hidden"));
	CHECK(!userfile_valid_name("-opt"));
	CHECK(!userfile_valid_name("a b"));
	CHECK(!userfile_valid_name("a:b"));
	CHECK(!userfile_valid_name("../etc"));
	CHECK(!userfile_valid_name("a/b"));
	memset(long_name, 'x', sizeof long_name);
	long_name[USER_NAME_MAX] = '\0';
	CHECK(userfile_valid_name(long_name));
	long_name[USER_NAME_MAX] = 'x';
	long_name[USER_NAME_MAX + 1] = '\0';
	CHECK(!userfile_valid_name(long_name));
}

UNIT_TEST(userfile_add_passwd_del_round_trip)
{
	const char *dir = unit_tmpdir();
	char path[512], err[256], *text, *list, *old;
	struct stat st;

	users_testutil_path(path, sizeof path, dir);
	CHECK_INT(userfile_add(dir, "alice", "s3cret-pw", err, sizeof err), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == DATA_FILE_MODE);
	text = users_testutil_slurp(path);
	CHECK(text != NULL && strncmp(text, "alice:$y$", 9) == 0);
	CHECK(text != NULL && strstr(text, "s3cret-pw") == NULL);
	CHECK_INT(userfile_add(dir, "alice", "other", err, sizeof err), -1);
	CHECK_STR(err, "user alice exists");
	CHECK_INT(userfile_passwd(dir, "bob", "x", err, sizeof err), -1);
	CHECK_STR(err, "no user bob");
	CHECK_INT(userfile_add(dir, "bob", "bob-pw", err, sizeof err), 0);
	CHECK_INT(userfile_passwd(dir, "alice", "new-pw", err, sizeof err), 0);
	old = text;
	text = users_testutil_slurp(path);
	CHECK(text != NULL && old != NULL && strncmp(text, old, strlen(old) - 1) != 0);
	CHECK_STR(list = users_testutil_list(dir), "alice\nbob\n");
	free(list);
	CHECK_INT(userfile_del(dir, "alice", err, sizeof err), 0);
	CHECK_INT(userfile_del(dir, "alice", err, sizeof err), -1);
	CHECK_STR(list = users_testutil_list(dir), "bob\n");
	CHECK_INT(userfile_has(dir, "bob"), 1);
	CHECK_INT(userfile_has(dir, "alice"), 0);
	CHECK_INT(count_tmp_files(dir), 0);
	free(list);
	free(text);
	free(old);
}

UNIT_TEST(userfile_refuses_bad_input)
{
	const char *dir = unit_tmpdir();
	char err[256], big[PASSWORD_MAX + 2];

	memset(big, 'p', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK_INT(userfile_add(dir, "bad name", "pw", err, sizeof err), -1);
	CHECK_INT(userfile_add(dir, "carol", "", err, sizeof err), -1);
	CHECK_STR(err, "empty password");
	CHECK_INT(userfile_add(dir, "carol", big, err, sizeof err), -1);
	CHECK_INT(userfile_del(dir, "../x", err, sizeof err), -1);
	CHECK_INT(userfile_has(dir, "carol"), 0);
}

UNIT_TEST(userfile_add_creates_missing_data_dir)
{
	char dir[512], err[256];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/data", unit_tmpdir());
	CHECK_INT(userfile_passwd(dir, "alice", "pw", err, sizeof err), -1);
	CHECK_STR(err, "no user alice");
	CHECK(stat(dir, &st) == -1);
	CHECK_INT(userfile_add(dir, "alice", "pw", err, sizeof err), 0);
	CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == DATA_DIR_MODE);
	CHECK_INT(userfile_has(dir, "alice"), 1);
}

struct adder { const char *dir; int id; int failures; };

static void *
adder_run(void *arg)
{
	struct adder *a = arg;
	char name[32], err[256];

	for (int i = 0; i < TEST_ADDS_PER_THREAD; i++) {
		snprintf(name, sizeof name, "t%d-u%d", a->id, i);
		if (userfile_add(a->dir, name, "pw", err, sizeof err) != 0)
			a->failures++;
	}
	return NULL;
}

UNIT_TEST(userfile_concurrent_adds_lose_nobody)
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
			CHECK_INT(userfile_has(dir, name), 1);
		}
	CHECK_INT(count_tmp_files(dir), 0);
}

struct locked_add { const char *dir; int rc; };

static void *
locked_add_run(void *arg)
{
	struct locked_add *a = arg;
	char err[256];

	a->rc = userfile_add(a->dir, "waiter", "pw", err, sizeof err);
	return NULL;
}

UNIT_TEST(userfile_writer_waits_for_the_lock_and_rereads)
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
	CHECK_INT(userfile_has(dir, "waiter"), 0);
	/* another writer's change, made while holding the lock */
	users_testutil_path(path, sizeof path, dir);
	CHECK_INT(passhash_make("pw", hash, sizeof hash), 0);
	snprintf(line, sizeof line, "zed:%s\n", hash);
	CHECK_INT(users_testutil_replace(path, line), 0);
	close(lfd);
	pthread_join(th, NULL);
	CHECK_INT(a.rc, 0);
	CHECK_STR(list = users_testutil_list(dir), "zed\nwaiter\n");
	free(list);
}
