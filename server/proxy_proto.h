/*
 * proxy_proto.h: the PROXY protocol header (HAProxy's proxy-protocol.txt,
 * version 1 text and version 2 binary) that a trusted load balancer sends
 * at the start of a connection to say who the real client is. A pure
 * parser over the bytes received so far: no I/O, no state, any thread.
 *
 * The caller peeks at the socket (MSG_PEEK), hands what it saw to
 * proxy_parse(), and on PROXY_DONE consumes exactly h->len bytes: whatever
 * follows (a TLS ClientHello that came in the same segment) stays in the
 * socket for wolfSSL. On PROXY_MORE it waits for more bytes; PROXY_PEEK_MAX
 * bytes always decide (a header is never longer).
 */
#ifndef SEALED_PROXY_PROTO_H
#define SEALED_PROXY_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "server_defaults.h"

#define PROXY_V1_MAX      107   /* a whole v1 line, CRLF included (the spec's bound) */
#define PROXY_V2_FIXED    16    /* signature, version and command, family, length */
#define PROXY_PEEK_MAX    (PROXY_V2_FIXED + PROXY_V2_MAX_BODY)

enum proxy_rc {
	PROXY_MORE,   /* a header may still come: read more */
	PROXY_DONE,   /* a whole, valid header of h->len bytes */
	PROXY_BAD     /* not a valid header: close (the reason in *why) */
};

struct proxy_header {
	size_t                  len;       /* bytes of the header, to consume */
	int                     version;   /* 1 or 2 */
	int                     local;     /* no client address: v2 LOCAL (a health
	                                      check), v2 UNSPEC or v1 UNKNOWN: the
	                                      connection is the proxy's own */
	struct sockaddr_storage src;       /* the client, unless local */
	struct sockaddr_storage dst;       /* the address it connected to, unless local */
};

/* Parses the LEN bytes at BUF, the first a connection received. PROXY_DONE
 * with H filled; PROXY_MORE when they are a valid beginning of a header
 * (fewer than PROXY_PEEK_MAX bytes); PROXY_BAD with WHY (a static string)
 * for a wrong signature, version, command, family, length, address or
 * port, or a TLV that runs past the header. */
enum proxy_rc proxy_parse(const unsigned char *buf, size_t len, struct proxy_header *h,
                          const char **why);

#endif
