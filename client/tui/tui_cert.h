/*
 * tui_cert.h: the certificate panel: who the server is (subject CN and
 * organisation, issuer, SANs), its dates with the days left (a warning
 * under CERT_WARN_DAYS), key and signature, the SHA-256 fingerprint, what
 * TLS negotiated, and one mark per check (trusted chain, name match, dates,
 * pin) with what it found. The rows are built as plain data
 * (tui_cert_rows_build, tested without a terminal) and, when the panel is too
 * short, the least important rows go first (tui_cert_rows_fit). Main thread.
 */
#ifndef SEAL_TUI_CERT_H
#define SEAL_TUI_CERT_H

#include <time.h>

#include "checks.h"
#include "tui_conn.h"
#include "tui_theme.h"

#define CERT_SEG_MAX   160
#define CERT_SEGS      6
#define CERT_ROWS_MAX  32

/* What the panel shows, taken from the connection. */
struct cert_view {
	const char            *peer;       /* "host:port" */
	enum tui_conn_phase        phase;
	const char            *why;        /* the failure, when there is one */
	const struct certinfo *ci;         /* NULL: no certificate received */
	const struct checks   *checks;     /* with ci */
	const char            *version, *cipher, *group;   /* "" until established */
	enum pin_state         pin;
	const char            *pin_err;
	const char            *expect;     /* the name checked */
	const char            *cafile;     /* the trust anchors */
	time_t                 now;
};

struct cert_seg {
	char          text[CERT_SEG_MAX];
	enum tui_role role;
};

struct cert_row {
	const char     *label;        /* "" on continuation rows */
	struct cert_seg seg[CERT_SEGS];
	int             nseg;
	int             prio;         /* higher stays longer */
};

struct cert_rows {
	struct cert_row r[CERT_ROWS_MAX];
	int             n;
};

/* The rows of V for values VALUE_W columns wide, with glyphs G, for a
 * panel of ROWS rows: a line per check saying what it found when that fits
 * beside every row that matters, else one row of marks and a row per
 * failure. Pure. */
void tui_cert_rows_build(struct cert_rows *out, const struct cert_view *v,
                         const struct tui_glyphs *g, int value_w, int rows);

/* Drops the lowest-priority rows (the last of equals first) until at most
 * AVAIL are left, keeping their order. Pure. */
void tui_cert_rows_fit(struct cert_rows *rows, int avail);

/* Fills V from the connection C at NOW. */
void tui_cert_view_of(struct cert_view *v, const struct tui_conn *c, time_t now);

/* Paints the panel into W (boxed). */
void tui_cert_draw(WINDOW *w, const struct cert_view *v, const struct tui_theme *th);

#endif
