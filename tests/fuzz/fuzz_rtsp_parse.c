/*
 * fuzz_rtsp_parse.c: server/rtsp_parse.c on one request head: the request
 * line, the header lines (as rtsp.c feeds them, CRLF stripped), then the
 * Transport, Range, Session and Authorization values that were kept, the
 * URL's stream name and the log mask; each value parser also gets the
 * whole input. Checks the promises the server builds on: a stream name
 * never leaves the media folder (no '/', '\\', control character or
 * leading '.'), interleaved channels are 0..255 and distinct, npt times
 * are not negative, Basic credentials fit.
 */
#include "fuzzlib.h"
#include "server_defaults.h"
#include "rtsp_parse.h"

#include <stdlib.h>
#include <string.h>

#define CHANNEL_MAX 255
#define STATUS_MOD  1000            /* a 3-digit status code out of a number */
#define STATUS_OK   200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_media(const char *url)
{
	char name[RTSP_MEDIA_NAME_MAX + 1];

	if (rtsp_url_media(url, name, sizeof name) == -1)
		return;
	FUZZ_CHECK(name[0] != '\0' && name[0] != '.', "stream name empty or hidden");
	for (const char *p = name; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p >= ' ' && *p != 0x7f && *p != '/' && *p != '\\',
		           "stream name could leave the media folder");
}

static void
check_values(const char *transport, const char *range, const char *session, const char *auth)
{
	struct rtsp_transport t;
	int64_t start, end;
	char id[RTSP_VALUE_MAX], user[USER_NAME_MAX + 1], pass[PASSWORD_MAX + 1];

	if (rtsp_parse_transport(transport, &t) == RTSP_TP_OK && t.ch_rtp >= 0)
		FUZZ_CHECK(t.ch_rtp <= CHANNEL_MAX && t.ch_rtcp >= 0 && t.ch_rtcp <= CHANNEL_MAX &&
		           t.ch_rtp != t.ch_rtcp, "interleaved channels out of range");
	if (rtsp_parse_range(range, &start, &end) == 0)
		FUZZ_CHECK(start >= -1 && end >= -1, "negative npt time");
	if (rtsp_parse_session(session, id, sizeof id) == 0)
		FUZZ_CHECK(id[0] != '\0' && strlen(id) < sizeof id, "session id out of bounds");
	if (rtsp_parse_basic(auth, user, sizeof user, pass, sizeof pass) == RTSP_AUTH_OK)
		FUZZ_CHECK(user[0] != '\0' && strchr(user, ':') == NULL, "Basic user empty or with ':'");
}

/* Feeds the head in TEXT (modified: lines are cut out) to R. */
static void
feed_head(struct rtsp_req *r, char *text)
{
	char *line = text, *nl;
	int first = 1;

	rtsp_req_clear(r);
	while (line != NULL) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (first)
			rtsp_req_line(r, line);
		else if (len == 0)
			break;
		else
			rtsp_req_header(r, line, len);
		first = 0;
		line = nl != NULL ? nl + 1 : NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	char *whole = fuzz_strndup(data, size);
	char masked[RTSP_MAX_LINE + 1];
	struct rtsp_req *r = malloc(sizeof *r);

	if (r == NULL)
		abort();
	rtsp_mask_userinfo(whole, masked, sizeof masked);
	feed_head(r, text);
	if (r->error == RTSP_REQ_OK)
		FUZZ_CHECK(r->method[0] != '\0' && r->url[0] != '\0', "request without method or URL");
	check_media(r->url);
	check_values(r->transport, r->range, r->session, r->auth);
	check_media(whole);
	check_values(whole, whole, whole, whole);
	rtsp_reason(r->content_length > 0 ? (int)(r->content_length % STATUS_MOD) : STATUS_OK);
	rtsp_req_clear(r);
	free(r);
	free(text);
	free(whole);
	return 0;
}
