/*
 * smtp.c: SMTP submission (RFC 5321, 4954, 3463, 1870, 6152, 2920) over TLS:
 * the session's states, the command table and the simple commands. AUTH is
 * in smtp_auth.c, DATA and delivery in smtp_data.c. Worker thread only.
 */
#include "smtp.h"
#include "server.h"
#include "smtp_parse.h"
#include "userdb.h"
#include "userfile.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SMTP_VERB_MAX 16

#define SMTP_AS_NAME(s) #s,
static const char *const smtp_state_names[] = { SMTP_STATES(SMTP_AS_NAME) };

/* Which states a command is allowed in, as bits. */
#define ST(s) (1u << SMTP_##s)
#define ST_ANY (ST(GREETED) | ST(READY) | ST(MAIL) | ST(RCPT))

struct smtp_cmd {
	const char *verb;
	unsigned    states;          /* where it is allowed */
	const char *refusal;         /* the 503 text elsewhere */
	int       (*run)(struct conn *, struct smtp *, char *args);
};

void
smtp_set_state(struct conn *c, struct smtp *s, enum smtp_state st)
{
	if (s->state != st)
		conn_log_state(c, "smtp", smtp_state_names[s->state], smtp_state_names[st]);
	s->state = st;
}

void
smtp_reset_txn(struct conn *c, struct smtp *s)
{
	smtp_data_abort(s);
	free(s->rcpts);
	s->rcpts = NULL;
	s->nrcpts = 0;
	s->from[0] = '\0';
	s->commands = 0;
	if (s->state == SMTP_MAIL || s->state == SMTP_RCPT || s->state == SMTP_DATA)
		smtp_set_state(c, s, SMTP_READY);
}

static int
smtp_open(struct conn *c)
{
	conn_reply(c, "220 %s ESMTP sealed", conn_domain(c));
	return 0;
}

/* 0 when ARGS is a name EHLO or HELO takes (RFC 5321 4.1.1.1: a domain or an
 * address literal; it goes into our Received: header), else -1 after a 501. */
static int
smtp_helo_check(struct conn *c, const char *verb, const char *args)
{
	if (smtp_valid_helo(args))
		return 0;
	conn_reply(c, "501 5.5.4 Syntax: %s domain or [address literal]", verb);
	return -1;
}

static int
smtp_cmd_ehlo(struct conn *c, struct smtp *s, char *args)
{
	if (smtp_helo_check(c, "EHLO", args) == -1)
		return 0;
	smtp_reset_txn(c, s);
	snprintf(s->helo, sizeof s->helo, "%s", args);
	smtp_set_state(c, s, SMTP_READY);
	conn_reply(c, "250-%s greets %s", conn_domain(c), args);
	if (!s->authenticated)
		conn_reply(c, "250-AUTH PLAIN LOGIN");
	conn_reply(c, "250-SIZE %ld", atomic_load(&c->srv->live.max_message_size));
	conn_reply(c, "250-8BITMIME");
	conn_reply(c, "250-PIPELINING");
	conn_reply(c, "250-ENHANCEDSTATUSCODES");
	conn_reply(c, "250 HELP");
	return 0;
}

static int
smtp_cmd_helo(struct conn *c, struct smtp *s, char *args)
{
	if (smtp_helo_check(c, "HELO", args) == -1)
		return 0;
	smtp_reset_txn(c, s);
	snprintf(s->helo, sizeof s->helo, "%s", args);
	smtp_set_state(c, s, SMTP_READY);
	conn_reply(c, "250 %s", conn_domain(c));
	return 0;
}

/* 1 when the logged-in user may send as ADDR (their own address or <>, or
 * anyone's with --allow-sender-mismatch); else 0 after a logged 553. */
static int
smtp_sender_check(struct conn *c, const char *addr)
{
	if (smtp_sender_is_own(addr, c->user, conn_domain(c)))
		return 1;
	if (atomic_load(&c->srv->live.allow_sender_mismatch)) {
		conn_log_event(c, "sender mismatch allowed from=<%s> user=%s", addr, c->user);
		return 1;
	}
	conn_log_event(c, "sender refused from=<%s> user=%s", addr, c->user);
	conn_reply(c, "553 5.7.1 Sender <%s> is not yours: send as <%s@%s> or <>", addr,
	           c->user, conn_domain(c));
	return 0;
}

static int
smtp_cmd_mail(struct conn *c, struct smtp *s, char *args)
{
	struct smtp_path p;

	if (!s->authenticated) {
		conn_reply(c, "530 5.7.0 Authentication required");
		return 0;
	}
	if (smtp_parse_path(args, "FROM:", &p) == -1) {
		conn_reply(c, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return 0;
	}
	if (p.bad_param) {
		conn_reply(c, "555 5.5.4 Unsupported or malformed parameter");
		return 0;
	}
	long limit = atomic_load(&c->srv->live.max_message_size);
	if (p.size > limit) {
		conn_reply(c, "552 5.3.4 Message size exceeds fixed limit of %ld bytes", limit);
		return 0;
	}
	if (!smtp_sender_check(c, p.addr))
		return 0;
	snprintf(s->from, sizeof s->from, "%s", p.addr);
	smtp_set_state(c, s, SMTP_MAIL);
	conn_reply(c, "250 2.1.0 Sender <%s> OK", p.addr);
	return 0;
}

/* The local user an address delivers to, or -1 (reply already sent). */
static int
smtp_rcpt_user(struct conn *c, const char *addr, char *user, size_t ulen)
{
	char domain[SMTP_MAX_ADDRESS + 1];

	if (smtp_split_address(addr, user, ulen, domain, sizeof domain) == -1) {
		conn_reply(c, "550 5.1.3 Bad recipient address syntax");
		return -1;
	}
	if (strcasecmp(domain, conn_domain(c)) != 0) {
		conn_reply(c, "550 5.7.1 Relaying denied: only @%s is served here", conn_domain(c));
		return -1;
	}
	if (!userfile_valid_name(user) || !userdb_exists(c->srv->users, user)) {
		conn_reply(c, "550 5.1.1 <%s>: no such user here", addr);
		return -1;
	}
	return 0;
}

static int
smtp_cmd_rcpt(struct conn *c, struct smtp *s, char *args)
{
	struct smtp_path p;
	char user[USER_NAME_MAX + 1];

	if (smtp_parse_path(args, "TO:", &p) == -1 || p.addr[0] == '\0') {
		conn_reply(c, "501 5.5.4 Syntax: RCPT TO:<address>");
		return 0;
	}
	if (p.bad_param) {
		conn_reply(c, "555 5.5.4 Unsupported or malformed parameter");
		return 0;
	}
	if (s->nrcpts >= SMTP_MAX_RECIPIENTS) {
		conn_reply(c, "452 4.5.3 Too many recipients");
		return 0;
	}
	if (smtp_rcpt_user(c, p.addr, user, sizeof user) == -1)
		return 0;
	for (size_t i = 0; i < s->nrcpts; i++)
		if (strcmp(s->rcpts[i].user, user) == 0) {
			conn_reply(c, "250 2.1.5 Recipient <%s> OK (already listed)", p.addr);
			return 0;
		}
	struct smtp_rcpt *r = realloc(s->rcpts, (s->nrcpts + 1) * sizeof *r);
	if (r == NULL) {
		conn_reply(c, "452 4.3.1 Insufficient system resources");
		return 0;
	}
	s->rcpts = r;
	snprintf(r[s->nrcpts++].user, sizeof r->user, "%s", user);
	smtp_set_state(c, s, SMTP_RCPT);
	conn_reply(c, "250 2.1.5 Recipient <%s> OK", p.addr);
	return 0;
}

static int
smtp_cmd_rset(struct conn *c, struct smtp *s, char *args)
{
	(void)args;
	smtp_reset_txn(c, s);
	conn_reply(c, "250 2.0.0 Reset");
	return 0;
}

static int
smtp_cmd_noop(struct conn *c, struct smtp *s, char *args)
{
	(void)s;
	(void)args;
	conn_reply(c, "250 2.0.0 OK");
	return 0;
}

static int
smtp_cmd_help(struct conn *c, struct smtp *s, char *args)
{
	(void)s;
	(void)args;
	conn_reply(c, "214-2.0.0 Commands: EHLO HELO AUTH MAIL RCPT DATA RSET NOOP VRFY HELP QUIT");
	conn_reply(c, "214 2.0.0 Log in with AUTH PLAIN or AUTH LOGIN, then send to USER@%s",
	           conn_domain(c));
	return 0;
}

static int
smtp_cmd_vrfy(struct conn *c, struct smtp *s, char *args)
{
	(void)s;
	if (*args == '\0') {
		conn_reply(c, "501 5.5.4 Syntax: VRFY address");
		return 0;
	}
	conn_reply(c, "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
	return 0;
}

static int
smtp_cmd_quit(struct conn *c, struct smtp *s, char *args)
{
	(void)s;
	(void)args;
	conn_reply(c, "221 2.0.0 %s closing connection", conn_domain(c));
	return -1;
}

static int
smtp_cmd_unsupported(struct conn *c, struct smtp *s, char *args)
{
	(void)s;
	(void)args;
	conn_reply(c, "502 5.5.1 Command not implemented");
	return 0;
}

static int
smtp_cmd_starttls(struct conn *c, struct smtp *s, char *args)
{
	(void)s;
	(void)args;
	conn_reply(c, "554 5.5.1 TLS is already active");
	return 0;
}

static const struct smtp_cmd smtp_cmds[] = {
	{ "EHLO", ST_ANY, NULL, smtp_cmd_ehlo },
	{ "HELO", ST_ANY, NULL, smtp_cmd_helo },
	{ "AUTH", ST(READY), "503 5.5.1 AUTH not allowed now (EHLO first, once, outside a mail transaction)",
	  smtp_cmd_auth },
	{ "MAIL", ST(READY), "503 5.5.1 MAIL not allowed now (EHLO first; one transaction at a time)",
	  smtp_cmd_mail },
	{ "RCPT", ST(MAIL) | ST(RCPT), "503 5.5.1 Need MAIL before RCPT", smtp_cmd_rcpt },
	{ "DATA", ST(RCPT), "503 5.5.1 Need MAIL and RCPT before DATA", smtp_cmd_data },
	{ "RSET", ST_ANY, NULL, smtp_cmd_rset },
	{ "NOOP", ST_ANY, NULL, smtp_cmd_noop },
	{ "HELP", ST_ANY, NULL, smtp_cmd_help },
	{ "VRFY", ST_ANY, NULL, smtp_cmd_vrfy },
	{ "QUIT", ST_ANY, NULL, smtp_cmd_quit },
	{ "EXPN", ST_ANY, NULL, smtp_cmd_unsupported },
	{ "BDAT", ST_ANY, NULL, smtp_cmd_unsupported },
	{ "STARTTLS", ST_ANY, NULL, smtp_cmd_starttls },
};

/* Counts a bad command; after too many the session ends. -1 to close. */
static int
smtp_bad_command(struct conn *c, struct smtp *s)
{
	if (++s->bad_commands < SMTP_MAX_BAD_COMMANDS)
		return 0;
	conn_reply(c, "421 4.7.0 %s Too many errors, closing connection", conn_domain(c));
	return -1;
}

static int
smtp_dispatch(struct conn *c, struct smtp *s, char *line)
{
	char verb[SMTP_VERB_MAX], *args;
	char shown[LOG_LINE_MAX];

	smtp_redact_auth(line, shown, sizeof shown);
	conn_log_in(c, "%s", shown);
	if (++s->commands > SMTP_MAX_COMMANDS_PER_TXN) {
		conn_reply(c, "421 4.7.0 %s Too many commands, closing connection", conn_domain(c));
		return -1;
	}
	if (smtp_parse_verb(line, verb, sizeof verb, &args) == -1) {
		conn_reply(c, "500 5.5.2 Syntax error, command unrecognized");
		return smtp_bad_command(c, s);
	}
	for (size_t i = 0; i < sizeof smtp_cmds / sizeof smtp_cmds[0]; i++) {
		const struct smtp_cmd *cmd = &smtp_cmds[i];
		if (strcmp(cmd->verb, verb) != 0)
			continue;
		if (!(cmd->states & (1u << s->state))) {
			conn_reply(c, "%s", cmd->refusal);
			return smtp_bad_command(c, s);
		}
		return cmd->run(c, s, args);
	}
	conn_reply(c, "500 5.5.2 Syntax error, command unrecognized");
	return smtp_bad_command(c, s);
}

static int
smtp_line(struct conn *c, char *line, size_t len)
{
	struct smtp *s = c->ps;
	switch (s->state) {
	case SMTP_DATA:
		return smtp_data_line(c, s, line, len);
	case SMTP_AUTH_PLAIN:
	case SMTP_AUTH_LOGIN_USER:
	case SMTP_AUTH_LOGIN_PASS:
		conn_log_in(c, "********");
		return smtp_auth_line(c, s, line);
	default:
		return smtp_dispatch(c, s, line);
	}
}

static int
smtp_overflow(struct conn *c)
{
	struct smtp *s = c->ps;
	if (s->state == SMTP_DATA) {
		smtp_data_overflow(s);
		return 0;
	}
	conn_log_in(c, "(line longer than %d octets dropped)", SMTP_MAX_COMMAND_LINE);
	conn_reply(c, "500 5.5.2 Line too long");
	if (s->state == SMTP_AUTH_PLAIN || s->state == SMTP_AUTH_LOGIN_USER ||
	    s->state == SMTP_AUTH_LOGIN_PASS)
		smtp_set_state(c, s, SMTP_READY);
	return smtp_bad_command(c, s);
}

static void
smtp_timeout(struct conn *c)
{
	conn_reply(c, "421 4.4.2 %s Timeout, closing connection", conn_domain(c));
}

static int
smtp_shutdown(struct conn *c)
{
	struct smtp *s = c->ps;
	if (s->state == SMTP_DATA || s->state == SMTP_BUSY)
		return 1;   /* a message is on its way: let it finish */
	conn_reply(c, "421 4.3.2 %s Service shutting down", conn_domain(c));
	return 0;
}

static void
smtp_close(struct conn *c)
{
	struct smtp *s = c->ps;
	if (s != NULL)
		smtp_reset_txn(c, s);
}

const struct service service_smtp = {
	.name = "smtp",
	.state_size = sizeof(struct smtp),
	.max_line = SMTP_MAX_COMMAND_LINE,
	.idle_timeout_ms = SMTP_IDLE_TIMEOUT_MS,
	.on_open = smtp_open,
	.on_line = smtp_line,
	.on_overflow = smtp_overflow,
	.on_timeout = smtp_timeout,
	.on_shutdown = smtp_shutdown,
	.on_close = smtp_close,
};
