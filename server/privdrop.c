/*
 * privdrop.c: gives up root for an ordinary account, checking afterwards that
 * root cannot be regained. Before that it gives the account what the server
 * writes in the data dir: the dir itself, its users file, lock, log and
 * control socket, and the Maildirs that admin commands run as root made.
 * Main thread, before any other thread starts.
 *
 * Every chown is done as root in a directory the account may already own
 * (from an earlier run), so it never follows a symbolic link (fchownat with
 * AT_SYMLINK_NOFOLLOW, directories opened O_NOFOLLOW), and it leaves alone a
 * root-owned file with several links in a directory that root did not own:
 * that could be a hard link to a system file planted there.
 */
#include "privdrop.h"
#include "defaults.h"
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
	                                     CONTROL_SOCKET_NAME, MAIL_DIR_NAME };
	struct stat st;
	int dfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
	const char *what = data_dir;

	if (dfd == -1 || fstat(dfd, &st) == -1)
		goto out;
	int root_dir = st.st_uid == 0;
	int root_mail = fstatat(dfd, MAIL_DIR_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == 0;
	if (fchown(dfd, o->uid, o->gid) == -1)
		goto out;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		what = names[i];
		if (privdrop_chown_at(dfd, names[i], o, root_dir, &st) == -1)
			goto out;
	}
	what = MAIL_DIR_NAME;
	int mfd = openat(dfd, MAIL_DIR_NAME, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mfd == -1) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	rc = privdrop_chown_tree(mfd, o, root_mail, PRIVDROP_DEPTH - 1);
	close(mfd);
out:
	if (rc == -1)
		snprintf(err, errlen, "chown %s%s%s: %s", data_dir, what == data_dir ? "" : "/",
		         what == data_dir ? "" : what, strerror(errno));
	if (dfd != -1)
		close(dfd);
	return rc;
}

int
privdrop(const char *user, const char *data_dir, char *err, size_t errlen)
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
