/*
 * fuzz_pins.c: seal's known_servers file (client/net/pins.c): the input is the
 * file. Each of its lines goes to pins_parse_line(); then pins_check() for
 * a server, pins_store() of a new fingerprint for it (the atomic rewrite),
 * and pins_check() again. Checks that a parsed entry has a "host:port" and
 * a fingerprint, and that a stored pin is found afterwards: whatever the
 * file held, the rewrite must keep it readable and the new pin in it.
 */
#include "fuzzlib.h"
#include "pins.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SERVER "localhost:8465"
#define FP     "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:" \
               "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_lines(char *text)
{
	struct pin_line pl;

	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (pins_parse_line(line, &pl) == 1)
			FUZZ_CHECK(strchr(pl.server, ':') != NULL && pl.fingerprint[0] != '\0',
			           "pin entry without server or fingerprint");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[PATH_MAX];
	char old[PINS_LINE_MAX], err[PINS_ERR_MAX];
	char *text = fuzz_strndup(data, size);

	if (path[0] == '\0')
		snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), PINS_FILE_NAME);
	check_lines(text);
	fuzz_write_file(path, data, size);
	chmod(path, PINS_FILE_MODE);
	pins_check(path, SERVER, FP, old, sizeof old, err, sizeof err);
	if (pins_store(path, SERVER, FP, err, sizeof err) == 0)
		FUZZ_CHECK(pins_check(path, SERVER, FP, old, sizeof old, err, sizeof err) == PIN_MATCH,
		           "a stored pin is not found");
	pins_same_fingerprint(text, FP);
	free(text);
	return 0;
}
