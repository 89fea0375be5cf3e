/*
 * linebuf.h: an input buffer (a bytebuf) that splits bytes into CRLF (or LF) lines.
 * Knows nothing of TLS or sockets, so tests feed it bytes directly. One owner
 * at a time; no locking.
 */
#ifndef SEALED_LINEBUF_H
#define SEALED_LINEBUF_H

#include <stddef.h>

#include "bytebuf.h"

struct linebuf {
	struct bytebuf buf;       /* bytes read and not yet taken as lines */
	size_t         max_line;  /* longest line accepted, terminator not counted */
	int            skipping;  /* inside an over-long line: drop bytes up to its LF */
};

enum lb_rc {
	LB_NONE,       /* no complete line buffered */
	LB_LINE,       /* *line holds a NUL-terminated line without its CRLF */
	LB_TOO_LONG    /* a line longer than max_line was dropped whole */
};

void linebuf_init(struct linebuf *, size_t max_line);
void linebuf_free(struct linebuf *);

/* Changes the longest accepted line (e.g. SMTP DATA allows longer lines). */
void linebuf_set_max(struct linebuf *, size_t max_line);

/* Makes room for at least MIN bytes; *space and *avail describe the free tail.
 * 0, or -1 when memory is exhausted. */
int  linebuf_reserve(struct linebuf *, size_t min, char **space, size_t *avail);

/* Records that N bytes were written into the space from linebuf_reserve. */
void linebuf_commit(struct linebuf *, size_t n);

/* Appends LEN bytes (for tests and the client). 0, or -1 on no memory. */
int  linebuf_append(struct linebuf *, const char *data, size_t len);

/* Takes the next line. A returned line stays valid until the next call. */
enum lb_rc linebuf_next(struct linebuf *, char **line, size_t *len);

/* Bytes buffered and not yet consumed (a partial line, or lines not taken). */
size_t linebuf_pending(const struct linebuf *);

/* The buffered bytes not yet consumed, exactly as they came, for binary data
 * mixed with lines (an RTSP body or interleaved frame). Returns how many;
 * *DATA stays valid until the buffer is next changed. 0 while the rest of an
 * over-long line is being dropped. */
size_t linebuf_peek(struct linebuf *, const char **data);

/* Consumes the first N bytes that linebuf_peek() showed (N at most what it
 * returned). */
void linebuf_consume(struct linebuf *, size_t n);

/* Releases the storage when nothing is buffered (idle connections stay small). */
void linebuf_compact(struct linebuf *);

#endif
