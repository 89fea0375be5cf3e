/*
 * rtsp_parse.h: the text of RTSP requests (RFC 2326, RFC 7826) as sealed
 * reads it: the request line, the header lines a request may carry (the
 * ones the server acts on are kept, every one is counted against the
 * bounds), and the values of Transport, Range, Session, Authorization
 * (Basic) and the request URL's stream name. Pure functions, no I/O and no
 * connection: unit-tested and safe to fuzz. Any thread.
 */
#ifndef SEALED_RTSP_PARSE_H
#define SEALED_RTSP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "server_defaults.h"

#define RTSP_V10 10
#define RTSP_V20 20

/* What is wrong with a request, first problem only. */
enum rtsp_req_error {
	RTSP_REQ_OK,
	RTSP_REQ_BAD_LINE,      /* request line not "METHOD URL RTSP/x.y": 400 */
	RTSP_REQ_BAD_VERSION,   /* RTSP/x.y other than 1.0 and 2.0: 505 */
	RTSP_REQ_BAD_HEADER,    /* a header line without a name and colon: 400 */
	RTSP_REQ_BAD_CSEQ,      /* CSeq twice, or not a number: 400 */
	RTSP_REQ_BAD_LENGTH,    /* Content-Length not a number: 400 */
	RTSP_REQ_TOO_LARGE      /* past RTSP_MAX_HEADERS, _HEADER_BYTES or _VALUE_MAX: 400 */
};

/* Headers seen (bits of rtsp_req.has). */
#define RTSP_HAS_SESSION   0x01u
#define RTSP_HAS_TRANSPORT 0x02u
#define RTSP_HAS_RANGE     0x04u
#define RTSP_HAS_AUTH      0x08u
#define RTSP_HAS_REQUIRE   0x10u

struct rtsp_req {
	char     method[RTSP_MAX_METHOD];
	char     url[RTSP_URL_MAX];
	int      version;                    /* RTSP_V10, RTSP_V20, or 0 */
	long     cseq;                       /* -1: none */
	long     content_length;             /* 0 when absent */
	unsigned has;                        /* RTSP_HAS_* */
	char     session[RTSP_VALUE_MAX];
	char     transport[RTSP_VALUE_MAX];
	char     range[RTSP_VALUE_MAX];
	char     require[RTSP_VALUE_MAX];
	char     auth[RTSP_VALUE_MAX];       /* a secret: rtsp_req_clear() wipes it */
	unsigned nheaders;
	size_t   header_bytes;
	enum rtsp_req_error error;
};

enum rtsp_tp_rc { RTSP_TP_OK, RTSP_TP_UNSUPPORTED, RTSP_TP_BAD };

struct rtsp_transport {
	int ch_rtp, ch_rtcp;                 /* interleaved channels; -1: let the server pick */
};

enum rtsp_auth_rc { RTSP_AUTH_OK, RTSP_AUTH_BAD, RTSP_AUTH_NOT_BASIC };

/* Resets R for a new request (wipes the Authorization value). */
void rtsp_req_clear(struct rtsp_req *r);

/* Parses the request line into R (credentials in its URL are dropped:
 * they are never echoed). 0, or -1 with r->error set. */
int rtsp_req_line(struct rtsp_req *r, const char *line);

/* Takes one header line (LEN bytes, CRLF stripped) into R, counting it
 * against RTSP_MAX_HEADERS and RTSP_MAX_HEADER_BYTES. 0, or -1 when R has
 * an error (the first one stays). */
int rtsp_req_header(struct rtsp_req *r, const char *line, size_t len);

/* Chooses from a Transport value (a comma-separated list) the first spec
 * we serve: RTP/AVP/TCP, unicast, play. RTSP_TP_OK with *T;
 * RTSP_TP_UNSUPPORTED when every spec asks for something else (UDP,
 * multicast, record); RTSP_TP_BAD when the value cannot be read. */
enum rtsp_tp_rc rtsp_parse_transport(const char *value, struct rtsp_transport *t);

/* Parses a Range value in npt (seconds "12.5", "h:mm:ss.f" or "now").
 * 0 with *START_MS (-1 for "now" or absent) and *END_MS (-1 for open),
 * or -1 for another unit or a malformed value. */
int rtsp_parse_range(const char *value, int64_t *start_ms, int64_t *end_ms);

/* The session identifier of a Session value (before any ";timeout=").
 * 0, or -1 when empty or longer than LEN - 1. */
int rtsp_parse_session(const char *value, char *id, size_t len);

/* Decodes an Authorization value "Basic base64(user:pass)". */
enum rtsp_auth_rc rtsp_parse_basic(const char *value, char *user, size_t ulen,
                                   char *pass, size_t plen);

/* The stream a request URL names: "rtsp[s]://host[:port]/NAME", "/NAME",
 * with an optional "/" or "/trackID=0" after it (our SDP's control). The
 * name is percent-decoded, then refused (-1) when it could leave the media
 * folder or name a hidden file: empty, '/', '\\', NUL, control
 * characters, a leading '.'. 0 with NAME (LEN bytes at most). */
int rtsp_url_media(const char *url, char *name, size_t len);

/* LINE with any URL credentials ("rtsp://user:pass@host") replaced by
 * "********", for the log, into OUT (truncated to LEN). */
void rtsp_mask_userinfo(const char *line, char *out, size_t len);

/* A header LINE as the log shows it, into OUT (truncated to LEN), by the
 * rule of redact.h: an Authorization or Proxy-Authorization header, in any
 * case, whatever separates its name, colon, scheme and value, shows as
 * "Authorization: Basic ********" (the scheme only when a value follows
 * it); a folded continuation line (leading SP or HT), which nothing we act
 * on has but credentials may, shows as "********"; others as they are. */
void rtsp_redact_header(const char *line, char *out, size_t len);

/* The reason phrase of CODE ("Not Found"). */
const char *rtsp_reason(int code);

#endif
