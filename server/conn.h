/*
 * conn.h: one client connection: its socket, its wolfSSL session, its input
 * lines and output queue, and the protocol state. A connection belongs to one
 * worker thread for its whole life and is touched only by that thread (job
 * threads never see it: they get their own argument), so it needs no lock.
 */
#ifndef SEALED_CONN_H
#define SEALED_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "alertscan.h"
#include "bytebuf.h"
#include "linebuf.h"
#include "log.h"
#include "service.h"

struct worker;
struct server;
struct tls_ref;
struct conn_proxy;
struct sockaddr_storage;

#define CONN_ADDR_MAX   64
#define CONN_TLS_MAX    64
#define CONN_SUBJ_MAX   256
#define CONN_USER_MAX   65
#define CONN_OUT_INITIAL 1024   /* first allocation of the output queue, doubled as needed */

/* PROXY: a connection from a trusted proxy (--proxy-from) before its
 * PROXY header is read, then HANDSHAKE; HANDSHAKE: TLS handshake in
 * progress; OPEN: serving lines; CLOSING: flush output, then close; DEAD:
 * closed, freed once no job refers to it. Changed only by
 * conn_set_phase(). PROXY comes last so that a zeroed conn is in HANDSHAKE. */
#define CONN_PHASES(X) X(HANDSHAKE) X(OPEN) X(CLOSING) X(DEAD) X(PROXY)
#define CONN_AS_ENUM(p) CONN_##p,
enum conn_phase { CONN_PHASES(CONN_AS_ENUM) };


struct conn {
	int                   fd;
	WOLFSSL              *ssl;
	struct tls_ref       *tls;
	struct worker        *w;
	struct server        *srv;
	const struct service *svc;
	void                 *ps;            /* protocol state, svc->state_size bytes */
	enum conn_phase       phase;
	struct linebuf        in;
	struct bytebuf        out;           /* bytes waiting for wolfSSL_write */
	size_t                out_inflight;  /* length of a wolfSSL_write to repeat, or 0 */
	unsigned              events;        /* epoll interest now registered */
	int                   watched;       /* registered with epoll */
	int                   paused;        /* jobs or delays in progress */
	int                   jobs;          /* jobs that will call back */
	int                   eof;           /* peer closed its side */
	int                   tls_ok;        /* handshake completed */
	unsigned              want;          /* epoll events wolfSSL asked for */
	int                   shutdown_seen; /* on_shutdown said 0 already */
	int64_t               deadline_ms;   /* handshake or idle timeout */
	int64_t               delay_ms;      /* conn_delay() wake-up, or 0 */
	void                (*delay_cb)(struct conn *);
	int64_t               timer_ms;      /* conn_timer_at() deadline */
	long                  timer_idx;     /* place in the worker's heap, or -1 */
	void                (*timer_cb)(struct conn *);
	int                   drain_wanted;  /* call svc->on_drain when output runs low */
	int64_t               out_since;     /* last write progress, or when output began to wait */
	void                 *held;          /* conn_hold(): kept through a delay, or NULL */
	void                (*held_release)(void *);
	int                   holds_file;    /* conn_file_take() succeeded */
	int                   holds_lock;    /* conn_lock_take() succeeded */
	int                   ip_counted;    /* peer_ip counts in the per-address limit */
	struct conn_proxy    *proxy;         /* the PROXY header read so far (PROXY phase) */
	uint64_t              id;
	char                  local[CONN_ADDR_MAX];   /* "127.0.0.1:8465" */
	char                  peer[CONN_ADDR_MAX];    /* "127.0.0.1:40022" */
	char                  peer_ip[CONN_ADDR_MAX]; /* "127.0.0.1" */
	char                  user[CONN_USER_MAX];
	char                  tls_version[CONN_TLS_MAX];
	char                  cipher[CONN_TLS_MAX];
	char                  client_subject[CONN_SUBJ_MAX];
	struct alertscan      alerts;        /* what the client sent in the handshake */
	struct conn          *prev, *next;   /* the worker's list */
};

/* --- For protocols ------------------------------------------------------- */

/* Queues one reply line (CRLF added) and logs it as "S:". */
void conn_reply(struct conn *, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Queues raw bytes, not logged. 0, or -1 when out of memory (conn closes). */
int  conn_send(struct conn *, const void *data, size_t len);

/* Room for LEN more bytes at the end of the output queue, to be filled in
 * place and queued with conn_commit(N <= LEN): saves a copy when a reply is
 * made piece by piece (a message converted as it is read). NULL when out
 * of memory. */
char *conn_reserve(struct conn *, size_t len);
void  conn_commit(struct conn *, size_t n);

/* Logs a client line as "C:" (the protocol passes a redacted copy). */
void conn_log_in(struct conn *, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Logs a connection event ("*"). */
void conn_log_event(struct conn *, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Logs at debug level that MACHINE ("conn", "smtp"...) of this connection
 * went from state FROM to TO: the one format of every logged setter. */
void conn_log_state(const struct conn *, const char *machine, const char *from, const char *to);

/* Closes once queued output is written. */
void conn_close_after_flush(struct conn *);

/* Sets the longest line accepted from now on. */
void conn_set_max_line(struct conn *, size_t max);

/* Records the logged-in user (shown in log lines). */
void conn_set_user(struct conn *, const char *user);

/* The server's mail domain (--domain): greetings, addresses, headers. */
const char *conn_domain(const struct conn *);

/* Runs WORK(ARG) on the job pool; input stops until DONE(conn, ARG) has run
 * on this connection's worker. If the connection dies first, DONE is skipped.
 * RELEASE(ARG) runs last either way (may be NULL). 0, or -1 (nothing queued;
 * the caller still owns ARG). */
int  conn_run_job(struct conn *, void (*work)(void *), void (*done)(struct conn *, void *),
                  void (*release)(void *), void *arg);

/* Stops input for MS milliseconds, then calls CB (if not NULL) and resumes. */
void conn_delay(struct conn *, unsigned ms, void (*cb)(struct conn *));

/* Keeps ARG for a later conn_take_held() (e.g. across conn_delay()); should
 * the connection die first, RELEASE(ARG) runs when it is freed. One at a time. */
void  conn_hold(struct conn *, void *arg, void (*release)(void *));

/* What conn_hold() kept (now the caller's), or NULL. */
void *conn_take_held(struct conn *);

/* Calls CB(conn) on this connection's worker at DEADLINE_MS (conn_now_ms()
 * clock), without pausing input; replaces an earlier timer. After CB the
 * connection is driven (output flushed); CB may also conn_close() it (a
 * stream dropping a client that stopped reading). 0, or -1 when out of
 * memory. */
int  conn_timer_at(struct conn *, int64_t deadline_ms, void (*cb)(struct conn *));

/* The same, MS milliseconds from now. */
int  conn_timer_in(struct conn *, unsigned ms, void (*cb)(struct conn *));

/* Cancels the timer, if any. */
void conn_timer_cancel(struct conn *);

/* With ON set, svc->on_drain(conn) is called whenever fewer than
 * OUTBUF_LOW_WATER bytes wait to be written, so a protocol can stream a large
 * reply in bounded pieces (it calls conn_send, then returns). */
void conn_want_drain(struct conn *, int on);

/* A slot, out of the server's max_files, for a file the connection keeps
 * open (a message being delivered or retrieved, a WAV being streamed): 0,
 * or -1 when all are taken and the caller must answer "try again later".
 * A connection holds at most one (taking it again is a no-op); it is given
 * back by conn_file_release() or when the connection is freed. */
int  conn_file_take(struct conn *);
void conn_file_release(struct conn *);

/* The same for a lock file a session keeps open as long as it lasts (a
 * POP3 maildrop lock): a second slot, held apart from the first. */
int  conn_lock_take(struct conn *);
void conn_lock_release(struct conn *);

/* Counts as activity for the idle timeout (a stream that is playing). */
void conn_touch(struct conn *);

/* 1 when the server is shutting down. */
int  conn_server_stopping(const struct conn *);

/* Bytes of output queued and not yet written. */
size_t conn_out_pending(const struct conn *);

/* --- For the worker ------------------------------------------------------ */

/* Moves the connection to PHASE (logged when it changes). */
void conn_set_phase(struct conn *, enum conn_phase phase);

/* conn_serve.c, shared with the fuzz harnesses' fake connection: */

/* Hands buffered input to the protocol (raw bytes to svc->on_raw first,
 * when it has one, then lines to on_line, over-long ones to on_overflow)
 * until none is left, input pauses, the output backs up past
 * OUTBUF_HIGH_WATER or the connection stops being open; each step renews
 * the idle deadline. */
void conn_serve_input(struct conn *);

/* Gives the protocol its chance to stop (svc->on_shutdown), once, while
 * the server is stopping: when it says 0 the connection closes after its
 * output. */
void conn_ask_shutdown(struct conn *);

/* A job ended: DONE(conn, ARG) runs unless the connection died meanwhile
 * (then input resumes), RELEASE(ARG) runs either way. */
void conn_job_finish(struct conn *, void (*done)(struct conn *, void *),
                     void (*release)(void *), void *arg);

/* Runs the timer's callback (and forgets it) while the connection is open;
 * the connection stays allocated through it even if it closes. 1 when it
 * ran (the connection may be DEAD now), else 0. */
int  conn_timer_fire(struct conn *);

/* The conn_delay() is over: input resumes, then its callback runs. */
void conn_delay_fire(struct conn *);

/* A new connection on FD (accepted, non-blocking) for SVC. PROXIED: it
 * comes from a trusted proxy and starts with a PROXY header (phase PROXY;
 * its address is counted in the per-address limit once the header names
 * the client); else the acceptor counted it already. NULL on failure (FD
 * is then closed, the count given back). */
struct conn *conn_new(struct worker *, struct server *, int fd, const struct service *svc,
                      uint64_t id, int proxied);

/* Formats the numeric address of SA as "ip:port" (or "[ip]:port") into
 * FULL and, unless NULL, "ip" into IP, each CONN_ADDR_MAX bytes (never DNS). */
void conn_format_addr(const struct sockaddr_storage *sa, char *full, char *ip);

/* conn_proxy.c: reads the PROXY header of a connection in phase PROXY,
 * exactly its bytes and nothing after them (a ClientHello in the same
 * segment stays for wolfSSL); then the client it names is the connection's
 * peer everywhere (log, per-address limit, slow-down, Received:) and the
 * phase is HANDSHAKE. 1 done, 0 waiting for more bytes, -1 closed (a bad
 * header, a closed socket, the address at its limit: each logged). */
int  conn_proxy_read(struct conn *);

/* Frees what conn_proxy_read() kept (NULL: nothing). */
void conn_proxy_free(struct conn_proxy *);

/* Runs the connection as far as it can go without blocking: handshake,
 * writes, reads, lines; updates the epoll interest; may close it. */
void conn_drive(struct conn *);

/* epoll reported an error or hang-up on C. During the handshake, first
 * reads what the client sent before it went (a TLS alert naming why it
 * refused our certificate), so that the log says so; then closes. */
void conn_hangup(struct conn *);

/* Timers: called by the worker's sweep with the current time. */
void conn_check_timers(struct conn *, int64_t now_ms);

/* The server began shutting down: let the protocol finish or say goodbye. */
void conn_begin_shutdown(struct conn *);

/* Closes at once (log, free protocol state, TLS, socket). The struct itself
 * is freed now, or by conn_job_done() when a job still refers to it. */
void conn_close(struct conn *, const char *why);

/* A job of this connection finished (worker thread). */
void conn_job_done(struct conn *, void (*done)(struct conn *, void *),
                   void (*release)(void *), void *arg);

/* The timer is due (worker thread): runs it and drives the connection. */
void conn_run_timer(struct conn *);

int64_t conn_now_ms(void);

#endif
