/* test_smtp_parse.c: SMTP verbs, paths and parameters, AUTH decoding, redaction. */
#include "unit.h"
#include "smtp_parse.h"

UNIT_TEST(smtp_verb_upcases_and_splits_args)
{
	char line[] = "mail FROM:<a@b>  SIZE=10", verb[16], *args;
	CHECK(smtp_parse_verb(line, verb, sizeof verb, &args) == 0);
	CHECK_STR(verb, "MAIL");
	CHECK_STR(args, "FROM:<a@b>  SIZE=10");
	char noargs[] = "QUIT";
	CHECK(smtp_parse_verb(noargs, verb, sizeof verb, &args) == 0);
	CHECK_STR(args, "");
	char empty[] = " NOOP";
	CHECK(smtp_parse_verb(empty, verb, sizeof verb, &args) == -1);
	char longverb[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	CHECK(smtp_parse_verb(longverb, verb, sizeof verb, &args) == -1);
}

UNIT_TEST(smtp_path_with_params)
{
	struct smtp_path p;
	CHECK(smtp_parse_path("FROM:<alice@localhost> SIZE=1234 BODY=8BITMIME", "FROM:", &p) == 0);
	CHECK_STR(p.addr, "alice@localhost");
	CHECK_INT(p.size, 1234);
	CHECK_INT(p.bad_param, 0);
	CHECK(smtp_parse_path("from: <> ", "FROM:", &p) == 0);
	CHECK_STR(p.addr, "");
	CHECK(smtp_parse_path("TO:<bob@localhost> FOO=1", "TO:", &p) == 0);
	CHECK_INT(p.bad_param, 1);
	CHECK(smtp_parse_path("FROM:<a@b> SIZE=-1", "FROM:", &p) == 0);
	CHECK_INT(p.bad_param, 1);
	CHECK(smtp_parse_path("FROM:<a@b> SIZE=99999999999999999999999", "FROM:", &p) == 0);
	CHECK_INT(p.bad_param, 1);
}

UNIT_TEST(smtp_path_syntax_errors)
{
	struct smtp_path p;
	CHECK(smtp_parse_path("FROM:alice@localhost", "FROM:", &p) == -1);
	CHECK(smtp_parse_path("FROM:<alice@localhost", "FROM:", &p) == -1);
	CHECK(smtp_parse_path("TO:<a b@c>", "TO:", &p) == -1);
	CHECK(smtp_parse_path("FROM:<a@b>", "TO:", &p) == -1);
	CHECK(smtp_parse_path("FROM:<a@b>x", "FROM:", &p) == -1);
	char big[400];
	memset(big, 'a', sizeof big);
	memcpy(big, "TO:<", 4);
	big[sizeof big - 2] = '>';
	big[sizeof big - 1] = '\0';
	CHECK(smtp_parse_path(big, "TO:", &p) == -1);
}

UNIT_TEST(smtp_split_address_parts)
{
	char l[65], d[257];
	CHECK(smtp_split_address("bob@localhost", l, sizeof l, d, sizeof d) == 0);
	CHECK_STR(l, "bob");
	CHECK_STR(d, "localhost");
	CHECK(smtp_split_address("bob", l, sizeof l, d, sizeof d) == -1);
	CHECK(smtp_split_address("@x", l, sizeof l, d, sizeof d) == -1);
	CHECK(smtp_split_address("x@", l, sizeof l, d, sizeof d) == -1);
}

UNIT_TEST(smtp_decode_plain_forms)
{
	char u[65], pw[257];
	/* "\0alice\0secret" */
	CHECK(smtp_decode_plain("AGFsaWNlAHNlY3JldA==", u, sizeof u, pw, sizeof pw) == 0);
	CHECK_STR(u, "alice");
	CHECK_STR(pw, "secret");
	/* "alice\0alice\0secret": authzid equal to authcid is fine */
	CHECK(smtp_decode_plain("YWxpY2UAYWxpY2UAc2VjcmV0", u, sizeof u, pw, sizeof pw) == 0);
	/* "bob\0alice\0secret": acting for someone else is refused */
	CHECK(smtp_decode_plain("Ym9iAGFsaWNlAHNlY3JldA==", u, sizeof u, pw, sizeof pw) == -1);
	/* "alice" alone, no NULs */
	CHECK(smtp_decode_plain("YWxpY2U=", u, sizeof u, pw, sizeof pw) == -1);
	/* "\0alice\0" empty password */
	CHECK(smtp_decode_plain("AGFsaWNlAA==", u, sizeof u, pw, sizeof pw) == -1);
	CHECK(smtp_decode_plain("!!!notbase64", u, sizeof u, pw, sizeof pw) == -1);
	CHECK(smtp_decode_plain("", u, sizeof u, pw, sizeof pw) == -1);
}

UNIT_TEST(smtp_decode_login_text)
{
	char out[65];
	CHECK(smtp_decode_b64_text("YWxpY2U=", out, sizeof out) == 0);
	CHECK_STR(out, "alice");
	CHECK(smtp_decode_b64_text("AGE=", out, sizeof out) == -1); /* "\0a" */
	CHECK(smtp_decode_b64_text("", out, sizeof out) == -1);
}

UNIT_TEST(smtp_header_names)
{
	CHECK(smtp_header_is("Message-ID: <x@y>", "Message-ID"));
	CHECK(smtp_header_is("message-id:<x@y>", "Message-ID"));
	CHECK(!smtp_header_is("Message-IDs: x", "Message-ID"));
	CHECK(!smtp_header_is("Dated: x", "Date"));
}

UNIT_TEST(smtp_redacts_auth_payloads)
{
	char out[128];
	smtp_redact_auth("AUTH PLAIN AGFsaWNlAHNlY3JldA==", out, sizeof out);
	CHECK_STR(out, "AUTH PLAIN ********");
	smtp_redact_auth("auth login YWxpY2U=", out, sizeof out);
	CHECK_STR(out, "auth login ********");
	smtp_redact_auth("AUTH PLAIN", out, sizeof out);
	CHECK_STR(out, "AUTH PLAIN");
	smtp_redact_auth("MAIL FROM:<a@b>", out, sizeof out);
	CHECK_STR(out, "MAIL FROM:<a@b>");
}

UNIT_TEST(smtp_redacts_auth_after_any_separator)
{
	static const char *const in[][2] = {
		{ "AUTH\tPLAIN\tAGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "AUTH PLAIN\tAGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "auth\tlogin YWxpY2U=", "auth login ********" },
		{ "Auth  Plain  AGFsaWNlAHNlY3JldA==", "Auth Plain ********" },
		{ "AUTH\x0cPLAIN\x01AGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "AUTH\tAGFsaWNlAHNlY3JldA==", "AUTH ********" },   /* not a mechanism name */
		{ "AUTH\tLOGIN", "AUTH LOGIN" },
		{ "AUTH\t", "AUTH ********" },
		{ "AUTH PLAIN \x08", "AUTH PLAIN ********" },          /* decoded, so secret */
		{ "AUTHX PLAIN x", "AUTHX PLAIN x" },
		{ "EHLO\tx", "EHLO\tx" },
	};
	char out[128];

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		smtp_redact_auth(in[i][0], out, sizeof out);
		CHECK_STR(out, in[i][1]);
	}
}
