/* test_number_syntax.c: what each server parser of a decimal number
 * accepts, at its edges: SMTP's SIZE= parameter, POP3 message numbers,
 * the ,S= and ,W= sizes in a Maildir name, RTSP's CSeq, Content-Length,
 * interleaved channels and npt times. Written against the parsers as they
 * were before they shared common/decimal.c, so that the change of parser
 * changes nothing a client can send: no sign, blank or other character
 * inside a number; leading zeros as far as each digit limit; values up to
 * each bound and not one past. */
#include "unit.h"
#include "pop3_parse.h"
#include "pop3_text.h"
#include "rtsp_parse.h"
#include "smtp_parse.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* SIZE of "FROM:<a@b> SIZE=VALUE": the size, or -2 for a bad parameter. */
static long
smtp_size(const char *value)
{
	char line[128];
	struct smtp_path p;

	snprintf(line, sizeof line, "FROM:<a@b> SIZE=%s", value);
	if (smtp_parse_path(line, "FROM:", &p) == -1)
		return -3;
	return p.bad_param ? -2 : p.size;
}

UNIT_TEST(number_syntax_smtp_size)
{
	CHECK_INT(smtp_size("0"), 0);
	CHECK_INT(smtp_size("1000"), 1000);
	CHECK_INT(smtp_size("9223372036854775807"), LONG_MAX);
	CHECK_INT(smtp_size("9223372036854775808"), -2);          /* past LONG_MAX */
	CHECK_INT(smtp_size("99999999999999999999999"), -2);
	CHECK_INT(smtp_size("0000000000000000000000000000001"), 1); /* 31 digits */
	CHECK_INT(smtp_size("00000000000000000000000000000001"), -2); /* 32 */
	CHECK_INT(smtp_size(""), -2);
	CHECK_INT(smtp_size("+5"), -2);
	CHECK_INT(smtp_size("-5"), -2);
	CHECK_INT(smtp_size("5x"), -2);
	CHECK_INT(smtp_size("0x10"), -2);
	CHECK_INT(smtp_size("5\t"), -2);
}

/* pop3_parse_numbers with room for two: the count, or -1; *A the first. */
static int
pop3_nums(const char *args, unsigned long *a)
{
	unsigned long v[2] = { 0, 0 };
	int n = pop3_parse_numbers(args, v, 2);

	*a = v[0];
	return n;
}

UNIT_TEST(number_syntax_pop3_message_numbers)
{
	unsigned long a;

	CHECK_INT(pop3_nums("", &a), 0);
	CHECK_INT(pop3_nums("   ", &a), 0);
	CHECK_INT(pop3_nums("7", &a), 1);
	CHECK_INT(a, 7);
	CHECK_INT(pop3_nums("  7   12 ", &a), 2);
	CHECK_INT(pop3_nums("0", &a), 1);
	CHECK_INT(pop3_nums("18446744073709551615", &a), 1);
	CHECK(a == ULONG_MAX);
	CHECK_INT(pop3_nums("18446744073709551616", &a), -1);     /* past ULONG_MAX */
	CHECK_INT(pop3_nums("00000000000000000009", &a), 1);      /* 20 digits */
	CHECK_INT(a, 9);
	CHECK_INT(pop3_nums("000000000000000000009", &a), -1);    /* 21 */
	CHECK_INT(pop3_nums("1 2 3", &a), -1);                    /* more than two */
	CHECK_INT(pop3_nums("+1", &a), -1);
	CHECK_INT(pop3_nums("-1", &a), -1);
	CHECK_INT(pop3_nums("1a", &a), -1);
	CHECK_INT(pop3_nums("1\t2", &a), -1);
	CHECK_INT(pop3_nums("\t1", &a), -1);
}

/* The wire size of a Maildir name whose ,S= must be FILE_SIZE: the size,
 * or -1. */
static long long
pop3_wire(const char *name, uint64_t file_size)
{
	uint64_t wire = 0;

	return pop3_text_name_size(name, file_size, &wire) == 0 ? (long long)wire : -1;
}

UNIT_TEST(number_syntax_maildir_name_sizes)
{
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=10,W=12:2,S", 10), 12);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=10,W=12", 10), 12);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=0000000000000000010,W=12", 10), 12);  /* 19 digits */
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=00000000000000000010,W=12", 10), -1); /* 20 */
	uint64_t wire = 0;
	CHECK_INT(pop3_text_name_size("1.h,S=10,W=9999999999999999999", 10, &wire), 0);
	CHECK(wire == 9999999999999999999ULL);                      /* 19 nines */
	CHECK_INT(pop3_text_name_size("1.h,S=10,W=19999999999999999999", 10, &wire), -1);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=10,W=999999999999999999", 10), 999999999999999999LL);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=10,W=12x", 10), -1);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=10,W=", 10), -1);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=,W=12", 10), -1);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=+10,W=12", 10), -1);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=1 0,W=12", 10), -1);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=10,W=12,X=y", 10), 12);
	CHECK_INT(pop3_wire("1.M1P1Q1.h,S=11,W=12", 10), -1);      /* not the file's size */
}

/* The error of one RTSP header line on a fresh request. */
static int
rtsp_header_error(const char *line, long *cseq, long *length)
{
	struct rtsp_req r;

	rtsp_req_clear(&r);
	rtsp_req_line(&r, "OPTIONS * RTSP/1.0");
	rtsp_req_header(&r, line, strlen(line));
	*cseq = r.cseq;
	*length = r.content_length;
	return (int)r.error;
}

UNIT_TEST(number_syntax_rtsp_cseq_and_content_length)
{
	long cseq, len;

	CHECK_INT(rtsp_header_error("CSeq: 0", &cseq, &len), RTSP_REQ_OK);
	CHECK_INT(cseq, 0);
	CHECK_INT(rtsp_header_error("CSeq: 999999999", &cseq, &len), RTSP_REQ_OK);
	CHECK_INT(cseq, 999999999);
	CHECK_INT(rtsp_header_error("CSeq:000000007 ", &cseq, &len), RTSP_REQ_OK);  /* 9 digits */
	CHECK_INT(cseq, 7);
	CHECK_INT(rtsp_header_error("CSeq: 0000000007", &cseq, &len), RTSP_REQ_BAD_CSEQ); /* 10 */
	CHECK_INT(rtsp_header_error("CSeq: 1000000000", &cseq, &len), RTSP_REQ_BAD_CSEQ);
	CHECK_INT(rtsp_header_error("CSeq: +1", &cseq, &len), RTSP_REQ_BAD_CSEQ);
	CHECK_INT(rtsp_header_error("CSeq: -1", &cseq, &len), RTSP_REQ_BAD_CSEQ);
	CHECK_INT(rtsp_header_error("CSeq: 1 2", &cseq, &len), RTSP_REQ_BAD_CSEQ);
	CHECK_INT(rtsp_header_error("CSeq: 1x", &cseq, &len), RTSP_REQ_BAD_CSEQ);
	CHECK_INT(rtsp_header_error("CSeq:", &cseq, &len), RTSP_REQ_BAD_CSEQ);
	CHECK_INT(rtsp_header_error("Content-Length: 123", &cseq, &len), RTSP_REQ_OK);
	CHECK_INT(len, 123);
	CHECK_INT(rtsp_header_error("Content-Length: 999999999", &cseq, &len), RTSP_REQ_OK);
	CHECK_INT(rtsp_header_error("Content-Length: 1234567890", &cseq, &len),
	          RTSP_REQ_BAD_LENGTH);
	CHECK_INT(rtsp_header_error("Content-Length: 0x10", &cseq, &len), RTSP_REQ_BAD_LENGTH);
	CHECK_INT(rtsp_header_error("Content-Length: \t", &cseq, &len), RTSP_REQ_BAD_LENGTH);
}

UNIT_TEST(number_syntax_rtsp_interleaved_and_npt)
{
	struct rtsp_transport t;
	int64_t s, e;

	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=254-255", &t), RTSP_TP_OK);
	CHECK(t.ch_rtp == 254 && t.ch_rtcp == 255);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=000000002-000000003", &t),
	          RTSP_TP_OK);
	CHECK(t.ch_rtp == 2 && t.ch_rtcp == 3);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=0000000002", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=256", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=+2", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=2-", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_transport("RTP/AVP/TCP;interleaved=", &t), RTSP_TP_BAD);
	CHECK_INT(rtsp_parse_range("npt=000000012-", &s, &e), 0);   /* 9 digits */
	CHECK(s == 12000 && e == -1);
	CHECK_INT(rtsp_parse_range("npt=0000000012-", &s, &e), -1); /* 10 */
	CHECK_INT(rtsp_parse_range("npt=1:02:03.5-999999999", &s, &e), 0);
	CHECK(s == 3723500 && e == 999999999000LL);
	CHECK_INT(rtsp_parse_range("npt=+1-", &s, &e), -1);
	CHECK_INT(rtsp_parse_range("npt=1:-", &s, &e), -1);
}
