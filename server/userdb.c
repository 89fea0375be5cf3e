/*
 * userdb.c: the user database. Owns the in-memory copy of DATA_DIR/users (a
 * struct user_list from userfile.c: users in file order with a name index),
 * what the file looked like when read, the login cache and its random secret,
 * and open registration. The file itself (format, reading, the locked
 * read-change-write) is userfile.c's; hashing is passhash.c's.
 * Any thread may call any function. db->lock is never held across crypt(3)
 * (passhash_*) nor together with the file lock (userfile_change), so the two
 * never nest; it is held across the plain file read of a reload.
 */
#include "userdb.h"

#include "server_defaults.h"
#include "log.h"
#include "maildir.h"
#include "passhash.h"
#include "userfile.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sha256.h>

#define DIGEST_LEN WC_SHA256_DIGEST_SIZE

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
	struct userfile_id  seen;
	struct login_entry *cache;                     /* LOGIN_CACHE_SIZE entries */
	unsigned long       cache_hits;
};

/* --- Digests for the login cache ----------------------------------------- */

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

/* --- The login cache ----------------------------------------------------- */

/* KEY's entry in the cache. db->lock held. */
static struct login_entry *
userdb_cache_slot(struct userdb *db, const unsigned char *key)
{
	uint32_t h;

	memcpy(&h, key, sizeof h);
	return &db->cache[h % LOGIN_CACHE_SIZE];
}

/* 1 when KEY was a good login while the user's hash was HASH (today's).
 * db->lock held. */
static int
userdb_cache_hit_locked(struct userdb *db, const unsigned char *key, const char *hash)
{
	struct login_entry *e = userdb_cache_slot(db, key);
	unsigned char hd[DIGEST_LEN];

	if (!e->used || userdb_hash_digest(hash, hd) == -1)
		return 0;
	if (memcmp(e->key, key, DIGEST_LEN) != 0 || memcmp(e->hash, hd, DIGEST_LEN) != 0)
		return 0;
	db->cache_hits++;
	return 1;
}

/* Remembers KEY as a good login while the user's hash is HASH. Takes db->lock. */
static void
userdb_cache_store(struct userdb *db, const unsigned char *key, const char *hash)
{
	unsigned char hd[DIGEST_LEN];

	if (userdb_hash_digest(hash, hd) == -1)
		return;
	pthread_mutex_lock(&db->lock);
	struct login_entry *e = userdb_cache_slot(db, key);
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
	struct userfile_id id;

	if (userfile_read(db->path, &l, &id) == -1) {
		userfile_list_free(&l);
		return -1;
	}
	userfile_list_free(&db->users);
	db->users = l;
	db->seen = id;
	return 0;
}

int
userdb_refresh(struct userdb *db)
{
	struct userfile_id now;
	int rc = 0;

	if (userfile_id_of(db->path, &now) == -1) {
		log_warn("stat %s", db->path);
		return -1;
	}
	pthread_mutex_lock(&db->lock);
	if (!userfile_id_same(&now, &db->seen))
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

	if (db == NULL || userfile_path(path, sizeof path, data_dir) == -1 ||
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
	userfile_list_free(&db->users);
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
	const struct user *u = userfile_list_find(&db->users, name);

	if (u == NULL)
		return 0;
	snprintf(hash, len, "%s", u->hash);
	return 1;
}

/* Open registration of NAME with PASS (KEY its cache key), refused (AUTH_BAD,
 * logged) when a Maildir of that name exists. No lock held: hashes first,
 * then takes the file lock, then db->lock, one at a time. */
static enum auth_result
userdb_register(struct userdb *db, const char *name, const char *pass,
                const unsigned char *key)
{
	char hash[HASH_MAX], err[256];
	int rc = maildir_exists(db->dir, name);

	/* a deleted user's Maildir stays (userdel without --purge): whoever
	 * registered the name next would read that mail */
	if (rc == 1 && userdb_exists(db, name))   /* registered meanwhile */
		return userdb_verify(db, name, pass, 0);
	if (rc != 0) {
		if (rc == 1)
			log_warnx("register %s refused: %s/%s/%s exists (a deleted user's mail?)",
			          name, db->dir, MAIL_DIR_NAME, name);
		else
			log_warn("register %s refused: cannot tell whether %s/%s/%s exists", name,
			         db->dir, MAIL_DIR_NAME, name);
		passhash_dummy(pass);
		return rc == 1 ? AUTH_BAD : AUTH_ERROR;
	}
	if (passhash_make(pass, hash, sizeof hash) == -1) {
		log_warnx("register %s: cannot hash the password", name);
		return AUTH_ERROR;
	}
	rc = userfile_change(db->dir, USERFILE_ADD, name, hash, err, sizeof err);
	if (rc == USERFILE_REFUSED) {  /* registered meanwhile by another login */
		(void)userdb_refresh(db);
		return userdb_verify(db, name, pass, 0);
	}
	if (rc == -1) {
		log_warnx("register %s: %s", name, err);
		return AUTH_ERROR;
	}
	(void)userdb_refresh(db);
	userdb_cache_store(db, key, hash);
	log_info("user %s registered", name);
	return AUTH_REGISTERED;
}

enum auth_result
userdb_verify(struct userdb *db, const char *name, const char *pass, int open_registration)
{
	unsigned char key[DIGEST_LEN];
	char hash[HASH_MAX];
	int found, hit = 0, ok;

	if (!userfile_valid_name(name) || !passhash_valid_pass(pass))
		return AUTH_BAD;
	(void)userdb_refresh(db);  /* on failure the old data serves */
	if (userdb_cache_key(db, name, pass, key) == -1)
		return AUTH_ERROR;
	pthread_mutex_lock(&db->lock);
	found = userdb_lookup_locked(db, name, hash, sizeof hash);
	if (found)
		hit = userdb_cache_hit_locked(db, key, hash);
	pthread_mutex_unlock(&db->lock);
	if (hit)
		return AUTH_OK;
	if (!found && open_registration)
		return userdb_register(db, name, pass, key);
	if (!found) {
		passhash_dummy(pass);
		return AUTH_BAD;
	}
	if ((ok = passhash_check(pass, hash)) == -1)
		return AUTH_ERROR;
	if (ok)
		userdb_cache_store(db, key, hash);
	return ok ? AUTH_OK : AUTH_BAD;
}

int
userdb_exists(struct userdb *db, const char *name)
{
	int found;

	if (!userfile_valid_name(name))
		return 0;
	(void)userdb_refresh(db);
	pthread_mutex_lock(&db->lock);
	found = userfile_list_find(&db->users, name) != NULL;
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
