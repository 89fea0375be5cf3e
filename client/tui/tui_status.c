/*
 * tui_status.c: the title bar and the status line (see tui_status.h).
 * Main thread.
 */
#include "tui_status.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define STATUS_KEY_GAP  "  "
#define STATUS_REJECTED "server certificate rejected: "

/* Appends S to BUF (LEN bytes), cutting at a character boundary. */
static void
status_cat(char *buf, size_t len, const char *s)
{
	size_t used = strlen(buf), n = strlen(s);

	while (used + n >= len && n > 0)
		n = text_prev(s, n);
	memcpy(buf + used, s, n);
	buf[used + n] = '\0';
}

/* The left part in full. */
static void
status_left(const struct status_info *si, const char *sep, char *out, size_t len)
{
	char wait[STATUS_TEXT_MAX];

	out[0] = '\0';
	status_cat(out, len, " ");
	if (si->notice != NULL) {
		status_cat(out, len, si->notice);
		return;
	}
	status_cat(out, len, si->peer);
	status_cat(out, len, sep);
	status_cat(out, len, si->user ? si->user : "not logged in");
	status_cat(out, len, sep);
	status_cat(out, len, si->state);
	if (si->waiting_s > 0) {
		snprintf(wait, sizeof wait, "%swaiting for a reply: %d s", sep, si->waiting_s);
		status_cat(out, len, wait);
	}
}

void
tui_status_compose(const struct status_info *si, int width, const char *sep,
                   char *left, size_t llen, char *right, size_t rlen)
{
	int lw;

	status_left(si, sep, left, llen);
	lw = text_width(left, strlen(left));
	right[0] = '\0';
	for (int i = 0; i < STATUS_KEYS_MAX && si->keys[i] != NULL; i++) {
		int rw = text_width(right, strlen(right));
		int kw = text_width(si->keys[i], strlen(si->keys[i])) + (int)strlen(STATUS_KEY_GAP);
		if (lw + rw + kw + 1 > width)
			break;
		status_cat(right, rlen, si->keys[i]);
		status_cat(right, rlen, STATUS_KEY_GAP);
	}
	if (lw > width)
		left[text_fit(left, strlen(left), width)] = '\0';
}

void
tui_status_draw(WINDOW *w, const struct status_info *si, const struct tui_theme *th)
{
	char left[STATUS_TEXT_MAX], right[STATUS_TEXT_MAX];
	int wd = getmaxx(w);

	tui_status_compose(si, wd, th->g.sep, left, sizeof left, right, sizeof right);
	werase(w);
	wattrset(w, tui_theme_attr(th, ROLE_TITLE));
	mvwhline(w, 0, 0, ' ', wd);
	wattrset(w, tui_theme_attr(th, si->notice ? ROLE_TITLE_BUSY : ROLE_TITLE));
	mvwaddstr(w, 0, 0, left);
	wattrset(w, tui_theme_attr(th, ROLE_TITLE));
	mvwaddstr(w, 0, wd - text_width(right, strlen(right)), right);
	wattrset(w, A_NORMAL);
}

/* The verdict part of the title bar and its role. */
static enum tui_role
status_verdict(const struct tui_conn *c, const struct tui_theme *th, char *out, size_t len)
{
	const char *why = c->why;

	if (strncmp(why, STATUS_REJECTED, strlen(STATUS_REJECTED)) == 0)
		why += strlen(STATUS_REJECTED);
	switch (c->phase) {
	case CP_UP:
		snprintf(out, len, " %s%s%s%scertificate verified %s ", th->g.lock, th->g.sep,
		         session_version(&c->s), th->g.sep, th->g.ok);
		return ROLE_TITLE_OK;
	case CP_PIN_WAIT:
		snprintf(out, len, " %s REFUSED: the certificate CHANGED since it was pinned ",
		         th->g.fail);
		return ROLE_TITLE_BAD;
	case CP_REFUSED:
		snprintf(out, len, " %s REFUSED: %s ", th->g.fail, why);
		return ROLE_TITLE_BAD;
	case CP_LOST:
		snprintf(out, len, " %s CONNECTION LOST ", th->g.fail);
		return ROLE_TITLE_BAD;
	case CP_FAILED:
		snprintf(out, len, " %s NOT CONNECTED ", th->g.fail);
		return ROLE_TITLE_BAD;
	case CP_ENDED:
		snprintf(out, len, " session ended ");
		return ROLE_TITLE_BUSY;
	default:
		snprintf(out, len, " connecting%s ", th->g.ellipsis);
		return ROLE_TITLE_BUSY;
	}
}

void
tui_status_draw_title(WINDOW *w, const struct tui_conn *c, const char *url,
                      const struct tui_theme *th)
{
	char verdict[STATUS_TEXT_MAX];
	int wd = getmaxx(w), room;
	enum tui_role role = status_verdict(c, th, verdict, sizeof verdict);

	werase(w);
	wattrset(w, tui_theme_attr(th, ROLE_TITLE));
	mvwhline(w, 0, 0, ' ', wd);
	mvwprintw(w, 0, 0, " seal%s%s ", th->g.sep, url);
	room = wd - getcurx(w) - 1;
	if (room > 0) {
		waddch(w, ' ');
		wattrset(w, tui_theme_attr(th, role));
		waddnstr(w, verdict, (int)text_fit(verdict, strlen(verdict), room));
	}
	wattrset(w, A_NORMAL);
}
