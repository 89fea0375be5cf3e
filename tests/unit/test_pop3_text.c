/* test_pop3_text.c: Maildir text to POP3 text: LF to CRLF (CRLF kept),
 * byte-stuffing, sizes in CRLF octets equal to what RETR sends, TOP's cut,
 * buffers split anywhere, unique-ids and cur/ names. */
#include "unit.h"
#include "server_defaults.h"
#include "pop3_text.h"

#include <stdlib.h>

#define TEXT_MAX 4096

/* Converts IN (LEN bytes) in pieces of STEP bytes as RETR (LINES
 * POP3_TEXT_ALL) or TOP does, finish included, into OUT. Returns its length. */
static size_t
convert(const char *in, size_t len, size_t step, long lines, char *out)
{
	struct pop3_text t;
	size_t o = 0, used;

	pop3_text_init(&t, lines);
	for (size_t i = 0; i < len && !t.done; i += step) {
		size_t n = len - i < step ? len - i : step;
		o += pop3_text_convert(&t, in + i, n, out + o, &used);
		if (used < n)
			CHECK(t.done);
	}
	o += pop3_text_finish(&t, out + o);
	out[o] = '\0';
	return o;
}

/* The CRLF size of IN counted in pieces of STEP bytes. */
static unsigned long long
size_of(const char *in, size_t len, size_t step)
{
	struct pop3_size z = { 0 };

	for (size_t i = 0; i < len; i += step)
		pop3_size_add(&z, in + i, len - i < step ? len - i : step);
	return (unsigned long long)pop3_size_total(&z);
}

UNIT_TEST(pop3_text_crlf_and_byte_stuffing)
{
	char out[TEXT_MAX];
	const char *in = "Subject: x\n\n.dot\n..two\nmid . dot\n.\nlast";

	convert(in, strlen(in), strlen(in), POP3_TEXT_ALL, out);
	CHECK_STR(out, "Subject: x\r\n\r\n..dot\r\n...two\r\nmid . dot\r\n..\r\nlast\r\n");
	/* CRLF already there stays as is; a lone CR is kept */
	in = "a\r\nb\rc\n";
	convert(in, strlen(in), 100, POP3_TEXT_ALL, out);
	CHECK_STR(out, "a\r\nb\rc\r\n");
	CHECK_INT(convert("", 0, 1, POP3_TEXT_ALL, out), 0);
}

UNIT_TEST(pop3_text_same_result_for_any_split)
{
	char want[TEXT_MAX], got[TEXT_MAX];
	const char *in = ".a\r\n\n..b\r\r\n.\n.\r\nend.\n.";
	size_t len = strlen(in);
	size_t wlen = convert(in, len, len, POP3_TEXT_ALL, want);

	for (size_t step = 1; step <= len; step++) {
		CHECK_INT(convert(in, len, step, POP3_TEXT_ALL, got), wlen);
		CHECK_STR(got, want);
		CHECK_INT(size_of(in, len, step), size_of(in, len, len));
	}
}

/* Stuffed dots in converted text OUT: lines that begin with "..". */
static size_t
stuffed(const char *out)
{
	size_t n = 0;
	for (const char *p = out; *p; p++)
		if ((p == out || p[-1] == '\n') && p[0] == '.')
			n++;
	return n;
}

UNIT_TEST(pop3_text_size_is_retr_octets_without_stuffing)
{
	static const char *const cases[] = {
		"", "x", "x\n", "x\r\n", "\n\n\n", "a\r", ".\n..\n", "no end",
		"Subject: s\n\nbody\r\nmixed\nends\r", "\r\n\r\n.",
	};
	char out[TEXT_MAX];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i]);
		size_t o = convert(cases[i], len, 3, POP3_TEXT_ALL, out);
		CHECK_INT(size_of(cases[i], len, 2), o - stuffed(out));
	}
	CHECK_INT(size_of("a\nb\n", 4, 4), 6);
	CHECK_INT(size_of("a\r\nb", 4, 1), 6);   /* the last line gets its CRLF */
}

UNIT_TEST(pop3_text_size_random_messages)
{
	char in[TEXT_MAX / 2], out[TEXT_MAX];
	static const char alphabet[] = "ab.\n\r ";
	unsigned seed = 7;

	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)(rand_r(&seed) % (int)(sizeof in - 1));
		for (size_t i = 0; i < len; i++)
			in[i] = alphabet[rand_r(&seed) % (int)(sizeof alphabet - 1)];
		size_t step = 1 + (size_t)(rand_r(&seed) % 17);
		size_t o = convert(in, len, step, POP3_TEXT_ALL, out);
		CHECK_INT(size_of(in, len, step), o - stuffed(out));
		CHECK(o == 0 || (out[o - 2] == '\r' && out[o - 1] == '\n'));
	}
}

UNIT_TEST(pop3_text_top_cuts_after_header_and_n_lines)
{
	char out[TEXT_MAX];
	const char *in = "From: a\nSubject: b\n\nline 1\n.line 2\nline 3\n";
	size_t len = strlen(in);

	for (size_t step = 1; step <= len; step++) {
		convert(in, len, step, 0, out);
		CHECK_STR(out, "From: a\r\nSubject: b\r\n\r\n");
		convert(in, len, step, 2, out);
		CHECK_STR(out, "From: a\r\nSubject: b\r\n\r\nline 1\r\n..line 2\r\n");
		convert(in, len, step, 99, out);
		CHECK_STR(out, "From: a\r\nSubject: b\r\n\r\nline 1\r\n..line 2\r\nline 3\r\n");
	}
	/* CRLF header end; no header end at all: everything is header */
	convert("A: b\r\n\r\nbody\r\n", strlen("A: b\r\n\r\nbody\r\n"), 4, 0, out);
	CHECK_STR(out, "A: b\r\n\r\n");
	convert("A: b\nC: d", 9, 4, 0, out);
	CHECK_STR(out, "A: b\r\nC: d\r\n");
}

UNIT_TEST(pop3_text_uid_is_the_unique_part)
{
	char uid[POP3_UID_MAX + 1], again[POP3_UID_MAX + 1];
	char long_name[200];

	CHECK_INT(pop3_text_uid("1795308769.M1P2Q3R4.host", uid, sizeof uid), 0);
	CHECK_STR(uid, "1795308769.M1P2Q3R4.host");
	CHECK_INT(pop3_text_uid("1795308769.M1P2Q3R4.host:2,S", uid, sizeof uid), 0);
	CHECK_STR(uid, "1795308769.M1P2Q3R4.host");
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	CHECK_INT(pop3_text_uid(long_name, uid, sizeof uid), 0);
	CHECK_INT(strlen(uid), 65);
	CHECK(uid[0] == 'H');
	CHECK_INT(pop3_text_uid(long_name, again, sizeof again), 0);
	CHECK_STR(again, uid);
	long_name[10] = ':';                     /* only the part before ':' counts */
	CHECK_INT(pop3_text_uid(long_name, again, sizeof again), 0);
	CHECK_STR(again, "xxxxxxxxxx");
	CHECK_INT(pop3_text_uid("has space", uid, sizeof uid), 0);
	CHECK(uid[0] == 'H' && strlen(uid) == 65);
}

UNIT_TEST(pop3_text_cur_name_adds_info_and_flags)
{
	char out[256];

	CHECK_INT(pop3_text_cur_name("123.M1.h", 'S', out, sizeof out), 0);
	CHECK_STR(out, "123.M1.h:2,S");
	CHECK_INT(pop3_text_cur_name("123.M1.h", 0, out, sizeof out), 0);
	CHECK_STR(out, "123.M1.h:2,");
	CHECK_INT(pop3_text_cur_name("123.M1.h:2,", 'S', out, sizeof out), 0);
	CHECK_STR(out, "123.M1.h:2,S");
	CHECK_INT(pop3_text_cur_name("123.M1.h:2,FT", 'S', out, sizeof out), 0);
	CHECK_STR(out, "123.M1.h:2,FST");
	CHECK_INT(pop3_text_cur_name("123.M1.h:2,RS", 'S', out, sizeof out), 0);
	CHECK_STR(out, "123.M1.h:2,RS");
	CHECK_INT(pop3_text_cur_name("123.M1.h:1,x", 'S', out, sizeof out), 0);
	CHECK_STR(out, "123.M1.h:1,x");
	CHECK_INT(pop3_text_cur_name("123.M1.h", 'S', out, 8), -1);
}

UNIT_TEST(pop3_text_sized_names_round_trip)
{
	char name[160];
	uint64_t w = 0;

	CHECK_INT(pop3_text_sized_name("1700000000.M1P2Q3R4.host", 1234, 1300, name, sizeof name), 0);
	CHECK_STR(name, "1700000000.M1P2Q3R4.host,S=1234,W=1300");
	CHECK_INT(pop3_text_name_size(name, 1234, &w), 0);
	CHECK_INT(w, 1300);
	CHECK_INT(pop3_text_name_size(name, 1235, &w), -1);                  /* stale */
	CHECK_INT(pop3_text_name_size("x,S=5,W=7:2,S", 5, &w), 0);            /* info after ':' */
	CHECK_INT(w, 7);
	CHECK_INT(pop3_text_name_size("x:2,S=5,W=7", 5, &w), -1);             /* only before ':' */
	CHECK_INT(pop3_text_name_size("x,S=5", 5, &w), -1);                   /* no W */
	CHECK_INT(pop3_text_name_size("x,S=,W=7", 0, &w), -1);
	CHECK_INT(pop3_text_name_size("x,S=5,W=99999999999999999999999", 5, &w), -1); /* too long */
	CHECK_INT(pop3_text_name_size("a,S=0x,b,S=5,W=7", 5, &w), 0);        /* the last fields */
	CHECK_INT(w, 7);
	CHECK_INT(pop3_text_sized_name("id", 1, 2, name, 8), -1);             /* no room */
}
