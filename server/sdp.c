/*
 * sdp.c: the SDP body of a DESCRIBE reply (see sdp.h). Pure.
 */
#include "sdp.h"
#include "server_defaults.h"
#include "rtp.h"
#include "timeconst.h"

#include <stdio.h>
#include <string.h>

#define STEREO   2

unsigned
sdp_l16_payload_type(unsigned rate, unsigned channels, unsigned dynamic)
{
	if (rate != RTP_L16_STATIC_RATE)
		return dynamic;
	return channels == STEREO ? RTP_PT_L16_STEREO : RTP_PT_L16_MONO;
}

int
sdp_describe(char *out, size_t cap, const struct sdp_params *p)
{
	int v6 = strchr(p->addr, ':') != NULL;
	int n = snprintf(out, cap,
	                 "v=0\r\n"
	                 "o=- %llu 1 IN %s %s\r\n"
	                 "s=%s\r\n"
	                 "c=IN %s %s\r\n"
	                 "t=0 0\r\n"
	                 "a=tool:%s\r\n"
	                 "a=range:npt=0-%llu.%03llu\r\n"
	                 "m=audio 0 RTP/AVP %u\r\n"
	                 "a=rtpmap:%u L16/%u/%u\r\n"
	                 "a=control:%s\r\n",
	                 (unsigned long long)p->session_id, v6 ? "IP6" : "IP4", p->addr, p->name,
	                 v6 ? "IP6" : "IP4", v6 ? "::" : "0.0.0.0", RTSP_SERVER_NAME,
	                 (unsigned long long)(p->duration_ms / MS_PER_S),
	                 (unsigned long long)(p->duration_ms % MS_PER_S), p->pt, p->pt, p->rate,
	                 p->channels, SDP_CONTROL);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return n;
}
