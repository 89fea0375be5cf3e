/*
 * lineio.h: the line transport that protocol dialogues (batch mode, later
 * the TUI and seal-load) run over: send a line, receive a line with a
 * timeout. A TLS session provides one (session_line_io); tests provide a
 * scripted fake. Used by one thread.
 */
#ifndef SEAL_LINEIO_H
#define SEAL_LINEIO_H

enum lineio_rc {
	LINEIO_LINE,      /* *line holds a NUL-terminated line without CRLF */
	LINEIO_TIMEOUT,   /* nothing complete arrived in time */
	LINEIO_CLOSED,    /* the peer closed the connection */
	LINEIO_ERROR      /* see why() */
};

struct line_io {
	void *ctx;
	/* Sends LINE and CRLF. 0, or -1 (see why). */
	int (*send)(void *ctx, const char *line);
	/* Receives the next line; it stays valid until the next call. */
	enum lineio_rc (*recv)(void *ctx, char **line, int timeout_ms);
	/* The reason of the last failure, for a message. */
	const char *(*why)(void *ctx);
};

#endif
