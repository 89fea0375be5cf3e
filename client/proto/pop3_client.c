/*
 * pop3_client.c: seal's POP3 dialogue rules (see pop3_client.h). State is a
 * struct pop3_client per connection; the functions of the table below are
 * its only writers. Pure string work, no I/O; one thread per connection.
 */
#include "pop3_client.h"
#include "proto_defaults.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define POP3_OK   "+OK"
#define POP3_ERR  "-ERR"
#define POP3_CONT "+"

/* 1 when LINE starts with WORD, then a space or its end. */
static int
pop3_word_is(const char *line, const char *word, int any_case)
{
	size_t n = strlen(word);
	int same = any_case ? strncasecmp(line, word, n) == 0 : strncmp(line, word, n) == 0;

	return same && (line[n] == '\0' || line[n] == ' ');
}

/* The text after the first word of LINE. */
static const char *
pop3_after_word(const char *line)
{
	const char *p = line + strcspn(line, " ");
	return p + strspn(p, " ");
}

enum pop3_status
pop3_client_status(const char *line, const char **text)
{
	enum pop3_status st = POP3_STATUS_OTHER;

	if (pop3_word_is(line, POP3_OK, 0))
		st = POP3_STATUS_OK;
	else if (pop3_word_is(line, POP3_ERR, 0))
		st = POP3_STATUS_ERR;
	else if (pop3_word_is(line, POP3_CONT, 0))
		st = POP3_STATUS_CONT;
	if (text != NULL)
		*text = st == POP3_STATUS_OTHER ? line : pop3_after_word(line);
	return st;
}

int
pop3_client_multiline(const char *line)
{
	int bare = *pop3_after_word(line) == '\0';

	if (pop3_word_is(line, "RETR", 1) || pop3_word_is(line, "TOP", 1) ||
	    pop3_word_is(line, "CAPA", 1))
		return 1;
	return bare && (pop3_word_is(line, "LIST", 1) || pop3_word_is(line, "UIDL", 1) ||
	                pop3_word_is(line, "AUTH", 1));
}

int
pop3_client_unstuff(const char *line, const char **out)
{
	if (strcmp(line, ".") == 0) {
		*out = "";
		return 1;
	}
	*out = line[0] == '.' ? line + 1 : line;
	return 0;
}

static void
pop3_init(void *st)
{
	memset(st, 0, sizeof(struct pop3_client));
}

/* "VERB secret..." -> "VERB ********" (AUTH keeps its mechanism) in
 * pc->shown; LINE itself when nothing secret follows. */
static const char *
pop3_mask(struct pop3_client *pc, const char *line, int keep_words)
{
	const char *p = line;

	for (int i = 0; i < keep_words; i++) {
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	if (*p == '\0')
		return line;
	snprintf(pc->shown, sizeof pc->shown, "%.*s%s%s", (int)(p - line), line,
	         p[-1] == ' ' ? "" : " ", CLIENT_MASK);
	return pc->shown;
}

static int
pop3_command(void *st, const char *line, const char **shown)
{
	struct pop3_client *pc = st;

	*shown = line;
	pc->expect_multi = pop3_client_multiline(line);
	if (pc->challenge) {
		pc->challenge = 0;
		pc->expect_multi = 0;
		*shown = CLIENT_MASK;
	} else if (pop3_word_is(line, "PASS", 1)) {
		pc->in_auth = 1;
		*shown = pop3_mask(pc, line, 1);
	} else if (pop3_word_is(line, "AUTH", 1)) {
		pc->in_auth = *pop3_after_word(line) != '\0';
		*shown = pop3_mask(pc, line, 2);
	} else if (pop3_word_is(line, "QUIT", 1)) {
		pc->quit_sent = 1;
	}
	return 1;
}

/* What a whole reply (its status in pc->status) does to the dialogue. */
static void
pop3_reply_done(struct pop3_client *pc)
{
	if (!pc->in_auth)
		return;
	if (pc->status == POP3_STATUS_CONT) {
		pc->challenge = 1;
		return;
	}
	pc->in_auth = 0;
	pc->challenge = 0;
	pc->auth_failed = pc->status != POP3_STATUS_OK;
	if (pc->auth_failed)
		snprintf(pc->fail_text, sizeof pc->fail_text, "%s", pc->text);
}

static int
pop3_reply_line(void *st, const char *line)
{
	struct pop3_client *pc = st;
	const char *text;

	if (pc->in_multi) {
		if (strcmp(line, ".") != 0)
			return 0;
		pc->in_multi = 0;
		return 1;
	}
	pc->status = pop3_client_status(line, &text);
	snprintf(pc->text, sizeof pc->text, "%s", text);
	if (pc->status == POP3_STATUS_OK && pc->expect_multi) {
		pc->expect_multi = 0;
		pc->in_multi = 1;
		return 0;
	}
	pc->expect_multi = 0;
	pop3_reply_done(pc);
	return 1;
}

static int
pop3_login_next(void *st, const char *user, const char *pass, char *out, size_t len)
{
	struct pop3_client *pc = st;
	int n;

	switch (pc->login_step++) {
	case 0:
		n = snprintf(out, len, "USER %s", user);
		break;
	case 1:
		if (pc->status != POP3_STATUS_OK) {
			snprintf(pc->fail_text, sizeof pc->fail_text, "USER refused: %.*s",
			         (int)(sizeof pc->fail_text - sizeof "USER refused: "), pc->text);
			pc->auth_failed = 1;
			return 0;
		}
		n = snprintf(out, len, "PASS %s", pass);
		break;
	default:
		return 0;
	}
	if (n < 0 || (size_t)n >= len) {
		snprintf(pc->fail_text, sizeof pc->fail_text, "user name or password too long");
		pc->auth_failed = 1;
		explicit_bzero(out, len);
		return 0;
	}
	return 1;
}

static int
pop3_in_body(const void *st)
{
	(void)st;
	return 0;                        /* a POP3 client never sends text unanswered */
}

static int
pop3_quit_sent(const void *st)
{
	return ((const struct pop3_client *)st)->quit_sent;
}

static const char *
pop3_auth_failure(const void *st)
{
	const struct pop3_client *pc = st;
	return pc->auth_failed ? pc->fail_text : NULL;
}

const struct client_proto pop3_client_proto = {
	.name         = "pop3",
	.state_size   = sizeof(struct pop3_client),
	.quit         = "QUIT",
	.init         = pop3_init,
	.command      = pop3_command,
	.reply_line   = pop3_reply_line,
	.login_next   = pop3_login_next,
	.in_body      = pop3_in_body,
	.quit_sent    = pop3_quit_sent,
	.auth_failure = pop3_auth_failure,
};
