/*
 * pop3_mailbox.h: the TUI's POP3 mailbox: the session's messages by number
 * (the size from LIST, From, Subject and Date from TOP n 0 or RETR), which
 * are marked for deletion (a DELE the server took; RSET unmarks them all,
 * POP3 has no single undelete), the list's selection and scroll position,
 * at most TUI_POP3_LIST_MAX messages (a LIST past it is cut and counted),
 * the text of one message collected for the viewer (un-stuffed lines, cut
 * at TUI_POP3_VIEW_MAX bytes), and the drawing of the list. Everything but
 * pop3_mailbox_draw() is pure; the mailbox owns its arrays
 * (pop3_mailbox_free). Main thread.
 */
#ifndef SEAL_POP3_MAILBOX_H
#define SEAL_POP3_MAILBOX_H

#include <stddef.h>

#include "bytebuf.h"
#include "mailhdr.h"
#include "tui_theme.h"

#define MB_SIZE_TEXT 16

enum mb_hdr { MB_HDR_NONE, MB_HDR_OK, MB_HDR_FAILED };

struct mb_entry {
	unsigned long       num;
	unsigned long long  size;
	int                 sized;        /* size known (LIST) */
	int                 marked;       /* DELE answered +OK */
	enum mb_hdr         hdr;          /* From, Subject, Date known, or TOP refused */
	struct mail_summary sum;
};

struct mailbox {
	struct mb_entry *e;               /* ascending numbers up to e[sorted], then LIST
	                                     lines that came out of order (pop3_mailbox_list_end) */
	size_t           n, cap;
	size_t           sorted;          /* entries in order, no number twice */
	size_t           cut;             /* lines of the last LIST past TUI_POP3_LIST_MAX */
	size_t           nmarked;         /* entries marked for deletion */
	size_t           marked_out;      /* DELE taken for messages the full list lacks */
	size_t           fetch_from;      /* no entry before it waits for its headers */
	int              listed;          /* a whole LIST came */
	size_t           sel, top;        /* selected entry, first shown */
	int              confirm_rset;    /* d on a marked message asked: y sends RSET */
};

/* A message collected for the viewer. */
struct mb_text {
	struct bytebuf buf;               /* lines joined by '\n', NUL-terminated */
	size_t         lines, dropped;    /* lines kept; lines past TUI_POP3_VIEW_MAX */
};

/* What pop3_mailbox_draw() writes around the list. */
struct mb_look {
	const char   *title;              /* in the top border */
	const char   *empty;              /* instead of the list when it is empty */
	const char   *info;               /* a row under the list, or NULL */
	enum tui_role info_role;
	const char   *keys;               /* in the bottom border */
};

/* Frees the entries; MB is empty and usable again. */
void pop3_mailbox_free(struct mailbox *mb);

/* The entry of message NUM; when CREATE and it is missing, a new one in
 * number order (not past TUI_POP3_LIST_MAX entries). NULL when missing
 * (or the list is full, or out of memory). The pointer is valid until the
 * next entry is created. */
struct mb_entry *pop3_mailbox_get(struct mailbox *mb, unsigned long num, int create);

/* A LIST reply begins: its cut count starts again. */
void pop3_mailbox_list_begin(struct mailbox *mb);

/* A scan listing "NUM SIZE" (RFC 1939: a LIST line, or the one-message
 * LIST reply's text): NUM 1 to ULONG_MAX, one or more spaces, SIZE, and
 * then the end or a space (what follows a space is the server's own).
 * 0 with *NUM and *SIZE set, or -1 (both untouched). */
int pop3_mailbox_listing(const char *text, unsigned long *num, unsigned long long *size);

/* One line of a LIST reply, "NUM SIZE": 0 with the entry's size set (or,
 * past TUI_POP3_LIST_MAX entries, the line counted in cut), or -1 when
 * LINE is not such a line (or out of memory). A number in order is an
 * append, one out of order waits for pop3_mailbox_list_end: O(1) a line. */
int pop3_mailbox_list_line(struct mailbox *mb, const char *line);

/* The LIST reply ended: entries that came out of order are sorted in (the
 * same message stays selected), a number listed twice kept once. */
void pop3_mailbox_list_end(struct mailbox *mb);

/* DELE NUM answered +OK: marks it (creating the entry when unknown; a
 * full list only counts it). */
void pop3_mailbox_mark(struct mailbox *mb, unsigned long num);

/* RSET answered +OK: every mark goes. */
void pop3_mailbox_unmark_all(struct mailbox *mb);

/* Headers that TOP could not get (MB_HDR_FAILED) are to fetch again. */
void pop3_mailbox_refetch_failed(struct mailbox *mb);

/* Messages marked (counted, O(1)); entries known; their octets (those
 * LIST sized). */
size_t pop3_mailbox_marked(const struct mailbox *mb);
size_t pop3_mailbox_count(const struct mailbox *mb);
unsigned long long pop3_mailbox_octets(const struct mailbox *mb);

/* The first entry whose headers are still to fetch (not marked: the
 * server refuses TOP for those), or NULL. Set hdr to something else than
 * MB_HDR_NONE before asking again: the search goes on from there. */
struct mb_entry *pop3_mailbox_next_unfetched(struct mailbox *mb);

/* The selected entry, or NULL when the list is empty. */
struct mb_entry *pop3_mailbox_selected(struct mailbox *mb);

/* Moves the selection by DELTA entries, stopping at either end. */
void pop3_mailbox_move(struct mailbox *mb, long delta);

/* Keeps the selection inside a list of ROWS rows (sets top). */
void pop3_mailbox_scroll(struct mailbox *mb, int rows);

/* Rows left for entries in a window HEIGHT rows tall, with an info row
 * when INFO. At least 1. */
int pop3_mailbox_list_rows(int height, int info);

/* SIZE in octets as at most 5 columns: "512", "1.5K", "23K", "4.0M". */
void pop3_mailbox_size_text(unsigned long long size, char *out, size_t len);

/* Empties T for a new message (keeps its buffer). */
void pop3_mailbox_text_reset(struct mb_text *t);

/* Appends one un-stuffed line; past TUI_POP3_VIEW_MAX bytes it is only
 * counted. 0, or -1 when out of memory (the line is counted as dropped). */
int pop3_mailbox_text_line(struct mb_text *t, const char *line);

/* T's text (NUL-terminated; "" before any line) and its length. */
const char *pop3_mailbox_text(const struct mb_text *t);
size_t pop3_mailbox_text_len(const struct mb_text *t);

/* Frees T's buffer. */
void pop3_mailbox_text_free(struct mb_text *t);

/* Paints MB into W (boxed) with LOOK's texts; scrolls to the selection. */
void pop3_mailbox_draw(WINDOW *w, struct mailbox *mb, const struct mb_look *look,
                       const struct tui_theme *th);

#endif
