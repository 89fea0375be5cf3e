/*
 * notify.c: sd_notify(3) without libsystemd. The protocol is one AF_UNIX
 * datagram of newline-separated NAME=value assignments to the socket that
 * $NOTIFY_SOCKET names (a file system path, or after '@' a name in the
 * abstract namespace); systemd learns the sender's pid from the socket
 * (NotifyAccess=main). The socket is connected at start, as root, so that
 * the account the server drops to never needs the right to reach it.
 * $JOURNAL_STREAM ("DEVICE:INODE") tells whether stderr is the journal.
 * Main thread.
 */
#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define NOTIFY_MSG_MAX  1024
#define USEC_PER_SEC    1000000ULL
#define NSEC_PER_USEC   1000ULL

/* Fills SUN from NAME. Its length, or 0 when NAME does not fit. */
static socklen_t
notify_address(const char *name, struct sockaddr_un *sun)
{
	size_t n = strlen(name);

	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (n >= sizeof sun->sun_path)
		return 0;
	memcpy(sun->sun_path, name, n);
	if (name[0] == '@')
		sun->sun_path[0] = '\0';       /* abstract: no NUL ending, length counts */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '@' ? 0 : 1));
}

int
notify_open(int *fd, char *err, size_t errlen)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;

	*fd = -1;
	if (name == NULL || name[0] == '\0')
		return 0;
	socklen_t len = notify_address(name, &sun);
	if (len == 0 || (name[0] != '/' && name[0] != '@')) {
		snprintf(err, errlen, "NOTIFY_SOCKET=%s: not a socket path or @name", name);
		return -1;
	}
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s == -1 || connect(s, (struct sockaddr *)&sun, len) == -1) {
		snprintf(err, errlen, "NOTIFY_SOCKET=%s: %s", name, strerror(errno));
		if (s != -1)
			close(s);
		return -1;
	}
	*fd = s;
	return 0;
}

void
notify_send(int fd, const char *fmt, ...)
{
	static int warned;
	char msg[NOTIFY_MSG_MAX];
	va_list ap;

	if (fd == -1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
	if (send(fd, msg, len, MSG_NOSIGNAL) == -1 && !warned) {
		warned = 1;
		log_warn("cannot notify the service manager");
	}
}

unsigned long long
notify_monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * USEC_PER_SEC +
	       (unsigned long long)ts.tv_nsec / NSEC_PER_USEC;
}

int
notify_stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (v == NULL || sscanf(v, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}
