/*
 * tui_status.h: the TUI's two bars: the title bar (the program, the URL and
 * whether the channel is encrypted and verified, refused or lost) and the
 * status line (server, user, protocol state, the keys). tui_status_compose() is
 * the pure part: it fits the pieces to a width, dropping keys before it
 * cuts the state. Main thread.
 */
#ifndef SEAL_TUI_STATUS_H
#define SEAL_TUI_STATUS_H

#include <stddef.h>

#include "tui_conn.h"
#include "tui_theme.h"

#define STATUS_TEXT_MAX 512
#define STATUS_KEYS_MAX 8

struct status_info {
	const char *peer;              /* "localhost:8465" */
	const char *user;              /* logged in, or NULL */
	const char *state;             /* "authenticated, in transaction" */
	const char *notice;            /* a one-off message instead of the above, or NULL */
	int         waiting_s;         /* seconds a reply is late (0: none shown) */
	const char *keys[STATUS_KEYS_MAX];   /* "F1/? help", ... NULL-terminated */
};

/* LEFT and RIGHT parts of the status line for WIDTH columns: RIGHT holds as
 * many keys as fit after LEFT's minimum; LEFT is cut last. Pure. */
void tui_status_compose(const struct status_info *si, int width, const char *sep,
                        char *left, size_t llen, char *right, size_t rlen);

/* Paints the title bar into W for connection C with URL. */
void tui_status_draw_title(WINDOW *w, const struct tui_conn *c, const char *url,
                           const struct tui_theme *th);

/* Paints the status line into W. */
void tui_status_draw(WINDOW *w, const struct status_info *si, const struct tui_theme *th);

#endif
