/*
 * rtsp_reply.c: RTSP reply heads: the status line in the request's version,
 * CSeq echoed, Date, Server and the session with its timeout; then the
 * method's own headers, and the body (SDP) after Content-Type and
 * Content-Length. Header lines are logged as "S:" by conn_reply; the empty
 * line and the body go out unlogged. Worker thread.
 */
#include "rtsp.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define RTSP_DATE_MAX 40
#define TM_YEAR_BASE  1900
#define VERSION_MAJOR(v) ((v) / 10)
#define VERSION_MINOR(v) ((v) % 10)

/* RFC 1123 date in GMT, without the locale ("Sun, 06 Nov 1994 08:49:37 GMT"). */
static void
rtsp_date(char *buf, size_t len)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	time_t now = time(NULL);

	if (gmtime_r(&now, &tm) == NULL) {
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 GMT");
		return;
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	         days[(unsigned)tm.tm_wday % (sizeof days / sizeof days[0])], tm.tm_mday,
	         months[(unsigned)tm.tm_mon % (sizeof months / sizeof months[0])],
	         tm.tm_year + TM_YEAR_BASE, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
rtsp_reply_start(struct conn *c, struct rtsp *r, int code, const char *detail)
{
	int v = r->req.version ? r->req.version : RTSP_V10;
	char date[RTSP_DATE_MAX];

	conn_reply(c, "RTSP/%d.%d %d %s%s%s", VERSION_MAJOR(v), VERSION_MINOR(v), code,
	           rtsp_reason(code), detail ? " " : "", detail ? detail : "");
	if (r->req.cseq >= 0)
		conn_reply(c, "CSeq: %ld", r->req.cseq);
	rtsp_date(date, sizeof date);
	conn_reply(c, "Date: %s", date);
	conn_reply(c, "Server: %s", RTSP_SERVER_NAME);
	if (r->session[0] != '\0' && code != 454)
		conn_reply(c, "Session: %s;timeout=%d", r->session, RTSP_SESSION_TIMEOUT_S);
	if (code == 401)
		conn_reply(c, "WWW-Authenticate: Basic realm=\"%s\"", RTSP_REALM);
}

void
rtsp_reply_header(struct conn *c, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	conn_reply(c, "%s", line);
}

void
rtsp_reply_end(struct conn *c, const char *content_type, const char *body, size_t len)
{
	if (body != NULL && len > 0) {
		conn_reply(c, "Content-Type: %s", content_type);
		conn_reply(c, "Content-Length: %zu", len);
	}
	if (conn_send(c, "\r\n", 2) == -1 || (body != NULL && len > 0 && conn_send(c, body, len) == -1))
		conn_close_after_flush(c);
}

int
rtsp_reply_error(struct conn *c, struct rtsp *r, int code, const char *detail)
{
	rtsp_reply_start(c, r, code, detail);
	rtsp_reply_end(c, NULL, NULL, 0);
	return 0;
}
