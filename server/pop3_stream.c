/*
 * pop3_stream.c: the multi-line replies that may be long: RETR and TOP (the
 * message file converted to CRLF and byte-stuffed as it is read, see
 * pop3_text.h) and the LIST and UIDL listings. Each is queued in pieces of
 * at most POP3_READ_CHUNK file octets whenever the output queue runs below
 * OUTBUF_LOW_WATER (conn_want_drain), so a 50 MB message never sits in
 * memory and a slow reader holds up nobody else on its worker. While a
 * reply streams the session is in state STREAM; lines that arrive meanwhile
 * wait in pop3.c. Worker thread only.
 */
#include "pop3.h"
#include "pop3_maildrop.h"
#include "pop3_parse.h"
#include "server.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define POP3_END            ".\r\n"             /* ends a multi-line reply */
#define POP3_LIST_PIECE     4096                /* bytes of listing queued at a time */
/* a converted piece at most: every byte a bare LF or a stuffed dot */
#define POP3_PIECE_MAX      (2 * POP3_READ_CHUNK + 2 + sizeof POP3_END)

/* The reply is out: back to TRANSACTION. A message read is moved to cur/. */
static void
pop3_stream_end(struct conn *c, struct pop3 *s)
{
	struct pop3_stream *st = &s->stream;

	if (st->fd != -1) {
		close(st->fd);
		st->fd = -1;
		conn_file_release(c);
	}
	if (st->kind == POP3_STREAM_RETR || st->kind == POP3_STREAM_TOP) {
		struct pop3_msg *m = pop3_maildrop_get(s->md, st->num);
		if (pop3_maildrop_read(s->md, m, st->kind == POP3_STREAM_RETR) == -1)
			conn_log_event(c, "cannot move message %lu (%s) to cur/: %s", st->num, m->name,
			               strerror(errno));
		if (st->kind == POP3_STREAM_RETR)
			STATS_ADD(&c->srv->stats, pop3_retrieved, 1);
	}
	conn_want_drain(c, 0);
	pop3_set_state(c, s, POP3_TRANSACTION);
}

/* Out of memory for the reply: the stream is dropped, the connection
 * closes. Returns -1. */
static int
pop3_stream_oom(struct conn *c, struct pop3 *s)
{
	conn_log_event(c, "out of memory queuing a reply; closing");
	pop3_stream_abort(c, s);
	conn_close_after_flush(c);
	return -1;
}

/* Queues LEN bytes of the reply. 0, or -1 (stream dropped, closing). */
static int
pop3_stream_send(struct conn *c, struct pop3 *s, const char *buf, size_t len)
{
	return conn_send(c, buf, len) == 0 ? 0 : pop3_stream_oom(c, s);
}

/* Queues the next piece of a message, converted straight into the output
 * queue. 1 to go on, 0 when it is all out (or dropped after an error). */
static int
pop3_stream_msg_piece(struct conn *c, struct pop3 *s)
{
	struct pop3_stream *st = &s->stream;
	char in[POP3_READ_CHUNK];
	size_t o = 0, used;
	ssize_t r = read(st->fd, in, sizeof in);

	if (r == -1 && errno == EINTR)
		return 1;
	if (r == -1) {
		conn_log_event(c, "read message %lu: %s; closing", st->num, strerror(errno));
		pop3_stream_abort(c, s);
		conn_close_after_flush(c);   /* the reply cannot end well now */
		return 0;
	}
	char *out = conn_reserve(c, POP3_PIECE_MAX);
	if (out == NULL) {
		pop3_stream_oom(c, s);
		return 0;
	}
	if (r > 0)
		o = pop3_text_convert(&st->text, in, (size_t)r, out, &used);
	st->octets += (unsigned long long)r;
	if (r > 0 && !st->text.done) {
		conn_commit(c, o);
		conn_touch(c);               /* the reader is reading: not idle */
		return 1;
	}
	o += pop3_text_finish(&st->text, out + o);
	memcpy(out + o, POP3_END, strlen(POP3_END));
	conn_commit(c, o + strlen(POP3_END));
	pop3_stream_end(c, s);
	return 0;
}

/* Queues the next piece of a listing. 1 to go on, 0 when it is all out. */
static int
pop3_stream_list_piece(struct conn *c, struct pop3 *s)
{
	struct pop3_stream *st = &s->stream;
	char buf[POP3_LIST_PIECE];
	size_t o = 0;

	while (st->num <= s->md->n && o + POP3_LIST_ENTRY_MAX + 2 < sizeof buf) {
		const struct pop3_msg *m = &s->md->msgs[st->num - 1];
		if (!m->deleted &&
		    pop3_listing_entry(st->kind, st->num, m, buf + o, sizeof buf - o) == 0) {
			o += strlen(buf + o);
			memcpy(buf + o, "\r\n", 2);
			o += 2;
		}
		st->num++;
	}
	int last = st->num > s->md->n;
	if (last) {
		memcpy(buf + o, POP3_END, strlen(POP3_END));
		o += strlen(POP3_END);
	}
	if (pop3_stream_send(c, s, buf, o) == -1)
		return 0;
	if (last)
		pop3_stream_end(c, s);
	return !last;
}

void
pop3_stream_fill(struct conn *c, struct pop3 *s)
{
	int more = 1;

	while (more && s->state == POP3_STREAM && conn_out_pending(c) < OUTBUF_LOW_WATER)
		more = s->stream.kind == POP3_STREAM_RETR || s->stream.kind == POP3_STREAM_TOP
		       ? pop3_stream_msg_piece(c, s) : pop3_stream_list_piece(c, s);
}

void
pop3_stream_abort(struct conn *c, struct pop3 *s)
{
	if (s->state != POP3_STREAM)
		return;
	if (s->stream.fd != -1)
		close(s->stream.fd);
	s->stream.fd = -1;
	pop3_set_state(c, s, POP3_TRANSACTION);
}

/* Starts a multi-line reply of KIND: the first lines are queued now. */
static void
pop3_stream_start(struct conn *c, struct pop3 *s, enum pop3_stream_kind kind, int fd,
                  unsigned long num, long body_lines)
{
	s->stream = (struct pop3_stream){ .kind = kind, .fd = fd, .num = num };
	pop3_text_init(&s->stream.text, body_lines);
	pop3_set_state(c, s, POP3_STREAM);
	conn_want_drain(c, 1);
	pop3_stream_fill(c, s);
}

int
pop3_listing_entry(enum pop3_stream_kind kind, unsigned long num, const struct pop3_msg *m,
                   char *buf, size_t len)
{
	int n = kind == POP3_STREAM_LIST
	        ? snprintf(buf, len, "%lu %llu", num, (unsigned long long)m->size)
	        : snprintf(buf, len, "%lu %s", num, m->uid);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void
pop3_stream_listing(struct conn *c, struct pop3 *s, enum pop3_stream_kind kind)
{
	if (kind == POP3_STREAM_LIST)
		conn_reply(c, "+OK %zu messages (%llu octets)", pop3_maildrop_count(s->md),
		           (unsigned long long)pop3_maildrop_octets(s->md));
	else
		conn_reply(c, "+OK unique-id listing follows");
	pop3_stream_start(c, s, kind, -1, 1, POP3_TEXT_ALL);
}

/* RETR (BODY_LINES POP3_TEXT_ALL) or TOP of message NUM. */
static int
pop3_stream_message(struct conn *c, struct pop3 *s, unsigned long num, long body_lines)
{
	struct pop3_msg *m = pop3_msg_arg(c, s, num);
	int fd;

	if (m == NULL)
		return 0;
	if (conn_file_take(c) == -1) {
		conn_reply(c, "-ERR [SYS/TEMP] server busy (too many open files); try again later");
		return 0;
	}
	if ((fd = pop3_maildrop_open_msg(s->md, m)) == -1) {
		conn_file_release(c);
		conn_log_event(c, "open message %lu (%s): %s", num, m->name, strerror(errno));
		conn_reply(c, "-ERR [SYS/TEMP] cannot read message %lu", num);
		return 0;
	}
	if (body_lines == POP3_TEXT_ALL)
		conn_reply(c, "+OK %llu octets", (unsigned long long)m->size);
	else
		conn_reply(c, "+OK top of message %lu follows", num);
	pop3_stream_start(c, s, body_lines == POP3_TEXT_ALL ? POP3_STREAM_RETR : POP3_STREAM_TOP,
	                  fd, num, body_lines);
	return 0;
}

int
pop3_cmd_retr(struct conn *c, struct pop3 *s, char *args)
{
	unsigned long num;

	if (pop3_parse_numbers(args, &num, 1) != 1) {
		conn_reply(c, "-ERR syntax: RETR message-number");
		return pop3_bad_command(c, s);
	}
	return pop3_stream_message(c, s, num, POP3_TEXT_ALL);
}

int
pop3_cmd_top(struct conn *c, struct pop3 *s, char *args)
{
	unsigned long v[2];

	if (pop3_parse_numbers(args, v, 2) != 2) {
		conn_reply(c, "-ERR syntax: TOP message-number lines");
		return pop3_bad_command(c, s);
	}
	return pop3_stream_message(c, s, v[0], v[1] > LONG_MAX - 1 ? LONG_MAX - 1 : (long)v[1]);
}
