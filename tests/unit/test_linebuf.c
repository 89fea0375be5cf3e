/* test_linebuf.c: line splitting, CRLF handling and over-long lines. */
#include "unit.h"
#include "linebuf.h"

UNIT_TEST(linebuf_splits_crlf_and_lf)
{
	struct linebuf lb;
	char *line;
	size_t len;

	linebuf_init(&lb, 100);
	CHECK(linebuf_append(&lb, "EHLO a\r\nNOOP\nQU", 15) == 0);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_STR(line, "EHLO a");
	CHECK_INT(len, 6);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_STR(line, "NOOP");
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_NONE);
	CHECK(linebuf_append(&lb, "IT\r\n", 4) == 0);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_STR(line, "QUIT");
	CHECK_INT(linebuf_pending(&lb), 0);
	linebuf_free(&lb);
}

UNIT_TEST(linebuf_too_long_line_is_dropped_whole)
{
	struct linebuf lb;
	char big[3000], *line;
	size_t len;

	memset(big, 'x', sizeof big);
	linebuf_init(&lb, 1000);
	CHECK(linebuf_append(&lb, big, 1500) == 0);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_NONE);
	CHECK(linebuf_append(&lb, big, 1500) == 0);
	CHECK(linebuf_append(&lb, "\r\nNOOP\r\n", 8) == 0);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_TOO_LONG);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_STR(line, "NOOP");
	linebuf_free(&lb);
}

UNIT_TEST(linebuf_line_at_limit_is_kept)
{
	struct linebuf lb;
	char big[1002], *line;
	size_t len;

	memset(big, 'y', 1000);
	big[1000] = '\r';
	big[1001] = '\n';
	linebuf_init(&lb, 1000);
	CHECK(linebuf_append(&lb, big, 1002) == 0);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_INT(len, 1000);
	linebuf_compact(&lb);
	CHECK(lb.buf.data == NULL);
	linebuf_free(&lb);
}
