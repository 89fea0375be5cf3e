/*
 * pop3_menu.c: the POP3 module of the TUI (see pop3_menu.h). The client's
 * idea of the session follows the replies to what it sent (the server
 * stays the judge: an out-of-order command is sent anyway and its -ERR
 * shown). Multi-line replies are read here line by line: LIST sizes the
 * mailbox, TOP and RETR give the headers the list shows, and a RETR or TOP
 * the user asked for becomes the viewer's page. The mailbox fetch sends
 * one line at a time from follow_up() so that the user's commands are
 * never stuck behind a hundred TOPs. Pure; main thread.
 */
#include "pop3_menu.h"
#include "tui_form.h"
#include "decimal.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(s)        (1u << PM_##s)
#define PM_TALKING    (BIT(AUTHORIZATION) | BIT(USER_OK) | BIT(TRANSACTION))
#define PM_IN_TXN     BIT(TRANSACTION)
#define PM_NUM_MAX    10                  /* digits of a message number field */
#define PM_MIB        (1024 * 1024)

#define PM_AS_NAME(s) #s,
static const char *const pm_state_ids[] = { POP3_MENU_STATES(PM_AS_NAME) };

static const char *const pm_state_names[PM_STATE_COUNT] = {
	[PM_CONNECTED]     = "waiting for the greeting",
	[PM_AUTHORIZATION] = "authorization: log in (USER/PASS or AUTH)",
	[PM_USER_OK]       = "authorization: user accepted, PASS next",
	[PM_TRANSACTION]   = "transaction",
	[PM_CLOSING]       = "closing",
};

#define PM_SECRET_HINT "masked: never shown, never kept, wiped once sent"
static const struct field_spec pm_login_fields[] = {
	{ "User", FIELD_TEXT, USER_NAME_MAX, "USER, then PASS (inside TLS); the transcript shows "
	  "PASS " CLIENT_MASK },
	{ "Password", FIELD_SECRET, PASSWORD_MAX, PM_SECRET_HINT },
};
static const struct field_spec pm_auth_fields[] = {
	{ "User", FIELD_TEXT, USER_NAME_MAX, "AUTH PLAIN (RFC 5034): both in one base64 line, "
	  "shown as " CLIENT_MASK },
	{ "Password", FIELD_SECRET, PASSWORD_MAX, PM_SECRET_HINT },
};
static const struct field_spec pm_all_fields[] = {
	{ "Message", FIELD_TEXT, PM_NUM_MAX, "a message number; empty: every message" },
};
static const struct field_spec pm_one_fields[] = {
	{ "Message", FIELD_TEXT, PM_NUM_MAX, "a message number (the mailbox's selection is "
	  "filled in)" },
};
static const struct field_spec pm_top_fields[] = {
	{ "Message", FIELD_TEXT, PM_NUM_MAX, "a message number" },
	{ "Lines", FIELD_TEXT, PM_NUM_MAX, "body lines after the headers (0: the headers only)" },
};

#define PM_FORM(name, title) { title, name, (int)(sizeof name / sizeof name[0]) }
static const struct form_spec pm_login_form = PM_FORM(pm_login_fields, "USER and PASS: log in");
static const struct form_spec pm_auth_form = PM_FORM(pm_auth_fields, "AUTH PLAIN: log in");
static const struct form_spec pm_list_form = PM_FORM(pm_all_fields, "LIST: message sizes");
static const struct form_spec pm_uidl_form = PM_FORM(pm_all_fields, "UIDL: unique ids");
static const struct form_spec pm_retr_form = PM_FORM(pm_one_fields,
                                                     "RETR: retrieve a message into the viewer");
static const struct form_spec pm_top_form = PM_FORM(pm_top_fields,
                                                    "TOP: the headers and the first lines");
static const struct form_spec pm_dele_form = PM_FORM(pm_one_fields,
                                                     "DELE: mark a message for deletion");

static const struct menu_item pm_items[PMI_COUNT] = {
	[PMI_LOGIN] = { 'u', "USER/PASS", "log in: USER, then PASS (the password masked)",
	               &pm_login_form, BIT(AUTHORIZATION) | BIT(USER_OK) },
	[PMI_AUTH] = { 'a', "AUTH PLAIN", "log in with SASL PLAIN in one line (RFC 5034)",
	              &pm_auth_form, BIT(AUTHORIZATION) },
	[PMI_MAILBOX] = { 'm', "Mailbox", "LIST, then TOP n 0 for each: the list with From, "
	                 "Subject, Date", NULL, PM_IN_TXN },
	[PMI_STAT] = { 's', "STAT", "how many messages, how many octets", NULL, PM_IN_TXN },
	[PMI_LIST] = { 'l', "LIST", "the size of every message (or of one)", &pm_list_form,
	              PM_IN_TXN },
	[PMI_UIDL] = { 'i', "UIDL", "unique ids: the same in every session", &pm_uidl_form,
	              PM_IN_TXN },
	[PMI_RETR] = { 'e', "RETR", "retrieve a message; it opens in the viewer", &pm_retr_form,
	              PM_IN_TXN },
	[PMI_TOP] = { 't', "TOP", "the headers and the first lines of a message", &pm_top_form,
	             PM_IN_TXN },
	[PMI_DELE] = { 'd', "DELE", "mark a message for deletion (QUIT deletes it)",
	              &pm_dele_form, PM_IN_TXN },
	[PMI_RSET] = { 'z', "RSET", "unmark every message marked for deletion", NULL, PM_IN_TXN },
	[PMI_NOOP] = { 'n', "NOOP", "nothing: the server answers +OK", NULL, PM_IN_TXN },
	[PMI_QUIT] = { 'x', "QUIT", "end the session: the server deletes the marked messages",
	              NULL, PM_TALKING },
};

const char *
pop3_menu_state_id(enum pop3_menu_state s)
{
	return s < PM_STATE_COUNT ? pm_state_ids[s] : "?";
}

/* The state in words, kept in m->name ("transaction: 3 messages, 1 marked
 * for deletion"), and the question q asks. */
static void
pm_name_update(struct pop3_menu *m)
{
	size_t marked = pop3_mailbox_marked(&m->mb);
	size_t count = m->mb.listed ? pop3_mailbox_count(&m->mb) + m->mb.cut
	                            : m->stat_count + marked;
	char marks[POP3_MENU_TEXT_MAX] = "";

	snprintf(m->question, sizeof m->question, "%zu message%s marked for deletion: quitting "
	         "sends QUIT, and the server deletes %s for good (RSET first keeps %s).", marked,
	         marked == 1 ? " is" : "s are", marked == 1 ? "it" : "them",
	         marked == 1 ? "it" : "them");
	if (m->st != PM_TRANSACTION || (!m->mb.listed && !m->stat_known && marked == 0)) {
		snprintf(m->name, sizeof m->name, "%s", pm_state_names[m->st]);
		return;
	}
	if (marked > 0)
		snprintf(marks, sizeof marks, ", %zu marked for deletion", marked);
	snprintf(m->name, sizeof m->name, "transaction: %zu message%s%s", count,
	         count == 1 ? "" : "s", marks);
}

static void
pm_init(void *st)
{
	struct pop3_menu *m = st;

	memset(m, 0, sizeof *m);
	m->st = PM_CONNECTED;
	pm_name_update(m);
}

static void
pm_fini(void *st)
{
	struct pop3_menu *m = st;

	pop3_mailbox_free(&m->mb);
	pop3_mailbox_text_free(&m->text);
}

/* Verb and numeric arguments of the command line SHOWN into C. */
static void
pm_parse_cmd(const char *shown, struct pop3_menu_cmd *c)
{
	size_t n = strcspn(shown, " ");
	const char *p = shown + n;
	unsigned long *args[] = { &c->num, &c->lines };

	for (size_t i = 0; i < n && i + 1 < sizeof c->verb; i++)
		c->verb[i] = (char)toupper((unsigned char)shown[i]);
	for (size_t a = 0; a < sizeof args / sizeof args[0]; a++) {
		uint64_t v;
		p += strspn(p, " ");
		if (decimal_scan(&p, ULONG_MAX, &v) == -1)
			return;                     /* none, or past what the field holds */
		*args[a] = (unsigned long)v;
		c->nargs++;
	}
}

static void
pm_on_command(void *st, const char *shown)
{
	struct pop3_menu *m = st;
	struct pop3_menu_cmd *c = &m->cmd;

	if (strcmp(shown, CLIENT_MASK) == 0)
		return;                         /* the answer to a "+ " challenge */
	memset(c, 0, sizeof *c);
	pm_parse_cmd(shown, c);
	c->multi = pop3_client_multiline(shown);
	if (m->fetch_line[0] != '\0' && strcmp(shown, m->fetch_line) == 0) {
		c->fetch = 1;
		m->fetch_sent = 1;
		m->fetch_line[0] = '\0';
	}
	if (strcmp(c->verb, "USER") == 0) {
		const char *arg = shown + strcspn(shown, " ");
		snprintf(m->pending, sizeof m->pending, "%s", arg + strspn(arg, " "));
	}
	m->in_body = 0;
}

/* 1 when the command is VERB with at least NARGS numbers. */
static int
pm_is(const struct pop3_menu *m, const char *verb, int nargs)
{
	return strcmp(m->cmd.verb, verb) == 0 && m->cmd.nargs >= nargs;
}

/* 1 when the reply's lines are a message (TOP n k, RETR n). */
static int
pm_is_message(const struct pop3_menu *m)
{
	return pm_is(m, "RETR", 1) || pm_is(m, "TOP", 2);
}

/* How many lines of the reply the transcript shows. */
static size_t
pm_shown(const struct pop3_menu *m)
{
	return m->cmd.fetch && pm_is_message(m) ? 0 : TUI_POP3_SHOWN_LINES;
}

/* The first line of a reply. */
static void
pm_status_line(struct pop3_menu *m, const char *line)
{
	m->status = pop3_client_status(line, NULL);
	if (m->status != POP3_STATUS_OK || !m->cmd.multi)
		return;
	m->in_body = 1;
	m->body_lines = 0;
	mailhdr_start(&m->hdr);
	if (pm_is(m, "LIST", 0) && m->cmd.nargs == 0)
		pop3_mailbox_list_begin(&m->mb);
	if (pm_is_message(m) && !m->cmd.fetch) {
		m->page_ready = 0;              /* a page not taken yet gives way */
		pop3_mailbox_text_reset(&m->text);
	}
}

/* One line of a multi-line reply (still stuffed). */
static void
pm_body_line(struct pop3_menu *m, const char *line)
{
	const char *text;

	pop3_client_unstuff(line, &text);
	m->body_lines++;
	if (pm_is(m, "LIST", 0) && m->cmd.nargs == 0) {
		pop3_mailbox_list_line(&m->mb, text);
	} else if (pm_is_message(m)) {
		mailhdr_line(&m->hdr, text);
		if (!m->cmd.fetch)
			pop3_mailbox_text_line(&m->text, text);
	}
}

/* The viewer's title for the message just received. */
static void
pm_page_title(struct pop3_menu *m, const struct mb_entry *e)
{
	char of[POP3_MENU_TEXT_MAX] = "", what[POP3_MENU_TEXT_MAX] = "", size[MB_SIZE_TEXT];
	const char *subject = e != NULL ? e->sum.subject : "";

	if (m->mb.listed)
		snprintf(of, sizeof of, " of %zu", pop3_mailbox_count(&m->mb));
	if (pm_is(m, "TOP", 2)) {
		snprintf(what, sizeof what, ", TOP: headers and %lu line%s", m->cmd.lines,
		         m->cmd.lines == 1 ? "" : "s");
	} else if (e != NULL && e->sized) {
		pop3_mailbox_size_text(e->size, size, sizeof size);
		snprintf(what, sizeof what, ", %s octets", size);
	}
	snprintf(m->page_title, sizeof m->page_title, "Message %lu%s%s: %s", m->cmd.num, of, what,
	         subject[0] ? subject : "(no Subject)");
}

/* A whole message (or its top) came: its headers for the list; the viewer's
 * page when the user asked for it. */
static void
pm_message_done(struct pop3_menu *m)
{
	struct mb_entry *e = pop3_mailbox_get(&m->mb, m->cmd.num, 1);

	if (e != NULL) {
		mailhdr_summary(&m->hdr, &e->sum);
		e->hdr = MB_HDR_OK;
	}
	if (m->cmd.fetch)
		return;
	if (m->text.dropped > 0) {
		char note[POP3_MENU_TEXT_MAX];
		snprintf(note, sizeof note, "[seal: %zu more lines not shown: the viewer keeps the "
		         "first %d MiB of a message]", m->text.dropped, TUI_POP3_VIEW_MAX / PM_MIB);
		m->text.dropped = 0;
		pop3_mailbox_text_line(&m->text, note);
	}
	pm_page_title(m, e);
	m->page_ready = 1;
}

/* The "." that ends a multi-line reply; NOTE says what was left out. */
static void
pm_body_end(struct pop3_menu *m, char *note, size_t notelen)
{
	size_t hidden = m->body_lines > pm_shown(m) ? m->body_lines - pm_shown(m) : 0;

	m->in_body = 0;
	if (pm_is(m, "LIST", 0) && m->cmd.nargs == 0) {
		m->mb.listed = 1;
		pop3_mailbox_list_end(&m->mb);
		if (m->mb.cut > 0) {            /* said once, with the LIST */
			snprintf(note, notelen, "(%zu more lines not shown here; the mailbox list "
			         "keeps %d messages: %zu more are not listed)", hidden,
			         TUI_POP3_LIST_MAX, m->mb.cut);
			return;
		}
	} else if (pm_is_message(m)) {
		pm_message_done(m);
	}
	if (hidden == 0)
		return;
	if (m->cmd.fetch && pm_is_message(m))
		snprintf(note, notelen, "(%zu header lines: From, Subject and Date go to the "
		         "mailbox list)", hidden);
	else if (pm_is_message(m))
		snprintf(note, notelen, "(%zu more lines not shown here: the whole text is in the "
		         "viewer)", hidden);
	else
		snprintf(note, notelen, "(%zu more lines not shown here)", hidden);
}

static int
pm_on_line(void *st, const char *line, char *note, size_t notelen)
{
	struct pop3_menu *m = st;

	if (notelen > 0)
		note[0] = '\0';
	if (!m->in_body) {
		pm_status_line(m, line);
		return 1;
	}
	if (strcmp(line, ".") == 0) {
		pm_body_end(m, note, notelen);
		return 1;
	}
	pm_body_line(m, line);
	return m->body_lines <= pm_shown(m);
}

/* A login went through: the mailbox is next. */
static void
pm_logged_in(struct pop3_menu *m)
{
	m->st = PM_TRANSACTION;
	memcpy(m->user, m->pending, sizeof m->user);
	m->want_list = 1;
	m->raise = 1;
}

/* The count of STAT's "+OK COUNT SIZE" (RFC 1939 drop listing; the size
 * may be missing), into *COUNT. 0, or -1. */
static int
pm_stat_count(const char *text, unsigned long *count)
{
	uint64_t v;

	if (decimal_scan(&text, ULONG_MAX, &v) == -1 || (*text != '\0' && *text != ' '))
		return -1;
	*count = (unsigned long)v;
	return 0;
}

/* What a whole reply (OK or not) to the command does in TRANSACTION. */
static void
pm_apply_txn(struct pop3_menu *m, const char *last)
{
	struct mb_entry *e;

	if (pm_is(m, "DELE", 1)) {
		pop3_mailbox_mark(&m->mb, m->cmd.num);
	} else if (pm_is(m, "RSET", 0)) {
		pop3_mailbox_unmark_all(&m->mb);
		pop3_mailbox_refetch_failed(&m->mb);          /* a TOP refused as deleted: again */
	} else if (pm_is(m, "STAT", 0)) {
		const char *text;
		pop3_client_status(last, &text);
		m->stat_known = pm_stat_count(text, &m->stat_count) == 0;
	} else if (pm_is(m, "LIST", 1) && (e = pop3_mailbox_get(&m->mb, m->cmd.num, 1)) != NULL) {
		const char *text;
		unsigned long num;
		pop3_client_status(last, &text);
		e->sized = pop3_mailbox_listing(text, &num, &e->size) == 0;
	}
}

/* What a whole reply does to the state. */
static void
pm_apply(struct pop3_menu *m, const char *last)
{
	int ok = m->status == POP3_STATUS_OK;

	if (m->st == PM_CONNECTED) {
		m->st = ok ? PM_AUTHORIZATION : PM_CLOSING;
	} else if (m->st != PM_TRANSACTION && pm_is(m, "USER", 0)) {
		m->st = ok ? PM_USER_OK : PM_AUTHORIZATION;
	} else if (m->st != PM_TRANSACTION && (pm_is(m, "PASS", 0) || pm_is(m, "AUTH", 0))) {
		if (ok)
			pm_logged_in(m);
		else
			m->st = PM_AUTHORIZATION;
		m->pending[0] = '\0';
	} else if (pm_is(m, "QUIT", 0) && ok) {
		m->st = PM_CLOSING;
	} else if (ok && m->st == PM_TRANSACTION) {
		pm_apply_txn(m, last);
	}
	if (!ok && m->cmd.fetch && pm_is_message(m)) {
		struct mb_entry *e = pop3_mailbox_get(&m->mb, m->cmd.num, 0);
		if (e != NULL)
			e->hdr = MB_HDR_FAILED;         /* not asked again */
	}
}

static void
pm_on_reply(void *st, const char *last)
{
	struct pop3_menu *m = st;

	if (strcmp(last, ".") != 0)
		m->status = pop3_client_status(last, NULL);
	if (m->status == POP3_STATUS_CONT)
		return;                             /* the SASL exchange goes on */
	if (m->cmd.fetch)
		m->fetch_sent = 0;
	pm_apply(m, last);
	memset(&m->cmd, 0, sizeof m->cmd);
	m->in_body = 0;
	pm_name_update(m);
}

/* The next line of the mailbox fetch into m->fetch_line: 1, or 0 when
 * there is nothing to fetch. */
static int
pm_next_fetch(struct pop3_menu *m)
{
	struct mb_entry *e;

	if (m->want_list) {
		m->want_list = 0;
		snprintf(m->fetch_line, sizeof m->fetch_line, "LIST");
		return 1;
	}
	if (!m->mb.listed || (e = pop3_mailbox_next_unfetched(&m->mb)) == NULL)
		return 0;
	snprintf(m->fetch_line, sizeof m->fetch_line, "TOP %lu 0", e->num);
	return 1;
}

static int
pm_follow_up(void *st, struct tui_queue *q)
{
	struct pop3_menu *m = st;

	if (m->st != PM_TRANSACTION || m->fetch_sent)
		return 0;
	if (m->fetch_line[0] != '\0') {
		if (tui_queue_len(q) > 0)
			return 0;                   /* still queued */
		/* else dropped with the queue after a refusal: queue it again */
	} else if (!pm_next_fetch(m)) {
		return 0;
	}
	return tui_queue_push(q, m->fetch_line, TQ_SOFT);
}

static void
pm_set_user(void *st, const char *user)
{
	struct pop3_menu *m = st;

	snprintf(m->pending, sizeof m->pending, "%s", user);
}

static unsigned
pm_state(const void *st)
{
	return 1u << ((const struct pop3_menu *)st)->st;
}

static const char *
pm_state_name(const void *st)
{
	return ((const struct pop3_menu *)st)->name;
}

static const char *
pm_user(const void *st)
{
	const struct pop3_menu *m = st;

	return m->user[0] ? m->user : NULL;
}

static int
pm_in_transaction(const void *st)
{
	const struct pop3_menu *m = st;

	return m->st == PM_TRANSACTION && pop3_mailbox_marked(&m->mb) > 0;
}

static const char *
pm_quit_question(const void *st)
{
	return ((const struct pop3_menu *)st)->question;
}

static const char *
pm_blocked(const void *st, int item)
{
	(void)st;
	(void)item;
	return NULL;                 /* POP3 has no state where a command would become text */
}

static const struct form_spec *
pm_form_for(const void *st, int item)
{
	(void)st;
	return item >= 0 && item < PMI_COUNT ? pm_items[item].form : NULL;
}

static void
pm_prefill(const void *st, int item, const struct tui_facts *facts, struct form *f)
{
	const struct pop3_menu *m = st;
	char num[PM_NUM_MAX + 1];

	if ((item == PMI_LOGIN || item == PMI_AUTH) && facts->user != NULL) {
		tui_form_set(f, 0, facts->user);
		f->focus = 1;
	}
	if ((item == PMI_RETR || item == PMI_TOP || item == PMI_DELE) && m->mb.sel < m->mb.n) {
		snprintf(num, sizeof num, "%lu", m->mb.e[m->mb.sel].num);
		tui_form_set(f, 0, num);
	}
	if (item == PMI_TOP) {
		snprintf(num, sizeof num, "%d", TUI_POP3_TOP_LINES);
		tui_form_set(f, 1, num);
	}
}

/* Field I of F as a number into *V: 1; 0 when empty and OPTIONAL; -1 with
 * a reason in ERR. */
static int
pm_number(const struct form *f, int i, int optional, unsigned long *v, char *err,
          size_t errlen)
{
	const char *s = tui_form_value(f, i);
	uint64_t num;
	size_t n;

	s += strspn(s, " ");
	n = strcspn(s, " ");
	if (n == 0 && optional)
		return 0;
	if (decimal_parse(s, n, ULONG_MAX, &num) == -1 || s[n + strspn(s + n, " ")] != '\0') {
		snprintf(err, errlen, "%s: give a number, like 1", f->spec->fields[i].label);
		return -1;
	}
	*v = (unsigned long)num;
	return 1;
}

/* "VERB" or "VERB n" from field 0 (required unless OPTIONAL). */
static int
pm_build_num(const struct form *f, const char *verb, int optional, struct tui_queue *q,
             char *err, size_t errlen)
{
	char line[PROTO_LINE_MAX];
	unsigned long n = 0;
	int rc = pm_number(f, 0, optional, &n, err, errlen);

	if (rc == -1)
		return -1;
	if (rc == 0)
		snprintf(line, sizeof line, "%s", verb);
	else
		snprintf(line, sizeof line, "%s %lu", verb, n);
	return tui_queue_push(q, line, 0);
}

static int
pm_build_top(const struct form *f, struct tui_queue *q, char *err, size_t errlen)
{
	char line[PROTO_LINE_MAX];
	unsigned long n, lines;

	if (pm_number(f, 0, 0, &n, err, errlen) == -1 || pm_number(f, 1, 0, &lines, err, errlen) == -1)
		return -1;
	snprintf(line, sizeof line, "TOP %lu %lu", n, lines);
	return tui_queue_push(q, line, 0);
}

/* User name of field 0: 0, or -1 with a reason. */
static int
pm_check_user(const struct form *f, char *err, size_t errlen)
{
	const char *user = tui_form_value(f, 0);

	if (user[0] == '\0' || strchr(user, ' ') != NULL) {
		snprintf(err, errlen, "User: give a user name (no spaces)");
		return -1;
	}
	return 0;
}

/* USER, then PASS; the PASS line is wiped once queued. */
static int
pm_build_login(struct pop3_menu *m, const struct form *f, struct tui_queue *q, char *err,
               size_t errlen)
{
	char line[PROTO_LINE_MAX];
	int rc;

	if (pm_check_user(f, err, errlen) == -1)
		return -1;
	snprintf(line, sizeof line, "USER %s", tui_form_value(f, 0));
	rc = tui_queue_push(q, line, 0);
	snprintf(line, sizeof line, "PASS %s", tui_form_value(f, 1));
	rc = rc ? rc : tui_queue_push(q, line, 0);
	explicit_bzero(line, sizeof line);
	snprintf(m->pending, sizeof m->pending, "%s", tui_form_value(f, 0));
	return rc;
}

/* AUTH PLAIN with the initial response (RFC 5034), wiped once queued. */
static int
pm_build_auth(struct pop3_menu *m, const struct form *f, struct tui_queue *q, char *err,
              size_t errlen)
{
	char line[PROTO_LINE_MAX];
	int rc;

	if (pm_check_user(f, err, errlen) == -1)
		return -1;
	if (proto_auth_plain(tui_form_value(f, 0), tui_form_value(f, 1), line, sizeof line) == -1) {
		snprintf(err, errlen, "user name or password too long");
		return -1;
	}
	rc = tui_queue_push(q, line, 0);
	explicit_bzero(line, sizeof line);
	snprintf(m->pending, sizeof m->pending, "%s", tui_form_value(f, 0));
	return rc;
}

/* Mailbox: LIST again (headers still missing are fetched after it), and
 * the view comes up. */
static int
pm_build_mailbox(struct pop3_menu *m, struct tui_queue *q)
{
	pop3_mailbox_refetch_failed(&m->mb);
	m->raise = 1;
	return tui_queue_push(q, "LIST", 0);
}

static int
pm_build(void *st, int item, const struct form *f, struct tui_queue *q, char *err,
         size_t errlen)
{
	struct pop3_menu *m = st;

	switch (item) {
	case PMI_LOGIN: return pm_build_login(m, f, q, err, errlen);
	case PMI_AUTH: return pm_build_auth(m, f, q, err, errlen);
	case PMI_MAILBOX: return pm_build_mailbox(m, q);
	case PMI_LIST: return pm_build_num(f, "LIST", 1, q, err, errlen);
	case PMI_UIDL: return pm_build_num(f, "UIDL", 1, q, err, errlen);
	case PMI_RETR: return pm_build_num(f, "RETR", 0, q, err, errlen);
	case PMI_DELE: return pm_build_num(f, "DELE", 0, q, err, errlen);
	case PMI_TOP: return pm_build_top(f, q, err, errlen);
	default:
		if (item < 0 || item >= PMI_COUNT)
			return -1;
		return tui_queue_push(q, pm_items[item].label, 0);
	}
}

static int
pm_prompt(void *st)
{
	(void)st;
	return MENU_NONE;
}

const struct tui_module pop3_menu_module = {
	.title          = "POP3",
	.wire           = &pop3_client_proto,
	.items          = pm_items,
	.nitems         = PMI_COUNT,
	.state_size     = sizeof(struct pop3_menu),
	.init           = pm_init,
	.on_command     = pm_on_command,
	.on_reply       = pm_on_reply,
	.set_user       = pm_set_user,
	.state          = pm_state,
	.state_name     = pm_state_name,
	.user           = pm_user,
	.in_transaction = pm_in_transaction,
	.blocked        = pm_blocked,
	.form_for       = pm_form_for,
	.prefill        = pm_prefill,
	.build          = pm_build,
	.prompt         = pm_prompt,
	.fini           = pm_fini,
	.on_line        = pm_on_line,
	.follow_up      = pm_follow_up,
	.quit_question  = pm_quit_question,
	.view           = &pop3_menu_view,
};
