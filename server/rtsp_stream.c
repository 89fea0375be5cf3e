/*
 * rtsp_stream.c: the RTP stream of an RTSP session, paced by the worker's
 * timer heap. Each packet has an absolute due time, epoch + (frames since
 * the epoch) / rate, so timer lateness never accumulates into drift; a
 * timer call sends every packet that is due (at most RTSP_BURST_MAX, then
 * it yields). Sequence numbers and timestamps follow the file position, so
 * they continue across PAUSE and PLAY. RTCP sender reports go on the odd
 * channel; the end of the file sends SR + SDES + BYE in one compound
 * packet, which players such as ffmpeg take as the end of the stream.
 * Back-pressure: while more than RTSP_SEND_QUEUE_MAX bytes wait for a
 * client, nothing is queued and the schedule moves; a client that has not
 * read for RTSP_STALL_MAX_MS is dropped. Worker thread.
 */
#include "rtsp.h"
#include "rtp.h"
#include "sdp.h"
#include "server.h"
#include "timeconst.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define RTCP_MAX   (RTP_INTERLEAVE_LEN + RTCP_SR_LEN + RTCP_SDES_MAX + RTCP_BYE_LEN)
#define PACKET_MAX (RTP_INTERLEAVE_LEN + RTP_HEADER_LEN + RTSP_MAX_PAYLOAD)

static void rtsp_stream_tick(struct conn *c);

uint32_t
rtsp_stream_ts(const struct rtsp_stream *st, uint64_t pos)
{
	return st->ts_base + (uint32_t)pos;   /* wraps modulo 2^32, as RTP does */
}

uint64_t
rtsp_stream_ms(const struct rtsp_stream *st, uint64_t pos)
{
	unsigned rate = st->media.info.rate;
	return rate ? pos * MS_PER_S / rate : 0;
}

/* When frame POS is due, on the conn_now_ms() clock. */
static int64_t
rtsp_stream_due(const struct rtsp_stream *st, uint64_t pos)
{
	return st->epoch_ms + (int64_t)((pos - st->epoch_pos) * MS_PER_S / st->media.info.rate);
}

void
rtsp_stream_init(struct rtsp *r, struct media_wav *m, const char *name, int rtp, int rtcp)
{
	struct rtsp_stream *st = &r->st;
	uint32_t rnd[3];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		uint64_t t = (uint64_t)conn_now_ms();
		rnd[0] = (uint32_t)(t * 2654435761u);
		rnd[1] = (uint32_t)(t >> 7);
		rnd[2] = (uint32_t)(t * 40503u);
	}
	memset(st, 0, sizeof *st);
	st->media = *m;
	m->fd = -1;
	snprintf(st->name, sizeof st->name, "%s", name);
	st->ssrc = rnd[0];
	st->seq = (uint16_t)rnd[1];
	st->ts_base = rnd[2];
	st->pt = (uint8_t)sdp_l16_payload_type(m->info.rate, m->info.channels, RTSP_PT_DYNAMIC);
	st->ch_rtp = (uint8_t)rtp;
	st->ch_rtcp = (uint8_t)rtcp;
	unsigned fpp = m->info.rate * RTSP_PACKET_MS / MS_PER_S;
	unsigned most = RTSP_MAX_PAYLOAD / m->info.frame_bytes;
	st->frames_per_packet = fpp == 0 ? 1 : fpp < most ? fpp : most;
	st->end = m->info.frames;
	r->has_stream = 1;
}

/* Queues an RTCP compound packet: SR and SDES, and a BYE when BYE is set. */
static void
rtsp_stream_rtcp(struct conn *c, struct rtsp_stream *st, int64_t now, int bye)
{
	uint8_t buf[RTCP_MAX];
	struct timespec wall;
	uint64_t at = st->pos;

	if (now >= st->epoch_ms) {   /* the media position of this instant */
		uint64_t p = st->epoch_pos + (uint64_t)(now - st->epoch_ms) * st->media.info.rate / MS_PER_S;
		at = p < st->pos ? p : st->pos;
	}
	clock_gettime(CLOCK_REALTIME, &wall);
	struct rtcp_sr sr = { .ssrc = st->ssrc, .rtp_ts = rtsp_stream_ts(st, at),
	                      .packets = st->packets, .octets = st->octets };
	rtp_ntp_time(wall.tv_sec, wall.tv_nsec, &sr.ntp_sec, &sr.ntp_frac);
	size_t n = RTP_INTERLEAVE_LEN;
	n += rtcp_write_sr(buf + n, sizeof buf - n, &sr);
	n += rtcp_write_sdes_cname(buf + n, sizeof buf - n, st->ssrc, RTSP_CNAME);
	if (bye)
		n += rtcp_write_bye(buf + n, sizeof buf - n, st->ssrc);
	rtp_write_interleave(buf, st->ch_rtcp, (uint16_t)(n - RTP_INTERLEAVE_LEN));
	if (conn_send(c, buf, n) == -1)
		conn_close_after_flush(c);
}

/* Queues the next packet. 1 sent, 0 at the end of the data, -1 error. */
static int
rtsp_stream_packet(struct conn *c, struct rtsp_stream *st)
{
	uint8_t buf[PACKET_MAX];
	uint8_t *payload = buf + RTP_INTERLEAVE_LEN + RTP_HEADER_LEN;
	uint64_t left = st->end - st->pos;
	size_t n = left < st->frames_per_packet ? (size_t)left : st->frames_per_packet;

	long got = media_wav_read(&st->media, st->pos, n, payload);
	if (got <= 0)
		return (int)got;
	size_t bytes = (size_t)got * st->media.info.frame_bytes;
	rtp_swap16(payload, payload, bytes);   /* WAV is little-endian, L16 big */
	struct rtp_header h = { .pt = st->pt, .marker = st->marker, .seq = st->seq,
	                        .ts = rtsp_stream_ts(st, st->pos), .ssrc = st->ssrc };
	rtp_write_header(buf + RTP_INTERLEAVE_LEN, &h);
	rtp_write_interleave(buf, st->ch_rtp, (uint16_t)(RTP_HEADER_LEN + bytes));
	if (conn_send(c, buf, RTP_INTERLEAVE_LEN + RTP_HEADER_LEN + bytes) == -1)
		return -1;
	st->seq++;
	st->pos += (uint64_t)got;
	st->marker = 0;
	st->packets++;
	st->octets += (uint32_t)bytes;
	STATS_ADD(&c->srv->stats, rtp_packets, 1);
	return 1;
}

/* Back-pressure. 0: send; 1: wait for the client (timer set); -1: the
 * client was dropped (the connection is closed). */
static int
rtsp_stream_backlog(struct conn *c, struct rtsp_stream *st, int64_t now)
{
	size_t pending = conn_out_pending(c);
	char why[LOG_LINE_MAX / 8];

	if (pending <= RTSP_SEND_QUEUE_MAX) {
		if (st->stalled_ms != 0) {
			conn_log_event(c, "stream %s: send queue below its bound again after %lld ms; schedule moved",
			               st->name, (long long)(now - st->stalled_ms));
			st->epoch_ms = now;
			st->epoch_pos = st->pos;
			st->stalled_ms = 0;
		}
		return 0;
	}
	if (st->stalled_ms == 0)
		st->stalled_ms = now;
	if (now - st->stalled_ms < RTSP_STALL_MAX_MS) {
		conn_timer_at(c, now + RTSP_PACKET_MS, rtsp_stream_tick);
		return 1;
	}
	snprintf(why, sizeof why, "slow reader: %zu bytes unsent for %lld ms (limit %d bytes, %d ms)",
	         pending, (long long)(now - st->stalled_ms), RTSP_SEND_QUEUE_MAX, RTSP_STALL_MAX_MS);
	conn_close(c, why);
	return -1;
}

/* The timer: sends what is due, then sleeps until the next packet. */
static void
rtsp_stream_tick(struct conn *c)
{
	struct rtsp *r = c->ps;
	struct rtsp_stream *st = &r->st;
	int64_t now = conn_now_ms();
	int sent = 0, rc = 1;

	if (r->state != RTSP_PLAYING || rtsp_stream_backlog(c, st, now) != 0)
		return;
	while (st->pos < st->end && sent < RTSP_BURST_MAX && rtsp_stream_due(st, st->pos) <= now) {
		if ((rc = rtsp_stream_packet(c, st)) != 1)
			break;
		sent++;
	}
	conn_touch(c);
	if (rc == -1) {
		conn_close(c, "cannot queue the stream (out of memory or read error)");
		return;
	}
	if (rc == 0)
		st->end = st->pos;   /* the file was cut short since it was opened */
	if (sent > 0 && now >= st->next_sr_ms) {
		rtsp_stream_rtcp(c, st, now, 0);
		st->next_sr_ms = now + RTSP_SR_INTERVAL_MS;
	}
	if (st->pos >= st->end) {
		rtsp_stream_bye(c, r);
		return;
	}
	conn_timer_at(c, sent == RTSP_BURST_MAX ? now : rtsp_stream_due(st, st->pos), rtsp_stream_tick);
}

int
rtsp_stream_play(struct conn *c, struct rtsp *r)
{
	struct rtsp_stream *st = &r->st;
	int64_t now = conn_now_ms();

	st->epoch_ms = now;
	st->epoch_pos = st->pos;
	st->marker = 1;
	st->stalled_ms = 0;
	st->next_sr_ms = now;
	if (conn_timer_at(c, now, rtsp_stream_tick) == -1)
		return -1;
	if (r->state != RTSP_PLAYING) {
		STATS_ADD(&c->srv->stats, streams_active, 1);
		conn_log_event(c, "play %s from %llu ms to %llu ms", st->name,
		               (unsigned long long)rtsp_stream_ms(st, st->pos),
		               (unsigned long long)rtsp_stream_ms(st, st->end));
	}
	return 0;
}

/* Leaves PLAYING (timer off, counter down); no-op in other states. */
static void
rtsp_stream_stop(struct conn *c, struct rtsp *r)
{
	if (r->state != RTSP_PLAYING)
		return;
	conn_timer_cancel(c);
	STATS_ADD(&c->srv->stats, streams_active, -1);
	rtsp_set_state(c, r, RTSP_READY);
}

void
rtsp_stream_pause(struct conn *c, struct rtsp *r)
{
	if (r->state == RTSP_PLAYING)
		conn_log_event(c, "pause %s at %llu ms", r->st.name,
		               (unsigned long long)rtsp_stream_ms(&r->st, r->st.pos));
	rtsp_stream_stop(c, r);
}

void
rtsp_stream_bye(struct conn *c, struct rtsp *r)
{
	struct rtsp_stream *st = &r->st;

	rtsp_stream_stop(c, r);
	rtsp_stream_rtcp(c, st, conn_now_ms(), 1);
	conn_log_event(c, "stream %s ends at %llu ms: %u packets, %u bytes, RTCP BYE sent",
	               st->name, (unsigned long long)rtsp_stream_ms(st, st->pos),
	               (unsigned)st->packets, (unsigned)st->octets);
}

void
rtsp_stream_close(struct conn *c, struct rtsp *r)
{
	rtsp_stream_stop(c, r);
	if (r->has_stream) {
		media_wav_close(&r->st.media);
		conn_file_release(c);
	}
	r->has_stream = 0;
}
