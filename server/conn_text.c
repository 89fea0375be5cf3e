/*
 * conn_text.c: what a protocol writes to its connection, apart from TLS and
 * the event loop: the output queue (conn_send, conn_reserve, conn_commit),
 * reply lines (conn_reply: logged, then queued with CRLF) and the log lines
 * of a connection (C:, *). Shared by the server and the fuzz harnesses'
 * fake connection, so that both format and guard replies the same way.
 */
#include "conn.h"

#include "server_defaults.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLY_CHAR_MIN 0x20        /* below: C0 controls, CR and LF among them */
#define REPLY_CHAR_DEL 0x7f

static void
conn_vlog(struct conn *c, const char *dir, const char *fmt, va_list ap)
{
	char text[LOG_LINE_MAX];
	vsnprintf(text, sizeof text, fmt, ap);
	log_exchange(c->local, c->peer, c->svc->name, c->user, dir, "%s", text);
}

void
conn_log_in(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	conn_vlog(c, LOG_DIR_IN, fmt, ap);
	va_end(ap);
}

void
conn_log_event(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	conn_vlog(c, LOG_DIR_EVENT, fmt, ap);
	va_end(ap);
}

void
conn_log_state(const struct conn *c, const char *machine, const char *from, const char *to)
{
	log_debug("%016llx %s %s -> %s", (unsigned long long)c->id, machine, from, to);
}

char *
conn_reserve(struct conn *c, size_t len)
{
	struct bytebuf *o = &c->out;

	if (bytebuf_used(o) == 0)
		c->out_since = conn_now_ms();   /* output starts waiting now */
	/* the room consumed bytes leave is taken back before growing, but not
	 * while a write in progress (WANT_WRITE) is to be repeated on them */
	if (bytebuf_room(o) < len && c->out_inflight == 0)
		bytebuf_compact(o);
	return bytebuf_reserve(o, len) == 0 ? bytebuf_tail(o) : NULL;
}

void
conn_commit(struct conn *c, size_t n)
{
	bytebuf_commit(&c->out, n);
}

int
conn_send(struct conn *c, const void *data, size_t len)
{
	char *p = conn_reserve(c, len);
	if (p == NULL)
		return -1;
	memcpy(p, data, len);
	conn_commit(c, len);
	return 0;
}

/* A reply line never holds a control character (client text echoed in it,
 * an EHLO name or an unknown verb, may carry a bare CR): each becomes '?',
 * so that nothing in it can end the line or start a reply of its own. A
 * line feed cannot come from a client line (lines end there), so one here
 * is a bug: the fuzz build aborts, so that the fuzzers report it. */
static void
conn_reply_clean(char *line, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch >= REPLY_CHAR_MIN && ch != REPLY_CHAR_DEL)
			continue;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
		if (ch == '\n') {
			fprintf(stderr, "conn_reply: a reply with a line feed inside: %.*s\n", n, line);
			abort();
		}
#endif
		line[i] = '?';
	}
}

void
conn_reply(struct conn *c, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 3)
		n = (int)(sizeof line - 3);
	conn_reply_clean(line, n);
	log_exchange(c->local, c->peer, c->svc->name, c->user, LOG_DIR_OUT, "%s", line);
	line[n] = '\r';
	line[n + 1] = '\n';
	if (conn_send(c, line, (size_t)n + 2) == -1)
		conn_close_after_flush(c);
}
