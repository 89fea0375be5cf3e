/*
 * admin.c: the admin commands of `sealed` (useradd, passwd, userdel [--purge],
 * users, status, monitor). Owns reading a new password (the first line of stdin, or
 * two prompts with echo off on a terminal, the terminal and signal handlers
 * restored on every path) and the one-line "sealed: ..." errors. The user
 * file work is userfile.c's; status and monitor are control.c's. Runs on the
 * main thread of a short-lived process, in place of the server; not
 * thread-safe.
 */
#include "admin.h"

#include "control.h"
#include "server_defaults.h"
#include "log.h"
#include "maildir.h"
#include "userfile.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* admin_read_line() results besides 0. */
#define READ_ERROR        (-1)
#define READ_TOO_LONG     (-2)
#define READ_MISMATCH     (-3)
#define READ_INTERRUPTED  (-4)

#define PASS_BUF (PASSWORD_MAX + 2)   /* a password, a CR, a NUL */

struct admin_cmd {
	const char *word;
	const char *usage;
	int       (*run)(const char *data_dir, char **argv, const struct admin_opts *o);
	int         nargs;                /* arguments after the word */
	int         takes_purge;          /* --purge is one of its options */
};

/* Set by a signal while a prompt waits; the read then gives up. */
static volatile sig_atomic_t admin_interrupted;

static void
admin_on_signal(int sig)
{
	(void)sig;
	admin_interrupted = 1;
}

/* Prints "sealed: MESSAGE" on stderr; returns exit status 1. */
static int PRINTF_LIKE(1, 2)
admin_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("sealed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_OTHER;
}

/* Reads one line from FD, byte by byte so nothing past it is consumed, into
 * BUF without its CR/LF. 0, or READ_ERROR, READ_TOO_LONG, READ_INTERRUPTED. */
static int
admin_read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	int too_long = 0;
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR && admin_interrupted)
			return READ_INTERRUPTED;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return READ_ERROR;
		if (n == 0 || c == '\n')
			break;
		if (len + 1 < size)
			buf[len++] = c;
		else
			too_long = 1;
	}
	while (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	return too_long || len > PASSWORD_MAX ? READ_TOO_LONG : 0;
}

static int
admin_ask(const char *prompt, char *buf, size_t size)
{
	int rc, saved;

	fputs(prompt, stderr);
	fflush(stderr);
	rc = admin_read_line(STDIN_FILENO, buf, size);
	saved = errno;
	fputc('\n', stderr);
	errno = saved;
	return rc;
}

/* Catches (or restores, with OLD set) SIGINT, SIGTERM and SIGHUP so that an
 * interrupted prompt returns and the terminal is put back. */
static void
admin_signals(struct sigaction *old, int restore)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = admin_on_signal;  /* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (restore)
			sigaction(sigs[i], &old[i], NULL);
		else
			sigaction(sigs[i], &sa, &old[i]);
	}
}

/* Asks twice on the terminal with echo off. 0, or a READ_* code. */
static int
admin_prompt_twice(char *pass, size_t size)
{
	struct termios old, quiet;
	struct sigaction old_sa[3];
	char again[PASS_BUF];
	int rc;

	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return READ_ERROR;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	admin_interrupted = 0;
	admin_signals(old_sa, 0);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == -1)
		rc = READ_ERROR;
	else if ((rc = admin_ask("Password: ", pass, size)) == 0)
		rc = admin_ask("Again: ", again, sizeof again);
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
	admin_signals(old_sa, 1);
	if (rc == 0 && strcmp(pass, again) != 0)
		rc = READ_MISMATCH;
	explicit_bzero(again, sizeof again);
	return rc;
}

/* Reads the new password into PASS (PASS_BUF bytes). 0, or 1 after the
 * error line. */
static int
admin_get_password(char *pass, size_t size)
{
	int rc;

	pass[0] = '\0';
	rc = isatty(STDIN_FILENO) ? admin_prompt_twice(pass, size)
	                          : admin_read_line(STDIN_FILENO, pass, size);
	if (rc == READ_MISMATCH)
		return admin_fail("passwords do not match");
	if (rc == READ_TOO_LONG)
		return admin_fail("password longer than %d bytes", PASSWORD_MAX);
	if (rc == READ_INTERRUPTED)
		return admin_fail("interrupted");
	if (rc == READ_ERROR)
		return admin_fail("cannot read the password: %s", strerror(errno));
	if (pass[0] == '\0')
		return admin_fail("empty password");
	return 0;
}

static int
admin_bad_name(void)
{
	return admin_fail("invalid user name (1 to %d of A-Z a-z 0-9 . _ -, "
	                  "not starting with . or -)", USER_NAME_MAX);
}

/* Reads a password (stdin or the terminal) and stores it for NAME with
 * SET (userfile_add or userfile_passwd); the password is wiped after. 0,
 * or an exit code after the error line. */
static int
admin_store_password(const char *data_dir, const char *name,
                     int (*set)(const char *, const char *, const char *, char *, size_t))
{
	char pass[PASS_BUF], err[512];
	int rc = EXIT_OTHER;

	if (admin_get_password(pass, sizeof pass) == 0)
		rc = set(data_dir, name, pass, err, sizeof err) == -1 ? admin_fail("%s", err) : 0;
	explicit_bzero(pass, sizeof pass);
	return rc;
}

/* useradd NAME: a new user with a password from stdin or the terminal. */
static int
admin_useradd(const char *data_dir, char **argv, const struct admin_opts *o)
{
	char err[512];
	const char *name = argv[1];
	int rc;

	(void)o;
	if (!userfile_valid_name(name))
		return admin_bad_name();
	if (userfile_has(data_dir, name) == 1)
		return admin_fail("user %s exists", name);
	if ((rc = admin_store_password(data_dir, name, userfile_add)) != 0)
		return rc;
	if (maildir_ensure(data_dir, name, err, sizeof err) == -1)
		fprintf(stderr, "sealed: warning: user added, mailbox not made: %s\n", err);
	return 0;
}

/* passwd NAME: a new password for an existing user. */
static int
admin_passwd(const char *data_dir, char **argv, const struct admin_opts *o)
{
	const char *name = argv[1];

	(void)o;
	if (!userfile_valid_name(name))
		return admin_bad_name();
	if (userfile_has(data_dir, name) == 0)
		return admin_fail("no user %s", name);
	return admin_store_password(data_dir, name, userfile_passwd);
}

/* userdel --purge NAME, after the user's line went (DELETED 1) or was
 * already gone: removes the Maildir, link-safe (maildir_purge). */
static int
admin_purge(const char *data_dir, const char *name, int deleted)
{
	char err[1024];
	size_t files;
	int rc = maildir_purge(data_dir, name, &files, err, sizeof err);

	if (rc == -1)
		return admin_fail("%s%s%smailbox not purged: %s", deleted ? "user " : "",
		                  deleted ? name : "", deleted ? " deleted; " : "", err);
	if (rc == 0 && !deleted)
		return admin_fail("no user %s and no mailbox %s/%s/%s", name, data_dir,
		                  MAIL_DIR_NAME, name);
	if (rc == 1)
		printf("removed %s/%s/%s (%zu file%s)\n", data_dir, MAIL_DIR_NAME, name, files,
		       files == 1 ? "" : "s");
	return fflush(stdout) == EOF ? admin_fail("write: %s", strerror(errno)) : 0;
}

/* userdel [--purge] NAME: removes the user; the mailbox stays (and the
 * command says where) unless --purge, which removes it too, also for a user
 * deleted earlier. */
static int
admin_userdel(const char *data_dir, char **argv, const struct admin_opts *o)
{
	char err[512];
	const char *name = argv[1];
	int rc;

	if (!userfile_valid_name(name))
		return admin_bad_name();
	rc = userfile_change(data_dir, USERFILE_DEL, name, NULL, err, sizeof err);
	if (rc == -1 || (rc == USERFILE_REFUSED && !o->purge))
		return admin_fail("%s", err);
	if (o->purge)
		return admin_purge(data_dir, name, rc == 0);
	if (maildir_exists(data_dir, name) == 1)
		printf("%s's mail stays in %s/%s/%s; sealed userdel --purge %s removes it\n", name,
		       data_dir, MAIL_DIR_NAME, name, name);
	return fflush(stdout) == EOF ? admin_fail("write: %s", strerror(errno)) : 0;
}

/* users: one name a line, in file order. */
static int
admin_users(const char *data_dir, char **argv, const struct admin_opts *o)
{
	char err[512];

	(void)argv;
	(void)o;
	if (userfile_list(data_dir, stdout, err, sizeof err) == -1)
		return admin_fail("%s", err);
	return 0;
}

static int
admin_status(const char *data_dir, char **argv, const struct admin_opts *o)
{
	(void)argv;
	return control_client(data_dir, o->node, 0);
}

static int
admin_monitor(const char *data_dir, char **argv, const struct admin_opts *o)
{
	(void)argv;
	return control_client(data_dir, o->node, 1);
}

static const struct admin_cmd admin_cmds[] = {
	{ "useradd", "useradd NAME",           admin_useradd, 1, 0 },
	{ "passwd",  "passwd NAME",            admin_passwd,  1, 0 },
	{ "userdel", "userdel [--purge] NAME", admin_userdel, 1, 1 },
	{ "users",   "users",                  admin_users,   0, 0 },
	{ "status",  "status",                 admin_status,  0, 0 },
	{ "monitor", "monitor",                admin_monitor, 0, 0 },
};

static const struct admin_cmd *
admin_find(const char *word)
{
	for (size_t i = 0; word != NULL && i < sizeof admin_cmds / sizeof admin_cmds[0]; i++)
		if (strcmp(admin_cmds[i].word, word) == 0)
			return &admin_cmds[i];
	return NULL;
}

int
admin_is_command(const char *word)
{
	return admin_find(word) != NULL;
}

int
admin_run(const char *data_dir, int argc, char **argv, const struct admin_opts *o)
{
	const struct admin_cmd *c = admin_find(argc > 0 ? argv[0] : NULL);

	if (c == NULL) {
		fputs("usage: sealed [options] useradd|passwd|userdel [--purge] NAME | users | "
		      "status | monitor\n", stderr);
		return EXIT_USAGE;
	}
	if (argc != c->nargs + 1 || (o->purge && !c->takes_purge)) {
		fprintf(stderr, "usage: sealed [options] %s\n", c->usage);
		return EXIT_USAGE;
	}
	return c->run(data_dir, argv, o);
}
