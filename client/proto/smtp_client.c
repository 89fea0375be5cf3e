/*
 * smtp_client.c: seal's SMTP dialogue rules (see smtp_client.h). State is a
 * struct smtp_client per connection; the functions of the table below are
 * its only writers. Pure string work, no I/O; one thread per connection.
 */
#include "smtp_client.h"
#include "defaults.h"
#include "proto_defaults.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define SMTP_CODE_DIGITS 3
#define SMTP_CLASS(code) ((code) / 100)
#define SMTP_CLASS_OK    2

int
smtp_client_parse(const char *line, int *code, int *last, const char **text)
{
	for (int i = 0; i < SMTP_CODE_DIGITS; i++)
		if (!isdigit((unsigned char)line[i]))
			return -1;
	char sep = line[SMTP_CODE_DIGITS];
	if (sep != '\0' && sep != ' ' && sep != '-')
		return -1;
	*code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	*last = sep != '-';
	*text = sep == '\0' ? line + SMTP_CODE_DIGITS : line + SMTP_CODE_DIGITS + 1;
	return 0;
}

static void
smtp_init(void *st)
{
	memset(st, 0, sizeof(struct smtp_client));
}

/* 1 when the first word of LINE is VERB (any case). */
static int
smtp_verb_is(const char *line, const char *verb)
{
	size_t n = strlen(verb);

	return strncasecmp(line, verb, n) == 0 && (line[n] == '\0' || line[n] == ' ');
}

/* "AUTH MECH secret" -> "AUTH MECH ********" in sc->shown; LINE itself
 * when there is no initial response. */
static const char *
smtp_mask_auth(struct smtp_client *sc, const char *line)
{
	const char *mech = line + strlen("AUTH");
	mech += strspn(mech, " ");
	size_t mlen = strcspn(mech, " ");
	const char *rest = mech + mlen + strspn(mech + mlen, " ");

	if (*rest == '\0')
		return line;
	snprintf(sc->shown, sizeof sc->shown, "AUTH %.*s %s", (int)mlen, mech, CLIENT_MASK);
	memcpy(sc->shown, line, strlen("AUTH"));           /* keep the user's spelling */
	return sc->shown;
}

static int
smtp_command(void *st, const char *line, const char **shown)
{
	struct smtp_client *sc = st;

	*shown = line;
	if (sc->in_body) {
		if (strcmp(line, ".") != 0)
			return 0;
		sc->in_body = 0;
		return 1;
	}
	if (sc->challenge) {
		sc->challenge = 0;
		*shown = CLIENT_MASK;
		return 1;
	}
	if (smtp_verb_is(line, "AUTH")) {
		sc->in_auth = 1;
		*shown = smtp_mask_auth(sc, line);
	} else if (smtp_verb_is(line, "DATA")) {
		sc->await_data = 1;
	} else if (smtp_verb_is(line, "QUIT")) {
		sc->quit_sent = 1;
	}
	return 1;
}

/* What a whole reply (its code in sc->code) does to the dialogue. */
static void
smtp_reply_done(struct smtp_client *sc)
{
	if (sc->await_data) {
		sc->await_data = 0;
		sc->in_body = sc->code == SMTP_CODE_DATA_GO;
	}
	if (!sc->in_auth)
		return;
	if (sc->code == SMTP_CODE_CHALLENGE) {
		sc->challenge = 1;
		return;
	}
	sc->in_auth = 0;
	sc->challenge = 0;
	if (sc->code == SMTP_CODE_AUTH_FAILED) {
		sc->auth_failed = 1;
		snprintf(sc->fail_text, sizeof sc->fail_text, "%s", sc->text);
	}
}

static int
smtp_reply_line(void *st, const char *line)
{
	struct smtp_client *sc = st;
	const char *text;
	int last;

	if (smtp_client_parse(line, &sc->code, &last, &text) == -1) {
		sc->code = 0;                  /* not a reply line: end the reply here */
		text = line;
		last = 1;
	}
	snprintf(sc->text, sizeof sc->text, "%s", text);
	if (last)
		smtp_reply_done(sc);
	return last;
}

static int
smtp_login_next(void *st, const char *user, const char *pass, char *out, size_t len)
{
	struct smtp_client *sc = st;

	switch (sc->login_step++) {
	case 0:
		snprintf(out, len, "EHLO %s", CLIENT_EHLO_NAME);
		return 1;
	case 1:
		if (SMTP_CLASS(sc->code) != SMTP_CLASS_OK) {
			snprintf(sc->fail_text, sizeof sc->fail_text, "EHLO refused: %.*s",
			         (int)(sizeof sc->fail_text - sizeof "EHLO refused: "), sc->text);
		} else if (proto_auth_plain(user, pass, out, len) == -1) {
			snprintf(sc->fail_text, sizeof sc->fail_text, "user name or password too long");
		} else {
			return 1;
		}
		sc->auth_failed = 1;
		return 0;
	default:
		return 0;
	}
}

static int
smtp_in_body(const void *st)
{
	return ((const struct smtp_client *)st)->in_body;
}

static int
smtp_quit_sent(const void *st)
{
	return ((const struct smtp_client *)st)->quit_sent;
}

static const char *
smtp_auth_failure(const void *st)
{
	const struct smtp_client *sc = st;
	return sc->auth_failed ? sc->fail_text : NULL;
}

const struct client_proto smtp_client_proto = {
	.name         = "smtp",
	.state_size   = sizeof(struct smtp_client),
	.quit         = "QUIT",
	.init         = smtp_init,
	.command      = smtp_command,
	.reply_line   = smtp_reply_line,
	.login_next   = smtp_login_next,
	.in_body      = smtp_in_body,
	.quit_sent    = smtp_quit_sent,
	.auth_failure = smtp_auth_failure,
};
