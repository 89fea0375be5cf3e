/*
 * batch.c: the batch dialogue loop (see batch.h). It sends one line, then
 * reads until the protocol says the reply is complete; body lines go out
 * without waiting. Secrets never reach the transcript: what is printed is
 * what the protocol's command() shows, and buffers that held a secret are
 * wiped. One thread.
 */
#include "batch.h"
#include "defaults.h"
#include "text.h"
#include "timeconst.h"

#include <stdlib.h>
#include <string.h>


struct batch {
	const struct batch_config *cfg;
	const struct client_proto *p;
	void                      *st;     /* the protocol's state */
	struct line_io            *io;
	FILE                      *out, *err;
	int                        got_line; /* the server has said something */
};

/* The server ended the session before its first line: with TLS 1.3 that is
 * how a refused handshake shows (a client certificate missing or rejected
 * is only judged after the client's side of the handshake is done). */
static int
batch_refused_early(struct batch *b, const char *why)
{
	text_printf(b->err, b->cfg->utf8, "seal: TLS handshake with %s failed: the server ended "
	            "the session before its greeting (%s; does it require a client "
	            "certificate?)\n", b->cfg->peer, why);
	return EXIT_CONNECT;
}

/* Reads one whole reply, printing each line. EXIT_OK, EXIT_OTHER, or
 * EXIT_CONNECT when the server hung up before saying anything. */
static int
batch_reply(struct batch *b)
{
	char *line;

	for (;;) {
		switch (b->io->recv(b->io->ctx, &line, b->cfg->reply_timeout_ms)) {
		case LINEIO_LINE:
			b->got_line = 1;
			text_printf(b->out, b->cfg->utf8, "S: %s\n", line);
			fflush(b->out);
			if (b->p->reply_line(b->st, line))
				return EXIT_OK;
			break;
		case LINEIO_TIMEOUT:
			text_printf(b->err, b->cfg->utf8, "seal: no reply from %s within %d s\n",
			            b->cfg->peer, b->cfg->reply_timeout_ms / MS_PER_S);
			return EXIT_OTHER;
		case LINEIO_CLOSED:
			if (!b->got_line)
				return batch_refused_early(b, "connection closed");
			text_printf(b->err, b->cfg->utf8, "seal: %s closed the connection\n",
			            b->cfg->peer);
			return EXIT_OTHER;
		case LINEIO_ERROR:
		default:
			if (!b->got_line)
				return batch_refused_early(b, b->io->why(b->io->ctx));
			text_printf(b->err, b->cfg->utf8, "seal: connection to %s failed: %s\n",
			            b->cfg->peer, b->io->why(b->io->ctx));
			return EXIT_OTHER;
		}
	}
}

/* Sends LINE (printing what the protocol shows of it) and, unless it is
 * body text, reads the reply. EXIT_OK or EXIT_OTHER. */
static int
batch_exchange(struct batch *b, const char *line)
{
	const char *shown;
	int wait = b->p->command(b->st, line, &shown);

	text_printf(b->out, b->cfg->utf8, "C: %s\n", shown);
	fflush(b->out);
	if (b->io->send(b->io->ctx, line) == -1) {
		text_printf(b->err, b->cfg->utf8, "seal: cannot send to %s: %s\n", b->cfg->peer,
		            b->io->why(b->io->ctx));
		return EXIT_OTHER;
	}
	return wait ? batch_reply(b) : EXIT_OK;
}

/* The protocol's automatic login. EXIT_OK (even when refused: see
 * auth_failure) or EXIT_OTHER. */
static int
batch_login(struct batch *b)
{
	char line[PROTO_LINE_MAX];
	int rc = EXIT_OK;

	while (rc == EXIT_OK && b->p->auth_failure(b->st) == NULL &&
	       b->p->login_next(b->st, b->cfg->user, b->cfg->password, line, sizeof line)) {
		rc = batch_exchange(b, line);
		explicit_bzero(line, sizeof line);
	}
	return rc;
}

/* Every line of IN, without its line end. */
static int
batch_script(struct batch *b, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = EXIT_OK;

	while (rc == EXIT_OK && (n = getline(&line, &cap, in)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		rc = batch_exchange(b, line);
	}
	if (rc == EXIT_OK && b->p->in_body(b->st)) {
		text_printf(b->err, b->cfg->utf8, "seal: input ended inside a message: no line "
		            "\".\" to end it\n");
		rc = EXIT_OTHER;
	}
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	return rc;
}

int
batch_run(const struct batch_config *cfg, struct line_io *io, FILE *in, FILE *out, FILE *err)
{
	struct batch b = { .cfg = cfg, .p = cfg->proto, .io = io, .out = out, .err = err };
	const char *refused;
	int rc;

	b.st = calloc(1, b.p->state_size);
	if (b.st == NULL) {
		text_printf(err, cfg->utf8, "seal: out of memory\n");
		return EXIT_OTHER;
	}
	b.p->init(b.st);
	rc = batch_reply(&b);                           /* the greeting */
	if (rc == EXIT_OK && cfg->user != NULL)
		rc = batch_login(&b);
	if (rc == EXIT_OK && b.p->auth_failure(b.st) == NULL)
		rc = batch_script(&b, in);
	if (rc == EXIT_OK && !b.p->quit_sent(b.st))
		rc = batch_exchange(&b, b.p->quit);
	refused = b.p->auth_failure(b.st);
	if (rc == EXIT_OK && refused != NULL) {
		text_printf(err, cfg->utf8, "seal: authentication failed: %s\n", refused);
		rc = EXIT_AUTH;
	}
	explicit_bzero(b.st, b.p->state_size);
	free(b.st);
	return rc;
}
