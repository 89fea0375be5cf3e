/*
 * fuzz_rtp.c: one interleaved packet as seal receives it: common/rtp.c's
 * RTP parser and RTCP walk (rtp_parse, rtp_is_rtcp, rtcp_has_bye), then
 * client/proto/rtsp_client.c's handling of it on a playing stream (sequence
 * tracking, L16 to little-endian PCM, the peak level, BYE). The first byte
 * is the channel, the rest the packet. Checks that the payload lies inside
 * the packet.
 */
#include "fuzzlib.h"
#include "rtp.h"
#include "rtsp_client.h"

#include <stdlib.h>
#include <string.h>

#define CHANNEL_MASK 3             /* channels 0..3: ours (0, 1) and others */
#define PEAK_MAX     32767
#define RTP_PT_MAX   127
#define STEREO_BIT   1            /* the channel byte's low bit: a stereo stream */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rtsp_client cl;
	struct rtp_header h;
	const uint8_t *payload, *pcm;
	size_t plen, pcm_len;

	if (size == 0)
		return 0;
	uint8_t *pkt = malloc(size - 1 ? size - 1 : 1);
	if (pkt == NULL)
		abort();
	memcpy(pkt, data + 1, size - 1);
	if (rtp_parse(pkt, size - 1, &h, &payload, &plen) == 0)
		FUZZ_CHECK(payload >= pkt && payload + plen <= pkt + size - 1 && h.pt <= RTP_PT_MAX,
		           "RTP payload out of the packet");
	rtp_is_rtcp(pkt, size - 1);
	rtcp_has_bye(pkt, size - 1);
	rtsp_client_init(&cl, "rtsps://localhost/tone.wav");
	cl.state = RTSP_CLIENT_PLAYING;
	cl.channels = data[0] & STEREO_BIT ? RTSP_CLIENT_CHANNELS : 1;
	if (rtsp_client_frame(&cl, data[0] & CHANNEL_MASK, pkt, size - 1, &pcm, &pcm_len) == 1)
		FUZZ_CHECK(pcm >= pkt && pcm + pcm_len <= pkt + size - 1 &&
		           cl.rtp.peak[0] <= PEAK_MAX && cl.rtp.peak[1] <= PEAK_MAX, "PCM out of bounds");
	free(pkt);
	return 0;
}
