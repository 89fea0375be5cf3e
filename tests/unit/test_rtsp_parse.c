/* test_rtsp_parse.c: RTSP request text: request line, headers and their
 * bounds, Transport, Range, Session, Basic, stream names (path traversal),
 * hostile input. */
#include "unit.h"
#include "rtsp_parse.h"
#include "linebuf.h"

#include <stdlib.h>

static void
req(struct rtsp_req *r, const char *line)
{
	rtsp_req_clear(r);
	rtsp_req_line(r, line);
}

static int
hdr(struct rtsp_req *r, const char *line)
{
	return rtsp_req_header(r, line, strlen(line));
}

UNIT_TEST(rtsp_request_line_versions_and_garbage)
{
	struct rtsp_req r;

	req(&r, "DESCRIBE rtsps://h:1/a.wav RTSP/1.0");
	CHECK_INT(r.error, RTSP_REQ_OK);
	CHECK_STR(r.method, "DESCRIBE");
	CHECK_STR(r.url, "rtsps://h:1/a.wav");
	CHECK_INT(r.version, RTSP_V10);
	CHECK_INT(r.cseq, -1);
	req(&r, "PLAY /a RTSP/2.0");
	CHECK_INT(r.version, RTSP_V20);
	req(&r, "PLAY /a RTSP/3.1");
	CHECK_INT(r.error, RTSP_REQ_BAD_VERSION);
	CHECK_STR(r.method, "PLAY");
	req(&r, "GET / HTTP/1.1");
	CHECK_INT(r.error, RTSP_REQ_BAD_LINE);
	req(&r, "PLAY");
	CHECK_INT(r.error, RTSP_REQ_BAD_LINE);
	req(&r, "");
	CHECK_INT(r.error, RTSP_REQ_BAD_LINE);
	req(&r, "PL(Y /a RTSP/1.0");
	CHECK_INT(r.error, RTSP_REQ_BAD_LINE);
	req(&r, "PLAY /a\x01 RTSP/1.0");
	CHECK_INT(r.error, RTSP_REQ_BAD_LINE);
	req(&r, "PLAY /a RTSP/1.0 extra");
	CHECK_INT(r.error, RTSP_REQ_BAD_LINE);
	req(&r, "AVERYLONGMETHODNAMETHATGOESONANDONFOREVER /a RTSP/1.0");
	CHECK_INT(r.error, RTSP_REQ_BAD_LINE);
}

UNIT_TEST(rtsp_headers_kept_and_checked)
{
	struct rtsp_req r;

	req(&r, "SETUP /a RTSP/1.0");
	CHECK_INT(hdr(&r, "CSeq: 42"), 0);
	CHECK_INT(hdr(&r, "transport:   RTP/AVP/TCP;interleaved=0-1  "), 0);
	CHECK_INT(hdr(&r, "Session: abc;timeout=60"), 0);
	CHECK_INT(hdr(&r, "Range: npt=0-"), 0);
	CHECK_INT(hdr(&r, "Authorization: Basic YTpi"), 0);
	CHECK_INT(hdr(&r, "User-Agent: x"), 0);
	CHECK_INT(hdr(&r, " folded continuation"), 0);
	CHECK_INT(hdr(&r, "Content-Length: 12"), 0);
	CHECK_INT(r.cseq, 42);
	CHECK_STR(r.transport, "RTP/AVP/TCP;interleaved=0-1");
	CHECK_STR(r.session, "abc;timeout=60");
	CHECK_STR(r.auth, "Basic YTpi");
	CHECK_INT(r.content_length, 12);
	CHECK(r.has & RTSP_HAS_RANGE);
	CHECK_INT(r.error, RTSP_REQ_OK);
	rtsp_req_clear(&r);
	CHECK_STR(r.auth, "");
	CHECK_INT(r.cseq, -1);
}

UNIT_TEST(rtsp_headers_refuse_bad_cseq_lengths_and_lines)
{
	struct rtsp_req r;

	req(&r, "OPTIONS * RTSP/1.0");
	hdr(&r, "CSeq: 1");
	CHECK_INT(hdr(&r, "CSeq: 2"), -1);
	CHECK_INT(r.error, RTSP_REQ_BAD_CSEQ);
	req(&r, "OPTIONS * RTSP/1.0");
	CHECK_INT(hdr(&r, "CSeq: 12x"), -1);
	req(&r, "OPTIONS * RTSP/1.0");
	CHECK_INT(hdr(&r, "CSeq: 99999999999999999999"), -1);
	CHECK_INT(r.error, RTSP_REQ_BAD_CSEQ);
	req(&r, "OPTIONS * RTSP/1.0");
	CHECK_INT(hdr(&r, "Content-Length: -5"), -1);
	CHECK_INT(r.error, RTSP_REQ_BAD_LENGTH);
	req(&r, "OPTIONS * RTSP/1.0");
	CHECK_INT(hdr(&r, "no colon here"), -1);
	CHECK_INT(r.error, RTSP_REQ_BAD_HEADER);
	req(&r, "OPTIONS * RTSP/1.0");
	CHECK_INT(hdr(&r, ": empty name"), -1);
}

UNIT_TEST(rtsp_headers_bounded_in_count_size_and_value)
{
	struct rtsp_req r;
	char big[RTSP_VALUE_MAX + 32];

	req(&r, "OPTIONS * RTSP/1.0");
	for (int i = 0; i < RTSP_MAX_HEADERS; i++)
		CHECK_INT(hdr(&r, "X-A: b"), 0);
	CHECK_INT(hdr(&r, "X-A: b"), -1);
	CHECK_INT(r.error, RTSP_REQ_TOO_LARGE);
	req(&r, "OPTIONS * RTSP/1.0");
	memset(big, 'v', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "Session: ", 9);
	CHECK_INT(hdr(&r, big), -1);
	CHECK_INT(r.error, RTSP_REQ_TOO_LARGE);
	req(&r, "OPTIONS * RTSP/1.0");
	memcpy(big, "X-Long: ", 8);
	for (int i = 0; i < RTSP_MAX_HEADER_BYTES / (int)sizeof big + 1; i++)
		hdr(&r, big);
	CHECK_INT(r.error, RTSP_REQ_TOO_LARGE);
}

UNIT_TEST(rtsp_transport_tcp_interleaved_only)
{
	struct rtsp_transport t;

	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;unicast;interleaved=0-1", &t), RTSP_TP_OK);
	CHECK(t.ch_rtp == 0 && t.ch_rtcp == 1);
	CHECK_INT(rtsp_parse_transport("rtp/avp/tcp;interleaved=4", &t), RTSP_TP_OK);
	CHECK(t.ch_rtp == 4 && t.ch_rtcp == 5);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;unicast", &t), RTSP_TP_OK);
	CHECK(t.ch_rtp == -1);
	CHECK_INT(rtsp_parse_transport("RTP/AVP;unicast;client_port=5000-5001, "
	                               "RTP/AVP/TCP;interleaved=2-3;mode=\"PLAY\"", &t), RTSP_TP_OK);
	CHECK(t.ch_rtp == 2 && t.ch_rtcp == 3);
	CHECK_INT(rtsp_parse_transport("RTP/AVP;unicast;client_port=5000-5001", &t),
	          RTSP_TP_UNSUPPORTED);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/UDP;unicast", &t), RTSP_TP_UNSUPPORTED);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;multicast", &t), RTSP_TP_UNSUPPORTED);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=0-1;mode=record", &t),
	          RTSP_TP_UNSUPPORTED);
	CHECK_INT(rtsp_parse_transport("RTP/SAVP/TCP;interleaved=0-1", &t), RTSP_TP_UNSUPPORTED);
	CHECK_INT(rtsp_parse_transport("", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=300-301", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=1-1", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=x", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport(";;;,,,", &t), RTSP_TP_BAD);
}

UNIT_TEST(rtsp_range_npt_forms)
{
	int64_t s, e;

	CHECK_INT(rtsp_parse_range("npt=0.000-", &s, &e), 0);
	CHECK(s == 0 && e == -1);
	CHECK_INT(rtsp_parse_range("npt=1.5-3", &s, &e), 0);
	CHECK(s == 1500 && e == 3000);
	CHECK_INT(rtsp_parse_range(" npt = 1:02:03.25-", &s, &e), 0);
	CHECK_INT(s, 3723250);
	CHECK_INT(rtsp_parse_range("npt=now-", &s, &e), 0);
	CHECK(s == -1 && e == -1);
	CHECK_INT(rtsp_parse_range("npt=-2.5", &s, &e), 0);
	CHECK(s == -1 && e == 2500);
	CHECK_INT(rtsp_parse_range("npt=0.123456789-", &s, &e), 0);
	CHECK_INT(s, 123);
	CHECK_INT(rtsp_parse_range("npt=0-;time=20260101T000000Z", &s, &e), 0);
	CHECK_INT(rtsp_parse_range("clock=19961108T142300Z-", &s, &e), -1);
	CHECK_INT(rtsp_parse_range("smpte=0:10:00-", &s, &e), -1);
	CHECK_INT(rtsp_parse_range("npt=", &s, &e), -1);
	CHECK_INT(rtsp_parse_range("npt=5", &s, &e), -1);
	CHECK_INT(rtsp_parse_range("npt=1:2:3:4-", &s, &e), -1);
	CHECK_INT(rtsp_parse_range("npt=99999999999999-", &s, &e), -1);
	CHECK_INT(rtsp_parse_range("npt=1-2 junk", &s, &e), -1);
}

UNIT_TEST(rtsp_session_id_and_basic_credentials)
{
	char id[32], u[65], p[257];

	CHECK_INT(rtsp_parse_session(" 0123abcd;timeout=60", id, sizeof id), 0);
	CHECK_STR(id, "0123abcd");
	CHECK_INT(rtsp_parse_session(";timeout=60", id, sizeof id), -1);
	CHECK_INT(rtsp_parse_session("0123456789abcdef0123456789abcdef", id, sizeof id), -1);
	/* "alice:pa:ss" */
	CHECK_INT(rtsp_parse_basic("Basic YWxpY2U6cGE6c3M=", u, sizeof u, p, sizeof p), RTSP_AUTH_OK);
	CHECK_STR(u, "alice");
	CHECK_STR(p, "pa:ss");
	CHECK_INT(rtsp_parse_basic("basic   YWxpY2U6cGE6c3M=  ", u, sizeof u, p, sizeof p),
	          RTSP_AUTH_OK);
	CHECK_INT(rtsp_parse_basic("Digest username=x", u, sizeof u, p, sizeof p),
	          RTSP_AUTH_NOT_BASIC);
	CHECK_INT(rtsp_parse_basic("Basic", u, sizeof u, p, sizeof p), RTSP_AUTH_NOT_BASIC);
	CHECK_INT(rtsp_parse_basic("Basic !!!!", u, sizeof u, p, sizeof p), RTSP_AUTH_BAD);
	/* "nocolon", ":pw" (no user), "a\0b:c" (NUL inside) */
	CHECK_INT(rtsp_parse_basic("Basic bm9jb2xvbg==", u, sizeof u, p, sizeof p), RTSP_AUTH_BAD);
	CHECK_INT(rtsp_parse_basic("Basic OnB3", u, sizeof u, p, sizeof p), RTSP_AUTH_BAD);
	CHECK_INT(rtsp_parse_basic("Basic YQBiOmM=", u, sizeof u, p, sizeof p), RTSP_AUTH_BAD);
	CHECK_INT(rtsp_parse_basic("Basic YTpi extra", u, sizeof u, p, sizeof p), RTSP_AUTH_BAD);
	CHECK_INT(rtsp_parse_basic("Basic YWxpY2U6cGE6c3M=", u, 3, p, sizeof p), RTSP_AUTH_BAD);
}

UNIT_TEST(rtsp_url_media_names_and_traversal)
{
	char n[RTSP_MEDIA_NAME_MAX + 1];

	CHECK_INT(rtsp_url_media("rtsps://localhost:8322/demo.wav", n, sizeof n), 0);
	CHECK_STR(n, "demo.wav");
	CHECK_INT(rtsp_url_media("rtsp://[::1]:8322/demo.wav/", n, sizeof n), 0);
	CHECK_INT(rtsp_url_media("rtsps://h/demo.wav/trackID=0", n, sizeof n), 0);
	CHECK_STR(n, "demo.wav");
	CHECK_INT(rtsp_url_media("/a%20b.wav?x=1", n, sizeof n), 0);
	CHECK_STR(n, "a b.wav");
	CHECK_INT(rtsp_url_media("rtsps://h/../etc/passwd", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/..", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/%2e%2e", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/%2e%2e%2fusers", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/a%2fb", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/a%5cb", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/a%00.wav", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/.hidden", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/a/b.wav", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/%zz", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/%2", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h/", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("rtsps://h", n, sizeof n), -1);
	CHECK_INT(rtsp_url_media("*", n, sizeof n), -1);
	/* %252e%252e decodes once, to a harmless literal name */
	CHECK_INT(rtsp_url_media("/%252e%252e", n, sizeof n), 0);
	CHECK_STR(n, "%2e%2e");
	CHECK_INT(rtsp_url_media("/abcdef", n, 4), -1);
}

UNIT_TEST(rtsp_reason_phrases)
{
	CHECK_STR(rtsp_reason(454), "Session Not Found");
	CHECK_STR(rtsp_reason(461), "Unsupported Transport");
	CHECK_STR(rtsp_reason(299), "Error");
}

UNIT_TEST(rtsp_parse_survives_random_bytes)
{
	char line[300];
	struct rtsp_req r;
	struct rtsp_transport t;
	int64_t s, e;
	char a[64], b[64];
	unsigned seed = 12345;

	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)(rand_r(&seed) % (sizeof line - 1));
		for (size_t i = 0; i < n; i++)
			line[i] = (char)(1 + rand_r(&seed) % 255);
		line[n] = '\0';
		req(&r, line);
		hdr(&r, line);
		rtsp_parse_transport(line, &t);
		rtsp_parse_range(line, &s, &e);
		rtsp_parse_session(line, a, sizeof a);
		rtsp_parse_basic(line, a, sizeof a, b, sizeof b);
		rtsp_url_media(line, a, sizeof a);
	}
	CHECK(1);
}

UNIT_TEST(rtsp_linebuf_peek_and_consume_mix_bytes_and_lines)
{
	struct linebuf lb;
	const char *d;
	char *line;
	size_t len;

	linebuf_init(&lb, 100);
	CHECK_INT(linebuf_peek(&lb, &d), 0);
	CHECK(linebuf_append(&lb, "$\x01\x00\x02xyOPTIONS * RTSP/1.0\r\n", 26) == 0);
	CHECK_INT(linebuf_peek(&lb, &d), 26);
	CHECK(d[0] == '$');
	linebuf_consume(&lb, 6);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_STR(line, "OPTIONS * RTSP/1.0");
	linebuf_consume(&lb, 5);             /* more than is left: clamped */
	CHECK_INT(linebuf_pending(&lb), 0);
	linebuf_free(&lb);
}

UNIT_TEST(rtsp_url_credentials_dropped_and_masked)
{
	struct rtsp_req r;
	char out[128];

	req(&r, "DESCRIBE rtsps://alice:pw@h:1/a.wav RTSP/1.0");
	CHECK_INT(r.error, RTSP_REQ_OK);
	CHECK_STR(r.url, "rtsps://h:1/a.wav");
	rtsp_mask_userinfo("DESCRIBE rtsps://alice:pw@h:1/a.wav RTSP/1.0", out, sizeof out);
	CHECK_STR(out, "DESCRIBE rtsps://********@h:1/a.wav RTSP/1.0");
	rtsp_mask_userinfo("PLAY rtsps://h/a@b.wav RTSP/1.0", out, sizeof out);
	CHECK_STR(out, "PLAY rtsps://h/a@b.wav RTSP/1.0");
	rtsp_mask_userinfo("no url", out, sizeof out);
	CHECK_STR(out, "no url");
}

UNIT_TEST(rtsp_redact_header_masks_credentials_in_any_form)
{
	static const char *const in[][2] = {
		{ "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ********" },
		{ "authorization:\tBasic\tdXNlcjpwYXNz", "authorization: Basic ********" },
		{ "AUTHORIZATION\t:\tBasic dXNlcjpwYXNz", "AUTHORIZATION\t: Basic ********" },
		{ "Authorization :Basic  dXNlcjpwYXNz", "Authorization : Basic ********" },
		{ "Authorization: dXNlcjpwYXNz", "Authorization: ********" },   /* no scheme */
		{ "Authorization:Basic", "Authorization: ********" },
		{ "Authorization Basic dXNlcjpwYXNz", "Authorization Basic ********" },
		{ "Authorization: Digest username=\"a\", response=\"b\"",
		  "Authorization: Digest ********" },
		{ "Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic ********" },
		{ " dXNlcjpwYXNz", "********" },                                /* folded */
		{ "\tdXNlcjpwYXNz", "********" },
		{ "Authorization:", "Authorization:" },
		{ "Authorization-Info: x", "Authorization-Info: x" },
		{ "CSeq: 3", "CSeq: 3" },
	};
	char out[128];

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		rtsp_redact_header(in[i][0], out, sizeof out);
		CHECK_STR(out, in[i][1]);
	}
}
