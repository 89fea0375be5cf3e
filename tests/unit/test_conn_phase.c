/* test_conn_phase.c: every change of a connection's phase, and of a
 * protocol's state, goes through its setter and is logged at debug level
 * in the one format ("ID MACHINE FROM -> TO"): conn_set_phase() and
 * conn_close_after_flush(), a reply that cannot be queued, and
 * smtp_reset_txn() and pop3_stream_abort() (which assigned the state
 * directly before). */
#include "unit.h"
#include "conn.h"
#include "log.h"
#include "pop3.h"
#include "service.h"
#include "smtp.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PHASE_LOG_MAX 4096

static const struct service phase_svc = { .name = "test" };

/* Starts logging (debug on) into a fresh file; its path into PATH. */
static void
phase_log_begin(char *path, size_t len)
{
	snprintf(path, len, "%s/phase.log", unit_tmpdir());
	unlink(path);
	CHECK_INT(log_open(path, 0), 0);
	log_set_debug(1);
}

/* Stops logging to the file (back to stderr, no debug) and reads it. */
static void
phase_log_end(const char *path, char *text, size_t len)
{
	log_set_debug(0);
	log_close();
	log_open(NULL, 1);
	text[0] = '\0';
	int fd = open(path, O_RDONLY);
	if (fd == -1)
		return;
	ssize_t n = read(fd, text, len - 1);
	text[n > 0 ? n : 0] = '\0';
	close(fd);
}

UNIT_TEST(conn_phase_changes_are_logged_once_each)
{
	struct conn c = { .svc = &phase_svc, .id = 0xabc };
	char path[512], text[PHASE_LOG_MAX];

	phase_log_begin(path, sizeof path);
	conn_set_phase(&c, CONN_OPEN);
	conn_set_phase(&c, CONN_OPEN);               /* no change: no line */
	conn_close_after_flush(&c);
	conn_close_after_flush(&c);
	phase_log_end(path, text, sizeof text);
	CHECK_INT(c.phase, CONN_CLOSING);
	CHECK(strstr(text, "debug: 0000000000000abc conn HANDSHAKE -> OPEN\n") != NULL);
	CHECK(strstr(text, "debug: 0000000000000abc conn OPEN -> CLOSING\n") != NULL);
	const char *first = strstr(text, "conn HANDSHAKE -> OPEN");
	CHECK(first == NULL || strstr(first + 1, "conn HANDSHAKE -> OPEN") == NULL);
	CHECK(strstr(text, "OPEN -> OPEN") == NULL && strstr(text, "CLOSING -> CLOSING") == NULL);
}

UNIT_TEST(smtp_reset_txn_goes_through_the_logged_setter)
{
	struct conn c = { .svc = &phase_svc, .id = 0x5 };
	struct smtp s;
	char path[512], text[PHASE_LOG_MAX];

	memset(&s, 0, sizeof s);
	s.state = SMTP_RCPT;
	phase_log_begin(path, sizeof path);
	smtp_reset_txn(&c, &s);
	phase_log_end(path, text, sizeof text);
	CHECK_INT(s.state, SMTP_READY);
	CHECK(strstr(text, "debug: 0000000000000005 smtp RCPT -> READY\n") != NULL);
}

UNIT_TEST(pop3_stream_abort_goes_through_the_logged_setter)
{
	struct conn c = { .svc = &phase_svc, .id = 0x6 };
	struct pop3 s;
	char path[512], text[PHASE_LOG_MAX];

	memset(&s, 0, sizeof s);
	s.state = POP3_STREAM;
	s.stream.fd = -1;
	phase_log_begin(path, sizeof path);
	pop3_stream_abort(&c, &s);
	phase_log_end(path, text, sizeof text);
	CHECK_INT(s.state, POP3_TRANSACTION);
	CHECK(strstr(text, "debug: 0000000000000006 pop3 STREAM -> TRANSACTION\n") != NULL);
}
