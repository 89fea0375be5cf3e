/*
 * rtp.h: RTP and RTCP packets (RFC 3550) carrying L16 audio (RFC 3551:
 * 16-bit big-endian samples), and RTSP's interleaved framing of them on the
 * control connection (RFC 2326 10.12: '$', a channel byte, a 16-bit length).
 * sealed builds them, seal parses them. Pure functions on caller buffers;
 * any thread.
 */
#ifndef SEALED_RTP_H
#define SEALED_RTP_H

#include <stddef.h>
#include <stdint.h>

#define RTP_VERSION          2
#define RTP_HEADER_LEN       12
#define RTP_INTERLEAVE_LEN   4          /* '$', channel, length (16 bits) */
#define RTP_INTERLEAVE_MAGIC '$'
#define RTP_INTERLEAVE_MAX   65535      /* largest framed packet */
#define RTP_PT_L16_STEREO    10         /* RFC 3551: L16/44100/2 */
#define RTP_PT_L16_MONO      11         /* RFC 3551: L16/44100/1 */
#define RTP_L16_STATIC_RATE  44100
#define RTCP_PT_SR           200
#define RTCP_PT_RR           201
#define RTCP_PT_SDES         202
#define RTCP_PT_BYE          203
#define RTCP_PT_APP          204
#define RTCP_SR_LEN          28         /* a sender report without report blocks */
#define RTCP_BYE_LEN         8          /* a BYE for one source, no reason */
#define RTCP_SDES_MAX        (12 + 255 + 4)
#define RTP_NTP_UNIX_OFFSET  2208988800u /* seconds from 1900 to 1970 */

struct rtp_header {
	uint8_t  pt;          /* payload type, 0..127 */
	int      marker;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
};

struct rtcp_sr {
	uint32_t ssrc;
	uint32_t ntp_sec, ntp_frac;   /* wall clock, NTP format */
	uint32_t rtp_ts;              /* the RTP timestamp of that instant */
	uint32_t packets, octets;     /* sent so far (payload octets) */
};

/* Writes the 12-byte header H (version 2, no padding, extension or CSRC)
 * at OUT. Returns RTP_HEADER_LEN. */
size_t rtp_write_header(uint8_t *out, const struct rtp_header *h);

/* Writes the 4-byte interleave prefix for a packet of LEN bytes on CHANNEL. */
void rtp_write_interleave(uint8_t *out, uint8_t channel, uint16_t len);

/* Parses an RTP packet of LEN bytes: 0 with *H and the payload (CSRCs,
 * header extension and padding skipped) in *PAYLOAD and *PLEN, or -1 when
 * it is not a well-formed version 2 packet. */
int rtp_parse(const uint8_t *pkt, size_t len, struct rtp_header *h,
              const uint8_t **payload, size_t *plen);

/* 1 when a packet on an RTP/RTCP channel is RTCP (second byte 200..204). */
int rtp_is_rtcp(const uint8_t *pkt, size_t len);

/* Swaps the bytes of N/2 16-bit samples from SRC into DST (little- to
 * big-endian or back). DST may be SRC; an odd last byte is copied as is. */
void rtp_swap16(uint8_t *dst, const uint8_t *src, size_t n);

/* An RTCP sender report (no report blocks) into OUT: RTCP_SR_LEN, or 0
 * when CAP is too small. */
size_t rtcp_write_sr(uint8_t *out, size_t cap, const struct rtcp_sr *sr);

/* An RTCP SDES packet with one chunk holding CNAME (at most 255 bytes) into
 * OUT: its length (a multiple of 4), or 0 when CAP is too small. */
size_t rtcp_write_sdes_cname(uint8_t *out, size_t cap, uint32_t ssrc, const char *cname);

/* An RTCP BYE for SSRC into OUT: RTCP_BYE_LEN, or 0 when CAP is too small. */
size_t rtcp_write_bye(uint8_t *out, size_t cap, uint32_t ssrc);

/* Walks a compound RTCP packet: 1 when it holds a BYE, 0 when not, -1 when
 * a packet's length runs past LEN or its version is not 2. */
int rtcp_has_bye(const uint8_t *pkt, size_t len);

/* The NTP form of a CLOCK_REALTIME time (seconds, nanoseconds). */
void rtp_ntp_time(int64_t sec, long nsec, uint32_t *ntp_sec, uint32_t *ntp_frac);

#endif
