/*
 * tui_transcript.h: the TUI's transcript: every line both ways (C→S, S→C)
 * and seal's own notes, kept in a ring of TUI_TRANSCRIPT_LINES entries,
 * server replies classed by their code for coloring (2xx/+OK, 3xx, 4xx,
 * 5xx/-ERR), scrolled by pages with the newest line followed by default.
 * Text is sanitized on the way in (no control characters reach the
 * terminal). Secrets never get here: callers add what the protocol shows.
 * Main thread.
 */
#ifndef SEAL_TUI_TRANSCRIPT_H
#define SEAL_TUI_TRANSCRIPT_H

#include <stddef.h>
#include <time.h>

#include "attrs.h"
#include "tui_theme.h"

enum tr_dir { TR_C2S, TR_S2C, TR_NOTE, TR_ERROR };

enum reply_class { RC_NONE, RC_OK, RC_MORE, RC_WARN, RC_ERR };

struct tr_entry {
	enum tr_dir      dir;
	enum reply_class cls;
	time_t           when;
	char            *text;
};

struct transcript {
	struct tr_entry *e;         /* ring of cap entries */
	size_t           cap, start, n;
	size_t           top;       /* first entry shown when not following */
	int              follow;    /* the newest line stays in view */
	int              utf8;      /* keep non-ASCII text */
	int              stamps;    /* show HH:MM:SS */
};

/* The class of a server line: "250 ok" / "+OK" 2xx-like, "354" / "+ "
 * more, "451" warn, "503" / "-ERR" error, "RTSP/1.0 200 OK" by its code;
 * anything else RC_NONE. Pure. */
enum reply_class tui_transcript_reply_class(const char *line);

/* An empty transcript of CAP lines. 0, or -1 when out of memory. */
int tui_transcript_init(struct transcript *t, size_t cap, int utf8);
void tui_transcript_free(struct transcript *t);

/* Appends a sanitized copy of TEXT (server lines get their class). Drops
 * the oldest line when full. Out of memory: the line is lost, quietly. */
void tui_transcript_add(struct transcript *t, enum tr_dir dir, const char *text);

/* Appends a note made with printf. */
void tui_transcript_addf(struct transcript *t, enum tr_dir dir, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* Entry I (0 = oldest kept). */
const struct tr_entry *tui_transcript_get(const struct transcript *t, size_t i);

/* Screen rows entry I takes in a window WIDTH columns wide. */
int tui_transcript_rows(const struct transcript *t, size_t i, int width);

/* The first entry shown when following the newest in ROWS x WIDTH. */
size_t tui_transcript_bottom_top(const struct transcript *t, int rows, int width);

/* Scrolling in a view of ROWS x WIDTH: by a page, to the oldest, to the
 * newest (follow again). */
void tui_transcript_page_up(struct transcript *t, int rows, int width);
void tui_transcript_page_down(struct transcript *t, int rows, int width);
void tui_transcript_home(struct transcript *t, int rows, int width);
void tui_transcript_end(struct transcript *t);

/* Draws the transcript into W (a boxed window), titled, with a "more
 * below" note while scrolled back. */
void tui_transcript_draw(WINDOW *w, const struct transcript *t, const struct tui_theme *th);

#endif
