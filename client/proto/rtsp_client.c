/*
 * rtsp_client.c: RTSP requests and responses, SDP and received RTP for
 * seal (see rtsp_client.h). Pure state changes over text and bytes the
 * caller moves; the credentials are wiped from every buffer that held them.
 */
#include "rtsp_client.h"
#include "attrs.h"
#include "b64.h"
#include "defaults.h"
#include "rtp.h"
#include "timeconst.h"
#include "decimal.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SAMPLE_BYTES    2
#define LOGIN_MAX       (USER_NAME_MAX + PASSWORD_MAX + 2)
#define TRANSPORT       "RTP/AVP/TCP;unicast;interleaved=0-1"
#define DEFAULT_CH_RTP  0
#define DEFAULT_CH_RTCP 1

#define RTSP_CLIENT_AS_NAME(s) #s,
static const char *const rtsp_client_state_names[] = { RTSP_CLIENT_STATES(RTSP_CLIENT_AS_NAME) };

const char *
rtsp_client_state_name(enum rtsp_client_state s)
{
	return rtsp_client_state_names[s];
}

void
rtsp_client_init(struct rtsp_client *c, const char *url)
{
	memset(c, 0, sizeof *c);
	snprintf(c->url, sizeof c->url, "%s", url);
	snprintf(c->base, sizeof c->base, "%s", url);
	c->session_timeout_s = RTSP_SESSION_TIMEOUT_S;
	c->ch_rtp = DEFAULT_CH_RTP;
	c->ch_rtcp = DEFAULT_CH_RTCP;
}

void
rtsp_client_clear(struct rtsp_client *c)
{
	explicit_bzero(c->auth, sizeof c->auth);
}

int
rtsp_client_set_login(struct rtsp_client *c, const char *user, const char *pass)
{
	char raw[LOGIN_MAX], b64[RTSP_CLIENT_VALUE_MAX];
	int rc = -1;

	int n = snprintf(raw, sizeof raw, "%s:%s", user, pass);
	if (strchr(user, ':') == NULL && n > 0 && (size_t)n < sizeof raw &&
	    b64_encode(raw, (size_t)n, b64, sizeof b64) == 0) {
		n = snprintf(c->auth, sizeof c->auth, "Basic %s", b64);
		rc = n > 0 && (size_t)n < sizeof c->auth ? 0 : -1;
	}
	explicit_bzero(raw, sizeof raw);
	explicit_bzero(b64, sizeof b64);
	if (rc == -1)
		explicit_bzero(c->auth, sizeof c->auth);
	return rc;
}

/* Appends to OUT at *OFF; *OFF goes past LEN when it does not fit. */
static void PRINTF_LIKE(4, 5)
rtsp_put(char *out, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *off, len - *off, fmt, ap);
	va_end(ap);
	*off = n < 0 ? len : *off + (size_t)n;
}

/* The URL a request of METHOD names. */
static const char *
rtsp_client_target(const struct rtsp_client *c, const char *method)
{
	if (strcmp(method, "SETUP") == 0)
		return c->track[0] ? c->track : c->base;
	if (strcmp(method, "OPTIONS") == 0 || strcmp(method, "DESCRIBE") == 0)
		return c->url;
	return c->base;
}

/* Writes the request into OUT, the credentials masked when MASK. */
static size_t
rtsp_client_build(const struct rtsp_client *c, const char *method, int64_t range_ms,
                  char *out, size_t len, int mask)
{
	size_t off = 0;

	rtsp_put(out, len, &off, "%s %s RTSP/1.0\r\nCSeq: %u\r\nUser-Agent: %s\r\n", method,
	         rtsp_client_target(c, method), c->cseq + 1, RTSP_CLIENT_USER_AGENT);
	if (strcmp(method, "DESCRIBE") == 0)
		rtsp_put(out, len, &off, "Accept: application/sdp\r\n");
	if (strcmp(method, "SETUP") == 0)
		rtsp_put(out, len, &off, "Transport: %s\r\n", TRANSPORT);
	if (strcmp(method, "PLAY") == 0 && range_ms >= 0)
		rtsp_put(out, len, &off, "Range: npt=%lld.%03lld-\r\n", (long long)(range_ms / MS_PER_S),
		         (long long)(range_ms % MS_PER_S));
	if (c->session[0] != '\0' && strcmp(method, "DESCRIBE") != 0 && strcmp(method, "OPTIONS") != 0)
		rtsp_put(out, len, &off, "Session: %s\r\n", c->session);
	if (c->auth[0] != '\0' && mask)
		rtsp_put(out, len, &off, "Authorization: %.*s %s\r\n", (int)strcspn(c->auth, " "),
		         c->auth, CLIENT_MASK);
	else if (c->auth[0] != '\0')
		rtsp_put(out, len, &off, "Authorization: %s\r\n", c->auth);
	rtsp_put(out, len, &off, "\r\n");
	return off;
}

int
rtsp_client_request(struct rtsp_client *c, const char *method, int64_t range_ms,
                    char *out, size_t len, char *shown, size_t slen)
{
	size_t n = rtsp_client_build(c, method, range_ms, out, len, 0);
	size_t s = rtsp_client_build(c, method, range_ms, shown, slen, 1);

	if (n >= len || s >= slen || strlen(method) >= sizeof c->pending) {
		explicit_bzero(out, len);
		return -1;
	}
	c->cseq++;
	snprintf(c->pending, sizeof c->pending, "%s", method);
	return (int)n;
}

/* 1 when C may follow a header parameter's value: its end, the next
 * parameter (';'), the next transport (','), or a blank. */
static int
rtsp_client_param_end(char c)
{
	return c == '\0' || c == ';' || c == ',' || c == ' ' || c == '\t';
}

/* Session: ID[;timeout=N] into C. */
static void
rtsp_client_session(struct rtsp_client *c, const char *v)
{
	size_t n = strcspn(v, "; \t");
	const char *t = strstr(v, "timeout=");
	uint64_t s;

	if (n == 0 || n >= sizeof c->session)
		return;
	memcpy(c->session, v, n);
	c->session[n] = '\0';
	if (t == NULL)
		return;
	t += strlen("timeout=");
	if (decimal_scan(&t, INT_MAX, &s) == 0 && s > 0 && rtsp_client_param_end(*t))
		c->session_timeout_s = (int)s;
}

/* The interleaved channels of a SETUP reply's Transport. 0, or -1. */
static int
rtsp_client_transport(struct rtsp_client *c, const char *v)
{
	const char *p = v ? strstr(v, "interleaved=") : NULL;
	uint64_t a, b;

	if (p == NULL)
		return -1;
	p += strlen("interleaved=");
	if (decimal_scan(&p, UINT8_MAX, &a) == -1 || *p++ != '-' ||
	    decimal_scan(&p, UINT8_MAX, &b) == -1 || !rtsp_client_param_end(*p) || a == b)
		return -1;
	c->ch_rtp = (int)a;
	c->ch_rtcp = (int)b;
	return 0;
}

/* What a 200 to METHOD changes. 0, or -1 with ERR. */
static int
rtsp_client_ok(struct rtsp_client *c, const char *method, const struct rtsp_response *r,
               char *err, size_t errlen)
{
	if (strcmp(method, "DESCRIBE") == 0) {
		const char *base = rtsp_rx_response_header(r, "Content-Base");
		if (base != NULL && *base != '\0')
			snprintf(c->base, sizeof c->base, "%s", base);
		return rtsp_sdp_read(c, r->body, err, errlen);
	}
	if (strcmp(method, "SETUP") == 0) {
		if (rtsp_client_transport(c, rtsp_rx_response_header(r, "Transport")) == -1) {
			snprintf(err, errlen, "the SETUP reply has no interleaved Transport");
			return -1;
		}
		c->state = RTSP_CLIENT_READY;
	} else if (strcmp(method, "PLAY") == 0) {
		c->state = RTSP_CLIENT_PLAYING;
	} else if (strcmp(method, "PAUSE") == 0) {
		c->state = RTSP_CLIENT_READY;
	} else if (strcmp(method, "TEARDOWN") == 0) {
		c->state = RTSP_CLIENT_INIT;
		c->session[0] = '\0';
	}
	return 0;
}

int
rtsp_client_response(struct rtsp_client *c, const struct rtsp_response *r,
                     char *err, size_t errlen)
{
	char method[RTSP_CLIENT_METHOD_MAX];
	const char *s = rtsp_rx_response_header(r, "Session");

	snprintf(method, sizeof method, "%s", c->pending);
	c->pending[0] = '\0';
	c->last_code = r->code;
	if (s != NULL && strcmp(method, "TEARDOWN") != 0)
		rtsp_client_session(c, s);
	if (r->code != 200)
		return r->code;
	return rtsp_client_ok(c, method, r, err, errlen) == -1 ? -1 : r->code;
}

/* Sequence numbers: counts lost and reordered packets. */
static void
rtsp_client_seq(struct rtsp_rtp_stats *st, uint16_t seq)
{
	if (!st->have_seq) {
		st->have_seq = 1;
		st->next_seq = (uint16_t)(seq + 1);
		return;
	}
	int16_t d = (int16_t)(uint16_t)(seq - st->next_seq);
	if (d >= 0) {
		st->lost += (uint64_t)d;
		st->next_seq = (uint16_t)(seq + 1);
	} else {
		st->reordered++;   /* late: counted lost when its gap was seen */
		if (st->lost > 0)
			st->lost--;
	}
}

/* Big-endian L16 at P (LEN bytes) to little-endian in place; peak levels. */
static void
rtsp_client_pcm(struct rtsp_client *c, uint8_t *p, size_t len)
{
	unsigned ch = c->channels ? c->channels : 1;
	int peak[RTSP_CLIENT_CHANNELS] = { 0, 0 };

	rtp_swap16(p, p, len);
	for (size_t i = 0; i + 1 < len; i += SAMPLE_BYTES) {
		int v = (int16_t)(uint16_t)(p[i] | p[i + 1] << 8);
		int a = v < 0 ? -v : v;
		unsigned k = (unsigned)(i / SAMPLE_BYTES) % ch;
		if (k < RTSP_CLIENT_CHANNELS && a > peak[k])
			peak[k] = a > INT16_MAX ? INT16_MAX : a;
	}
	memcpy(c->rtp.peak, peak, sizeof peak);
	c->rtp.frames += len / (SAMPLE_BYTES * ch);
}

int
rtsp_client_frame(struct rtsp_client *c, uint8_t channel, uint8_t *data, size_t len,
                  const uint8_t **pcm, size_t *pcm_len)
{
	struct rtp_header h;
	const uint8_t *payload;
	size_t plen;

	if (channel == c->ch_rtcp || (channel != c->ch_rtp && rtp_is_rtcp(data, len))) {
		if (rtcp_has_bye(data, len) == 1)
			c->rtp.bye = 1;
		return 0;
	}
	if (channel != c->ch_rtp || rtp_parse(data, len, &h, &payload, &plen) == -1)
		return 0;
	rtsp_client_seq(&c->rtp, h.seq);
	c->rtp.packets++;
	c->rtp.bytes += plen;
	uint8_t *p = data + (payload - data);
	rtsp_client_pcm(c, p, plen);
	*pcm = p;
	*pcm_len = plen;
	return 1;
}
