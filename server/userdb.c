/*
 * userdb.c: the user database. Owns the in-memory copy of DATA_DIR/users (an
 * array of {name, hash} in file order with a hash index on the name), the
 * login cache and its random secret, and the one write path to the file that
 * the admin commands and open registration share: flock on users.lock,
 * re-read, write users.tmp.<pid>.<n> (0600), fsync, rename, fsync the dir.
 * Any thread may call any function. db->lock is never held across crypt(3)
 * nor together with the file lock, so the two never nest.
 */
#include "userdb.h"

#include "defaults.h"
#include "log.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sha256.h>

#define DIGEST_LEN WC_SHA256_DIGEST_SIZE

/* A fixed salt for the dummy hash that hides whether a name exists. */
static const char userdb_dummy_salt[] = "sealed-dummy-salt";

struct user {
	char name[USER_NAME_MAX + 1];
	char hash[HASH_MAX];
};

/* Users in file order, plus an open-addressing index (slot = position + 1). */
struct user_list {
	struct user *v;
	size_t       n, cap;
	uint32_t    *slot;
	size_t       nslots;         /* 0 or a power of two >= 2 * n */
};

/* What the file looked like when last read, to notice a change. */
struct file_id {
	int             present;
	dev_t           dev;
	ino_t           ino;
	off_t           size;
	struct timespec mtim, ctim;
};

/* A remembered login; valid only while the user's hash is still HASH. */
struct login_entry {
	unsigned char key[DIGEST_LEN];   /* SHA-256(secret, name, NUL, password) */
	unsigned char hash[DIGEST_LEN];  /* SHA-256 of the user's hash string */
	unsigned char used;
};

struct userdb {
	char               *dir;                       /* immutable after open */
	char               *path;                      /* DIR/users, immutable */
	unsigned char       secret[LOGIN_SECRET_LEN];  /* immutable after open */
	/* lock guards users, seen, cache and cache_hits: every read and change,
	 * including the file read of a reload (so readers never see a half list). */
	pthread_mutex_t     lock;
	struct user_list    users;
	struct file_id      seen;
	struct login_entry *cache;                     /* LOGIN_CACHE_SIZE entries */
	unsigned long       cache_hits;
};

enum file_op { OP_ADD, OP_PASSWD, OP_DEL };

/* userdb_change() results besides 0 and -1: the user's presence was wrong. */
#define CHANGE_REFUSED (-2)

static uint32_t
userdb_name_hash(const char *s)
{
	uint32_t h = 2166136261u;  /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int
userdb_valid_name(const char *name)
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

/* 1 when PASS may be a password: 1..PASSWORD_MAX bytes. */
static int
userdb_valid_pass(const char *pass)
{
	return pass != NULL && pass[0] != '\0' && strnlen(pass, PASSWORD_MAX + 1) <= PASSWORD_MAX;
}

/* Compares two strings in time that depends only on their lengths. */
static int
userdb_ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	unsigned char d = la != lb;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static int
userdb_join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* --- The list of users -------------------------------------------------- */

static void
list_free(struct user_list *l)
{
	free(l->v);
	free(l->slot);
	memset(l, 0, sizeof *l);
}

static struct user *
list_find(const struct user_list *l, const char *name)
{
	size_t mask = l->nslots - 1, h;

	if (l->nslots == 0)
		return NULL;
	for (h = userdb_name_hash(name) & mask; l->slot[h] != 0; h = (h + 1) & mask)
		if (strcmp(l->v[l->slot[h] - 1].name, name) == 0)
			return &l->v[l->slot[h] - 1];
	return NULL;
}

/* Puts position I of L into the index (which has a free slot). */
static void
list_index(struct user_list *l, size_t i)
{
	size_t mask = l->nslots - 1, h = userdb_name_hash(l->v[i].name) & mask;

	while (l->slot[h] != 0)
		h = (h + 1) & mask;
	l->slot[h] = (uint32_t)(i + 1);
}

/* Makes room for one more user in the array and the index. 0, or -1. */
static int
list_grow(struct user_list *l)
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
		list_index(l, i);
	return 0;
}

/* Appends NAME:HASH (both checked by the caller). 0, or -1 (no memory). */
static int
list_push(struct user_list *l, const char *name, const char *hash)
{
	if (l->n >= UINT32_MAX - 1 || list_grow(l) == -1)
		return -1;
	snprintf(l->v[l->n].name, sizeof l->v[l->n].name, "%s", name);
	snprintf(l->v[l->n].hash, sizeof l->v[l->n].hash, "%s", hash);
	list_index(l, l->n);
	l->n++;
	return 0;
}

/* --- Reading the file ---------------------------------------------------- */

/* Splits LINE (no newline) into name and hash in place. 0, or -1 if malformed. */
static int
userdb_parse_line(char *line, char **name, char **hash)
{
	char *colon = strchr(line, ':');

	if (colon == NULL)
		return -1;
	*colon = '\0';
	*name = line;
	*hash = colon + 1;
	if (!userdb_valid_name(*name) || (*hash)[0] == '\0' ||
	    strlen(*hash) >= HASH_MAX || strchr(*hash, ':') != NULL)
		return -1;
	return 0;
}

/* Adds line LINENO of PATH to L; a blank line is ignored, a malformed or
 * duplicate one skipped with a warning (never its text: it may be a secret).
 * 0, or -1 when out of memory. */
static int
userdb_take_line(struct user_list *l, char *line, const char *path, unsigned lineno)
{
	char *name, *hash;

	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0')
		return 0;
	if (userdb_parse_line(line, &name, &hash) == -1) {
		log_warnx("%s: line %u is malformed, skipped", path, lineno);
		return 0;
	}
	if (list_find(l, name) != NULL) {
		log_warnx("%s: line %u repeats user %s, skipped", path, lineno, name);
		return 0;
	}
	return list_push(l, name, hash);
}

static void
file_id_set(struct file_id *id, const struct stat *st)
{
	memset(id, 0, sizeof *id);
	id->present = 1;
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtim = st->st_mtim;
	id->ctim = st->st_ctim;
}

static int
file_id_same(const struct file_id *a, const struct file_id *b)
{
	if (a->present != b->present)
		return 0;
	return !a->present ||
	       (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	        a->mtim.tv_sec == b->mtim.tv_sec && a->mtim.tv_nsec == b->mtim.tv_nsec &&
	        a->ctim.tv_sec == b->ctim.tv_sec && a->ctim.tv_nsec == b->ctim.tv_nsec);
}

/* Reads PATH into L (empty when the file is missing) and, when ID is not
 * NULL, what the file read looked like. 0, or -1 (logged). */
static int
userdb_read_file(const char *path, struct user_list *l, struct file_id *id)
{
	struct file_id none = { 0 };
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;
	FILE *f = fopen(path, "re");

	if (id != NULL)
		*id = none;
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("open %s", path);
		return -1;
	}
	if (fstat(fileno(f), &st) == -1) {
		log_warn("fstat %s", path);
		rc = -1;
	} else if (id != NULL)
		file_id_set(id, &st);
	while (rc == 0 && getline(&line, &cap, f) != -1)
		rc = userdb_take_line(l, line, path, ++lineno);
	if (rc == 0 && ferror(f)) {
		log_warn("read %s", path);
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/* --- Writing the file ---------------------------------------------------- */

static int
userdb_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The file's text for L without position SKIP, in a malloc'd *OUT. 0, or -1. */
static int
userdb_format(const struct user_list *l, size_t skip, char **out, size_t *len)
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

/* fsyncs directory DIR, so that a rename in it is durable. 0, or -1. */
static int
userdb_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Run as root (an admin command), gives FD the owner of DIR, so that a
 * server running as DIR's owner can still use the file. */
static void
userdb_give_to_owner(int fd, const char *dir)
{
	struct stat st;

	if (geteuid() != 0 || stat(dir, &st) == -1 || st.st_uid == 0)
		return;
	if (fchown(fd, st.st_uid, st.st_gid) == -1)
		log_warn("chown in %s", dir);
}

/* Replaces DIR/users with L minus position SKIP, atomically and durably.
 * The caller holds the file lock. 0, or -1 with ERR. */
static int
userdb_write_file(const char *dir, const struct user_list *l, size_t skip,
                  char *err, size_t errlen)
{
	static atomic_uint serial;
	char tmp[PATH_MAX], path[PATH_MAX], *buf = NULL;
	size_t len;
	int fd = -1, created = 0, n, saved;

	n = snprintf(tmp, sizeof tmp, "%s/%s.%ld.%u", dir, USERS_TMP_PREFIX,
	             (long)getpid(), atomic_fetch_add(&serial, 1));
	if (n < 0 || (size_t)n >= sizeof tmp ||
	    userdb_join(path, sizeof path, dir, USERS_FILE_NAME) == -1) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (userdb_format(l, skip, &buf, &len) == -1)
		goto fail;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, DATA_FILE_MODE)) == -1)
		goto fail;
	created = 1;
	userdb_give_to_owner(fd, dir);
	if (userdb_write_all(fd, buf, len) == -1 || fsync(fd) == -1)
		goto fail;
	n = close(fd);
	fd = -1;
	if (n == -1 || rename(tmp, path) == -1)
		goto fail;
	created = 0;
	if (userdb_sync_dir(dir) == -1)
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

/* Takes the exclusive file lock of DIR (creating DIR when CREATE). The lock
 * fd, or -1 with ERR; -2 when DIR does not exist and !CREATE. */
static int
userdb_lock(const char *dir, int create, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd;

	if (create && mkdir(dir, DATA_DIR_MODE) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (userdb_join(path, sizeof path, dir, USERS_LOCK_NAME) == -1 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, DATA_FILE_MODE)) == -1) {
		if (!create && errno == ENOENT)
			return -2;
		snprintf(err, errlen, "open %s/%s: %s", dir, USERS_LOCK_NAME, strerror(errno));
		return -1;
	}
	userdb_give_to_owner(fd, dir);
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			snprintf(err, errlen, "lock %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Applies OP to L; *SKIP becomes the position to leave out (OP_DEL).
 * 0, or CHANGE_REFUSED with ERR when NAME's presence is wrong for OP. */
static int
userdb_apply(struct user_list *l, enum file_op op, const char *name, const char *hash,
             size_t *skip, char *err, size_t errlen)
{
	struct user *u = list_find(l, name);

	if (op == OP_ADD && u != NULL) {
		snprintf(err, errlen, "user %s exists", name);
		return CHANGE_REFUSED;
	}
	if (op != OP_ADD && u == NULL) {
		snprintf(err, errlen, "no user %s", name);
		return CHANGE_REFUSED;
	}
	if (op == OP_ADD && list_push(l, name, hash) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (op == OP_PASSWD)
		snprintf(u->hash, sizeof u->hash, "%s", hash);
	if (op == OP_DEL)
		*skip = (size_t)(u - l->v);
	return 0;
}

/* The locked read-change-write of DIR/users. 0, -1 with ERR, or
 * CHANGE_REFUSED with ERR (exists on add, missing on passwd or del). */
static int
userdb_change(const char *dir, enum file_op op, const char *name, const char *hash,
              char *err, size_t errlen)
{
	struct user_list l = { 0 };
	char path[PATH_MAX];
	size_t skip = SIZE_MAX;
	int lfd, rc = -1;

	if (!userdb_valid_name(name)) {
		snprintf(err, errlen, "invalid user name");
		return CHANGE_REFUSED;
	}
	lfd = userdb_lock(dir, op == OP_ADD, err, errlen);
	if (lfd == -2)
		snprintf(err, errlen, "no user %s", name);
	if (lfd < 0)
		return lfd == -2 ? CHANGE_REFUSED : -1;
	if (userdb_join(path, sizeof path, dir, USERS_FILE_NAME) == -1 ||
	    userdb_read_file(path, &l, NULL) == -1) {
		snprintf(err, errlen, "cannot read %s/%s", dir, USERS_FILE_NAME);
		goto out;
	}
	rc = userdb_apply(&l, op, name, hash, &skip, err, errlen);
	if (rc == 0 && userdb_write_file(dir, &l, skip, err, errlen) == -1)
		rc = -1;
out:
	list_free(&l);
	close(lfd);  /* releases the flock */
	return rc;
}

/* --- Hashing ------------------------------------------------------------- */

/* crypt_r of PASS with SETTING into OUT. 0; -1 when SETTING is no valid
 * hash or OUT too small; -2 when out of memory. */
static int
userdb_crypt(const char *pass, const char *setting, char *out, size_t outlen)
{
	struct crypt_data *cd = calloc(1, sizeof *cd);  /* ~32 KB: never on a stack */
	const char *h;
	int rc = -1;

	if (cd == NULL)
		return -2;
	h = crypt_r(pass, setting, cd);
	if (h != NULL && h[0] != '*' && strlen(h) < outlen) {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

int
userdb_hash(const char *pass, char *out, size_t outlen)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];

	if (pass == NULL || crypt_gensalt_rn(CRYPT_PREFIX, CRYPT_COUNT, NULL, 0,
	                                     setting, sizeof setting) == NULL)
		return -1;
	return userdb_crypt(pass, setting, out, outlen) == 0 ? 0 : -1;
}

/* 1 when PASS matches HASH, 0 when not, -1 when it could not be checked. */
static int
userdb_matches(const char *pass, const char *hash)
{
	char out[HASH_MAX];
	int rc;

	if ((rc = userdb_crypt(pass, hash, out, sizeof out)) != 0)
		return rc == -2 ? -1 : 0;
	rc = userdb_ct_equal(out, hash);
	explicit_bzero(out, sizeof out);
	return rc;
}

/* Costs what a real check costs, so a reply does not tell that NAME is unknown. */
static void
userdb_dummy_check(const char *pass)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE], out[HASH_MAX];

	if (crypt_gensalt_rn(CRYPT_PREFIX, CRYPT_COUNT, userdb_dummy_salt,
	                     (int)strlen(userdb_dummy_salt), setting, sizeof setting) != NULL)
		(void)userdb_crypt(pass, setting, out, sizeof out);
}

/* SHA-256 of the N strings PARTS, each with LENS bytes, into OUT. 0, or -1. */
static int
userdb_digest(unsigned char *out, const void *const *parts, const size_t *lens, int n)
{
	wc_Sha256 sha;
	int rc = 0;

	if (wc_InitSha256(&sha) != 0)
		return -1;
	for (int i = 0; i < n && rc == 0; i++)
		rc = wc_Sha256Update(&sha, parts[i], (word32)lens[i]);
	if (rc == 0)
		rc = wc_Sha256Final(&sha, out);
	wc_Sha256Free(&sha);
	return rc == 0 ? 0 : -1;
}

static int
userdb_cache_key(const struct userdb *db, const char *name, const char *pass,
                 unsigned char *key)
{
	const void *parts[] = { db->secret, name, pass };
	size_t lens[] = { sizeof db->secret, strlen(name) + 1, strlen(pass) };

	return userdb_digest(key, parts, lens, 3);
}

static int
userdb_hash_digest(const char *hash, unsigned char *out)
{
	const void *parts[] = { hash };
	size_t lens[] = { strlen(hash) };

	return userdb_digest(out, parts, lens, 1);
}

/* --- The login cache (db->lock held) ------------------------------------- */

static struct login_entry *
cache_slot(struct userdb *db, const unsigned char *key)
{
	uint32_t h;

	memcpy(&h, key, sizeof h);
	return &db->cache[h % LOGIN_CACHE_SIZE];
}

/* 1 when KEY was a good login while the user's hash was HASH (today's). */
static int
cache_hit_locked(struct userdb *db, const unsigned char *key, const char *hash)
{
	struct login_entry *e = cache_slot(db, key);
	unsigned char hd[DIGEST_LEN];

	if (!e->used || userdb_hash_digest(hash, hd) == -1)
		return 0;
	if (memcmp(e->key, key, DIGEST_LEN) != 0 || memcmp(e->hash, hd, DIGEST_LEN) != 0)
		return 0;
	db->cache_hits++;
	return 1;
}

static void
cache_store(struct userdb *db, const unsigned char *key, const char *hash)
{
	unsigned char hd[DIGEST_LEN];

	if (userdb_hash_digest(hash, hd) == -1)
		return;
	pthread_mutex_lock(&db->lock);
	struct login_entry *e = cache_slot(db, key);
	memcpy(e->key, key, DIGEST_LEN);
	memcpy(e->hash, hd, DIGEST_LEN);
	e->used = 1;
	pthread_mutex_unlock(&db->lock);
}

/* --- The database in memory ---------------------------------------------- */

/* Re-reads the file into db->users. db->lock held. 0, or -1 (old data kept). */
static int
userdb_reload_locked(struct userdb *db)
{
	struct user_list l = { 0 };
	struct file_id id;

	if (userdb_read_file(db->path, &l, &id) == -1) {
		list_free(&l);
		return -1;
	}
	list_free(&db->users);
	db->users = l;
	db->seen = id;
	return 0;
}

int
userdb_refresh(struct userdb *db)
{
	struct file_id now = { 0 };
	struct stat st;
	int rc = 0;

	if (stat(db->path, &st) == 0)
		file_id_set(&now, &st);
	else if (errno != ENOENT) {
		log_warn("stat %s", db->path);
		return -1;
	}
	pthread_mutex_lock(&db->lock);
	if (!file_id_same(&now, &db->seen))
		rc = userdb_reload_locked(db);
	pthread_mutex_unlock(&db->lock);
	return rc;
}

static int
userdb_make_secret(unsigned char *secret, size_t len)
{
	WC_RNG rng;
	int rc;

	if (wc_InitRng(&rng) != 0)
		return -1;
	rc = wc_RNG_GenerateBlock(&rng, secret, (word32)len);
	wc_FreeRng(&rng);
	return rc == 0 ? 0 : -1;
}

struct userdb *
userdb_open(const char *data_dir, char *err, size_t errlen)
{
	struct userdb *db = calloc(1, sizeof *db);
	char path[PATH_MAX];

	if (db == NULL || userdb_join(path, sizeof path, data_dir, USERS_FILE_NAME) == -1 ||
	    (db->dir = strdup(data_dir)) == NULL || (db->path = strdup(path)) == NULL ||
	    (db->cache = calloc(LOGIN_CACHE_SIZE, sizeof *db->cache)) == NULL) {
		snprintf(err, errlen, "userdb: %s", strerror(errno));
		goto fail;
	}
	if (userdb_make_secret(db->secret, sizeof db->secret) == -1) {
		snprintf(err, errlen, "userdb: no random numbers for the login cache");
		goto fail;
	}
	if (pthread_mutex_init(&db->lock, NULL) != 0) {
		snprintf(err, errlen, "userdb: mutex");
		goto fail;
	}
	if (userdb_reload_locked(db) == -1) {
		snprintf(err, errlen, "cannot read %s", path);
		pthread_mutex_destroy(&db->lock);
		goto fail;
	}
	return db;
fail:
	if (db != NULL) {
		free(db->cache);
		free(db->path);
		free(db->dir);
		free(db);
	}
	return NULL;
}

void
userdb_free(struct userdb *db)
{
	if (db == NULL)
		return;
	pthread_mutex_destroy(&db->lock);
	list_free(&db->users);
	explicit_bzero(db->cache, LOGIN_CACHE_SIZE * sizeof *db->cache);
	explicit_bzero(db->secret, sizeof db->secret);
	free(db->cache);
	free(db->path);
	free(db->dir);
	free(db);
}

/* Copies NAME's hash into HASH. 1 found, 0 not. db->lock held. */
static int
userdb_lookup_locked(struct userdb *db, const char *name, char *hash, size_t len)
{
	const struct user *u = list_find(&db->users, name);

	if (u == NULL)
		return 0;
	snprintf(hash, len, "%s", u->hash);
	return 1;
}

/* Open registration of NAME with PASS (KEY its cache key). */
static enum auth_result
userdb_register(struct userdb *db, const char *name, const char *pass,
                const unsigned char *key)
{
	char hash[HASH_MAX], err[256];
	int rc;

	if (userdb_hash(pass, hash, sizeof hash) == -1) {
		log_warnx("register %s: cannot hash the password", name);
		return AUTH_ERROR;
	}
	rc = userdb_change(db->dir, OP_ADD, name, hash, err, sizeof err);
	if (rc == CHANGE_REFUSED) {  /* registered meanwhile by another login */
		(void)userdb_refresh(db);
		return userdb_verify(db, name, pass, 0);
	}
	if (rc == -1) {
		log_warnx("register %s: %s", name, err);
		return AUTH_ERROR;
	}
	(void)userdb_refresh(db);
	cache_store(db, key, hash);
	log_info("user %s registered", name);
	return AUTH_REGISTERED;
}

enum auth_result
userdb_verify(struct userdb *db, const char *name, const char *pass, int open_registration)
{
	unsigned char key[DIGEST_LEN];
	char hash[HASH_MAX];
	int found, hit = 0, ok;

	if (!userdb_valid_name(name) || !userdb_valid_pass(pass))
		return AUTH_BAD;
	(void)userdb_refresh(db);  /* on failure the old data serves */
	if (userdb_cache_key(db, name, pass, key) == -1)
		return AUTH_ERROR;
	pthread_mutex_lock(&db->lock);
	found = userdb_lookup_locked(db, name, hash, sizeof hash);
	if (found)
		hit = cache_hit_locked(db, key, hash);
	pthread_mutex_unlock(&db->lock);
	if (hit)
		return AUTH_OK;
	if (!found && open_registration)
		return userdb_register(db, name, pass, key);
	if (!found) {
		userdb_dummy_check(pass);
		return AUTH_BAD;
	}
	if ((ok = userdb_matches(pass, hash)) == -1)
		return AUTH_ERROR;
	if (ok)
		cache_store(db, key, hash);
	return ok ? AUTH_OK : AUTH_BAD;
}

int
userdb_exists(struct userdb *db, const char *name)
{
	int found;

	if (!userdb_valid_name(name))
		return 0;
	(void)userdb_refresh(db);
	pthread_mutex_lock(&db->lock);
	found = list_find(&db->users, name) != NULL;
	pthread_mutex_unlock(&db->lock);
	return found;
}

size_t
userdb_count(struct userdb *db)
{
	size_t n;

	pthread_mutex_lock(&db->lock);
	n = db->users.n;
	pthread_mutex_unlock(&db->lock);
	return n;
}

unsigned long
userdb_cache_hits(struct userdb *db)
{
	unsigned long n;

	pthread_mutex_lock(&db->lock);
	n = db->cache_hits;
	pthread_mutex_unlock(&db->lock);
	return n;
}

/* --- Admin operations on the file ---------------------------------------- */

/* Checks PASS for add and passwd, and hashes it. 0, or -1 with ERR. */
static int
userdb_new_hash(const char *pass, char *hash, size_t len, char *err, size_t errlen)
{
	if (pass == NULL || pass[0] == '\0') {
		snprintf(err, errlen, "empty password");
		return -1;
	}
	if (!userdb_valid_pass(pass)) {
		snprintf(err, errlen, "password longer than %d bytes", PASSWORD_MAX);
		return -1;
	}
	if (userdb_hash(pass, hash, len) == -1) {
		snprintf(err, errlen, "cannot hash the password");
		return -1;
	}
	return 0;
}

int
userdb_file_add(const char *data_dir, const char *name, const char *pass,
                char *err, size_t errlen)
{
	char hash[HASH_MAX];

	if (!userdb_valid_name(name)) {
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	if (userdb_new_hash(pass, hash, sizeof hash, err, errlen) == -1)
		return -1;
	return userdb_change(data_dir, OP_ADD, name, hash, err, errlen) == 0 ? 0 : -1;
}

int
userdb_file_passwd(const char *data_dir, const char *name, const char *pass,
                   char *err, size_t errlen)
{
	char hash[HASH_MAX];

	if (!userdb_valid_name(name)) {
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	if (userdb_new_hash(pass, hash, sizeof hash, err, errlen) == -1)
		return -1;
	return userdb_change(data_dir, OP_PASSWD, name, hash, err, errlen) == 0 ? 0 : -1;
}

int
userdb_file_del(const char *data_dir, const char *name, char *err, size_t errlen)
{
	return userdb_change(data_dir, OP_DEL, name, NULL, err, errlen) == 0 ? 0 : -1;
}

/* Reads DATA_DIR/users into L. 0, or -1 with ERR. */
static int
userdb_file_read(const char *data_dir, struct user_list *l, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (userdb_join(path, sizeof path, data_dir, USERS_FILE_NAME) == -1 ||
	    userdb_read_file(path, l, NULL) == -1) {
		snprintf(err, errlen, "cannot read %s/%s", data_dir, USERS_FILE_NAME);
		list_free(l);
		return -1;
	}
	return 0;
}

int
userdb_file_list(const char *data_dir, FILE *out, char *err, size_t errlen)
{
	struct user_list l = { 0 };

	if (userdb_file_read(data_dir, &l, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < l.n; i++)
		fprintf(out, "%s\n", l.v[i].name);
	list_free(&l);
	if (fflush(out) == EOF || ferror(out)) {
		snprintf(err, errlen, "write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
userdb_file_has(const char *data_dir, const char *name)
{
	struct user_list l = { 0 };
	char err[256];
	int found;

	if (!userdb_valid_name(name))
		return 0;
	if (userdb_file_read(data_dir, &l, err, sizeof err) == -1)
		return -1;
	found = list_find(&l, name) != NULL;
	list_free(&l);
	return found;
}
