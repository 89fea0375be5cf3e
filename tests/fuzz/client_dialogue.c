/*
 * client_dialogue.c: the fuzzed server of client_dialogue.h. Its recv()
 * hands out the lines of the input, then LINEIO_CLOSED; a line longer than
 * seal accepts is LINEIO_ERROR, as in session.c; send() accepts anything.
 * The transcript is formatted and dropped. One thread.
 */
#include "client_dialogue.h"
#include "fuzzlib.h"

#include "batch.h"
#include "linebuf.h"
#include "net_defaults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIALOGUE_TIMEOUT_MS 1000
#define DIALOGUE_USER       "alice"
#define DIALOGUE_PASS       "wonderland-7"

struct fake_server_io {
	struct linebuf   in;
	dialogue_line_fn on_line;
};

static int
fio_send(void *ctx, const char *line)
{
	(void)ctx;
	FUZZ_CHECK(strchr(line, '\n') == NULL, "a command with a line feed inside");
	return 0;
}

static enum lineio_rc
fio_recv(void *ctx, char **line, int timeout_ms)
{
	struct fake_server_io *f = ctx;
	size_t len;

	(void)timeout_ms;
	switch (linebuf_next(&f->in, line, &len)) {
	case LB_LINE:
		if (f->on_line != NULL)
			f->on_line(*line);
		return LINEIO_LINE;
	case LB_TOO_LONG:
		return LINEIO_ERROR;
	default:
		return LINEIO_CLOSED;      /* what is left is a line without its end */
	}
}

static const char *
fio_why(void *ctx)
{
	(void)ctx;
	return "fuzzed server";
}

static ssize_t
dialogue_discard(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)len;
}

/* A stream that drops what is written without a system call (batch.c
 * flushes after every line: /dev/null cost a write(2) each). */
static FILE *
dialogue_null(void)
{
	static FILE *null;
	cookie_io_functions_t io = { .write = dialogue_discard };

	if (null == NULL && (null = fopencookie(NULL, "w", io)) == NULL) {
		perror("fopencookie");
		abort();
	}
	return null;
}

void
dialogue_run(const struct client_proto *proto, const struct dialogue_script *scripts,
             size_t n, dialogue_line_fn on_line, const uint8_t *data, size_t size)
{
	struct fake_server_io f = { .on_line = on_line };
	struct line_io io = { &f, fio_send, fio_recv, fio_why };

	if (size == 0)
		return;
	const struct dialogue_script *s = &scripts[data[0] % n];
	struct batch_config cfg = {
		.proto = proto, .user = s->login ? DIALOGUE_USER : NULL, .password = DIALOGUE_PASS,
		.peer = "fuzz:1", .reply_timeout_ms = DIALOGUE_TIMEOUT_MS,
	};
	FILE *in = fmemopen((void *)s->lines, strlen(s->lines), "r");
	if (in == NULL)
		abort();
	linebuf_init(&f.in, CLIENT_REPLY_LINE_MAX);
	if (linebuf_append(&f.in, (const char *)data + 1, size - 1) == -1)
		abort();
	batch_run(&cfg, &io, in, dialogue_null(), dialogue_null());
	fclose(in);
	linebuf_free(&f.in);
}
