/*
 * maildir.c: delivery into DATA_DIR/mail/USER/{tmp,new,cur}. Owns one
 * message in progress at a time per struct maildir_msg: its file in the first
 * recipient's tmp/, a MAILDIR_WRITE_BUF user-space buffer in front of it, and
 * the commit that links it into the other recipients' tmp/ and renames every
 * copy into new/ (all or none); and the making of a Maildir, one name at a
 * time below the data dir, following no link (fsutil_dir_below), since root
 * makes them too (admin commands). A message belongs to one thread at a time;
 * the only shared state is the name counter (atomic) and the escaped node
 * name (set before threads start, or made once from the host name), so any
 * thread may call any function but maildir_set_node().
 */
#include "maildir.h"
#include "fsutil.h"
#include "pop3_text.h"

#include "server_defaults.h"
#include "log.h"
#include "userfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

struct maildir_msg {
	char           *data_dir;
	char            user[USER_NAME_MAX + 1];   /* the first recipient */
	char            id[MAILDIR_ID_MAX];
	char            tmp_path[PATH_MAX];
	int             fd;
	int             error;      /* errno of a failed write; commit refuses */
	size_t          size;       /* bytes accepted, buffered ones included */
	size_t          used;       /* bytes waiting in buf */
	unsigned char  *buf;        /* MAILDIR_WRITE_BUF bytes */
	struct pop3_size wire;      /* its size as POP3 will announce it (CRLF lines) */
	char            name[MAILDIR_NAME_MAX];    /* in new/: ID,S=size,W=wire size */
};

static atomic_ulong maildir_counter;
static pthread_once_t maildir_host_once = PTHREAD_ONCE_INIT;
static char maildir_node_name[MAILDIR_NODE_MAX + 1];   /* escaped; set before threads */

/* DATA_DIR/mail/USER[/SUB[/NAME]] into OUT. 0, or -1 (too long). */
static int
maildir_path(char *out, size_t len, const char *data_dir, const char *user,
             const char *sub, const char *name)
{
	int n = snprintf(out, len, "%s/%s/%s%s%s%s%s", data_dir, MAIL_DIR_NAME, user,
	                 sub ? "/" : "", sub ? sub : "", name ? "/" : "", name ? name : "");

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* SRC escaped for a Maildir name into OUT (MAILDIR_NODE_MAX + 1 bytes):
 * '/' and ':' as \057 and \072, as Maildir wants, and any other byte but
 * A-Z a-z 0-9 . _ - as \ooo too (a ',' would end the name's ID). Cut
 * short when CUT, else refused. 0, or -1 when too long. */
static int
maildir_escape(const char *src, char *out, int cut)
{
	size_t o = 0;

	for (size_t i = 0; src[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)src[i];
		char piece[5];
		int plen = strchr(NODE_NAME_CHARS, ch) != NULL
		           ? snprintf(piece, sizeof piece, "%c", ch)
		           : snprintf(piece, sizeof piece, "\\%03o", ch);
		if (o + (size_t)plen > MAILDIR_NODE_MAX) {
			out[o] = '\0';
			return cut ? 0 : -1;
		}
		memcpy(out + o, piece, (size_t)plen);
		o += (size_t)plen;
	}
	out[o] = '\0';
	return 0;
}

/* Without maildir_set_node(): the host name, escaped and cut short. */
static void
maildir_host_init(void)
{
	char host[HOST_NAME_MAX + 1];

	if (maildir_node_name[0] != '\0')
		return;
	if (gethostname(host, sizeof host) == -1 || host[0] == '\0')
		snprintf(host, sizeof host, "localhost");
	host[HOST_NAME_MAX] = '\0';
	maildir_escape(host, maildir_node_name, 1);
}

int
maildir_set_node(const char *name, char *err, size_t errlen)
{
	char escaped[MAILDIR_NODE_MAX + 1];

	if (name[0] == '\0' || maildir_escape(name, escaped, 0) == -1) {
		snprintf(err, errlen, "node name '%s' is empty or longer than %d characters once "
		         "escaped for Maildir names: give a shorter --node-name", name, MAILDIR_NODE_MAX);
		return -1;
	}
	memcpy(maildir_node_name, escaped, sizeof escaped);
	return 0;
}

const char *
maildir_node(void)
{
	pthread_once(&maildir_host_once, maildir_host_init);
	return maildir_node_name;
}

/* A fresh unique name "SECONDS.M<usec>P<pid>Q<counter>R<random>.NODE". */
static int
maildir_make_id(char *out, size_t len)
{
	struct timeval tv;
	uint64_t r;
	int n;

	gettimeofday(&tv, NULL);
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	n = snprintf(out, len, "%lld.M%06ldP%ldQ%luR%016llx.%s", (long long)tv.tv_sec,
	             (long)tv.tv_usec, (long)getpid(), atomic_fetch_add(&maildir_counter, 1) + 1,
	             (unsigned long long)r, maildir_node());
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Opens DATA_DIR, making it (0700) when missing. The path is the admin's
 * own (--data-dir), so a link in it is followed; nothing below it will be. */
static int
maildir_open_data(const char *data_dir)
{
	if (mkdir(data_dir, DATA_DIR_MODE) == -1 && errno != EEXIST)
		return -1;
	return open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* How a missing directory below the data dir (DFD) is made: 0700 and, run as
 * root (an admin command) in a data dir another account owns, given to that
 * account so that a server running as it can deliver there. 0, or -1. */
static int
maildir_make_rule(int dfd, struct fsutil_make *mk)
{
	struct stat st;

	if (fstat(dfd, &st) == -1)
		return -1;
	mk->mode = DATA_DIR_MODE;
	mk->give = geteuid() == 0 && st.st_uid != 0;
	mk->uid = st.st_uid;
	mk->gid = st.st_gid;
	return 0;
}

/* Makes what is missing of mail/USER/{tmp,new,cur} below the data dir DFD,
 * following no link at any level (the data dir's owner could plant one while
 * root runs an admin command). 0, or -1 with REL the path that failed. */
static int
maildir_make_tree(int dfd, const char *user, char *rel, size_t len)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	struct fsutil_make mk;
	int ufd, fd, rc = 0;

	snprintf(rel, len, "%s/%s", MAIL_DIR_NAME, user);
	if (maildir_make_rule(dfd, &mk) == -1 || (ufd = fsutil_dir_below(dfd, rel, &mk)) == -1)
		return -1;
	for (size_t i = 0; i < sizeof subs / sizeof subs[0] && rc == 0; i++) {
		if ((fd = fsutil_dir_below(ufd, subs[i], &mk)) == -1) {
			snprintf(rel, len, "%s/%s/%s", MAIL_DIR_NAME, user, subs[i]);
			rc = -1;
		} else
			close(fd);
	}
	int saved = errno;
	close(ufd);
	errno = saved;
	return rc;
}

int
maildir_ensure(const char *data_dir, const char *user, char *err, size_t errlen)
{
	char rel[sizeof MAIL_DIR_NAME + USER_NAME_MAX + sizeof "/x/tmp"];
	int dfd, rc;

	if (!userfile_valid_name(user)) {
		snprintf(err, errlen, "invalid mailbox name");
		return -1;
	}
	if ((dfd = maildir_open_data(data_dir)) == -1) {
		snprintf(err, errlen, "mkdir %s: %s", data_dir, strerror(errno));
		return -1;
	}
	if ((rc = maildir_make_tree(dfd, user, rel, sizeof rel)) == -1)
		snprintf(err, errlen, "mkdir %s/%s: %s", data_dir, rel, fsutil_strerror(errno));
	close(dfd);
	return rc;
}

static void
maildir_msg_free(struct maildir_msg *m)
{
	if (m->fd != -1)
		close(m->fd);
	free(m->buf);
	free(m->data_dir);
	free(m);
}

/* Creates M's file in its user's tmp/ under a fresh name. 0, or -1. */
static int
maildir_create(struct maildir_msg *m)
{
	for (int i = 0; i < MAILDIR_NAME_TRIES; i++) {
		if (maildir_make_id(m->id, sizeof m->id) == -1 ||
		    maildir_path(m->tmp_path, sizeof m->tmp_path, m->data_dir, m->user,
		                 "tmp", m->id) == -1)
			return -1;
		m->fd = open(m->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, DATA_FILE_MODE);
		if (m->fd != -1 || errno != EEXIST)
			return m->fd == -1 ? -1 : 0;
	}
	return -1;
}

struct maildir_msg *
maildir_begin(const char *data_dir, const char *first_user, char *err, size_t errlen)
{
	struct maildir_msg *m;

	if (maildir_ensure(data_dir, first_user, err, errlen) == -1)
		return NULL;
	if ((m = calloc(1, sizeof *m)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->fd = -1;
	snprintf(m->user, sizeof m->user, "%s", first_user);
	if ((m->data_dir = strdup(data_dir)) == NULL ||
	    (m->buf = malloc(MAILDIR_WRITE_BUF)) == NULL) {
		snprintf(err, errlen, "out of memory");
		maildir_msg_free(m);
		return NULL;
	}
	if (maildir_create(m) == -1) {
		snprintf(err, errlen, "create in %s/%s/%s/tmp: %s", data_dir, MAIL_DIR_NAME,
		         first_user, strerror(errno));
		maildir_msg_free(m);
		return NULL;
	}
	return m;
}

static int
maildir_flush(struct maildir_msg *m)
{
	if (m->used > 0 && fsutil_write_all(m->fd, m->buf, m->used) == -1)
		return -1;
	m->used = 0;
	return 0;
}

int
maildir_write(struct maildir_msg *m, const void *data, size_t len)
{
	if (m->error != 0) {
		errno = m->error;
		return -1;
	}
	if (len > MAILDIR_WRITE_BUF - m->used && maildir_flush(m) == -1)
		goto fail;
	if (len >= MAILDIR_WRITE_BUF) {
		if (fsutil_write_all(m->fd, data, len) == -1)
			goto fail;
	} else {
		memcpy(m->buf + m->used, data, len);
		m->used += len;
	}
	m->size += len;
	pop3_size_add(&m->wire, data, len);
	return 0;
fail:
	m->error = errno;
	return -1;
}

size_t
maildir_size(const struct maildir_msg *m)
{
	return m->size;
}

const char *
maildir_id(const struct maildir_msg *m)
{
	return m->id;
}

void
maildir_abort(struct maildir_msg *m)
{
	if (m == NULL)
		return;
	if (m->fd != -1)
		close(m->fd);
	m->fd = -1;
	if (unlink(m->tmp_path) == -1 && errno != ENOENT)
		log_warn("unlink %s", m->tmp_path);
	maildir_msg_free(m);
}

/* 1 when USERS[I] already appeared before I (delivered once per mailbox). */
static int
maildir_repeated(const char *const *users, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(users[j], users[i]) == 0)
			return 1;
	return 0;
}

/* Flushes, fsyncs and closes M's file. 0, or -1 (errno set). */
static int
maildir_finish_file(struct maildir_msg *m)
{
	int rc;

	if (m->error != 0) {
		errno = m->error;
		return -1;
	}
	if (maildir_flush(m) == -1 || fsync(m->fd) == -1)
		return -1;
	if (pop3_text_sized_name(m->id, m->size, pop3_size_total(&m->wire), m->name,
	                         sizeof m->name) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	rc = close(m->fd);
	m->fd = -1;
	return rc;
}

/* Hard-links M's file into the tmp/ of USERS[1..N-1]. 0, or -1 with ERR. */
static int
maildir_link_all(struct maildir_msg *m, const char *const *users, size_t n,
                 char *err, size_t errlen)
{
	char path[PATH_MAX];

	for (size_t i = 1; i < n; i++) {
		if (maildir_repeated(users, i))
			continue;
		if (maildir_ensure(m->data_dir, users[i], err, errlen) == -1)
			return -1;
		if (maildir_path(path, sizeof path, m->data_dir, users[i], "tmp", m->id) == -1 ||
		    link(m->tmp_path, path) == -1) {
			snprintf(err, errlen, "link into %s's tmp: %s", users[i], strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Moves USERS[i]'s copy from SUB_FROM to SUB_TO (rename) or, with SUB_TO
 * NULL, fsyncs USERS[i]'s SUB_FROM directory. 0, or -1 (errno set). */
static int
maildir_step(const struct maildir_msg *m, const char *user, const char *sub_from,
             const char *sub_to)
{
	char from[PATH_MAX], to[PATH_MAX];

	if (sub_to == NULL)
		return maildir_path(from, sizeof from, m->data_dir, user, sub_from, NULL) == -1
		       ? -1 : fsutil_sync_dir(from);
	if (maildir_path(from, sizeof from, m->data_dir, user, sub_from, m->id) == -1 ||
	    maildir_path(to, sizeof to, m->data_dir, user, sub_to, m->name) == -1)
		return -1;
	return rename(from, to);
}

/* Renames every tmp/ copy into new/, then fsyncs each new/. 0, or -1 with ERR. */
static int
maildir_publish(const struct maildir_msg *m, const char *const *users, size_t n,
                char *err, size_t errlen)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			if (maildir_repeated(users, i))
				continue;
			if (maildir_step(m, users[i], pass == 0 ? "tmp" : "new",
			                 pass == 0 ? "new" : NULL) == -1) {
				snprintf(err, errlen, "%s into %s's new: %s",
				         pass == 0 ? "rename" : "fsync", users[i], strerror(errno));
				return -1;
			}
		}
	}
	return 0;
}

/* Removes every copy of M, in tmp/ and new/ of USERS[0..N-1]. */
static void
maildir_undo(const struct maildir_msg *m, const char *const *users, size_t n)
{
	static const char *const subs[] = { "new", "tmp" };
	const char *names[] = { m->name, m->id };
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < sizeof subs / sizeof subs[0] && userfile_valid_name(users[i]); s++)
			if (names[s][0] != '\0' &&
			    maildir_path(path, sizeof path, m->data_dir, users[i], subs[s], names[s]) == 0 &&
			    unlink(path) == -1 && errno != ENOENT && errno != ENOTDIR)
				log_warn("unlink %s", path);
}

int
maildir_commit(struct maildir_msg *m, const char *const *users, size_t n,
               char *err, size_t errlen)
{
	int rc = -1, saved;

	if (n == 0 || strcmp(users[0], m->user) != 0) {
		snprintf(err, errlen, "recipients do not start with %s", m->user);
		errno = EINVAL;
		goto out;
	}
	if (maildir_finish_file(m) == -1) {
		snprintf(err, errlen, "write %s: %s", m->tmp_path, strerror(errno));
		goto out;
	}
	if (maildir_link_all(m, users, n, err, errlen) == -1 ||
	    maildir_publish(m, users, n, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	saved = errno;
	if (rc == -1) {
		maildir_undo(m, users, n);
		if (unlink(m->tmp_path) == -1 && errno != ENOENT)
			log_warn("unlink %s", m->tmp_path);
	}
	maildir_msg_free(m);
	errno = saved;
	return rc;
}
