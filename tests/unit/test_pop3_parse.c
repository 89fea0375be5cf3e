/* test_pop3_parse.c: POP3 command lines: keyword and arguments, message
 * numbers, and the log's masking of PASS and AUTH secrets. */
#include "unit.h"
#include "pop3_parse.h"

UNIT_TEST(pop3_parse_command_splits_keyword_and_args)
{
	char verb[POP3_VERB_MAX];
	const char *args;

	CHECK_INT(pop3_parse_command("retr 12", verb, sizeof verb, &args), 0);
	CHECK_STR(verb, "RETR");
	CHECK_STR(args, "12");
	CHECK_INT(pop3_parse_command("STAT", verb, sizeof verb, &args), 0);
	CHECK_STR(verb, "STAT");
	CHECK_STR(args, "");
	/* PASS keeps spaces: one space ends the keyword, the rest is the argument */
	CHECK_INT(pop3_parse_command("PASS  two words ", verb, sizeof verb, &args), 0);
	CHECK_STR(args, " two words ");
	CHECK_INT(pop3_parse_command("", verb, sizeof verb, &args), -1);
	CHECK_INT(pop3_parse_command(" STAT", verb, sizeof verb, &args), -1);
	CHECK_INT(pop3_parse_command("TOOLONGVERB 1", verb, sizeof verb, &args), -1);
	CHECK_INT(pop3_parse_command("RE\tTR 1", verb, sizeof verb, &args), -1);
	CHECK_INT(pop3_parse_command("R\xc3\xa9TR", verb, sizeof verb, &args), -1);
}

UNIT_TEST(pop3_parse_numbers_accepts_digits_only)
{
	unsigned long v[2] = { 0, 0 };

	CHECK_INT(pop3_parse_numbers("", v, 1), 0);
	CHECK_INT(pop3_parse_numbers("   ", v, 1), 0);
	CHECK_INT(pop3_parse_numbers("7", v, 1), 1);
	CHECK_INT(v[0], 7);
	CHECK_INT(pop3_parse_numbers("3 0", v, 2), 2);
	CHECK_INT(v[0], 3);
	CHECK_INT(v[1], 0);
	CHECK_INT(pop3_parse_numbers(" 3  10 ", v, 2), 2);
	CHECK_INT(v[1], 10);
	CHECK_INT(pop3_parse_numbers("3 4", v, 1), -1);      /* too many */
	CHECK_INT(pop3_parse_numbers("-1", v, 1), -1);
	CHECK_INT(pop3_parse_numbers("+1", v, 1), -1);
	CHECK_INT(pop3_parse_numbers("1x", v, 1), -1);
	CHECK_INT(pop3_parse_numbers("x", v, 1), -1);
	CHECK_INT(pop3_parse_numbers("0x10", v, 1), -1);
	CHECK_INT(pop3_parse_numbers("99999999999999999999999", v, 1), -1);
	CHECK_INT(pop3_parse_numbers("18446744073709551616", v, 1), -1);
}

UNIT_TEST(pop3_redact_masks_pass_and_auth)
{
	char out[128];

	pop3_redact("PASS secret words", out, sizeof out);
	CHECK_STR(out, "PASS ********");
	pop3_redact("pass x", out, sizeof out);
	CHECK_STR(out, "pass ********");
	pop3_redact("AUTH PLAIN AGFsaWNlAHNlY3JldA==", out, sizeof out);
	CHECK_STR(out, "AUTH PLAIN ********");
	pop3_redact("auth plain", out, sizeof out);
	CHECK_STR(out, "auth plain");
	pop3_redact("AUTH", out, sizeof out);
	CHECK_STR(out, "AUTH");
	pop3_redact("USER alice", out, sizeof out);
	CHECK_STR(out, "USER alice");
	pop3_redact("PASSWORD x", out, sizeof out);
	CHECK_STR(out, "PASSWORD x");
}

/* Whatever follows the keyword, as long as it ends the keyword: a TAB, two
 * spaces, another control character, a colon; before it, any separators. */
UNIT_TEST(pop3_redact_masks_after_any_separator)
{
	static const char *const in[][2] = {
		{ "PASS\tsecret", "PASS ********" },
		{ "pass  secret", "pass ********" },
		{ "PaSs\x0bsecret", "PaSs ********" },
		{ "PASS\x7fsecret", "PASS ********" },
		{ "PASS:secret", "PASS ********" },
		{ " PASS secret", " PASS ********" },
		{ "PASS\t", "PASS ********" },               /* a password of one TAB */
		{ "PASS \x0b", "PASS ********" },
		{ "AUTH PLAIN \x08", "AUTH PLAIN ********" },
		{ "AUTH\tPLAIN\tAGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "auth plain\tAGFsaWNlAHNlY3JldA==", "auth plain ********" },
		{ "AUTH  PLAIN  AGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "AUTH\tAGFsaWNlAHNlY3JldA==", "AUTH ********" },     /* not a mechanism name */
		{ "AUTH MECHANISM-NAME-LONGER-THAN-20 x", "AUTH ********" },
		{ "AUTH\tPLAIN", "AUTH PLAIN" },
		{ "PASSX secret", "PASSX secret" },
		{ "USER\talice", "USER\talice" },
	};
	char out[128];

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		pop3_redact(in[i][0], out, sizeof out);
		CHECK_STR(out, in[i][1]);
	}
}
