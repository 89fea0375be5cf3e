/* test_tui_transcript.c: the TUI transcript: reply classes for coloring
 * (SMTP codes, POP3 +OK/-ERR, RTSP status lines), sanitizing of server
 * text, the ring dropping its oldest lines, word wrapping and scrolling
 * by pages; and the UTF-8 column helpers under it. No terminal needed. */
#include "unit.h"
#include "text.h"
#include "tui_transcript.h"

UNIT_TEST(tui_reply_class_by_code)
{
	CHECK_INT(tui_transcript_reply_class("220 localhost ESMTP sealed"), RC_OK);
	CHECK_INT(tui_transcript_reply_class("250-PIPELINING"), RC_OK);
	CHECK_INT(tui_transcript_reply_class("250"), RC_OK);
	CHECK_INT(tui_transcript_reply_class("354 End data with <CR><LF>.<CR><LF>"), RC_MORE);
	CHECK_INT(tui_transcript_reply_class("334 "), RC_MORE);
	CHECK_INT(tui_transcript_reply_class("421 4.3.2 Service shutting down"), RC_WARN);
	CHECK_INT(tui_transcript_reply_class("451 try later"), RC_WARN);
	CHECK_INT(tui_transcript_reply_class("503 5.5.1 Need MAIL before RCPT"), RC_ERR);
	CHECK_INT(tui_transcript_reply_class("535 5.7.8 bad"), RC_ERR);
	CHECK_INT(tui_transcript_reply_class("+OK POP3 ready"), RC_OK);
	CHECK_INT(tui_transcript_reply_class("-ERR no such message"), RC_ERR);
	CHECK_INT(tui_transcript_reply_class("+ "), RC_MORE);
	CHECK_INT(tui_transcript_reply_class("RTSP/1.0 200 OK"), RC_OK);
	CHECK_INT(tui_transcript_reply_class("RTSP/2.0 454 Session Not Found"), RC_WARN);
	CHECK_INT(tui_transcript_reply_class("CSeq: 2"), RC_NONE);
	CHECK_INT(tui_transcript_reply_class("2500 x"), RC_NONE);
	CHECK_INT(tui_transcript_reply_class("25"), RC_NONE);
	CHECK_INT(tui_transcript_reply_class(""), RC_NONE);
}

UNIT_TEST(tui_text_sanitize_and_widths)
{
	char out[64];

	text_sanitize("a\x1b[2Jb\tc\x7f", out, sizeof out, 1);
	CHECK_STR(out, "a?[2Jb c?");
	text_sanitize("caf\xc3\xa9 \xe2\x9c\x93 \xff", out, sizeof out, 1);
	CHECK_STR(out, "caf\xc3\xa9 \xe2\x9c\x93 ?");
	text_sanitize("caf\xc3\xa9 \xe2\x9c\x93", out, sizeof out, 0);
	CHECK_STR(out, "caf? ?");
	text_sanitize("\xe2\x9c\x93\xe2\x9c\x93", out, 5, 1);       /* never half a character */
	CHECK_STR(out, "\xe2\x9c\x93");
	CHECK_INT(text_width("C\xe2\x86\x92S", strlen("C\xe2\x86\x92S")), 3);
	CHECK_INT(text_fit("ab\xe2\x9c\x93" "cd", 7, 3), 5);
	CHECK_INT(text_prev("a\xe2\x9c\x93", 4), 1);
	CHECK_INT(text_next("a\xe2\x9c\x93", 4, 1), 4);
	CHECK_INT(text_wrap("hello world again", 17, 10), 6);       /* after "hello " */
	CHECK_INT(text_wrap("hello world again", 17, 12), 12);      /* "hello world " fits */
	CHECK_INT(text_wrap("AB:CD:EF:01", 11, 7), 6);              /* after "AB:CD:" */
	CHECK_INT(text_wrap("abcdefgh", 8, 3), 3);                  /* hard cut */
}

UNIT_TEST(tui_text_utf8_round_trip)
{
	char u[4];
	unsigned cp = 0;

	CHECK_INT(text_utf8_put(0x2713, u), 3);
	CHECK_INT(text_utf8_next(u, 3, &cp), 3);
	CHECK_INT(cp, 0x2713);
	CHECK_INT(text_utf8_put(0x1F512, u), 4);
	CHECK_INT(text_utf8_next(u, 4, &cp), 4);
	CHECK_INT(cp, 0x1F512);
	CHECK_INT(text_utf8_put(0xD800, u), 0);                     /* a surrogate */
	CHECK_INT(text_utf8_next("\xc0\xaf", 2, &cp), 0);           /* overlong */
	CHECK_INT(text_utf8_next("\xe2\x9c", 2, &cp), 0);           /* cut short */
}

UNIT_TEST(tui_transcript_ring_drops_oldest)
{
	struct transcript t;

	CHECK_INT(tui_transcript_init(&t, 3, 1), 0);
	tui_transcript_add(&t, TR_NOTE, "connecting");
	tui_transcript_add(&t, TR_S2C, "220 hello");
	tui_transcript_add(&t, TR_C2S, "EHLO seal");
	tui_transcript_add(&t, TR_S2C, "503 5.5.1 no");
	CHECK_INT(t.n, 3);
	CHECK_STR(tui_transcript_get(&t, 0)->text, "220 hello");
	CHECK_INT(tui_transcript_get(&t, 0)->cls, RC_OK);
	CHECK_INT(tui_transcript_get(&t, 1)->cls, RC_NONE);       /* what the client sent has no class */
	CHECK_INT(tui_transcript_get(&t, 2)->cls, RC_ERR);
	CHECK(tui_transcript_get(&t, 3) == NULL);
	tui_transcript_addf(&t, TR_ERROR, "lost: %s", "\x1b]0;title\x07");
	CHECK_STR(tui_transcript_get(&t, 2)->text, "lost: ?]0;title?");
	tui_transcript_free(&t);
}

UNIT_TEST(tui_transcript_wraps_and_scrolls_by_pages)
{
	struct transcript t;
	char line[64];

	CHECK_INT(tui_transcript_init(&t, 100, 1), 0);
	tui_transcript_add(&t, TR_S2C, "250 short");
	CHECK_INT(tui_transcript_rows(&t, 0, 80), 1);
	tui_transcript_add(&t, TR_S2C, "250 aaaa bbbb cccc dddd");      /* 23 columns after a 5 column prefix */
	CHECK_INT(tui_transcript_rows(&t, 1, 15), 3);                   /* 10 columns: "250 aaaa ", "bbbb cccc ", "dddd" */
	t.stamps = 1;
	CHECK(tui_transcript_rows(&t, 1, 24) > 1);
	t.stamps = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof line, "250 line %d", i);
		tui_transcript_add(&t, TR_S2C, line);
	}
	CHECK(t.follow);
	CHECK_INT(tui_transcript_bottom_top(&t, 10, 80), 32);           /* the last 10 of 42 */
	tui_transcript_page_up(&t, 10, 80);
	CHECK(!t.follow);
	CHECK_INT(t.top, 23);                               /* a page is 9 rows: one kept */
	tui_transcript_home(&t, 10, 80);
	CHECK_INT(t.top, 0);
	tui_transcript_page_down(&t, 10, 80);
	CHECK_INT(t.top, 9);
	for (int i = 0; i < 5; i++)
		tui_transcript_page_down(&t, 10, 80);
	CHECK(t.follow);
	tui_transcript_page_up(&t, 10, 80);
	tui_transcript_end(&t);
	CHECK(t.follow);
	tui_transcript_free(&t);
}
