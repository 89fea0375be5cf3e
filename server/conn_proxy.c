/*
 * conn_proxy.c: the PROXY phase of a connection from a trusted proxy
 * (--proxy-from): its PROXY header is read before wolfSSL sees the socket,
 * exactly and never a byte more, then the client the header names becomes
 * the connection's peer. Owns the bytes of the header read so far (struct
 * conn_proxy, freed when the phase ends). Worker thread.
 *
 * How nothing past the header is read: each round peeks at what the socket
 * holds (MSG_PEEK) after the bytes kept so far and parses the whole; while
 * the parser says the header is not complete, every byte seen belongs to it
 * (or the header is bad and the connection closes), so they are taken out
 * of the socket and kept, which also lets epoll wait for the rest; once it
 * is complete, exactly the header's remaining bytes are taken. A ClientHello
 * sent in the same segment stays in the socket for the handshake.
 */
#include "conn.h"
#include "server_defaults.h"
#include "iplimit.h"
#include "log.h"
#include "proxy_proto.h"
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

struct conn_proxy {
	size_t        have;                 /* header bytes taken out of the socket */
	unsigned char buf[PROXY_PEEK_MAX];
};

void
conn_proxy_free(struct conn_proxy *p)
{
	free(p);
}

/* A refused header: counted, logged with the proxy's address, closed. */
static int
conn_proxy_refuse(struct conn *c, const char *why)
{
	char text[160];

	STATS_ADD(&c->srv->stats, proxy_refused, 1);
	snprintf(text, sizeof text, "proxy header refused: %s", why);
	conn_close(c, text);
	return -1;
}

/* Takes exactly N bytes out of the socket into the kept header. 0, or -1. */
static int
conn_proxy_take(struct conn *c, size_t n)
{
	struct conn_proxy *p = c->proxy;
	ssize_t r;

	do
		r = recv(c->fd, p->buf + p->have, n, MSG_DONTWAIT);
	while (r == -1 && errno == EINTR);
	if (r != (ssize_t)n)   /* they were there a moment ago (peeked) */
		return -1;
	p->have += n;
	return 0;
}

/* The header H is whole and taken: its client becomes the peer and is
 * counted in the per-address limit; then the TLS handshake begins. */
static int
conn_proxy_apply(struct conn *c, const struct proxy_header *h)
{
	char via[CONN_ADDR_MAX];

	snprintf(via, sizeof via, "%s", c->peer);
	if (!h->local)
		conn_format_addr(&h->src, c->peer, c->peer_ip);
	conn_proxy_free(c->proxy);
	c->proxy = NULL;
	if (iplimit_acquire(c->srv->iplimit, c->peer_ip) == -1) {
		log_warnx("%s: connection via proxy %s refused: too many connections from this "
		          "address", c->peer_ip, via);
		STATS_ADD(&c->srv->stats, conns_refused, 1);
		conn_close(c, "too many connections from this address");
		return -1;
	}
	c->ip_counted = 1;
	STATS_ADD(&c->srv->stats, proxy_headers, 1);
	conn_log_event(c, "connect via proxy %s (PROXY v%d%s)", via, h->version,
	               h->local ? h->version == 2 ? ", LOCAL: the proxy's own" : ", UNKNOWN" : "");
	conn_set_phase(c, CONN_HANDSHAKE);
	c->deadline_ms = conn_now_ms() + HANDSHAKE_TIMEOUT_MS;
	return 1;
}

int
conn_proxy_read(struct conn *c)
{
	struct proxy_header h;
	const char *why;
	ssize_t n;

	if (c->proxy == NULL && (c->proxy = calloc(1, sizeof *c->proxy)) == NULL) {
		conn_close(c, "out of memory reading the proxy header");
		return -1;
	}
	struct conn_proxy *p = c->proxy;
	do
		n = recv(c->fd, p->buf + p->have, sizeof p->buf - p->have, MSG_PEEK | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0) {
		conn_close(c, n == 0 ? "by proxy before a whole PROXY header" : "proxy: read failed");
		return -1;
	}
	enum proxy_rc rc = proxy_parse(p->buf, p->have + (size_t)n, &h, &why);
	if (rc == PROXY_BAD)
		return conn_proxy_refuse(c, why);
	if (rc == PROXY_MORE)   /* all of it is header: take it, wait for the rest */
		return conn_proxy_take(c, (size_t)n) == -1 ? conn_proxy_refuse(c, "read failed") : 0;
	if (conn_proxy_take(c, h.len - p->have) == -1)
		return conn_proxy_refuse(c, "read failed");
	return conn_proxy_apply(c, &h);
}
