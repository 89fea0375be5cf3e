/*
 * sdp.h: the session description (RFC 8866) that DESCRIBE answers for a
 * WAV stream: one audio medium, L16 at the file's rate and channels
 * (RFC 3551), its length as a=range:npt=0-LEN, and a relative a=control:
 * for SETUP. Pure; any thread.
 */
#ifndef SEALED_SDP_H
#define SEALED_SDP_H

#include <stddef.h>
#include <stdint.h>

#define SDP_CONTROL "trackID=0"   /* the medium's control, relative to Content-Base */
#define SDP_MAX     2048          /* an SDP body fits in this */

struct sdp_params {
	const char *name;          /* the stream's name (s=); no control characters */
	const char *addr;          /* the server's numeric address (o=) */
	uint64_t    session_id;    /* o= session id */
	unsigned    pt;            /* RTP payload type */
	unsigned    rate, channels;
	uint64_t    duration_ms;
};

/* The payload type for L16 at RATE and CHANNELS: RFC 3551's static 10 or
 * 11 at 44100 Hz, else DYNAMIC. */
unsigned sdp_l16_payload_type(unsigned rate, unsigned channels, unsigned dynamic);

/* Writes the SDP for P into OUT. Its length, or -1 when CAP is too small. */
int sdp_describe(char *out, size_t cap, const struct sdp_params *p);

#endif
