/*
 * privdrop.c: gives up root for an ordinary account, checking afterwards that
 * root cannot be regained. Before that it gives the account what the server
 * writes in the data dir: the dir itself, its users file, lock, log and
 * control socket, the node locks and sockets of nodes/, and the Maildirs
 * that admin commands run as root made.
 * Main thread, before any other thread starts.
 *
 * Every chown is done as root in a directory the account may already own
 * (from an earlier run), so it never follows a symbolic link (fchownat with
 * AT_SYMLINK_NOFOLLOW, directories opened O_NOFOLLOW), and it leaves alone a
 * root-owned file with several links in a directory that root did not own:
 * that could be a hard link to a system file planted there.
 *
 * Started as root without --user, the server does everything as root:
 * delivery, POP3's reads and deletes, media. It then refuses a data dir
 * tree in which another account owns (or may write) a directory: after an
 * earlier --user run that account could have left a link to any directory
 * in place of any name there.
 */
#include "privdrop.h"
#include "server_defaults.h"
#include "fsutil.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PRIVDROP_DEPTH 3   /* mail/USER/{tmp,new,cur}/FILE below mail/ */
#define PRIVDROP_CHECK_DEPTH 3   /* directories down to mail/USER/{tmp,new,cur} */
#define PRIVDROP_WHAT_MAX 1024   /* a path below the data dir, for a message */

struct owner {
	uid_t uid;
	gid_t gid;
};

/* Gives NAME in directory DFD to O when root owns it. PARENT_ROOT: root
 * owned that directory before (so nothing in it was planted). 0, or -1. */
static int
privdrop_chown_at(int dfd, const char *name, const struct owner *o, int parent_root,
                  struct stat *st)
{
	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -1;
	if (st->st_uid != 0 || S_ISLNK(st->st_mode))
		return 0;
	if (S_ISREG(st->st_mode) && st->st_nlink > 1 && !parent_root) {
		log_warnx("left %s to root: it has %lu links", name, (unsigned long)st->st_nlink);
		return 0;
	}
	return fchownat(dfd, name, o->uid, o->gid, AT_SYMLINK_NOFOLLOW);
}

/* Gives the entries of directory DFD (and, DEPTH levels down, theirs) to O. */
static int
privdrop_chown_tree(int dfd, const struct owner *o, int parent_root, int depth)
{
	int fd = dup(dfd);
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct stat st;
	int rc = 0;

	if (d == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		int was_root = 0;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			was_root = st.st_uid == 0;
		if (privdrop_chown_at(dfd, e->d_name, o, parent_root, &st) == -1) {
			rc = -1;
			break;
		}
		if (depth > 0 && S_ISDIR(st.st_mode)) {
			int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub == -1)
				continue;
			rc = privdrop_chown_tree(sub, o, was_root, depth - 1);
			close(sub);
		}
	}
	closedir(d);
	return rc;
}

/* Gives DATA_DIR, the files sealed writes in it and the mail tree to O. */
static int
privdrop_chown_data(const char *data_dir, const struct owner *o, char *err, size_t errlen)
{
	static const char *const names[] = { USERS_FILE_NAME, LOG_FILE_NAME, USERS_LOCK_NAME,
	                                     CONTROL_SOCKET_NAME, NODES_DIR_NAME, MAIL_DIR_NAME };
	struct stat st;
	int dfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
	const char *what = data_dir;

	if (dfd == -1 || fstat(dfd, &st) == -1)
		goto out;
	int root_dir = st.st_uid == 0;
	int root_mail = fstatat(dfd, MAIL_DIR_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == 0;
	int root_nodes = fstatat(dfd, NODES_DIR_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == 0;
	if (fchown(dfd, o->uid, o->gid) == -1)
		goto out;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		what = names[i];
		if (privdrop_chown_at(dfd, names[i], o, root_dir, &st) == -1)
			goto out;
	}
	what = NODES_DIR_NAME;   /* the node locks and sockets a root run made */
	int nfd = fsutil_dir_below(dfd, NODES_DIR_NAME, NULL);
	if (nfd == -1 && errno != ENOENT)
		goto out;
	if (nfd != -1) {
		int nrc = privdrop_chown_tree(nfd, o, root_nodes, 0);
		close(nfd);
		if (nrc == -1)
			goto out;
	}
	what = MAIL_DIR_NAME;
	int mfd = fsutil_dir_below(dfd, MAIL_DIR_NAME, NULL);
	if (mfd == -1) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	rc = privdrop_chown_tree(mfd, o, root_mail, PRIVDROP_DEPTH - 1);
	close(mfd);
out:
	if (rc == -1)
		snprintf(err, errlen, "chown %s%s%s: %s", data_dir, what == data_dir ? "" : "/",
		         what == data_dir ? "" : what, fsutil_strerror(errno));
	if (dfd != -1)
		close(dfd);
	return rc;
}

/* Gives LOG_FILE (a --log-file outside the data dir) to O, by the same
 * rules, so that the account can reopen it after logrotate; its directory
 * (Debian's /var/log/sealed) is the administrator's to give. */
static int
privdrop_chown_log(const char *log_file, const struct owner *o, char *err, size_t errlen)
{
	char dir[PRIVDROP_WHAT_MAX];
	const char *name = fsutil_dirname(log_file, dir, sizeof dir);
	struct stat st;
	int rc = -1;

	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd != -1 && fstat(dfd, &st) == 0)
		rc = privdrop_chown_at(dfd, name, o, st.st_uid == 0, &st);
	if (rc == -1)
		snprintf(err, errlen, "chown %s: %s", log_file, fsutil_strerror(errno));
	if (dfd != -1)
		close(dfd);
	return rc;
}

int
privdrop(const char *user, const char *data_dir, const char *log_file, char *err, size_t errlen)
{
	if (geteuid() != 0) {
		snprintf(err, errlen, "--user %s needs sealed to be started as root", user);
		return -1;
	}
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "--user %s: that is root", user);
		return -1;
	}
	struct owner o = { pw->pw_uid, pw->pw_gid };
	if (privdrop_chown_data(data_dir, &o, err, errlen) == -1)
		return -1;
	if (log_file != NULL && privdrop_chown_log(log_file, &o, err, errlen) == -1)
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "cannot become %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || setgid(0) == 0) {
		snprintf(err, errlen, "root could be regained after dropping to %s", user);
		return -1;
	}
	return 0;
}

/* 1 when another account than root could change directory ST: not root's,
 * or writable by its group or others. */
static int
privdrop_foreign(const struct stat *st)
{
	return st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

/* Checks the directories in DFD (WHAT: its path below the data dir, "" for
 * the data dir) and, DEPTH levels further down, theirs. Links are not
 * followed: root made them (the directory holding them is root's).
 * 0; 1 with WHAT set to the first foreign one and *ST its status; -1 when a
 * directory cannot be read (errno set). */
static int
privdrop_check_tree(int dfd, char *what, size_t len, int depth, struct stat *st)
{
	int copy = fcntl(dfd, F_DUPFD_CLOEXEC, 0), rc = 0, sub;
	DIR *d = copy == -1 ? NULL : fdopendir(copy);
	size_t base = strlen(what);
	struct dirent *e;

	if (d == NULL) {
		if (copy != -1)
			close(copy);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    fstatat(dfd, e->d_name, st, AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(st->st_mode))
			continue;
		snprintf(what + base, len - base, "%s%s", base ? "/" : "", e->d_name);
		if (privdrop_foreign(st))
			rc = 1;
		else if (depth > 0) {
			if ((sub = fsutil_dir_below(dfd, e->d_name, NULL)) == -1)
				rc = -1;
			else {
				rc = privdrop_check_tree(sub, what, len, depth - 1, st);
				close(sub);
			}
		}
		if (rc == 0)
			what[base] = '\0';
	}
	int saved = errno;
	closedir(d);
	errno = saved;
	return rc;
}

int
privdrop_check_root_tree(const char *data_dir, char *err, size_t errlen)
{
	char what[PRIVDROP_WHAT_MAX] = "";
	struct stat st;
	int dfd, rc = 0;

	if (geteuid() != 0)
		return 0;
	if ((dfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(dfd, &st) == -1) {
		snprintf(err, errlen, "cannot open %s: %s", data_dir, strerror(errno));
		rc = -1;
		goto out;
	}
	if (!privdrop_foreign(&st))
		rc = privdrop_check_tree(dfd, what, sizeof what, PRIVDROP_CHECK_DEPTH - 1, &st);
	else
		rc = 1;
	if (rc == -1)
		snprintf(err, errlen, "cannot check %s/%s: %s", data_dir, what, fsutil_strerror(errno));
	if (rc == 1)
		snprintf(err, errlen, "%s%s%s belongs to uid %lu (mode %04o), which could plant links "
		         "there: as root, start with --user that account, or give %s back to root "
		         "(chown -R root: and chmod go-w)", data_dir, what[0] ? "/" : "", what,
		         (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777), data_dir);
out:
	if (dfd != -1)
		close(dfd);
	return rc == 0 ? 0 : -1;
}
