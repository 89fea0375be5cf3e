/*
 * proxy_proto.c: the PROXY protocol parser (see proxy_proto.h). Version 2
 * is told by its 12-byte signature, version 1 by "PROXY "; anything else is
 * refused at the first byte that differs. Version 2: version nibble 2,
 * command LOCAL or PROXY, TCP over IPv4 or IPv6 (or UNSPEC), a length of at
 * most PROXY_V2_MAX_BODY that holds the addresses, then TLVs, each of which
 * must fit (they are skipped). Version 1: one line of at most
 * PROXY_V1_MAX bytes, "PROXY TCP4|TCP6 SRC DST SPORT DPORT" with single
 * spaces, numeric addresses of that family and ports 0 to 65535 without
 * leading zeros, or "PROXY UNKNOWN" and anything up to the CRLF. No state.
 */
#include "proxy_proto.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static const unsigned char proxy_v2_sig[12] = {
	0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
};
#define PROXY_V1_SIG     "PROXY "
#define PROXY_V1_SIG_LEN (sizeof PROXY_V1_SIG - 1)

#define V2_VERSION       0x20   /* high nibble of byte 12 */
#define V2_CMD_LOCAL     0x00
#define V2_CMD_PROXY     0x01
#define V2_FAM_UNSPEC    0x00
#define V2_FAM_TCP4      0x11
#define V2_FAM_TCP6      0x21
#define V2_TCP4_LEN      12     /* two IPv4 addresses, two ports */
#define V2_TCP6_LEN      36     /* two IPv6 addresses, two ports */
#define V2_TLV_HEAD      3      /* type, 16-bit length */
#define V1_PORT_DIGITS   5
#define V1_PORT_MAX      65535
#define V1_FIELDS        6      /* PROXY, protocol, src, dst, sport, dport */

static enum proxy_rc
proxy_bad(const char **why, const char *reason)
{
	*why = reason;
	return PROXY_BAD;
}

/* --- Version 2 ----------------------------------------------------------- */

static void
proxy_v2_inet(struct sockaddr_storage *ss, const unsigned char *addr,
              const unsigned char *port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof *ss);
	s4->sin_family = AF_INET;
	memcpy(&s4->sin_addr, addr, 4);
	memcpy(&s4->sin_port, port, 2);   /* both in network order already */
}

static void
proxy_v2_inet6(struct sockaddr_storage *ss, const unsigned char *addr,
               const unsigned char *port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	s6->sin6_family = AF_INET6;
	memcpy(&s6->sin6_addr, addr, 16);
	memcpy(&s6->sin6_port, port, 2);
}

/* The TLVs in BODY[FROM..LEN): each must fit. 0, or -1. */
static int
proxy_v2_tlvs(const unsigned char *body, size_t from, size_t len)
{
	while (from < len) {
		if (len - from < V2_TLV_HEAD)
			return -1;
		size_t vlen = (size_t)body[from + 1] << 8 | body[from + 2];
		if (len - from - V2_TLV_HEAD < vlen)
			return -1;
		from += V2_TLV_HEAD + vlen;
	}
	return 0;
}

/* The addresses of a PROXY command's BODY (LEN bytes) for family FAM. */
static enum proxy_rc
proxy_v2_addrs(const unsigned char *body, size_t len, unsigned fam, struct proxy_header *h,
               const char **why)
{
	size_t need;

	if (fam == V2_FAM_UNSPEC) {
		h->local = 1;   /* the sender does not know: the connection's own ends */
		need = 0;
	} else if (fam == V2_FAM_TCP4) {
		if ((need = V2_TCP4_LEN) > len)
			return proxy_bad(why, "v2 length too short for TCP over IPv4");
		proxy_v2_inet(&h->src, body, body + 8);
		proxy_v2_inet(&h->dst, body + 4, body + 10);
	} else if (fam == V2_FAM_TCP6) {
		if ((need = V2_TCP6_LEN) > len)
			return proxy_bad(why, "v2 length too short for TCP over IPv6");
		proxy_v2_inet6(&h->src, body, body + 32);
		proxy_v2_inet6(&h->dst, body + 16, body + 34);
	} else {
		return proxy_bad(why, "v2 family or transport not TCP over IPv4 or IPv6");
	}
	if (proxy_v2_tlvs(body, need, len) == -1)
		return proxy_bad(why, "v2 TLV runs past the header");
	return PROXY_DONE;
}

static enum proxy_rc
proxy_v2(const unsigned char *buf, size_t len, struct proxy_header *h, const char **why)
{
	if (len < PROXY_V2_FIXED)
		return PROXY_MORE;
	unsigned ver = buf[12] & 0xF0, cmd = buf[12] & 0x0F, fam = buf[13];
	size_t body = (size_t)buf[14] << 8 | buf[15];

	if (ver != V2_VERSION)
		return proxy_bad(why, "v2 signature with a version other than 2");
	if (cmd != V2_CMD_LOCAL && cmd != V2_CMD_PROXY)
		return proxy_bad(why, "v2 command neither LOCAL nor PROXY");
	if (body > PROXY_V2_MAX_BODY)
		return proxy_bad(why, "v2 length over the limit");
	if (len < PROXY_V2_FIXED + body)
		return PROXY_MORE;
	h->version = 2;
	h->len = PROXY_V2_FIXED + body;
	if (cmd == V2_CMD_LOCAL) {   /* a health check: the block is ignored */
		h->local = 1;
		return PROXY_DONE;
	}
	return proxy_v2_addrs(buf + PROXY_V2_FIXED, body, fam, h, why);
}

/* --- Version 1 ----------------------------------------------------------- */

/* A port: 1 to 5 digits, no leading zero, at most 65535. 0, or -1. */
static int
proxy_v1_port(const char *s, in_port_t *port)
{
	size_t n = strlen(s);
	unsigned long v = 0;

	if (n == 0 || n > V1_PORT_DIGITS || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > V1_PORT_MAX)
		return -1;
	*port = htons((uint16_t)v);
	return 0;
}

/* ADDR and PORT of family AF into SS. 0, or -1. */
static int
proxy_v1_endpoint(int af, const char *addr, const char *port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		return inet_pton(AF_INET, addr, &s4->sin_addr) == 1 &&
		       proxy_v1_port(port, &s4->sin_port) == 0 ? 0 : -1;
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_family = AF_INET6;
	return inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1 &&
	       proxy_v1_port(port, &s6->sin6_port) == 0 ? 0 : -1;
}

/* Splits LINE in place at single spaces into at most MAX fields. How many,
 * or -1 for an empty field (two spaces, a space at either end). */
static int
proxy_v1_split(char *line, char **field, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *sp = strchr(p, ' ');
		if (n == max || (sp != NULL ? sp == p : *p == '\0'))
			return -1;
		field[n++] = p;
		if (sp == NULL)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

/* The line LINE (CRLF removed). */
static enum proxy_rc
proxy_v1_line(char *line, struct proxy_header *h, const char **why)
{
	static const char unknown[] = PROXY_V1_SIG "UNKNOWN";
	size_t n = strlen(line), ulen = sizeof unknown - 1;
	char *f[V1_FIELDS];
	int af;

	if (n >= ulen && memcmp(line, unknown, ulen) == 0 && (n == ulen || line[ulen] == ' ')) {
		h->local = 1;   /* the rest of the line is to be ignored */
		return PROXY_DONE;
	}
	if (proxy_v1_split(line, f, V1_FIELDS) != V1_FIELDS)
		return proxy_bad(why, "v1 line is not PROXY, protocol, two addresses, two ports");
	if (strcmp(f[1], "TCP4") == 0)
		af = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		af = AF_INET6;
	else
		return proxy_bad(why, "v1 protocol neither TCP4, TCP6 nor UNKNOWN");
	if (proxy_v1_endpoint(af, f[2], f[4], &h->src) == -1 ||
	    proxy_v1_endpoint(af, f[3], f[5], &h->dst) == -1)
		return proxy_bad(why, "v1 address or port malformed");
	return PROXY_DONE;
}

static enum proxy_rc
proxy_v1(const unsigned char *buf, size_t len, struct proxy_header *h, const char **why)
{
	char line[PROXY_V1_MAX] = { 0 };   /* zeroed: clang-analyzer does not follow the memcpy */
	size_t n = len < PROXY_V1_MAX ? len : PROXY_V1_MAX;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n')
			return proxy_bad(why, "v1 line ends without CR");
		if (buf[i] != '\r' && (buf[i] < 0x20 || buf[i] > 0x7e))
			return proxy_bad(why, "v1 line holds a byte that is not printable ASCII");
		if (buf[i] != '\r')
			continue;
		if (i + 2 > PROXY_V1_MAX)
			return proxy_bad(why, "v1 line too long");
		if (i + 1 == len)
			return PROXY_MORE;
		if (buf[i + 1] != '\n')
			return proxy_bad(why, "v1 line has a CR without LF");
		memcpy(line, buf, i);
		line[i] = '\0';
		h->version = 1;
		h->len = i + 2;
		return proxy_v1_line(line, h, why);
	}
	return len < PROXY_V1_MAX ? PROXY_MORE : proxy_bad(why, "v1 line too long");
}

/* --- Either -------------------------------------------------------------- */

enum proxy_rc
proxy_parse(const unsigned char *buf, size_t len, struct proxy_header *h, const char **why)
{
	size_t v2 = len < sizeof proxy_v2_sig ? len : sizeof proxy_v2_sig;
	size_t v1 = len < PROXY_V1_SIG_LEN ? len : PROXY_V1_SIG_LEN;

	memset(h, 0, sizeof *h);
	*why = NULL;
	if (memcmp(buf, proxy_v2_sig, v2) == 0)
		return v2 < sizeof proxy_v2_sig ? PROXY_MORE : proxy_v2(buf, len, h, why);
	if (memcmp(buf, PROXY_V1_SIG, v1) == 0)
		return v1 < PROXY_V1_SIG_LEN ? PROXY_MORE : proxy_v1(buf, len, h, why);
	return proxy_bad(why, "no PROXY header (bad signature)");
}
