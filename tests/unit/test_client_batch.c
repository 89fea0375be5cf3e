/* test_client_batch.c: seal's batch dialogue over a scripted fake SMTP
 * server (no sockets): transcript, masking, DATA, automatic QUIT, exit codes. */
#include "unit.h"
#include "batch.h"
#include "defaults.h"
#include "smtp_client.h"

#include <stdlib.h>

#define FAKE_LINES 64
#define FAKE_LEN   256

/* A fake server: each line sent queues its reply lines. */
struct fake {
	char queue[FAKE_LINES][FAKE_LEN];
	int  head, tail;
	int  closed;          /* after QUIT or CLOSE */
	int  in_data;
	char sent[FAKE_LINES][FAKE_LEN];
	int  nsent;
	char line[FAKE_LEN];  /* what recv hands out */
};

static void
fake_push(struct fake *f, const char *line)
{
	if (f->tail < FAKE_LINES)
		snprintf(f->queue[f->tail++], FAKE_LEN, "%s", line);
}

/* The fake server's rules. */
static void
fake_answer(struct fake *f, const char *l)
{
	if (f->in_data) {
		if (strcmp(l, ".") == 0) {
			f->in_data = 0;
			fake_push(f, "250 2.0.0 queued");
		}
	} else if (strncmp(l, "EHLO", 4) == 0) {
		fake_push(f, "250-localhost");
		fake_push(f, "250 AUTH PLAIN LOGIN");
	} else if (strcmp(l, "AUTH PLAIN AGV2aWwAeA==") == 0) {          /* evil, x */
		fake_push(f, "535 5.7.8 \x1b]0;pwned\x07 no\x9b");
	} else if (strncmp(l, "AUTH PLAIN ", 11) == 0) {
		fake_push(f, strcmp(l + 11, "AGFsaWNlAHNlY3JldA==") == 0 ? "235 2.7.0 ok" :
		          "535 5.7.8 Authentication credentials invalid");
	} else if (strcmp(l, "EVIL") == 0) {
		fake_push(f, "250-\x1b[2J\x1b[1A\rFAILED\x7f");
		fake_push(f, "250 \xc2\x9b" "31m caf\xc3\xa9\t.");
	} else if (strcmp(l, "DATA") == 0) {
		f->in_data = 1;
		fake_push(f, "354 go ahead");
	} else if (strcmp(l, "QUIT") == 0) {
		fake_push(f, "221 2.0.0 bye");
		f->closed = 1;
	} else if (strcmp(l, "CLOSE") == 0) {
		f->closed = 1;
	} else if (strcmp(l, "HANG") != 0) {
		fake_push(f, "250 ok");
	}
}

static int
fake_send(void *ctx, const char *line)
{
	struct fake *f = ctx;

	if (f->closed && f->head == f->tail)
		return -1;
	if (f->nsent < FAKE_LINES)
		snprintf(f->sent[f->nsent++], FAKE_LEN, "%s", line);
	fake_answer(f, line);
	return 0;
}

static enum lineio_rc
fake_recv(void *ctx, char **line, int timeout_ms)
{
	struct fake *f = ctx;

	(void)timeout_ms;
	if (f->head == f->tail)
		return f->closed ? LINEIO_CLOSED : LINEIO_TIMEOUT;
	snprintf(f->line, sizeof f->line, "%s", f->queue[f->head++]);
	*line = f->line;
	return LINEIO_LINE;
}

static const char *
fake_why(void *ctx)
{
	(void)ctx;
	return "connection closed";
}

struct run {
	int   rc;
	char *out, *err;
	struct fake f;
};

/* Runs batch mode on INPUT, logging in as USER (or not, when NULL). */
static void
run_batch(struct run *r, const char *input, const char *user, const char *pass)
{
	struct line_io io = { &r->f, fake_send, fake_recv, fake_why };
	struct batch_config cfg = { &smtp_client_proto, user, pass, "localhost:8465", 30000, 1 };
	size_t olen = 0, elen = 0;
	FILE *in = fmemopen((void *)input, strlen(input), "r");
	FILE *out = open_memstream(&r->out, &olen);
	FILE *err = open_memstream(&r->err, &elen);

	memset(&r->f, 0, sizeof r->f);
	fake_push(&r->f, "220-localhost ESMTP sealed");
	fake_push(&r->f, "220 ready");
	r->rc = batch_run(&cfg, &io, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

UNIT_TEST(client_batch_login_data_and_automatic_quit)
{
	struct run r;

	run_batch(&r, "MAIL FROM:<alice@localhost>\nDATA\r\nSubject: x\n\n..dot\n.\n",
	          "alice", "secret");
	CHECK_INT(r.rc, EXIT_OK);
	CHECK_STR(r.out,
	          "S: 220-localhost ESMTP sealed\nS: 220 ready\n"
	          "C: EHLO seal\nS: 250-localhost\nS: 250 AUTH PLAIN LOGIN\n"
	          "C: AUTH PLAIN ********\nS: 235 2.7.0 ok\n"
	          "C: MAIL FROM:<alice@localhost>\nS: 250 ok\n"
	          "C: DATA\nS: 354 go ahead\n"
	          "C: Subject: x\nC: \nC: ..dot\nC: .\nS: 250 2.0.0 queued\n"
	          "C: QUIT\nS: 221 2.0.0 bye\n");
	CHECK_STR(r.err, "");
	CHECK_STR(r.f.sent[1], "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
	CHECK_STR(r.f.sent[6], "..dot");          /* passed through as written */
	run_free(&r);
}

UNIT_TEST(client_batch_refused_login_exits_5)
{
	struct run r;

	run_batch(&r, "NOOP\n", "alice", "wrong");
	CHECK_INT(r.rc, EXIT_AUTH);
	CHECK(strstr(r.out, "C: AUTH PLAIN ********\nS: 535 ") != NULL);
	CHECK(strstr(r.out, "C: NOOP") == NULL);   /* the script does not run */
	CHECK(strstr(r.out, "C: QUIT\nS: 221") != NULL);
	CHECK_STR(r.err, "seal: authentication failed: 5.7.8 Authentication credentials invalid\n");
	run_free(&r);
}

UNIT_TEST(client_batch_auth_in_script_is_masked_and_counted)
{
	struct run r;

	run_batch(&r, "EHLO me\nAUTH PLAIN AGJvYgB4\nQUIT\n", NULL, NULL);
	CHECK_INT(r.rc, EXIT_AUTH);
	CHECK(strstr(r.out, "C: AUTH PLAIN ********\n") != NULL);
	CHECK(strstr(r.out, "AGJvYgB4") == NULL);
	CHECK(strstr(r.out, "C: QUIT\nS: 221 2.0.0 bye\n") != NULL);
	CHECK_INT(r.f.nsent, 3);                   /* QUIT not sent twice */
	run_free(&r);
}

UNIT_TEST(client_batch_server_closing_exits_1)
{
	struct run r;

	run_batch(&r, "NOOP\nCLOSE\nNOOP\n", NULL, NULL);
	CHECK_INT(r.rc, EXIT_OTHER);
	CHECK_STR(r.err, "seal: localhost:8465 closed the connection\n");
	run_free(&r);
}

UNIT_TEST(client_batch_reply_timeout_exits_1)
{
	struct run r;

	run_batch(&r, "HANG\n", NULL, NULL);
	CHECK_INT(r.rc, EXIT_OTHER);
	CHECK_STR(r.err, "seal: no reply from localhost:8465 within 30 s\n");
	run_free(&r);
}

UNIT_TEST(client_batch_input_ending_inside_body_exits_1)
{
	struct run r;

	run_batch(&r, "DATA\nno end\n", NULL, NULL);
	CHECK_INT(r.rc, EXIT_OTHER);
	CHECK(strstr(r.err, "inside a message") != NULL);
	CHECK(strstr(r.out, "C: QUIT") == NULL);
	run_free(&r);
}

UNIT_TEST(client_batch_server_controls_never_reach_the_output)
{
	struct run r;

	run_batch(&r, "EVIL\n", NULL, NULL);
	CHECK_INT(r.rc, EXIT_OK);
	CHECK_STR(r.out,
	          "S: 220-localhost ESMTP sealed\nS: 220 ready\n"
	          "C: EVIL\nS: 250-?[2J?[1A?FAILED?\nS: 250 ?31m caf\xc3\xa9 .\n"
	          "C: QUIT\nS: 221 2.0.0 bye\n");
	CHECK_STR(r.err, "");
	run_free(&r);
	run_batch(&r, "", "evil", "x");
	CHECK_INT(r.rc, EXIT_AUTH);
	CHECK_STR(r.err, "seal: authentication failed: 5.7.8 ?]0;pwned? no?\n");
	CHECK(strchr(r.out, '\x1b') == NULL);
	run_free(&r);
}
