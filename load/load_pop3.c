/*
 * load_pop3.c: the pop3 driver of seal-load (see load_pop3.h). Replies are
 * read as lines from the client's line buffer, except a RETR body, which is
 * scanned in place (load_pop3_body_scan: memchr per line, no copy), so a
 * 30 MB message costs the client little more than its decryption. One
 * request at a time, each sent when the previous reply is complete. Only the
 * client's event-loop thread calls in.
 */
#include "load_pop3.h"
#include "decimal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOAD_POP3_STEPS(X) \
	X(GREETING, "greeting") X(USER, "USER") X(PASS, "PASS") X(STAT, "STAT") \
	X(LIST, "LIST") X(LISTING, "LIST listing") X(RETR, "RETR") X(BODY, "RETR body") \
	X(QUIT, "QUIT") X(BYE, "close after QUIT")
#define LOAD_POP3_ENUM(id, name) LOAD_POP3_##id,
enum load_pop3_step { LOAD_POP3_STEPS(LOAD_POP3_ENUM) LOAD_POP3_STEP_COUNT };
#undef LOAD_POP3_ENUM
#define LOAD_POP3_NAME(id, name) name,
static const char *const load_pop3_step_names[] = { LOAD_POP3_STEPS(LOAD_POP3_NAME) };
#undef LOAD_POP3_NAME

#define POP3_OK          "+OK"
#define POP3_OK_LEN      3
#define POP3_IN_USE      "[IN-USE]"
#define POP3_QUOTE_MAX   80      /* bytes of a bad reply quoted in a failure */
#define POP3_END_LEN     3       /* ".\r\n" */

struct load_pop3 {
	enum load_pop3_step step;
	unsigned long count;          /* STAT: messages in the maildrop */
	unsigned long listed;         /* LIST: lines seen */
	unsigned long next;           /* RETR: the message being read, 1-based */
	uint64_t     *sizes;          /* LIST: octets of message i at [i - 1] */
	size_t        sizes_cap;
	uint64_t      claimed;        /* "+OK N octets", or UINT64_MAX when not said */
	int64_t       retr_at;        /* when the RETR was sent */
	struct load_pop3_body body;
};

void
load_pop3_body_init(struct load_pop3_body *b)
{
	b->octets = 0;
	b->line_start = 1;
}

/* A line that begins with "." at P (AVAIL bytes): 1 stuffed (drop the dot),
 * 0 not judged yet (too few bytes), -1 the end, -2 bad. */
static int
load_pop3_dot(const char *p, size_t avail)
{
	if (avail < 2)
		return 0;
	if (p[1] == '.')
		return 1;
	if (avail < POP3_END_LEN)
		return 0;
	return p[1] == '\r' && p[2] == '\n' ? -1 : -2;
}

enum load_body_rc
load_pop3_body_scan(struct load_pop3_body *b, const char *p, size_t len, size_t *used)
{
	size_t i = 0;

	while (i < len) {
		if (b->line_start && p[i] == '.') {
			int d = load_pop3_dot(p + i, len - i);
			if (d == 0)
				break;
			if (d < 0) {
				*used = d == -1 ? i + POP3_END_LEN : i;
				return d == -1 ? LOAD_BODY_END : LOAD_BODY_BAD;
			}
			i++;                      /* the stuffed dot is not the message's */
			b->line_start = 0;
			continue;
		}
		const char *lf = memchr(p + i, '\n', len - i);
		size_t span = lf != NULL ? (size_t)(lf - (p + i)) + 1 : len - i;
		b->octets += span;
		b->line_start = lf != NULL;
		i += span;
	}
	*used = i;
	return LOAD_BODY_MORE;
}

static const char *
pop3_step_name(const struct load_client *c)
{
	const struct load_pop3 *p = c->mode;

	return p != NULL && p->step < LOAD_POP3_STEP_COUNT ? load_pop3_step_names[p->step] : "start";
}

/* Moves to STEP and sends the command made from FMT; the text is wiped
 * afterwards (PASS). 0, or -1 if the session ended. */
static int PRINTF_LIKE(5, 6)
pop3_command(struct load_client *c, struct load_pop3 *p, enum load_pop3_step step,
             int64_t now, const char *fmt, ...)
{
	char buf[LOAD_SEND_MAX];
	va_list ap;

	p->step = step;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: command too long", pop3_step_name(c));
		return -1;
	}
	int rc = load_client_send(c, buf, (size_t)n, now);
	explicit_bzero(buf, sizeof buf);
	return rc;
}

/* The next RETR, or QUIT when every message was read. */
static int
pop3_next_message(struct load_client *c, struct load_pop3 *p, int64_t now)
{
	if (p->next > p->count)
		return pop3_command(c, p, LOAD_POP3_QUIT, now, "QUIT\r\n");
	p->claimed = UINT64_MAX;
	p->retr_at = load_run_now_us();
	return pop3_command(c, p, LOAD_POP3_RETR, now, "RETR %lu\r\n", p->next);
}

/* The final "." of a RETR came: check the octets, count the message. */
static int
pop3_retr_done(struct load_client *c, struct load_pop3 *p, int64_t now)
{
	uint64_t want = p->sizes[p->next - 1], got = p->body.octets;
	struct load_stats *s = &c->run->stats;

	if (got != want || (p->claimed != UINT64_MAX && p->claimed != want)) {
		char claim[POP3_QUOTE_MAX] = "";
		if (p->claimed != UINT64_MAX)
			snprintf(claim, sizeof claim, ", its +OK %llu", (unsigned long long)p->claimed);
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "RETR %lu: %llu octets came, LIST "
		                 "said %llu%s", p->next, (unsigned long long)got,
		                 (unsigned long long)want, claim);
		return -1;
	}
	atomic_fetch_add_explicit(&s->messages, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->bytes, got, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->busy_us, (unsigned long long)(load_run_now_us() - p->retr_at),
	                          memory_order_relaxed);
	p->next++;
	return pop3_next_message(c, p, now);
}

/* BODY: scans what the line buffer holds. 1 the body ended (the next step
 * began), 0 wait for more, -1 the session ended. */
static int
pop3_body(struct load_client *c, struct load_pop3 *p, int64_t now)
{
	const char *data = NULL;
	size_t used, have = linebuf_peek(&c->in, &data);

	if (have == 0)
		return 0;
	enum load_body_rc rc = load_pop3_body_scan(&p->body, data, have, &used);
	linebuf_consume(&c->in, used);
	if (rc == LOAD_BODY_MORE) {
		load_client_arm(c, now);
		return 0;
	}
	if (rc == LOAD_BODY_BAD) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "RETR %lu: a line begins with a "
		                 "lone \".\" that does not end the reply", p->next);
		return -1;
	}
	return pop3_retr_done(c, p, now) == -1 ? -1 : 1;
}

/* A whole number at *S (advanced past it and the blanks after). 0, or -1. */
static int
pop3_number(const char **s, uint64_t *out)
{
	if (decimal_scan(s, UINT64_MAX, out) == -1)
		return -1;
	*s += strspn(*s, " ");
	return 0;
}

/* STAT's "+OK COUNT SIZE": keeps COUNT, makes room for the sizes, LIST. */
static int
pop3_stat(struct load_client *c, struct load_pop3 *p, const char *text, int64_t now)
{
	uint64_t n, size;

	if (pop3_number(&text, &n) == -1 || pop3_number(&text, &size) == -1 ||
	    n > POP3_MAX_MESSAGES) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "STAT: not \"+OK count size\" "
		                 "(or over %d messages)", POP3_MAX_MESSAGES);
		return -1;
	}
	if (n > p->sizes_cap) {
		uint64_t *s = realloc(p->sizes, (size_t)n * sizeof *s);
		if (s == NULL) {
			load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "out of memory");
			return -1;
		}
		p->sizes = s;
		p->sizes_cap = (size_t)n;
	}
	p->count = (unsigned long)n;
	p->listed = 0;
	return pop3_command(c, p, LOAD_POP3_LIST, now, "LIST\r\n");
}

/* One line of the LIST listing ("N SIZE", in order), or its final ".". */
static int
pop3_listing(struct load_client *c, struct load_pop3 *p, const char *line, int64_t now)
{
	uint64_t num, size;

	if (strcmp(line, ".") == 0) {
		if (p->listed != p->count) {
			load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "LIST: %lu messages listed, STAT "
			                 "said %lu", p->listed, p->count);
			return -1;
		}
		p->next = 1;
		return pop3_next_message(c, p, now);
	}
	if (pop3_number(&line, &num) == -1 || pop3_number(&line, &size) == -1 ||
	    *line != '\0' || num != p->listed + 1 || num > p->count) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "LIST: line %lu is not \"%lu size\"",
		                 p->listed + 1, p->listed + 1);
		return -1;
	}
	p->sizes[p->listed++] = size;
	return 0;
}

/* RETR's "+OK": the octets it claims, if it says "N octets"; the body next. */
static int
pop3_retr_ok(struct load_pop3 *p, const char *text)
{
	uint64_t n;

	if (pop3_number(&text, &n) == 0 && strncmp(text, "octets", strlen("octets")) == 0)
		p->claimed = n;
	p->step = LOAD_POP3_BODY;
	load_pop3_body_init(&p->body);
	return 1;
}

/* A "+OK" to the step in progress (TEXT: what follows it). 1 the body
 * begins, 0 go on, -1 the session ended. */
static int
pop3_ok(struct load_client *c, struct load_pop3 *p, const char *text, int64_t now)
{
	char user[USER_NAME_MAX + 1];

	switch (p->step) {
	case LOAD_POP3_GREETING:
		if (load_run_user(c->run, c->id, user, sizeof user) == -1) {
			load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "USER: the name is too long");
			return -1;
		}
		return pop3_command(c, p, LOAD_POP3_USER, now, "USER %s\r\n", user);
	case LOAD_POP3_USER:
		return pop3_command(c, p, LOAD_POP3_PASS, now, "PASS %s\r\n", c->run->password);
	case LOAD_POP3_PASS:
		return pop3_command(c, p, LOAD_POP3_STAT, now, "STAT\r\n");
	case LOAD_POP3_STAT:
		return pop3_stat(c, p, text, now);
	case LOAD_POP3_LIST:
		p->step = LOAD_POP3_LISTING;
		return 0;
	case LOAD_POP3_RETR:
		return pop3_retr_ok(p, text);
	case LOAD_POP3_QUIT:
		p->step = LOAD_POP3_BYE;    /* the server closes: the lock is free then */
		return 0;
	default:
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: a reply nothing asked for",
		                 pop3_step_name(c));
		return -1;
	}
}

/* A reply line that is not "+OK": the failure, with a hint for a maildrop
 * that concurrent clients share. */
static void
pop3_refused(struct load_client *c, const char *line, size_t len, int64_t now)
{
	const char *hint = "";

	if (strstr(line, POP3_IN_USE) != NULL && c->run->opts->clients > 1 &&
	    strstr(c->run->opts->user, LOAD_USER_NUMBER) == NULL)
		hint = " (concurrent clients share one maildrop: put " LOAD_USER_NUMBER
		       " in --user for one user per client)";
	load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: \"%.*s\"%s", pop3_step_name(c),
	                 (int)(len < POP3_QUOTE_MAX ? len : POP3_QUOTE_MAX), line, hint);
}

/* One reply line. 1 the body begins, 0 go on, -1 the session ended. */
static int
pop3_line(struct load_client *c, struct load_pop3 *p, const char *line, size_t len,
          int64_t now)
{
	if (p->step == LOAD_POP3_LISTING)
		return pop3_listing(c, p, line, now);
	if (len >= POP3_OK_LEN && strncmp(line, POP3_OK, POP3_OK_LEN) == 0 &&
	    (len == POP3_OK_LEN || line[POP3_OK_LEN] == ' '))
		return pop3_ok(c, p, line + POP3_OK_LEN + strspn(line + POP3_OK_LEN, " "), now);
	pop3_refused(c, line, len, now);
	return -1;
}

/* Reply lines while not in a body. 1 a body begins, 0 wait for more, -1 the
 * session ended. */
static int
pop3_lines(struct load_client *c, struct load_pop3 *p, int64_t now)
{
	char *line;
	size_t len;
	int got;

	while ((got = load_client_line(c, now, &line, &len)) == 1) {
		int rc = pop3_line(c, p, line, len, now);
		if (rc != 0)
			return rc;
	}
	return got;
}

static int
pop3_begin(struct load_client *c, int64_t now)
{
	struct load_pop3 *p = c->mode;

	if (p == NULL && (p = c->mode = calloc(1, sizeof *p)) == NULL) {
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "out of memory");
		return -1;
	}
	p->step = LOAD_POP3_GREETING;
	p->count = p->listed = p->next = 0;
	return 0;
}

static int
pop3_space(struct load_client *c, char **space, size_t *avail)
{
	return linebuf_reserve(&c->in, LOAD_BULK_READ, space, avail);
}

static int
pop3_input(struct load_client *c, size_t n, int64_t now)
{
	struct load_pop3 *p = c->mode;
	int rc;

	linebuf_commit(&c->in, n);
	do
		rc = p->step == LOAD_POP3_BODY ? pop3_body(c, p, now) : pop3_lines(c, p, now);
	while (rc == 1);
	return rc;
}

static void
pop3_closed(struct load_client *c, int64_t now, const char *how)
{
	struct load_pop3 *p = c->mode;

	if (p != NULL && p->step == LOAD_POP3_BYE)
		load_client_finish(c, now);
	else
		load_client_fail(c, now, LOAD_FAIL_PROTOCOL, "%s: the server closed the session "
		                 "(%s)", pop3_step_name(c), how);
}

static void
pop3_end(struct load_client *c)
{
	struct load_pop3 *p = c->mode;

	if (p != NULL)
		p->step = LOAD_POP3_GREETING;
}

static void
pop3_free(struct load_client *c)
{
	struct load_pop3 *p = c->mode;

	if (p != NULL)
		free(p->sizes);
	free(p);
	c->mode = NULL;
}

const struct load_driver load_pop3_driver = {
	.step = pop3_step_name,
	.begin = pop3_begin,
	.space = pop3_space,
	.input = pop3_input,
	.closed = pop3_closed,
	.end = pop3_end,
	.free = pop3_free,
};
