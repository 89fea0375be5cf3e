/* test_tui_pop3.c: the TUI's POP3 module and its mailbox: From, Subject and
 * Date out of a header section (folded, RFC 2047 encoded, hostile, or
 * missing), the list model (LIST lines, numbers in order, marks, the
 * selection, sizes), the viewer's text cap, the state names through a
 * session, the transcript folding of long replies, the mailbox fetch (LIST,
 * then TOP n 0 one at a time, again after a dropped queue, never twice for
 * a refused one), the view's keys (Enter, d, the RSET question) and the
 * lines each menu item sends, with the password never kept in clear. */
#include "unit.h"
#include "pop3_client.h"
#include "pop3_menu.h"
#include "tui_form.h"
#include "pop3_mailbox.h"
#include "mailhdr.h"
#include "tui_menu.h"

#include <stdlib.h>

static const struct tui_module *M = &pop3_menu_module;

/* The summary of a header section given as '\n'-separated lines. */
static void
summary_of(const char *text, struct mail_summary *s)
{
	struct mailhdr h;
	char line[MAILHDR_HEADER_MAX * 2];

	mailhdr_start(&h);
	for (const char *p = text; *p != '\0';) {
		size_t n = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)n, p);
		mailhdr_line(&h, line);
		p += n + (p[n] == '\n');
	}
	mailhdr_summary(&h, s);
}

UNIT_TEST(tui_pop3_header_plain_and_folded)
{
	struct mail_summary s;

	summary_of("Received: from x\n by y\nFROM: Alice Example <alice@example.org>\n"
	           "Subject: Lunch\n\ton   Friday?\nDate: Tue, 5 Mar 2024 14:02:11 +0000\n"
	           "Subject: a second one is ignored\n\nSubject: in the body\n", &s);
	CHECK_STR(s.from, "Alice Example");
	CHECK_STR(s.subject, "Lunch on Friday?");
	CHECK_STR(s.date, "2024-03-05 14:02");
	CHECK(s.date_parsed);
	summary_of("From: \"Doe, John\" <john@x>\nDate: 6 Mar 99 09:15 +0100\n\n", &s);
	CHECK_STR(s.from, "Doe, John");
	CHECK_STR(s.subject, "");
	CHECK_STR(s.date, "1999-03-06 09:15");
	summary_of("From: <bare@x>\nDate: sometime soon\n\n", &s);
	CHECK_STR(s.from, "bare@x");
	CHECK_STR(s.date, "sometime soon");
	CHECK(!s.date_parsed);
	summary_of("From: plain@x (Plain)\nDate: 1 Foo 2024 10:00\n", &s);
	CHECK_STR(s.from, "plain@x (Plain)");
	CHECK(!s.date_parsed);
	summary_of(" continuation before any field\nX-Other: y\n", &s);
	CHECK_STR(s.from, "");
	CHECK_STR(s.date, "");
}

UNIT_TEST(tui_pop3_header_rfc2047)
{
	struct mail_summary s;
	char out[MAILHDR_SUBJECT_MAX];

	summary_of("From: =?UTF-8?B?Sm9zw6kgR2FyY8OtYQ==?= <jose@x>\n"
	           "Subject: =?utf-8?q?Caf=C3=A9_tonight?=\n =?UTF-8?Q?_and_more?= !\n\n", &s);
	CHECK_STR(s.from, "Jos\xc3\xa9 Garc\xc3\xad""a");
	CHECK_STR(s.subject, "Caf\xc3\xa9 tonight and more !");    /* space between words goes */
	mailhdr_decode("=?ISO-8859-1?Q?Gr=FC=DFe?= aus =?iso-8859-1*de?b?S/ZsbgAA?=", out,
	               sizeof out);
	CHECK_STR(out, "Gr\xc3\xbc\xc3\x9f""e aus K\xc3\xb6ln");   /* NUL bytes end the text */
	mailhdr_decode("=?KOI8-R?B?8NLJ18XU?= stays raw", out, sizeof out);
	CHECK_STR(out, "=?KOI8-R?B?8NLJ18XU?= stays raw");
	mailhdr_decode("=?UTF-8?B?not base64!?= =?UTF-8?X?bad?= =?broken", out, sizeof out);
	CHECK_STR(out, "=?UTF-8?B?not base64!?= =?UTF-8?X?bad?= =?broken");
	mailhdr_decode("=?UTF-8?Q?a?= =?UTF-8?Q?b?=  c", out, sizeof out);
	CHECK_STR(out, "ab c");
}

UNIT_TEST(tui_pop3_header_hostile_text_is_made_safe)
{
	struct mail_summary s;
	char out[MAILHDR_SUBJECT_MAX], big[MAILHDR_HEADER_MAX * 3];

	/* an escape sequence, raw and encoded, a bell, broken UTF-8 */
	summary_of("Subject: \x1b[31mred\x07 \xff\xc3\n\n", &s);
	CHECK(strchr(s.subject, '\x1b') == NULL && strchr(s.subject, '\x07') == NULL);
	CHECK_STR(s.subject, "?[31mred? ??");
	mailhdr_decode("=?UTF-8?Q?=1B]0;owned=07?=", out, sizeof out);
	CHECK_STR(out, "?]0;owned?");
	mailhdr_decode("=?UTF-8?B?G1sySg==?=", out, sizeof out);
	CHECK_STR(out, "?[2J");
	/* a huge folded subject is cut, never overflows, stays valid UTF-8 */
	snprintf(big, sizeof big, "Subject: ");
	while (strlen(big) + 4 < sizeof big)
		strcat(big, "\xc3\xa9 ");
	summary_of(big, &s);
	CHECK(strlen(s.subject) < sizeof s.subject);
	CHECK(strncmp(s.subject, "\xc3\xa9 \xc3\xa9", 5) == 0);
	CHECK(strchr(s.subject, '?') == NULL);
}

UNIT_TEST(tui_pop3_mailbox_list_model)
{
	struct mailbox mb = { 0 };
	char size[MB_SIZE_TEXT];

	CHECK_INT(pop3_mailbox_list_line(&mb, "1 120"), 0);
	CHECK_INT(pop3_mailbox_list_line(&mb, "3 4096"), 0);
	CHECK_INT(pop3_mailbox_list_line(&mb, "x 1"), -1);
	CHECK_INT(pop3_mailbox_list_line(&mb, "0 1"), -1);
	CHECK_INT(pop3_mailbox_list_line(&mb, "4"), -1);
	CHECK_INT(pop3_mailbox_list_line(&mb, "4 12z"), -1);
	CHECK_INT(pop3_mailbox_count(&mb), 2);
	mb.sel = 1;                                   /* message 3 */
	CHECK_INT(pop3_mailbox_list_line(&mb, "2 10"), 0);      /* out of order: sorted in at the end */
	pop3_mailbox_list_end(&mb);
	CHECK_INT(mb.e[1].num, 2);
	CHECK_INT(pop3_mailbox_selected(&mb)->num, 3);          /* still message 3 */
	CHECK_INT(pop3_mailbox_octets(&mb), 4226);
	pop3_mailbox_mark(&mb, 2);
	pop3_mailbox_mark(&mb, 7);                              /* unknown until now: created */
	CHECK_INT(pop3_mailbox_count(&mb), 4);
	CHECK_INT(pop3_mailbox_marked(&mb), 2);
	CHECK(!pop3_mailbox_get(&mb, 7, 0)->sized);
	mb.e[0].hdr = MB_HDR_OK;
	CHECK_INT(pop3_mailbox_next_unfetched(&mb)->num, 3);    /* 1 fetched, 2 marked */
	mb.confirm_rset = 1;
	pop3_mailbox_unmark_all(&mb);
	CHECK_INT(pop3_mailbox_marked(&mb), 0);
	CHECK(!mb.confirm_rset);
	CHECK_INT(pop3_mailbox_next_unfetched(&mb)->num, 2);
	pop3_mailbox_size_text(512, size, sizeof size);
	CHECK_STR(size, "512");
	pop3_mailbox_size_text(1536, size, sizeof size);
	CHECK_STR(size, "1.5K");
	pop3_mailbox_size_text(23 * 1024 + 100, size, sizeof size);
	CHECK_STR(size, "23K");
	pop3_mailbox_size_text(50ULL * 1024 * 1024, size, sizeof size);
	CHECK_STR(size, "50M");
	pop3_mailbox_size_text(4ULL * 1024 * 1024 * 1024, size, sizeof size);
	CHECK_STR(size, "4.0G");
	pop3_mailbox_free(&mb);
	CHECK(mb.e == NULL && mb.n == 0);
}

/* Feeds a LIST of N lines, message numbers (i * STEP) % N + 1 for i < N
 * (every number once when STEP and N share no factor), size 3 * number. */
static void
list_lines(struct mailbox *mb, size_t n, size_t step)
{
	char line[64];

	pop3_mailbox_list_begin(mb);
	for (size_t i = 0; i < n; i++) {
		unsigned long num = (unsigned long)((i * step) % n + 1);
		snprintf(line, sizeof line, "%lu %lu", num, 3 * num);
		CHECK_INT(pop3_mailbox_list_line(mb, line), 0);
	}
	pop3_mailbox_list_end(mb);
}

/* 1 when MB holds messages 1..N in order, sizes 3 * number. */
static int
list_is_whole(const struct mailbox *mb, size_t n)
{
	if (pop3_mailbox_count(mb) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (mb->e[i].num != i + 1 || mb->e[i].size != 3 * (i + 1) || !mb->e[i].sized)
			return 0;
	return 1;
}

UNIT_TEST(tui_pop3_mailbox_list_is_cut_at_the_limit)
{
	struct mailbox mb = { 0 };
	const size_t over = 5;

	list_lines(&mb, TUI_POP3_LIST_MAX + over, 1);
	CHECK_INT(pop3_mailbox_count(&mb), TUI_POP3_LIST_MAX);
	CHECK_INT(mb.cut, over);
	CHECK_INT(mb.e[TUI_POP3_LIST_MAX - 1].num, TUI_POP3_LIST_MAX);
	CHECK(pop3_mailbox_get(&mb, TUI_POP3_LIST_MAX + 1, 1) == NULL);      /* full: nothing created */
	pop3_mailbox_mark(&mb, TUI_POP3_LIST_MAX + 2);                        /* a DELE past the cut */
	pop3_mailbox_mark(&mb, 1);
	CHECK_INT(pop3_mailbox_marked(&mb), 2);                               /* QUIT will delete two */
	CHECK_INT(pop3_mailbox_count(&mb), TUI_POP3_LIST_MAX);
	pop3_mailbox_unmark_all(&mb);
	CHECK_INT(pop3_mailbox_marked(&mb), 0);
	list_lines(&mb, 10, 1);                                     /* LIST again: in place */
	CHECK_INT(mb.cut, 0);
	CHECK_INT(pop3_mailbox_count(&mb), TUI_POP3_LIST_MAX);
	pop3_mailbox_free(&mb);
}

UNIT_TEST(tui_pop3_mailbox_large_unsorted_list)
{
	struct mailbox mb = { 0 };
	const size_t n = TUI_POP3_LIST_MAX / 2, step = 7919;        /* a prime: a permutation */
	struct mb_entry *e;

	list_lines(&mb, n, n - 1);                                  /* 1, then n down to 2 */
	CHECK(list_is_whole(&mb, n));
	pop3_mailbox_free(&mb);
	list_lines(&mb, n, step);                                   /* scattered */
	CHECK(list_is_whole(&mb, n));
	e = pop3_mailbox_get(&mb, 4242, 0);
	CHECK(e != NULL);
	if (e != NULL) {
		e->hdr = MB_HDR_OK;
		snprintf(e->sum.subject, sizeof e->sum.subject, "kept");
	}
	mb.sel = 4241;                                              /* message 4242 */
	pop3_mailbox_list_begin(&mb);                                         /* again, backwards, */
	for (size_t i = n; i > 0; i--) {                            /* one number twice */
		char line[64];
		snprintf(line, sizeof line, "%zu %zu", i, 3 * i);
		CHECK_INT(pop3_mailbox_list_line(&mb, line), 0);
	}
	CHECK_INT(pop3_mailbox_list_line(&mb, "77 231"), 0);
	CHECK_INT(pop3_mailbox_list_line(&mb, "900001 5"), 0);                /* new, out of order */
	CHECK_INT(pop3_mailbox_list_line(&mb, "900000 4"), 0);
	CHECK_INT(pop3_mailbox_list_line(&mb, "900000 4"), 0);
	pop3_mailbox_list_end(&mb);
	CHECK_INT(pop3_mailbox_count(&mb), n + 2);
	CHECK_INT(mb.e[n].num, 900000);
	CHECK_INT(mb.e[n + 1].num, 900001);
	mb.n -= 2;
	CHECK(list_is_whole(&mb, n));
	mb.n += 2;
	CHECK_INT(pop3_mailbox_selected(&mb)->num, 4242);
	CHECK_STR(pop3_mailbox_selected(&mb)->sum.subject, "kept");
	e = pop3_mailbox_next_unfetched(&mb);
	CHECK(e != NULL && e->num == 1);
	for (size_t i = 0; e != NULL && i < n + 2; i++) {           /* every header, once */
		CHECK(e->hdr == MB_HDR_NONE && e->num != 4242);
		e->hdr = MB_HDR_OK;
		e = pop3_mailbox_next_unfetched(&mb);
	}
	CHECK(e == NULL);
	pop3_mailbox_mark(&mb, 5);
	pop3_mailbox_refetch_failed(&mb);
	pop3_mailbox_get(&mb, 6, 0)->hdr = MB_HDR_FAILED;
	pop3_mailbox_refetch_failed(&mb);                                     /* asked again */
	CHECK_INT(pop3_mailbox_next_unfetched(&mb)->num, 6);
	pop3_mailbox_free(&mb);
}

UNIT_TEST(tui_pop3_mailbox_selection_scrolls)
{
	struct mailbox mb = { 0 };
	char line[32];

	CHECK(pop3_mailbox_selected(&mb) == NULL);
	pop3_mailbox_move(&mb, 5);
	CHECK_INT(mb.sel, 0);
	for (int i = 1; i <= 50; i++) {
		snprintf(line, sizeof line, "%d %d", i, i * 100);
		CHECK_INT(pop3_mailbox_list_line(&mb, line), 0);
	}
	CHECK_INT(pop3_mailbox_list_rows(12, 0), 9);
	CHECK_INT(pop3_mailbox_list_rows(12, 1), 8);
	CHECK_INT(pop3_mailbox_list_rows(2, 1), 1);
	pop3_mailbox_move(&mb, 20);
	pop3_mailbox_scroll(&mb, 8);
	CHECK_INT(mb.sel, 20);
	CHECK_INT(mb.top, 13);                        /* the selection is the last row */
	pop3_mailbox_move(&mb, -3);
	pop3_mailbox_scroll(&mb, 8);
	CHECK_INT(mb.top, 13);                        /* still in view: no scroll */
	pop3_mailbox_move(&mb, 1000);
	pop3_mailbox_scroll(&mb, 8);
	CHECK_INT(mb.sel, 49);
	CHECK_INT(mb.top, 42);
	pop3_mailbox_move(&mb, -1000);
	pop3_mailbox_scroll(&mb, 8);
	CHECK_INT(mb.sel, 0);
	CHECK_INT(mb.top, 0);
	pop3_mailbox_scroll(&mb, 100);                          /* taller than the list */
	CHECK_INT(mb.top, 0);
	pop3_mailbox_free(&mb);
}

UNIT_TEST(tui_pop3_viewer_text_is_capped)
{
	struct mb_text t = { 0 };
	char *line = malloc(TUI_POP3_VIEW_MAX / 4);

	CHECK(line != NULL);
	if (line == NULL)
		return;
	CHECK_INT(pop3_mailbox_text_line(&t, "From: a"), 0);
	CHECK_INT(pop3_mailbox_text_line(&t, ""), 0);
	CHECK_INT(pop3_mailbox_text_line(&t, "body"), 0);
	CHECK_STR(pop3_mailbox_text(&t), "From: a\n\nbody\n");
	memset(line, 'x', TUI_POP3_VIEW_MAX / 4 - 1);
	line[TUI_POP3_VIEW_MAX / 4 - 1] = '\0';
	for (int i = 0; i < 6; i++)
		pop3_mailbox_text_line(&t, line);
	CHECK(pop3_mailbox_text_len(&t) <= TUI_POP3_VIEW_MAX);
	CHECK_INT(t.lines, 6);
	CHECK_INT(t.dropped, 3);
	pop3_mailbox_text_line(&t, "short");                    /* nothing after a cut either */
	CHECK_INT(t.dropped, 4);
	pop3_mailbox_text_reset(&t);
	CHECK_INT(pop3_mailbox_text_len(&t), 0);
	CHECK_STR(pop3_mailbox_text(&t), "");
	pop3_mailbox_text_free(&t);
	free(line);
}

/* A session driven as tui_conn.c drives a module. */
struct sess {
	struct pop3_menu  *m;
	struct pop3_client w;
	struct tui_queue   q;
	char               tr[8192];     /* what the transcript got, '\n' after each */
};

static void
sess_open(struct sess *s)
{
	memset(s, 0, sizeof *s);
	s->m = calloc(1, sizeof *s->m);
	CHECK(s->m != NULL);
	M->init(s->m);
	pop3_client_proto.init(&s->w);
}

static void
sess_close(struct sess *s)
{
	M->fini(s->m);
	free(s->m);
	tui_queue_free(&s->q);
}

static void
sess_tr(struct sess *s, const char *mark, const char *text)
{
	size_t used = strlen(s->tr);

	snprintf(s->tr + used, sizeof s->tr - used, "%s%s\n", mark, text);
}

/* Sends the next queued line; what the transcript showed into SENT. */
static int
sess_send(struct sess *s, char *sent, size_t len)
{
	struct tq_item it;
	const char *shown;

	if (!tui_queue_pop(&s->q, &it))
		return 0;
	if (pop3_client_proto.command(&s->w, it.line, &shown))
		M->on_command(s->m, shown);
	snprintf(sent, len, "%s", shown);
	sess_tr(s, "C ", shown);
	tui_queue_item_free(&it);
	return 1;
}

/* The server's reply, lines separated by '\n'; then the follow-up. */
static void
sess_reply(struct sess *s, const char *reply)
{
	char line[1024], note[256];

	for (const char *p = reply; *p != '\0';) {
		size_t n = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
		int show = M->on_line(s->m, line, note, sizeof note);
		if (note[0] != '\0')
			sess_tr(s, "* ", note);
		if (show)
			sess_tr(s, "S ", line);
		if (pop3_client_proto.reply_line(&s->w, line)) {
			M->on_reply(s->m, line);
			CHECK_INT(M->follow_up(s->m, &s->q), 0);
		}
	}
}

/* Sends the next line, which must be WANT, and feeds REPLY. */
static void
sess_step(struct sess *s, const char *want, const char *reply)
{
	char sent[PROTO_LINE_MAX] = "";

	CHECK(sess_send(s, sent, sizeof sent));
	CHECK_STR(sent, want);
	sess_reply(s, reply);
}

/* Opens ITEM's form with the given fields and builds it. */
static int
sess_build(struct sess *s, int item, const char *f0, const char *f1, char *err, size_t len)
{
	const struct form_spec *spec = M->form_for(s->m, item);
	struct form f;
	int rc;

	if (spec == NULL)
		return M->build(s->m, item, NULL, &s->q, err, len);
	CHECK_INT(tui_form_open(&f, spec, item), 0);
	if (f0 != NULL)
		tui_form_set(&f, 0, f0);
	if (f1 != NULL)
		tui_form_set(&f, 1, f1);
	rc = M->build(s->m, item, &f, &s->q, err, len);
	tui_form_close(&f);
	return rc;
}

/* Logs in as bob with the form and fetches a mailbox of three. */
static void
sess_login_and_fetch(struct sess *s)
{
	char err[FORM_ERR_MAX];

	sess_reply(s, "+OK ready");
	CHECK_INT(sess_build(s, PMI_LOGIN, "bob", "bob-Secret-2", err, sizeof err), 0);
	sess_step(s, "USER bob", "+OK send PASS");
	sess_step(s, "PASS " CLIENT_MASK, "+OK 3 messages");
	sess_step(s, "LIST", "+OK 3 messages (700 octets)\n1 100\n2 200\n3 400\n.");
	sess_step(s, "TOP 1 0", "+OK\nFrom: A <a@x>\nSubject: one\n\n.");
	sess_step(s, "TOP 2 0", "+OK\nFrom: B <b@x>\nSubject: two\n\n.");
	sess_step(s, "TOP 3 0", "+OK\nFrom: C <c@x>\nSubject: three\n\n.");
}

UNIT_TEST(tui_pop3_a_cut_list_is_told_once_through_a_session)
{
	const size_t over = 3, total = TUI_POP3_LIST_MAX + over;
	size_t cap = total * 16 + 64, used = 0;
	char *reply = malloc(cap), err[FORM_ERR_MAX];
	struct mb_look look;
	struct sess s;

	CHECK(reply != NULL);
	if (reply == NULL)
		return;
	used += (size_t)snprintf(reply, cap, "+OK %zu messages", total);
	for (size_t i = total; i > 0; i--)                          /* backwards */
		used += (size_t)snprintf(reply + used, cap - used, "\n%zu 10", i);
	snprintf(reply + used, cap - used, "\n.");
	sess_open(&s);
	sess_reply(&s, "+OK ready");
	CHECK_INT(sess_build(&s, PMI_LOGIN, "bob", "bob-Secret-2", err, sizeof err), 0);
	sess_step(&s, "USER bob", "+OK send PASS");
	sess_step(&s, "PASS " CLIENT_MASK, "+OK");
	sess_step(&s, "LIST", reply);
	CHECK(strstr(s.tr, "the mailbox list keeps 100000 messages: 3 more are not listed") != NULL);
	CHECK_INT(pop3_mailbox_count(&s.m->mb), TUI_POP3_LIST_MAX);
	CHECK_INT(s.m->mb.e[0].num, over + 1);                      /* the first lines kept */
	CHECK_STR(M->state_name(s.m), "transaction: 100003 messages");
	pop3_menu_view_look(s.m, &look);
	CHECK(strstr(look.title, "list cut: 3 more not shown") != NULL);
	sess_step(&s, "TOP 4 0", "+OK\nSubject: first kept\n\n.");
	CHECK_STR(s.m->mb.e[0].sum.subject, "first kept");
	sess_close(&s);
	free(reply);
}

/* Numbers in STAT and LIST replies, and in the command the user typed, are
 * read whole or not at all: no negative count or size wrapped round, no
 * message number past unsigned long taken as ULONG_MAX (the old sscanf and
 * strtoul did both). */
UNIT_TEST(tui_pop3_numbers_are_read_strictly)
{
	struct sess s;
	char err[FORM_ERR_MAX];
	struct mb_entry *e;

	sess_open(&s);
	sess_reply(&s, "+OK ready");
	CHECK_INT(sess_build(&s, PMI_LOGIN, "bob", "bob-Secret-2", err, sizeof err), 0);
	sess_step(&s, "USER bob", "+OK send PASS");
	sess_step(&s, "PASS " CLIENT_MASK, "+OK");
	sess_step(&s, "LIST", "-ERR not now");
	CHECK_INT(tui_queue_push(&s.q, "STAT", 0), 0);
	sess_step(&s, "STAT", "+OK -1 0");
	CHECK_STR(M->state_name(s.m), "transaction");          /* no count known */
	CHECK_INT(tui_queue_push(&s.q, "STAT", 0), 0);
	sess_step(&s, "STAT", "+OK 2 320");
	CHECK_STR(M->state_name(s.m), "transaction: 2 messages");
	CHECK_INT(tui_queue_push(&s.q, "LIST 1", 0), 0);
	sess_step(&s, "LIST 1", "+OK 1 -5");
	e = pop3_mailbox_get(&s.m->mb, 1, 0);
	CHECK(e != NULL && !e->sized);
	CHECK_INT(tui_queue_push(&s.q, "LIST 2", 0), 0);
	sess_step(&s, "LIST 2", "+OK 2 120");
	e = pop3_mailbox_get(&s.m->mb, 2, 0);
	CHECK(e != NULL && e->sized && e->size == 120);
	CHECK_INT(tui_queue_push(&s.q, "LIST 99999999999999999999", 0), 0);
	sess_step(&s, "LIST 99999999999999999999", "+OK 3 120");
	CHECK(pop3_mailbox_get(&s.m->mb, (unsigned long)-1, 0) == NULL);
	CHECK_INT(pop3_mailbox_count(&s.m->mb), 2);
	sess_close(&s);
}

UNIT_TEST(tui_pop3_states_and_fetch_through_a_session)
{
	struct sess s;
	char err[FORM_ERR_MAX];

	sess_open(&s);
	CHECK_STR(M->state_name(s.m), "waiting for the greeting");
	sess_reply(&s, "+OK ready");
	CHECK_STR(pop3_menu_state_id(s.m->st), "AUTHORIZATION");
	CHECK(!M->view->available(s.m));
	CHECK_INT(sess_build(&s, PMI_LOGIN, "bob", "wrong", err, sizeof err), 0);
	sess_step(&s, "USER bob", "+OK send PASS");
	CHECK_STR(M->state_name(s.m), "authorization: user accepted, PASS next");
	sess_step(&s, "PASS " CLIENT_MASK, "-ERR [AUTH] authentication failed");
	CHECK_STR(pop3_menu_state_id(s.m->st), "AUTHORIZATION");
	CHECK(M->user(s.m) == NULL);
	CHECK_INT(tui_queue_len(&s.q), 0);                    /* no fetch before a login */
	sess_close(&s);
	sess_open(&s);
	sess_login_and_fetch(&s);
	CHECK_STR(M->user(s.m), "bob");
	CHECK(M->view->available(s.m));
	CHECK(M->view->raise(s.m));
	CHECK(!M->view->raise(s.m));                   /* once */
	CHECK_STR(M->state_name(s.m), "transaction: 3 messages");
	CHECK_STR(s.m->mb.e[2].sum.subject, "three");
	CHECK_STR(s.m->mb.e[1].sum.from, "B");
	CHECK_INT(tui_queue_len(&s.q), 0);                    /* nothing left to fetch */
	CHECK(strstr(s.tr, "C TOP 1 0\nS +OK\n* (3 header lines: From, Subject and Date go to "
	             "the mailbox list)\nS .\n") != NULL);
	CHECK(strstr(s.tr, "S 1 100\nS 2 200\nS 3 400\nS .\n") != NULL);
	CHECK(!M->in_transaction(s.m));
	CHECK_INT(sess_build(&s, PMI_QUIT, NULL, NULL, err, sizeof err), 0);
	sess_step(&s, "QUIT", "+OK bye");
	CHECK_STR(M->state_name(s.m), "closing");
	sess_close(&s);
}

UNIT_TEST(tui_pop3_marks_rset_and_the_quit_question)
{
	struct sess s;
	char err[FORM_ERR_MAX], notice[256] = "";
	const int h = 12;

	sess_open(&s);
	sess_login_and_fetch(&s);
	CHECK_INT(M->view->key(s.m, 'd', 0, h, &s.q, notice, sizeof notice), 1);
	sess_step(&s, "DELE 1", "+OK message 1 deleted");
	CHECK_INT(M->view->key(s.m, KEY_DOWN, 1, h, &s.q, notice, sizeof notice), 1);
	CHECK_INT(M->view->key(s.m, 'd', 0, h, &s.q, notice, sizeof notice), 1);
	sess_step(&s, "DELE 2", "+OK message 2 deleted");
	CHECK_STR(M->state_name(s.m), "transaction: 3 messages, 2 marked for deletion");
	CHECK(M->in_transaction(s.m));
	CHECK(strstr(M->quit_question(s.m), "2 messages are marked for deletion: quitting sends "
	             "QUIT, and the server deletes them") != NULL);
	struct mb_look look;
	pop3_menu_view_look(s.m, &look);
	CHECK(look.info != NULL && strstr(look.info, "RSET unmarks all") != NULL);
	/* d on a marked one asks; any other key keeps the marks */
	CHECK_INT(M->view->key(s.m, 'd', 0, h, &s.q, notice, sizeof notice), 1);
	CHECK(s.m->mb.confirm_rset);
	pop3_menu_view_look(s.m, &look);
	CHECK(strstr(look.info, "RSET unmarks ALL 2") != NULL && look.info_role == ROLE_ALERT);
	CHECK_INT(M->view->key(s.m, 'n', 0, h, &s.q, notice, sizeof notice), 1);
	CHECK_STR(notice, "kept: 2 messages still marked for deletion");
	CHECK_INT(tui_queue_len(&s.q), 0);
	CHECK_INT(M->view->key(s.m, 'd', 0, h, &s.q, notice, sizeof notice), 1);
	CHECK_INT(M->view->key(s.m, 'y', 0, h, &s.q, notice, sizeof notice), 1);
	sess_step(&s, "RSET", "+OK maildrop has 3 messages");
	CHECK_INT(pop3_mailbox_marked(&s.m->mb), 0);
	CHECK_STR(M->state_name(s.m), "transaction: 3 messages");
	/* a refused DELE marks nothing */
	CHECK_INT(sess_build(&s, PMI_DELE, "9", NULL, err, sizeof err), 0);
	sess_step(&s, "DELE 9", "-ERR no such message");
	CHECK_INT(pop3_mailbox_marked(&s.m->mb), 0);
	CHECK_INT(pop3_mailbox_count(&s.m->mb), 3);
	/* keys the view leaves to the TUI */
	CHECK_INT(M->view->key(s.m, 'q', 0, h, &s.q, notice, sizeof notice), 0);
	CHECK_INT(M->view->key(s.m, 'x', 0, h, &s.q, notice, sizeof notice), 0);
	CHECK_INT(M->view->key(s.m, KEY_F(1), 1, h, &s.q, notice, sizeof notice), 0);
	sess_close(&s);
}

UNIT_TEST(tui_pop3_retr_opens_the_viewer_unstuffed)
{
	struct sess s;
	char notice[256] = "", reply[4096];
	const char *title, *text;

	sess_open(&s);
	sess_login_and_fetch(&s);
	CHECK(!M->view->page(s.m, &title, &text));
	CHECK_INT(M->view->key(s.m, KEY_END, 1, 12, &s.q, notice, sizeof notice), 1);
	CHECK_INT(M->view->key(s.m, '\r', 0, 12, &s.q, notice, sizeof notice), 1);
	snprintf(reply, sizeof reply, "+OK 400 octets\nFrom: C <c@x>\nSubject: three\n\n"
	         "..a dotted line\n");
	for (int i = 0; i < 20; i++)
		snprintf(reply + strlen(reply), sizeof reply - strlen(reply), "line %d\n", i);
	strcat(reply, ".");
	sess_step(&s, "RETR 3", reply);
	CHECK(M->view->page(s.m, &title, &text));
	CHECK(!M->view->page(s.m, &title, &text));     /* handed over once */
	CHECK_STR(title, "Message 3 of 3, 400 octets: three");
	CHECK(strncmp(text, "From: C <c@x>\nSubject: three\n\n.a dotted line\nline 0\n", 49) == 0);
	CHECK(strstr(text, "line 19\n") != NULL);
	/* the transcript: 12 lines, then a note, then the end */
	CHECK(strstr(s.tr, "S ..a dotted line\n") != NULL);
	CHECK(strstr(s.tr, "S line 7\n* (12 more lines not shown here: the whole text is in the "
	             "viewer)\nS .\n") != NULL);
	CHECK(strstr(s.tr, "S line 8\n") == NULL);
	/* Enter on a marked message sends nothing */
	CHECK_INT(M->view->key(s.m, 'd', 0, 12, &s.q, notice, sizeof notice), 1);
	sess_step(&s, "DELE 3", "+OK");
	notice[0] = '\0';
	CHECK_INT(M->view->key(s.m, '\n', 0, 12, &s.q, notice, sizeof notice), 1);
	CHECK_INT(tui_queue_len(&s.q), 0);
	CHECK(strstr(notice, "marked for deletion") != NULL);
	sess_close(&s);
}

UNIT_TEST(tui_pop3_fetch_survives_a_dropped_queue_and_refusals)
{
	struct sess s;
	char err[FORM_ERR_MAX], sent[PROTO_LINE_MAX];

	sess_open(&s);
	sess_reply(&s, "+OK ready");
	M->set_user(s.m, "bob");                     /* the automatic login, as tui_conn.c */
	CHECK(pop3_client_proto.login_next(&s.w, "bob", "pw", sent, sizeof sent));
	CHECK_INT(tui_queue_push(&s.q, sent, 0), 0);
	sess_step(&s, "USER bob", "+OK");
	CHECK(pop3_client_proto.login_next(&s.w, "bob", "pw", sent, sizeof sent));
	CHECK_INT(tui_queue_push(&s.q, sent, 0), 0);
	sess_step(&s, "PASS " CLIENT_MASK, "+OK logged in");
	CHECK_STR(M->user(s.m), "bob");
	CHECK_INT(tui_queue_len(&s.q), 1);
	sess_step(&s, "LIST", "+OK\n1 10\n2 20\n.");
	CHECK_INT(tui_queue_len(&s.q), 1);                   /* TOP 1 0 waits in the queue */
	tui_queue_clear(&s.q);                               /* dropped after some refusal */
	CHECK_INT(M->follow_up(s.m, &s.q), 0);
	CHECK_INT(tui_queue_len(&s.q), 1);                   /* queued again */
	CHECK_INT(M->follow_up(s.m, &s.q), 0);
	CHECK_INT(tui_queue_len(&s.q), 1);                   /* not twice */
	CHECK_INT(sess_build(&s, PMI_STAT, NULL, NULL, err, sizeof err), 0);
	sess_step(&s, "TOP 1 0", "-ERR message 1 is deleted");
	CHECK_INT(s.m->mb.e[0].hdr, MB_HDR_FAILED);
	sess_step(&s, "STAT", "+OK 2 30");
	sess_step(&s, "TOP 2 0", "+OK\nSubject: two\n\n.");
	CHECK_INT(tui_queue_len(&s.q), 0);                   /* 1 is not asked again */
	CHECK(!sess_send(&s, sent, sizeof sent));
	CHECK_INT(sess_build(&s, PMI_MAILBOX, NULL, NULL, err, sizeof err), 0);
	sess_step(&s, "LIST", "+OK\n1 10\n2 20\n.");
	sess_step(&s, "TOP 1 0", "+OK\nSubject: one\n\n.");    /* Mailbox asks again */
	CHECK_STR(s.m->mb.e[0].sum.subject, "one");
	sess_close(&s);
}

UNIT_TEST(tui_pop3_menu_lines_and_greying)
{
	struct sess s;
	char err[FORM_ERR_MAX], sent[PROTO_LINE_MAX];
	unsigned st;

	sess_open(&s);
	sess_reply(&s, "+OK ready");
	st = M->state(s.m);
	CHECK(tui_menu_in_order(M, PMI_LOGIN, st) && tui_menu_in_order(M, PMI_AUTH, st));
	CHECK(!tui_menu_in_order(M, PMI_RETR, st) && !tui_menu_in_order(M, PMI_MAILBOX, st));
	CHECK(tui_menu_in_order(M, PMI_QUIT, st));
	CHECK_INT(tui_menu_find_hotkey(M, 'e'), PMI_RETR);
	CHECK_INT(M->form_for(s.m, PMI_LOGIN)->fields[1].kind, FIELD_SECRET);
	CHECK_INT(M->form_for(s.m, PMI_AUTH)->fields[1].kind, FIELD_SECRET);
	CHECK_INT(sess_build(&s, PMI_LOGIN, "", "pw", err, sizeof err), -1);
	CHECK_STR(err, "User: give a user name (no spaces)");
	CHECK_INT(sess_build(&s, PMI_AUTH, "bob", "bob-Secret-2", err, sizeof err), 0);
	CHECK(memmem(s.m, sizeof *s.m, "bob-Secret-2", 12) == NULL);   /* never kept */
	CHECK(sess_send(&s, sent, sizeof sent));
	CHECK_STR(sent, "AUTH PLAIN " CLIENT_MASK);
	sess_reply(&s, "+OK logged in");
	CHECK_STR(M->user(s.m), "bob");
	st = M->state(s.m);
	CHECK(!tui_menu_in_order(M, PMI_LOGIN, st) && tui_menu_in_order(M, PMI_RETR, st));
	tui_queue_clear(&s.q);                               /* the fetch's LIST */
	CHECK_INT(sess_build(&s, PMI_LIST, "", NULL, err, sizeof err), 0);
	CHECK_INT(sess_build(&s, PMI_UIDL, " 2 ", NULL, err, sizeof err), 0);
	CHECK_INT(sess_build(&s, PMI_RETR, "", NULL, err, sizeof err), -1);
	CHECK_STR(err, "Message: give a number, like 1");
	CHECK_INT(sess_build(&s, PMI_RETR, "1x", NULL, err, sizeof err), -1);
	CHECK_INT(sess_build(&s, PMI_TOP, "2", "x", err, sizeof err), -1);
	CHECK_STR(err, "Lines: give a number, like 1");
	CHECK_INT(sess_build(&s, PMI_TOP, "2", "5", err, sizeof err), 0);
	CHECK_INT(sess_build(&s, PMI_NOOP, NULL, NULL, err, sizeof err), 0);
	CHECK_INT(sess_build(&s, PMI_RSET, NULL, NULL, err, sizeof err), 0);
	const char *want[] = { "LIST", "UIDL 2", "TOP 2 5", "NOOP", "RSET" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		CHECK(sess_send(&s, sent, sizeof sent));
		CHECK_STR(sent, want[i]);
	}
	sess_close(&s);
}

UNIT_TEST(tui_pop3_prefill_from_the_selection)
{
	struct sess s;
	struct form f;
	struct tui_facts facts = { .user = "bob", .host = "localhost" };

	sess_open(&s);
	CHECK_INT(tui_form_open(&f, M->form_for(s.m, PMI_LOGIN), PMI_LOGIN), 0);
	M->prefill(s.m, PMI_LOGIN, &facts, &f);
	CHECK_STR(tui_form_value(&f, 0), "bob");
	CHECK_INT(f.focus, 1);                         /* straight to the password */
	tui_form_close(&f);
	sess_login_and_fetch(&s);
	s.m->mb.sel = 1;
	CHECK_INT(tui_form_open(&f, M->form_for(s.m, PMI_TOP), PMI_TOP), 0);
	M->prefill(s.m, PMI_TOP, &facts, &f);
	CHECK_STR(tui_form_value(&f, 0), "2");
	CHECK_STR(tui_form_value(&f, 1), "10");
	tui_form_close(&f);
	sess_close(&s);
}
