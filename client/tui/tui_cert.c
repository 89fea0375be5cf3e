/*
 * tui_cert.c: the certificate panel's rows and their drawing (see
 * tui_cert.h). Long values wrap at spaces; the fingerprint wraps at byte
 * boundaries so that each row holds whole "AB:" groups. Main thread.
 */
#include "tui_cert.h"
#include "text.h"
#include "tui_defaults.h"

#include <stdio.h>
#include <string.h>

#define CERT_PRIO_KEEP    10          /* checks, reasons, failures */
#define CERT_PRIO_NAME    9           /* subject, expiry */
#define CERT_PRIO_FP      8
#define CERT_PRIO_ISSUER  7
#define CERT_PRIO_SANS    6
#define CERT_PRIO_FROM    5
#define CERT_PRIO_TLS     4
#define CERT_PRIO_KEY     3
#define CERT_PRIO_NOTE    2
#define CERT_PRIO_EXTRA   1           /* only on tall panels */
#define CERT_WRAP_ROWS    2
#define CERT_CHECK_COLS   14          /* "trusted chain" and a space */
#define CERT_TITLE_COLS   24          /* " Server certificate " and the corners */           /* long values take at most this many rows */
#define CERT_FP_GROUP     3           /* "AB:" */
#define CERT_DATE_LEN     sizeof "2026-11-22 10:00:00 UTC"

/* A new row, or NULL when the table is full. */
static struct cert_row *
cert_row_new(struct cert_rows *out, const char *label, int prio)
{
	struct cert_row *r;

	if (out->n >= CERT_ROWS_MAX)
		return NULL;
	r = &out->r[out->n++];
	memset(r, 0, sizeof *r);
	r->label = label;
	r->prio = prio;
	return r;
}

/* Appends a segment to R (ignored when R is NULL or full). */
static void
cert_seg(struct cert_row *r, const char *text, enum tui_role role)
{
	if (r == NULL || r->nseg >= CERT_SEGS)
		return;
	snprintf(r->seg[r->nseg].text, sizeof r->seg[r->nseg].text, "%s", text);
	r->seg[r->nseg++].role = role;
}

/* TEXT in rows of at most W columns, broken at spaces, at most MAXROWS. */
static void
cert_text(struct cert_rows *out, const char *label, const char *text, enum tui_role role,
          int prio, int w, int maxrows)
{
	char piece[CERT_SEG_MAX];
	size_t left = strlen(text);

	for (int row = 0; row < maxrows && (left > 0 || row == 0); row++) {
		size_t n = text_fit(text, left, w);
		if (n < left && row + 1 < maxrows) {
			size_t sp = n;
			while (sp > 0 && text[sp] != ' ')
				sp--;
			n = sp > 0 ? sp : n;
		}
		snprintf(piece, sizeof piece, "%.*s", (int)n, text);
		cert_seg(cert_row_new(out, row ? "" : label, prio), piece, role);
		text += n;
		left -= n;
		while (left > 0 && *text == ' ') {
			text++;
			left--;
		}
	}
}

/* The fingerprint in rows of whole byte groups. */
static void
cert_fingerprint(struct cert_rows *out, const char *fp, int w)
{
	size_t left = strlen(fp);
	int per = (w + 1) / CERT_FP_GROUP;
	size_t chunk = per > 0 ? (size_t)per * CERT_FP_GROUP : (size_t)CERT_FP_GROUP;
	char piece[CERT_SEG_MAX];

	for (int row = 0; left > 0; row++) {
		size_t n = left < chunk ? left : chunk;
		snprintf(piece, sizeof piece, "%.*s", (int)(n == chunk && n < left ? n - 1 : n), fp);
		cert_seg(cert_row_new(out, row ? "" : "SHA-256", CERT_PRIO_FP), piece, ROLE_NORMAL);
		fp += n;
		left -= n;
	}
}

/* "2026-11-22 10:00:00 UTC" */
static void
cert_date(time_t t, char *buf, size_t len)
{
	certinfo_format_time(t, buf, len);
}

/* The validity rows, colored by how near the end is. */
static void
cert_dates(struct cert_rows *out, const struct cert_view *v)
{
	const struct certinfo *ci = v->ci;
	long days = certinfo_days_left(ci, v->now);
	char d[CERT_DATE_LEN + 1], note[CERT_SEG_MAX];
	struct cert_row *r;

	cert_date(ci->not_before, d, sizeof d);
	r = cert_row_new(out, "From", CERT_PRIO_FROM);
	cert_seg(r, d, v->now < ci->not_before ? ROLE_ERR : ROLE_NORMAL);
	if (v->now < ci->not_before)
		cert_seg(r, "  not yet valid", ROLE_ERR);
	cert_date(ci->not_after, d, sizeof d);
	r = cert_row_new(out, "Until", CERT_PRIO_NAME);
	cert_seg(r, d, ROLE_NORMAL);
	if (v->now > ci->not_after)
		snprintf(note, sizeof note, "  expired %ld day%s ago", -days, days == -1 ? "" : "s");
	else
		snprintf(note, sizeof note, "  %ld day%s left", days, days == 1 ? "" : "s");
	cert_seg(r, note, v->now > ci->not_after ? ROLE_ERR :
	         days < CERT_WARN_DAYS ? ROLE_WARN : ROLE_OK);
}

/* The mark, role and label of the pin check. */
static enum tui_role
cert_pin_mark(const struct cert_view *v, const struct tui_glyphs *g, const char **mark)
{
	switch (v->pin) {
	case PINS_STORED: case PINS_MATCH: case PINS_REPLACED:
		*mark = g->ok;
		return ROLE_OK;
	case PINS_MISMATCH:
		*mark = g->fail;
		return ROLE_ERR;
	case PINS_FAILED:
		*mark = g->none;
		return ROLE_WARN;
	case PINS_UNCHECKED:
	default:
		*mark = g->none;
		return ROLE_DIM;
	}
}

/* One row of marks: "✓ trusted chain  ✓ name match  ✓ dates  ✓ pin",
 * continued on a second row when it does not fit in W. */
static void
cert_marks(struct cert_rows *out, const struct cert_view *v, const struct tui_glyphs *g, int w)
{
	struct cert_row *r = cert_row_new(out, "Checks", CERT_PRIO_KEEP);
	char seg[CERT_SEG_MAX];
	int used = 0;

	for (int i = 0; i <= CHECK_COUNT; i++) {
		const char *mark = g->ok;
		enum tui_role role = ROLE_OK;
		if (i < CHECK_COUNT && !v->checks->r[i].ok) {
			mark = g->fail;
			role = ROLE_ERR;
		} else if (i == CHECK_COUNT) {
			role = cert_pin_mark(v, g, &mark);
		}
		snprintf(seg, sizeof seg, "%s%s %s", used ? "  " : "", mark,
		         i < CHECK_COUNT ? checks_label((enum check_id)i) : "pin");
		int sw = text_width(seg, strlen(seg));
		if (used > 0 && used + sw > w) {
			r = cert_row_new(out, "", CERT_PRIO_KEEP);
			snprintf(seg, sizeof seg, "%s %s", mark,
			         i < CHECK_COUNT ? checks_label((enum check_id)i) : "pin");
			used = 0;
		}
		cert_seg(r, seg, role);
		used += text_width(seg, strlen(seg));
	}
}

/* A row per failed check, and what the pin check found. */
static void
cert_reasons(struct cert_rows *out, const struct cert_view *v, const struct tui_glyphs *g, int w)
{
	char line[CHECK_REASON_MAX + CERT_SEG_MAX];

	for (int i = 0; i < CHECK_COUNT; i++) {
		if (v->checks->r[i].ok)
			continue;
		snprintf(line, sizeof line, "%s %s: %s", g->fail, checks_label((enum check_id)i),
		         v->checks->r[i].reason);
		cert_text(out, "", line, ROLE_ERR, CERT_PRIO_KEEP, w, CERT_WRAP_ROWS);
	}
	if (v->pin == PINS_MISMATCH)
		cert_text(out, "", "pin: a DIFFERENT certificate is pinned for this server",
		          ROLE_ERR, CERT_PRIO_KEEP, w, CERT_WRAP_ROWS);
	else if (v->pin == PINS_FAILED)
		snprintf(line, sizeof line, "pin not checked: %s", v->pin_err);
	else if (v->pin == PINS_STORED)
		snprintf(line, sizeof line, "pin: first use, fingerprint stored");
	else if (v->pin == PINS_MATCH)
		snprintf(line, sizeof line, "pin: same certificate as last time");
	else if (v->pin == PINS_REPLACED)
		snprintf(line, sizeof line, "pin: replaced by you");
	if (v->pin == PINS_FAILED)
		cert_text(out, "", line, ROLE_WARN, CERT_PRIO_KEEP, w, CERT_WRAP_ROWS);
	else if (v->pin != PINS_MISMATCH && v->pin != PINS_UNCHECKED)
		cert_text(out, "", line, ROLE_DIM, CERT_PRIO_NOTE, w, 1);
}

/* What check I (CHECK_COUNT: the pin) found, in words. */
static void
cert_found(const struct cert_view *v, int i, char *out, size_t len)
{
	static const char *const pin_words[] = {
		[PINS_UNCHECKED] = "not checked", [PINS_STORED] = "first use: fingerprint stored",
		[PINS_MATCH] = "the same certificate as last time",
		[PINS_REPLACED] = "replaced by you",
		[PINS_MISMATCH] = "a DIFFERENT certificate is pinned for this server",
		[PINS_FAILED] = "not checked",
	};
	long days = certinfo_days_left(v->ci, v->now);

	if (i < CHECK_COUNT && !v->checks->r[i].ok)
		snprintf(out, len, "%s", v->checks->r[i].reason);
	else if (i == CHECK_CHAIN)
		snprintf(out, len, "signed by a trust anchor in %s", v->cafile);
	else if (i == CHECK_NAME)
		snprintf(out, len, "the certificate names %s", v->expect);
	else if (i == CHECK_DATES)
		snprintf(out, len, "valid for %ld more day%s", days, days == 1 ? "" : "s");
	else if (v->pin == PINS_FAILED)
		snprintf(out, len, "not checked: %s", v->pin_err);
	else
		snprintf(out, len, "%s", pin_words[v->pin]);
}

/* A line per check: its mark and name, then what it found (wrapped). */
static void
cert_check_lines(struct cert_rows *out, const struct cert_view *v, const struct tui_glyphs *g,
                 int w)
{
	char head[CERT_SEG_MAX], found[CHECK_REASON_MAX], piece[CERT_SEG_MAX];

	for (int i = 0; i <= CHECK_COUNT; i++) {
		const char *mark = g->ok;
		enum tui_role role = i < CHECK_COUNT ? (v->checks->r[i].ok ? ROLE_OK : ROLE_ERR) :
		                     cert_pin_mark(v, g, &mark);
		if (i < CHECK_COUNT && !v->checks->r[i].ok)
			mark = g->fail;
		snprintf(head, sizeof head, "%s %-*s", mark, CERT_CHECK_COLS,
		         i < CHECK_COUNT ? checks_label((enum check_id)i) : "pin");
		cert_found(v, i, found, sizeof found);
		int hw = text_width(head, strlen(head));
		const char *s = found;
		size_t left = strlen(found);
		for (int r = 0; r < CERT_WRAP_ROWS && (left > 0 || r == 0); r++) {
			size_t n = text_wrap(s, left, w - hw > 1 ? w - hw : 1);
			snprintf(piece, sizeof piece, "%.*s", (int)n, s);
			struct cert_row *row = cert_row_new(out, i || r ? "" : "Checks", CERT_PRIO_KEEP);
			cert_seg(row, r ? "" : head, role);
			if (r)
				snprintf(row->seg[0].text, sizeof row->seg[0].text, "%*s", hw, "");
			cert_seg(row, piece, role == ROLE_OK ? ROLE_DIM : role);
			s += n;
			left -= n;
		}
	}
}

/* Rows of at least priority PRIO. */
static int
cert_rows_count(const struct cert_rows *rows, int prio)
{
	int n = 0;

	for (int i = 0; i < rows->n; i++)
		n += rows->r[i].prio >= prio;
	return n;
}

/* What was negotiated, or why nothing was. */
static void
cert_tls(struct cert_rows *out, const struct cert_view *v, const struct tui_glyphs *g, int w)
{
	char line[CERT_SEG_MAX];

	if (v->version[0] != '\0') {
		snprintf(line, sizeof line, "%s%s%s%s%s", v->version, g->sep, v->cipher,
		         v->group[0] ? g->sep : "", v->group);
		if (text_width(line, strlen(line)) > w)     /* the group is in the report */
			snprintf(line, sizeof line, "%s%s%s", v->version, g->sep, v->cipher);
		cert_text(out, "TLS", line, ROLE_NORMAL, CERT_PRIO_TLS, w, 1);
	} else {
		cert_text(out, "TLS", "handshake not completed", ROLE_DIM, CERT_PRIO_TLS, w, 1);
	}
}

/* Rows when no certificate was received. */
static void
cert_none(struct cert_rows *out, const struct cert_view *v, int w)
{
	cert_text(out, "Server", v->peer, ROLE_NORMAL, CERT_PRIO_KEEP, w, 1);
	if (v->phase == CP_CONNECTING || v->phase == CP_HANDSHAKE || v->phase == CP_IDLE)
		cert_text(out, "", "connecting...", ROLE_DIM, CERT_PRIO_KEEP, w, 1);
	else
		cert_text(out, "", v->why[0] ? v->why : "no certificate received", ROLE_ERR,
		          CERT_PRIO_KEEP, w, CERT_WRAP_ROWS + 1);
}

void
tui_cert_rows_build(struct cert_rows *out, const struct cert_view *v,
                    const struct tui_glyphs *g, int value_w, int rows)
{
	const struct certinfo *ci = v->ci;
	char line[CERT_SEG_MAX * 2];

	out->n = 0;
	if (ci == NULL) {
		cert_none(out, v, value_w);
		return;
	}
	snprintf(line, sizeof line, "%s%s%s", ci->subject_cn[0] ? ci->subject_cn : ci->subject,
	         ci->subject_org[0] ? g->sep : "", ci->subject_org);
	cert_text(out, "Subject", line, ROLE_NORMAL, CERT_PRIO_NAME, value_w, 1);
	snprintf(line, sizeof line, "%s%s", ci->issuer_cn[0] ? ci->issuer_cn : ci->issuer,
	         ci->self_signed ? " (self-signed)" : "");
	cert_text(out, "Issuer", line, ROLE_NORMAL, CERT_PRIO_ISSUER, value_w, 1);
	cert_text(out, "SANs", ci->sans[0] ? ci->sans : "none", ROLE_NORMAL, CERT_PRIO_SANS,
	          value_w, CERT_WRAP_ROWS);
	cert_dates(out, v);
	snprintf(line, sizeof line, "%s%s%s", ci->key_type, g->sep, ci->sig_alg);
	cert_text(out, "Key", line, ROLE_NORMAL, CERT_PRIO_KEY, value_w, 1);
	cert_fingerprint(out, ci->fingerprint, value_w);
	cert_text(out, "Serial", ci->serial, ROLE_DIM, CERT_PRIO_EXTRA, value_w, 1);
	cert_tls(out, v, g, value_w);
	int core = out->n;
	cert_check_lines(out, v, g, value_w);
	if (cert_rows_count(out, CERT_PRIO_KEY) > rows) {
		out->n = core;
		cert_marks(out, v, g, value_w);
		cert_reasons(out, v, g, value_w);
	}
}

void
tui_cert_rows_fit(struct cert_rows *rows, int avail)
{
	while (rows->n > (avail > 0 ? avail : 0)) {
		int low = 0;
		for (int i = 1; i < rows->n; i++)
			if (rows->r[i].prio <= rows->r[low].prio)
				low = i;
		memmove(&rows->r[low], &rows->r[low + 1],
		        (size_t)(rows->n - low - 1) * sizeof rows->r[0]);
		rows->n--;
	}
}

void
tui_cert_view_of(struct cert_view *v, const struct tui_conn *c, time_t now)
{
	/* mid-handshake the leaf may be there but its checks not run yet */
	int have = c->have_session && session_have_cert(&c->s) &&
	           c->phase != CP_HANDSHAKE && c->phase != CP_CONNECTING;

	memset(v, 0, sizeof *v);
	v->peer = c->cfg.target->peer;
	v->phase = c->phase;
	v->why = c->why;
	v->ci = have ? &c->s.pv.leaf_info : NULL;
	v->checks = have ? &c->s.checks : NULL;
	v->version = c->have_session ? session_version(&c->s) : "";
	v->cipher = c->have_session ? session_cipher(&c->s) : "";
	v->group = c->have_session ? session_group(&c->s) : "";
	v->pin = c->pin;
	v->pin_err = c->pin_err;
	v->expect = c->cfg.target->expect;
	v->cafile = c->cfg.target->cafile;
	v->now = now;
}

/* The panel's title and verdict on its top border. */
static void
cert_frame(WINDOW *w, const struct cert_view *v, const struct tui_theme *th)
{
	int wd = getmaxx(w);
	const char *verdict = NULL;
	enum tui_role role = ROLE_OK;
	char text[CERT_SEG_MAX];

	wattrset(w, tui_theme_attr(th, ROLE_BORDER));
	box(w, 0, 0);
	wattrset(w, tui_theme_attr(th, ROLE_HEADING));
	mvwaddstr(w, 0, 2, " Server certificate ");
	if (v->ci != NULL && v->checks != NULL && checks_all_ok(v->checks) &&
	    v->pin != PINS_MISMATCH && v->version[0] != '\0') {
		verdict = "verified";
	} else if (v->phase == CP_REFUSED || v->phase == CP_PIN_WAIT) {
		verdict = "REJECTED";
		role = ROLE_ERR;
	}
	if (verdict == NULL)
		return;
	snprintf(text, sizeof text, " %s %s ", verdict, role == ROLE_OK ? th->g.ok : th->g.fail);
	int tw = text_width(text, strlen(text));
	if (wd > tw + CERT_TITLE_COLS) {
		wattrset(w, tui_theme_attr(th, role) | A_BOLD);
		mvwaddstr(w, 0, wd - tw - 2, text);
	}
	wattrset(w, A_NORMAL);
}

void
tui_cert_draw(WINDOW *w, const struct cert_view *v, const struct tui_theme *th)
{
	struct cert_rows rows;
	int h, wd, vx = 1 + TUI_LABEL_COLS;

	getmaxyx(w, h, wd);
	werase(w);
	if (h < 3 || wd < vx + 4)
		return;
	tui_cert_rows_build(&rows, v, &th->g, wd - 1 - vx, h - 2);
	tui_cert_rows_fit(&rows, h - 2);
	cert_frame(w, v, th);
	for (int i = 0; i < rows.n; i++) {
		const struct cert_row *r = &rows.r[i];
		wattrset(w, tui_theme_attr(th, ROLE_LABEL));
		mvwaddnstr(w, 1 + i, 2, r->label, TUI_LABEL_COLS - 2);
		wmove(w, 1 + i, vx);
		for (int s = 0; s < r->nseg; s++) {
			int room = wd - 1 - getcurx(w);
			const char *t = r->seg[s].text;
			wattrset(w, tui_theme_attr(th, r->seg[s].role));
			waddnstr(w, t, (int)text_fit(t, strlen(t), room > 0 ? room : 0));
		}
	}
	wattrset(w, A_NORMAL);
}
