/*
 * report.c: the --show-cert report: certificate fields, the negotiated TLS
 * parameters, then the checks. Labels line up with certinfo_report's. It is
 * written whole to memory, then to the stream through the text filter.
 */
#include "report.h"
#include "text.h"

#include <stdlib.h>

#define REPORT_LABEL_WIDTH 21          /* as certinfo_report: "SHA-256 fingerprint: " */

static void
report_line(FILE *out, const char *label, const char *value)
{
	if (value[0] != '\0')
		fprintf(out, "%-*s%s\n", REPORT_LABEL_WIDTH, label, value);
}

/* The report, raw: certificate fields as the server sent them. */
static void
report_raw(FILE *out, const struct session *s)
{
	fprintf(out, "Server certificate of %s\n", s->peer);
	if (!session_have_cert(s)) {
		fprintf(out, "(no certificate received)\n");
		return;
	}
	certinfo_report(out, &s->pv.leaf_info, s->pv.now);
	if (s->established) {
		report_line(out, "TLS version:", session_version(s));
		report_line(out, "Cipher:", session_cipher(s));
		report_line(out, "Group:", session_group(s));
	} else {
		report_line(out, "TLS version:", "(handshake refused)");
	}
	checks_print(out, &s->checks);
}

void
report_print(FILE *out, const struct session *s, int utf8)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL) {
		fprintf(out, "(out of memory for the certificate report)\n");
		return;
	}
	report_raw(mem, s);
	if (fclose(mem) == 0)
		text_write(out, text, len, utf8);
	else
		fprintf(out, "(out of memory for the certificate report)\n");
	free(text);
}
