/* test_client_pop3.c: seal's POP3 client rules: status lines, which replies
 * are multi-line, reply completion, masking of PASS and AUTH secrets, the
 * automatic login and a refused one, byte-unstuffing for display. */
#include "unit.h"
#include "pop3_client.h"

static const struct client_proto *P = &pop3_client_proto;

UNIT_TEST(client_pop3_status_lines)
{
	const char *text;

	CHECK_INT(pop3_client_status("+OK 2 320", &text), POP3_STATUS_OK);
	CHECK_STR(text, "2 320");
	CHECK_INT(pop3_client_status("+OK", &text), POP3_STATUS_OK);
	CHECK_STR(text, "");
	CHECK_INT(pop3_client_status("-ERR [AUTH] no", &text), POP3_STATUS_ERR);
	CHECK_STR(text, "[AUTH] no");
	CHECK_INT(pop3_client_status("+ ", &text), POP3_STATUS_CONT);
	CHECK_INT(pop3_client_status("+OKAY", NULL), POP3_STATUS_OTHER);
	CHECK_INT(pop3_client_status("1 320", NULL), POP3_STATUS_OTHER);
}

UNIT_TEST(client_pop3_multiline_commands)
{
	CHECK_INT(pop3_client_multiline("LIST"), 1);
	CHECK_INT(pop3_client_multiline("list "), 1);
	CHECK_INT(pop3_client_multiline("LIST 1"), 0);
	CHECK_INT(pop3_client_multiline("UIDL"), 1);
	CHECK_INT(pop3_client_multiline("UIDL 2"), 0);
	CHECK_INT(pop3_client_multiline("RETR 1"), 1);
	CHECK_INT(pop3_client_multiline("TOP 1 0"), 1);
	CHECK_INT(pop3_client_multiline("CAPA"), 1);
	CHECK_INT(pop3_client_multiline("AUTH"), 1);
	CHECK_INT(pop3_client_multiline("AUTH PLAIN"), 0);
	CHECK_INT(pop3_client_multiline("STAT"), 0);
	CHECK_INT(pop3_client_multiline("LISTX"), 0);
}

UNIT_TEST(client_pop3_reply_completion)
{
	struct pop3_client pc;
	const char *shown;

	P->init(&pc);
	CHECK_INT(P->reply_line(&pc, "+OK ready"), 1);           /* greeting */
	P->command(&pc, "LIST", &shown);
	CHECK_INT(P->reply_line(&pc, "+OK 2 messages"), 0);
	CHECK_INT(P->reply_line(&pc, "1 120"), 0);
	CHECK_INT(P->reply_line(&pc, "..not the end"), 0);
	CHECK_INT(P->reply_line(&pc, "."), 1);
	P->command(&pc, "RETR 9", &shown);                          /* -ERR: one line */
	CHECK_INT(P->reply_line(&pc, "-ERR no such message"), 1);
	P->command(&pc, "LIST 1", &shown);
	CHECK_INT(P->reply_line(&pc, "+OK 1 120"), 1);
	P->command(&pc, "NOOP", &shown);
	CHECK_INT(P->reply_line(&pc, "+OK"), 1);
	CHECK(P->auth_failure(&pc) == NULL);
}

UNIT_TEST(client_pop3_masks_secrets)
{
	struct pop3_client pc;
	const char *shown;

	P->init(&pc);
	P->command(&pc, "USER alice", &shown);
	CHECK_STR(shown, "USER alice");
	P->reply_line(&pc, "+OK");
	P->command(&pc, "PASS two words", &shown);
	CHECK_STR(shown, "PASS ********");
	P->reply_line(&pc, "-ERR [AUTH] invalid user name or password");
	CHECK_STR(P->auth_failure(&pc), "[AUTH] invalid user name or password");
	P->command(&pc, "auth plain AGFsaWNlAHNlY3JldA==", &shown);
	CHECK_STR(shown, "auth plain ********");
	P->reply_line(&pc, "+OK maildrop has 0 messages");
	CHECK(P->auth_failure(&pc) == NULL);                        /* logged in after all */
	P->init(&pc);
	P->command(&pc, "AUTH PLAIN", &shown);
	CHECK_STR(shown, "AUTH PLAIN");
	CHECK_INT(P->reply_line(&pc, "+ "), 1);
	P->command(&pc, "AGFsaWNlAHNlY3JldA==", &shown);
	CHECK_STR(shown, "********");
	P->reply_line(&pc, "-ERR [AUTH] no");
	CHECK(P->auth_failure(&pc) != NULL);
	P->command(&pc, "STAT", &shown);
	CHECK_STR(shown, "STAT");
}

UNIT_TEST(client_pop3_automatic_login)
{
	struct pop3_client pc;
	char line[PROTO_LINE_MAX];
	const char *shown;

	P->init(&pc);
	P->reply_line(&pc, "+OK ready");
	CHECK_INT(P->login_next(&pc, "alice", "s3cret", line, sizeof line), 1);
	CHECK_STR(line, "USER alice");
	P->command(&pc, line, &shown);
	P->reply_line(&pc, "+OK send PASS");
	CHECK_INT(P->login_next(&pc, "alice", "s3cret", line, sizeof line), 1);
	CHECK_STR(line, "PASS s3cret");
	P->command(&pc, line, &shown);
	CHECK_STR(shown, "PASS ********");
	P->reply_line(&pc, "+OK alice's maildrop has 1 messages (10 octets)");
	CHECK_INT(P->login_next(&pc, "alice", "s3cret", line, sizeof line), 0);
	CHECK(P->auth_failure(&pc) == NULL);
	P->command(&pc, "QUIT", &shown);
	CHECK_INT(P->quit_sent(&pc), 1);
	CHECK_INT(P->in_body(&pc), 0);
}

UNIT_TEST(client_pop3_refused_logins)
{
	struct pop3_client pc;
	char line[PROTO_LINE_MAX];
	const char *shown;

	P->init(&pc);
	P->login_next(&pc, "alice", "bad", line, sizeof line);
	P->command(&pc, line, &shown);
	P->reply_line(&pc, "+OK");
	P->login_next(&pc, "alice", "bad", line, sizeof line);
	P->command(&pc, line, &shown);
	P->reply_line(&pc, "-ERR [IN-USE] maildrop already locked");
	CHECK_STR(P->auth_failure(&pc), "[IN-USE] maildrop already locked");
	CHECK_INT(P->login_next(&pc, "alice", "bad", line, sizeof line), 0);
	P->init(&pc);
	P->login_next(&pc, "alice", "x", line, sizeof line);
	P->command(&pc, line, &shown);
	P->reply_line(&pc, "-ERR no");
	CHECK_INT(P->login_next(&pc, "alice", "x", line, sizeof line), 0);
	CHECK_STR(P->auth_failure(&pc), "USER refused: no");
}

UNIT_TEST(client_pop3_unstuff)
{
	const char *out;

	CHECK_INT(pop3_client_unstuff("..dot", &out), 0);
	CHECK_STR(out, ".dot");
	CHECK_INT(pop3_client_unstuff("plain", &out), 0);
	CHECK_STR(out, "plain");
	CHECK_INT(pop3_client_unstuff("..", &out), 0);
	CHECK_STR(out, ".");
	CHECK_INT(pop3_client_unstuff(".", &out), 1);
}
