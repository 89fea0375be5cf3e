/*
 * userfile.c: the users file, DATA_DIR/users. Owns its format (name:hash
 * lines, the user name rules), the in-memory list of users with its name
 * index, the file's identity (to notice a change), reading, and the one write
 * path: flock on users.lock, re-read, write users.tmp.<pid>.<n> (0600), fsync,
 * rename, fsync the dir; plus the admin operations built on it. The only
 * shared state is the temp-file serial (atomic), so any thread may call any
 * function. The file lock is held only inside userfile_change(), which calls
 * no crypt(3) and takes no other lock; password hashing happens before it.
 */
#include "userfile.h"
#include "fnv.h"
#include "fsutil.h"

#include "log.h"
#include "passhash.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t
userfile_name_hash(const char *s)
{
	return fnv_hash32(s, strlen(s));
}

int
userfile_valid_name(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		unsigned char c = (unsigned char)name[i];
		if (i >= USER_NAME_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* DIR/NAME into OUT. 0, or -1 with errno ENAMETOOLONG. */
static int
userfile_join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
userfile_path(char *out, size_t len, const char *dir)
{
	return userfile_join(out, len, dir, USERS_FILE_NAME);
}

/* --- The list of users -------------------------------------------------- */

void
userfile_list_free(struct user_list *l)
{
	free(l->v);
	free(l->slot);
	memset(l, 0, sizeof *l);
}

struct user *
userfile_list_find(const struct user_list *l, const char *name)
{
	size_t mask = l->nslots - 1, h;

	if (l->nslots == 0)
		return NULL;
	for (h = userfile_name_hash(name) & mask; l->slot[h] != 0; h = (h + 1) & mask)
		if (strcmp(l->v[l->slot[h] - 1].name, name) == 0)
			return &l->v[l->slot[h] - 1];
	return NULL;
}

/* Puts position I of L into the index (which has a free slot). */
static void
userfile_list_index(struct user_list *l, size_t i)
{
	size_t mask = l->nslots - 1, h = userfile_name_hash(l->v[i].name) & mask;

	while (l->slot[h] != 0)
		h = (h + 1) & mask;
	l->slot[h] = (uint32_t)(i + 1);
}

/* Makes room for one more user in the array and the index. 0, or -1. */
static int
userfile_list_grow(struct user_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct user *v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((l->n + 1) * 2 <= l->nslots)
		return 0;
	size_t nslots = l->nslots ? l->nslots * 2 : 32;
	uint32_t *slot = calloc(nslots, sizeof *slot);
	if (slot == NULL)
		return -1;
	free(l->slot);
	l->slot = slot;
	l->nslots = nslots;
	for (size_t i = 0; i < l->n; i++)
		userfile_list_index(l, i);
	return 0;
}

/* Appends NAME:HASH (both checked by the caller). 0, or -1 (no memory). */
static int
userfile_list_push(struct user_list *l, const char *name, const char *hash)
{
	if (l->n >= UINT32_MAX - 1 || userfile_list_grow(l) == -1)
		return -1;
	snprintf(l->v[l->n].name, sizeof l->v[l->n].name, "%s", name);
	snprintf(l->v[l->n].hash, sizeof l->v[l->n].hash, "%s", hash);
	userfile_list_index(l, l->n);
	l->n++;
	return 0;
}

/* --- The file's identity ------------------------------------------------- */

static void
userfile_id_set(struct userfile_id *id, const struct stat *st)
{
	memset(id, 0, sizeof *id);
	id->present = 1;
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtim = st->st_mtim;
	id->ctim = st->st_ctim;
}

int
userfile_id_of(const char *path, struct userfile_id *id)
{
	struct stat st;

	memset(id, 0, sizeof *id);
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0)
		userfile_id_set(id, &st);
	else if (errno != ENOENT)
		return -1;
	return 0;
}

int
userfile_id_same(const struct userfile_id *a, const struct userfile_id *b)
{
	if (a->present != b->present)
		return 0;
	return !a->present ||
	       (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	        a->mtim.tv_sec == b->mtim.tv_sec && a->mtim.tv_nsec == b->mtim.tv_nsec &&
	        a->ctim.tv_sec == b->ctim.tv_sec && a->ctim.tv_nsec == b->ctim.tv_nsec);
}

/* --- Reading the file ---------------------------------------------------- */

/* Splits LINE (no newline) into name and hash in place. 0, or -1 if malformed. */
static int
userfile_parse_line(char *line, char **name, char **hash)
{
	char *colon = strchr(line, ':');

	if (colon == NULL)
		return -1;
	*colon = '\0';
	*name = line;
	*hash = colon + 1;
	if (!userfile_valid_name(*name) || (*hash)[0] == '\0' ||
	    strlen(*hash) >= HASH_MAX || strchr(*hash, ':') != NULL)
		return -1;
	return 0;
}

/* Adds line LINENO of PATH to L; a blank line is ignored, a malformed or
 * duplicate one skipped with a warning (never its text: it may be a secret).
 * 0, or -1 when out of memory. */
static int
userfile_take_line(struct user_list *l, char *line, const char *path, unsigned lineno)
{
	char *name, *hash;

	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0')
		return 0;
	if (userfile_parse_line(line, &name, &hash) == -1) {
		log_warnx("%s: line %u is malformed, skipped", path, lineno);
		return 0;
	}
	if (userfile_list_find(l, name) != NULL) {
		log_warnx("%s: line %u repeats user %s, skipped", path, lineno, name);
		return 0;
	}
	return userfile_list_push(l, name, hash);
}

int
userfile_read(const char *path, struct user_list *l, struct userfile_id *id)
{
	struct userfile_id none = { 0 };
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;
	/* read as root too (admin commands, the server before --user drops), in
	 * a data dir another account may own: a link is not followed, nor is
	 * anything but a regular file read, nor, as root, one with several links */
	int fd = fsutil_open_file(AT_FDCWD, path, O_RDONLY, 0, geteuid() == 0);
	FILE *f = fd == -1 ? NULL : fdopen(fd, "r");

	if (id != NULL)
		*id = none;
	if (f == NULL) {
		int saved = errno;
		if (fd != -1)
			close(fd);
		if (saved == ENOENT)
			return 0;
		log_warnx("open %s: %s", path, fsutil_strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fileno(f), &st) == -1) {
		log_warn("fstat %s", path);
		rc = -1;
	} else if (id != NULL)
		userfile_id_set(id, &st);
	while (rc == 0 && getline(&line, &cap, f) != -1)
		rc = userfile_take_line(l, line, path, ++lineno);
	if (rc == 0 && ferror(f)) {
		log_warn("read %s", path);
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/* Reads DATA_DIR/users into L. 0, or -1 with ERR (L freed). */
static int
userfile_read_dir(const char *data_dir, struct user_list *l, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (userfile_path(path, sizeof path, data_dir) == -1 ||
	    userfile_read(path, l, NULL) == -1) {
		snprintf(err, errlen, "cannot read %s/%s", data_dir, USERS_FILE_NAME);
		userfile_list_free(l);
		return -1;
	}
	return 0;
}

/* --- Writing the file ---------------------------------------------------- */

/* The file's text for L without position SKIP, in a malloc'd *OUT. 0, or -1. */
static int
userfile_format(const struct user_list *l, size_t skip, char **out, size_t *len)
{
	size_t total = 1, off = 0;
	char *buf;

	for (size_t i = 0; i < l->n; i++)
		total += strlen(l->v[i].name) + strlen(l->v[i].hash) + 2;
	if ((buf = malloc(total)) == NULL)
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (i != skip)
			off += (size_t)snprintf(buf + off, total - off, "%s:%s\n",
			                        l->v[i].name, l->v[i].hash);
	*out = buf;
	*len = off;
	return 0;
}

/* Run as root (an admin command), gives FD the owner of DIR, so that a
 * server running as DIR's owner can still use the file. */
static void
userfile_give_to_owner(int fd, const char *dir)
{
	struct stat st, fs;

	if (geteuid() != 0 || stat(dir, &st) == -1 || st.st_uid == 0)
		return;
	/* DIR's owner may have planted a hard link to a system file (the lock is
	 * opened O_NOFOLLOW against symbolic ones): never give that away */
	if (fstat(fd, &fs) == -1 || fs.st_nlink > 1)
		return;
	if (fchown(fd, st.st_uid, st.st_gid) == -1)
		log_warn("chown in %s", dir);
}

/* A fresh temp file name DIR/users.tmp.<pid>.<n> into TMP, and DIR/users
 * into PATH (both PATH_MAX). 0, or -1 with errno ENAMETOOLONG. */
static int
userfile_tmp_names(const char *dir, char *tmp, char *path)
{
	static atomic_uint serial;
	int n = snprintf(tmp, PATH_MAX, "%s/%s.%ld.%u", dir, USERS_TMP_PREFIX,
	                 (long)getpid(), atomic_fetch_add(&serial, 1));

	if (n < 0 || n >= PATH_MAX || userfile_path(path, PATH_MAX, dir) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Replaces DIR/users with L minus position SKIP, atomically and durably.
 * The caller holds the file lock. 0, or -1 with ERR. */
static int
userfile_write(const char *dir, const struct user_list *l, size_t skip,
               char *err, size_t errlen)
{
	char tmp[PATH_MAX], path[PATH_MAX], *buf = NULL;
	size_t len;
	int fd = -1, created = 0, n, saved;

	if (userfile_tmp_names(dir, tmp, path) == -1 ||
	    userfile_format(l, skip, &buf, &len) == -1)
		goto fail;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	               DATA_FILE_MODE)) == -1)
		goto fail;
	created = 1;
	userfile_give_to_owner(fd, dir);
	if (fsutil_write_all(fd, buf, len) == -1 || fsync(fd) == -1)
		goto fail;
	n = close(fd);
	fd = -1;
	if (n == -1 || rename(tmp, path) == -1)
		goto fail;
	created = 0;
	if (fsutil_sync_dir(dir) == -1)
		goto fail;
	free(buf);
	return 0;
fail:
	saved = errno;
	snprintf(err, errlen, "cannot write %s/%s: %s", dir, USERS_FILE_NAME, strerror(saved));
	if (fd != -1)
		close(fd);
	if (created)
		unlink(tmp);
	free(buf);
	errno = saved;
	return -1;
}

/* --- The locked read-change-write ---------------------------------------- */

/* Takes the exclusive file lock of DIR (creating DIR when CREATE). The lock
 * fd, or -1 with ERR; -2 when DIR does not exist and !CREATE. */
static int
userfile_lock(const char *dir, int create, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd;

	if (create && mkdir(dir, DATA_DIR_MODE) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	/* as root (admin commands), not a link, a FIFO nor a hard link */
	if (userfile_join(path, sizeof path, dir, USERS_LOCK_NAME) == -1 ||
	    (fd = fsutil_open_file(AT_FDCWD, path, O_RDWR | O_CREAT, DATA_FILE_MODE,
	                           geteuid() == 0)) == -1) {
		if (!create && errno == ENOENT)
			return -2;
		snprintf(err, errlen, "open %s/%s: %s", dir, USERS_LOCK_NAME, fsutil_strerror(errno));
		return -1;
	}
	userfile_give_to_owner(fd, dir);
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			snprintf(err, errlen, "lock %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Applies OP to L; *SKIP becomes the position to leave out (USERFILE_DEL).
 * 0, or USERFILE_REFUSED with ERR when NAME's presence is wrong for OP. */
static int
userfile_apply(struct user_list *l, enum userfile_op op, const char *name,
               const char *hash, size_t *skip, char *err, size_t errlen)
{
	struct user *u = userfile_list_find(l, name);

	if (op == USERFILE_ADD && u != NULL) {
		snprintf(err, errlen, "user %s exists", name);
		return USERFILE_REFUSED;
	}
	if (op != USERFILE_ADD && u == NULL) {
		snprintf(err, errlen, "no user %s", name);
		return USERFILE_REFUSED;
	}
	if (op == USERFILE_ADD && userfile_list_push(l, name, hash) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (op == USERFILE_PASSWD)
		snprintf(u->hash, sizeof u->hash, "%s", hash);
	if (op == USERFILE_DEL)
		*skip = (size_t)(u - l->v);
	return 0;
}

int
userfile_change(const char *dir, enum userfile_op op, const char *name,
                const char *hash, char *err, size_t errlen)
{
	struct user_list l = { 0 };
	char path[PATH_MAX];
	size_t skip = SIZE_MAX;
	int lfd, rc = -1;

	if (!userfile_valid_name(name)) {
		snprintf(err, errlen, "invalid user name");
		return USERFILE_REFUSED;
	}
	lfd = userfile_lock(dir, op == USERFILE_ADD, err, errlen);
	if (lfd == -2)
		snprintf(err, errlen, "no user %s", name);
	if (lfd < 0)
		return lfd == -2 ? USERFILE_REFUSED : -1;
	if (userfile_path(path, sizeof path, dir) == -1 ||
	    userfile_read(path, &l, NULL) == -1) {
		snprintf(err, errlen, "cannot read %s/%s", dir, USERS_FILE_NAME);
		goto out;
	}
	rc = userfile_apply(&l, op, name, hash, &skip, err, errlen);
	if (rc == 0 && userfile_write(dir, &l, skip, err, errlen) == -1)
		rc = -1;
out:
	userfile_list_free(&l);
	close(lfd);  /* releases the flock */
	return rc;
}

/* --- Admin operations on the file ---------------------------------------- */

/* Checks PASS for add and passwd, and hashes it. 0, or -1 with ERR. */
static int
userfile_new_hash(const char *pass, char *hash, size_t len, char *err, size_t errlen)
{
	if (pass == NULL || pass[0] == '\0') {
		snprintf(err, errlen, "empty password");
		return -1;
	}
	if (!passhash_valid_pass(pass)) {
		snprintf(err, errlen, "password longer than %d bytes", PASSWORD_MAX);
		return -1;
	}
	if (passhash_make(pass, hash, len) == -1) {
		snprintf(err, errlen, "cannot hash the password");
		return -1;
	}
	return 0;
}

/* Add or passwd (OP) of NAME with PASS: checks, hashes, changes. 0, or -1. */
static int
userfile_set(const char *data_dir, enum userfile_op op, const char *name,
             const char *pass, char *err, size_t errlen)
{
	char hash[HASH_MAX];

	if (!userfile_valid_name(name)) {
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	if (userfile_new_hash(pass, hash, sizeof hash, err, errlen) == -1)
		return -1;
	return userfile_change(data_dir, op, name, hash, err, errlen) == 0 ? 0 : -1;
}

int
userfile_add(const char *data_dir, const char *name, const char *pass,
             char *err, size_t errlen)
{
	return userfile_set(data_dir, USERFILE_ADD, name, pass, err, errlen);
}

int
userfile_passwd(const char *data_dir, const char *name, const char *pass,
                char *err, size_t errlen)
{
	return userfile_set(data_dir, USERFILE_PASSWD, name, pass, err, errlen);
}

int
userfile_del(const char *data_dir, const char *name, char *err, size_t errlen)
{
	return userfile_change(data_dir, USERFILE_DEL, name, NULL, err, errlen) == 0 ? 0 : -1;
}

int
userfile_list(const char *data_dir, FILE *out, char *err, size_t errlen)
{
	struct user_list l = { 0 };

	if (userfile_read_dir(data_dir, &l, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < l.n; i++)
		fprintf(out, "%s\n", l.v[i].name);
	userfile_list_free(&l);
	if (fflush(out) == EOF || ferror(out)) {
		snprintf(err, errlen, "write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
userfile_has(const char *data_dir, const char *name)
{
	struct user_list l = { 0 };
	char err[256];
	int found;

	if (!userfile_valid_name(name))
		return 0;
	if (userfile_read_dir(data_dir, &l, err, sizeof err) == -1)
		return -1;
	found = userfile_list_find(&l, name) != NULL;
	userfile_list_free(&l);
	return found;
}
