/*
 * bytebuf.h: a growable byte buffer with a hard cap. Bytes are appended at
 * the tail (copied, or written in place between bytebuf_reserve and
 * bytebuf_commit) and consumed from the head; the storage doubles from a
 * first allocation up to the cap, checked for overflow. The one growth loop
 * of the line reader (linebuf), the server's output queue and held lines,
 * and the clients' receive and text buffers. Pure memory management: no
 * locking, one owner at a time.
 *
 *   data                 head          tail                        cap
 *   |---- consumed ----|--- held ---|---- room ----|
 *                       off          len
 */
#ifndef SEALED_BYTEBUF_H
#define SEALED_BYTEBUF_H

#include <stddef.h>

struct bytebuf {
	char   *data;      /* NULL until the first reserve, and after bytebuf_free */
	size_t  cap;       /* bytes allocated */
	size_t  off;       /* first byte not yet consumed */
	size_t  len;       /* end of the bytes held */
	size_t  initial;   /* first allocation (0: BYTEBUF_INITIAL) */
	size_t  max;       /* largest allocation (0: no cap but SIZE_MAX) */
};

#define BYTEBUF_INITIAL 256      /* first allocation of a buffer set up without one */
#define BYTEBUF_NO_MAX  0        /* max for a buffer bounded by its users alone */

/* An empty buffer whose first allocation is INITIAL bytes and which never
 * grows past MAX bytes (BYTEBUF_NO_MAX: only SIZE_MAX bounds it). A zeroed
 * struct bytebuf is a valid empty buffer too (BYTEBUF_INITIAL, no cap). */
void bytebuf_init(struct bytebuf *, size_t initial, size_t max);

/* Makes room for at least MIN bytes at the tail, growing the storage by
 * doubling (it never moves the held bytes to the front: bytebuf_compact
 * does that, when the owner allows it). Always allocates when there is no
 * storage yet, even for MIN 0. 0, or -1 with errno EMSGSIZE (the cap, or
 * size_t, would be passed) or ENOMEM; the buffer is unchanged then. */
int  bytebuf_reserve(struct bytebuf *, size_t min);

/* Records that N bytes (at most bytebuf_room) were written at the tail. */
void bytebuf_commit(struct bytebuf *, size_t n);

/* Copies LEN bytes to the tail. 0, or -1 as bytebuf_reserve. */
int  bytebuf_append(struct bytebuf *, const void *bytes, size_t len);

/* Drops the first N held bytes (at most bytebuf_used). When none is left
 * the buffer starts again at the front of its storage. */
void bytebuf_consume(struct bytebuf *, size_t n);

/* Moves the held bytes to the front of the storage: the room after them
 * grows by what was consumed. Pointers into the buffer are stale after. */
void bytebuf_compact(struct bytebuf *);

/* Forgets every byte held; the storage is kept for reuse. */
void bytebuf_reset(struct bytebuf *);

/* Frees the storage; the buffer stays usable (empty, same first
 * allocation and cap). */
void bytebuf_free(struct bytebuf *);

/* The held bytes (bytebuf_used of them), or NULL when there is no storage. */
static inline char *
bytebuf_head(const struct bytebuf *b)
{
	return b->data != NULL ? b->data + b->off : NULL;
}

/* Where the next byte goes (bytebuf_room bytes free), or NULL when there
 * is no storage. */
static inline char *
bytebuf_tail(const struct bytebuf *b)
{
	return b->data != NULL ? b->data + b->len : NULL;
}

/* How many bytes are held. */
static inline size_t
bytebuf_used(const struct bytebuf *b)
{
	return b->len - b->off;
}

/* How many bytes fit at the tail without growing. */
static inline size_t
bytebuf_room(const struct bytebuf *b)
{
	return b->cap - b->len;
}

#endif
