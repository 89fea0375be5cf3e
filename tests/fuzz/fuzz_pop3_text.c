/*
 * fuzz_pop3_text.c: how a Maildir file becomes POP3 text
 * (server/pop3_text.c): the LF-to-CRLF conversion with byte-stuffing for
 * RETR and TOP, the CRLF size that LIST and STAT announce, the unique-id
 * of a file name and its cur/ name. The first input byte picks TOP's body
 * lines and a chunk size; the rest is the message. Checks that a message
 * converted in chunks equals the message converted whole, that the output
 * fits the documented 2 * LEN bytes, that the announced size is what RETR
 * sends (without the stuffing), that unique-ids are 1 to 70 printable
 * characters, and that sizes recorded in a name (",S=...,W=...") read back.
 */
#include "fuzzlib.h"
#include "server_defaults.h"
#include "pop3_text.h"

#include <stdlib.h>
#include <string.h>

#define TOP_LINES_MOD  8           /* TOP n: 0..6, or 7 for RETR */
#define CHUNK_SHIFT    3           /* the rest of the first byte: the chunk size */
#define UID_CHAR_MIN   0x21
#define UID_CHAR_MAX   0x7e
#define NAME_MAX_FUZZ  512         /* the file name part of the input */
#define FLAG_SEEN      'S'
#define SIZED_EXTRA    48          /* ",S=N,W=N" */
#define SIZE_MUL       7919        /* a size that is not the name's length */
#define SIZE_PROBES    4           /* file sizes tried on any name */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Converts MSG in chunks of CHUNK bytes into OUT (room for 2 * LEN + 2).
 * Returns the length; *STUFFED gets the dots added. */
static size_t
convert(const char *msg, size_t len, size_t chunk, long lines, char *out, size_t *stuffed)
{
	struct pop3_text t;
	size_t o = 0, off = 0, used;

	*stuffed = 0;
	pop3_text_init(&t, lines);
	while (off < len && !t.done) {
		size_t n = len - off < chunk ? len - off : chunk;
		size_t got = pop3_text_convert(&t, msg + off, n, out + o, &used);
		FUZZ_CHECK(got <= 2 * n && used <= n, "conversion past its bounds");
		FUZZ_CHECK(used == n || t.done, "input left over before TOP was done");
		for (size_t i = 0; i < got; i++)
			if (out[o + i] == '.' && (o + i == 0 || out[o + i - 1] == '\n') &&
			    i + 1 < got && out[o + i + 1] == '.')
				(*stuffed)++;
		o += got;
		off += used;
	}
	o += pop3_text_finish(&t, out + o);
	return o;
}

static void
check_message(const char *msg, size_t len, unsigned sel)
{
	long lines = sel % TOP_LINES_MOD == TOP_LINES_MOD - 1 ? POP3_TEXT_ALL
	             : (long)(sel % TOP_LINES_MOD);
	size_t chunk = 1 + (sel >> CHUNK_SHIFT), s1, s2;
	char *a = malloc(2 * len + 2), *b = malloc(2 * len + 2);
	struct pop3_size z = { 0 };

	if (a == NULL || b == NULL)
		abort();
	size_t na = convert(msg, len, len ? len : 1, lines, a, &s1);
	size_t nb = convert(msg, len, chunk, lines, b, &s2);
	FUZZ_CHECK(na == nb && memcmp(a, b, na) == 0, "chunked conversion differs from whole");
	for (size_t off = 0; off < len; off += chunk)
		pop3_size_add(&z, msg + off, len - off < chunk ? len - off : chunk);
	if (lines == POP3_TEXT_ALL)
		FUZZ_CHECK(pop3_size_total(&z) == na - s1, "announced size is not what RETR sends");
	free(a);
	free(b);
}

/* Sizes appended to any name read back (whatever the name held before);
 * a name's size, if it has one, is the same each time. */
static void
check_sized_name(const char *name)
{
	char sized[NAME_MAX_FUZZ + SIZED_EXTRA];
	uint64_t w = 0, w2 = 0, s = (uint64_t)strlen(name) * SIZE_MUL;

	if (strchr(name, ':') == NULL &&
	    pop3_text_sized_name(name, s, s + 1, sized, sizeof sized) == 0) {
		FUZZ_CHECK(pop3_text_name_size(sized, s, &w) == 0, "a sized name was not read back");
		FUZZ_CHECK(w == s + 1, "a sized name read back the wrong size");
	}
	for (uint64_t fs = 0; fs < SIZE_PROBES; fs++)
		if (pop3_text_name_size(name, fs, &w) == 0)
			FUZZ_CHECK(pop3_text_name_size(name, fs, &w2) == 0 && w == w2,
			           "the size of a name changed");
}

static void
check_name(const char *name)
{
	char uid[POP3_UID_MAX + 1], cur[NAME_MAX_FUZZ + 8];

	if (pop3_text_uid(name, uid, sizeof uid) == 0) {
		size_t n = strlen(uid);
		FUZZ_CHECK(n >= 1 && n <= POP3_UID_MAX, "unique-id length");
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK((unsigned char)uid[i] >= UID_CHAR_MIN &&
			           (unsigned char)uid[i] <= UID_CHAR_MAX, "unique-id character");
	}
	if (pop3_text_cur_name(name, FLAG_SEEN, cur, sizeof cur) == 0)
		FUZZ_CHECK(strncmp(cur, name, strcspn(name, ":")) == 0, "cur/ name lost the name");
	pop3_text_cur_name(name, 0, cur, sizeof cur);
	check_sized_name(name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char *msg = fuzz_strndup(data + 1, size - 1);
	check_message(msg, size - 1, data[0]);
	if (size - 1 < NAME_MAX_FUZZ)
		check_name(msg);
	free(msg);
	return 0;
}
