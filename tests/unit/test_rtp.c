/* test_rtp.c: RTP and RTCP packets byte for byte, interleave framing, parsing. */
#include "unit.h"
#include "rtp.h"

#include <stdint.h>

UNIT_TEST(rtp_header_bytes_exact)
{
	uint8_t b[RTP_HEADER_LEN];
	struct rtp_header h = { .pt = 10, .marker = 1, .seq = 0xfffe, .ts = 0x01020304,
	                        .ssrc = 0xdeadbeef };
	static const uint8_t want[] = { 0x80, 0x8a, 0xff, 0xfe, 0x01, 0x02, 0x03, 0x04,
	                                0xde, 0xad, 0xbe, 0xef };

	CHECK_INT(rtp_write_header(b, &h), RTP_HEADER_LEN);
	CHECK(memcmp(b, want, sizeof want) == 0);
	h.marker = 0;
	h.pt = 96;
	rtp_write_header(b, &h);
	CHECK_INT(b[1], 96);
}

UNIT_TEST(rtp_interleave_prefix)
{
	uint8_t b[4];
	rtp_write_interleave(b, 1, 0x1234);
	CHECK_INT(b[0], '$');
	CHECK_INT(b[1], 1);
	CHECK_INT(b[2], 0x12);
	CHECK_INT(b[3], 0x34);
}

UNIT_TEST(rtp_parse_round_trip_and_extras)
{
	uint8_t p[64];
	struct rtp_header h = { .pt = 11, .seq = 7, .ts = 99, .ssrc = 5 }, g;
	const uint8_t *pl;
	size_t n;

	rtp_write_header(p, &h);
	memcpy(p + RTP_HEADER_LEN, "abcd", 4);
	CHECK_INT(rtp_parse(p, 16, &g, &pl, &n), 0);
	CHECK_INT(g.pt, 11);
	CHECK_INT(g.seq, 7);
	CHECK_INT(g.ts, 99);
	CHECK_INT(g.ssrc, 5);
	CHECK_INT(n, 4);
	CHECK(pl == p + RTP_HEADER_LEN);
	/* one CSRC, a one-word extension and 2 bytes of padding */
	uint8_t q[] = { 0xb1, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  0, 0, 0, 9,
	                0xbe, 0xde, 0, 1, 1, 2, 3, 4,  'x', 'y', 0, 2 };
	CHECK_INT(rtp_parse(q, sizeof q, &g, &pl, &n), 0);
	CHECK_INT(n, 2);
	CHECK(pl[0] == 'x' && pl[1] == 'y');
}

UNIT_TEST(rtp_parse_refuses_hostile_packets)
{
	const uint8_t *pl;
	size_t n;
	struct rtp_header g;
	uint8_t shortp[11] = { 0x80 };
	uint8_t v1[12] = { 0x40 };
	uint8_t csrc[12] = { 0x8f };                 /* 15 CSRCs in 12 bytes */
	uint8_t pad0[13] = { 0xa0, 0, [12] = 0 };    /* padding count 0 */
	uint8_t padbig[13] = { 0xa0, 0, [12] = 200 };
	uint8_t ext[16] = { 0x90, 0, [14] = 0xff, [15] = 0xff };

	CHECK_INT(rtp_parse(shortp, sizeof shortp, &g, &pl, &n), -1);
	CHECK_INT(rtp_parse(v1, sizeof v1, &g, &pl, &n), -1);
	CHECK_INT(rtp_parse(csrc, sizeof csrc, &g, &pl, &n), -1);
	CHECK_INT(rtp_parse(pad0, sizeof pad0, &g, &pl, &n), -1);
	CHECK_INT(rtp_parse(padbig, sizeof padbig, &g, &pl, &n), -1);
	CHECK_INT(rtp_parse(ext, sizeof ext, &g, &pl, &n), -1);
}

UNIT_TEST(rtp_swap16_even_and_odd)
{
	uint8_t a[] = { 1, 2, 3, 4, 5 };
	rtp_swap16(a, a, sizeof a);
	CHECK(a[0] == 2 && a[1] == 1 && a[2] == 4 && a[3] == 3 && a[4] == 5);
}

UNIT_TEST(rtcp_sr_sdes_bye_bytes_exact)
{
	uint8_t b[128];
	struct rtcp_sr sr = { .ssrc = 0x11223344, .ntp_sec = 0xe0000000, .ntp_frac = 0x80000000,
	                      .rtp_ts = 0x0a0b0c0d, .packets = 3, .octets = 0x0100 };
	static const uint8_t want_sr[RTCP_SR_LEN] = {
		0x80, 200, 0, 6, 0x11, 0x22, 0x33, 0x44, 0xe0, 0, 0, 0, 0x80, 0, 0, 0,
		0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 3, 0, 0, 1, 0 };
	static const uint8_t want_sdes[16] = {
		0x81, 202, 0, 4, 0x11, 0x22, 0x33, 0x44, 1, 6, 's', 'e', 'a', 'l', 'e', 'd' };
	static const uint8_t want_bye[RTCP_BYE_LEN] = { 0x81, 203, 0, 1, 0x11, 0x22, 0x33, 0x44 };

	CHECK_INT(rtcp_write_sr(b, sizeof b, &sr), RTCP_SR_LEN);
	CHECK(memcmp(b, want_sr, sizeof want_sr) == 0);
	/* "sealed": 4 + 4 + 2 + 6 = 16, then one zero octet: 20 bytes, length 4 */
	size_t n = rtcp_write_sdes_cname(b, sizeof b, 0x11223344, "sealed");
	CHECK_INT(n, 20);
	CHECK(memcmp(b, want_sdes, sizeof want_sdes) == 0);
	CHECK(b[16] == 0 && b[17] == 0 && b[18] == 0 && b[19] == 0);
	CHECK_INT(rtcp_write_bye(b, sizeof b, 0x11223344), RTCP_BYE_LEN);
	CHECK(memcmp(b, want_bye, sizeof want_bye) == 0);
	CHECK_INT(rtcp_write_sr(b, RTCP_SR_LEN - 1, &sr), 0);
	CHECK_INT(rtcp_write_bye(b, 4, 1), 0);
	CHECK_INT(rtcp_write_sdes_cname(b, 12, 1, "sealed"), 0);
}

UNIT_TEST(rtcp_compound_bye_detection)
{
	uint8_t b[128];
	struct rtcp_sr sr = { .ssrc = 1 };
	size_t n = rtcp_write_sr(b, sizeof b, &sr);

	n += rtcp_write_sdes_cname(b + n, sizeof b - n, 1, "x");
	CHECK_INT(rtcp_has_bye(b, n), 0);
	n += rtcp_write_bye(b + n, sizeof b - n, 1);
	CHECK_INT(rtcp_has_bye(b, n), 1);
	CHECK_INT(rtcp_has_bye(b, n - 1), -1);     /* the BYE runs past the end */
	b[0] = 0x40;
	CHECK_INT(rtcp_has_bye(b, n), -1);
	CHECK(rtp_is_rtcp((const uint8_t *)"\x80\xc8", 2));
	CHECK(!rtp_is_rtcp((const uint8_t *)"\x80\x0a", 2));
}

UNIT_TEST(rtp_ntp_time_offsets_and_fraction)
{
	uint32_t s, f;
	rtp_ntp_time(0, 500000000L, &s, &f);
	CHECK(s == RTP_NTP_UNIX_OFFSET);
	CHECK(f == 0x80000000u);
}
