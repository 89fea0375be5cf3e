/*
 * rtsp.h: the RTSP session of one connection, shared by rtsp.c (reading
 * requests, the method table, states), rtsp_reply.c (reply heads),
 * rtsp_auth.c (Basic login on the job pool), rtsp_methods.c (what each
 * method does) and rtsp_stream.c (RTP pacing). One session per connection;
 * its audio goes interleaved on the same TLS connection, never over UDP.
 * Worker thread only, like the connection that holds it.
 */
#ifndef SEALED_RTSP_H
#define SEALED_RTSP_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "server_defaults.h"
#include "media_wav.h"
#include "rtsp_parse.h"

#define RTSP_STATES(X) X(INIT) X(READY) X(PLAYING)
#define RTSP_AS_ENUM(s) RTSP_##s,
enum rtsp_state { RTSP_STATES(RTSP_AS_ENUM) };

/* What the input is now. */
enum rtsp_reading {
	RTSP_READ_IDLE,       /* between requests */
	RTSP_READ_HEADERS,    /* after a request line, until the empty line */
	RTSP_READ_BODY,       /* Content-Length bytes (raw) */
	RTSP_READ_FRAME       /* an interleaved frame from the client (RTCP): dropped */
};

struct rtsp_stream {
	struct media_wav media;
	char     name[RTSP_MEDIA_NAME_MAX + 1];
	uint32_t ssrc;
	uint16_t seq;               /* of the next RTP packet */
	uint32_t ts_base;           /* RTP timestamp of frame 0 */
	uint8_t  pt;                /* payload type */
	uint8_t  ch_rtp, ch_rtcp;   /* interleaved channels */
	unsigned frames_per_packet;
	uint64_t pos;               /* next frame to send */
	uint64_t end;               /* frame where this PLAY stops */
	int      marker;            /* the next packet starts a talkspurt (PLAY) */
	uint32_t packets, octets;   /* sent, for sender reports */
	int64_t  epoch_ms;          /* pacing: frame epoch_pos is due at epoch_ms */
	uint64_t epoch_pos;
	int64_t  next_sr_ms;
	int64_t  stalled_ms;        /* since when the client has not been reading, or 0 */
};

struct rtsp {
	enum rtsp_state     state;
	enum rtsp_reading   reading;
	struct rtsp_req     req;            /* the request being read or served */
	size_t              skip_left;      /* body or frame bytes still to come */
	size_t              body_len;       /* body bytes of the request */
	int                 bad_requests;
	int                 auth_failures;
	int                 authenticated;
	char                auth_ok[RTSP_VALUE_MAX];   /* Authorization that logged in: secret */
	char                session[RTSP_SESSION_ID_LEN + 1];  /* "" until SETUP */
	int                 has_stream;
	struct rtsp_stream  st;
};

/* rtsp.c */
void rtsp_set_state(struct conn *, struct rtsp *, enum rtsp_state);
/* Runs the request in r->req after any login: state and session checks,
 * then the method. 0, or -1 to close after the reply. */
int  rtsp_request_exec(struct conn *, struct rtsp *);

/* rtsp_reply.c: a reply is rtsp_reply_start(), any rtsp_reply_header()s,
 * then rtsp_reply_end(). DETAIL (or NULL) follows the reason phrase. */
void rtsp_reply_start(struct conn *, struct rtsp *, int code, const char *detail);
void rtsp_reply_header(struct conn *, const char *fmt, ...) PRINTF_LIKE(2, 3);
void rtsp_reply_end(struct conn *, const char *content_type, const char *body, size_t len);
/* A reply with no body and no header of its own. Returns 0. */
int  rtsp_reply_error(struct conn *, struct rtsp *, int code, const char *detail);

/* rtsp_auth.c: the request needs a login it does not have. Replies 401,
 * or checks the Basic credentials on the job pool and then runs
 * rtsp_request_exec(). 0, or -1 to close. */
int  rtsp_auth_request(struct conn *, struct rtsp *);
/* 1 when the request may run with the connection's login. */
int  rtsp_auth_ok(const struct rtsp *);

/* rtsp_methods.c */
int  rtsp_do_options(struct conn *, struct rtsp *);
int  rtsp_do_describe(struct conn *, struct rtsp *);
int  rtsp_do_setup(struct conn *, struct rtsp *);
int  rtsp_do_play(struct conn *, struct rtsp *);
int  rtsp_do_pause(struct conn *, struct rtsp *);
int  rtsp_do_teardown(struct conn *, struct rtsp *);
int  rtsp_do_get_parameter(struct conn *, struct rtsp *);
int  rtsp_do_set_parameter(struct conn *, struct rtsp *);
/* The path of media NAME into BUF. 0, or -1 when it does not fit. */
int  rtsp_media_path(const struct conn *, const char *name, char *buf, size_t len);

/* rtsp_stream.c */
/* Sets up r->st for the opened media M (taken over) on channels RTP and
 * RTP + 1 (or RTCP): random SSRC, sequence and timestamp base. */
void rtsp_stream_init(struct rtsp *, struct media_wav *m, const char *name, int rtp, int rtcp);
/* Starts or restarts sending from r->st.pos to r->st.end. 0, or -1. */
int  rtsp_stream_play(struct conn *, struct rtsp *);
/* Stops sending (PAUSE); the position stays. */
void rtsp_stream_pause(struct conn *, struct rtsp *);
/* The end of the stream: an RTCP SR, SDES and BYE, then READY. */
void rtsp_stream_bye(struct conn *, struct rtsp *);
/* Stops and closes the stream (TEARDOWN, close). */
void rtsp_stream_close(struct conn *, struct rtsp *);
/* The RTP timestamp of frame POS. */
uint32_t rtsp_stream_ts(const struct rtsp_stream *, uint64_t pos);
/* POS in milliseconds. */
uint64_t rtsp_stream_ms(const struct rtsp_stream *, uint64_t pos);

#endif
