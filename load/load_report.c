/*
 * load_report.c: seal-load's live line and final summary (text and JSON).
 * Reads snapshots only; main thread.
 */
#include "load_report.h"
#include "timeconst.h"

#include <string.h>

#define LOAD_BYTES_PER_MB 1000000.0    /* MB/s: 10^6 bytes a second */

static double
report_ms(unsigned long long us)
{
	return (double)us / (double)US_PER_MS;
}

static double
report_rate(unsigned long long n, double seconds)
{
	return seconds > 0 ? (double)n / seconds : 0.0;
}

/* BYTES over SECONDS in MB/s (10^6 bytes). */
static double
report_mb_s(double bytes, double seconds)
{
	return seconds > 0 ? bytes / LOAD_BYTES_PER_MB / seconds : 0.0;
}

/* "[#####.....]" filled to FRAC. */
static void
report_bar(char *buf, size_t len, double frac)
{
	int fill = frac <= 0 ? 0 : frac >= 1 ? LOAD_BAR_WIDTH : (int)(frac * LOAD_BAR_WIDTH);
	size_t i = 0;

	if (len < LOAD_BAR_WIDTH + 3)
		return;
	buf[i++] = '[';
	for (int k = 0; k < LOAD_BAR_WIDTH; k++)
		buf[i++] = k < fill ? '#' : '.';
	buf[i++] = ']';
	buf[i] = '\0';
}

void
load_report_live(FILE *out, const struct load_opts *o, const struct load_snapshot *cur,
                 const struct load_snapshot *prev, double elapsed_s,
                 double interval_s, double progress)
{
	char bar[LOAD_BAR_WIDTH + 3];

	report_bar(bar, sizeof bar, progress);
	if (o->mode == LOAD_MODE_IDLE)
		fprintf(out, "\r%7.1fs  open %llu/%ld  holding %llu  failed %llu  %.0f/s",
		        elapsed_s, cur->opened, o->clients, cur->holding, cur->failed_total,
		        report_rate(cur->opened - prev->opened, interval_s));
	else
		fprintf(out, "\r%7.1fs  ok %llu  failed %llu  %.0f/s", elapsed_s, cur->ok,
		        cur->failed_total, report_rate(cur->ok - prev->ok, interval_s));
	fprintf(out, "  p50 %.2f ms  p99 %.2f ms", report_ms(cur->p50_us), report_ms(cur->p99_us));
	if (o->mode == LOAD_MODE_POP3)
		fprintf(out, "  %.0f MB/s", report_mb_s((double)(cur->bytes - prev->bytes), interval_s));
	if (o->mode == LOAD_MODE_RTSP)
		fprintf(out, "  streams %llu  late p99 %.1f ms", cur->streams, report_ms(cur->late.p99_us));
	fprintf(out, "  %s\033[K", bar);
	fflush(out);
}

/* "connect 0, handshake 3, protocol 0, timeout 0" */
static void
report_fail_kinds(FILE *out, const struct load_snapshot *s)
{
	for (int k = 0; k < LOAD_FAIL_COUNT; k++)
		fprintf(out, "%s%s %llu", k ? ", " : "", load_stats_fail_name((enum load_fail)k),
		        s->failed[k]);
}

/* pop3, rtsp and aead: what came and how fast. */
static void
report_text_services(FILE *out, const struct load_opts *o, const struct load_result *r)
{
	const struct load_snapshot *s = &r->snap;
	const struct load_aead_result *a = &r->aead;

	if (o->mode == LOAD_MODE_POP3)
		fprintf(out, "  messages     %llu retrieved, %llu octets: %.1f MB/s over the run, "
		        "%.1f MB/s from RETR to its \".\"\n", s->messages, s->bytes,
		        report_mb_s((double)s->bytes, r->elapsed_s),
		        report_mb_s((double)s->bytes, (double)s->busy_us / (double)US_PER_S));
	if (o->mode == LOAD_MODE_RTSP)
		fprintf(out, "  streams      %llu ended by RTCP BYE; %llu RTP packets, %llu lost, "
		        "%llu reordered, %llu payload bytes\n"
		        "  lateness     p50 %.2f ms  p99 %.2f ms  max %.2f ms (arrival - PLAY sent "
		        "- RTP time)\n"
		        "  first packet p50 %.2f ms  p99 %.2f ms  max %.2f ms (after PLAY sent)\n"
		        "  by read      p50 %.2f ms  p99 %.2f ms  max %.2f ms (arrival = when "
		        "seal-load read it)\n",
		        s->streams, s->packets, s->lost, s->reordered, s->bytes,
		        report_ms(s->late.p50_us), report_ms(s->late.p99_us), report_ms(s->late.max_us),
		        report_ms(s->first.p50_us), report_ms(s->first.p99_us),
		        report_ms(s->first.max_us), report_ms(s->late_read.p50_us),
		        report_ms(s->late_read.p99_us), report_ms(s->late_read.max_us));
	if (a->have)
		fprintf(out, "  aead         %s, %d-byte records: %llu bytes in %.3f s of CPU "
		        "(%.3f s wall): %.1f MB/s\n", a->algorithm, LOAD_AEAD_RECORD,
		        (unsigned long long)a->bytes, a->seconds, a->wall_seconds,
		        report_mb_s((double)a->bytes, a->seconds));
}

/* The lines only some modes have: resumption, holding, TLS parameters. */
static void
report_text_extra(FILE *out, const struct load_opts *o, const struct load_result *r)
{
	const struct load_snapshot *s = &r->snap;

	report_text_services(out, o, r);

	if (s->tls.have)
		fprintf(out, "  tls          %s %s%s%s\n", s->tls.version, s->tls.cipher,
		        s->tls.group[0] ? " " : "", s->tls.group);
	if (o->mode == LOAD_MODE_RESUME)
		fprintf(out, "  resumed      %llu of %llu offered (first handshake of each "
		        "client is full)\n", s->resumed, s->resume_tried);
	if (o->mode == LOAD_MODE_IDLE)
		fprintf(out, "  held         %llu of %ld for %.1f s (opened %llu in %.2f s)\n",
		        s->held, o->clients, r->hold_s, s->opened, r->open_s);
	for (int k = 0; k < LOAD_FAIL_COUNT; k++)
		if (s->failed[k] > 0)
			fprintf(out, "  first %-9s failure: %s\n",
			        load_stats_fail_name((enum load_fail)k), s->first_err[k]);
}

void
load_report_text(FILE *out, const struct load_opts *o, const struct load_result *r)
{
	const struct load_snapshot *s = &r->snap;
	unsigned long long n = o->mode == LOAD_MODE_IDLE ? s->opened : s->ok;

	fprintf(out, "seal-load %s %s (%s)\n", load_opts_mode_name(o->mode), o->url_text, r->addr);
	fprintf(out, "  clients      %ld (%ld thread%s, ramp %g s)\n", o->clients, o->threads,
	        o->threads == 1 ? "" : "s", o->ramp_s);
	fprintf(out, "  sessions     %llu ok, %llu failed (", s->ok, s->failed_total);
	report_fail_kinds(out, s);
	fprintf(out, ")\n  duration     %.2f s\n", r->elapsed_s);
	fprintf(out, "  rate         %.1f %s/s\n",
	        report_rate(n, o->mode == LOAD_MODE_IDLE ? r->open_s : r->elapsed_s),
	        o->mode == LOAD_MODE_IDLE ? "opened" : "sessions");
	fprintf(out, "  latency      p50 %.2f ms  p99 %.2f ms  max %.2f ms%s\n",
	        report_ms(s->p50_us), report_ms(s->p99_us), report_ms(s->max_us),
	        o->mode == LOAD_MODE_IDLE ? " (connect to greeting)" : "");
	report_text_extra(out, o, r);
}

/* S as a JSON string, quotes included. */
static void
report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void
report_json_failures(FILE *out, const struct load_snapshot *s)
{
	fprintf(out, "\"failures\":{");
	for (int k = 0; k < LOAD_FAIL_COUNT; k++)
		fprintf(out, "%s\"%s\":%llu", k ? "," : "", load_stats_fail_name((enum load_fail)k),
		        s->failed[k]);
	fprintf(out, "},\"first_errors\":{");
	int first = 1;
	for (int k = 0; k < LOAD_FAIL_COUNT; k++) {
		if (s->failed[k] == 0)
			continue;
		fprintf(out, "%s\"%s\":", first ? "" : ",",
		        load_stats_fail_name((enum load_fail)k));
		report_json_string(out, s->first_err[k]);
		first = 0;
	}
	fprintf(out, "},");
}

/* pop3, rtsp and aead: their own members. */
static void
report_json_services(FILE *out, const struct load_opts *o, const struct load_result *r)
{
	const struct load_snapshot *s = &r->snap;
	const struct load_aead_result *a = &r->aead;
	double busy_s = (double)s->busy_us / (double)US_PER_S;

	if (o->mode == LOAD_MODE_POP3)
		fprintf(out, ",\"messages\":%llu,\"bytes\":%llu,\"mb_per_s\":%.1f,\"retr_s\":%.3f,"
		        "\"retr_mb_per_s\":%.1f", s->messages, s->bytes,
		        report_mb_s((double)s->bytes, r->elapsed_s), busy_s,
		        report_mb_s((double)s->bytes, busy_s));
	if (o->mode == LOAD_MODE_RTSP)
		fprintf(out, ",\"streams\":%llu,\"packets\":%llu,\"lost\":%llu,\"reordered\":%llu,"
		        "\"bytes\":%llu,\"lateness_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
		        "\"samples\":%llu},\"first_packet_ms\":{\"p50\":%.3f,\"p99\":%.3f,"
		        "\"max\":%.3f}", s->streams, s->packets, s->lost, s->reordered, s->bytes,
		        report_ms(s->late.p50_us), report_ms(s->late.p99_us),
		        report_ms(s->late.max_us), s->late.samples, report_ms(s->first.p50_us),
		        report_ms(s->first.p99_us), report_ms(s->first.max_us));
	if (o->mode == LOAD_MODE_RTSP)
		fprintf(out, ",\"lateness_read_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}",
		        report_ms(s->late_read.p50_us), report_ms(s->late_read.p99_us),
		        report_ms(s->late_read.max_us));
	if (o->mode == LOAD_MODE_AEAD) {
		fprintf(out, ",\"aead\":{\"algorithm\":");
		report_json_string(out, a->have ? a->algorithm : "");
		fprintf(out, ",\"record_bytes\":%d,\"bytes\":%llu,\"seconds\":%.4f,"
		        "\"wall_seconds\":%.4f,\"mb_per_s\":%.1f}", LOAD_AEAD_RECORD,
		        (unsigned long long)a->bytes, a->seconds, a->wall_seconds,
		        report_mb_s((double)a->bytes, a->seconds));
	}
}

static void
report_json_tls(FILE *out, const struct load_snapshot *s)
{
	fprintf(out, "\"tls\":{\"version\":");
	report_json_string(out, s->tls.version);
	fprintf(out, ",\"cipher\":");
	report_json_string(out, s->tls.cipher);
	fprintf(out, ",\"group\":");
	report_json_string(out, s->tls.group);
	fprintf(out, "}");
}

void
load_report_json(FILE *out, const struct load_opts *o, const struct load_result *r)
{
	const struct load_snapshot *s = &r->snap;
	int idle = o->mode == LOAD_MODE_IDLE;

	fprintf(out, "{\"mode\":\"%s\",\"url\":", load_opts_mode_name(o->mode));
	report_json_string(out, o->url_text);
	fprintf(out, ",\"address\":");
	report_json_string(out, r->addr);
	fprintf(out, ",\"clients\":%ld,\"threads\":%ld,\"ramp_s\":%g,\"ok\":%llu,"
	        "\"failed\":%llu,", o->clients, o->threads, o->ramp_s, s->ok, s->failed_total);
	report_json_failures(out, s);
	fprintf(out, "\"connected\":%llu,\"duration_s\":%.3f,\"rate_per_s\":%.1f,"
	        "\"latency_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f},", s->connected,
	        r->elapsed_s, report_rate(idle ? s->opened : s->ok, idle ? r->open_s : r->elapsed_s),
	        report_ms(s->p50_us), report_ms(s->p99_us), report_ms(s->max_us));
	report_json_tls(out, s);
	if (o->mode == LOAD_MODE_RESUME)
		fprintf(out, ",\"resumed\":%llu,\"resume_offered\":%llu", s->resumed, s->resume_tried);
	if (idle)
		fprintf(out, ",\"opened\":%llu,\"held\":%llu,\"open_s\":%.3f,\"hold_s\":%.3f",
		        s->opened, s->held, r->open_s, r->hold_s);
	if (o->mode == LOAD_MODE_SMTP)
		fprintf(out, ",\"message_bytes\":%ld", o->msg_size);
	report_json_services(out, o, r);
	fprintf(out, "}\n");
}
