/*
 * log.c: timestamped log lines to a file and/or stderr, one write(2) per line.
 * Module-level state: the file descriptor, its path and
 * the stderr mode, set before threads start and read-only afterwards (a
 * reopen changes the file behind the same descriptor number), and the debug
 * flag, an atomic that a reload may change.
 */
#include "log.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static int log_stderr = LOG_STDERR_ALL;
static char log_path[PATH_MAX];
static atomic_int log_debug_on;

/* PATH opened for appending, as log_open() takes it. A descriptor, or -1. */
static int
log_open_path(const char *path)
{
	/* The server opens its log as root, in a data dir whose owner (the --user
	 * account) could have put there a link to a system file, a FIFO (an
	 * open that never returns) or, as root appends to it, a hard link: only
	 * a regular file is taken, and as root only one with a single link. */
	return fsutil_open_file(AT_FDCWD, path, O_WRONLY | O_CREAT | O_APPEND, 0600,
	                        geteuid() == 0);
}

int
log_open(const char *path, int to_stderr)
{
	log_stderr = to_stderr;
	if (path == NULL)
		return 0;
	if (strlen(path) >= sizeof log_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = log_open_path(path);
	if (fd == -1)
		return -1;
	if (log_fd != -1)
		close(log_fd);
	log_fd = fd;
	snprintf(log_path, sizeof log_path, "%s", path);
	return 0;
}

int
log_reopen(void)
{
	if (log_fd == -1 || log_path[0] == '\0')
		return 0;
	int fd = log_open_path(log_path);
	if (fd == -1)
		return -1;
	int rc = dup3(fd, log_fd, O_CLOEXEC) == -1 ? -1 : 0;
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

void
log_close(void)
{
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
	log_path[0] = '\0';
}

void
log_set_debug(int on)
{
	atomic_store(&log_debug_on, on);
}

void
log_timestamp(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	char day[32];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ld", day, (long)tv.tv_usec);
}

/* Writes BUF (LEN bytes, newline included) to every destination. EVENT:
 * a warning or info line (else an exchange or debug line). */
static void
log_emit(const char *buf, size_t len, int event)
{
	if (log_fd != -1 && write(log_fd, buf, len) < 0)
		(void)0;  /* nowhere left to report a failing log */
	if ((log_stderr == LOG_STDERR_ALL || (log_stderr == LOG_STDERR_EVENTS && event)) &&
	    write(STDERR_FILENO, buf, len) < 0)
		(void)0;
}

/* Replaces control characters so that one log entry stays one line. */
static void
log_sanitize(char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
}

static void
log_vline(const char *level, const char *fmt, va_list ap, const char *suffix, int event)
{
	char buf[LOG_LINE_MAX], ts[40];
	int n;

	log_timestamp(ts, sizeof ts);
	n = snprintf(buf, sizeof buf, "[%s] %s: ", ts, level);
	if (n < 0 || (size_t)n >= sizeof buf)
		return;
	int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof buf - 2)
		len = sizeof buf - 2;
	if (suffix != NULL) {
		int k = snprintf(buf + len, sizeof buf - len, ": %s", suffix);
		if (k > 0)
			len = len + (size_t)k > sizeof buf - 2 ? sizeof buf - 2 : len + (size_t)k;
	}
	log_sanitize(buf, len);
	buf[len++] = '\n';
	log_emit(buf, len, event);
}

#define LOG_VARIADIC(name, level, suffix_expr, guard, event)   \
	void name(const char *fmt, ...)                        \
	{                                                      \
		int saved = errno;                             \
		if (!(guard))                                  \
			return;                                \
		va_list ap;                                    \
		va_start(ap, fmt);                             \
		log_vline(level, fmt, ap, (suffix_expr), event); \
		va_end(ap);                                    \
		errno = saved;                                 \
	}

LOG_VARIADIC(log_warn, "warning", strerror(saved), 1, 1)
LOG_VARIADIC(log_warnx, "warning", NULL, 1, 1)
LOG_VARIADIC(log_info, "info", NULL, 1, 1)
LOG_VARIADIC(log_debug, "debug", NULL, atomic_load(&log_debug_on), 0)

void
log_exchange(const char *server_addr, const char *client_addr,
             const char *service, const char *user, const char *dir,
             const char *fmt, ...)
{
	char buf[LOG_LINE_MAX], ts[40];
	va_list ap;

	log_timestamp(ts, sizeof ts);
	int n = snprintf(buf, sizeof buf, "[%s] %s %s %s %s %s ", ts, server_addr,
	                 client_addr, service, user != NULL && *user ? user : "-", dir);
	if (n < 0 || (size_t)n >= sizeof buf - 2)
		return;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof buf - 2)
		len = sizeof buf - 2;
	log_sanitize(buf, len);
	buf[len++] = '\n';
	log_emit(buf, len, 0);
}
