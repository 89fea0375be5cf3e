/* test_admin.c: the admin commands as `sealed` runs them: usage errors,
 * useradd/passwd/userdel/users round trips with the password on stdin,
 * refusals with one "sealed: ..." line, the two prompts on a terminal
 * (echo off, restored afterwards), and userdel saying where the mail stays
 * or, with --purge, removing it. */
#include "unit.h"
#include "admin.h"
#include "server_defaults.h"
#include "userdb.h"
#include "userfile.h"

#include <errno.h>
#include <pthread.h>
#include <pty.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TEST_OUT_MAX     4096
#define TTY_WAIT_TRIES   5000   /* 1 ms each */

/* Captured output of one admin_run. */
struct run {
	int  status;
	char out[TEST_OUT_MAX];    /* stdout */
	char err[TEST_OUT_MAX];    /* stderr */
};

static void
read_back(int fd, char *buf, size_t size)
{
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* Points fd TARGET at NEWFD; returns a copy of the old TARGET. */
static int
swap_fd(int target, int newfd)
{
	int saved = dup(target);

	dup2(newfd, target);
	return saved;
}

/* --purge for the admin commands run_admin_fd() runs (userdel). */
static int run_purge;

/* Runs admin command ARGV on DIR with stdin IN (a fd, or -1 for a pipe
 * holding INPUT), capturing stdout and stderr into R. */
static void
run_admin_fd(const char *dir, int in, const char *input, struct run *r, int argc, char **argv)
{
	char out_name[] = "/tmp/sealed-admin-out.XXXXXX", err_name[] = "/tmp/sealed-admin-err.XXXXXX";
	int out = mkstemp(out_name), err = mkstemp(err_name), p[2] = { -1, -1 };

	unlink(out_name);
	unlink(err_name);
	if (in == -1 && pipe(p) == 0) {
		if (write(p[1], input, strlen(input)) < 0)
			perror("write");
		close(p[1]);
		in = p[0];
	}
	fflush(stdout);
	fflush(stderr);
	int s0 = swap_fd(0, in), s1 = swap_fd(1, out), s2 = swap_fd(2, err);
	struct admin_opts o = { run_purge, NULL };
	r->status = admin_run(dir, argc, argv, &o);
	fflush(stdout);
	fflush(stderr);
	dup2(s0, 0), dup2(s1, 1), dup2(s2, 2);
	close(s0), close(s1), close(s2);
	if (p[0] != -1)
		close(p[0]);
	read_back(out, r->out, sizeof r->out);
	read_back(err, r->err, sizeof r->err);
}

static void
run_admin(const char *dir, const char *input, struct run *r, int argc, char **argv)
{
	run_admin_fd(dir, -1, input, r, argc, argv);
}

/* 1 when S is exactly one line starting "sealed: " and containing WANT. */
static int
one_error_line(const char *s, const char *want)
{
	const char *nl = strchr(s, '\n');

	return strncmp(s, "sealed: ", 8) == 0 && nl != NULL && nl[1] == '\0' &&
	       strstr(s, want) != NULL;
}

static int
login(const char *dir, const char *name, const char *pass)
{
	char err[256];
	struct userdb *db = userdb_open(dir, err, sizeof err);
	int rc;

	if (db == NULL)
		return -1;
	rc = userdb_verify(db, name, pass, 0);
	userdb_free(db);
	return rc;
}

UNIT_TEST(admin_knows_its_commands)
{
	const char *yes[] = { "useradd", "passwd", "userdel", "users", "status", "monitor" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		CHECK(admin_is_command(yes[i]));
	CHECK(!admin_is_command("help"));
	CHECK(!admin_is_command(""));
	CHECK(!admin_is_command("USERS"));
	CHECK(!admin_is_command(NULL));
}

UNIT_TEST(admin_wrong_arguments_give_usage)
{
	const char *dir = unit_tmpdir();
	char *add[] = { "useradd" }, *users[] = { "users", "x" }, *st[] = { "status", "x" };
	char *frob[] = { "frob" }, *del[] = { "userdel", "a", "b" };
	struct run r;

	run_admin(dir, "", &r, 1, add);
	CHECK_INT(r.status, 2);
	CHECK(strncmp(r.err, "usage: sealed", 13) == 0);
	run_admin(dir, "", &r, 2, users);
	CHECK_INT(r.status, 2);
	run_admin(dir, "", &r, 2, st);
	CHECK_INT(r.status, 2);
	run_admin(dir, "", &r, 1, frob);
	CHECK_INT(r.status, 2);
	run_admin(dir, "", &r, 3, del);
	CHECK_INT(r.status, 2);
	run_admin(dir, "", &r, 0, NULL);
	CHECK_INT(r.status, 2);
	CHECK(strncmp(r.err, "usage: sealed", 13) == 0);
}

UNIT_TEST(admin_user_round_trip_on_stdin)
{
	const char *dir = unit_tmpdir();
	char *add[] = { "useradd", "alice" }, *pw[] = { "passwd", "alice" };
	char *pwbob[] = { "passwd", "bob" }, *del[] = { "userdel", "alice" }, *list[] = { "users" };
	char path[600];
	struct stat st;
	struct run r;

	run_admin(dir, "pw-one\nignored second line\n", &r, 2, add);
	CHECK_INT(r.status, 0);
	CHECK(strcmp(r.err, "") == 0);
	snprintf(path, sizeof path, "%s/%s/alice/new", dir, MAIL_DIR_NAME);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(login(dir, "alice", "pw-one"), AUTH_OK);
	run_admin(dir, "", &r, 1, list);
	CHECK_INT(r.status, 0);
	CHECK(strcmp(r.out, "alice\n") == 0);
	run_admin(dir, "again\n", &r, 2, add);
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "user alice exists"));
	run_admin(dir, "pw-two\r\n", &r, 2, pw);
	CHECK_INT(r.status, 0);
	CHECK_INT(login(dir, "alice", "pw-two"), AUTH_OK);
	CHECK_INT(login(dir, "alice", "pw-one"), AUTH_BAD);
	run_admin(dir, "x\n", &r, 2, pwbob);
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "no user bob"));
	run_admin(dir, "", &r, 2, del);
	CHECK_INT(r.status, 0);
	run_admin(dir, "", &r, 2, del);
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "no user alice"));
	run_admin(dir, "", &r, 1, list);
	CHECK(strcmp(r.out, "") == 0);
}

UNIT_TEST(admin_refuses_bad_names_and_passwords)
{
	const char *dir = unit_tmpdir();
	char *bad[] = { "useradd", "bad/name" }, *add[] = { "useradd", "bob" }, *list[] = { "users" };
	char big[PASSWORD_MAX + 10];
	struct run r;

	run_admin(dir, "pw\n", &r, 2, bad);
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "invalid user name"));
	run_admin(dir, "\n", &r, 2, add);
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "empty password"));
	run_admin(dir, "", &r, 2, add);
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "empty password"));
	memset(big, 'p', sizeof big - 2);
	big[sizeof big - 2] = '\n';
	big[sizeof big - 1] = '\0';
	run_admin(dir, big, &r, 2, add);
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "password longer"));
	run_admin(dir, "", &r, 1, list);
	CHECK(strcmp(r.out, "") == 0);
}

struct tty_feed { int master, slave; const char *text; int saw_echo_off; };

/* Types TEXT into the terminal once the prompt has turned echo off. */
static void *
tty_feeder(void *arg)
{
	struct tty_feed *f = arg;
	struct timespec ms = { 0, 1000000 };
	struct termios t;

	for (int i = 0; i < TTY_WAIT_TRIES && !f->saw_echo_off; i++) {
		if (tcgetattr(f->slave, &t) == 0 && !(t.c_lflag & ECHO))
			f->saw_echo_off = 1;
		else
			nanosleep(&ms, NULL);
	}
	if (write(f->master, f->text, strlen(f->text)) < 0)
		perror("write");
	return NULL;
}

/* Runs useradd NAME with TEXT typed on a pseudo-terminal. */
static void
run_on_tty(const char *dir, char *name, const char *text, struct run *r, struct tty_feed *f)
{
	char *add[] = { "useradd", name };
	struct termios t;
	pthread_t th;

	memset(f, 0, sizeof *f);
	if (openpty(&f->master, &f->slave, NULL, NULL, NULL) == -1) {
		CHECK(!"openpty");
		return;
	}
	f->text = text;
	CHECK(pthread_create(&th, NULL, tty_feeder, f) == 0);
	run_admin_fd(dir, f->slave, "", r, 2, add);
	pthread_join(th, NULL);
	CHECK(tcgetattr(f->slave, &t) == 0 && (t.c_lflag & ECHO));
	close(f->slave);
	close(f->master);
}

UNIT_TEST(admin_prompts_twice_on_a_terminal)
{
	const char *dir = unit_tmpdir();
	struct tty_feed f;
	struct run r;

	run_on_tty(dir, "carol", "tty-pw\ntty-pw\n", &r, &f);
	CHECK_INT(r.status, 0);
	CHECK(f.saw_echo_off);
	CHECK(strstr(r.err, "Password: ") != NULL && strstr(r.err, "Again: ") != NULL);
	CHECK(strstr(r.err, "tty-pw") == NULL);
	CHECK_INT(login(dir, "carol", "tty-pw"), AUTH_OK);
	run_on_tty(dir, "dave", "one-pw\nother-pw\n", &r, &f);
	CHECK_INT(r.status, 1);
	CHECK(strstr(r.err, "sealed: passwords do not match\n") != NULL);
	CHECK_INT(userfile_has(dir, "dave"), 0);
}

UNIT_TEST(admin_as_root_gives_new_files_to_the_data_dir_owner)
{
	static const char *const made[] = { USERS_FILE_NAME, USERS_LOCK_NAME, MAIL_DIR_NAME,
	                                    MAIL_DIR_NAME "/alice", MAIL_DIR_NAME "/alice/new" };
	const uid_t owner = 65534;  /* nobody */
	const char *dir = unit_tmpdir();
	char *add[] = { "useradd", "alice" }, path[600];
	struct stat st;
	struct run r;

	if (geteuid() != 0 || chown(dir, owner, owner) == -1) {
		unit_skip("needs root (to chown the data dir)");
		return;
	}
	run_admin(dir, "pw\n", &r, 2, add);
	CHECK_INT(r.status, 0);
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, made[i]);
		CHECK(stat(path, &st) == 0 && st.st_uid == owner);
	}
}

UNIT_TEST(admin_userdel_says_where_the_mail_stays_and_purge_removes_it)
{
	const char *dir = unit_tmpdir();
	char *add[] = { "useradd", "bob" }, *del[] = { "userdel", "bob" };
	char *add2[] = { "useradd", "carol" }, *del2[] = { "userdel", "carol" };
	char path[600], want[700];
	struct stat st;
	struct run r;

	run_admin(dir, "pw\n", &r, 2, add);
	CHECK_INT(r.status, 0);
	run_admin(dir, "", &r, 2, del);
	CHECK_INT(r.status, 0);
	snprintf(want, sizeof want, "bob's mail stays in %s/%s/bob; sealed userdel --purge bob "
	         "removes it\n", dir, MAIL_DIR_NAME);
	CHECK_STR(r.out, want);
	CHECK_STR(r.err, "");
	snprintf(path, sizeof path, "%s/%s/bob", dir, MAIL_DIR_NAME);
	CHECK(stat(path, &st) == 0);
	run_purge = 1;                            /* bob is gone: --purge still works */
	run_admin(dir, "", &r, 2, del);
	CHECK_INT(r.status, 0);
	snprintf(want, sizeof want, "removed %s/%s/bob (0 files)\n", dir, MAIL_DIR_NAME);
	CHECK_STR(r.out, want);
	CHECK(lstat(path, &st) == -1 && errno == ENOENT);
	run_admin(dir, "", &r, 2, del);           /* neither user nor mailbox */
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "no user bob"));
	run_admin(dir, "", &r, 2, add);           /* --purge with useradd: usage */
	CHECK_INT(r.status, 2);
	run_purge = 0;
	run_admin(dir, "pw\n", &r, 2, add2);     /* a link in the Maildir stops it */
	snprintf(path, sizeof path, "%s/%s/carol/new/evil", dir, MAIL_DIR_NAME);
	CHECK_INT(symlink("/etc/passwd", path), 0);
	run_purge = 1;
	run_admin(dir, "", &r, 2, del2);
	run_purge = 0;
	CHECK_INT(r.status, 1);
	CHECK(one_error_line(r.err, "user carol deleted; mailbox not purged: "));
	CHECK(strstr(r.err, "carol/new/evil: a symbolic link, not followed") != NULL);
	CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat("/etc/passwd", &st) == 0);
	CHECK_INT(userfile_has(dir, "carol"), 0);
}
