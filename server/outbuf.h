/*
 * outbuf.h: a connection's output queue (bytes waiting for wolfSSL_write),
 * grown by doubling, compacted when a write is not in progress, and filled
 * either by copying (conn_send) or in place (conn_reserve, conn_commit).
 */
#ifndef SEALED_OUTBUF_H
#define SEALED_OUTBUF_H

#include <stddef.h>

struct outbuf {
	char   *buf;
	size_t  cap, off, len;     /* bytes [off, len) wait to be written */
	size_t  inflight;          /* length of a wolfSSL_write to repeat, or 0 */
};

/* Room for LEN more bytes after the queued ones (the queue is compacted or
 * grown), or NULL when out of memory. */
char *outbuf_reserve(struct outbuf *, size_t len);

/* Queues the N bytes written at outbuf_reserve's pointer. */
void outbuf_commit(struct outbuf *, size_t n);

/* Frees the buffer (the queue must be empty or abandoned). */
void outbuf_free(struct outbuf *);

#endif
