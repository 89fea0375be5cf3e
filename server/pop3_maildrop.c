/*
 * pop3_maildrop.c: the messages of one POP3 session (see pop3_maildrop.h).
 * Owns the message array, the copies of the file names, and the maildrop
 * lock of its user (its descriptor). Lock, scan and commit run on a job
 * thread, the rest on the connection's worker, never both at once (the
 * connection waits for jobs).
 */
#include "pop3_maildrop.h"

#include "maildir.h"
#include "maildrop_lock.h"
#include "pop3_text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAILDROP_INITIAL 32

/* DIR/SUB/NAME into OUT. 0, or -1 (too long; errno set). */
static int
maildrop_path(const struct pop3_maildrop *md, const char *sub, const char *name, char *out,
              size_t len)
{
	int n = snprintf(out, len, "%s/%s/%s", md->dir, sub, name);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

struct pop3_maildrop *
pop3_maildrop_new(const char *data_dir, const char *user)
{
	struct pop3_maildrop *md;
	char dir[PATH_MAX];
	int n = snprintf(dir, sizeof dir, "%s/%s/%s", data_dir, MAIL_DIR_NAME, user);

	if (n < 0 || (size_t)n >= sizeof dir || strlen(user) > USER_NAME_MAX)
		return NULL;
	if ((md = calloc(1, sizeof *md)) == NULL || (md->dir = strdup(dir)) == NULL ||
	    (md->data_dir = strdup(data_dir)) == NULL) {
		if (md != NULL)
			free(md->dir);
		free(md);
		return NULL;
	}
	md->lock_fd = -1;
	snprintf(md->user, sizeof md->user, "%s", user);
	return md;
}

int
pop3_maildrop_lock(struct pop3_maildrop *md, int *in_use, char *err, size_t errlen)
{
	*in_use = 0;
	if (md->lock_fd != -1)
		return 0;
	if (maildir_ensure(md->data_dir, md->user, err, errlen) == -1)
		return -1;
	md->lock_fd = maildrop_lock_acquire(md->data_dir, md->user, in_use, err, errlen);
	return md->lock_fd == -1 ? -1 : 0;
}

void
pop3_maildrop_free(struct pop3_maildrop *md)
{
	if (md == NULL)
		return;
	for (size_t i = 0; i < md->n; i++)
		free(md->msgs[i].name);
	free(md->msgs);
	free(md->dir);
	free(md->data_dir);
	maildrop_lock_release(md->lock_fd);
	free(md);
}

/* Counts the CRLF octets of the open file FD, reading through BUF
 * (POP3_SCAN_CHUNK bytes). 0, or -1. */
static int
maildrop_size_fd(int fd, char *buf, uint64_t *size)
{
	struct pop3_size z = { 0 };
	ssize_t r;

	while ((r = read(fd, buf, POP3_SCAN_CHUNK)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		pop3_size_add(&z, buf, (size_t)r);
	}
	*size = pop3_size_total(&z);
	return 0;
}

/* Room for one more message. 0, or -1. */
static int
maildrop_grow(struct pop3_maildrop *md)
{
	if (md->n < md->cap)
		return 0;
	size_t cap = md->cap ? md->cap * 2 : MAILDROP_INITIAL;
	struct pop3_msg *nv = realloc(md->msgs, cap * sizeof *nv);
	if (nv == NULL)
		return -1;
	md->msgs = nv;
	md->cap = cap;
	return 0;
}

/* Adds file NAME of directory DFD, when it is a readable regular file.
 * 0 (added or skipped), or -1 when out of memory. */
static int
maildrop_add(struct pop3_maildrop *md, int dfd, const char *name, int in_new, char *buf)
{
	struct stat st;
	uint64_t size;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd == -1)
		return 0;                   /* gone meanwhile, or not ours to read */
	int rc = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
	if (rc == 0 && pop3_text_name_size(name, (uint64_t)st.st_size, &size) == -1)
		rc = maildrop_size_fd(fd, buf, &size);   /* not named with its size: count */
	close(fd);
	if (rc == -1)
		return 0;
	if (maildrop_grow(md) == -1)
		return -1;
	struct pop3_msg *m = &md->msgs[md->n];
	memset(m, 0, sizeof *m);
	if ((m->name = strdup(name)) == NULL)
		return -1;
	if (pop3_text_uid(name, m->uid, sizeof m->uid) == -1) {
		free(m->name);
		return 0;
	}
	m->size = size;
	m->in_new = in_new;
	md->n++;
	return 0;
}

/* Adds the messages of DIR/SUB. 0, or -1 with ERR. */
static int
maildrop_scan_sub(struct pop3_maildrop *md, const char *sub, char *buf, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (snprintf(path, sizeof path, "%s/%s", md->dir, sub) >= (int)sizeof path ||
	    (d = opendir(path)) == NULL) {
		snprintf(err, errlen, "open %s/%s: %s", md->dir, sub, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;                    /* ., .. and hidden files are not mail */
		if (maildrop_add(md, dirfd(d), e->d_name, strcmp(sub, "new") == 0, buf) == -1) {
			snprintf(err, errlen, "out of memory listing %s", path);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

static int
maildrop_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pop3_msg *)a)->name, ((const struct pop3_msg *)b)->name);
}

/* Sorts by name (the delivery time comes first) and keeps the oldest
 * POP3_MAX_MESSAGES. */
static void
maildrop_order(struct pop3_maildrop *md)
{
	if (md->n > 1)
		qsort(md->msgs, md->n, sizeof *md->msgs, maildrop_cmp);
	while (md->n > POP3_MAX_MESSAGES) {
		free(md->msgs[--md->n].name);
		md->left_out++;
	}
	md->octets = 0;
	for (size_t i = 0; i < md->n; i++)
		md->octets += md->msgs[i].size;
}

int
pop3_maildrop_scan(struct pop3_maildrop *md, char *err, size_t errlen)
{
	char *buf;
	int rc = -1;

	if (maildir_ensure(md->data_dir, md->user, err, errlen) == -1)
		return -1;
	if ((buf = malloc(POP3_SCAN_CHUNK)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (maildrop_scan_sub(md, "new", buf, err, errlen) == 0 &&
	    maildrop_scan_sub(md, "cur", buf, err, errlen) == 0) {
		maildrop_order(md);
		rc = 0;
	}
	free(buf);
	return rc;
}

struct pop3_msg *
pop3_maildrop_get(struct pop3_maildrop *md, unsigned long num)
{
	return num >= 1 && num <= md->n ? &md->msgs[num - 1] : NULL;
}

size_t
pop3_maildrop_count(const struct pop3_maildrop *md)
{
	return md->n - md->ndeleted;
}

uint64_t
pop3_maildrop_octets(const struct pop3_maildrop *md)
{
	return md->octets - md->deleted_octets;
}

void
pop3_maildrop_mark(struct pop3_maildrop *md, struct pop3_msg *m)
{
	if (m->deleted)
		return;
	m->deleted = 1;
	md->ndeleted++;
	md->deleted_octets += m->size;
}

void
pop3_maildrop_unmark_all(struct pop3_maildrop *md)
{
	for (size_t i = 0; i < md->n; i++)
		md->msgs[i].deleted = 0;
	md->ndeleted = 0;
	md->deleted_octets = 0;
}

int
pop3_maildrop_open_msg(const struct pop3_maildrop *md, const struct pop3_msg *m)
{
	char path[PATH_MAX];

	if (maildrop_path(md, m->in_new ? "new" : "cur", m->name, path, sizeof path) == -1)
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

int
pop3_maildrop_read(struct pop3_maildrop *md, struct pop3_msg *m, int seen)
{
	char to_name[NAME_MAX + 1], from[PATH_MAX], to[PATH_MAX];

	if (pop3_text_cur_name(m->name, seen ? 'S' : 0, to_name, sizeof to_name) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!m->in_new && strcmp(to_name, m->name) == 0)
		return 0;
	if (maildrop_path(md, m->in_new ? "new" : "cur", m->name, from, sizeof from) == -1 ||
	    maildrop_path(md, "cur", to_name, to, sizeof to) == -1 || rename(from, to) == -1)
		return -1;
	char *copy = strdup(to_name);
	if (copy == NULL) {
		if (rename(to, from) == -1)          /* keep the name we know right */
			return -1;
		errno = ENOMEM;
		return -1;
	}
	free(m->name);
	m->name = copy;
	m->in_new = 0;
	return 0;
}

size_t
pop3_maildrop_commit(struct pop3_maildrop *md)
{
	char path[PATH_MAX];
	size_t failed = 0;

	for (size_t i = 0; i < md->n; i++) {
		struct pop3_msg *m = &md->msgs[i];
		if (!m->deleted)
			continue;
		if (maildrop_path(md, m->in_new ? "new" : "cur", m->name, path, sizeof path) == -1 ||
		    (unlink(path) == -1 && errno != ENOENT))
			failed++;
	}
	return failed;
}
