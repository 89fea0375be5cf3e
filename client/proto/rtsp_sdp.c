/*
 * rtsp_sdp.c: the part of a DESCRIBE reply's SDP (RFC 8866) that seal needs
 * to play it: the first audio medium, its payload type, L16 rate and
 * channels (a=rtpmap:, or RFC 3551's static 10 and 11), the session's
 * a=range:npt= length, and the medium's a=control: resolved against the
 * Content-Base. Part of rtsp_client.h; pure.
 */
#include "rtsp_client.h"
#include "rtp.h"
#include "timeconst.h"
#include "decimal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SDP_LINE_MAX 1024

struct sdp_state {
	int in_audio, seen_audio, have_rtpmap;
	char encoding[32];
};

int
rtsp_sdp_npt_ms(const char **p, uint64_t *ms)
{
	const char *q = *p;
	uint64_t sec, frac = 0;

	if (decimal_scan(&q, UINT64_MAX / MS_PER_S, &sec) == -1)
		return -1;
	if (*q == '.') {
		uint64_t scale = MS_PER_S / DECIMAL;
		for (q++; *q >= '0' && *q <= '9'; q++, scale /= DECIMAL)
			frac += (uint64_t)(*q - '0') * scale;      /* digits past the third add 0 */
	}
	if (sec * MS_PER_S > UINT64_MAX - frac)
		return -1;
	*ms = sec * MS_PER_S + frac;
	*p = q;
	return 0;
}

/* CONTROL resolved against the base URL into c->track. */
static void
rtsp_sdp_control(struct rtsp_client *c, const char *control)
{
	size_t n = strlen(c->base);

	if (strstr(control, "://") != NULL)
		snprintf(c->track, sizeof c->track, "%s", control);
	else if (strcmp(control, "*") == 0)
		snprintf(c->track, sizeof c->track, "%s", c->base);
	else
		snprintf(c->track, sizeof c->track, "%s%s%s", c->base,
		         n > 0 && c->base[n - 1] == '/' ? "" : "/", control);
}

/* One line of the audio medium. */
static void
rtsp_sdp_media_line(struct rtsp_client *c, struct sdp_state *s, const char *l)
{
	unsigned pt, rate, ch = 1;
	char enc[sizeof s->encoding];

	if (strncmp(l, "a=rtpmap:", 9) == 0 &&
	    sscanf(l + 9, "%u %31[^/]/%u/%u", &pt, enc, &rate, &ch) >= 3 && pt == c->pt) {
		snprintf(s->encoding, sizeof s->encoding, "%s", enc);
		c->rate = rate;
		c->channels = ch;
		s->have_rtpmap = 1;
	} else if (strncmp(l, "a=control:", 10) == 0) {
		rtsp_sdp_control(c, l + 10);
	}
}

static void
rtsp_sdp_line(struct rtsp_client *c, struct sdp_state *s, const char *l)
{
	unsigned pt;

	if (strncmp(l, "m=", 2) == 0) {
		s->in_audio = !s->seen_audio && strncmp(l, "m=audio ", 8) == 0 &&
		              sscanf(l + 8, "%*u %*s %u", &pt) == 1;
		if (s->in_audio) {
			s->seen_audio = 1;
			c->pt = pt;
		}
	} else if (s->in_audio) {
		rtsp_sdp_media_line(c, s, l);
	} else if (!s->seen_audio && strncmp(l, "a=range:npt=", 12) == 0) {
		const char *end = strchr(l + 12, '-');
		uint64_t ms;
		if (end != NULL && *++end != '\0' && rtsp_sdp_npt_ms(&end, &ms) == 0 &&
		    end[strspn(end, " \t")] == '\0')
			c->duration_ms = ms;
	}
}

/* Checks what was found. 0, or -1 with ERR. */
static int
rtsp_sdp_check(struct rtsp_client *c, const struct sdp_state *s, char *err, size_t errlen)
{
	if (!s->seen_audio) {
		snprintf(err, errlen, "the SDP has no audio medium");
		return -1;
	}
	if (!s->have_rtpmap && (c->pt == RTP_PT_L16_STEREO || c->pt == RTP_PT_L16_MONO)) {
		c->rate = RTP_L16_STATIC_RATE;
		c->channels = c->pt == RTP_PT_L16_STEREO ? RTSP_CLIENT_CHANNELS : 1;
	} else if (!s->have_rtpmap || strcasecmp(s->encoding, "L16") != 0) {
		snprintf(err, errlen, "the audio is %s, not L16 (16-bit PCM)",
		         s->have_rtpmap ? s->encoding : "of an unknown payload type");
		return -1;
	}
	if (c->rate == 0 || c->channels == 0 || c->channels > RTSP_CLIENT_CHANNELS) {
		snprintf(err, errlen, "L16 at %u Hz with %u channels is not playable", c->rate,
		         c->channels);
		return -1;
	}
	if (c->track[0] == '\0')
		snprintf(c->track, sizeof c->track, "%s", c->base);
	c->have_sdp = 1;
	return 0;
}

int
rtsp_sdp_read(struct rtsp_client *c, const char *body, char *err, size_t errlen)
{
	struct sdp_state s;
	char line[SDP_LINE_MAX];

	memset(&s, 0, sizeof s);
	c->have_sdp = 0;                 /* a refused SDP leaves none, not the last one's flag */
	c->track[0] = '\0';
	c->rate = c->channels = 0;
	c->duration_ms = 0;
	while (*body != '\0') {
		size_t n = strcspn(body, "\r\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), body);
		rtsp_sdp_line(c, &s, line);
		body += n;
		body += strspn(body, "\r\n");
	}
	return rtsp_sdp_check(c, &s, err, errlen);
}
