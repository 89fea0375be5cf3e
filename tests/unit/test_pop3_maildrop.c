/* test_pop3_maildrop.c: a POP3 session's maildrop on a temporary Maildir:
 * the scan (new/ and cur/, sorted, sized in CRLF octets, hidden files
 * skipped, a missing Maildir made), the one-session lock, deletion marks,
 * the move to cur/ on reading, and UPDATE removing only marked files. */
#include "unit.h"
#include "server_defaults.h"
#include "pop3_maildrop.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PATH_LEN 600

/* Writes TEXT to DATA/mail/USER/SUB/NAME, making the folders. */
static void
put(const char *data, const char *user, const char *sub, const char *name, const char *text)
{
	char path[PATH_LEN];
	static const char *const subs[] = { "tmp", "new", "cur" };

	snprintf(path, sizeof path, "%s/%s", data, MAIL_DIR_NAME);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%s/%s", data, MAIL_DIR_NAME, user);
	mkdir(path, 0700);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s/%s/%s", data, MAIL_DIR_NAME, user, subs[i]);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof path, "%s/%s/%s/%s/%s", data, MAIL_DIR_NAME, user, sub, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* 1 when DATA/mail/USER/SUB/NAME exists. */
static int
exists(const char *data, const char *user, const char *sub, const char *name)
{
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/%s/%s/%s/%s", data, MAIL_DIR_NAME, user, sub, name);
	return access(path, F_OK) == 0;
}

/* A maildrop of USER under DATA, scanned. */
static struct pop3_maildrop *
open_scanned(const char *data, const char *user)
{
	char err[256] = "";
	struct pop3_maildrop *md = pop3_maildrop_new(data, user);

	CHECK(md != NULL);
	if (md != NULL && pop3_maildrop_scan(md, err, sizeof err) == -1) {
		unit_fail(__FILE__, __LINE__, err);
		pop3_maildrop_free(md);
		return NULL;
	}
	return md;
}

/* Three messages: two in new/, one already seen in cur/, and a hidden file. */
static void
put_three(const char *d)
{
	put(d, "carol", "new", "1700000002.M2P1Q2.h", "Subject: two\n\n.dot\n");
	put(d, "carol", "new", "1700000001.M1P1Q1.h", "Subject: one\n\nbody\n");
	put(d, "carol", "cur", "1700000003.M3P1Q3.h:2,S", "Subject: three\r\n\r\nx");
	put(d, "carol", "new", ".hidden", "not mail\n");
}

UNIT_TEST(pop3_maildrop_scan_sorts_and_sizes)
{
	const char *d = unit_tmpdir();
	put_three(d);
	struct pop3_maildrop *md = open_scanned(d, "carol");
	if (md == NULL)
		return;
	CHECK_INT(md->n, 3);
	CHECK_STR(md->msgs[0].uid, "1700000001.M1P1Q1.h");
	CHECK_STR(md->msgs[1].uid, "1700000002.M2P1Q2.h");
	CHECK_STR(md->msgs[2].uid, "1700000003.M3P1Q3.h");
	CHECK_INT(md->msgs[0].size, strlen("Subject: one\r\n\r\nbody\r\n"));
	CHECK_INT(md->msgs[1].size, strlen("Subject: two\r\n\r\n.dot\r\n"));
	CHECK_INT(md->msgs[2].size, strlen("Subject: three\r\n\r\nx\r\n"));
	CHECK_INT(md->msgs[0].in_new, 1);
	CHECK_INT(md->msgs[2].in_new, 0);
	CHECK_INT(pop3_maildrop_count(md), 3);
	CHECK_INT(pop3_maildrop_octets(md), 22 + 22 + 21);
	CHECK(pop3_maildrop_get(md, 0) == NULL);
	CHECK(pop3_maildrop_get(md, 4) == NULL);
	CHECK(pop3_maildrop_get(md, 3) == &md->msgs[2]);
	pop3_maildrop_free(md);
}

UNIT_TEST(pop3_maildrop_missing_maildir_is_made_empty)
{
	const char *d = unit_tmpdir();
	struct pop3_maildrop *md = open_scanned(d, "dave");
	if (md == NULL)
		return;
	CHECK_INT(md->n, 0);
	CHECK_INT(pop3_maildrop_octets(md), 0);
	CHECK(exists(d, "dave", "new", "."));
	pop3_maildrop_free(md);
}

/* A maildrop of USER under DATA, locked: its *IN_USE when not. */
static struct pop3_maildrop *
open_locked(const char *data, const char *user, int *in_use)
{
	char err[256] = "";
	struct pop3_maildrop *md = pop3_maildrop_new(data, user);

	CHECK(md != NULL);
	if (md != NULL && pop3_maildrop_lock(md, in_use, err, sizeof err) == -1) {
		if (!*in_use)
			unit_fail(__FILE__, __LINE__, err);
		pop3_maildrop_free(md);
		return NULL;
	}
	return md;
}

UNIT_TEST(pop3_maildrop_one_session_per_user)
{
	const char *d = unit_tmpdir();
	int in_use = 0;
	struct pop3_maildrop *a = open_locked(d, "erin", &in_use);
	struct pop3_maildrop *b = open_locked(d, "erin", &in_use);

	CHECK(a != NULL);
	CHECK(b == NULL);
	CHECK_INT(in_use, 1);
	struct pop3_maildrop *other = open_locked(d, "frank", &in_use);
	CHECK(other != NULL);
	CHECK_INT(in_use, 0);
	pop3_maildrop_free(other);
	pop3_maildrop_free(a);
	b = open_locked(d, "erin", &in_use);
	CHECK(b != NULL);
	pop3_maildrop_free(b);
}

/* The lock is the kernel's: another process's session excludes this one,
 * and its death (SIGKILL) frees the maildrop at once. */
UNIT_TEST(pop3_maildrop_lock_spans_processes_and_dies_with_its_holder)
{
	const char *d = unit_tmpdir();
	int in_use = 0, ready[2], status;

	if (pipe(ready) == -1) {
		CHECK(!"pipe");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {                      /* the other node: lock, say so, wait */
		struct pop3_maildrop *md = open_locked(d, "gina", &in_use);
		char ok = md != NULL ? 'y' : 'n';
		if (write(ready[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char got = 0;
	CHECK(pid > 0 && read(ready[0], &got, 1) == 1 && got == 'y');
	struct pop3_maildrop *md = open_locked(d, "gina", &in_use);
	CHECK(md == NULL);
	CHECK_INT(in_use, 1);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid);
	md = open_locked(d, "gina", &in_use);
	CHECK(md != NULL);
	pop3_maildrop_free(md);
	close(ready[0]);
	close(ready[1]);
}

UNIT_TEST(pop3_maildrop_marks_and_update)
{
	const char *d = unit_tmpdir();
	put_three(d);
	struct pop3_maildrop *md = open_scanned(d, "carol");
	if (md == NULL)
		return;
	pop3_maildrop_mark(md, &md->msgs[0]);
	pop3_maildrop_mark(md, &md->msgs[0]);          /* twice counts once */
	CHECK_INT(pop3_maildrop_count(md), 2);
	CHECK_INT(pop3_maildrop_octets(md), 22 + 21);
	pop3_maildrop_unmark_all(md);
	CHECK_INT(pop3_maildrop_count(md), 3);
	pop3_maildrop_mark(md, &md->msgs[0]);
	pop3_maildrop_mark(md, &md->msgs[2]);
	pop3_maildrop_free(md);                          /* dropped: nothing removed */
	CHECK(exists(d, "carol", "new", "1700000001.M1P1Q1.h"));
	CHECK(exists(d, "carol", "cur", "1700000003.M3P1Q3.h:2,S"));

	md = open_scanned(d, "carol");
	if (md == NULL)
		return;
	CHECK_INT(md->n, 3);
	pop3_maildrop_mark(md, &md->msgs[0]);
	pop3_maildrop_mark(md, &md->msgs[2]);
	CHECK_INT(pop3_maildrop_commit(md), 0);
	pop3_maildrop_free(md);
	CHECK(!exists(d, "carol", "new", "1700000001.M1P1Q1.h"));
	CHECK(!exists(d, "carol", "cur", "1700000003.M3P1Q3.h:2,S"));
	CHECK(exists(d, "carol", "new", "1700000002.M2P1Q2.h"));
	CHECK(exists(d, "carol", "new", ".hidden"));
}

UNIT_TEST(pop3_maildrop_read_moves_to_cur)
{
	const char *d = unit_tmpdir();
	put_three(d);
	struct pop3_maildrop *md = open_scanned(d, "carol");
	if (md == NULL)
		return;
	CHECK_INT(pop3_maildrop_read(md, &md->msgs[1], 0), 0);   /* TOP: moved, not seen */
	CHECK(exists(d, "carol", "cur", "1700000002.M2P1Q2.h:2,"));
	CHECK_INT(pop3_maildrop_read(md, &md->msgs[1], 1), 0);   /* RETR: seen */
	CHECK(exists(d, "carol", "cur", "1700000002.M2P1Q2.h:2,S"));
	CHECK(!exists(d, "carol", "cur", "1700000002.M2P1Q2.h:2,"));
	CHECK_INT(pop3_maildrop_read(md, &md->msgs[2], 1), 0);   /* already seen: stays */
	CHECK(exists(d, "carol", "cur", "1700000003.M3P1Q3.h:2,S"));
	CHECK_STR(md->msgs[1].uid, "1700000002.M2P1Q2.h");
	int fd = pop3_maildrop_open_msg(md, &md->msgs[1]);      /* found where it went */
	CHECK(fd != -1);
	if (fd != -1)
		close(fd);
	/* a message deleted after being read is removed from cur/ */
	pop3_maildrop_mark(md, &md->msgs[1]);
	CHECK_INT(pop3_maildrop_commit(md), 0);
	CHECK(!exists(d, "carol", "cur", "1700000002.M2P1Q2.h:2,S"));
	pop3_maildrop_free(md);
	/* the unique-id is the same in the next session */
	md = open_scanned(d, "carol");
	if (md == NULL)
		return;
	CHECK_INT(md->n, 2);
	CHECK_STR(md->msgs[1].uid, "1700000003.M3P1Q3.h");
	pop3_maildrop_free(md);
}

/* A name with ",S=" equal to the file's size gives the POP3 size (",W=")
 * without reading the file; a stale or malformed one is not believed. The
 * W values here are deliberately not the counted size, to tell the paths
 * apart. */
UNIT_TEST(pop3_maildrop_size_from_the_name)
{
	const char *d = unit_tmpdir();
	/* "Subject: a\n\nb\n": 14 bytes, 17 as POP3 sends it */
	put(d, "dave", "new", "1700000001.M1P1Q1.h,S=14,W=99", "Subject: a\n\nb\n");
	put(d, "dave", "new", "1700000002.M2P1Q2.h,S=15,W=99", "Subject: a\n\nb\n");
	put(d, "dave", "cur", "1700000003.M3P1Q3.h,S=14,W=9x:2,S", "Subject: a\n\nb\n");
	put(d, "dave", "cur", "1700000004.M4P1Q4.h,W=42,S=14:2,S", "Subject: a\n\nb\n");
	struct pop3_maildrop *md = open_scanned(d, "dave");
	if (md == NULL)
		return;
	CHECK_INT(md->n, 4);
	CHECK_INT(md->msgs[0].size, 99);          /* believed */
	CHECK_INT(md->msgs[1].size, 17);          /* S= is not the file's size: counted */
	CHECK_INT(md->msgs[2].size, 17);          /* W= is not a number: counted */
	CHECK_INT(md->msgs[3].size, 42);          /* fields in any order */
	pop3_maildrop_free(md);
}
