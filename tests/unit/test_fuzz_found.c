/* test_fuzz_found.c: what the libFuzzer harnesses (tests/fuzz/) found, one
 * test per finding, each with the input that showed it. The same inputs are
 * in the seed corpora (tests/fuzz/corpus/NAME/found-*), where make test's
 * fuzz stage replays them under clang's UBSan too: some of these bugs were
 * undefined behaviour that gcc's sanitizers do not flag. */
#include "unit.h"
#include "conn.h"
#include "linebuf.h"
#include "pop3_text.h"
#include "rtsp_client.h"
#include "rtsp_rx.h"
#include "service.h"

#define BIG_LENGTH_HEAD "RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 988888888888888888888\r\n\r\n"
#define SDP_MONO        "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 L16/8000/1\r\n"
#define SDP_3CH         "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 L16/8000/3\r\n"
#define PADDED_LENGTH   "RTSP/1.0 200 OK\r\nContent-Length: 000000002\r\n\r\nok"

/* fuzz_smtp_session, any input: a connection whose input buffer was given
 * back (compacted) asked linebuf_next() for a line and it computed
 * NULL + 0 (undefined). It must say "no line" and go on working. */
UNIT_TEST(fuzz_linebuf_next_on_a_buffer_never_filled)
{
	struct linebuf lb;
	char *line;
	size_t len;

	linebuf_init(&lb, 100);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_NONE);
	CHECK(linebuf_append(&lb, "a\n", 2) == 0);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_STR(line, "a");
	linebuf_compact(&lb);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_NONE);
	linebuf_free(&lb);
}

/* fuzz_smtp_reply, input "s" (a script byte, then no server bytes): zero
 * bytes appended to an empty buffer made linebuf_reserve() hand out
 * NULL + 0 as the space. It must hand out real space. */
UNIT_TEST(fuzz_linebuf_append_nothing_to_an_empty_buffer)
{
	struct linebuf lb;
	char *space, *line;
	size_t avail, len;

	linebuf_init(&lb, 100);
	CHECK(linebuf_append(&lb, "", 0) == 0);
	CHECK(linebuf_reserve(&lb, 0, &space, &avail) == 0);
	CHECK(space != NULL);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_NONE);
	CHECK(linebuf_append(&lb, "b\r\n", 3) == 0);
	CHECK_INT(linebuf_next(&lb, &line, &len), LB_LINE);
	CHECK_STR(line, "b");
	linebuf_free(&lb);
}

/* fuzz_rtsp_client: a server's Content-Length of 21 digits overflowed a
 * long (signed overflow: undefined) before its digits were counted. It is
 * refused as a bad length, and the stream is unreadable from there. */
UNIT_TEST(fuzz_rtsp_rx_content_length_with_too_many_digits)
{
	struct rtsp_rx rx;
	struct rtsp_rx_event ev;

	rtsp_rx_init(&rx);
	CHECK(rtsp_rx_append(&rx, BIG_LENGTH_HEAD, strlen(BIG_LENGTH_HEAD)) == 0);
	CHECK_INT(rtsp_rx_next(&rx, &ev), RTSP_RX_ERROR);
	CHECK(ev.error != NULL && strstr(ev.error, "Content-Length") != NULL);
	rtsp_rx_free(&rx);
	rtsp_rx_init(&rx);
	CHECK(rtsp_rx_append(&rx, PADDED_LENGTH, strlen(PADDED_LENGTH)) == 0);
	CHECK_INT(rtsp_rx_next(&rx, &ev), RTSP_RX_RESPONSE);
	CHECK_INT(ev.resp.body_len, 2);
	CHECK_STR(ev.resp.body, "ok");
	rtsp_rx_free(&rx);
}

/* fuzz_rtsp_client: a second DESCRIBE whose SDP was refused (three
 * channels) left have_sdp set from the first one, with the refused rate and
 * channels in place: the TUI would then open its WAV for 3 channels. A
 * refused SDP leaves no SDP. */
UNIT_TEST(fuzz_rtsp_refused_sdp_after_a_good_one_leaves_none)
{
	static struct rtsp_client cl;
	char err[256];

	rtsp_client_init(&cl, "rtsps://h/tone.wav");
	CHECK_INT(rtsp_sdp_read(&cl, SDP_MONO, err, sizeof err), 0);
	CHECK(cl.have_sdp && cl.rate == 8000 && cl.channels == 1);
	CHECK_INT(rtsp_sdp_read(&cl, SDP_3CH, err, sizeof err), -1);
	CHECK(!cl.have_sdp);
	CHECK(strstr(err, "3 channels") != NULL);
}

/* fuzz_smtp_session and fuzz_pop3_session, once conn_reply checked for any
 * line end: an EHLO name, an AUTH mechanism or an unknown POP3 verb with a
 * bare CR inside (a client line ends only at LF) was echoed into the reply,
 * CR and all. A reply carries no control character now. */
UNIT_TEST(fuzz_echoed_bare_cr_is_masked)
{
	static const struct service svc = { .name = "smtp" };
	struct conn c = { .svc = &svc };
	char *end;

	conn_reply(&c, "250-%s greets %s", "localhost", "a\rb");
	if ((end = conn_reserve(&c, 1)) == NULL)
		return;
	*end = '\0';
	CHECK_STR(bytebuf_head(&c.out), "250-localhost greets a?b\r\n");
	bytebuf_free(&c.out);
}

/* fuzz_pop3_text, once it checked that sizes appended to a name read back:
 * a foreign name holding a malformed ",S=" before ours hid our sizes (the
 * first ",S=" was taken). The last fields count. */
UNIT_TEST(fuzz_sized_name_after_a_look_alike)
{
	char name[128];
	uint64_t w = 0;

	CHECK_INT(pop3_text_sized_name("1,S=0\xe5;P1Q1.host", 21, 22, name, sizeof name), 0);
	CHECK_INT(pop3_text_name_size(name, 21, &w), 0);
	CHECK_INT(w, 22);
}
