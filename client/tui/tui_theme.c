/*
 * tui_theme.c: color pairs and plain-attribute fallbacks for the TUI's text
 * roles, and its two glyph sets. Colors keep the terminal's own background
 * (use_default_colors) so the TUI sits well in light and dark terminals.
 * Main thread, after initscr.
 */
#include "tui_theme.h"

#define THEME_GREY        8             /* bright black, on 16+ color terminals */
#define THEME_MIN_GREY    16            /* COLORS needed for THEME_GREY */
#define THEME_DEFAULT_BG  (-1)

void
tui_theme_glyphs(struct tui_glyphs *g, int utf8)
{
	if (utf8) {
		*g = (struct tui_glyphs){
			.ok = "\u2713", .fail = "\u2717", .none = "\u2013",
			.c2s = "C\u2192S", .s2c = "S\u2192C", .note = " \u2022 ", .err = " \u2717 ",
			.ellipsis = "\u2026", .arrow = "\u2192", .sep = " \u00b7 ",
			.lock = "\u25cf encrypted",
		};
	} else {
		*g = (struct tui_glyphs){
			.ok = "ok", .fail = "FAIL", .none = "-",
			.c2s = " C>", .s2c = " S<", .note = " * ", .err = " ! ",
			.ellipsis = "...", .arrow = "->", .sep = " / ",
			.lock = "encrypted",
		};
	}
}

/* Plain attributes for a terminal without colors. */
static void
theme_plain(struct tui_theme *t)
{
	attr_t dim = (termattrs() & A_DIM) ? A_DIM : A_NORMAL;

	t->attr[ROLE_TITLE] = A_REVERSE;
	t->attr[ROLE_TITLE_OK] = A_REVERSE | A_BOLD;
	t->attr[ROLE_TITLE_BAD] = A_BOLD;
	t->attr[ROLE_TITLE_BUSY] = A_REVERSE;
	t->attr[ROLE_HEADING] = A_BOLD;
	t->attr[ROLE_LABEL] = A_BOLD;
	t->attr[ROLE_OK] = A_BOLD;
	t->attr[ROLE_WARN] = A_UNDERLINE;
	t->attr[ROLE_ERR] = A_REVERSE;
	t->attr[ROLE_DIM] = dim;
	t->attr[ROLE_SELECT] = A_REVERSE;
	t->attr[ROLE_HOTKEY] = A_BOLD | A_UNDERLINE;
	t->attr[ROLE_ALERT] = A_REVERSE | A_BOLD;
	t->attr[ROLE_C2S] = A_BOLD;
	t->attr[ROLE_S2C] = A_NORMAL;
	t->attr[ROLE_NOTE] = A_BOLD;
	t->attr[ROLE_FIELD] = A_UNDERLINE;
}

/* One pair per role that has a color; FG on BG (-1: the terminal's). */
static attr_t
theme_pair(short pair, short fg, short bg)
{
	init_pair(pair, fg, bg);
	return COLOR_PAIR(pair);
}

static void
theme_colored(struct tui_theme *t)
{
	short grey = COLORS >= THEME_MIN_GREY ? THEME_GREY : COLOR_WHITE;
	short p = 1;

	t->attr[ROLE_TITLE] = theme_pair(p++, COLOR_WHITE, COLOR_BLUE) | A_BOLD;
	t->attr[ROLE_TITLE_OK] = theme_pair(p++, COLOR_BLACK, COLOR_GREEN) | A_BOLD;
	t->attr[ROLE_TITLE_BAD] = theme_pair(p++, COLOR_WHITE, COLOR_RED) | A_BOLD;
	t->attr[ROLE_TITLE_BUSY] = theme_pair(p++, COLOR_BLACK, COLOR_YELLOW);
	t->attr[ROLE_BORDER] = theme_pair(p++, COLOR_BLUE, THEME_DEFAULT_BG);
	t->attr[ROLE_HEADING] = theme_pair(p++, COLOR_CYAN, THEME_DEFAULT_BG) | A_BOLD;
	t->attr[ROLE_LABEL] = A_BOLD;
	t->attr[ROLE_OK] = theme_pair(p++, COLOR_GREEN, THEME_DEFAULT_BG);
	t->attr[ROLE_MORE] = theme_pair(p++, COLOR_CYAN, THEME_DEFAULT_BG);
	t->attr[ROLE_WARN] = theme_pair(p++, COLOR_YELLOW, THEME_DEFAULT_BG) | A_BOLD;
	t->attr[ROLE_ERR] = theme_pair(p++, COLOR_RED, THEME_DEFAULT_BG) | A_BOLD;
	t->attr[ROLE_DIM] = theme_pair(p++, grey, THEME_DEFAULT_BG) |
	                    (grey == COLOR_WHITE ? A_DIM : A_NORMAL);
	t->attr[ROLE_SELECT] = theme_pair(p++, COLOR_BLACK, COLOR_CYAN);
	t->attr[ROLE_HOTKEY] = theme_pair(p++, COLOR_YELLOW, THEME_DEFAULT_BG) | A_BOLD;
	t->attr[ROLE_ALERT] = theme_pair(p++, COLOR_WHITE, COLOR_RED) | A_BOLD;
	t->attr[ROLE_C2S] = theme_pair(p++, COLOR_MAGENTA, THEME_DEFAULT_BG) | A_BOLD;
	t->attr[ROLE_S2C] = theme_pair(p++, COLOR_BLUE, THEME_DEFAULT_BG) | A_BOLD;
	t->attr[ROLE_NOTE] = theme_pair(p++, COLOR_YELLOW, THEME_DEFAULT_BG);
	t->attr[ROLE_FIELD] = A_UNDERLINE;
}

void
tui_theme_init(struct tui_theme *t, int utf8)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		t->attr[i] = A_NORMAL;
	t->utf8 = utf8;
	tui_theme_glyphs(&t->g, utf8);
	t->colors = has_colors() && start_color() == OK;
	if (t->colors)
		use_default_colors();
	if (t->colors)
		theme_colored(t);
	else
		theme_plain(t);
}

attr_t
tui_theme_attr(const struct tui_theme *t, enum tui_role role)
{
	return role < ROLE_COUNT ? t->attr[role] : A_NORMAL;
}
