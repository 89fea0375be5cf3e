/*
 * fuzz_pop3_reply.c: seal's POP3 client (client/proto/pop3_client.c, through
 * client/batch.c) reading responses from a fuzzed server: status lines,
 * the multi-line responses of CAPA, LIST, UIDL, RETR, TOP and AUTH up to
 * the lone ".", the "+ " continuation of AUTH PLAIN (the next line is a
 * secret) and a refused login. The first input byte picks a user script;
 * the rest is the server's byte stream. Each line also goes to
 * pop3_client_status() and pop3_client_unstuff(), which the TUI uses.
 */
#include "client_dialogue.h"
#include "fuzzlib.h"
#include "pop3_client.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct dialogue_script pop3_scripts[] = {
	{ 1, "STAT\nLIST\nUIDL\nRETR 1\nTOP 1 2\nCAPA\nQUIT\n" },
	{ 0, "CAPA\nAUTH\nAUTH PLAIN\nAGFsaWNlAHdvbmRlcmxhbmQtNw==\nLIST 1\nDELE 1\n" },
	{ 0, "USER alice\nPASS wonderland-7\nAUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQtNw==\nRETR 2\n" },
	{ 1, "" },
	{ 1, "UIDL 1\nRSET\nNOOP\nLIST\nquit\n" },
};

static void
pop3_line(const char *line)
{
	const char *text, *out;
	size_t n = strlen(line);

	pop3_client_status(line, &text);
	FUZZ_CHECK(text >= line && text <= line + n, "status text out of the line");
	pop3_client_unstuff(line, &out);
	FUZZ_CHECK(out == line || out == line + 1 || strcmp(out, "") == 0, "unstuffed badly");
	pop3_client_multiline(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dialogue_run(&pop3_client_proto, pop3_scripts, sizeof pop3_scripts / sizeof pop3_scripts[0],
	             pop3_line, data, size);
	return 0;
}
