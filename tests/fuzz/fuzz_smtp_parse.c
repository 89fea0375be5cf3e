/*
 * fuzz_smtp_parse.c: server/smtp_parse.c on one client line: the verb, the
 * MAIL FROM / RCPT TO paths and their parameters, the address split, the
 * AUTH PLAIN and AUTH LOGIN decoders (common/sasl.c), header names, and the
 * redaction of AUTH lines for the log. Checks what the callers rely on:
 * decoded names and passwords fit and hold no NUL, a decoded PLAIN message
 * encoded again (as a client would) decodes to the same, and an AUTH line
 * whose initial response the server would decode never reaches the log
 * unmasked.
 */
#include "fuzzlib.h"
#include "defaults.h"
#include "log.h"
#include "sasl.h"
#include "smtp_parse.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VERB_MAX  16                 /* as smtp.c's SMTP_VERB_MAX */
#define MASK      "********"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_path(const char *line, const char *prefix)
{
	struct smtp_path p;
	char local[SMTP_MAX_ADDRESS + 1], domain[SMTP_MAX_ADDRESS + 1];

	if (smtp_parse_path(line, prefix, &p) == -1)
		return;
	FUZZ_CHECK(strlen(p.addr) <= SMTP_MAX_ADDRESS, "path longer than its bound");
	FUZZ_CHECK(p.size >= -1, "negative SIZE");
	if (smtp_split_address(p.addr, local, sizeof local, domain, sizeof domain) == 0)
		FUZZ_CHECK(local[0] != '\0' && domain[0] != '\0', "empty address part");
}

static void
check_decoders(const char *text)
{
	char user[USER_NAME_MAX + 1], pass[PASSWORD_MAX + 1], out[PASSWORD_MAX + 1];

	char again[SASL_PLAIN_B64_MAX], user2[USER_NAME_MAX + 1], pass2[PASSWORD_MAX + 1];

	if (sasl_plain_decode(text, user, sizeof user, pass, sizeof pass) == 0) {
		FUZZ_CHECK(user[0] != '\0' && pass[0] != '\0' && strlen(user) <= USER_NAME_MAX &&
		           strlen(pass) <= PASSWORD_MAX, "AUTH PLAIN decoded out of bounds");
		/* what a client encodes of it decodes to the same (sasl_plain_encode) */
		FUZZ_CHECK(sasl_plain_encode("", user, pass, again, sizeof again) == 0 &&
		           sasl_plain_decode(again, user2, sizeof user2, pass2, sizeof pass2) == 0 &&
		           strcmp(user, user2) == 0 && strcmp(pass, pass2) == 0,
		           "AUTH PLAIN does not survive encode and decode");
	}
	if (sasl_login_decode(text, out, sizeof out) == 0)
		FUZZ_CHECK(out[0] != '\0' && strlen(out) <= PASSWORD_MAX, "AUTH LOGIN decoded badly");
	sasl_login_decode(text, user, sizeof user);
}

/* The server decodes an initial response when the verb is AUTH, the
 * mechanism PLAIN or LOGIN and a word follows it (smtp_auth.c); then the
 * log must show the mask. */
static void
check_redaction(char *line)
{
	char shown[LOG_LINE_MAX], verb[VERB_MAX], *args;
	char *copy = strdup(line);

	if (copy == NULL)
		abort();
	smtp_redact_auth(line, shown, sizeof shown);
	if (smtp_parse_verb(copy, verb, sizeof verb, &args) == 0 && strcmp(verb, "AUTH") == 0) {
		char *ir = strchr(args, ' ');
		size_t mlen = ir ? (size_t)(ir - args) : strlen(args);
		while (ir != NULL && *ir == ' ')
			ir++;
		int decoded = (mlen == strlen("PLAIN") && strncasecmp(args, "PLAIN", mlen) == 0) ||
		              (mlen == strlen("LOGIN") && strncasecmp(args, "LOGIN", mlen) == 0);
		if (decoded && ir != NULL && *ir != '\0' && strcmp(ir, "=") != 0)
			FUZZ_CHECK(fuzz_masked(shown, (size_t)(ir - copy), MASK),
			           "an AUTH initial response reached the log");
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char verb[VERB_MAX], *args;
	char *line = fuzz_strndup(data, size);

	line[strcspn(line, "\n")] = '\0';       /* a line, as linebuf hands it over */
	check_redaction(line);
	check_path(line, "FROM:");
	check_path(line, "TO:");
	check_decoders(line);
	smtp_header_is(line, "Message-ID");
	if (smtp_parse_verb(line, verb, sizeof verb, &args) == 0) {
		FUZZ_CHECK(verb[0] != '\0' && strlen(verb) < sizeof verb, "verb out of bounds");
		check_path(args, "FROM:");
		check_decoders(args);
	}
	free(line);
	return 0;
}
