/* test_client_smtp.c: seal's SMTP client rules: reply completion, masking of
 * AUTH secrets, the DATA body and the automatic login. */
#include "unit.h"
#include "defaults.h"
#include "proto.h"
#include "smtp_client.h"

static const struct client_proto *P = &smtp_client_proto;

UNIT_TEST(client_smtp_parse_reply_lines)
{
	const char *text;
	int code, last;

	CHECK_INT(smtp_client_parse("250-PIPELINING", &code, &last, &text), 0);
	CHECK_INT(code, 250);
	CHECK_INT(last, 0);
	CHECK_STR(text, "PIPELINING");
	CHECK_INT(smtp_client_parse("221 2.0.0 Bye", &code, &last, &text), 0);
	CHECK_INT(code, 221);
	CHECK_INT(last, 1);
	CHECK_STR(text, "2.0.0 Bye");
	CHECK_INT(smtp_client_parse("354", &code, &last, &text), 0);
	CHECK_INT(last, 1);
	CHECK_STR(text, "");
	CHECK_INT(smtp_client_parse("25 x", &code, &last, &text), -1);
	CHECK_INT(smtp_client_parse("2500 x", &code, &last, &text), -1);
	CHECK_INT(smtp_client_parse("", &code, &last, &text), -1);
}

UNIT_TEST(client_smtp_multiline_reply_completes_on_space)
{
	struct smtp_client sc;

	P->init(&sc);
	CHECK_INT(P->reply_line(&sc, "250-localhost"), 0);
	CHECK_INT(P->reply_line(&sc, "250-SIZE 67108864"), 0);
	CHECK_INT(P->reply_line(&sc, "250-AUTH PLAIN LOGIN"), 0);
	CHECK_INT(P->reply_line(&sc, "250 8BITMIME"), 1);
	CHECK_INT(sc.code, 250);
	CHECK_INT(P->reply_line(&sc, "221"), 1);
	/* a line that is no reply at all ends the reply rather than hang */
	CHECK_INT(P->reply_line(&sc, "garbage"), 1);
	CHECK_INT(sc.code, 0);
}

UNIT_TEST(client_smtp_masks_auth_initial_responses)
{
	struct smtp_client sc;
	const char *shown;

	P->init(&sc);
	CHECK_INT(P->command(&sc, "AUTH PLAIN AGFsaWNlAHNlY3JldA==", &shown), 1);
	CHECK_STR(shown, "AUTH PLAIN ********");
	CHECK_INT(P->reply_line(&sc, "235 2.7.0 ok"), 1);
	CHECK_INT(P->command(&sc, "auth login YWxpY2U=", &shown), 1);
	CHECK_STR(shown, "auth login ********");
	P->reply_line(&sc, "235 2.7.0 ok");
	CHECK_INT(P->command(&sc, "AUTH LOGIN", &shown), 1);
	CHECK_STR(shown, "AUTH LOGIN");
	CHECK(P->auth_failure(&sc) == NULL);
}

UNIT_TEST(client_smtp_masks_answers_to_challenges)
{
	struct smtp_client sc;
	const char *shown;

	P->init(&sc);
	P->command(&sc, "AUTH LOGIN", &shown);
	CHECK_INT(P->reply_line(&sc, "334 VXNlcm5hbWU6"), 1);
	P->command(&sc, "YWxpY2U=", &shown);
	CHECK_STR(shown, "********");
	P->reply_line(&sc, "334 UGFzc3dvcmQ6");
	P->command(&sc, "c2VjcmV0", &shown);
	CHECK_STR(shown, "********");
	P->reply_line(&sc, "535 5.7.8 Authentication credentials invalid");
	CHECK_STR(P->auth_failure(&sc), "5.7.8 Authentication credentials invalid");
	/* after the exchange, lines are shown again */
	P->command(&sc, "NOOP", &shown);
	CHECK_STR(shown, "NOOP");
}

UNIT_TEST(client_smtp_data_body_goes_unanswered)
{
	struct smtp_client sc;
	const char *shown;

	P->init(&sc);
	CHECK_INT(P->command(&sc, "DATA", &shown), 1);
	P->reply_line(&sc, "354 End data with <CR><LF>.<CR><LF>");
	CHECK_INT(P->in_body(&sc), 1);
	CHECK_INT(P->command(&sc, "Subject: AUTH PLAIN x", &shown), 0);
	CHECK_STR(shown, "Subject: AUTH PLAIN x");
	CHECK_INT(P->command(&sc, "..leading dot", &shown), 0);
	CHECK_INT(P->command(&sc, "QUIT", &shown), 0);
	CHECK_INT(P->quit_sent(&sc), 0);
	CHECK_INT(P->command(&sc, ".", &shown), 1);
	CHECK_INT(P->in_body(&sc), 0);
	P->reply_line(&sc, "250 2.0.0 queued");
	CHECK_INT(P->command(&sc, "quit", &shown), 1);
	CHECK_INT(P->quit_sent(&sc), 1);
}

UNIT_TEST(client_smtp_refused_data_stays_in_commands)
{
	struct smtp_client sc;
	const char *shown;

	P->init(&sc);
	P->command(&sc, "DATA", &shown);
	P->reply_line(&sc, "503 5.5.1 need RCPT first");
	CHECK_INT(P->in_body(&sc), 0);
	CHECK_INT(P->command(&sc, "RSET", &shown), 1);
}

UNIT_TEST(client_smtp_login_sends_ehlo_then_auth_plain)
{
	struct smtp_client sc;
	char line[200];           /* small: CHECK_STR formats it */

	P->init(&sc);
	CHECK_INT(P->login_next(&sc, "alice", "secret", line, sizeof line), 1);
	CHECK_STR(line, "EHLO seal");
	P->reply_line(&sc, "250-localhost");
	P->reply_line(&sc, "250 AUTH PLAIN");
	CHECK_INT(P->login_next(&sc, "alice", "secret", line, sizeof line), 1);
	CHECK_STR(line, "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
	P->reply_line(&sc, "235 2.7.0 Authentication successful");
	CHECK_INT(P->login_next(&sc, "alice", "secret", line, sizeof line), 0);
	CHECK(P->auth_failure(&sc) == NULL);
}

UNIT_TEST(client_smtp_login_stops_when_ehlo_refused)
{
	struct smtp_client sc;
	char line[200];           /* small: CHECK_STR formats it */

	P->init(&sc);
	P->login_next(&sc, "alice", "secret", line, sizeof line);
	P->reply_line(&sc, "554 5.7.1 go away");
	CHECK_INT(P->login_next(&sc, "alice", "secret", line, sizeof line), 0);
	CHECK_STR(P->auth_failure(&sc), "EHLO refused: 5.7.1 go away");
}

/* The AUTH PLAIN line both SMTP and POP3 send (proto_auth_plain over
 * sasl_plain_encode): the credentials' limits are seal's own, and what is
 * refused leaves nothing of them in OUT. */
UNIT_TEST(client_auth_plain_line_and_limits)
{
	char out[PROTO_LINE_MAX], user[USER_NAME_MAX + 2], pass[PASSWORD_MAX + 2];

	CHECK_INT(proto_auth_plain("alice", "secret", out, sizeof out), 0);
	CHECK_STR(out, "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
	CHECK_INT(proto_auth_plain("bob", "", out, sizeof out), 0);
	CHECK_STR(out, "AUTH PLAIN AGJvYgA=");
	memset(user, 'u', sizeof user - 1);
	user[sizeof user - 1] = '\0';
	memset(pass, 'p', sizeof pass - 1);
	pass[sizeof pass - 1] = '\0';
	CHECK_INT(proto_auth_plain(user, "x", out, sizeof out), -1);        /* USER_NAME_MAX + 1 */
	CHECK_STR(out, "");
	CHECK_INT(proto_auth_plain("bob", pass, out, sizeof out), -1);      /* PASSWORD_MAX + 1 */
	user[USER_NAME_MAX] = '\0';
	pass[PASSWORD_MAX] = '\0';
	CHECK_INT(proto_auth_plain(user, pass, out, sizeof out), 0);
	CHECK_INT(proto_auth_plain(user, pass, out, 40), -1);                /* the line too long */
	CHECK_INT(out[0], 0);
}
