/*
 * pop3.c: POP3 over TLS (RFC 1939, RFC 2449 CAPA, RFC 5034 SASL, RFC 3206
 * response codes): the session's states, the command table, the commands
 * valid in every state, pipelined lines held while a long reply streams, and
 * the service callbacks. AUTHORIZATION is in pop3_auth.c, the TRANSACTION
 * commands in pop3_cmd.c, RETR/TOP/LIST/UIDL replies in pop3_stream.c.
 * Worker thread only.
 */
#include "pop3.h"
#include "pop3_maildrop.h"
#include "pop3_parse.h"
#include "server.h"

#include <errno.h>
#include <string.h>

#define POP3_AS_NAME(s) #s,
static const char *const pop3_state_names[] = { POP3_STATES(POP3_AS_NAME) };

/* Which states a command is allowed in, as bits. */
#define ST(s)   (1u << POP3_##s)
#define ST_AUTH ST(AUTHORIZATION)
#define ST_TXN  ST(TRANSACTION)
#define ST_ANY  (ST_AUTH | ST_TXN)

struct pop3_cmd {
	const char *verb;
	unsigned    states;          /* where it is allowed */
	const char *refusal;         /* the -ERR text elsewhere */
	int       (*run)(struct conn *, struct pop3 *, char *args);
};

void
pop3_set_state(struct conn *c, struct pop3 *s, enum pop3_state st)
{
	if (s->state != st)
		conn_log_state(c, "pop3", pop3_state_names[s->state], pop3_state_names[st]);
	s->state = st;
}

int
pop3_bad_command(struct conn *c, struct pop3 *s)
{
	if (++s->bad_commands < POP3_MAX_BAD_COMMANDS)
		return 0;
	conn_reply(c, "-ERR too many errors, closing connection");
	return -1;
}

static int
pop3_open(struct conn *c)
{
	struct pop3 *s = c->ps;
	s->stream.fd = -1;
	bytebuf_init(&s->held, POP3_MAX_COMMAND_LINE + 1, POP3_MAX_HELD_BYTES);
	conn_reply(c, "+OK %s POP3 server sealed ready", conn_domain(c));
	return 0;
}

static int
pop3_cmd_capa(struct conn *c, struct pop3 *s, char *args)
{
	(void)args;
	conn_reply(c, "+OK Capability list follows");
	if (s->state == POP3_AUTHORIZATION)
		conn_reply(c, "USER");
	conn_reply(c, "TOP");
	conn_reply(c, "UIDL");
	conn_reply(c, "RESP-CODES");
	conn_reply(c, "AUTH-RESP-CODE");
	conn_reply(c, "PIPELINING");
	if (s->state == POP3_AUTHORIZATION)
		conn_reply(c, "SASL PLAIN");
	conn_reply(c, "IMPLEMENTATION %s", POP3_IMPLEMENTATION);
	conn_reply(c, ".");
	return 0;
}

static int
pop3_cmd_noop(struct conn *c, struct pop3 *s, char *args)
{
	if (*args != '\0') {
		conn_reply(c, "-ERR NOOP takes no argument");
		return pop3_bad_command(c, s);
	}
	conn_reply(c, "+OK");
	return 0;
}

static int
pop3_cmd_stls(struct conn *c, struct pop3 *s, char *args)
{
	(void)args;
	conn_reply(c, "-ERR TLS is already active");
	return pop3_bad_command(c, s);
}

static int
pop3_cmd_apop(struct conn *c, struct pop3 *s, char *args)
{
	(void)args;
	conn_reply(c, "-ERR APOP is not supported: use USER and PASS or AUTH PLAIN");
	return pop3_bad_command(c, s);
}

static const struct pop3_cmd pop3_cmds[] = {
	{ "CAPA", ST_ANY, NULL, pop3_cmd_capa },
	{ "USER", ST_AUTH, "-ERR already logged in", pop3_cmd_user },
	{ "PASS", ST_AUTH, "-ERR already logged in", pop3_cmd_pass },
	{ "AUTH", ST_AUTH, "-ERR already logged in", pop3_cmd_auth },
	{ "APOP", ST_AUTH, "-ERR already logged in", pop3_cmd_apop },
	{ "STLS", ST_ANY, NULL, pop3_cmd_stls },
	{ "QUIT", ST_ANY, NULL, pop3_cmd_quit },
	{ "STAT", ST_TXN, NULL, pop3_cmd_stat },
	{ "LIST", ST_TXN, NULL, pop3_cmd_list },
	{ "UIDL", ST_TXN, NULL, pop3_cmd_uidl },
	{ "RETR", ST_TXN, NULL, pop3_cmd_retr },
	{ "TOP",  ST_TXN, NULL, pop3_cmd_top },
	{ "DELE", ST_TXN, NULL, pop3_cmd_dele },
	{ "RSET", ST_TXN, NULL, pop3_cmd_rset },
	{ "NOOP", ST_TXN, NULL, pop3_cmd_noop },
};

/* Logs LINE (secrets masked) and runs its command. -1 to close. */
static int
pop3_dispatch(struct conn *c, struct pop3 *s, char *line)
{
	char verb[POP3_VERB_MAX], shown[LOG_LINE_MAX];
	const char *args;

	pop3_redact(line, shown, sizeof shown);
	conn_log_in(c, "%s", shown);
	if (pop3_parse_command(line, verb, sizeof verb, &args) == -1) {
		conn_reply(c, "-ERR unknown command");
		return pop3_bad_command(c, s);
	}
	for (size_t i = 0; i < sizeof pop3_cmds / sizeof pop3_cmds[0]; i++) {
		const struct pop3_cmd *cmd = &pop3_cmds[i];
		if (strcmp(cmd->verb, verb) != 0)
			continue;
		if (!(cmd->states & (1u << s->state))) {
			conn_reply(c, "%s", cmd->refusal ? cmd->refusal
			           : "-ERR not logged in: USER and PASS, or AUTH, first");
			return pop3_bad_command(c, s);
		}
		return cmd->run(c, s, line + (args - line));
	}
	conn_reply(c, "-ERR unknown command %s", verb);
	return pop3_bad_command(c, s);
}

/* Keeps LINE until the reply on its way is out. 0, or -1 when too much
 * came meanwhile (the connection closes: no reply can go in between). */
static int
pop3_hold(struct conn *c, struct pop3 *s, const char *line, size_t len)
{
	if (bytebuf_append(&s->held, line, len + 1) == 0)
		return 0;
	if (errno == EMSGSIZE) {
		conn_log_event(c, "more than %d octets of commands pipelined behind a reply; closing",
		               POP3_MAX_HELD_BYTES);
		pop3_stream_abort(c, s);
	}
	return -1;
}

/* Runs held lines while no reply is on its way. */
static void
pop3_run_held(struct conn *c, struct pop3 *s)
{
	char *held = bytebuf_head(&s->held);
	size_t off = 0, len = bytebuf_used(&s->held);

	while (off < len && s->state == POP3_TRANSACTION && c->phase == CONN_OPEN) {
		char *line = held + off;
		off += strlen(line) + 1;
		if (pop3_dispatch(c, s, line) == -1) {
			conn_close_after_flush(c);
			off = len;
		}
	}
	bytebuf_consume(&s->held, off);
	if (bytebuf_used(&s->held) == 0)
		bytebuf_free(&s->held);
	else
		bytebuf_compact(&s->held);   /* the cap counts from the front */
}

static int
pop3_line(struct conn *c, char *line, size_t len)
{
	struct pop3 *s = c->ps;

	if (s->state == POP3_STREAM || bytebuf_used(&s->held) > 0)
		return pop3_hold(c, s, line, len);
	if (s->state == POP3_AUTH_PLAIN) {
		conn_log_in(c, "********");
		return pop3_auth_line(c, s, line);
	}
	return pop3_dispatch(c, s, line);
}

static int
pop3_overflow(struct conn *c)
{
	struct pop3 *s = c->ps;

	if (s->state == POP3_STREAM || bytebuf_used(&s->held) > 0) {
		conn_log_event(c, "line longer than %d octets pipelined behind a reply; closing",
		               POP3_MAX_COMMAND_LINE);
		pop3_stream_abort(c, s);
		return -1;
	}
	conn_log_in(c, "(line longer than %d octets dropped)", POP3_MAX_COMMAND_LINE);
	conn_reply(c, "-ERR line too long");
	if (s->state == POP3_AUTH_PLAIN)
		pop3_set_state(c, s, POP3_AUTHORIZATION);
	return pop3_bad_command(c, s);
}

static void
pop3_drain(struct conn *c)
{
	struct pop3 *s = c->ps;

	if (s->state == POP3_STREAM)
		pop3_stream_fill(c, s);
	if (s->state != POP3_STREAM && bytebuf_used(&s->held) > 0)
		pop3_run_held(c, s);
}

static void
pop3_timeout(struct conn *c)
{
	struct pop3 *s = c->ps;

	if (s->state == POP3_STREAM) {          /* a reply line now would look like text */
		conn_log_event(c, "idle timeout: the client stopped reading");
		pop3_stream_abort(c, s);
		return;
	}
	conn_reply(c, "-ERR autologout: idle for too long, closing connection");
}

static int
pop3_shutdown(struct conn *c)
{
	struct pop3 *s = c->ps;

	if (s->state == POP3_STREAM || s->state == POP3_UPDATE || s->state == POP3_BUSY)
		return 1;   /* let the reply or the deletions finish */
	conn_reply(c, "-ERR [SYS/TEMP] server shutting down, closing connection");
	return 0;
}

static void
pop3_close(struct conn *c)
{
	struct pop3 *s = c->ps;

	if (s == NULL)
		return;
	pop3_stream_abort(c, s);
	pop3_maildrop_free(s->md);   /* no UPDATE: marks are forgotten */
	s->md = NULL;
	bytebuf_free(&s->held);
	explicit_bzero(s->user, sizeof s->user);
}

const struct service service_pop3 = {
	.name = "pop3",
	.state_size = sizeof(struct pop3),
	.max_line = POP3_MAX_COMMAND_LINE,
	.idle_timeout_ms = POP3_IDLE_TIMEOUT_MS,
	.on_open = pop3_open,
	.on_line = pop3_line,
	.on_overflow = pop3_overflow,
	.on_timeout = pop3_timeout,
	.on_shutdown = pop3_shutdown,
	.on_drain = pop3_drain,
	.on_close = pop3_close,
};
