/*
 * fsutil.h: the file-system steps shared by the server and the client:
 * writing a whole buffer despite short writes and EINTR, fsyncing a
 * directory so that a rename in it survives a crash, and walking, making and
 * opening paths below a directory without following a symbolic link at any
 * level (what root does in a data dir that another account may own: that
 * account could replace any name there with a link to a system file).
 * No state; any thread. Errors are errno values, never logged here.
 */
#ifndef SEALED_FSUTIL_H
#define SEALED_FSUTIL_H

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

/* errno of the refusals below, besides ELOOP (a symbolic link, not followed). */
#define FSUTIL_ENOTREG  EMEDIUMTYPE   /* not a regular file (a FIFO, a device) */
#define FSUTIL_ENLINKS  EMLINK        /* a regular file with more than one link */

/* What fsutil_dir_below() does with a missing directory: makes it with MODE
 * and, when GIVE is set, gives it to UID:GID (through its descriptor). */
struct fsutil_make {
	mode_t mode;
	int    give;
	uid_t  uid;
	gid_t  gid;
};

/* Writes all LEN bytes of BUF to FD. 0, or -1 with errno set. */
int fsutil_write_all(int fd, const void *buf, size_t len);

/* fsyncs directory DIR. 0, or -1 with errno set. */
int fsutil_sync_dir(const char *dir);

/* Opens directory PATH below directory DFD one name at a time, each with
 * O_NOFOLLOW | O_DIRECTORY, so that no symbolic link is followed at any level
 * (errno ELOOP for one). PATH is relative: names separated by '/', none
 * empty, "." or ".." (EINVAL). With MAKE, a missing directory is made.
 * A descriptor of the directory (O_CLOEXEC; DFD itself is never returned nor
 * closed), or -1 with errno. */
int fsutil_dir_below(int dfd, const char *path, const struct fsutil_make *make);

/* Opens NAME in directory DFD (or, with AT_FDCWD, the path NAME, its last
 * name checked) with FLAGS plus O_NOFOLLOW, O_NONBLOCK, O_NOCTTY and
 * O_CLOEXEC, and MODE when FLAGS has O_CREAT. Refuses a symbolic link
 * (ELOOP), anything but a regular file (FSUTIL_ENOTREG: a FIFO or device
 * cannot block the caller, it is never waited for) and, with ONE_LINK, a file
 * with several hard links (FSUTIL_ENLINKS). The descriptor (still
 * O_NONBLOCK, which regular files ignore), or -1 with errno. */
int fsutil_open_file(int dfd, const char *name, int flags, mode_t mode, int one_link);

/* The directory part of PATH into BUF: "." for a bare name, "/" for a
 * name right below the root. Returns the last name (a pointer into PATH). */
const char *fsutil_dirname(const char *path, char *buf, size_t len);

/* A sentence for errno ERR that names the refusals above ("a symbolic link,
 * not followed", ...), else strerror(ERR). */
const char *fsutil_strerror(int err);

#endif
