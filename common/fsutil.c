/*
 * fsutil.c: whole writes, directory fsync, and the link-refusing walk and
 * open below a directory (see fsutil.h).
 */
#include "fsutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
fsutil_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fsutil_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* After an open of NAME in DFD failed with errno ERR: ELOOP when NAME is a
 * symbolic link, FSUTIL_ENOTREG when WANT_REG and it is something else than
 * a regular file, else ERR (open says ENOTDIR for a link with O_DIRECTORY,
 * ENXIO for a FIFO without a reader). */
static int
fsutil_why_not(int dfd, const char *name, int err, int want_reg)
{
	struct stat st;

	if (err == ENOENT || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return err;
	if (S_ISLNK(st.st_mode))
		return ELOOP;
	if (want_reg && !S_ISREG(st.st_mode))
		return FSUTIL_ENOTREG;
	return err;
}

/* Opens directory NAME in DFD without following a link, making it first
 * when missing and MAKE says how. A descriptor, or -1 with errno. */
static int
fsutil_dir_step(int dfd, const char *name, const struct fsutil_make *make)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dfd, name, flags), made = 0;

	if (fd == -1 && errno == ENOENT && make != NULL) {
		if (mkdirat(dfd, name, make->mode) == 0)
			made = 1;
		else if (errno != EEXIST)   /* EEXIST: made meanwhile, open it */
			return -1;
		fd = openat(dfd, name, flags);
	}
	if (fd == -1) {
		errno = fsutil_why_not(dfd, name, errno, 0);
		return -1;
	}
	/* the descriptor is the directory just made (or one put there since,
	 * which is no link): giving it away cannot reach anything else */
	if (made && make->give && fchown(fd, make->uid, make->gid) == -1) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Copies the first name of *PATH into NAME (NAME_MAX + 1) and moves *PATH
 * past it and its '/'. 0, or -1 with errno EINVAL (an empty, "." or ".."
 * name) or ENAMETOOLONG. */
static int
fsutil_next_name(const char **path, char *name)
{
	size_t n = strcspn(*path, "/");

	if (n == 0 || (n == 1 && (*path)[0] == '.') || (n == 2 && strncmp(*path, "..", 2) == 0)) {
		errno = EINVAL;
		return -1;
	}
	if (n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, *path, n);
	name[n] = '\0';
	*path += n;
	if (**path == '/')
		(*path)++;
	return 0;
}

int
fsutil_dir_below(int dfd, const char *path, const struct fsutil_make *make)
{
	char name[NAME_MAX + 1];
	int fd = dfd;

	if (*path == '\0') {
		errno = EINVAL;
		return -1;
	}
	while (*path != '\0') {
		int next = fsutil_next_name(&path, name) == -1 ? -1 : fsutil_dir_step(fd, name, make);
		int saved = errno;
		if (fd != dfd)
			close(fd);
		if (next == -1) {
			errno = saved;
			return -1;
		}
		fd = next;
	}
	return fd;
}

int
fsutil_open_file(int dfd, const char *name, int flags, mode_t mode, int one_link)
{
	struct stat st;
	int fd = openat(dfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
	int err = 0;

	if (fd == -1) {
		errno = fsutil_why_not(dfd, name, errno, 1);
		return -1;
	}
	if (fstat(fd, &st) == -1)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = FSUTIL_ENOTREG;
	else if (one_link && st.st_nlink > 1)
		err = FSUTIL_ENLINKS;
	if (err != 0) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

const char *
fsutil_strerror(int err)
{
	switch (err) {
	case ELOOP:          return "a symbolic link, not followed";
	case FSUTIL_ENOTREG: return "not a regular file";
	case FSUTIL_ENLINKS: return "a file with several hard links";
	default:             return strerror(err);
	}
}

const char *
fsutil_dirname(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
	return slash != NULL ? slash + 1 : path;
}
