/*
 * test_proxy_proto.c: the PROXY protocol parser (server/proxy_proto.c) on
 * whole, partial and bad headers of both versions, with what follows them
 * left alone; and --proxy-from's CIDR lists (server/cidr.c).
 */
#include "unit.h"

#include "cidr.h"
#include "proxy_proto.h"

#include <arpa/inet.h>
#include <netinet/in.h>

static const unsigned char v2_sig[12] = {
	0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
};

/* A v2 header into OUT: VER_CMD, FAM, then BODY (BLEN bytes). Its length. */
static size_t
v2(unsigned char *out, unsigned ver_cmd, unsigned fam, const unsigned char *body, size_t blen)
{
	memcpy(out, v2_sig, sizeof v2_sig);
	out[12] = (unsigned char)ver_cmd;
	out[13] = (unsigned char)fam;
	out[14] = (unsigned char)(blen >> 8);
	out[15] = (unsigned char)blen;
	memcpy(out + 16, body, blen);
	return 16 + blen;
}

/* The TCP4 body for 198.51.100.7:40000 -> 192.0.2.1:8465, plus EXTRA bytes of TLVs. */
static size_t
tcp4_body(unsigned char *b, const unsigned char *extra, size_t elen)
{
	static const unsigned char a[12] = { 198, 51, 100, 7, 192, 0, 2, 1, 0x9C, 0x40, 0x21, 0x11 };
	memcpy(b, a, sizeof a);
	if (elen > 0)
		memcpy(b + sizeof a, extra, elen);
	return sizeof a + elen;
}

static const char *
src_text(const struct proxy_header *h, char *buf, size_t len)
{
	const void *addr = h->src.ss_family == AF_INET
	                   ? (const void *)&((const struct sockaddr_in *)&h->src)->sin_addr
	                   : (const void *)&((const struct sockaddr_in6 *)&h->src)->sin6_addr;
	return inet_ntop(h->src.ss_family, addr, buf, (socklen_t)len);
}

static unsigned
src_port(const struct proxy_header *h)
{
	return h->src.ss_family == AF_INET ? ntohs(((const struct sockaddr_in *)&h->src)->sin_port)
	                                   : ntohs(((const struct sockaddr_in6 *)&h->src)->sin6_port);
}

UNIT_TEST(proxy_v2_tcp4_then_client_hello_left_alone)
{
	unsigned char buf[256], body[64];
	struct proxy_header h;
	const char *why;
	char ip[64];
	size_t n = v2(buf, 0x21, 0x11, body, tcp4_body(body, NULL, 0));

	memcpy(buf + n, "\x16\x03\x01\x02\x00", 5);   /* a ClientHello's record header */
	CHECK_INT(proxy_parse(buf, n + 5, &h, &why), PROXY_DONE);
	CHECK_INT(h.len, 28);
	CHECK_INT(h.version, 2);
	CHECK_INT(h.local, 0);
	CHECK_STR(src_text(&h, ip, sizeof ip), "198.51.100.7");
	CHECK_INT(src_port(&h), 40000);
	for (size_t cut = 0; cut < n; cut++)              /* every split of the header */
		CHECK_INT(proxy_parse(buf, cut, &h, &why), PROXY_MORE);
}

UNIT_TEST(proxy_v2_tcp6_tlvs_skipped_and_checked)
{
	unsigned char buf[256], body[128] = { 0 };
	struct proxy_header h;
	const char *why;
	char ip[64];

	body[0] = 0x20; body[1] = 0x01; body[2] = 0x0d; body[3] = 0xb8; body[15] = 7;
	body[32] = 0x1f; body[33] = 0x90;
	memcpy(body + 36, "\x04\x00\x02xy\x05\x00\x00", 8);   /* two TLVs, one empty */
	size_t n = v2(buf, 0x21, 0x21, body, 44);
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_DONE);
	CHECK_STR(src_text(&h, ip, sizeof ip), "2001:db8::7");
	CHECK_INT(src_port(&h), 8080);
	body[39] = 0; body[40] = 0x05; body[41] = 0x00;       /* the second TLV cut short */
	n = v2(buf, 0x21, 0x21, body, 42);
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	CHECK(why != NULL && strstr(why, "TLV") != NULL);
	n = v2(buf, 0x21, 0x21, body, 20);                    /* too short for IPv6 */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
}

UNIT_TEST(proxy_v2_local_and_unspec_mean_the_proxy_itself)
{
	unsigned char buf[64], body[16] = { 0 };
	struct proxy_header h;
	const char *why;

	size_t n = v2(buf, 0x20, 0x00, body, 0);              /* LOCAL, as health checks send */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_DONE);
	CHECK_INT(h.local, 1);
	CHECK_INT(h.len, 16);
	n = v2(buf, 0x20, 0x11, body, 12);                    /* LOCAL ignores its block */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_DONE);
	CHECK_INT(h.local, 1);
	CHECK_INT(h.len, 28);
	n = v2(buf, 0x21, 0x00, body, 0);                     /* PROXY, UNSPEC */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_DONE);
	CHECK_INT(h.local, 1);
}

UNIT_TEST(proxy_v2_bad_signature_version_command_family_length)
{
	unsigned char buf[PROXY_PEEK_MAX + 64], body[64];
	struct proxy_header h;
	const char *why;
	size_t blen = tcp4_body(body, NULL, 0), n;

	n = v2(buf, 0x21, 0x11, body, blen);
	buf[5] ^= 1;                                          /* signature */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	CHECK_INT(proxy_parse(buf, 6, &h, &why), PROXY_BAD);  /* refused at the first wrong byte */
	n = v2(buf, 0x11, 0x11, body, blen);                  /* version 1 in binary */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	n = v2(buf, 0x31, 0x11, body, blen);                  /* version 3 */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	n = v2(buf, 0x22, 0x11, body, blen);                  /* command 2 */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	n = v2(buf, 0x21, 0x12, body, blen);                  /* UDP */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	n = v2(buf, 0x21, 0x31, body, blen);                  /* AF_UNIX */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	n = v2(buf, 0x21, 0x11, body, 8);                     /* too short for IPv4 */
	CHECK_INT(proxy_parse(buf, n, &h, &why), PROXY_BAD);
	memset(buf, 0, sizeof buf);                           /* over the cap: refused at 16 bytes */
	v2(buf, 0x21, 0x11, body, 0);
	buf[14] = (unsigned char)((PROXY_V2_MAX_BODY + 1) >> 8);
	buf[15] = (unsigned char)(PROXY_V2_MAX_BODY + 1);
	CHECK_INT(proxy_parse(buf, 16, &h, &why), PROXY_BAD);
	CHECK(why != NULL && strstr(why, "length") != NULL);
	buf[14] = (unsigned char)(PROXY_V2_MAX_BODY >> 8);    /* a LOCAL at the cap: taken */
	buf[15] = (unsigned char)PROXY_V2_MAX_BODY;
	buf[12] = 0x20;
	CHECK_INT(proxy_parse(buf, 16 + PROXY_V2_MAX_BODY - 1, &h, &why), PROXY_MORE);
	CHECK_INT(proxy_parse(buf, 16 + PROXY_V2_MAX_BODY, &h, &why), PROXY_DONE);
}

UNIT_TEST(proxy_v1_tcp4_tcp6_unknown)
{
	const char *l4 = "PROXY TCP4 198.51.100.7 192.0.2.1 40000 8465\r\n\x16\x03\x01";
	const char *l6 = "PROXY TCP6 2001:db8::7 2001:db8::1 0 65535\r\n";
	const char *lu = "PROXY UNKNOWN ffff:f...f:ffff 1 2\r\nrest";
	struct proxy_header h;
	const char *why;
	char ip[64];

	CHECK_INT(proxy_parse((const unsigned char *)l4, strlen(l4), &h, &why), PROXY_DONE);
	CHECK_INT(h.len, strlen(l4) - 3);
	CHECK_INT(h.version, 1);
	CHECK_STR(src_text(&h, ip, sizeof ip), "198.51.100.7");
	CHECK_INT(src_port(&h), 40000);
	for (size_t cut = 0; cut < strlen(l4) - 3; cut++)
		CHECK_INT(proxy_parse((const unsigned char *)l4, cut, &h, &why), PROXY_MORE);
	CHECK_INT(proxy_parse((const unsigned char *)l6, strlen(l6), &h, &why), PROXY_DONE);
	CHECK_STR(src_text(&h, ip, sizeof ip), "2001:db8::7");
	CHECK_INT(src_port(&h), 0);
	CHECK_INT(proxy_parse((const unsigned char *)lu, strlen(lu), &h, &why), PROXY_DONE);
	CHECK_INT(h.local, 1);
	CHECK_INT(h.len, strlen(lu) - 4);
	CHECK_INT(proxy_parse((const unsigned char *)"PROXY UNKNOWN\r\n", 15, &h, &why), PROXY_DONE);
}

UNIT_TEST(proxy_v1_refuses_malformed_lines)
{
	static const char *const bad[] = {
		"PROXY TCP4 198.51.100.7 192.0.2.1 40000 8465\n",      /* LF without CR */
		"PROXY TCP4 198.51.100.7 192.0.2.1 40000 8465\rX",     /* CR without LF */
		"PROXY TCP4 198.51.100.7  192.0.2.1 40000 8465\r\n",   /* two spaces */
		"PROXY TCP4 198.51.100.7 192.0.2.1 40000\r\n",         /* a field short */
		"PROXY TCP4 198.51.100.7 192.0.2.1 40000 8465 1\r\n",  /* a field more */
		"PROXY TCP4 2001:db8::7 192.0.2.1 40000 8465\r\n",     /* wrong family */
		"PROXY TCP6 198.51.100.7 2001:db8::1 40000 8465\r\n",
		"PROXY TCP4 198.51.100.7 192.0.2.1 65536 8465\r\n",    /* port range */
		"PROXY TCP4 198.51.100.7 192.0.2.1 040000 8465\r\n",   /* leading zero */
		"PROXY TCP4 198.51.100.7 192.0.2.1 +4000 8465\r\n",
		"PROXY TCP4 host.example 192.0.2.1 4000 8465\r\n",     /* a name */
		"PROXY UDP4 198.51.100.7 192.0.2.1 4000 8465\r\n",
		"PROXY UNKNOWNX\r\n",
		"PROXY TCP4 198.51.100.7\t192.0.2.1 4000 8465\r\n",   /* a control byte */
		"proxy TCP4 198.51.100.7 192.0.2.1 4000 8465\r\n",     /* signature is case-sensitive */
		"\x16\x03\x01\x02\x00\x01",                             /* a bare ClientHello */
	};
	struct proxy_header h;
	const char *why;
	char longline[200];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		enum proxy_rc rc = proxy_parse((const unsigned char *)bad[i], strlen(bad[i]), &h, &why);
		if (rc != PROXY_BAD)
			printf("#   not refused: %s\n", bad[i]);
		CHECK(rc == PROXY_BAD && why != NULL);
	}
	memset(longline, 'A', sizeof longline);
	memcpy(longline, "PROXY UNKNOWN ", 14);
	CHECK_INT(proxy_parse((const unsigned char *)longline, PROXY_V1_MAX - 1, &h, &why),
	          PROXY_MORE);
	CHECK_INT(proxy_parse((const unsigned char *)longline, PROXY_V1_MAX, &h, &why), PROXY_BAD);
	longline[PROXY_V1_MAX - 2] = '\r';                    /* CRLF ends at byte 107: taken */
	longline[PROXY_V1_MAX - 1] = '\n';
	CHECK_INT(proxy_parse((const unsigned char *)longline, PROXY_V1_MAX, &h, &why), PROXY_DONE);
	longline[PROXY_V1_MAX - 2] = 'A';                     /* one byte later: too long */
	longline[PROXY_V1_MAX - 1] = '\r';
	longline[PROXY_V1_MAX] = '\n';
	CHECK_INT(proxy_parse((const unsigned char *)longline, PROXY_V1_MAX + 1, &h, &why),
	          PROXY_BAD);
}

/* --- --proxy-from --------------------------------------------------------- */

static int
matches(const struct cidr_list *l, const char *ip)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, ip, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	return cidr_list_match(l, (struct sockaddr *)&ss);
}

UNIT_TEST(cidr_list_parses_strictly_and_matches)
{
	struct cidr_list l;
	char err[256];

	CHECK_INT(cidr_list_parse("127.0.0.1,10.0.0.0/8,2001:db8::/32,192.168.1.128/25", &l,
	                          err, sizeof err), 0);
	CHECK_INT(l.n, 4);
	CHECK(matches(&l, "127.0.0.1"));
	CHECK(!matches(&l, "127.0.0.2"));
	CHECK(matches(&l, "10.255.0.9"));
	CHECK(!matches(&l, "11.0.0.1"));
	CHECK(matches(&l, "2001:db8:ffff::1"));
	CHECK(!matches(&l, "2001:db9::1"));
	CHECK(matches(&l, "192.168.1.200"));
	CHECK(!matches(&l, "192.168.1.127"));
	CHECK(!matches(&l, "::ffff:127.0.0.1"));   /* another family */
	CHECK_INT(cidr_list_parse("0.0.0.0/0", &l, err, sizeof err), 0);
	CHECK(matches(&l, "203.0.113.9"));
	CHECK(!matches(&l, "::1"));
	static const char *const bad[] = {
		"", ",", "127.0.0.1,", ",127.0.0.1", "127.0.0.1,,::1", "127.0.0.1 ", " 127.0.0.1",
		"localhost", "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/+8",
		"10.0.0.0/-1", "::1/129", "2001:db8::1/32", "10.0.0", "10.0.0.0/8/8", "1.2.3.4/x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		int rc = cidr_list_parse(bad[i], &l, err, sizeof err);
		if (rc != -1)
			printf("#   accepted: '%s'\n", bad[i]);
		CHECK(rc == -1 && err[0] != '\0');
	}
	char many[1024] = "";
	for (int i = 0; i <= PROXY_FROM_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s10.0.%d.0/24",
		         i ? "," : "", i);
	CHECK_INT(cidr_list_parse(many, &l, err, sizeof err), -1);
	CHECK(strstr(err, "more than") != NULL);
}
