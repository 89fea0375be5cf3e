/* test_alertscan.c: the alert a peer sends in the clear is found in the
 * raw bytes however they are split, after other records, or after wolfSSL
 * read only its header; bytes that are not TLS records stop the scan. */
#include "unit.h"
#include "alertscan.h"

/* A ChangeCipherSpec record, an encrypted record of 6 bytes, then a fatal
 * unknown_ca alert (RFC 8446 B.2: 48), as a TLS 1.3 client sends them. */
static const unsigned char flight[] = {
	20, 3, 3, 0, 1, 1,
	23, 3, 3, 0, 6, 21, 3, 1, 0, 2, 48,
	21, 3, 3, 0, 2, 2, 48,
};

UNIT_TEST(alertscan_finds_the_alert_after_other_records)
{
	struct alertscan s;

	alertscan_init(&s);
	CHECK_INT(s.desc, -1);
	alertscan_feed(&s, flight, sizeof flight);
	CHECK_INT(s.level, 2);
	CHECK_INT(s.desc, 48);
	CHECK_INT(alertscan_alert_unread(&s), 0);
	for (size_t split = 1; split < sizeof flight; split++) {
		alertscan_init(&s);
		for (size_t i = 0; i < sizeof flight; i += split)
			alertscan_feed(&s, flight + i, sizeof flight - i < split ? sizeof flight - i : split);
		CHECK_INT(s.desc, 48);
	}
}

UNIT_TEST(alertscan_header_alone_leaves_the_body_to_read)
{
	static const unsigned char expired[] = { 2, 45, 1, 90 };   /* two alerts in one record */
	static const unsigned char header[] = { 21, 3, 3, 0, 4 };
	struct alertscan s;

	alertscan_init(&s);
	alertscan_feed(&s, flight, 6);               /* the ChangeCipherSpec */
	CHECK_INT(alertscan_alert_unread(&s), 0);
	alertscan_feed(&s, header, sizeof header);  /* what wolfSSL reads of it */
	CHECK_INT(alertscan_alert_unread(&s), 4);
	CHECK_INT(s.desc, -1);
	alertscan_feed(&s, expired, 3);
	CHECK_INT(s.desc, 45);
	CHECK_INT(alertscan_alert_unread(&s), 1);
	alertscan_feed(&s, expired + 3, 1);
	CHECK_INT(s.level, 1);                       /* the last one: warning user_canceled */
	CHECK_INT(s.desc, 90);
	CHECK_INT(alertscan_alert_unread(&s), 0);
}

UNIT_TEST(alertscan_stops_on_what_is_not_tls)
{
	static const unsigned char huge[] = { 21, 3, 3, 0x48, 0x01, 2, 48 };   /* past 2^14+2048 */
	static const char http[] = "GET / HTTP/1.1\r\n\x15\x03\x03\x00\x02\x02\x30";
	struct alertscan s;

	alertscan_init(&s);
	alertscan_feed(&s, (const unsigned char *)http, sizeof http - 1);
	CHECK(s.lost);
	CHECK_INT(s.desc, -1);
	CHECK_INT(alertscan_alert_unread(&s), 0);
	alertscan_init(&s);
	alertscan_feed(&s, huge, sizeof huge);
	CHECK(s.lost);
	CHECK_INT(s.desc, -1);
}
