/*
 * maildrop_lock.c: the maildrop lock (see maildrop_lock.h): the lock file
 * opened link-safely below the data dir, then an OFD write lock on it,
 * never waited for. No state; any thread (job threads in practice).
 */
#include "maildrop_lock.h"

#include "server_defaults.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Opens (making it if missing) DATA_DIR/mail/USER/MAILDROP_LOCK_NAME, one
 * name at a time below DATA_DIR, following no link; as root, a file with
 * several links is refused too. A descriptor, or -1 with errno. */
static int
maildrop_lock_open(const char *data_dir, const char *user)
{
	char rel[sizeof MAIL_DIR_NAME + USER_NAME_MAX + 1];
	int dfd, ufd, fd = -1, saved;

	if (snprintf(rel, sizeof rel, "%s/%s", MAIL_DIR_NAME, user) >= (int)sizeof rel) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	ufd = fsutil_dir_below(dfd, rel, NULL);
	if (ufd != -1)
		fd = fsutil_open_file(ufd, MAILDROP_LOCK_NAME, O_RDWR | O_CREAT, DATA_FILE_MODE,
		                      geteuid() == 0);
	saved = errno;
	if (ufd != -1)
		close(ufd);
	close(dfd);
	errno = saved;
	return fd;
}

int
maildrop_lock_acquire(const char *data_dir, const char *user, int *in_use,
                      char *err, size_t errlen)
{
	struct flock fl;
	int fd = maildrop_lock_open(data_dir, user);

	*in_use = 0;
	if (fd == -1) {
		snprintf(err, errlen, "open %s/%s/%s/%s: %s", data_dir, MAIL_DIR_NAME, user,
		         MAILDROP_LOCK_NAME, fsutil_strerror(errno));
		return -1;
	}
	memset(&fl, 0, sizeof fl);   /* l_pid must be 0 for OFD locks */
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;      /* l_start 0, l_len 0: the whole file */
	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return fd;
	int saved = errno;
	close(fd);
	if (saved == EAGAIN || saved == EACCES) {
		*in_use = 1;
		snprintf(err, errlen, "another session holds it");
	} else {
		snprintf(err, errlen, "lock %s/%s/%s/%s: %s", data_dir, MAIL_DIR_NAME, user,
		         MAILDROP_LOCK_NAME, strerror(saved));
	}
	return -1;
}

void
maildrop_lock_release(int fd)
{
	if (fd != -1)
		close(fd);   /* the last descriptor of the description: the lock goes */
}
