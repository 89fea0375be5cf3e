/*
 * cidr.c: CIDR lists (see cidr.h): a strict parser and a bitwise match.
 * No state.
 */
#include "cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#define CIDR_ITEM_MAX   (INET6_ADDRSTRLEN + sizeof "/128")
#define CIDR_BITS_V4    32
#define CIDR_BITS_V6    128

/* The prefix length TEXT (at most MAX). 0, or -1. */
static int
cidr_prefix(const char *text, unsigned max, unsigned *prefix)
{
	size_t n = strlen(text);
	unsigned v = 0;

	if (n == 0 || n > 3 || (text[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(text[i] - '0');
	}
	if (v > max)
		return -1;
	*prefix = v;
	return 0;
}

/* 1 when the bits of ADDR (LEN bytes) past the first PREFIX are all zero. */
static int
cidr_host_bits_clear(const unsigned char *addr, size_t len, unsigned prefix)
{
	for (size_t i = 0; i < len; i++) {
		unsigned first = 8 * (unsigned)i;   /* the first bit of byte i */
		unsigned host = prefix <= first ? 0xFFu
		                : prefix >= first + 8 ? 0u : 0xFFu >> (prefix - first);
		if ((addr[i] & host) != 0)
			return 0;
	}
	return 1;
}

/* One block ITEM into NET. 0, or -1 with ERR. */
static int
cidr_item(const char *item, struct cidr *net, char *err, size_t errlen)
{
	char addr[CIDR_ITEM_MAX];
	const char *slash = strchr(item, '/');
	size_t alen = slash ? (size_t)(slash - item) : strlen(item);

	memset(net, 0, sizeof *net);
	if (alen == 0 || alen >= sizeof addr)
		goto bad;
	memcpy(addr, item, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, net->addr) == 1)
		net->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, net->addr) == 1)
		net->family = AF_INET6;
	else
		goto bad;
	unsigned bits = net->family == AF_INET ? CIDR_BITS_V4 : CIDR_BITS_V6;
	net->prefix = bits;
	if (slash != NULL && cidr_prefix(slash + 1, bits, &net->prefix) == -1)
		goto bad;
	if (!cidr_host_bits_clear(net->addr, bits / 8, net->prefix)) {
		snprintf(err, errlen, "'%s' has bits set past its /%u prefix", item, net->prefix);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a numeric address or ADDRESS/PREFIX", item);
	return -1;
}

int
cidr_list_parse(const char *spec, struct cidr_list *l, char *err, size_t errlen)
{
	char item[CIDR_ITEM_MAX + 1];
	const char *p = spec;

	memset(l, 0, sizeof *l);
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (l->n == PROXY_FROM_MAX) {
			snprintf(err, errlen, "more than %d networks", PROXY_FROM_MAX);
			return -1;
		}
		if (len == 0 || len >= sizeof item) {
			snprintf(err, errlen, "%s item in '%s'", len == 0 ? "an empty" : "an over-long",
			         spec);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (cidr_item(item, &l->nets[l->n], err, errlen) == -1)
			return -1;
		l->n++;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* 1 when the first PREFIX bits of A and B are equal. */
static int
cidr_prefix_equal(const unsigned char *a, const unsigned char *b, unsigned prefix)
{
	size_t whole = prefix / 8;
	unsigned rest = prefix % 8;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xFFu << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

int
cidr_list_match(const struct cidr_list *l, const struct sockaddr *sa)
{
	const unsigned char *addr;

	if (sa->sa_family == AF_INET)
		addr = (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		addr = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->nets[i].family == sa->sa_family &&
		    cidr_prefix_equal(l->nets[i].addr, addr, l->nets[i].prefix))
			return 1;
	return 0;
}
