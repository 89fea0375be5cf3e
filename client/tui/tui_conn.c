/*
 * tui_conn.c: the TUI's connection life cycle and dialogue (see
 * tui_conn.h). Phases change in conn_set_phase() only. Replies are read
 * with a zero timeout through the session's line transport, which drains
 * wolfSSL's buffer before it would wait. The module sees every server line
 * (it may fold long replies in the transcript) and may queue lines of its
 * own after each reply. A bytes module (RTSP) reads and writes through the
 * session's byte transport instead: it builds each request when its turn
 * comes and hands back the lines to show and where each reply ends.
 * Main thread.
 */
#include "tui_conn.h"
#include "net.h"
#include "tui_defaults.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define CONN_NOTE_MAX 256         /* a module's note about a line it folds */

static void
conn_set_phase(struct tui_conn *c, enum tui_conn_phase p)
{
	c->phase = p < CP_COUNT ? p : CP_IDLE;
}

/* Fresh module state (what it held freed first when AGAIN), told what the
 * TUI was started with. */
static void
conn_mod_start(struct tui_conn *c, int again)
{
	const struct tui_module *m = c->cfg.mod;
	struct tui_facts facts = { .user = c->cfg.user, .host = c->cfg.target->host,
	                           .url = c->cfg.url, .output = c->cfg.output,
	                           .audio_device = c->cfg.audio_device,
	                           .buffer_ms = c->cfg.buffer_ms };

	if (again && m->fini != NULL)
		m->fini(c->mod_st);
	m->init(c->mod_st);
	if (m->configure != NULL)
		m->configure(c->mod_st, &facts);
}

int
tui_conn_init(struct tui_conn *c, const struct tui_conn_config *cfg)
{
	memset(c, 0, sizeof *c);
	c->cfg = *cfg;
	c->s.fd = -1;
	c->wire_st = calloc(1, cfg->mod->wire->state_size);
	c->mod_st = calloc(1, cfg->mod->state_size);
	if (c->wire_st == NULL || c->mod_st == NULL) {
		tui_conn_free(c);
		return -1;
	}
	if (cfg->pins_path != NULL)
		snprintf(c->pins_path, sizeof c->pins_path, "%s", cfg->pins_path);
	else if (pins_default_path(c->pins_path, sizeof c->pins_path, c->pin_err,
	                           sizeof c->pin_err) == -1)
		c->pins_path[0] = '\0';
	cfg->mod->wire->init(c->wire_st);
	conn_mod_start(c, 0);
	return 0;
}

void
tui_conn_free(struct tui_conn *c)
{
	if (c->have_session)
		session_close(&c->s);
	c->have_session = 0;
	tui_queue_free(&c->q);
	if (c->wire_st != NULL) {
		explicit_bzero(c->wire_st, c->cfg.mod->wire->state_size);
		free(c->wire_st);
	}
	if (c->mod_st != NULL) {
		if (c->cfg.mod->fini != NULL)
			c->cfg.mod->fini(c->mod_st);
		explicit_bzero(c->mod_st, c->cfg.mod->state_size);
		free(c->mod_st);
	}
	c->wire_st = c->mod_st = NULL;
}

int
tui_conn_is_up(const struct tui_conn *c)
{
	return c->phase == CP_UP;
}

void
tui_conn_request(struct tui_conn *c)
{
	conn_set_phase(c, CP_CONNECTING);
}

/* Forgets the last session and every bit of dialogue state. */
static void
conn_reset(struct tui_conn *c)
{
	if (c->have_session)
		session_close(&c->s);
	c->have_session = 0;
	tui_queue_clear(&c->q);
	c->cfg.mod->wire->init(c->wire_st);
	conn_mod_start(c, 1);
	c->awaiting = c->greeted = c->logging_in = c->more = 0;
	c->step_flags = 0;
	c->pin = PINS_UNCHECKED;
	c->pin_old[0] = c->why[0] = '\0';
	c->exit_code = EXIT_OK;
}

/* A failed attempt: FAILED or REFUSED with RC's exit code and WHY. */
static void
conn_failed(struct tui_conn *c, int rc, const char *why)
{
	snprintf(c->why, sizeof c->why, "%s", why);
	c->exit_code = rc;
	conn_set_phase(c, rc == EXIT_CERT ? CP_REFUSED : CP_FAILED);
	tui_transcript_addf(c->cfg.tr, TR_ERROR, "%s", why);
	tui_transcript_addf(c->cfg.tr, TR_NOTE, "%s", rc == EXIT_CERT ?
	                    "refused: nothing was sent. Press r to try again, q to quit" :
	                    "press r to try again, q to quit");
}

/* The handshake's last step gave E: checks, then the pin, or a failure. */
static void
conn_handshake_done(struct tui_conn *c, int e);

static void
conn_handshake(struct tui_conn *c)
{
	int r = session_handshake_step(&c->s, &c->want);

	if (r != SESSION_AGAIN)
		conn_handshake_done(c, r);
}

void
tui_conn_begin(struct tui_conn *c)
{
	char err[TUI_CONN_WHY_MAX];
	int rc;

	conn_reset(c);
	c->attempts++;
	tui_transcript_addf(c->cfg.tr, TR_NOTE, "%s %s (TLS, certificate checked against %s)",
	                    c->attempts > 1 ? "reconnecting to" : "connecting to",
	                    c->cfg.target->peer, c->cfg.target->cafile);
	rc = session_start(&c->s, c->cfg.ctx, c->cfg.target, err, sizeof err);
	c->have_session = 1;
	if (rc != EXIT_OK) {
		conn_failed(c, rc, err);
		return;
	}
	conn_set_phase(c, CP_HANDSHAKE);
	c->deadline = net_now_ms() + CLIENT_HANDSHAKE_TIMEOUT_MS;
	conn_handshake(c);
}

/* A bytes module: no greeting to wait for; the automatic login's
 * credentials go to the module. */
static void
conn_bytes_start(struct tui_conn *c)
{
	const struct tui_module *m = c->cfg.mod;

	c->greeted = 1;
	if (c->cfg.user != NULL && c->cfg.password != NULL) {
		m->set_user(c->mod_st, c->cfg.user);
		m->bytes->login(c->mod_st, c->cfg.user, c->cfg.password);
	}
}

/* Pinned or not, the session is trusted: the dialogue starts. */
static void
conn_proceed(struct tui_conn *c)
{
	conn_set_phase(c, CP_UP);
	session_line_io(&c->s, &c->io);
	rtsp_io_session(&c->s, &c->bio);
	c->more = 1;
	tui_transcript_addf(c->cfg.tr, TR_NOTE, "secure channel: %s, %s; certificate verified",
	                    session_version(&c->s), session_cipher(&c->s));
	if (c->cfg.mod->bytes != NULL) {
		conn_bytes_start(c);
		return;
	}
	c->awaiting = 1;                           /* the greeting */
	c->await_since = net_now_ms();
}

/* Stores the first pin of this server; a failure is shown, not fatal. */
static void
conn_pin_first(struct tui_conn *c, const char *fp)
{
	if (pins_store(c->pins_path, c->cfg.target->peer, fp, c->pin_err,
	               sizeof c->pin_err) == -1) {
		c->pin = PINS_FAILED;
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "pin not stored: %s", c->pin_err);
		return;
	}
	c->pin = PINS_STORED;
	tui_transcript_addf(c->cfg.tr, TR_NOTE, "first connection to %s: certificate pinned in %s",
	                    c->cfg.target->peer, c->pins_path);
}

/* The pin check after the named checks passed. */
static void
conn_check_pin(struct tui_conn *c)
{
	const char *fp = c->s.pv.leaf_info.fingerprint;
	enum pin_result r;

	if (c->pins_path[0] == '\0') {
		c->pin = PINS_FAILED;
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "pin not checked: %s", c->pin_err);
		conn_proceed(c);
		return;
	}
	r = pins_check(c->pins_path, c->cfg.target->peer, fp, c->pin_old, sizeof c->pin_old,
	               c->pin_err, sizeof c->pin_err);
	if (r == PIN_MISMATCH) {
		c->pin = PINS_MISMATCH;
		c->exit_code = EXIT_CERT;
		snprintf(c->why, sizeof c->why, "server certificate changed: %s pinned %s, now %s",
		         c->cfg.target->peer, c->pin_old, fp);
		conn_set_phase(c, CP_PIN_WAIT);
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "%s", c->why);
		return;
	}
	if (r == PIN_NEW)
		conn_pin_first(c, fp);
	else if (r == PIN_MATCH)
		c->pin = PINS_MATCH;
	else {
		c->pin = PINS_FAILED;
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "pin not checked: %s", c->pin_err);
	}
	conn_proceed(c);
}

static void
conn_handshake_done(struct tui_conn *c, int e)
{
	char err[TUI_CONN_WHY_MAX];
	int rc = session_handshake_end(&c->s, c->cfg.target, e, err, sizeof err);

	if (rc != EXIT_OK)
		conn_failed(c, rc, err);
	else
		conn_check_pin(c);
}

void
tui_conn_replace_pin(struct tui_conn *c)
{
	const char *fp = c->s.pv.leaf_info.fingerprint;

	if (c->phase != CP_PIN_WAIT)
		return;
	if (pins_store(c->pins_path, c->cfg.target->peer, fp, c->pin_err,
	               sizeof c->pin_err) == -1) {
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "cannot replace the pin: %s", c->pin_err);
		return;
	}
	c->pin = PINS_REPLACED;
	c->exit_code = EXIT_OK;
	c->why[0] = '\0';
	tui_transcript_addf(c->cfg.tr, TR_NOTE, "pin for %s replaced by you: now %s",
	                    c->cfg.target->peer, fp);
	conn_proceed(c);
}

/* The connection ended under us. */
static void
conn_lost(struct tui_conn *c, const char *why)
{
	int ended = c->cfg.mod->wire->quit_sent(c->wire_st);

	snprintf(c->why, sizeof c->why, "%s", why);
	conn_set_phase(c, ended ? CP_ENDED : CP_LOST);
	c->exit_code = ended ? EXIT_OK : EXIT_OTHER;
	tui_queue_clear(&c->q);
	c->awaiting = c->logging_in = c->more = 0;
	tui_transcript_addf(c->cfg.tr, ended ? TR_NOTE : TR_ERROR, "%s: %s",
	                    ended ? "session ended" : "connection lost", why);
	tui_transcript_addf(c->cfg.tr, TR_NOTE, "press r to reconnect, q to quit");
}

/* The next step of the automatic login, if any. */
static void
conn_login_next(struct tui_conn *c)
{
	const struct client_proto *w = c->cfg.mod->wire;
	char line[PROTO_LINE_MAX];

	if (w->auth_failure(c->wire_st) == NULL &&
	    w->login_next(c->wire_st, c->cfg.user, c->cfg.password, line, sizeof line)) {
		if (tui_queue_push(&c->q, line, 0) == -1)
			c->logging_in = 0;
		explicit_bzero(line, sizeof line);
		return;
	}
	c->logging_in = 0;
	if (w->auth_failure(c->wire_st) != NULL)
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "automatic login as %s refused: %s",
		                    c->cfg.user, w->auth_failure(c->wire_st));
}

/* A whole reply ending with LAST came in. */
static void
conn_reply_done(struct tui_conn *c, const char *last)
{
	enum reply_class cls = tui_transcript_reply_class(last);

	c->cfg.mod->on_reply(c->mod_st, last);
	c->awaiting = 0;
	if ((cls == RC_WARN || cls == RC_ERR) && !(c->step_flags & TQ_SOFT) &&
	    tui_queue_len(&c->q) > 0) {
		tui_transcript_addf(c->cfg.tr, TR_NOTE,
		                    "stopped: %zu queued line%s not sent after this refusal",
		                    tui_queue_len(&c->q), tui_queue_len(&c->q) == 1 ? "" : "s");
		tui_queue_clear(&c->q);
	}
	if (!c->greeted) {
		c->greeted = 1;
		if (c->cfg.user != NULL && c->cfg.password != NULL && cls == RC_OK) {
			c->cfg.mod->set_user(c->mod_st, c->cfg.user);
			c->logging_in = 1;
		}
	}
	if (c->logging_in)
		conn_login_next(c);
	if (c->cfg.mod->follow_up != NULL && c->cfg.mod->follow_up(c->mod_st, &c->q) == -1)
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "out of memory: a command was not queued");
}

/* LINE into the transcript, as the module wants it shown. */
static void
conn_show(struct tui_conn *c, const char *line)
{
	char note[CONN_NOTE_MAX];
	int show = 1;

	note[0] = '\0';
	if (c->cfg.mod->on_line != NULL)
		show = c->cfg.mod->on_line(c->mod_st, line, note, sizeof note);
	if (note[0] != '\0')
		tui_transcript_add(c->cfg.tr, TR_NOTE, note);
	if (show)
		tui_transcript_add(c->cfg.tr, TR_S2C, line);
}

/* A bytes module: what it has whole goes to the transcript. 0, or -1
 * when the connection was dropped. */
static int
conn_take(struct tui_conn *c)
{
	const char *text;

	for (;;) {
		switch (c->cfg.mod->bytes->next(c->mod_st, &text)) {
		case RAW_NONE:
			return 0;
		case RAW_LINE:
			conn_show(c, text);
			break;
		case RAW_END:
			conn_reply_done(c, text);
			break;
		case RAW_NOTE:
			tui_transcript_add(c->cfg.tr, TR_NOTE, text);
			break;
		case RAW_ERROR:
		default:
			conn_lost(c, text);
			return -1;
		}
	}
}

/* A bytes module: reads what is there (up to TUI_DRAIN_READS reads) and
 * hands it over. */
static void
conn_drain_bytes(struct tui_conn *c)
{
	char buf[READ_CHUNK];

	c->more = 0;
	for (int i = 0; i < TUI_DRAIN_READS && c->phase == CP_UP; i++) {
		if (conn_take(c) == -1)
			return;
		long n = c->bio.recv(c->bio.ctx, buf, sizeof buf, 0);
		if (n == 0)
			return;
		if (n < 0) {
			conn_lost(c, n == RTSP_IO_CLOSED ? "the server closed the connection" :
			          c->bio.why(c->bio.ctx));
			return;
		}
		if (c->cfg.mod->bytes->input(c->mod_st, buf, (size_t)n) == -1) {
			conn_lost(c, "out of memory");
			return;
		}
	}
	if (c->phase == CP_UP && conn_take(c) == 0)
		c->more = 1;
}

/* Reads every line already there (up to TUI_DRAIN_LINES). */
static void
conn_drain(struct tui_conn *c)
{
	char *line;

	if (c->cfg.mod->bytes != NULL) {
		conn_drain_bytes(c);
		return;
	}
	c->more = 0;
	for (int i = 0; i < TUI_DRAIN_LINES && c->phase == CP_UP; i++) {
		enum lineio_rc rc = c->io.recv(c->io.ctx, &line, 0);
		if (rc == LINEIO_TIMEOUT)
			return;
		if (rc != LINEIO_LINE) {
			conn_lost(c, rc == LINEIO_CLOSED ? "the server closed the connection" :
			          c->io.why(c->io.ctx));
			return;
		}
		conn_show(c, line);
		if (c->cfg.mod->wire->reply_line(c->wire_st, line))
			conn_reply_done(c, line);
	}
	c->more = c->phase == CP_UP;
}

/* Sends the queued line IT. 1 when a reply is owed now, 0 when not, -1
 * when the connection was lost. */
static int
conn_send_line(struct tui_conn *c, const struct tq_item *it)
{
	const struct tui_module *m = c->cfg.mod;
	const char *shown;
	int wait = m->wire->command(c->wire_st, it->line, &shown);

	tui_transcript_add(c->cfg.tr, TR_C2S, shown);
	if (wait)
		m->on_command(c->mod_st, shown);
	if (c->io.send(c->io.ctx, it->line) == -1) {
		conn_lost(c, c->io.why(c->io.ctx));
		return -1;
	}
	return wait;
}

/* Each line of TEXT (CRLF or LF separated) into the transcript as sent. */
static void
conn_show_sent(struct tui_conn *c, char *text)
{
	char *save = NULL;

	for (char *l = strtok_r(text, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save))
		tui_transcript_add(c->cfg.tr, TR_C2S, l);
}

/* A bytes module: sends the request the queued line IT stands for. As
 * conn_send_line. */
static int
conn_send_request(struct tui_conn *c, const struct tq_item *it)
{
	const struct tui_module *m = c->cfg.mod;
	char out[TUI_REQUEST_MAX], shown[TUI_REQUEST_MAX];
	int n = m->bytes->request(c->mod_st, it->line, out, sizeof out, shown, sizeof shown);

	if (n <= 0) {
		if (n < 0)
			tui_transcript_addf(c->cfg.tr, TR_ERROR, "%s not sent: %s", it->line, shown);
		return 0;
	}
	conn_show_sent(c, shown);
	m->on_command(c->mod_st, it->line);
	int rc = c->bio.send(c->bio.ctx, out, (size_t)n);
	explicit_bzero(out, sizeof out);                /* it may hold credentials */
	if (rc == -1) {
		conn_lost(c, c->bio.why(c->bio.ctx));
		return -1;
	}
	return 1;
}

void
tui_conn_pump(struct tui_conn *c)
{
	struct tq_item it;

	while (c->phase == CP_UP && !c->awaiting && tui_queue_pop(&c->q, &it)) {
		int wait = c->cfg.mod->bytes != NULL ? conn_send_request(c, &it) :
		           conn_send_line(c, &it);
		c->step_flags = it.flags;
		tui_queue_item_free(&it);
		if (wait == -1)
			return;
		if (wait) {
			c->awaiting = 1;
			c->await_since = net_now_ms();
		}
	}
}

int
tui_conn_poll_fd(const struct tui_conn *c, short *events)
{
	if (c->phase == CP_HANDSHAKE) {
		*events = c->want;
		return c->s.fd;
	}
	if (c->phase == CP_UP) {
		*events = POLLIN;
		return c->s.fd;
	}
	return -1;
}

void
tui_conn_on_ready(struct tui_conn *c)
{
	if (c->phase == CP_HANDSHAKE)
		conn_handshake(c);
	if (c->phase == CP_UP) {
		conn_drain(c);
		tui_conn_pump(c);
	}
}

void
tui_conn_tick(struct tui_conn *c)
{
	const struct module_bytes *b = c->cfg.mod->bytes;

	if (c->phase == CP_HANDSHAKE && net_now_ms() >= c->deadline)
		conn_handshake_done(c, SESSION_TIMED_OUT);
	if (c->phase == CP_UP && b != NULL && b->tick != NULL &&
	    b->tick(c->mod_st, net_now_ms(), &c->q) == -1)
		tui_transcript_addf(c->cfg.tr, TR_ERROR, "out of memory: a command was not queued");
}

/* A bytes module's goodbye: the wire's quit while in a transaction (RTSP:
 * TEARDOWN while a session is open), not waiting for the reply. */
static void
conn_quit_bytes(struct tui_conn *c)
{
	const struct tui_module *m = c->cfg.mod;
	char out[TUI_REQUEST_MAX], shown[TUI_REQUEST_MAX];
	int n;

	if (!m->in_transaction(c->mod_st))
		return;
	n = m->bytes->request(c->mod_st, m->wire->quit, out, sizeof out, shown, sizeof shown);
	if (n > 0)
		c->bio.send(c->bio.ctx, out, (size_t)n);
	explicit_bzero(out, sizeof out);
}

void
tui_conn_quit(struct tui_conn *c)
{
	const struct client_proto *w = c->cfg.mod->wire;

	if (c->phase == CP_UP && c->cfg.mod->bytes != NULL)
		conn_quit_bytes(c);
	else if (c->phase == CP_UP && !w->quit_sent(c->wire_st) && !w->in_body(c->wire_st))
		c->io.send(c->io.ctx, w->quit);
	if (c->have_session)
		session_close(&c->s);
	c->have_session = 0;
	conn_set_phase(c, CP_IDLE);
}

const char *
tui_conn_phase_text(const struct tui_conn *c)
{
	switch (c->phase) {
	case CP_CONNECTING: return "connecting";
	case CP_HANDSHAKE: return "TLS handshake";
	case CP_PIN_WAIT: return "REFUSED: certificate changed";
	case CP_UP: return c->cfg.mod->state_name(c->mod_st);
	case CP_ENDED: return "session ended";
	case CP_LOST: return "CONNECTION LOST";
	case CP_FAILED: return "not connected";
	case CP_REFUSED: return "REFUSED: certificate rejected";
	case CP_IDLE:
	default: return "idle";
	}
}
