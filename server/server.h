/*
 * server.h: the state every thread of sealed shares: settings, the current
 * TLS context, the user database, the failure throttle, counters, the
 * per-address connection table and the stop flag. Built by server_run() on
 * the main thread before workers start.
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

struct server {
	const struct config *cfg;
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

/* Takes a reference to the current TLS context (any thread). */
struct tls_ref *server_tls_acquire(struct server *);
void server_tls_release(struct tls_ref *);

#endif
