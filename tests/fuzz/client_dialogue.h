/*
 * client_dialogue.h: runs seal's batch dialogue (client/batch.c) with a
 * client protocol table (SMTP or POP3) against a fuzzed server: the server's
 * bytes come through a fake struct line_io that splits them into lines as
 * session.c does (common/linebuf, CLIENT_REPLY_LINE_MAX), the user's script
 * is one of a few fixed ones. Shared by fuzz_smtp_reply.c and
 * fuzz_pop3_reply.c. One thread.
 */
#ifndef SEALED_FUZZ_CLIENT_DIALOGUE_H
#define SEALED_FUZZ_CLIENT_DIALOGUE_H

#include <stddef.h>
#include <stdint.h>

struct client_proto;

/* A user's side of a session: lines typed (LF-separated), and whether
 * seal logs in by itself first. */
struct dialogue_script {
	int         login;
	const char *lines;
};

/* Called with every line the server sent (for the protocol's own helpers). */
typedef void (*dialogue_line_fn)(const char *line);

/* DATA[0] picks one of the N SCRIPTS; the rest is what the server sends.
 * Runs the dialogue to its end. */
void dialogue_run(const struct client_proto *proto, const struct dialogue_script *scripts,
                  size_t n, dialogue_line_fn on_line, const uint8_t *data, size_t size);

#endif
