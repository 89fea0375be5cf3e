/*
 * test_client_text.c: the one filter for a server's bytes (client/proto/text.c):
 * C0 controls, DEL and C1 controls (a raw byte or UTF-8 encoded) become a
 * visible '?', valid UTF-8 stays, and the stream writers keep line ends
 * and write long text whole.
 */
#include "unit.h"
#include "text.h"

#include <stdlib.h>

#define LONG_TEXT 5000

/* What text_write (or, with FMT, text_printf "%s") makes of N bytes of S. */
static char *
written(const char *s, size_t n, int utf8, int fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (fmt)
		text_printf(f, utf8, "<%s>", s);
	else
		text_write(f, s, n, utf8);
	fclose(f);
	return buf;
}

/* 1 when S holds no byte a terminal acts on: C0 but '\n', DEL, or a byte
 * 0x80..0x9F that is not inside a valid UTF-8 sequence (a raw C1). */
static int
inert(const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		unsigned cp = 0;
		size_t l = text_utf8_next(s + i, n - i, &cp);
		if (l == 0 || (cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
			return 0;
		i += l;
	}
	return 1;
}

UNIT_TEST(client_text_c1_controls_raw_and_encoded)
{
	char out[64];

	text_sanitize("a\x9b" "31mb", out, sizeof out, 1);          /* raw CSI byte */
	CHECK_STR(out, "a?31mb");
	text_sanitize("a\xc2\x9b" "31mb", out, sizeof out, 1);      /* U+009B encoded */
	CHECK_STR(out, "a?31mb");
	text_sanitize("\xc2\x85\xc2\x80\xc2\x9f|\xc2\xa0\xc3\xa9", out, sizeof out, 1);
	CHECK_STR(out, "???|\xc2\xa0\xc3\xa9");                     /* NEL, PAD, APC; NBSP, é */
	text_sanitize("\x1b]0;t\x07\r\x08\x7f", out, sizeof out, 1);
	CHECK_STR(out, "?]0;t????");
	text_sanitize("\xc2\x9b\xe2\x9c\x93", out, sizeof out, 0);  /* no UTF-8: all masked */
	CHECK_STR(out, "??");
}

UNIT_TEST(client_text_write_keeps_lines_and_utf8)
{
	static const char in[] = "S: 220 \x1b[2Jhi\r\n\tx\x00y\xc3\xa9\xe2\x9c\x93\x9b\n";
	char *out = written(in, sizeof in - 1, 1, 0);

	CHECK(out != NULL);
	CHECK_STR(out, "S: 220 ?[2Jhi?\n x?y\xc3\xa9\xe2\x9c\x93?\n");
	CHECK(out != NULL && inert(out));
	free(out);
	out = written(in, sizeof in - 1, 0, 0);
	CHECK_STR(out, "S: 220 ?[2Jhi?\n x?y???\n");
	free(out);
}

UNIT_TEST(client_text_long_text_whole_and_safe)
{
	static const char piece[] = "ab\x1b\xc3\xa9\xc2\x9b\r\n";    /* 9 bytes */
	static const char safe[] = "ab?\xc3\xa9??\n";                  /* 8 bytes */
	char *in = malloc(LONG_TEXT + 1), *want = malloc(LONG_TEXT + 3), *out;
	size_t n = 0, w = 0;

	CHECK(in != NULL && want != NULL);
	if (in == NULL || want == NULL)
		goto done;
	want[w++] = '<';
	while (n + sizeof piece - 1 <= LONG_TEXT) {   /* characters across every buffer edge */
		memcpy(in + n, piece, sizeof piece - 1);
		memcpy(want + w, safe, sizeof safe - 1);
		n += sizeof piece - 1;
		w += sizeof safe - 1;
	}
	in[n] = '\0';
	want[w++] = '>';
	want[w] = '\0';
	out = written(in, n, 1, 0);
	CHECK(out != NULL && strlen(out) == w - 2 && memcmp(out, want + 1, w - 2) == 0);
	free(out);
	out = written(in, n, 1, 1);                    /* longer than text_printf's buffer */
	CHECK_INT(out != NULL ? strlen(out) : 0, w);
	CHECK(out != NULL && strcmp(out, want) == 0 && inert(out));
	free(out);
done:
	free(in);
	free(want);
}

UNIT_TEST(client_text_printf_formats_then_filters)
{
	char *out = written("x\x1b[31m\xc2\x9b\xc3\xa9", 0, 1, 1);

	CHECK_STR(out, "<x?[31m?\xc3\xa9>");
	free(out);
}
