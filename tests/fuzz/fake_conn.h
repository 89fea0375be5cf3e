/*
 * fake_conn.h: what the session fuzzers (fuzz_smtp_session.c,
 * fuzz_pop3_session.c, fuzz_rtsp_session.c) need to run sealed's protocol
 * state machines without sockets, TLS, workers or a job pool:
 *
 *   fake_conn.c    the functions of server/conn.h that the protocols call
 *                  and that need the event loop, TLS or the job pool (the
 *                  rest are the server's own conn_state.c and conn_text.c),
 *                  and a driver that feeds one whole client session to a
 *                  service the way conn.c's conn_step() would, through the
 *                  server's own conn_serve.c;
 *   fake_server.c  a struct server (config, a fake user database with known
 *                  users, a throttle on a virtual clock) on a temporary data
 *                  dir holding media files and a maildrop.
 *
 * Deterministic: no real clock, no threads, getrandom() always gives
 * FAKE_RANDOM_BYTE; a job runs (work, done, release) and a delay fires
 * before the next input is read; timers fire on a virtual clock. One thread
 * (libFuzzer runs one input at a time).
 */
#ifndef SEALED_FUZZ_FAKE_CONN_H
#define SEALED_FUZZ_FAKE_CONN_H

#include <stddef.h>
#include <stdint.h>

struct service;
struct server;

/* The users fake_server.c knows (and their passwords), for the seeds. */
#define FAKE_USER          "alice"
#define FAKE_PASS          "wonderland-7"
#define FAKE_USER2         "bob"
#define FAKE_PASS2         "builder-9"
#define FAKE_USER_BROKEN   "carol"     /* her check always fails with AUTH_ERROR */
#define FAKE_DOMAIN        "example.test"
#define FAKE_MAX_MESSAGE   4096L       /* small, so that 552 is reachable */
#define FAKE_RANDOM_BYTE   0x5e        /* what getrandom() returns, every byte */
#define FAKE_SESSION_ID    "5e5e5e5e5e5e5e5e"   /* so every RTSP session is called */

/* Sets up the data dir and the server once (later calls do nothing).
 * Exits the process when the data dir cannot be made. */
void fake_server_init(void);

/* The server every fake connection belongs to. */
struct server *fake_server(void);

/* The data dir (a fresh directory under /dev/shm or $TMPDIR). */
const char *fake_data_dir(void);

/* Starts a session: a fresh throttle, so that no earlier input changes it. */
void fake_server_session_begin(void);

/* Ends a session: frees the throttle. */
void fake_server_session_end(void);

/* Rebuilds FAKE_USER's maildrop: four messages in new/ and cur/, as a
 * POP3 session would find them after delivery; message 4 is bigger than
 * OUTBUF_LOW_WATER (RETR streams it through on_drain). */
void fake_maildrop_reset(void);

/* Removes every Maildir (SMTP deliveries of the session). */
void fake_mail_clear(void);

/* The virtual clock (milliseconds) conn_now_ms() and the throttle read. */
uint64_t fake_clock_ms(void);

/* Runs one session of SVC: on_open, then DATA (SIZE bytes) as the client's
 * input, read in pieces of varying size; lines go to on_line (raw bytes
 * first to on_raw when SVC has it), jobs and delays run before the next
 * read, a timer fires once per read. At the end of DATA the client waits
 * for pending timers (a stream playing to its end), then closes when DATA
 * ends with LF, or goes silent (the idle timeout) when it does not. */
void fake_session_run(const struct service *svc, const uint8_t *data, size_t size);

#endif
