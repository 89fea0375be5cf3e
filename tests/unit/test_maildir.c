/* test_maildir.c: delivery to one and many Maildirs lands whole in new/;
 * abort and failed commits leave nothing; a full disk fails cleanly;
 * clean_tmp counts what it removes. */
#include "unit.h"
#include "defaults.h"
#include "maildir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_BIG        (200 * 1024)   /* bigger than the write buffer */
#define TEST_LINES      1000
#define TEST_FSIZE      (100 * 1024)   /* RLIMIT_FSIZE for the write-failure test */
#define TEST_TMPFS_OPTS "size=64k"

/* Files in DATA/mail/USER/SUB (not . and ..), or -1 if it cannot be read;
 * the last name goes to NAME when not NULL. */
static int
count_in(const char *data, const char *user, const char *sub, char *name, size_t len)
{
	char path[600];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "%s/%s/%s/%s", data, MAIL_DIR_NAME, user, sub);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (name != NULL)
			snprintf(name, len, "%s", e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* Writes a test message (many short lines, then a big block) to M; keeps a
 * copy in a malloc'd *OUT. 0, or -1. */
static int
write_message(struct maildir_msg *m, char **out, size_t *outlen)
{
	FILE *mem = open_memstream(out, outlen);
	char line[80];

	for (int i = 0; i < TEST_LINES; i++) {
		int n = snprintf(line, sizeof line, "Line %d of the test message\r\n", i);
		if (maildir_write(m, line, (size_t)n) == -1)
			return -1;
		fwrite(line, 1, (size_t)n, mem);
	}
	char *big = malloc(TEST_BIG);
	for (size_t i = 0; i < TEST_BIG; i++)
		big[i] = (char)('a' + i % 26);
	int rc = maildir_write(m, big, TEST_BIG);
	fwrite(big, 1, TEST_BIG, mem);
	free(big);
	fclose(mem);
	return rc;
}

/* 1 when DATA/mail/USER/new/ID holds exactly WANT (WANTLEN bytes). */
static int
new_holds(const char *data, const char *user, const char *id, const char *want,
          size_t wantlen, struct stat *st)
{
	char path[600], *buf;
	int fd, same;

	/* named with its size and its POP3 size: write_message's lines end in
	 * CRLF but the last, which POP3 ends with one more CRLF */
	snprintf(path, sizeof path, "%s/%s/%s/new/%s,S=%zu,W=%zu", data, MAIL_DIR_NAME, user, id,
	         wantlen, wantlen + 2);
	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, st) == -1)
		return 0;
	buf = malloc(wantlen + 1);
	same = (size_t)read(fd, buf, wantlen + 1) == wantlen && memcmp(buf, want, wantlen) == 0;
	free(buf);
	close(fd);
	return same;
}

UNIT_TEST(maildir_single_delivery_lands_whole)
{
	const char *data = unit_tmpdir();
	char err[256], id[MAILDIR_ID_MAX], *want = NULL, path[600];
	const char *users[] = { "alice" };
	struct maildir_msg *m = maildir_begin(data, "alice", err, sizeof err);
	struct stat st;
	size_t wantlen = 0;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	snprintf(id, sizeof id, "%s", maildir_id(m));
	CHECK(strstr(id, ".M") != NULL && strstr(id, "P") != NULL && strstr(id, "Q") != NULL);
	CHECK(strchr(id, '/') == NULL && strchr(id, ':') == NULL);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 1);
	CHECK_INT(write_message(m, &want, &wantlen), 0);
	CHECK_INT(maildir_size(m), wantlen);
	CHECK_INT(maildir_commit(m, users, 1, err, sizeof err), 0);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "alice", "new", NULL, 0), 1);
	CHECK_INT(count_in(data, "alice", "cur", NULL, 0), 0);
	CHECK(new_holds(data, "alice", id, want, wantlen, &st));
	CHECK_INT(st.st_mode & 0777, DATA_FILE_MODE);
	snprintf(path, sizeof path, "%s/%s/alice", data, MAIL_DIR_NAME);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == DATA_DIR_MODE);
	free(want);
}

UNIT_TEST(maildir_multi_delivery_links_into_every_new)
{
	const char *data = unit_tmpdir();
	const char *users[] = { "alice", "bob", "carol", "bob" };
	char err[256], id[MAILDIR_ID_MAX], *want = NULL;
	struct maildir_msg *m = maildir_begin(data, "alice", err, sizeof err);
	struct stat st;
	size_t wantlen = 0;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	snprintf(id, sizeof id, "%s", maildir_id(m));
	CHECK_INT(write_message(m, &want, &wantlen), 0);
	CHECK_INT(maildir_commit(m, users, 4, err, sizeof err), 0);
	for (int i = 0; i < 3; i++) {
		CHECK(new_holds(data, users[i], id, want, wantlen, &st));
		CHECK_INT(st.st_nlink, 3);
		CHECK_INT(count_in(data, users[i], "new", NULL, 0), 1);
		CHECK_INT(count_in(data, users[i], "tmp", NULL, 0), 0);
		CHECK_INT(count_in(data, users[i], "cur", NULL, 0), 0);
	}
	free(want);
}

UNIT_TEST(maildir_names_are_unique)
{
	const char *data = unit_tmpdir();
	char err[256], first[MAILDIR_ID_MAX];
	struct maildir_msg *a = maildir_begin(data, "alice", err, sizeof err);
	struct maildir_msg *b = maildir_begin(data, "alice", err, sizeof err);

	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	snprintf(first, sizeof first, "%s", maildir_id(a));
	CHECK(strcmp(first, maildir_id(b)) != 0);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 2);
	maildir_abort(a);
	maildir_abort(b);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "alice", "new", NULL, 0), 0);
}

UNIT_TEST(maildir_refuses_bad_mailbox_names)
{
	const char *data = unit_tmpdir();
	char err[256];
	const char *users[] = { "alice", "../evil" };
	struct maildir_msg *m;

	CHECK(maildir_begin(data, "../x", err, sizeof err) == NULL);
	CHECK(maildir_begin(data, "", err, sizeof err) == NULL);
	CHECK_INT(maildir_ensure(data, "a/b", err, sizeof err), -1);
	m = maildir_begin(data, "alice", err, sizeof err);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK_INT(maildir_write(m, "x\r\n", 3), 0);
	CHECK_INT(maildir_commit(m, users, 2, err, sizeof err), -1);
	CHECK_INT(count_in(data, "alice", "new", NULL, 0), 0);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
}

UNIT_TEST(maildir_failed_commit_leaves_nothing)
{
	const char *data = unit_tmpdir();
	const char *users[] = { "alice", "bob", "zed" };
	const char *wrong_first[] = { "bob" };
	char err[256], path[600];
	struct maildir_msg *m;
	FILE *f;

	/* zed's new/ is a file: the rename into it fails after alice's and bob's */
	CHECK_INT(maildir_ensure(data, "zed", err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/%s/zed/new", data, MAIL_DIR_NAME);
	CHECK_INT(rmdir(path), 0);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f != NULL)
		fclose(f);
	m = maildir_begin(data, "alice", err, sizeof err);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK_INT(maildir_write(m, "Subject: x\r\n\r\nbody\r\n", 20), 0);
	err[0] = '\0';
	CHECK_INT(maildir_commit(m, users, 3, err, sizeof err), -1);
	CHECK(err[0] != '\0');
	CHECK_INT(count_in(data, "alice", "new", NULL, 0), 0);
	CHECK_INT(count_in(data, "bob", "new", NULL, 0), 0);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "bob", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "zed", "tmp", NULL, 0), 0);
	m = maildir_begin(data, "alice", err, sizeof err);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK_INT(maildir_commit(m, wrong_first, 1, err, sizeof err), -1);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "bob", "new", NULL, 0), 0);
}

UNIT_TEST(maildir_abort_leaves_nothing)
{
	const char *data = unit_tmpdir();
	char err[256], *copy = NULL;
	size_t len = 0;
	struct maildir_msg *m = maildir_begin(data, "alice", err, sizeof err);

	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK_INT(write_message(m, &copy, &len), 0);
	maildir_abort(m);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "alice", "new", NULL, 0), 0);
	free(copy);
}

/* Writes 64 KiB blocks to a new message until one fails; returns the errno
 * of that failure (0 if none did), then checks the commit fails cleanly. */
static int
fill_until_failure(const char *data)
{
	static char block[MAILDIR_WRITE_BUF];
	const char *users[] = { "alice" };
	char err[256];
	struct maildir_msg *m = maildir_begin(data, "alice", err, sizeof err);
	int saved = 0;

	if (m == NULL)
		return -1;
	for (int i = 0; i < 16 && saved == 0; i++)
		if (maildir_write(m, block, sizeof block) == -1)
			saved = errno;
	CHECK(maildir_write(m, "x", 1) == -1 || saved == 0);
	CHECK_INT(maildir_commit(m, users, 1, err, sizeof err), -1);
	CHECK_INT(count_in(data, "alice", "new", NULL, 0), 0);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	return saved;
}

UNIT_TEST(maildir_write_failure_is_clean)
{
	const char *data = unit_tmpdir();
	struct rlimit old, small;
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);

	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	small = old;
	small.rlim_cur = TEST_FSIZE;
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
	int e = fill_until_failure(data);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_handler);
	CHECK_INT(e, EFBIG);
}

UNIT_TEST(maildir_disk_full_is_clean)
{
	char data[600];

	snprintf(data, sizeof data, "%s/small", unit_tmpdir());
	if (mkdir(data, 0700) == -1 || mount("tmpfs", data, "tmpfs", 0, TEST_TMPFS_OPTS) == -1) {
		printf("# skip: cannot mount a small tmpfs (needs root): %s\n", strerror(errno));
		return;
	}
	CHECK_INT(fill_until_failure(data), ENOSPC);
	CHECK(umount2(data, MNT_DETACH) == 0);
}

UNIT_TEST(maildir_clean_tmp_counts_removed_files)
{
	const char *data = unit_tmpdir();
	const char *users[] = { "bob" };
	char err[256], path[600];
	struct maildir_msg *left[3], *m;
	FILE *f;

	CHECK_INT(maildir_clean_tmp(data), 0);
	m = maildir_begin(data, "bob", err, sizeof err);
	CHECK(m != NULL && maildir_commit(m, users, 1, err, sizeof err) == 0);
	/* as if the server crashed mid-delivery: three files stay in tmp/ */
	left[0] = maildir_begin(data, "alice", err, sizeof err);
	left[1] = maildir_begin(data, "alice", err, sizeof err);
	left[2] = maildir_begin(data, "bob", err, sizeof err);
	CHECK(left[0] != NULL && left[1] != NULL && left[2] != NULL);
	snprintf(path, sizeof path, "%s/%s/stray-file", data, MAIL_DIR_NAME);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	CHECK_INT(maildir_clean_tmp(data), 3);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "bob", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "bob", "new", NULL, 0), 1);
	CHECK_INT(maildir_clean_tmp(data), 0);
	for (int i = 0; i < 3; i++)
		maildir_abort(left[i]);  /* frees; the files are gone already */
}
