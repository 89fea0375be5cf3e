/* test_tui_layout.c: where the TUI's areas go at 80x24, 100x30 and
 * 160x50 (every area present, inside the screen, no overlaps, forms and
 * pages where they belong), what counts as too small, and the certificate
 * panel's rows: fingerprint wrapping, the days-left warning, the check
 * marks and the reasons kept when the panel is short. */
#include "tui_defaults.h"
#include "unit.h"
#include "tui_cert.h"
#include "tui_layout.h"

#define T_NOW 1795300000L             /* 2026-11-21 */
#define DAY   86400L

static int
inside(const struct tui_rect *r, int rows, int cols)
{
	return r->h > 0 && r->w > 0 && r->y >= 0 && r->x >= 0 && r->y + r->h <= rows &&
	       r->x + r->w <= cols;
}

static void
check_geometry(int rows, int cols)
{
	struct tui_geom g;
	const struct tui_rect *main_areas[5];

	tui_layout_compute(rows, cols, &g);
	main_areas[0] = &g.title;
	main_areas[1] = &g.cert;
	main_areas[2] = &g.menu;
	main_areas[3] = &g.transcript;
	main_areas[4] = &g.status;
	CHECK(!g.tiny);
	for (int i = 0; i < 5; i++) {
		CHECK(inside(main_areas[i], rows, cols));
		for (int j = i + 1; j < 5; j++)
			CHECK(!tui_layout_overlap(main_areas[i], main_areas[j]));
	}
	CHECK_INT(g.title.y, 0);
	CHECK_INT(g.status.y, rows - 1);
	CHECK_INT(g.cert.w + g.menu.w, cols);
	CHECK(g.cert.h >= TUI_TOP_MIN_ROWS && g.cert.h <= TUI_TOP_MAX_ROWS);
	CHECK(g.transcript.h >= TUI_TRANSCRIPT_MIN_ROWS);
	CHECK_INT(g.title.h + g.cert.h + g.transcript.h + g.status.h, rows);
	CHECK(!tui_layout_overlap(&g.form, &g.transcript));      /* replies stay visible */
	CHECK(inside(&g.page, rows, cols) && inside(&g.dialog, rows, cols));
	CHECK(!tui_layout_overlap(&g.page, &g.status) && !tui_layout_overlap(&g.page, &g.title));
}

UNIT_TEST(tui_layout_80x24_100x30_160x50)
{
	struct tui_geom g;

	check_geometry(24, 80);
	check_geometry(30, 100);
	check_geometry(50, 160);
	tui_layout_compute(24, 80, &g);
	CHECK_INT(g.cert.h, TUI_TOP_MIN_ROWS);
	CHECK_INT(g.menu.w, TUI_MENU_COLS);
	CHECK_INT(g.transcript.h, 10);
	tui_layout_compute(50, 160, &g);
	CHECK_INT(g.cert.h, TUI_TOP_MAX_ROWS);
	CHECK_INT(g.transcript.h, 32);
}

UNIT_TEST(tui_layout_tiny_and_centering)
{
	struct tui_geom g;
	struct tui_rect r;

	tui_layout_compute(8, 100, &g);
	CHECK(g.tiny);
	tui_layout_compute(30, 30, &g);
	CHECK(g.tiny);
	tui_layout_compute(16, 60, &g);              /* small but usable */
	CHECK(!g.tiny);
	CHECK(g.transcript.h >= TUI_TRANSCRIPT_MIN_ROWS);
	CHECK(inside(&g.cert, 16, 60) && inside(&g.menu, 16, 60));
	tui_layout_compute(24, 80, &g);
	tui_layout_center(&g, 100, 200, &r);         /* cut to the middle area */
	CHECK(inside(&r, 23, 80));
	CHECK_INT(r.y, 1);
	tui_layout_center(&g, 6, 40, &r);
	CHECK_INT(r.x, 20);
	CHECK_INT(r.y, 1 + (22 - 6) / 2);
}

/* A certificate and checks made by hand. */
static void
fake_cert(struct certinfo *ci, struct checks *ck, long days_left)
{
	memset(ci, 0, sizeof *ci);
	memset(ck, 0, sizeof *ck);
	snprintf(ci->subject_cn, sizeof ci->subject_cn, "localhost");
	snprintf(ci->subject_org, sizeof ci->subject_org, "Sealed Lab");
	snprintf(ci->issuer_cn, sizeof ci->issuer_cn, "localhost");
	snprintf(ci->sans, sizeof ci->sans, "DNS:localhost, IP:127.0.0.1");
	snprintf(ci->key_type, sizeof ci->key_type, "ECDSA P-256");
	snprintf(ci->sig_alg, sizeof ci->sig_alg, "ecdsa-with-SHA256");
	for (int i = 0; i < 32; i++)
		snprintf(ci->fingerprint + i * 3, 4, "%02X%s", i, i < 31 ? ":" : "");
	ci->self_signed = 1;
	ci->not_before = T_NOW - 10 * DAY;
	ci->not_after = T_NOW + days_left * DAY + DAY / 2;
	for (int i = 0; i < CHECK_COUNT; i++)
		ck->r[i].ok = 1;
}

static void
fake_view(struct cert_view *v, const struct certinfo *ci, const struct checks *ck)
{
	memset(v, 0, sizeof *v);
	v->peer = "localhost:8465";
	v->phase = CP_UP;
	v->why = "";
	v->ci = ci;
	v->checks = ck;
	v->version = "TLSv1.3";
	v->cipher = "TLS13-AES128-GCM-SHA256";
	v->group = "SECP256R1";
	v->pin = PINS_MATCH;
	v->pin_err = "";
	v->expect = "localhost";
	v->cafile = "certs/server.crt";
	v->now = T_NOW;
}

static const struct cert_row no_row = { .label = "" };

/* The row labelled LABEL, or no_row (empty, no segments). */
static const struct cert_row *
row(const struct cert_rows *r, const char *label)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->r[i].label, label) == 0)
			return &r->r[i];
	return &no_row;
}

/* 1 when a row is labelled LABEL. */
static int
has(const struct cert_rows *r, const char *label)
{
	return row(r, label) != &no_row;
}

UNIT_TEST(tui_cert_rows_at_80_columns)
{
	struct certinfo ci;
	struct checks ck;
	struct cert_view v;
	struct cert_rows r;
	struct tui_glyphs g;

	tui_theme_glyphs(&g, 1);
	fake_cert(&ci, &ck, 365);
	fake_view(&v, &ci, &ck);
	tui_cert_rows_build(&r, &v, &g, 47, 10);              /* the panel at 80x24 */
	CHECK(strstr(row(&r, "Subject")->seg[0].text, "Sealed Lab") != NULL);
	CHECK(strstr(row(&r, "Issuer")->seg[0].text, "self-signed") != NULL);
	const struct cert_row *fp = row(&r, "SHA-256");
	CHECK(has(&r, "SHA-256") && strlen(fp->seg[0].text) == 47);   /* 16 whole bytes a row */
	CHECK(has(&r, "SHA-256") && strlen((fp + 1)->seg[0].text) == 47);
	CHECK(row(&r, "Until")->seg[1].role == ROLE_OK);
	const struct cert_row *ch = row(&r, "Checks");
	CHECK_INT(ch->nseg, 4);
	CHECK_STR(ch->seg[0].text, "\u2713 trusted chain");
	CHECK(strstr(ch->seg[3].text, "\u2713 pin") != NULL);
	tui_cert_rows_fit(&r, 10);                            /* the panel at 80x24 */
	CHECK_INT(r.n, 10);
	CHECK(has(&r, "Checks") && has(&r, "Subject") && has(&r, "Until") && has(&r, "SHA-256"));
}

UNIT_TEST(tui_cert_rows_warn_and_fail)
{
	struct certinfo ci;
	struct checks ck;
	struct cert_view v;
	struct cert_rows r;
	struct tui_glyphs g;

	tui_theme_glyphs(&g, 0);
	fake_cert(&ci, &ck, 12);
	fake_view(&v, &ci, &ck);
	tui_cert_rows_build(&r, &v, &g, 60, 12);
	const struct cert_row *until = row(&r, "Until");
	CHECK(until->seg[1].role == ROLE_WARN);
	CHECK(strstr(until->seg[1].text, "12 days left") != NULL);
	ci.not_after = T_NOW - 3 * DAY;
	ck.r[CHECK_DATES].ok = 0;
	snprintf(ck.r[CHECK_DATES].reason, sizeof ck.r[0].reason, "certificate expired on X");
	v.phase = CP_REFUSED;
	v.pin = PINS_UNCHECKED;
	v.version = "";
	tui_cert_rows_build(&r, &v, &g, 60, 12);
	CHECK(row(&r, "Until")->seg[1].role == ROLE_ERR);
	const struct cert_row *ch = row(&r, "Checks");
	CHECK_STR(ch->seg[2].text, "  FAIL dates");
	CHECK_INT(ch->seg[2].role, ROLE_ERR);
	tui_cert_rows_fit(&r, 4);                             /* a tiny panel keeps the reason */
	int reason = 0;
	for (int i = 0; i < r.n; i++)
		reason |= strstr(r.r[i].seg[0].text, "dates: certificate expired on X") != NULL;
	CHECK(reason);
	CHECK(has(&r, "Checks"));
}

UNIT_TEST(tui_cert_rows_without_certificate)
{
	struct cert_view v;
	struct cert_rows r;
	struct tui_glyphs g;

	tui_theme_glyphs(&g, 1);
	memset(&v, 0, sizeof v);
	v.peer = "localhost:8465";
	v.phase = CP_FAILED;
	v.why = "cannot connect to localhost:8465: Connection refused";
	tui_cert_rows_build(&r, &v, &g, 47, 10);
	CHECK(r.n >= 2);
	CHECK_STR(r.r[0].seg[0].text, "localhost:8465");
	CHECK(strstr(r.r[1].seg[0].text, "cannot connect") != NULL);
	CHECK_INT(r.r[1].seg[0].role, ROLE_ERR);
}

UNIT_TEST(tui_cert_a_line_per_check_when_tall)
{
	struct certinfo ci;
	struct checks ck;
	struct cert_view v;
	struct cert_rows r;
	struct tui_glyphs g;

	tui_theme_glyphs(&g, 1);
	fake_cert(&ci, &ck, 100);
	fake_view(&v, &ci, &ck);
	v.pin = PINS_STORED;
	tui_cert_rows_build(&r, &v, &g, 120, 14);              /* the panel at 160x50 */
	const struct cert_row *ch = row(&r, "Checks");
	CHECK_STR(ch->seg[0].text, "\u2713 trusted chain ");
	CHECK_STR(ch->seg[1].text, "signed by a trust anchor in certs/server.crt");
	CHECK_STR((ch + 1)->seg[1].text, "the certificate names localhost");
	CHECK_STR((ch + 2)->seg[1].text, "valid for 100 more days");
	CHECK_STR((ch + 3)->seg[0].text, "\u2713 pin           ");
	CHECK_STR((ch + 3)->seg[1].text, "first use: fingerprint stored");
	ck.r[CHECK_NAME].ok = 0;
	snprintf(ck.r[CHECK_NAME].reason, sizeof ck.r[0].reason,
	         "name mismatch: certificate is for other.example, expected localhost");
	v.pin = PINS_UNCHECKED;
	tui_cert_rows_build(&r, &v, &g, 50, 20);
	int i = 0;
	while (i < r.n && strcmp(r.r[i].seg[0].text, "\u2717 name match    ") != 0)
		i++;
	CHECK(i + 1 < r.n);
	if (i + 1 >= r.n)
		return;
	CHECK_INT(r.r[i].seg[1].role, ROLE_ERR);
	CHECK(strstr(r.r[i].seg[1].text, "name mismatch") != NULL);
	CHECK(strstr(r.r[i + 1].seg[1].text, "expected localhost") != NULL);   /* wrapped */
	tui_cert_rows_build(&r, &v, &g, 120, 11);              /* too short: one row of marks */
	CHECK_INT(row(&r, "Checks")->nseg, 4);
}
