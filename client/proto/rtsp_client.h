/*
 * rtsp_client.h: the client side of RTSP for seal, without I/O: the
 * requests (CSeq, Session, Basic Authorization, the TCP-interleaved
 * Transport, Range), what each response changes (session and its timeout,
 * the SDP's rate, channels and length, the track URL, the interleaved
 * channels, the state INIT / READY / PLAYING), and the RTP it receives
 * (sequence tracking: lost and reordered packets; L16 turned into
 * little-endian PCM; a per-channel peak level; the RTCP BYE that ends a
 * stream). Batch mode (rtsp_batch.c) drives it now; a TUI module can drive
 * the same state from its own event loop. One thread.
 */
#ifndef SEAL_RTSP_CLIENT_H
#define SEAL_RTSP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "proto_defaults.h"
#include "rtsp_rx.h"

#define RTSP_CLIENT_URL_MAX    (CLIENT_HOST_MAX + CLIENT_PATH_MAX + 32)
#define RTSP_CLIENT_VALUE_MAX  512
#define RTSP_CLIENT_REQUEST_MAX (2 * RTSP_CLIENT_URL_MAX + 1024)
#define RTSP_CLIENT_CHANNELS   2
#define RTSP_CLIENT_METHOD_MAX 16

#define RTSP_CLIENT_STATES(X) X(INIT) X(READY) X(PLAYING)
#define RTSP_CLIENT_AS_ENUM(s) RTSP_CLIENT_##s,
enum rtsp_client_state { RTSP_CLIENT_STATES(RTSP_CLIENT_AS_ENUM) };

/* What the received RTP says so far. */
struct rtsp_rtp_stats {
	uint64_t packets, bytes;          /* RTP packets and payload bytes */
	uint64_t frames;                  /* audio frames received */
	uint64_t lost, reordered;         /* by sequence number */
	int      have_seq;
	uint16_t next_seq;                /* expected next */
	int      bye;                     /* an RTCP BYE came: the stream ended */
	int      peak[RTSP_CLIENT_CHANNELS];   /* of the last packet, 0..32767 */
};

struct rtsp_client {
	enum rtsp_client_state state;
	char     url[RTSP_CLIENT_URL_MAX];       /* as given: rtsps://host:port/path */
	char     base[RTSP_CLIENT_URL_MAX];      /* Content-Base, else url */
	char     track[RTSP_CLIENT_URL_MAX];     /* the audio medium's control URL */
	char     auth[RTSP_CLIENT_VALUE_MAX];    /* "Basic ...": a secret; "" for none */
	char     session[RTSP_CLIENT_VALUE_MAX]; /* "" until SETUP */
	int      session_timeout_s;
	unsigned cseq;
	char     pending[RTSP_CLIENT_METHOD_MAX]; /* the request awaiting its response */
	int      last_code;
	/* from the SDP */
	int      have_sdp;
	unsigned pt, rate, channels;
	uint64_t duration_ms;
	/* from SETUP */
	int      ch_rtp, ch_rtcp;
	struct rtsp_rtp_stats rtp;
};

/* Fresh state for URL (rtsps://host:port/path, as requests will name it). */
void rtsp_client_init(struct rtsp_client *, const char *url);

/* Wipes the credentials. */
void rtsp_client_clear(struct rtsp_client *);

/* Sends "Authorization: Basic base64(USER:PASS)" from now on. 0, or -1
 * when too long or USER has a colon. */
int  rtsp_client_set_login(struct rtsp_client *, const char *user, const char *pass);

/* Builds request METHOD (OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN,
 * GET_PARAMETER) into OUT: the request line, headers and the empty line,
 * with CRLFs. RANGE_MS (PLAY only; -1: none) asks for npt=RANGE_MS-.
 * SHOWN gets the same text with the credentials masked, for a transcript.
 * Returns the length of OUT, or -1 when it does not fit. */
int  rtsp_client_request(struct rtsp_client *, const char *method, int64_t range_ms,
                         char *out, size_t len, char *shown, size_t slen);

/* Applies the response to the pending request. Returns its status code,
 * or -1 when a 200 carries something unusable (the reason in ERR: an SDP
 * without L16 audio, a Transport that is not interleaved). */
int  rtsp_client_response(struct rtsp_client *, const struct rtsp_response *r,
                          char *err, size_t errlen);

/* An interleaved frame on CHANNEL. For RTP on our channel: 1 with *PCM
 * and *PCM_LEN set to its audio as little-endian 16-bit samples (converted
 * in DATA's place). 0 for anything else (RTCP: a BYE sets rtp.bye). */
int  rtsp_client_frame(struct rtsp_client *, uint8_t channel, uint8_t *data, size_t len,
                       const uint8_t **pcm, size_t *pcm_len);

/* Reads the SDP BODY into C (pt, rate, channels, duration, track URL).
 * 0, or -1 with the reason in ERR. */
int  rtsp_sdp_read(struct rtsp_client *, const char *body, char *err, size_t errlen);

/* An npt time "SECONDS[.FRACTION]" (RFC 2326 3.6: a Range header, an SDP
 * a=range:) at *P in milliseconds (the fraction's first three digits count),
 * *P moved past it. 0, or -1 (no digit first, or past UINT64_MAX ms) with
 * *P and *MS untouched. */
int  rtsp_sdp_npt_ms(const char **p, uint64_t *ms);

/* The state's name ("PLAYING"). */
const char *rtsp_client_state_name(enum rtsp_client_state);

#endif
