/*
 * server.h: the state every thread of sealed shares: settings, the current
 * TLS context, the user database, the failure throttle, counters, the
 * per-address connection table and the stop flag. Built by server_run() on
 * the main thread before workers start.
 *
 * A SIGHUP changes settings while workers run, without a lock on any read:
 * cfg stays the configuration read at start (immutable: restart-only
 * settings such as ports, data dir and domain are read from it); the
 * certificate, key and client CA go into a new TLS context swapped in under
 * tls_lock (each connection holds a reference, tls_ref, to the one it
 * started with); the limits and policies are the atomics of struct
 * server_live, each read where it is used, so a connection sees a new value
 * from its next command on; max-conns-per-ip lives in iplimit (its mutex),
 * debug in the logger.
 */
#ifndef SEALED_SERVER_H
#define SEALED_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "config.h"
#include "stats.h"

struct userdb;
struct throttle;
struct jobs;
struct worker;
struct iplimit;

/* A TLS context shared by the connections made while it was current; the
 * last one to let go frees it (SIGHUP swaps in a new one). */
struct tls_ref {
	WOLFSSL_CTX *ctx;
	atomic_int   refs;
};

/* The settings a reload may change, read by any thread (see above). */
struct server_live {
	atomic_long max_message_size;
	atomic_int  max_auth_failures;
	atomic_int  open_registration;
	atomic_int  allow_sender_mismatch;
};

struct server {
	const struct config *cfg;         /* as read at start; see above */
	struct server_live   live;
	pthread_mutex_t      tls_lock;    /* guards the tls pointer only */
	struct tls_ref      *tls;
	struct userdb       *users;       /* thread-safe */
	struct throttle     *throttle;    /* thread-safe */
	struct jobs         *jobs;        /* thread-safe */
	struct iplimit      *iplimit;     /* thread-safe */
	struct stats         stats;       /* atomics */
	atomic_int           stopping;
	atomic_uint_fast64_t next_conn_id;
	struct worker      **workers;
	int                  nworkers;
	int                  max_conns;   /* MAX_CONNECTIONS, or less under the fd limit */
	int                  max_files;   /* files connections may hold open at once */
	atomic_int           files_open;  /* of max_files, taken by conn_file_take */
	unsigned long long   fd_limit;    /* RLIMIT_NOFILE in force */
	int                  node_lock_fd; /* holds DATA/nodes/NODE.lock, or -1 */
	char                 hostname[256];
};

/* Runs the server until SIGINT/SIGTERM. Returns the process exit status. */
int server_run(const struct config *cfg);

/* Stores C's live settings into S->live (at start, and on each reload). */
static inline void
server_live_set(struct server *s, const struct config *c)
{
	atomic_store(&s->live.max_message_size, c->max_message_size);
	atomic_store(&s->live.max_auth_failures, c->max_auth_failures);
	atomic_store(&s->live.open_registration, c->open_registration);
	atomic_store(&s->live.allow_sender_mismatch, c->allow_sender_mismatch);
}

/* A new TLS context from C's certificate, key and client CA, after the
 * key's mode check (0600, or 0640 when root owns it). NULL with ERR. */
struct tls_ref *server_tls_load(const struct config *c, char *err, size_t errlen);

/* Takes a reference to the current TLS context (any thread). */
struct tls_ref *server_tls_acquire(struct server *);
void server_tls_release(struct tls_ref *);

#endif
