/*
 * iplimit.c: per-address connection counts in an open-addressing table sized
 * for MAX_CONNECTIONS, guarded by one mutex (acquire on the acceptor thread,
 * release on workers, a new limit from a reload on the main thread). Entries
 * whose count drops to zero become free again. Connections are counted even
 * while the limit is off (0), so that a reload may turn it on or change it
 * with every count still right.
 */
#include "iplimit.h"
#include "server_defaults.h"
#include "fnv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define IPLIMIT_SLOTS (2 * MAX_CONNECTIONS)
#define IPLIMIT_KEY   64

struct ip_slot {
	char key[IPLIMIT_KEY];
	int  count;
	int  used;          /* ever used: keeps probe chains intact */
};

struct iplimit {
	pthread_mutex_t lock;   /* guards slots */
	int             max;    /* guarded by lock too */
	struct ip_slot *slots;
};

struct iplimit *
iplimit_new(int max)
{
	struct iplimit *l = calloc(1, sizeof *l);
	if (l == NULL)
		return NULL;
	l->slots = calloc(IPLIMIT_SLOTS, sizeof *l->slots);
	if (l->slots == NULL) {
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	l->max = max;
	return l;
}

void
iplimit_free(struct iplimit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->slots);
	free(l);
}

int
iplimit_is_exempt(const char *ip)
{
	return strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0 ||
	       strcmp(ip, "::ffff:127.0.0.1") == 0;
}

static unsigned
iplimit_hash(const char *s)
{
	return fnv_hash32(s, strlen(s));
}

/* The slot of IP, or a free slot for it (NULL if the table is full). */
static struct ip_slot *
iplimit_find(struct iplimit *l, const char *ip, int create)
{
	struct ip_slot *free_slot = NULL;
	unsigned h = iplimit_hash(ip);
	for (unsigned i = 0; i < IPLIMIT_SLOTS; i++) {
		struct ip_slot *s = &l->slots[(h + i) % IPLIMIT_SLOTS];
		if (s->count > 0 && strcmp(s->key, ip) == 0)
			return s;
		if (s->count == 0 && free_slot == NULL)
			free_slot = s;
		if (!s->used)
			break;
	}
	if (!create || free_slot == NULL)
		return NULL;
	strncpy(free_slot->key, ip, IPLIMIT_KEY - 1);
	free_slot->key[IPLIMIT_KEY - 1] = '\0';
	free_slot->used = 1;
	return free_slot;
}

void
iplimit_set_max(struct iplimit *l, int max)
{
	pthread_mutex_lock(&l->lock);
	l->max = max;
	pthread_mutex_unlock(&l->lock);
}

int
iplimit_acquire(struct iplimit *l, const char *ip)
{
	if (iplimit_is_exempt(ip))
		return 0;
	pthread_mutex_lock(&l->lock);
	struct ip_slot *s = iplimit_find(l, ip, 1);
	int rc = -1;
	if (s != NULL && (l->max == 0 || s->count < l->max)) {
		s->count++;
		rc = 0;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void
iplimit_release(struct iplimit *l, const char *ip)
{
	if (l == NULL || ip[0] == '\0' || iplimit_is_exempt(ip))
		return;
	pthread_mutex_lock(&l->lock);
	struct ip_slot *s = iplimit_find(l, ip, 0);
	if (s != NULL && s->count > 0)
		s->count--;
	pthread_mutex_unlock(&l->lock);
}
