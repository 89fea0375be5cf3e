/*
 * maildrop_lock.c: the set of locked maildrops (see maildrop_lock.h). Owns a
 * small growable array of user names; lock guards all of it. Sessions are
 * few next to the cost of a login, so a linear search is enough.
 */
#include "maildrop_lock.h"

#include "server_defaults.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCK_INITIAL 16

struct locked_name {
	char name[USER_NAME_MAX + 1];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;   /* guards names, n, cap */
static struct locked_name *names;
static size_t n, cap;

/* Index of USER in names, or -1. Lock held. */
static long
maildrop_lock_find(const char *user)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i].name, user) == 0)
			return (long)i;
	return -1;
}

/* Room for one more name. 0, or -1. Lock held. */
static int
maildrop_lock_grow(void)
{
	if (n < cap)
		return 0;
	size_t ncap = cap ? cap * 2 : LOCK_INITIAL;
	struct locked_name *nv = realloc(names, ncap * sizeof *nv);
	if (nv == NULL)
		return -1;
	names = nv;
	cap = ncap;
	return 0;
}

int
maildrop_lock_acquire(const char *user)
{
	int rc = -1;

	if (strlen(user) > USER_NAME_MAX)
		return -1;
	pthread_mutex_lock(&lock);
	if (maildrop_lock_find(user) == -1 && maildrop_lock_grow() == 0) {
		snprintf(names[n++].name, sizeof names[0].name, "%s", user);   /* length checked above */
		rc = 0;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void
maildrop_lock_release(const char *user)
{
	pthread_mutex_lock(&lock);
	long i = maildrop_lock_find(user);
	if (i != -1)
		names[i] = names[--n];
	if (n == 0) {                 /* nothing locked: keep no memory */
		free(names);
		names = NULL;
		cap = 0;
	}
	pthread_mutex_unlock(&lock);
}

int
maildrop_lock_held(const char *user)
{
	pthread_mutex_lock(&lock);
	int held = maildrop_lock_find(user) != -1;
	pthread_mutex_unlock(&lock);
	return held;
}
