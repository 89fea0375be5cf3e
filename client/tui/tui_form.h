/*
 * tui_form.h: the TUI's forms: a few one-line fields (some masked) and at
 * most one multi-line body editor, from a module's struct form_spec. Each
 * field's buffer is allocated once at its full size, so a password is never
 * copied by a realloc, and tui_form_close() wipes every buffer. The editing
 * logic is pure (tests drive it with keys); tui_form_draw() paints it. Main
 * thread.
 */
#ifndef SEAL_TUI_FORM_H
#define SEAL_TUI_FORM_H

#include <stddef.h>

#include "tui_defaults.h"
#include "tui_module.h"
#include "tui_theme.h"

#define FORM_ERR_MAX   256
#define FORM_KEY_CTRL(c) ((c) & 0x1f)

struct form_field {
	const struct field_spec *spec;
	char   *buf;                 /* spec->max + 1 bytes, NUL-terminated */
	size_t  len;                 /* bytes used */
	size_t  cur;                 /* cursor, a byte offset */
	int     scroll;              /* TEXT: first byte shown; BODY: first line shown */
	int     want_col;            /* BODY: the column Up/Down aim for */
};

struct form {
	const struct form_spec *spec;
	int                     item;      /* the menu item it belongs to */
	int                     nf, focus;
	struct form_field       f[TUI_FORM_FIELDS_MAX];
	char                    err[FORM_ERR_MAX];   /* shown until the next key */
};

enum form_rc { FORM_NONE, FORM_SUBMIT, FORM_CANCEL };

/* Opens a form for SPEC on behalf of ITEM. 0, or -1 when out of memory
 * (nothing left to free). */
int tui_form_open(struct form *fm, const struct form_spec *spec, int item);

/* Wipes and frees every field. Safe to call twice. */
void tui_form_close(struct form *fm);

/* 1 while FM holds an open form. */
int tui_form_is_open(const struct form *fm);

/* Sets field I to TEXT (cut to its maximum), cursor at the end. */
void tui_form_set(struct form *fm, int i, const char *text);

/* Field I's text ("" for a bad index). */
const char *tui_form_value(const struct form *fm, int i);

/* One key: a character CH (Unicode) or, when KEYCODE, a curses KEY_*
 * code. Enter moves to the next one-line field and submits on the last;
 * Ctrl-D or F10 submit; Esc cancels; Tab and Shift-Tab move between fields. */
enum form_rc tui_form_key(struct form *fm, int ch, int keycode);

/* The text a masked field shows for LEN bytes of TEXT: one '*' per
 * character, into OUT. Pure. */
void tui_form_mask(const char *text, size_t len, char *out, size_t outlen);

/* Paints FM into W (a boxed window) and says where the cursor goes. */
void tui_form_draw(WINDOW *w, struct form *fm, const struct tui_theme *th, int *cy, int *cx);

#endif
