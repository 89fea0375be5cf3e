/*
 * tui.c: the TUI's set-up, its one loop and its tear-down (see tui.h). The
 * loop polls the terminal and the TLS socket together: server lines are
 * read the moment they arrive (and what wolfSSL already holds is drained
 * without waiting), keys are read without blocking, and every turn ends
 * with a redraw from state: at once after a key, a new transcript line or
 * a change of the connection's phase, else at most every TUI_FRAME_MS (a
 * stream's packets do not each repaint the screen; the wait is cut short
 * so the redraw still comes). SIGINT and SIGTERM end the loop cleanly;
 * SIGWINCH reaches us as KEY_RESIZE. Main thread.
 */
#include "tui_int.h"
#include "net.h"

#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t tui_stop;

/* The last redraw: when, and what it showed of the transcript and phase. */
struct tui_painted {
	long long       at;
	size_t          lines;       /* tr.start + tr.n: changes with each line added */
	enum tui_conn_phase phase;
};

static void
tui_on_signal(int sig)
{
	(void)sig;
	tui_stop = 1;
}

/* Ends the loop on SIGINT, SIGTERM and SIGHUP (poll returns at once). */
static void
tui_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void
tui_relayout(struct tui *t)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	tui_layout_compute(rows, cols, &t->geom);
	tui_layout_apply(&t->win, &t->geom);
	clearok(curscr, TRUE);
}

/* Takes the terminal. 0, or -1 with a reason in ERR. */
static int
tui_screen_start(struct tui *t, int utf8, char *err, size_t errlen)
{
	const char *term = getenv("TERM");

	if (utf8)
		setenv("NCURSES_NO_UTF8_ACS", "1", 0);   /* lines as Unicode, not VT100 ACS */
	t->screen = newterm(NULL, stdout, stdin);
	if (t->screen == NULL) {
		snprintf(err, errlen, "cannot drive this terminal (TERM=%s): use --batch",
		         term ? term : "unset");
		return -1;
	}
	set_term(t->screen);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	/* tmux and screen send Home/End as the VT220 sequences, which some
	 * terminfo entries (xterm-256color here) do not list */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[4~", KEY_END);
	nodelay(stdscr, TRUE);
	set_escdelay(TUI_ESC_DELAY_MS);
	curs_set(0);
	tui_theme_init(&t->theme, utf8);
	tui_relayout(t);
	tui_signals();
	return 0;
}

/* Gives the terminal back. */
static void
tui_screen_end(struct tui *t)
{
	if (t->screen == NULL)
		return;
	tui_layout_free(&t->win);
	endwin();
	delscreen(t->screen);
	t->screen = NULL;
}

/* Every key waiting on the terminal. */
static unsigned
tui_read_keys(struct tui *t)
{
	unsigned res = 0;
	wint_t wc;
	int r;

	while (!(res & TUI_QUIT) && (r = wget_wch(stdscr, &wc)) != ERR)
		res |= tui_keys_handle(t, (int)wc, r == KEY_CODE_YES);
	return res;
}

/* One wait (at most WAIT_MS) for the terminal, the socket or the tick;
 * then what came. */
static unsigned
tui_wait(struct tui *t, int wait_ms)
{
	struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN } };
	short ev = 0;
	int fd = tui_conn_poll_fd(&t->conn, &ev), n = 1, r;
	unsigned res;

	if (fd != -1) {
		p[1] = (struct pollfd){ .fd = fd, .events = ev };
		n = 2;
	}
	r = poll(p, (nfds_t)n, t->conn.more ? 0 : wait_ms);
	if (t->conn.more || (r > 0 && n == 2 && p[1].revents != 0))
		tui_conn_on_ready(&t->conn);
	res = tui_read_keys(t);
	tui_conn_tick(&t->conn);
	return res;
}

/* Redraws now after a key (RES), a transcript line or a new phase, else
 * once the last redraw (*P) is TUI_FRAME_MS old. The longest wait before
 * a redraw is due. */
static int
tui_paint(struct tui *t, unsigned res, struct tui_painted *p)
{
	long long now = net_now_ms();
	size_t lines = t->tr.start + t->tr.n;
	int quiet = res == TUI_NONE && lines == p->lines && t->conn.phase == p->phase;

	if (quiet && now - p->at < TUI_FRAME_MS)
		return (int)(p->at + TUI_FRAME_MS - now);
	tui_draw(t);
	*p = (struct tui_painted){ .at = now, .lines = lines, .phase = t->conn.phase };
	return TUI_TICK_MS;
}

static void
tui_loop(struct tui *t)
{
	unsigned res = TUI_REDRAW;
	struct tui_painted painted = { .at = 0 };

	while (!tui_stop) {
		if (t->conn.phase == CP_CONNECTING) {
			tui_draw(t);                    /* show "connecting" first */
			tui_conn_begin(&t->conn);
		}
		tui_conn_pump(&t->conn);
		tui_keys_after_io(t);
		res = tui_wait(t, tui_paint(t, res, &painted));
		if (res & TUI_QUIT)
			break;
		if (res & TUI_RELAYOUT)
			tui_relayout(t);
	}
}

/* Sets up the transcript and the connection. 0, or -1 (ERR). */
static int
tui_prepare(struct tui *t, const struct tui_config *cfg, int utf8, char *err, size_t errlen)
{
	struct tui_conn_config cc = {
		.ctx = cfg->ctx, .target = cfg->target, .mod = cfg->mod, .tr = &t->tr,
		.pins_path = cfg->pins_path, .user = cfg->user, .password = cfg->password,
		.url = cfg->url, .output = cfg->output, .audio_device = cfg->audio_device,
		.buffer_ms = cfg->buffer_ms,
	};

	t->cfg = cfg;
	t->typed_ahead = MENU_NONE;
	if (tui_transcript_init(&t->tr, TUI_TRANSCRIPT_LINES, utf8) == -1 ||
	    tui_conn_init(&t->conn, &cc) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
tui_run(const struct tui_config *cfg, char *err, size_t errlen)
{
	struct tui *t = calloc(1, sizeof *t);
	int utf8, rc = -1;

	err[0] = '\0';
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	setlocale(LC_ALL, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (tui_prepare(t, cfg, utf8, err, errlen) == -1 ||
	    tui_screen_start(t, utf8, err, errlen) == -1)
		goto done;
	tui_conn_request(&t->conn);
	tui_loop(t);
	rc = t->conn.exit_code;
	if (rc != EXIT_OK)
		snprintf(err, errlen, "%s", t->conn.why);
	tui_conn_quit(&t->conn);
	tui_screen_end(t);
done:
	tui_form_close(&t->form);
	tui_pager_close(&t->pager);
	tui_conn_free(&t->conn);
	tui_transcript_free(&t->tr);
	free(t);
	return rc;
}
