/*
 * stats.h: the server's counters, plain atomics updated by any thread with
 * relaxed ordering and read by the control socket for `sealed status`.
 */
#ifndef SEALED_STATS_H
#define SEALED_STATS_H

#include <stdatomic.h>

#define STATS_FIELDS(X)                 \
	X(conns_open)                   \
	X(conns_total)                  \
	X(conns_refused)                \
	X(handshakes_full)              \
	X(handshakes_resumed)           \
	X(handshakes_failed)            \
	X(proxy_headers)                \
	X(proxy_refused)                \
	X(logins_ok)                    \
	X(logins_failed)                \
	X(messages_delivered)           \
	X(bytes_in)                     \
	X(bytes_out)                    \
	X(pop3_retrieved)               \
	X(pop3_deleted)                 \
	X(streams_started)              \
	X(streams_active)               \
	X(rtp_packets)

#define STATS_AS_FIELD(name) atomic_long name;
struct stats { STATS_FIELDS(STATS_AS_FIELD) };

#define STATS_ADD(s, field, n) atomic_fetch_add_explicit(&(s)->field, (n), memory_order_relaxed)
#define STATS_GET(s, field)    atomic_load_explicit(&(s)->field, memory_order_relaxed)

#endif
