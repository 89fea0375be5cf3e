/* test_maildir.c: delivery to one and many Maildirs lands whole in new/;
 * abort and failed commits leave nothing; a full disk fails cleanly;
 * clean_tmp counts what it removes; making, cleaning and purging follow no
 * symbolic link at any level. */
#include "unit.h"
#include "server_defaults.h"
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
#include <time.h>

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
		char why[UNIT_WHY_MAX];
		snprintf(why, sizeof why, "cannot mount a small tmpfs (needs root): %s",
		         strerror(errno));
		unit_skip(why);
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

	CHECK_INT(maildir_clean_tmp(data, 1), 0);
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
	CHECK_INT(maildir_clean_tmp(data, 1), 3);
	CHECK_INT(count_in(data, "alice", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "bob", "tmp", NULL, 0), 0);
	CHECK_INT(count_in(data, "bob", "new", NULL, 0), 1);
	CHECK_INT(maildir_clean_tmp(data, 1), 0);
	for (int i = 0; i < 3; i++)
		maildir_abort(left[i]);  /* frees; the files are gone already */
}

/* Makes DIR/NAME holding TEXT. 0, or -1. */
static int
put_file(const char *dir, const char *name, const char *text)
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* Sets DIR/NAME's times SECONDS into the past. 0, or -1. */
static int
age_file(const char *dir, const char *name, long seconds)
{
	char path[700];
	struct timespec ts[2];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= seconds;
	ts[1] = ts[0];
	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

/* 1 when DIR/NAME exists (a link itself counts). */
static int
exists_at(const char *dir, const char *name)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

/* DIR/A[/B] into OUT, made as a directory (mkdir -p for two levels). */
static const char *
make_dir(char *out, size_t len, const char *dir, const char *a, const char *b)
{
	snprintf(out, len, "%s/%s", dir, a);
	mkdir(out, 0700);
	if (b != NULL) {
		snprintf(out, len, "%s/%s/%s", dir, a, b);
		mkdir(out, 0700);
	}
	return out;
}

UNIT_TEST(maildir_clean_tmp_follows_no_link)
{
	const char *top = unit_tmpdir();
	char data[600], mail[620], outside[600], other[600], path[700];

	/* outside: files the data dir's owner must not get deleted */
	make_dir(outside, sizeof outside, top, "outside", NULL);
	make_dir(other, sizeof other, top, "other", "tmp");
	CHECK_INT(put_file(outside, "passwd", "root-only\n"), 0);
	CHECK_INT(put_file(outside, "shadow", "root-only\n"), 0);
	CHECK_INT(put_file(other, "f", "x\n"), 0);
	make_dir(data, sizeof data, top, "data", NULL);
	make_dir(mail, sizeof mail, data, MAIL_DIR_NAME, NULL);
	/* mail/x/tmp -> outside; mail/y -> other (which has a tmp/); mail/z/tmp
	 * holds a link to a file outside, a FIFO and one partial message */
	make_dir(path, sizeof path, mail, "x", NULL);
	snprintf(path, sizeof path, "%s/x/tmp", mail);
	CHECK_INT(symlink(outside, path), 0);
	snprintf(path, sizeof path, "%s/y", mail);
	snprintf(other, sizeof other, "%s/other", top);
	CHECK_INT(symlink(other, path), 0);
	make_dir(path, sizeof path, mail, "z", "tmp");
	CHECK_INT(put_file(path, "partial", "half a message"), 0);
	CHECK_INT(age_file(path, "partial", MAILDIR_TMP_STALE_S + 60), 0);   /* nobody's */
	snprintf(mail, sizeof mail, "%s/passwd", outside);
	snprintf(other, sizeof other, "%s/evil", path);
	CHECK_INT(symlink(mail, other), 0);
	snprintf(other, sizeof other, "%s/fifo", path);
	CHECK_INT(mkfifo(other, 0600), 0);
	CHECK_INT(maildir_clean_tmp(data, 1), 1);
	CHECK(!exists_at(path, "partial"));
	CHECK(exists_at(path, "evil") && exists_at(path, "fifo"));
	CHECK(exists_at(outside, "passwd") && exists_at(outside, "shadow"));
	snprintf(other, sizeof other, "%s/other/tmp", top);
	CHECK(exists_at(other, "f"));
	/* mail itself a link to a tree with a tmp/ */
	snprintf(mail, sizeof mail, "%s/%s", data, MAIL_DIR_NAME);
	snprintf(path, sizeof path, "%s/%s.real", data, MAIL_DIR_NAME);
	CHECK_INT(rename(mail, path), 0);
	snprintf(path, sizeof path, "%s/tree", top);
	make_dir(path, sizeof path, top, "tree", "u");
	make_dir(path, sizeof path, top, "tree/u", "tmp");
	CHECK_INT(put_file(path, "f", "x\n"), 0);
	snprintf(other, sizeof other, "%s/tree", top);
	CHECK_INT(symlink(other, mail), 0);
	CHECK_INT(maildir_clean_tmp(data, 1), -1);
	CHECK(exists_at(path, "f"));
}

UNIT_TEST(maildir_ensure_follows_no_link)
{
	const char *top = unit_tmpdir();
	char data[600], mail[620], outside[600], path[700], err[1024];

	make_dir(outside, sizeof outside, top, "outside", NULL);
	make_dir(data, sizeof data, top, "data", NULL);
	snprintf(mail, sizeof mail, "%s/%s", data, MAIL_DIR_NAME);
	CHECK_INT(symlink(outside, mail), 0);                 /* mail -> outside */
	CHECK_INT(maildir_ensure(data, "bob", err, sizeof err), -1);
	CHECK(strstr(err, "symbolic link") != NULL);
	CHECK(!exists_at(outside, "bob"));
	CHECK_INT(unlink(mail), 0);
	make_dir(mail, sizeof mail, data, MAIL_DIR_NAME, NULL);
	snprintf(path, sizeof path, "%s/bob", mail);           /* mail/bob -> outside */
	CHECK_INT(symlink(outside, path), 0);
	CHECK_INT(maildir_ensure(data, "bob", err, sizeof err), -1);
	CHECK(!exists_at(outside, "tmp"));
	CHECK_INT(unlink(path), 0);
	make_dir(path, sizeof path, mail, "bob", NULL);        /* mail/bob/new -> outside */
	snprintf(path, sizeof path, "%s/bob/new", mail);
	CHECK_INT(symlink(outside, path), 0);
	CHECK_INT(maildir_ensure(data, "bob", err, sizeof err), -1);
	CHECK(strstr(err, "bob/new") != NULL);
	CHECK_INT(unlink(path), 0);
	CHECK_INT(maildir_ensure(data, "bob", err, sizeof err), 0);
	CHECK_INT(count_in(data, "bob", "new", NULL, 0), 0);
	DIR *d = opendir(outside);
	int n = 0;
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	CHECK_INT(n, 0);
}

UNIT_TEST(maildir_exists_and_purge)
{
	const char *top = unit_tmpdir();
	const char *users[] = { "bob" };
	char data[600], outside[600], path[700], err[1024];
	size_t files = 99;
	struct maildir_msg *m, *partial;

	make_dir(outside, sizeof outside, top, "outside", NULL);
	CHECK_INT(put_file(outside, "passwd", "root-only\n"), 0);
	make_dir(data, sizeof data, top, "data", NULL);
	CHECK_INT(maildir_exists(data, "bob"), 0);
	CHECK_INT(maildir_purge(data, "bob", &files, err, sizeof err), 0);
	CHECK_INT(files, 0);
	m = maildir_begin(data, "bob", err, sizeof err);
	CHECK(m != NULL && maildir_commit(m, users, 1, err, sizeof err) == 0);
	partial = maildir_begin(data, "bob", err, sizeof err);   /* a partial one too */
	CHECK(partial != NULL);
	CHECK_INT(maildir_exists(data, "bob"), 1);
	CHECK_INT(maildir_exists(data, "../x"), -1);
	/* a link inside: checked first, so nothing at all is removed */
	snprintf(path, sizeof path, "%s/%s/bob/cur/evil", data, MAIL_DIR_NAME);
	snprintf(err, sizeof err, "%s/passwd", outside);
	CHECK_INT(symlink(err, path), 0);
	CHECK_INT(maildir_purge(data, "bob", &files, err, sizeof err), -1);
	CHECK(strstr(err, "cur/evil") != NULL && strstr(err, "symbolic link") != NULL);
	CHECK(exists_at(outside, "passwd"));
	CHECK_INT(count_in(data, "bob", "new", NULL, 0), 1);
	CHECK_INT(count_in(data, "bob", "tmp", NULL, 0), 1);
	CHECK_INT(unlink(path), 0);
	/* a stranger in the Maildir itself stops it too */
	snprintf(path, sizeof path, "%s/%s/bob", data, MAIL_DIR_NAME);
	CHECK_INT(put_file(path, "notes", "x"), 0);
	CHECK_INT(maildir_purge(data, "bob", &files, err, sizeof err), -1);
	CHECK(strstr(err, "bob/notes") != NULL);
	snprintf(path, sizeof path, "%s/%s/bob/notes", data, MAIL_DIR_NAME);
	CHECK_INT(unlink(path), 0);
	CHECK_INT(maildir_purge(data, "bob", &files, err, sizeof err), 1);
	CHECK_INT(files, 2);
	CHECK_INT(maildir_exists(data, "bob"), 0);
	/* the Maildir a link: the link is named, its target left */
	snprintf(path, sizeof path, "%s/%s/carol", data, MAIL_DIR_NAME);
	CHECK_INT(symlink(outside, path), 0);
	CHECK_INT(maildir_exists(data, "carol"), 1);
	CHECK_INT(maildir_purge(data, "carol", &files, err, sizeof err), -1);
	CHECK(strstr(err, "symbolic link") != NULL);
	CHECK(exists_at(outside, "passwd"));
	maildir_abort(partial);   /* frees; its file went with the purge */
}

/* Several servers share the data dir: the start-up clean takes this
 * node's leftovers (when it holds the node's lock) and anything older than
 * MAILDIR_TMP_STALE_S, never another node's message in progress. */
UNIT_TEST(maildir_clean_tmp_leaves_other_nodes_messages)
{
	const char *data = unit_tmpdir();
	char err[256], tmp[600], mine[MAILDIR_ID_MAX];
	struct maildir_msg *m;

	CHECK_INT(maildir_set_node("nodeA-127.0.0.11", err, sizeof err), 0);
	CHECK_STR(maildir_node(), "nodeA-127.0.0.11");
	m = maildir_begin(data, "bob", err, sizeof err);     /* a crash of this node leaves it */
	CHECK(m != NULL);
	snprintf(mine, sizeof mine, "%s", m != NULL ? maildir_id(m) : "");
	CHECK(maildir_name_is_node(mine, "nodeA-127.0.0.11"));
	CHECK(!maildir_name_is_node(mine, "127.0.0.11"));
	CHECK(!maildir_name_is_node(mine, "nodeA-127.0.0.1"));
	snprintf(tmp, sizeof tmp, "%s/%s/bob/tmp", data, MAIL_DIR_NAME);
	/* node B's delivery in progress, and a day-and-a-half-old one of a gone node */
	CHECK_INT(put_file(tmp, "1800000000.M1P2Q3R0123456789abcdef.nodeB-127.0.0.12", "x"), 0);
	CHECK_INT(put_file(tmp, "1700000000.M1P2Q3R0123456789abcdef.gone", "y"), 0);
	CHECK_INT(age_file(tmp, "1700000000.M1P2Q3R0123456789abcdef.gone",
	                   MAILDIR_TMP_STALE_S + 60), 0);
	/* another process holds this node's lock: its own recent file stays too */
	CHECK_INT(maildir_clean_tmp(data, 0), 1);
	CHECK(exists_at(tmp, mine));
	CHECK(exists_at(tmp, "1800000000.M1P2Q3R0123456789abcdef.nodeB-127.0.0.12"));
	CHECK(!exists_at(tmp, "1700000000.M1P2Q3R0123456789abcdef.gone"));
	CHECK_INT(maildir_clean_tmp(data, 1), 1);
	CHECK(!exists_at(tmp, mine));
	CHECK(exists_at(tmp, "1800000000.M1P2Q3R0123456789abcdef.nodeB-127.0.0.12"));
	maildir_abort(m);
}

UNIT_TEST(maildir_node_names_are_escaped_never_cut)
{
	char err[256], name[200];
	struct maildir_msg *m;
	const char *data = unit_tmpdir();

	CHECK_INT(maildir_set_node("host-::1/x,y", err, sizeof err), 0);
	CHECK_STR(maildir_node(), "host-\\072\\0721\\057x\\054y");
	m = maildir_begin(data, "bob", err, sizeof err);
	CHECK(m != NULL && strstr(maildir_id(m), ".host-\\072\\0721\\057x\\054y") != NULL);
	maildir_abort(m);
	memset(name, 'n', sizeof name);
	name[MAILDIR_NODE_MAX] = '\0';
	CHECK_INT(maildir_set_node(name, err, sizeof err), 0);
	name[MAILDIR_NODE_MAX - 1] = ':';                     /* 99 escaped: refused */
	CHECK_INT(maildir_set_node(name, err, sizeof err), -1);
	CHECK(strstr(err, "--node-name") != NULL);
	CHECK_INT(maildir_set_node("", err, sizeof err), -1);
	CHECK_INT(maildir_set_node("nodeA-127.0.0.11", err, sizeof err), 0);
}

/* userdel --purge takes the POP3 lock file with the Maildir, unless it is
 * not a regular file (a link is named and everything left). */
UNIT_TEST(maildir_purge_takes_the_pop3_lock_file)
{
	const char *data = unit_tmpdir();
	char err[1024], ufd_path[600], target[700];
	size_t files;

	CHECK_INT(maildir_ensure(data, "lena", err, sizeof err), 0);
	snprintf(ufd_path, sizeof ufd_path, "%s/%s/lena", data, MAIL_DIR_NAME);
	snprintf(target, sizeof target, "%s/elsewhere", data);
	CHECK_INT(put_file(data, "elsewhere", "keep"), 0);
	CHECK_INT(symlink(target, strcat(strcpy(err, ufd_path), "/" MAILDROP_LOCK_NAME)), 0);
	CHECK_INT(maildir_purge(data, "lena", &files, err, sizeof err), -1);
	CHECK(strstr(err, MAILDROP_LOCK_NAME) != NULL && strstr(err, "symbolic link") != NULL);
	CHECK(exists_at(data, "elsewhere") && exists_at(ufd_path, "new"));
	CHECK_INT(unlink(strcat(strcpy(err, ufd_path), "/" MAILDROP_LOCK_NAME)), 0);
	CHECK_INT(put_file(ufd_path, MAILDROP_LOCK_NAME, ""), 0);
	CHECK_INT(maildir_purge(data, "lena", &files, err, sizeof err), 1);
	CHECK_INT(maildir_exists(data, "lena"), 0);
}
