/*
 * alertscan.c: the record-layer reader behind alertscan.h. Pure; the
 * connection's thread.
 */
#include "alertscan.h"

#define ALERTSCAN_TYPE_ALERT 21                     /* ContentType alert */
#define ALERTSCAN_MAJOR      3                      /* SSL 3.0 .. TLS 1.3 say 3 */
#define ALERTSCAN_RECORD_MAX (16384 + 2048)         /* TLSCiphertext at most */

void
alertscan_init(struct alertscan *s)
{
	*s = (struct alertscan){ .pending_level = -1, .level = -1, .desc = -1 };
}

/* A whole header is in: checks it and starts its record. */
static void
alertscan_header(struct alertscan *s)
{
	size_t len = (size_t)s->hdr[3] << 8 | s->hdr[4];

	s->hdr_have = 0;
	if (s->hdr[1] != ALERTSCAN_MAJOR || len > ALERTSCAN_RECORD_MAX) {
		s->lost = 1;
		return;
	}
	s->body_left = len;
	s->in_alert = s->hdr[0] == ALERTSCAN_TYPE_ALERT;
	s->odd = 0;
}

/* One byte of a plaintext alert record: level, then description. */
static void
alertscan_alert_byte(struct alertscan *s, unsigned char b)
{
	if (!s->odd) {
		s->pending_level = b;
	} else {
		s->level = s->pending_level;
		s->desc = b;
	}
	s->odd = !s->odd;
}

void
alertscan_feed(struct alertscan *s, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && !s->lost) {
		if (s->body_left == 0) {
			s->hdr[s->hdr_have++] = p[i++];
			if (s->hdr_have == ALERTSCAN_HEADER)
				alertscan_header(s);
			continue;
		}
		if (s->in_alert) {
			alertscan_alert_byte(s, p[i++]);
			s->body_left--;
			continue;
		}
		size_t skip = n - i < s->body_left ? n - i : s->body_left;
		i += skip;
		s->body_left -= skip;
	}
}

size_t
alertscan_alert_unread(const struct alertscan *s)
{
	if (s->lost || !s->in_alert || s->body_left > ALERTSCAN_ALERT_MAX)
		return 0;
	return s->body_left;
}
