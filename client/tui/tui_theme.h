/*
 * tui_theme.h: how the TUI looks: the role of each piece of text (title,
 * good, warning, error, greyed...) mapped to colors when the terminal has
 * them and to plain attributes (bold, reverse, underline) when it has not,
 * and the glyphs (✓ ✗ C→S S→C in a UTF-8 locale, ok FAIL C> S< otherwise).
 * Set up once after initscr; read by every drawing function. Main thread.
 */
#ifndef SEAL_TUI_THEME_H
#define SEAL_TUI_THEME_H

#include "tui_curses.h"

enum tui_role {
	ROLE_NORMAL,
	ROLE_TITLE,       /* the title bar */
	ROLE_TITLE_OK,    /* its "encrypted, verified" part */
	ROLE_TITLE_BAD,   /* its "refused" / "lost" part */
	ROLE_TITLE_BUSY,  /* its "connecting" part */
	ROLE_BORDER,
	ROLE_HEADING,     /* window titles */
	ROLE_LABEL,       /* "Subject", "Issuer" ... */
	ROLE_OK,          /* 2xx, +OK, a passed check */
	ROLE_MORE,        /* 3xx: go on */
	ROLE_WARN,        /* 4xx, a certificate near its end */
	ROLE_ERR,         /* 5xx, -ERR, a failed check */
	ROLE_DIM,         /* greyed menu items, notes */
	ROLE_SELECT,      /* the menu's selected item */
	ROLE_HOTKEY,
	ROLE_ALERT,       /* the pin warning */
	ROLE_C2S,         /* the C→S marker */
	ROLE_S2C,         /* the S→C marker */
	ROLE_NOTE,        /* seal's own lines in the transcript */
	ROLE_FIELD,       /* a form field's editing area */
	ROLE_COUNT
};

/* The glyphs of one character set. */
struct tui_glyphs {
	const char *ok, *fail, *none;      /* check marks */
	const char *c2s, *s2c, *note, *err; /* transcript markers, 3 columns each */
	const char *ellipsis, *arrow, *sep;
	const char *lock;                  /* "encrypted" badge */
};

struct tui_theme {
	int               colors;           /* has_colors() and pairs set up */
	int               utf8;
	attr_t            attr[ROLE_COUNT];
	struct tui_glyphs g;
};

/* The glyphs for a UTF-8 locale (UTF8 != 0) or for plain ASCII. Pure. */
void tui_theme_glyphs(struct tui_glyphs *g, int utf8);

/* Sets up T after initscr: color pairs when the terminal has colors. */
void tui_theme_init(struct tui_theme *t, int utf8);

/* The attribute of ROLE. */
attr_t tui_theme_attr(const struct tui_theme *t, enum tui_role role);

#endif
