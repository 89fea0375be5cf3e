/*
 * load.h: one seal-load run, as every event-loop thread sees it: the options,
 * the TLS context, the server's address, the prepared protocol lines and
 * message (smtp), the password and stream URL (pop3, rtsp), the shared
 * counters, the stop flag and the session budget. Built
 * by the main thread before any worker starts (load_run_init) and read-only
 * afterwards, except for the atomics.
 */
#ifndef SEAL_LOAD_H
#define SEAL_LOAD_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "load_opts.h"
#include "load_stats.h"
#include "tls.h"

/* What a protocol step sends. */
#define LOAD_SENDS(X) X(NONE) X(EHLO) X(AUTH) X(MAIL) X(RCPT) X(DATA) X(MESSAGE) X(QUIT)
#define LOAD_SEND_ENUM(id) LOAD_SEND_##id,
enum load_send { LOAD_SENDS(LOAD_SEND_ENUM) LOAD_SEND_COUNT };
#undef LOAD_SEND_ENUM

/* A prepared piece of output, shared by all sessions. */
struct load_text {
	char   *p;
	size_t  len;
};

struct load_run {
	const struct load_opts *opts;
	WOLFSSL_CTX            *ctx;
	struct sockaddr_storage addr;      /* the server, resolved once */
	socklen_t               addrlen;
	char                    addr_text[64];     /* "127.0.0.1:8465", for messages */
	const char             *verify_name;       /* --expect-cn, else the URL's host */
	struct load_text        out[LOAD_SEND_COUNT];  /* smtp: each step's bytes */
	struct load_text        target;    /* rtsp: rtsps://HOST:PORT/PATH as requests name it */
	char                    password[PASSWORD_MAX];   /* pop3, rtsp; wiped at the end */
	struct load_stats       stats;
	atomic_int              stop;      /* no new sessions; close held ones */
	atomic_llong            budget;    /* -n: sessions still to start */
	atomic_int              running;   /* worker threads not yet finished */
	int64_t                 t0_us;     /* monotonic start of the run */
	atomic_llong            end_us;    /* when the last worker thread ended */
};

/* Microseconds of CLOCK_MONOTONIC. */
int64_t load_run_now_us(void);

/* Builds RUN from O: resolves the host, makes the TLS context (from
 * common/tls.h: the --cafile trust anchor, peer verification, our date check
 * on the leaf), reads the password and prepares the smtp lines and message.
 * 0; or -1 with a reason in ERR and *EXIT_CODE set (2 bad usage or an
 * unreadable file, 3 the host cannot be resolved, 1 other). */
int  load_run_init(struct load_run *run, const struct load_opts *o,
                   char *err, size_t errlen, int *exit_code);
void load_run_free(struct load_run *run);

/* The user name of client ID into OUT: --user with LOAD_USER_NUMBER, if it
 * has it, replaced by ID. 0, or -1 when it does not fit. */
int  load_run_user(const struct load_run *run, long id, char *out, size_t len);

#endif
