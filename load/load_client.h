/*
 * load_client.h: one simulated client of seal-load, a small state machine
 * driven by its event-loop thread: connect -> handshake -> protocol steps ->
 * close -> next session (or, in mode idle, -> hold until the run stops; in
 * mode resume with --no-greeting, -> wait for the TLS 1.3 ticket -> close).
 * The protocol steps are a fixed script (smtp, greetings) or, for pop3 and
 * rtsp, a driver (struct load_driver) that reads the replies and builds the
 * requests itself. A client belongs to one thread (its loop) and is never
 * touched by another; it reports into the run's shared counters.
 */
#ifndef SEAL_LOAD_CLIENT_H
#define SEAL_LOAD_CLIENT_H

#include <stdint.h>

#include "attrs.h"
#include "linebuf.h"
#include "load.h"
#include "load_proto.h"
#include "load_stamp.h"

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

struct load_client;

/* The dialogue of a mode whose requests depend on the replies (pop3, rtsp).
 * The client does the TLS I/O; the driver reads what arrives (into room it
 * provides), answers with load_client_send, and ends the session with
 * load_client_finish or load_client_fail. Functions returning int give 0 to
 * go on, or -1 when the session ended (the caller stops working on it). */
struct load_driver {
	/* Reads go through load_stamp (the kernel's receive times in c->stamp). */
	int  stamps;
	/* The step in progress, for failure messages ("RETR 3"). */
	const char *(*step)(const struct load_client *c);
	/* The handshake is done: the first request, or wait for a greeting. */
	int  (*begin)(struct load_client *c, int64_t now);
	/* Room for the next read, at least LOAD_BULK_READ bytes: 0, or -1 (no memory). */
	int  (*space)(struct load_client *c, char **space, size_t *avail);
	/* N bytes were read into that room. */
	int  (*input)(struct load_client *c, size_t n, int64_t now);
	/* The server closed the session (HOW says how): the driver finishes or fails it. */
	void (*closed)(struct load_client *c, int64_t now, const char *how);
	/* The session is torn down: drop what it held (the state may be reused). */
	void (*end)(struct load_client *c);
	/* The client goes away: free c->mode. */
	void (*free)(struct load_client *c);
};

struct load_client {
	struct load_loop       *loop;
	struct load_run        *run;
	long                    id;            /* 0 .. -c - 1 */
	const struct load_driver *driver;      /* pop3, rtsp; else NULL: the script */
	void                   *mode;          /* the driver's state, its own */
	char                   *obuf;          /* a driver's request being sent (LOAD_SEND_MAX) */
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
	struct load_stamp       stamp;         /* driver->stamps: when the last read's bytes came */
	struct linebuf          in;
};

/* Prepares client number ID as C (phase NEW, beginning at START_AT_US) for
 * LOOP and RUN. */
void load_client_init(struct load_client *c, struct load_loop *loop,
                      struct load_run *run, long id, int64_t start_at_us);

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

/* For drivers. Sends LEN bytes of BUF (at most LOAD_SEND_MAX, copied; the
 * previous request must be out). 0, or -1 if the session ended. */
int  load_client_send(struct load_client *c, const char *buf, size_t len, int64_t now);

/* For drivers and the scripted modes: the next reply line buffered in
 * c->in into *LINE and *LEN: 1, 0 when no whole line is there yet, or -1
 * when the server sent one over LOAD_REPLY_LINE_MAX (the session failed). */
int  load_client_line(struct load_client *c, int64_t now, char **line, size_t *len);

/* For drivers: the session failed (counted under KIND, the first reason
 * kept); it closes and the client retries at the next tick. */
void load_client_fail(struct load_client *c, int64_t now, enum load_fail kind,
                      const char *fmt, ...) PRINTF_LIKE(4, 5);

/* For drivers: the session did everything; its latency counts, it closes,
 * and the next one begins. */
void load_client_finish(struct load_client *c, int64_t now);

/* For drivers: progress was made; the step timeout starts again. */
void load_client_arm(struct load_client *c, int64_t now);

#endif
