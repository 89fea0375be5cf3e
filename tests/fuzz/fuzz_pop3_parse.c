/*
 * fuzz_pop3_parse.c: server/pop3_parse.c on one client line: the keyword
 * and arguments, message numbers (one and two, as LIST and TOP take them)
 * and the redaction for the log. Checks that a PASS argument or an AUTH
 * initial response, which the server treats as secrets, never reaches the
 * log unmasked.
 */
#include "fuzzlib.h"
#include "log.h"
#include "pop3_parse.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MASK      "********"
#define NUMS_MAX  2
#define MECH      "PLAIN"          /* the one SASL mechanism pop3_auth.c decodes */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What pop3_auth.c takes as secret in LINE, or NULL. */
static const char *
pop3_secret(const char *verb, const char *args)
{
	if (strcmp(verb, "PASS") == 0)
		return *args != '\0' ? args : NULL;
	if (strcmp(verb, "AUTH") != 0)
		return NULL;
	const char *ir = strchr(args, ' ');
	if (ir == NULL || (size_t)(ir - args) != strlen(MECH) || strncasecmp(args, MECH, strlen(MECH)) != 0)
		return NULL;                     /* only PLAIN's response is decoded */
	ir += strspn(ir, " ");
	return *ir != '\0' ? ir : NULL;
}

static void
check_redaction(const char *line, const char *verb, const char *args)
{
	char shown[LOG_LINE_MAX];
	const char *secret = pop3_secret(verb, args);

	pop3_redact(line, shown, sizeof shown);
	if (secret != NULL)
		FUZZ_CHECK(fuzz_masked(shown, (size_t)(secret - line), MASK),
		           "a POP3 secret reached the log");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_strndup(data, size);
	char verb[POP3_VERB_MAX];

	line[strcspn(line, "\n")] = '\0';       /* a line, as linebuf hands it over */
	const char *args;
	unsigned long v[NUMS_MAX];

	if (pop3_parse_command(line, verb, sizeof verb, &args) == 0) {
		FUZZ_CHECK(verb[0] != '\0' && args >= line && args <= line + strlen(line),
		           "keyword or arguments out of the line");
		check_redaction(line, verb, args);
		FUZZ_CHECK(pop3_parse_numbers(args, v, 1) <= 1, "more numbers than asked");
		FUZZ_CHECK(pop3_parse_numbers(args, v, NUMS_MAX) <= NUMS_MAX, "more numbers than asked");
	}
	pop3_parse_numbers(line, v, NUMS_MAX);
	free(line);
	return 0;
}
