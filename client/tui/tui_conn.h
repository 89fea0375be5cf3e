/*
 * tui_conn.h: the TUI's connection: connect, a non-blocking handshake
 * driven by the TUI's poll loop, the named checks and the pin, then the
 * dialogue: queued lines go out one command at a time, replies are read
 * without ever blocking (what wolfSSL already decrypted is drained before
 * the next poll), a failed step drops the rest of its queue, and the
 * automatic login runs when credentials were given. A module that speaks
 * bytes (struct module_bytes: RTSP) gets the session's byte transport
 * instead of its lines. A lost connection is kept on show until the user
 * reconnects (a full handshake and every check again). It writes the
 * transcript; it never draws. Main thread.
 */
#ifndef SEAL_TUI_CONN_H
#define SEAL_TUI_CONN_H

#include "pins.h"
#include "rtsp_io.h"
#include "session.h"
#include "tui_module.h"
#include "tui_queue.h"
#include "tui_transcript.h"

#define TUI_CONN_WHY_MAX 512

#define TUI_CONN_PHASES(X) \
	X(IDLE) X(CONNECTING) X(HANDSHAKE) X(PIN_WAIT) X(UP) X(ENDED) X(LOST) X(FAILED) X(REFUSED)
#define TUI_CONN_AS_ENUM(p) CP_##p,
enum tui_conn_phase { TUI_CONN_PHASES(TUI_CONN_AS_ENUM) CP_COUNT };

enum pin_state {
	PINS_UNCHECKED,   /* no verified certificate yet */
	PINS_STORED,      /* first use: pinned now */
	PINS_MATCH,       /* the pinned fingerprint */
	PINS_MISMATCH,    /* a different one is pinned: refused until replaced */
	PINS_REPLACED,    /* the user replaced the pin */
	PINS_FAILED       /* the pin file could not be used (pin_err) */
};

struct tui_conn_config {
	WOLFSSL_CTX                 *ctx;
	const struct session_target *target;
	const struct tui_module     *mod;
	struct transcript           *tr;
	const char                  *pins_path;  /* NULL: the default path */
	const char                  *user;       /* automatic login, or NULL */
	const char                  *password;
	const char                  *url;        /* for the module's configure() */
	const char                  *output;     /* --output FILE, or NULL */
	const char                  *audio_device;   /* rtsps: where to play, or NULL */
	unsigned                     buffer_ms;      /* rtsps: the jitter buffer */
};

struct tui_conn {
	struct tui_conn_config cfg;
	char               pins_path[PINS_PATH_MAX];   /* "" when unusable */
	struct session     s;
	int                have_session;
	struct line_io     io;
	struct rtsp_io     bio;            /* a bytes module's transport */
	enum tui_conn_phase    phase;
	short              want;           /* handshake: poll events */
	long long          deadline;       /* handshake: give up then */
	int                exit_code;      /* what quitting now should return */
	char               why[TUI_CONN_WHY_MAX];
	enum pin_state     pin;
	char               pin_old[CERTINFO_TEXT];
	char               pin_err[PINS_ERR_MAX];
	void              *wire_st, *mod_st;
	struct tui_queue   q;
	unsigned           step_flags;     /* of the line awaiting its reply */
	int                awaiting;       /* a reply is owed */
	long long          await_since;
	int                greeted;
	int                logging_in;
	int                more;           /* lines may be left: poll without sleeping */
	int                attempts;
};

/* Sets C up (protocol state allocated, the pin file found). 0, or -1 when
 * out of memory. Nothing is connected yet: call tui_conn_request(). */
int tui_conn_init(struct tui_conn *c, const struct tui_conn_config *cfg);

/* Closes the session and frees everything. */
void tui_conn_free(struct tui_conn *c);

/* Asks for a (re)connection; tui_conn_begin() does it (after the caller has
 * shown "connecting"). */
void tui_conn_request(struct tui_conn *c);

/* Connects (at most CLIENT_CONNECT_TIMEOUT_MS) and starts the handshake. */
void tui_conn_begin(struct tui_conn *c);

/* The descriptor to poll and its events, or -1 when none. */
int tui_conn_poll_fd(const struct tui_conn *c, short *events);

/* The socket is ready (or might be): runs the handshake on, or reads every
 * line already there. Never blocks. */
void tui_conn_on_ready(struct tui_conn *c);

/* Timers: gives up a handshake past its deadline. */
void tui_conn_tick(struct tui_conn *c);

/* Sends queued lines while no reply is owed. */
void tui_conn_pump(struct tui_conn *c);

/* The user chose to replace a mismatched pin: stores it and goes on. */
void tui_conn_replace_pin(struct tui_conn *c);

/* Before exit: says goodbye if a session is up (not waiting for the reply)
 * and closes it. */
void tui_conn_quit(struct tui_conn *c);

/* 1 when commands can be sent. */
int tui_conn_is_up(const struct tui_conn *c);

/* The phase in words for the status line. */
const char *tui_conn_phase_text(const struct tui_conn *c);

#endif
