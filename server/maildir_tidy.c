/*
 * maildir_tidy.c: the Maildir tree as a whole (see maildir.h): the start-up
 * clean of every tmp/, whether a name has a Maildir, and the purge of a
 * deleted user's Maildir. Each walks down from a descriptor of the data dir
 * one name at a time (fsutil_dir_below), follows no symbolic link at any
 * level and removes only regular files and the Maildir's own directories:
 * the account that owns the data dir could have put a link to any directory
 * in place of any name there, and these run as root too (an admin command,
 * a server without --user). The clean removes only what no live server
 * can be writing: several may share the data dir. No state; any thread.
 */
#include "maildir.h"
#include "fsutil.h"

#include "server_defaults.h"
#include "log.h"
#include "userfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The subdirectories of a Maildir, the only ones a purge removes. */
static const char *const maildir_subs[] = { "tmp", "new", "cur" };
#define MAILDIR_NSUBS (sizeof maildir_subs / sizeof maildir_subs[0])

/* Opens DATA_DIR/mail (following no link below DATA_DIR). A descriptor, or
 * -1 with errno (ENOENT when either is missing). */
static int
maildir_open_mail(const char *data_dir)
{
	int dfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd == -1)
		return -1;
	int mfd = fsutil_dir_below(dfd, MAIL_DIR_NAME, NULL);
	int saved = errno;
	close(dfd);
	errno = saved;
	return mfd;
}

/* A readdir stream over directory FD (FD itself stays open). NULL, errno. */
static DIR *
maildir_list(int fd)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = copy == -1 ? NULL : fdopendir(copy);

	if (d == NULL && copy != -1) {
		int saved = errno;
		close(copy);
		errno = saved;
	}
	return d;
}

static int
maildir_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* --- The start-up clean of tmp/ ------------------------------------------ */

/* What the clean may remove: files of NODE when OWN, and any modified
 * before STALE (seconds since the epoch). */
struct maildir_clean {
	const char *node;
	int         own;
	time_t      stale;
};

int
maildir_name_is_node(const char *name, const char *node)
{
	const char *dot = strchr(name, '.');          /* after SECONDS */
	const char *r = dot ? strchr(dot + 1, '.') : NULL;   /* before NODE */

	return r != NULL && strcmp(r + 1, node) == 0;
}

/* 1 when the regular file NAME (ST) may go: no live node is writing it. */
static int
maildir_clean_takes(const struct maildir_clean *k, const char *name, const struct stat *st)
{
	if (k->own && maildir_name_is_node(name, k->node))
		return 1;
	return st->st_mtime < k->stale;
}

/* Unlinks the regular files of directory FD (DATA_DIR/mail/USER/tmp, named
 * for the log) that K lets go; anything else is left and logged. How many
 * it removed. */
static int
maildir_clean_dir(int fd, const char *data_dir, const char *user, const struct maildir_clean *k)
{
	struct dirent *e;
	struct stat st;
	DIR *d = maildir_list(fd);
	int count = 0;

	if (d == NULL) {
		log_warn("clean %s/%s/%s/tmp", data_dir, MAIL_DIR_NAME, user);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (maildir_dot(e->d_name) || fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (!S_ISREG(st.st_mode)) {
			log_warnx("left %s/%s/%s/tmp/%s: %s", data_dir, MAIL_DIR_NAME, user, e->d_name,
			          fsutil_strerror(S_ISLNK(st.st_mode) ? ELOOP : FSUTIL_ENOTREG));
			continue;
		}
		if (!maildir_clean_takes(k, e->d_name, &st))
			continue;   /* another node's message in progress */
		if (unlinkat(fd, e->d_name, 0) == 0)
			count++;
		else if (errno != ENOENT)
			log_warn("unlink %s/%s/%s/tmp/%s", data_dir, MAIL_DIR_NAME, user, e->d_name);
	}
	closedir(d);
	return count;
}

/* Cleans MAILFD/USER/tmp. How many files it removed; a USER that is no
 * directory (a stray file) counts 0, one that is a link is logged. */
static int
maildir_clean_one(int mailfd, const char *data_dir, const char *user,
                  const struct maildir_clean *k)
{
	char rel[NAME_MAX + sizeof "/tmp"];
	int fd, count;

	snprintf(rel, sizeof rel, "%s/tmp", user);
	if ((fd = fsutil_dir_below(mailfd, rel, NULL)) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			log_warnx("not cleaning %s/%s/%s: %s", data_dir, MAIL_DIR_NAME, rel,
			          fsutil_strerror(errno));
		return 0;
	}
	count = maildir_clean_dir(fd, data_dir, user, k);
	close(fd);
	return count;
}

int
maildir_clean_tmp(const char *data_dir, int own)
{
	struct maildir_clean k = { maildir_node(), own, time(NULL) - MAILDIR_TMP_STALE_S };
	struct dirent *e;
	DIR *d;
	int mfd = maildir_open_mail(data_dir), count = 0;

	if (mfd == -1) {
		if (errno == ENOENT)
			return 0;
		log_warnx("not cleaning %s/%s: %s", data_dir, MAIL_DIR_NAME, fsutil_strerror(errno));
		return -1;
	}
	if ((d = maildir_list(mfd)) == NULL) {
		log_warn("clean %s/%s", data_dir, MAIL_DIR_NAME);
		close(mfd);
		return -1;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			count += maildir_clean_one(mfd, data_dir, e->d_name, &k);
	closedir(d);
	close(mfd);
	return count;
}

/* --- Whether a name has a Maildir ---------------------------------------- */

int
maildir_exists(const char *data_dir, const char *user)
{
	struct stat st;
	int mfd, rc;

	if (!userfile_valid_name(user)) {
		errno = EINVAL;
		return -1;
	}
	if ((mfd = maildir_open_mail(data_dir)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstatat(mfd, user, &st, AT_SYMLINK_NOFOLLOW) == 0)
		rc = 1;   /* a Maildir, or anything else in its place */
	else
		rc = errno == ENOENT ? 0 : -1;
	int saved = errno;
	close(mfd);
	errno = saved;
	return rc;
}

/* --- The purge of a deleted user's Maildir ------------------------------- */

/* What a purge walk does and found. */
struct maildir_purge {
	int         remove;                /* 0: only check; 1: remove */
	size_t      files;                 /* regular files removed */
	char        bad[NAME_MAX * 2 + 2]; /* SUB/NAME of what stopped it */
	int         why;                   /* errno for BAD */
};

/* Records SUB/NAME and WHY as what stops the purge. Returns -1. */
static int
maildir_purge_stop(struct maildir_purge *p, const char *sub, const char *name, int why)
{
	snprintf(p->bad, sizeof p->bad, "%s%s%s", sub, *sub && *name ? "/" : "", name);
	p->why = why;
	return -1;
}

/* Checks that directory SUB of UFD holds only regular files or, with
 * P->remove, unlinks them and then SUB itself. 0, or -1 with P->bad. */
static int
maildir_purge_sub(int ufd, const char *sub, struct maildir_purge *p)
{
	struct dirent *e;
	struct stat st;
	int fd = fsutil_dir_below(ufd, sub, NULL), rc = 0;
	DIR *d;

	if (fd == -1)
		return errno == ENOENT ? 0 : maildir_purge_stop(p, sub, "", errno);
	if ((d = maildir_list(fd)) == NULL) {
		rc = maildir_purge_stop(p, sub, "", errno);
		goto out;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (maildir_dot(e->d_name))
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			rc = errno == ENOENT ? 0 : maildir_purge_stop(p, sub, e->d_name, errno);
		else if (!S_ISREG(st.st_mode))
			rc = maildir_purge_stop(p, sub, e->d_name,
			                        S_ISLNK(st.st_mode) ? ELOOP : FSUTIL_ENOTREG);
		else if (p->remove && unlinkat(fd, e->d_name, 0) == -1 && errno != ENOENT)
			rc = maildir_purge_stop(p, sub, e->d_name, errno);
		else if (p->remove)
			p->files++;
	}
	closedir(d);
	if (rc == 0 && p->remove && unlinkat(ufd, sub, AT_REMOVEDIR) == -1)
		rc = maildir_purge_stop(p, sub, "", errno);
out:
	close(fd);
	return rc;
}

/* Checks that directory UFD holds nothing but tmp/, new/, cur/ and, a
 * regular file, the POP3 lock. 0, or -1 with P->bad. */
static int
maildir_purge_check_top(int ufd, struct maildir_purge *p)
{
	struct dirent *e;
	struct stat st;
	DIR *d = maildir_list(ufd);
	int rc = 0;

	if (d == NULL)
		return maildir_purge_stop(p, "", "", errno);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t i = 0;
		while (i < MAILDIR_NSUBS && strcmp(e->d_name, maildir_subs[i]) != 0)
			i++;
		if (maildir_dot(e->d_name) || i < MAILDIR_NSUBS)
			continue;
		if (strcmp(e->d_name, MAILDROP_LOCK_NAME) != 0)
			rc = maildir_purge_stop(p, "", e->d_name, ENOTEMPTY);
		else if (fstatat(ufd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			rc = errno == ENOENT ? 0 : maildir_purge_stop(p, "", e->d_name, errno);
		else if (!S_ISREG(st.st_mode))
			rc = maildir_purge_stop(p, "", e->d_name,
			                        S_ISLNK(st.st_mode) ? ELOOP : FSUTIL_ENOTREG);
	}
	closedir(d);
	return rc;
}

/* One pass over Maildir UFD: a check, or (P->remove) the removal of its
 * subdirectories and its POP3 lock file. 0, or -1 with P->bad. */
static int
maildir_purge_pass(int ufd, struct maildir_purge *p)
{
	if (!p->remove && maildir_purge_check_top(ufd, p) == -1)
		return -1;
	for (size_t i = 0; i < MAILDIR_NSUBS; i++)
		if (maildir_purge_sub(ufd, maildir_subs[i], p) == -1)
			return -1;
	if (p->remove && unlinkat(ufd, MAILDROP_LOCK_NAME, 0) == -1 && errno != ENOENT)
		return maildir_purge_stop(p, "", MAILDROP_LOCK_NAME, errno);
	return 0;
}

int
maildir_purge(const char *data_dir, const char *user, size_t *files, char *err, size_t errlen)
{
	struct maildir_purge p = { 0 };
	int mfd = -1, ufd = -1, rc = -1;

	*files = 0;
	if (!userfile_valid_name(user)) {
		snprintf(err, errlen, "invalid mailbox name");
		return -1;
	}
	if ((mfd = maildir_open_mail(data_dir)) == -1 && errno == ENOENT)
		return 0;
	if (mfd == -1) {
		snprintf(err, errlen, "%s/%s: %s", data_dir, MAIL_DIR_NAME, fsutil_strerror(errno));
		return -1;
	}
	if ((ufd = fsutil_dir_below(mfd, user, NULL)) == -1) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc == -1)
			snprintf(err, errlen, "%s/%s/%s: %s", data_dir, MAIL_DIR_NAME, user,
			         fsutil_strerror(errno));
		goto out;
	}
	/* a check first: nothing is removed from a Maildir that holds a link
	 * or anything else a purge leaves alone */
	if (maildir_purge_pass(ufd, &p) == -1)
		goto stopped;
	p.remove = 1;
	if (maildir_purge_pass(ufd, &p) == -1)
		goto stopped;
	if (unlinkat(mfd, user, AT_REMOVEDIR) == -1) {
		maildir_purge_stop(&p, "", "", errno);
		goto stopped;
	}
	rc = 1;
	goto out;
stopped:
	snprintf(err, errlen, "%s/%s/%s%s%s: %s", data_dir, MAIL_DIR_NAME, user,
	         p.bad[0] ? "/" : "", p.bad,
	         p.why == ENOTEMPTY && p.bad[0] ? "not part of a Maildir" : fsutil_strerror(p.why));
out:
	*files = p.files;
	if (ufd != -1)
		close(ufd);
	if (mfd != -1)
		close(mfd);
	return rc;
}
