/*
 * smtp_data.c: the DATA phase. Lines are dot-unstuffed and written straight
 * into the first recipient's Maildir tmp/ file (LF line ends, as Maildir
 * readers expect), except the header section, which is held back (bounded)
 * so that the trace headers (Return-Path:, Received:), and a Message-ID: and
 * Date: when the message lacks them, go on top; they are written through
 * maildir_write(), so the S= and W= sizes in the file's name count them.
 * The final fsync and the links into every recipient's new/ run on the job
 * pool; `250` is sent only after that.
 * Worker thread, except commit_work() on a job thread.
 */
#include "smtp.h"
#include "maildir.h"
#include "server.h"
#include "smtp_parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SMTP_HEADER_TEXT 2048   /* the headers we add */

struct commit_job {
	struct maildir_msg *msg;
	struct smtp_rcpt   *rcpts;
	size_t              n;
	int                 rc;
	int                 err_no;
	char                err[256];
	char                queue_id[32];
	long                size;
};

void
smtp_data_abort(struct smtp *s)
{
	if (s->msg != NULL)
		maildir_abort(s->msg);
	s->msg = NULL;
	bytebuf_free(&s->headers);
	s->in_body = 0;
	s->size = 0;
	s->too_big = s->line_too_long = s->write_errno = 0;
}

void
smtp_data_overflow(struct smtp *s)
{
	s->line_too_long = 1;
}

/* Writes bytes to the message, remembering the first error. */
static void
data_write(struct smtp *s, const char *p, size_t n)
{
	if (s->write_errno == 0 && maildir_write(s->msg, p, n) == -1)
		s->write_errno = errno ? errno : EIO;
}

/* 1 when the held header section already has header NAME. */
static int
data_has_header(const struct smtp *s, const char *name)
{
	const char *held = bytebuf_head(&s->headers);

	for (size_t i = 0; i < bytebuf_used(&s->headers); i++)
		if ((i == 0 || held[i - 1] == '\n') && smtp_header_is(held + i, name))
			return 1;
	return 0;
}

/* Appends formatted text at BUF + *USED (BUF holds LEN bytes). 0, or -1 when
 * it does not fit: then *USED is LEN, so every later call fails too. */
static int PRINTF_LIKE(4, 5)
data_addf(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	if (*used >= len)
		return -1;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *used) {
		*used = len;
		return -1;
	}
	*used += (size_t)n;
	return 0;
}

/* The trace headers of RFC 5321 4.4, Return-Path: (the envelope sender) and
 * Received: (the client's EHLO name and address literal), then Message-ID:
 * and Date: when the message lacks them, into BUF. 0, or -1 when they do not
 * fit (BUF then holds no usable text). */
static int
data_added_headers(struct conn *c, struct smtp *s, char *buf, size_t len)
{
	char date[64], literal[CONN_ADDR_MAX + sizeof "[IPv6:]"], tcp_info[sizeof literal + 3];
	size_t used = 0;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm);
	tcp_info[0] = '\0';
	if (smtp_address_literal(c->peer_ip, literal, sizeof literal) == 0)
		snprintf(tcp_info, sizeof tcp_info, " (%s)", literal);
	int rc = data_addf(buf, len, &used, "Return-Path: <%s>\n", s->from);
	rc |= data_addf(buf, len, &used,
	                "Received: from %s%s\n\tby %s (sealed) with ESMTPSA id %s\n"
	                "\t(using %s with cipher %s)\n\t(authenticated user %s)\n"
	                "\tfor <%s@%s>; %s\n",
	                s->helo, tcp_info, conn_domain(c), s->queue_id, c->tls_version,
	                c->cipher, c->user, s->rcpts[0].user, conn_domain(c), date);
	if (!data_has_header(s, "Message-ID"))
		rc |= data_addf(buf, len, &used, "Message-ID: <%s@%s>\n", s->queue_id,
		                conn_domain(c));
	if (!data_has_header(s, "Date"))
		rc |= data_addf(buf, len, &used, "Date: %s\n", date);
	return rc;
}

/* Writes our headers and the held header section; the body follows. Headers
 * that do not fit fail the message rather than go in cut short (with today's
 * limits on the EHLO name, addresses and the domain they take under 2 KB). */
static void
data_flush_headers(struct conn *c, struct smtp *s)
{
	char added[SMTP_HEADER_TEXT];
	if (data_added_headers(c, s, added, sizeof added) == 0) {
		data_write(s, added, strlen(added));
	} else if (s->write_errno == 0) {
		conn_log_event(c, "trace headers longer than %d bytes: message refused",
		               SMTP_HEADER_TEXT);
		s->write_errno = EOVERFLOW;
	}
	if (bytebuf_used(&s->headers) > 0)
		data_write(s, bytebuf_head(&s->headers), bytebuf_used(&s->headers));
	bytebuf_free(&s->headers);
	s->in_body = 1;
}

/* Holds a header line back. -1 when it does not fit (past
 * SMTP_MAX_HEADER_BUFFER, or no memory). */
static int
data_hold(struct smtp *s, const char *line, size_t len)
{
	if (bytebuf_reserve(&s->headers, len + 1) == -1)
		return -1;
	char *p = bytebuf_tail(&s->headers);
	memcpy(p, line, len);
	p[len] = '\n';
	bytebuf_commit(&s->headers, len + 1);
	return 0;
}

/* 1 when LINE may be part of a header section ("Name: value" or a fold). */
static int
data_looks_like_header(const char *line, size_t len)
{
	if (len > 0 && (line[0] == ' ' || line[0] == '\t'))
		return 1;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == ':')
			return i > 0;
		if ((unsigned char)line[i] <= ' ' || line[i] == 0x7f)
			return 0;
	}
	return 0;
}

/* One line of the header section (before the first empty line). */
static void
data_header_line(struct conn *c, struct smtp *s, const char *line, size_t len)
{
	if (len == 0) {                      /* end of the header section */
		data_flush_headers(c, s);
		data_write(s, "\n", 1);
		return;
	}
	if (bytebuf_used(&s->headers) == 0 && !data_looks_like_header(line, len)) {
		data_flush_headers(c, s);        /* no header section: body only */
		data_write(s, "\n", 1);
		data_write(s, line, len);
		data_write(s, "\n", 1);
		return;
	}
	if (data_hold(s, line, len) == -1) {
		data_flush_headers(c, s);        /* too big to hold: stream it */
		data_write(s, line, len);
		data_write(s, "\n", 1);
	}
}

static void
commit_work(void *arg)
{
	struct commit_job *j = arg;
	const char *users[SMTP_MAX_RECIPIENTS];
	for (size_t i = 0; i < j->n; i++)
		users[i] = j->rcpts[i].user;
	errno = 0;
	j->rc = maildir_commit(j->msg, users, j->n, j->err, sizeof j->err);
	j->err_no = errno;
	j->msg = NULL;   /* commit frees it either way */
}

static void
commit_release(void *arg)
{
	struct commit_job *j = arg;
	free(j->rcpts);
	free(j);
}

/* Replies for a message that could not be stored, by cause. */
static void
data_reply_store_error(struct conn *c, int err_no)
{
	if (err_no == ENOSPC || err_no == EDQUOT)
		conn_reply(c, "452 4.3.1 Insufficient system storage");
	else
		conn_reply(c, "451 4.3.0 Local error in processing; message not accepted");
}

static void
commit_done(struct conn *c, void *arg)
{
	struct commit_job *j = arg;
	struct smtp *s = c->ps;

	conn_file_release(c);                /* the job closed the file */
	smtp_set_state(c, s, SMTP_READY);
	if (j->rc == -1) {
		conn_log_event(c, "delivery failed id=%s: %s", j->queue_id, j->err);
		data_reply_store_error(c, j->err_no);
		return;
	}
	STATS_ADD(&c->srv->stats, messages_delivered, 1);
	conn_log_event(c, "delivered id=%s size=%ld rcpts=%zu", j->queue_id, j->size, j->n);
	conn_reply(c, "250 2.0.0 OK queued as %s", j->queue_id);
}

/* Hands the finished message to the job pool for fsync and delivery. */
static void
data_commit(struct conn *c, struct smtp *s)
{
	struct commit_job *j = calloc(1, sizeof *j);
	if (j == NULL) {
		smtp_reset_txn(c, s);
		conn_reply(c, "451 4.3.0 Local error in processing (out of memory)");
		return;
	}
	j->msg = s->msg;
	j->rcpts = s->rcpts;
	j->n = s->nrcpts;
	j->size = s->size;
	snprintf(j->queue_id, sizeof j->queue_id, "%s", s->queue_id);
	s->msg = NULL;
	s->rcpts = NULL;
	s->nrcpts = 0;
	smtp_reset_txn(c, s);
	smtp_set_state(c, s, SMTP_BUSY);
	if (conn_run_job(c, commit_work, commit_done, commit_release, j) == -1) {
		maildir_abort(j->msg);
		commit_release(j);
		conn_file_release(c);
		smtp_set_state(c, s, SMTP_READY);
		conn_reply(c, "451 4.3.0 Server busy; message not accepted, try again");
	}
}

/* The final dot: refuse, or deliver. */
static int
data_end(struct conn *c, struct smtp *s)
{
	conn_log_in(c, ".");
	conn_set_max_line(c, SMTP_MAX_COMMAND_LINE);
	s->txn++;
	if (s->too_big) {
		conn_reply(c, "552 5.3.4 Message exceeds the limit of %ld bytes",
		           atomic_load(&c->srv->live.max_message_size));
	} else if (s->line_too_long) {
		conn_reply(c, "500 5.5.2 Message has a line longer than %d octets", SMTP_MAX_TEXT_LINE);
	} else {
		if (!s->in_body)
			data_flush_headers(c, s);
		if (s->write_errno == 0 && maildir_size(s->msg) > 0) {
			data_commit(c, s);
			return 0;
		}
		data_reply_store_error(c, s->write_errno);
	}
	smtp_reset_txn(c, s);
	conn_file_release(c);
	smtp_set_state(c, s, SMTP_READY);
	return 0;
}

int
smtp_data_line(struct conn *c, struct smtp *s, char *line, size_t len)
{
	if (len == 1 && line[0] == '.')
		return data_end(c, s);
	if (line[0] == '.') {               /* dot-unstuffing, RFC 5321 4.5.2 */
		line++;
		len--;
	}
	s->size += (long)len + 2;
	if (s->size > atomic_load(&c->srv->live.max_message_size))
		s->too_big = 1;
	if (s->too_big || s->line_too_long || s->write_errno)
		return 0;                       /* read on to the dot, store nothing */
	if (!s->in_body) {
		data_header_line(c, s, line, len);
		return 0;
	}
	data_write(s, line, len);
	data_write(s, "\n", 1);
	return 0;
}

int
smtp_cmd_data(struct conn *c, struct smtp *s, char *args)
{
	char err[256];

	if (*args != '\0') {
		conn_reply(c, "501 5.5.4 Syntax: DATA");
		return 0;
	}
	if (conn_file_take(c) == -1) {
		conn_reply(c, "451 4.3.2 Too many messages in transit; try again later");
		return 0;
	}
	s->msg = maildir_begin(c->srv->cfg->data_dir, s->rcpts[0].user, err, sizeof err);
	if (s->msg == NULL) {
		int err_no = errno;
		conn_file_release(c);
		log_warnx("cannot start a message: %s", err);
		data_reply_store_error(c, err_no);
		return 0;
	}
	/* empty: every DATA ends in data_flush_headers() or smtp_data_abort() */
	bytebuf_init(&s->headers, SMTP_HEADER_TEXT, SMTP_MAX_HEADER_BUFFER);
	snprintf(s->queue_id, sizeof s->queue_id, "%08lX%06llX%02X",
	         (unsigned long)time(NULL), (unsigned long long)(c->id & 0xffffff),
	         s->txn & 0xff);
	conn_set_max_line(c, SMTP_MAX_TEXT_LINE);
	smtp_set_state(c, s, SMTP_DATA);
	conn_reply(c, "354 End data with <CR><LF>.<CR><LF>");
	return 0;
}
