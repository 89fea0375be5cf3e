/*
 * fsutil.h: the two file-system steps every durable write here needs:
 * writing a whole buffer despite short writes and EINTR, and fsyncing a
 * directory so that a rename in it survives a crash. Pure; any thread.
 */
#ifndef SEALED_FSUTIL_H
#define SEALED_FSUTIL_H

#include <stddef.h>

/* Writes all LEN bytes of BUF to FD. 0, or -1 with errno set. */
int fsutil_write_all(int fd, const void *buf, size_t len);

/* fsyncs directory DIR. 0, or -1 with errno set. */
int fsutil_sync_dir(const char *dir);

#endif
