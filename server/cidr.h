/*
 * cidr.h: a list of networks written as CIDR blocks ("10.0.0.0/8,::1"), the
 * form of --proxy-from, and the test of an address against it. Parsed once
 * on the main thread; read-only afterwards, so any thread may match.
 */
#ifndef SEALED_CIDR_H
#define SEALED_CIDR_H

#include <stddef.h>
#include <sys/socket.h>

#include "server_defaults.h"

#define CIDR_ADDR_MAX 16   /* an IPv6 address */

struct cidr {
	int           family;               /* AF_INET or AF_INET6 */
	unsigned char addr[CIDR_ADDR_MAX];  /* network order, host bits zero */
	unsigned      prefix;               /* bits that must match */
};

struct cidr_list {
	size_t      n;
	struct cidr nets[PROXY_FROM_MAX];
};

/* Parses SPEC: CIDR blocks separated by commas (no spaces), each a numeric
 * IPv4 or IPv6 address, optionally "/PREFIX" (0 to 32 or 128, no sign nor
 * leading zero; without it the one address). Strict: an empty item, a
 * name, host bits set past the prefix ("10.0.0.1/8") or more than
 * PROXY_FROM_MAX blocks are refused. 0, or -1 with a reason in ERR. */
int cidr_list_parse(const char *spec, struct cidr_list *l, char *err, size_t errlen);

/* 1 when the address of SA (AF_INET or AF_INET6) lies in one of L's
 * networks, else 0. */
int cidr_list_match(const struct cidr_list *l, const struct sockaddr *sa);

#endif
