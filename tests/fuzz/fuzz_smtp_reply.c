/*
 * fuzz_smtp_reply.c: seal's SMTP client (client/proto/smtp_client.c, through
 * client/batch.c) reading replies from a fuzzed server: multi-line replies
 * ("250-" ... "250 "), the 334 challenges of AUTH (the next line is a
 * secret), DATA's 354 and the login's refusal. The first input byte picks a
 * user script; the rest is the server's byte stream. Each line also goes to
 * smtp_client_parse(), which the TUI uses directly.
 */
#include "client_dialogue.h"
#include "fuzzlib.h"
#include "smtp_client.h"

#include <string.h>

#define SMTP_CODE_MAX 999

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct dialogue_script smtp_scripts[] = {
	{ 1, "MAIL FROM:<alice@example.test>\nRCPT TO:<bob@example.test>\nDATA\n"
	     "Subject: hi\n\n.stuffed\nbody\n.\nQUIT\n" },
	{ 0, "EHLO seal\nAUTH LOGIN\nYWxpY2U=\nd29uZGVybGFuZC03\nNOOP\n" },
	{ 0, "EHLO seal\nAUTH PLAIN\nAGFsaWNlAHdvbmRlcmxhbmQtNw==\nDATA\nbody\n.\nRSET\n" },
	{ 1, "" },
	{ 0, "HELO seal\nAUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQtNw==\nHELP\nquit\n" },
};

static void
smtp_line(const char *line)
{
	int code, last;
	const char *text;

	if (smtp_client_parse(line, &code, &last, &text) == 0)
		FUZZ_CHECK(code >= 0 && code <= SMTP_CODE_MAX && text >= line &&
		           text <= line + strlen(line), "reply parsed out of the line");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dialogue_run(&smtp_client_proto, smtp_scripts, sizeof smtp_scripts / sizeof smtp_scripts[0],
	             smtp_line, data, size);
	return 0;
}
