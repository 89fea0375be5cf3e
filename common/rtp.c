/*
 * rtp.c: RTP/RTCP packet bytes (see rtp.h). Headers are written and read
 * big-endian byte by byte, so the host's byte order never matters. Pure.
 */
#include "rtp.h"
#include "timeconst.h"

#include <string.h>

#define RTCP_HEADER_LEN   4
#define RTCP_WORD         4
#define RTP_CSRC_LEN      4
#define RTP_EXT_HEADER    4
#define RTP_FLAG_PADDING  0x20
#define RTP_FLAG_EXT      0x10
#define RTP_CSRC_MASK     0x0f
#define RTP_MARKER_BIT    0x80
#define RTP_PT_MASK       0x7f
#define RTCP_COUNT_ONE    1
#define SDES_CNAME        1
#define SDES_TEXT_MAX     255
#define RTP_SWAP_LOW      0x00ff00ff00ff00ffull   /* one byte of each 16-bit pair */
#define RTP_SWAP_SHIFT    8

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t
rtp_write_header(uint8_t *out, const struct rtp_header *h)
{
	out[0] = RTP_VERSION << 6;
	out[1] = (uint8_t)((h->marker ? RTP_MARKER_BIT : 0) | (h->pt & RTP_PT_MASK));
	put16(out + 2, h->seq);
	put32(out + 4, h->ts);
	put32(out + 8, h->ssrc);
	return RTP_HEADER_LEN;
}

void
rtp_write_interleave(uint8_t *out, uint8_t channel, uint16_t len)
{
	out[0] = RTP_INTERLEAVE_MAGIC;
	out[1] = channel;
	put16(out + 2, len);
}

int
rtp_parse(const uint8_t *pkt, size_t len, struct rtp_header *h,
          const uint8_t **payload, size_t *plen)
{
	if (len < RTP_HEADER_LEN || pkt[0] >> 6 != RTP_VERSION)
		return -1;
	size_t off = RTP_HEADER_LEN + (size_t)(pkt[0] & RTP_CSRC_MASK) * RTP_CSRC_LEN;
	if (off > len)
		return -1;
	if (pkt[0] & RTP_FLAG_EXT) {
		if (off + RTP_EXT_HEADER > len)
			return -1;
		off += RTP_EXT_HEADER + (size_t)get16(pkt + off + 2) * RTCP_WORD;
		if (off > len)
			return -1;
	}
	size_t end = len;
	if (pkt[0] & RTP_FLAG_PADDING) {
		size_t pad = pkt[len - 1];
		if (pad == 0 || pad > end - off)
			return -1;
		end -= pad;
	}
	h->marker = (pkt[1] & RTP_MARKER_BIT) != 0;
	h->pt = pkt[1] & RTP_PT_MASK;
	h->seq = get16(pkt + 2);
	h->ts = get32(pkt + 4);
	h->ssrc = get32(pkt + 8);
	*payload = pkt + off;
	*plen = end - off;
	return 0;
}

int
rtp_is_rtcp(const uint8_t *pkt, size_t len)
{
	return len >= 2 && pkt[1] >= RTCP_PT_SR && pkt[1] <= RTCP_PT_APP;
}

/* A 64-bit word at a time: each word is read whole before it is written,
 * so DST may be SRC, and the pairs swap within the word, so the host's byte
 * order does not matter. (A byte loop took 4% of the server's CPU at 500
 * streams, as much again in seal's player.) */
void
rtp_swap16(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i = 0;

	for (; i + sizeof(uint64_t) <= n; i += sizeof(uint64_t)) {
		uint64_t w;
		memcpy(&w, src + i, sizeof w);
		w = (w & RTP_SWAP_LOW) << RTP_SWAP_SHIFT | ((w >> RTP_SWAP_SHIFT) & RTP_SWAP_LOW);
		memcpy(dst + i, &w, sizeof w);
	}
	for (; i + 1 < n; i += 2) {
		uint8_t lo = src[i];
		dst[i] = src[i + 1];
		dst[i + 1] = lo;
	}
	if (i < n)
		dst[i] = src[i];
}

/* The common RTCP header: version 2, COUNT, PT, length in words minus one. */
static void
rtcp_header(uint8_t *out, unsigned count, uint8_t pt, size_t len)
{
	out[0] = (uint8_t)(RTP_VERSION << 6 | (count & RTP_CSRC_MASK));
	out[1] = pt;
	put16(out + 2, (uint16_t)(len / RTCP_WORD - 1));
}

size_t
rtcp_write_sr(uint8_t *out, size_t cap, const struct rtcp_sr *sr)
{
	if (cap < RTCP_SR_LEN)
		return 0;
	rtcp_header(out, 0, RTCP_PT_SR, RTCP_SR_LEN);
	put32(out + 4, sr->ssrc);
	put32(out + 8, sr->ntp_sec);
	put32(out + 12, sr->ntp_frac);
	put32(out + 16, sr->rtp_ts);
	put32(out + 20, sr->packets);
	put32(out + 24, sr->octets);
	return RTCP_SR_LEN;
}

size_t
rtcp_write_sdes_cname(uint8_t *out, size_t cap, uint32_t ssrc, const char *cname)
{
	size_t n = strlen(cname);
	if (n > SDES_TEXT_MAX)
		n = SDES_TEXT_MAX;
	/* header, SSRC, item type and length, text, at least one zero octet */
	size_t len = RTCP_HEADER_LEN + 4 + 2 + n + 1;
	len = (len + RTCP_WORD - 1) / RTCP_WORD * RTCP_WORD;
	if (cap < len)
		return 0;
	memset(out, 0, len);
	rtcp_header(out, RTCP_COUNT_ONE, RTCP_PT_SDES, len);
	put32(out + 4, ssrc);
	out[8] = SDES_CNAME;
	out[9] = (uint8_t)n;
	memcpy(out + 10, cname, n);
	return len;
}

size_t
rtcp_write_bye(uint8_t *out, size_t cap, uint32_t ssrc)
{
	if (cap < RTCP_BYE_LEN)
		return 0;
	rtcp_header(out, RTCP_COUNT_ONE, RTCP_PT_BYE, RTCP_BYE_LEN);
	put32(out + 4, ssrc);
	return RTCP_BYE_LEN;
}

int
rtcp_has_bye(const uint8_t *pkt, size_t len)
{
	int bye = 0;
	size_t off = 0;

	while (off + RTCP_HEADER_LEN <= len) {
		if (pkt[off] >> 6 != RTP_VERSION)
			return -1;
		size_t n = ((size_t)get16(pkt + off + 2) + 1) * RTCP_WORD;
		if (n > len - off)
			return -1;
		if (pkt[off + 1] == RTCP_PT_BYE)
			bye = 1;
		off += n;
	}
	return off == len ? bye : -1;
}

void
rtp_ntp_time(int64_t sec, long nsec, uint32_t *ntp_sec, uint32_t *ntp_frac)
{
	*ntp_sec = (uint32_t)((uint64_t)sec + RTP_NTP_UNIX_OFFSET);
	*ntp_frac = (uint32_t)(((uint64_t)nsec << 32) / NS_PER_S);
}
