/*
 * rtsp_parse.c: RTSP request text (see rtsp_parse.h). Every copy is
 * bounded by its destination; numbers are read with a digit limit so they
 * never overflow. Pure; any thread.
 */
#include "rtsp_parse.h"
#include "b64.h"
#include "decimal.h"
#include "redact.h"
#include "sdp.h"
#include "timeconst.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NUM_DIGITS_MAX   9           /* CSeq, Content-Length: below 10^9 */
#define NPT_DIGITS_MAX   9           /* one part of an npt time */
#define NPT_FRAC_DIGITS  3           /* milliseconds; finer digits are ignored */
#define NPT_PARTS_MAX    3           /* h:mm:ss */
#define SECONDS_PER_UNIT 60          /* a colon multiplies by 60 */
#define CHANNEL_MAX      255
#define HEX_BASE         16
#define BASIC_MAX        RTSP_VALUE_MAX
#define TRACK_CONTROL    SDP_CONTROL

void
rtsp_req_clear(struct rtsp_req *r)
{
	explicit_bzero(r->auth, sizeof r->auth);
	memset(r, 0, sizeof *r);
	r->cseq = -1;
}

static int
rtsp_set_error(struct rtsp_req *r, enum rtsp_req_error e)
{
	if (r->error == RTSP_REQ_OK)
		r->error = e;
	return -1;
}

/* 1 for a character of an RFC 2326 token (no controls, spaces or tspecials). */
static int
rtsp_tokenchar(int ch)
{
	return ch > ' ' && ch < 0x7f && strchr("()<>@,;:\\\"/[]?={}", ch) == NULL;
}

/* Reads a decimal number of at most MAXD digits at *P. 0, or -1. */
static int
rtsp_number(const char **p, long *out, size_t maxd)
{
	uint64_t v;

	if (decimal_digits(*p) > maxd || decimal_scan(p, LONG_MAX, &v) == -1)
		return -1;
	*out = (long)v;
	return 0;
}

/* Copies the word of P up to a space (at most LEN - 1 bytes). Its length, or -1. */
static int
rtsp_word(const char *p, char *out, size_t len)
{
	size_t n = strcspn(p, " ");
	if (n == 0 || n >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return (int)n;
}

/* Where the userinfo of URL P starts and ends ("//u:p@"), or 0 when none. */
static int
rtsp_userinfo(const char *p, size_t *start, size_t *end)
{
	const char *s = strstr(p, "://");
	if (s == NULL)
		return 0;
	s += 3;
	size_t host = strcspn(s, "/ ");
	const char *at = memchr(s, '@', host);
	if (at == NULL)
		return 0;
	*start = (size_t)(s - p);
	*end = (size_t)(at - p) + 1;
	return 1;
}

void
rtsp_mask_userinfo(const char *line, char *out, size_t len)
{
	size_t a, b;
	if (rtsp_userinfo(line, &a, &b))
		snprintf(out, len, "%.*s********@%s", (int)a, line, line + b);
	else
		snprintf(out, len, "%s", line);
}

void
rtsp_redact_header(const char *line, char *out, size_t len)
{
	size_t n = redact_keyword(line, "Authorization");

	if (n == 0)
		n = redact_keyword(line, "Proxy-Authorization");
	if (n > 0) {
		size_t gap = n;
		while (line[gap] != '\0' && redact_is_separator((unsigned char)line[gap]))
			gap++;
		if (line[gap] == ':')
			n = gap + 1;   /* the colon stays with the name */
		redact_argument(line, n, REDACT_KEEP_NAME_BEFORE, out, len);
	} else if (line[0] == ' ' || line[0] == '\t') {
		snprintf(out, len, "%s", REDACT_MASK);   /* may continue credentials */
	} else {
		snprintf(out, len, "%s", line);
	}
}

int
rtsp_req_line(struct rtsp_req *r, const char *line)
{
	const char *p = line;
	int n;

	if ((n = rtsp_word(p, r->method, sizeof r->method)) == -1)
		return rtsp_set_error(r, RTSP_REQ_BAD_LINE);
	for (int i = 0; i < n; i++)
		if (!rtsp_tokenchar((unsigned char)r->method[i]))
			return rtsp_set_error(r, RTSP_REQ_BAD_LINE);
	p += n + strspn(p + n, " ");
	if ((n = rtsp_word(p, r->url, sizeof r->url)) == -1)
		return rtsp_set_error(r, RTSP_REQ_BAD_LINE);
	for (int i = 0; i < n; i++)
		if ((unsigned char)r->url[i] <= ' ' || r->url[i] == 0x7f)
			return rtsp_set_error(r, RTSP_REQ_BAD_LINE);   /* echoed in headers */
	size_t a, b;
	if (rtsp_userinfo(r->url, &a, &b))
		memmove(r->url + a, r->url + b, strlen(r->url + b) + 1);
	p += n + strspn(p + n, " ");
	if (strcmp(p, "RTSP/1.0") == 0)
		r->version = RTSP_V10;
	else if (strcmp(p, "RTSP/2.0") == 0)
		r->version = RTSP_V20;
	else if (strncmp(p, "RTSP/", 5) == 0 && isdigit((unsigned char)p[5]) && p[6] == '.' &&
	         isdigit((unsigned char)p[7]) && p[8] == '\0')
		return rtsp_set_error(r, RTSP_REQ_BAD_VERSION);
	else
		return rtsp_set_error(r, RTSP_REQ_BAD_LINE);
	return 0;
}

/* Copies the value V into DST (a stored header), or flags it too large. */
static int
rtsp_keep(struct rtsp_req *r, unsigned bit, char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);
	if (n >= cap)
		return rtsp_set_error(r, RTSP_REQ_TOO_LARGE);
	memcpy(dst, v, n + 1);
	r->has |= bit;
	return 0;
}

/* Acts on one header NAME with its trimmed VALUE. */
static int
rtsp_header_value(struct rtsp_req *r, const char *name, const char *v)
{
	if (strcasecmp(name, "CSeq") == 0) {
		long n;
		if (r->cseq != -1 || rtsp_number(&v, &n, NUM_DIGITS_MAX) == -1 || *v != '\0')
			return rtsp_set_error(r, RTSP_REQ_BAD_CSEQ);
		r->cseq = n;
	} else if (strcasecmp(name, "Content-Length") == 0) {
		if (rtsp_number(&v, &r->content_length, NUM_DIGITS_MAX) == -1 || *v != '\0')
			return rtsp_set_error(r, RTSP_REQ_BAD_LENGTH);
	} else if (strcasecmp(name, "Session") == 0) {
		return rtsp_keep(r, RTSP_HAS_SESSION, r->session, sizeof r->session, v);
	} else if (strcasecmp(name, "Transport") == 0) {
		return rtsp_keep(r, RTSP_HAS_TRANSPORT, r->transport, sizeof r->transport, v);
	} else if (strcasecmp(name, "Range") == 0) {
		return rtsp_keep(r, RTSP_HAS_RANGE, r->range, sizeof r->range, v);
	} else if (strcasecmp(name, "Authorization") == 0) {
		return rtsp_keep(r, RTSP_HAS_AUTH, r->auth, sizeof r->auth, v);
	} else if (strcasecmp(name, "Require") == 0 || strcasecmp(name, "Proxy-Require") == 0) {
		return rtsp_keep(r, RTSP_HAS_REQUIRE, r->require, sizeof r->require, v);
	}
	return 0;
}

int
rtsp_req_header(struct rtsp_req *r, const char *line, size_t len)
{
	char name[RTSP_MAX_METHOD], value[RTSP_MAX_LINE + 1];
	size_t n = 0;

	r->header_bytes += len;
	if (++r->nheaders > RTSP_MAX_HEADERS || r->header_bytes > RTSP_MAX_HEADER_BYTES ||
	    len > RTSP_MAX_LINE)
		return rtsp_set_error(r, RTSP_REQ_TOO_LARGE);
	if (r->error != RTSP_REQ_OK)
		return -1;
	if (line[0] == ' ' || line[0] == '\t')
		return 0;   /* a folded continuation: nothing we act on continues */
	while (n < len && rtsp_tokenchar((unsigned char)line[n]))
		n++;
	if (n == 0 || n >= sizeof name || line[n] != ':')
		return rtsp_set_error(r, RTSP_REQ_BAD_HEADER);
	memcpy(name, line, n);
	name[n] = '\0';
	const char *v = line + n + 1;
	v += strspn(v, " \t");
	size_t vl = strlen(v);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	memcpy(value, v, vl);
	value[vl] = '\0';
	int rc = rtsp_header_value(r, name, value);
	explicit_bzero(value, vl);
	return rc;
}

/* Reads "interleaved=N" or "N-M" at P into T. 0, or -1. */
static int
rtsp_interleaved(const char *p, struct rtsp_transport *t)
{
	long a, b;

	if (rtsp_number(&p, &a, NUM_DIGITS_MAX) == -1 || a > CHANNEL_MAX)
		return -1;
	b = a + 1;
	if (*p == '-') {
		p++;
		if (rtsp_number(&p, &b, NUM_DIGITS_MAX) == -1)
			return -1;
	}
	if (b > CHANNEL_MAX || b == a || (*p != '\0' && strchr(";, \t", *p) == NULL))
		return -1;
	t->ch_rtp = (int)a;
	t->ch_rtcp = (int)b;
	return 0;
}

/* One parameter of a transport spec: 0 fine, 1 unsupported, -1 malformed. */
static int
rtsp_tp_param(const char *p, size_t n, struct rtsp_transport *t)
{
	if (n == 7 && strncasecmp(p, "unicast", n) == 0)
		return 0;
	if (n == 9 && strncasecmp(p, "multicast", n) == 0)
		return 1;
	if (strncasecmp(p, "interleaved=", 12) == 0)
		return rtsp_interleaved(p + 12, t) == -1 ? -1 : 0;
	if (strncasecmp(p, "mode=", 5) == 0) {
		const char *m = p + 5 + (p[5] == '"');
		return strncasecmp(m, "play", 4) == 0 ? 0 : 1;
	}
	return 0;   /* ssrc=, ttl=, client_port= ... mean nothing over TCP */
}

/* One transport spec of N bytes at P: 0 served, 1 unsupported, -1 malformed. */
static int
rtsp_tp_spec(const char *p, size_t n, struct rtsp_transport *t)
{
	size_t k = strcspn(p, ";");
	int rc = 0;

	if (k > n)
		k = n;
	if (k == 0)
		return -1;
	if (!(k == 11 && strncasecmp(p, "RTP/AVP/TCP", k) == 0))
		rc = 1;   /* RTP/AVP, RTP/AVP/UDP, RTP/SAVP...: never media in clear */
	t->ch_rtp = t->ch_rtcp = -1;
	for (size_t i = k; i < n && rc != -1;) {
		i++;   /* the ';' */
		size_t m = strcspn(p + i, ";,");
		if (i + m > n)
			m = n - i;
		int r = rtsp_tp_param(p + i, m, t);
		if (r != 0)
			rc = r == -1 ? -1 : rc == 0 ? 1 : rc;
		i += m;
	}
	return rc;
}

enum rtsp_tp_rc
rtsp_parse_transport(const char *value, struct rtsp_transport *t)
{
	const char *p = value;
	int any_bad = 0, any = 0;

	while (*p != '\0') {
		p += strspn(p, " \t");
		size_t n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		int rc = rtsp_tp_spec(p, n, t);
		if (rc == 0)
			return RTSP_TP_OK;
		any++;
		any_bad |= rc == -1;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return any == 0 || any_bad ? RTSP_TP_BAD : RTSP_TP_UNSUPPORTED;
}

/* An npt time at *P in milliseconds, or -1 for "now". 0, or -1 malformed. */
static int
rtsp_npt_time(const char **p, int64_t *ms)
{
	long part[NPT_PARTS_MAX], frac = 0;
	int n = 0, fd = 0;

	if (strncasecmp(*p, "now", 3) == 0) {
		*p += 3;
		*ms = -1;
		return 0;
	}
	for (;;) {
		if (n == NPT_PARTS_MAX || rtsp_number(p, &part[n++], NPT_DIGITS_MAX) == -1)
			return -1;
		if (**p != ':')
			break;
		(*p)++;
	}
	if (**p == '.')
		for ((*p)++; isdigit((unsigned char)**p); (*p)++)
			if (fd++ < NPT_FRAC_DIGITS)
				frac = frac * DECIMAL + (**p - '0');
	for (; fd < NPT_FRAC_DIGITS; fd++)
		frac *= DECIMAL;
	int64_t s = 0;
	for (int i = 0; i < n; i++)
		s = s * (i ? SECONDS_PER_UNIT : 1) + part[i];
	*ms = s * MS_PER_S + frac;
	return 0;
}

int
rtsp_parse_range(const char *value, int64_t *start_ms, int64_t *end_ms)
{
	const char *p = value + strspn(value, " \t");

	*start_ms = *end_ms = -1;
	if (strncasecmp(p, "npt", 3) != 0)
		return -1;
	p += 3;
	p += strspn(p, " \t");
	if (*p++ != '=')
		return -1;
	p += strspn(p, " \t");
	if (*p != '-' && rtsp_npt_time(&p, start_ms) == -1)
		return -1;
	if (*p++ != '-')
		return -1;
	if (*p != '\0' && *p != ';' && *p != ' ' && rtsp_npt_time(&p, end_ms) == -1)
		return -1;
	p += strspn(p, " \t");
	return *p == '\0' || *p == ';' ? 0 : -1;
}

int
rtsp_parse_session(const char *value, char *id, size_t len)
{
	const char *p = value + strspn(value, " \t");
	size_t n = strcspn(p, "; \t");

	if (n == 0 || n >= len)
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	return 0;
}

enum rtsp_auth_rc
rtsp_parse_basic(const char *value, char *user, size_t ulen, char *pass, size_t plen)
{
	char buf[BASIC_MAX];
	size_t blen = sizeof buf - 1;
	const char *p = value + strspn(value, " \t");
	enum rtsp_auth_rc rc = RTSP_AUTH_BAD;

	if (strncasecmp(p, "Basic", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
		return RTSP_AUTH_NOT_BASIC;
	p += 5 + strspn(p + 5, " \t");
	size_t n = strcspn(p, " \t");
	if (n == 0 || p[n + strspn(p + n, " \t")] != '\0' || b64_decode(p, n, buf, &blen) == -1)
		goto done;
	buf[blen] = '\0';
	char *colon = memchr(buf, ':', blen);
	if (colon == NULL || colon == buf || memchr(buf, '\0', blen) != NULL)
		goto done;
	size_t un = (size_t)(colon - buf), pn = blen - un - 1;
	if (un >= ulen || pn >= plen)
		goto done;
	memcpy(user, buf, un);
	user[un] = '\0';
	memcpy(pass, colon + 1, pn);
	pass[pn] = '\0';
	rc = RTSP_AUTH_OK;
done:
	explicit_bzero(buf, sizeof buf);
	return rc;
}

static int
rtsp_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + DECIMAL : -1;
}

/* Percent-decodes N bytes at P into OUT (LEN bytes). Its length, or -1. */
static int
rtsp_unescape(const char *p, size_t n, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int ch = (unsigned char)p[i];
		if (ch == '%') {
			int hi = i + 2 < n ? rtsp_hexval((unsigned char)p[i + 1]) : -1;
			int lo = hi >= 0 ? rtsp_hexval((unsigned char)p[i + 2]) : -1;
			if (lo < 0)
				return -1;
			ch = hi * HEX_BASE + lo;
			i += 2;
		}
		if (o + 1 >= len)
			return -1;
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	return (int)o;
}

/* 1 when what follows the stream name is nothing, "/" or our track control. */
static int
rtsp_url_tail_ok(const char *t)
{
	size_t n = strcspn(t, "?#");
	return n == 0 || (n == 1 && t[0] == '/') ||
	       (n == sizeof "/" TRACK_CONTROL - 1 && strncmp(t, "/" TRACK_CONTROL, n) == 0) ||
	       (n == sizeof "/" TRACK_CONTROL "/" - 1 && strncmp(t, "/" TRACK_CONTROL "/", n) == 0);
}

int
rtsp_url_media(const char *url, char *name, size_t len)
{
	const char *p = url;

	if (strncasecmp(p, "rtsp://", 7) == 0 || strncasecmp(p, "rtsps://", 8) == 0) {
		p = strchr(strstr(p, "://") + 3, '/');   /* the path after the host */
		if (p == NULL)
			return -1;
	}
	if (*p++ != '/')
		return -1;
	size_t n = strcspn(p, "/?#");
	if (!rtsp_url_tail_ok(p + n))
		return -1;
	int dn = rtsp_unescape(p, n, name, len);
	if (dn <= 0 || name[0] == '.')
		return -1;
	for (int i = 0; i < dn; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch < ' ' || ch == 0x7f || ch == '/' || ch == '\\')
			return -1;
	}
	return 0;
}

const char *
rtsp_reason(int code)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 200, "OK" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 413, "Request Entity Too Large" }, { 415, "Unsupported Media Type" },
		{ 451, "Parameter Not Understood" }, { 454, "Session Not Found" },
		{ 455, "Method Not Valid in This State" }, { 457, "Invalid Range" },
		{ 459, "Aggregate Operation Not Allowed" }, { 461, "Unsupported Transport" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 503, "Service Unavailable" }, { 505, "RTSP Version Not Supported" },
		{ 551, "Option Not Supported" },
	};
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "Error";
}
