/*
 * control.c: both ends of the control socket. The server answers each
 * connection with "name value" lines, one per counter, then closes it; the
 * admin commands read and print them.
 */
#include "control.h"
#include "server_defaults.h"
#include "fsutil.h"
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CONTROL_REPLY_MAX 2048
#define MONITOR_INTERVAL_S 1

/* The socket's address: DATA_DIR/sealed.sock, or DATA_DIR/nodes/NODE.sock
 * for a named node. 0, or -1 with ERR. */
static int
control_addr(const char *data_dir, const char *node, struct sockaddr_un *sa, char *err,
             size_t errlen)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	int n = node == NULL
	        ? snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s", data_dir, CONTROL_SOCKET_NAME)
	        : snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s/%s%s", data_dir, NODES_DIR_NAME,
	                   node, NODE_SOCKET_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof sa->sun_path) {
		snprintf(err, errlen, "data directory path too long for a socket");
		return -1;
	}
	return 0;
}

int
control_listen(const char *data_dir, const char *node, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	if (control_addr(data_dir, node, &sa, err, errlen) == -1)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	unlink(sa.sun_path);   /* a stale socket of an earlier run */
	mode_t old = umask(0077);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc == -1 || listen(fd, LISTEN_BACKLOG) == -1) {
		snprintf(err, errlen, "control socket %s: %s", sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A reply being built: whole lines, until one does not fit. */
struct control_reply {
	char  *buf;
	size_t len;    /* room in buf, NUL included */
	size_t off;    /* bytes written; buf[off] is the NUL */
	int    full;   /* a line did not fit: add no more */
};

/* Appends "NAME VALUE\n" when the whole line fits (its NUL too); else the
 * reply ends before it. */
static void
control_add(struct control_reply *r, const char *name, long value)
{
	if (r->full)
		return;
	size_t room = r->len - r->off;
	int n = snprintf(r->buf + r->off, room, "%s %ld\n", name, value);
	if (n < 0 || (size_t)n >= room) {
		r->buf[r->off] = '\0';   /* no cut line */
		r->full = 1;
		return;
	}
	r->off += (size_t)n;
}

size_t
control_format(const struct stats *st, char *buf, size_t len)
{
	struct control_reply r = { .buf = buf, .len = len, .full = len == 0 };

#define CONTROL_LINE(name)                                                               \
	control_add(&r, #name, (long)atomic_load_explicit(&((struct stats *)st)->name,  \
	                                                  memory_order_relaxed));
	STATS_FIELDS(CONTROL_LINE)
#undef CONTROL_LINE
	return r.off;
}

void
control_serve(int fd, const struct stats *st)
{
	char buf[CONTROL_REPLY_MAX];
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c == -1)
		return;
	size_t off = control_format(st, buf, sizeof buf);
	if (send(c, buf, off, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;   /* the reader went away: nothing to do */
	close(c);
}

void
control_close(int fd, const char *data_dir, const char *node)
{
	struct sockaddr_un sa;
	char err[128];
	if (fd == -1)
		return;
	close(fd);
	if (control_addr(data_dir, node, &sa, err, sizeof err) == 0)
		unlink(sa.sun_path);
}

/* Reads the counters into BUF. 0, or -1 with a message printed. */
static int
control_fetch(const char *data_dir, const char *node, char *buf, size_t len)
{
	struct sockaddr_un sa;
	char err[256];
	if (control_addr(data_dir, node, &sa, err, sizeof err) == -1) {
		fprintf(stderr, "sealed: %s\n", err);
		return -1;
	}
	/* run as root too, in a data dir another account may own: a link there
	 * could point root's connect at any socket of the system */
	struct stat st;
	if (fstatat(AT_FDCWD, sa.sun_path, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "sealed: no running server at %s (%s)\n", sa.sun_path,
		        S_ISLNK(st.st_mode) ? fsutil_strerror(ELOOP) : "not a socket");
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		fprintf(stderr, "sealed: no running server at %s (%s)\n", sa.sun_path,
		        strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	size_t off = 0;
	ssize_t n;
	while (off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
	return 0;
}

/* Prints "name value" lines as one "name=value ..." line with a time. */
static void
control_print_line(char *buf)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%H:%M:%S", &tm);
	printf("%s", ts);
	for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		if (sp != NULL)
			*sp = '=';
		printf(" %s", line);
	}
	printf("\n");
	fflush(stdout);
}

int
control_client(const char *data_dir, const char *node, int repeat)
{
	char buf[CONTROL_REPLY_MAX];
	if (!repeat) {
		if (control_fetch(data_dir, node, buf, sizeof buf) == -1)
			return 1;
		fputs(buf, stdout);
		return 0;
	}
	for (;;) {
		if (control_fetch(data_dir, node, buf, sizeof buf) == -1)
			return 1;
		control_print_line(buf);
		sleep(MONITOR_INTERVAL_S);
	}
}
