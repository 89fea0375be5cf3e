/* test_conn_text.c: what protocols queue on a connection: reply lines end
 * in CRLF, control characters inside them become '?' (text from a client
 * must not end the line or start a reply of its own), long ones are
 * truncated; conn_reserve and
 * conn_commit queue in place, after what conn_send queued. */
#include "unit.h"
#include "conn.h"
#include "defaults.h"
#include "service.h"

#include <string.h>

static const struct service test_svc = { .name = "test" };

/* The queued output of C as a string (the queue is NUL-terminated here). */
static const char *
queued(struct conn *c)
{
	static char none[1];
	char *end = conn_reserve(c, 1);

	if (end == NULL)
		return none;
	*end = '\0';
	return bytebuf_head(&c->out);
}

UNIT_TEST(conn_reply_ends_lines_and_masks_controls)
{
	struct conn c = { .svc = &test_svc };

	conn_reply(&c, "250 %s", "fine\tstill");
	conn_reply(&c, "501 %s", "evil\r\n250 injected");
	conn_reply(&c, "502 %s", "bare\rCR \x1b[31m \x7f");
	CHECK_STR(queued(&c), "250 fine?still\r\n501 evil??250 injected\r\n502 bare?CR ?[31m ?\r\n");
	bytebuf_free(&c.out);
}

UNIT_TEST(conn_reply_truncates_long_lines)
{
	struct conn c = { .svc = &test_svc };
	char big[LOG_LINE_MAX * 2];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	conn_reply(&c, "500 %s", big);
	const char *q = queued(&c);
	size_t n = strlen(q);
	CHECK(n <= LOG_LINE_MAX && n > LOG_LINE_MAX / 2);
	CHECK(strcmp(q + n - 2, "\r\n") == 0);
	CHECK(strchr(q, '\r') == q + n - 2);
	bytebuf_free(&c.out);
}

UNIT_TEST(conn_reserve_and_commit_queue_in_place)
{
	struct conn c = { .svc = &test_svc };

	CHECK_INT(conn_send(&c, "ab", 2), 0);
	char *p = conn_reserve(&c, 100000);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	memcpy(p, "cdef", 4);
	conn_commit(&c, 3);                       /* only "cde" */
	CHECK_INT(conn_out_pending(&c), 5);
	CHECK_STR(queued(&c), "abcde");
	bytebuf_free(&c.out);
}
