/*
 * iplimit.h: concurrent connections per client address, for
 * --max-conns-per-ip. 127.0.0.1 and ::1 are exempt (CONTRACT.md: tests and
 * local tools); other loopback addresses such as 127.0.0.2 are not. A hash
 * table behind one mutex; the acceptor acquires, the worker that closes the
 * connection releases.
 */
#ifndef SEALED_IPLIMIT_H
#define SEALED_IPLIMIT_H

struct iplimit;

/* MAX 0 turns the limit off. NULL when out of memory. */
struct iplimit *iplimit_new(int max);
void iplimit_free(struct iplimit *);

/* A new limit (a reload), for the connections from now on; those already
 * counted stay. Any thread. */
void iplimit_set_max(struct iplimit *, int max);

/* Counts one more connection from IP. 0, or -1 when IP is at its limit. */
int iplimit_acquire(struct iplimit *, const char *ip);

/* Counts one connection from IP less (IP "" or unknown: nothing). */
void iplimit_release(struct iplimit *, const char *ip);

/* 1 for 127.0.0.1 and ::1, which no per-address limit applies to. */
int iplimit_is_exempt(const char *ip);

#endif
