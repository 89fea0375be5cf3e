/*
 * service.h: the interface every protocol (SMTP, POP3, RTSP) implements, as
 * a table of functions the connection core calls on the worker thread that
 * owns the connection. A handler never blocks: slow work goes through
 * conn_run_job(), delays through conn_delay().
 */
#ifndef SEALED_SERVICE_H
#define SEALED_SERVICE_H

#include <stddef.h>

struct conn;

/* on_raw's answer: decide later, when more input has arrived. */
#define SERVICE_RAW_MORE ((size_t)-1)

struct service {
	const char *name;            /* "smtp": log tag and listener name */
	size_t      state_size;      /* bytes of protocol state, zeroed, in conn->ps */
	size_t      max_line;        /* initial longest line */
	int         idle_timeout_ms;
	/* After the handshake: send the greeting. 0, or -1 to close. */
	int  (*on_open)(struct conn *);
	/* One complete line, CRLF stripped, NUL-terminated. 0 to go on, -1 to
	 * close at once (replies already queued are still flushed). */
	int  (*on_line)(struct conn *, char *line, size_t len);
	/* A line longer than the current maximum arrived and was dropped. */
	int  (*on_overflow)(struct conn *);
	/* The idle timeout passed: send the final reply (the core then closes). */
	void (*on_timeout)(struct conn *);
	/* The server is stopping. Return 1 to finish work in flight (the core asks
	 * again after each line), or 0 after queuing a final reply (then closed). */
	int  (*on_shutdown)(struct conn *);
	/* Output ran low after conn_want_drain(c, 1): queue the next piece of a
	 * long reply with conn_send(). May be NULL for protocols that never ask. */
	void (*on_drain)(struct conn *);
	/* The connection is going away: free what the protocol state holds. */
	void (*on_close)(struct conn *);
	/* Optional (NULL: the input is lines only). Sees the unread input, as
	 * it came, before each line is split off, so a protocol can take bytes
	 * that are not lines (an RTSP body, RTP interleaved frames). Returns
	 * how many bytes it consumed (the core drops them and offers the rest
	 * again), 0 to let the next line go to on_line as usual, or
	 * SERVICE_RAW_MORE to wait for more input before deciding. */
	size_t (*on_raw)(struct conn *, const char *data, size_t len);
};

extern const struct service service_smtp;
extern const struct service service_rtsp;
extern const struct service service_pop3;

#endif
