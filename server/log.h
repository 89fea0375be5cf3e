/*
 * log.h: the one logger of sealed and its admin commands. Owns the log
 * file descriptor; every line is formatted into one buffer and written with a
 * single write(2), so lines from many threads never interleave. Any thread may
 * call any function here once log_open() has returned.
 */
#ifndef SEALED_LOG_H
#define SEALED_LOG_H

#include <stddef.h>

#include "attrs.h"

#define LOG_LINE_MAX 4096

/* Which lines also go to stderr. */
enum log_stderr {
	LOG_STDERR_NONE,
	LOG_STDERR_ALL,        /* every line */
	LOG_STDERR_EVENTS      /* warnings and info only, not exchanges or debug
	                          lines: stderr is a journal (systemd) that the
	                          file already has them for */
};

/* Opens (appends to, creates 0600) PATH, or no file when PATH is NULL;
 * TO_STDERR (enum log_stderr) says which lines also go to stderr. PATH must
 * be a regular file, not a symbolic link, and as root one with a single
 * link. 0, or -1 with errno set (fsutil_strerror() names the refusals). */
int  log_open(const char *path, int to_stderr);
void log_close(void);

/* Opens the log's path again (after logrotate renamed the file) and puts
 * the new file in place of the old one, atomically for every thread (dup3
 * over the same descriptor). Main thread; others may log meanwhile. 0 (also
 * when there is no file), or -1 with errno set and the old file kept. */
int  log_reopen(void);

/* Debug lines on or off; any thread, at any time. */
void log_set_debug(int on);

void log_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);  /* appends strerror(errno) */
void log_warnx(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_info(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_debug(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Direction words of an exchange line. */
#define LOG_DIR_IN    "C:"     /* client to server */
#define LOG_DIR_OUT   "S:"     /* server to client */
#define LOG_DIR_EVENT "*"      /* connection event */

/* One exchange line:
 *   [2026-11-22 10:00:00.123456] 127.0.0.1:8465 127.0.0.1:40022 smtp alice C: MAIL FROM:<a@b>
 * USER may be NULL ("-"). Control characters in the text are shown as '?'. */
void log_exchange(const char *server_addr, const char *client_addr,
                  const char *service, const char *user, const char *dir,
                  const char *fmt, ...) PRINTF_LIKE(6, 7);

/* Formats the current time as "YYYY-MM-DD HH:MM:SS.uuuuuu" into BUF. */
void log_timestamp(char *buf, size_t len);

#endif
