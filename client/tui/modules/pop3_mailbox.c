/*
 * pop3_mailbox.c: the mailbox model and the viewer's text (see
 * pop3_mailbox.h). Entries are sorted by number: LIST sends them in order,
 * so the common insert is an append; a line out of order is appended too
 * and sorted in when the LIST ends (one sort, not a move per line), and
 * the list never holds more than TUI_POP3_LIST_MAX entries. Pure; main
 * thread.
 */
#include "pop3_mailbox.h"
#include "tui_defaults.h"
#include "decimal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB_INITIAL      32
#define MB_TEXT_INITIAL 4096
#define MB_KIB          1024ULL
#define MB_TEN          10ULL
#define MB_LIST_ROWS_CHROME 3        /* two borders and the column headings */

void
pop3_mailbox_free(struct mailbox *mb)
{
	free(mb->e);
	memset(mb, 0, sizeof *mb);
}

/* The index where NUM is or would go among the first HI (sorted) entries. */
static size_t
mb_find(const struct mailbox *mb, unsigned long num, size_t hi)
{
	size_t lo = 0;

	if (hi > 0 && mb->e[hi - 1].num < num)
		return hi;                           /* LIST order: append */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (mb->e[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Room for one more entry. 0 or -1. */
static int
mb_grow(struct mailbox *mb)
{
	size_t cap = mb->cap ? mb->cap * 2 : MB_INITIAL;
	struct mb_entry *v;

	if (mb->n < mb->cap)
		return 0;
	v = realloc(mb->e, cap * sizeof *v);
	if (v == NULL)
		return -1;
	mb->e = v;
	mb->cap = cap;
	return 0;
}

static int
mb_cmp(const void *a, const void *b)
{
	const struct mb_entry *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return (x->size > y->size) - (x->size < y->size);   /* a LIST line twice: any one */
}

/* Sorts in the entries past mb->sorted, drops a number listed twice and
 * keeps the selected message selected. O(n log n), only after lines came
 * out of order. */
static void
mb_settle(struct mailbox *mb)
{
	unsigned long selected = mb->sel < mb->n ? mb->e[mb->sel].num : 0;
	size_t kept = 0;

	if (mb->sorted == mb->n)
		return;
	qsort(mb->e, mb->n, sizeof *mb->e, mb_cmp);
	for (size_t i = 0; i < mb->n; i++)
		if (kept == 0 || mb->e[kept - 1].num != mb->e[i].num)
			mb->e[kept++] = mb->e[i];
	mb->n = mb->sorted = kept;
	mb->fetch_from = 0;
	if (selected != 0)
		mb->sel = mb_find(mb, selected, mb->n);
}

/* A new entry for NUM at index I of the sorted list. */
static struct mb_entry *
mb_insert(struct mailbox *mb, size_t i, unsigned long num)
{
	if (mb->n >= TUI_POP3_LIST_MAX || mb_grow(mb) == -1)
		return NULL;
	memmove(mb->e + i + 1, mb->e + i, (mb->n - i) * sizeof *mb->e);
	memset(&mb->e[i], 0, sizeof mb->e[i]);
	mb->e[i].num = num;
	mb->n++;
	mb->sorted++;
	if (mb->n > 1 && i <= mb->sel)
		mb->sel++;                            /* the same message stays selected */
	if (i < mb->fetch_from)
		mb->fetch_from = i;
	return &mb->e[i];
}

struct mb_entry *
pop3_mailbox_get(struct mailbox *mb, unsigned long num, int create)
{
	size_t i;

	mb_settle(mb);
	i = mb_find(mb, num, mb->n);
	if (i < mb->n && mb->e[i].num == num)
		return &mb->e[i];
	if (!create || num == 0)
		return NULL;
	return mb_insert(mb, i, num);
}

void
pop3_mailbox_list_begin(struct mailbox *mb)
{
	mb->cut = 0;
}

/* The entry for a LIST line's NUM: found among the sorted ones, else
 * appended (in order or not). NULL past the limit (counted) or when out of
 * memory. */
static struct mb_entry *
mb_list_entry(struct mailbox *mb, unsigned long num)
{
	size_t i = mb_find(mb, num, mb->sorted);
	int in_order = mb->sorted == mb->n && i == mb->n;

	if (i < mb->sorted && mb->e[i].num == num)
		return &mb->e[i];
	if (mb->n >= TUI_POP3_LIST_MAX) {
		mb->cut++;
		return NULL;
	}
	if (mb_grow(mb) == -1)
		return NULL;
	memset(&mb->e[mb->n], 0, sizeof mb->e[mb->n]);
	mb->e[mb->n].num = num;
	if (in_order)
		mb->sorted++;
	return &mb->e[mb->n++];
}

void
pop3_mailbox_list_end(struct mailbox *mb)
{
	mb_settle(mb);
}

int
pop3_mailbox_listing(const char *text, unsigned long *num, unsigned long long *size)
{
	uint64_t n, sz;

	if (decimal_scan(&text, ULONG_MAX, &n) == -1 || n == 0 || *text != ' ')
		return -1;
	text += strspn(text, " ");
	if (decimal_scan(&text, ULLONG_MAX, &sz) == -1 || (*text != '\0' && *text != ' '))
		return -1;
	*num = (unsigned long)n;
	*size = sz;
	return 0;
}

int
pop3_mailbox_list_line(struct mailbox *mb, const char *line)
{
	unsigned long num;
	unsigned long long size;
	struct mb_entry *e;

	if (pop3_mailbox_listing(line, &num, &size) == -1)
		return -1;
	if ((e = mb_list_entry(mb, num)) == NULL)
		return mb->n >= TUI_POP3_LIST_MAX ? 0 : -1;
	e->size = size;
	e->sized = 1;
	return 0;
}

void
pop3_mailbox_mark(struct mailbox *mb, unsigned long num)
{
	struct mb_entry *e = pop3_mailbox_get(mb, num, 1);

	if (e == NULL) {
		mb->marked_out += mb->n >= TUI_POP3_LIST_MAX;   /* QUIT still deletes it */
		return;
	}
	if (!e->marked)
		mb->nmarked++;
	e->marked = 1;
}

void
pop3_mailbox_unmark_all(struct mailbox *mb)
{
	for (size_t i = 0; i < mb->n; i++)
		mb->e[i].marked = 0;
	mb->nmarked = mb->marked_out = 0;
	mb->confirm_rset = 0;
	mb->fetch_from = 0;
}

void
pop3_mailbox_refetch_failed(struct mailbox *mb)
{
	for (size_t i = 0; i < mb->n; i++)
		if (mb->e[i].hdr == MB_HDR_FAILED)
			mb->e[i].hdr = MB_HDR_NONE;
	mb->fetch_from = 0;
}

size_t
pop3_mailbox_marked(const struct mailbox *mb)
{
	return mb->nmarked + mb->marked_out;
}

size_t
pop3_mailbox_count(const struct mailbox *mb)
{
	return mb->n;
}

unsigned long long
pop3_mailbox_octets(const struct mailbox *mb)
{
	unsigned long long n = 0;

	for (size_t i = 0; i < mb->n; i++)
		n += mb->e[i].size;
	return n;
}

struct mb_entry *
pop3_mailbox_next_unfetched(struct mailbox *mb)
{
	mb_settle(mb);
	for (size_t i = mb->fetch_from; i < mb->n; i++) {
		if (mb->e[i].hdr == MB_HDR_NONE && !mb->e[i].marked) {
			mb->fetch_from = i;
			return &mb->e[i];
		}
	}
	mb->fetch_from = mb->n;
	return NULL;
}

struct mb_entry *
pop3_mailbox_selected(struct mailbox *mb)
{
	if (mb->n == 0)
		return NULL;
	if (mb->sel >= mb->n)
		mb->sel = mb->n - 1;
	return &mb->e[mb->sel];
}

void
pop3_mailbox_move(struct mailbox *mb, long delta)
{
	if (mb->n == 0) {
		mb->sel = 0;
		return;
	}
	if (delta < 0)
		mb->sel = (size_t)-delta > mb->sel ? 0 : mb->sel - (size_t)-delta;
	else
		mb->sel = (size_t)delta >= mb->n - mb->sel ? mb->n - 1 : mb->sel + (size_t)delta;
}

void
pop3_mailbox_scroll(struct mailbox *mb, int rows)
{
	size_t r = rows > 0 ? (size_t)rows : 1;

	if (mb->sel >= mb->n)
		mb->sel = mb->n ? mb->n - 1 : 0;
	if (mb->sel < mb->top)
		mb->top = mb->sel;
	if (mb->sel >= mb->top + r)
		mb->top = mb->sel - r + 1;
	if (mb->n > r && mb->top > mb->n - r)
		mb->top = mb->n - r;                 /* no empty rows below the last */
	if (mb->n <= r)
		mb->top = 0;
}

int
pop3_mailbox_list_rows(int height, int info)
{
	int rows = height - MB_LIST_ROWS_CHROME - (info ? 1 : 0);

	return rows > 0 ? rows : 1;
}

void
pop3_mailbox_size_text(unsigned long long size, char *out, size_t len)
{
	static const char units[] = "KMGT";
	unsigned long long tenths;
	int u = -1;

	if (size < MB_KIB) {
		snprintf(out, len, "%llu", size);
		return;
	}
	tenths = size * MB_TEN / MB_KIB;              /* in tenths of the unit */
	for (u = 0; tenths >= MB_KIB * MB_TEN && units[u + 1] != '\0'; u++)
		tenths /= MB_KIB;
	if (tenths < MB_TEN * MB_TEN)
		snprintf(out, len, "%llu.%llu%c", tenths / MB_TEN, tenths % MB_TEN, units[u]);
	else
		snprintf(out, len, "%llu%c", tenths / MB_TEN, units[u]);
}

void
pop3_mailbox_text_reset(struct mb_text *t)
{
	bytebuf_reset(&t->buf);
	t->lines = t->dropped = 0;
	if (bytebuf_tail(&t->buf) != NULL)
		*bytebuf_tail(&t->buf) = '\0';
}

int
pop3_mailbox_text_line(struct mb_text *t, const char *line)
{
	size_t n = strlen(line);
	char *tail;

	if (t->dropped > 0 || bytebuf_used(&t->buf) + n + 1 > TUI_POP3_VIEW_MAX) {
		t->dropped++;
		return 0;
	}
	if (bytebuf_tail(&t->buf) == NULL)      /* the first line: set the sizes */
		bytebuf_init(&t->buf, MB_TEXT_INITIAL, TUI_POP3_VIEW_MAX + 1);
	if (bytebuf_reserve(&t->buf, n + 2) == -1) {      /* the line, '\n' and a NUL */
		t->dropped++;
		return -1;
	}
	tail = bytebuf_tail(&t->buf);
	memcpy(tail, line, n);
	tail[n] = '\n';
	tail[n + 1] = '\0';
	bytebuf_commit(&t->buf, n + 1);
	t->lines++;
	return 0;
}

const char *
pop3_mailbox_text(const struct mb_text *t)
{
	const char *text = bytebuf_head(&t->buf);

	return text != NULL ? text : "";
}

size_t
pop3_mailbox_text_len(const struct mb_text *t)
{
	return bytebuf_used(&t->buf);
}

void
pop3_mailbox_text_free(struct mb_text *t)
{
	bytebuf_free(&t->buf);
	t->lines = t->dropped = 0;
}
