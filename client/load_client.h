/*
 * load_client.h: one simulated client of seal-load, a small state machine
 * driven by its event-loop thread: connect -> handshake -> protocol steps ->
 * close -> next session (or, in mode idle, -> hold until the run stops; in
 * mode resume with --no-greeting, -> wait for the TLS 1.3 ticket -> close). A
 * client belongs to one thread (its loop) and is never touched by another;
 * it reports into the run's shared counters.
 */
#ifndef SEAL_LOAD_CLIENT_H
#define SEAL_LOAD_CLIENT_H

#include <stdint.h>

#include "linebuf.h"
#include "load.h"
#include "load_proto.h"

#define LOAD_PHASES(X) X(NEW) X(WAIT) X(CONNECT) X(HANDSHAKE) X(PROTO) X(TICKET) X(HOLD) X(DONE)
#define LOAD_PHASE_ENUM(id) LOAD_PHASE_##id,
enum load_phase { LOAD_PHASES(LOAD_PHASE_ENUM) LOAD_PHASE_COUNT };
#undef LOAD_PHASE_ENUM

/* What a client needs from its thread: the epoll set, how many of the
 * thread's clients are not yet DONE (the thread ends at 0), and in mode idle
 * how many are being opened (not yet held or failed): the thread starts new
 * ones only while fewer than LOAD_MAX_OPENING are. */
struct load_loop {
	int     epfd;
	size_t  active;
	size_t  opening;
};

struct load_client {
	struct load_loop       *loop;
	struct load_run        *run;
	const struct load_step *script;
	size_t                  nsteps;
	enum load_phase         phase;
	size_t                  step;          /* PROTO: index into script */
	int                     fd;
	WOLFSSL                *ssl;
	WOLFSSL_SESSION        *saved;         /* resume: the session to offer */
	uint64_t                ticket_before; /* TICKET: the ticket id to see replaced */
	uint32_t                events;        /* epoll interest now */
	int                     want_write;    /* a write waits for EPOLLOUT */
	const char             *out;           /* PROTO: bytes still to send */
	size_t                  out_len;
	int64_t                 start_at_us;   /* NEW, WAIT: when to begin */
	int64_t                 began_us;      /* start of the session (connect) */
	int64_t                 deadline_us;   /* the current step times out then */
	struct linebuf          in;
};

/* Prepares C (phase NEW, beginning at START_AT_US) for LOOP and RUN. */
void load_client_init(struct load_client *c, struct load_loop *loop,
                      struct load_run *run, int64_t start_at_us);

/* Begins a session now (NEW or WAIT), or retires the client (DONE) when the
 * run stopped or the -n budget is spent. */
void load_client_start(struct load_client *c, int64_t now);

/* Handles epoll EVENTS for C's socket. */
void load_client_event(struct load_client *c, uint32_t events, int64_t now);

/* Periodic work: step timeouts, retries after a failure, and the run's stop
 * (retires waiting clients, closes held sessions and counts them). */
void load_client_tick(struct load_client *c, int64_t now);

/* Closes whatever C still has open and frees its memory. */
void load_client_free(struct load_client *c);

#endif
