/*
 * smtp_menu.c: the SMTP module of the TUI (see smtp_menu.h). The client's
 * idea of the session state follows the replies to what it sent (the
 * server stays the judge: an out-of-order command is sent anyway and its
 * 503 shown). Compose builds the whole transaction as queued lines with a
 * minimal RFC 5322 header. Pure; main thread.
 */
#include "smtp_menu.h"
#include "b64.h"
#include "smtp_client.h"
#include "tui_form.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define BIT(s)      (1u << SM_##s)
#define SM_TALKING  (BIT(GREETED) | BIT(READY) | BIT(AUTHED) | BIT(MAIL) | BIT(RCPT))
#define SM_CODE_GREETING   220
#define SM_CODE_BYE        221
#define SM_CODE_AUTH_OK    235
#define SM_CODE_CLOSING    421
#define SM_CLASS(code)     ((code) / 100)
#define SM_CLASS_OK        2
#define SM_CODE_FAIL       400
#define SM_RCPT_SEPS       ", ;\t"
#define SM_HEADER_FOLD     78          /* RFC 5322: fold header lines near here */
#define SM_DATE_MAX        64
#define SM_DOMAIN_CHARS    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
#define SM_SUBJECT_MAX     (TUI_FIELD_MAX * 2)

#define SM_AS_NAME(s) #s,
static const char *const sm_state_ids[] = { SMTP_MENU_STATES(SM_AS_NAME) };

static const char *const sm_state_names[SM_STATE_COUNT] = {
	[SM_CONNECTED] = "waiting for the greeting",
	[SM_GREETED]   = "greeted: say EHLO",
	[SM_READY]     = "ready: log in with AUTH",
	[SM_AUTHED]    = "authenticated",
	[SM_MAIL]      = "authenticated, in transaction",
	[SM_RCPT]      = "in transaction, recipients given",
	[SM_BODY]      = "server reads the message text",
	[SM_CLOSING]   = "closing",
};

static const struct field_spec sm_ehlo_fields[] = {
	{ "Domain", FIELD_TEXT, SMTP_MAX_HELO, "the name the client gives itself (EHLO also resets a transaction)" },
};
static const struct field_spec sm_auth_fields[] = {
	{ "User", FIELD_TEXT, USER_NAME_MAX, "AUTH PLAIN, inside TLS; the transcript shows the secret as " CLIENT_MASK },
	{ "Password", FIELD_SECRET, PASSWORD_MAX, "masked: never shown, never kept, wiped once sent" },
};
static const struct field_spec sm_mail_fields[] = {
	{ "From", FIELD_TEXT, SMTP_MAX_ADDRESS, "the envelope sender: MAIL FROM:<address>" },
};
static const struct field_spec sm_rcpt_fields[] = {
	{ "To", FIELD_TEXT, SMTP_MAX_ADDRESS, "one envelope recipient: RCPT TO:<address> (repeat for more)" },
};
static const struct field_spec sm_compose_fields[] = {
	{ "From", FIELD_TEXT, SMTP_MAX_ADDRESS, "the sender's address" },
	{ "To", FIELD_TEXT, TUI_FIELD_MAX, "recipients: separate several with commas" },
	{ "Subject", FIELD_TEXT, TUI_FIELD_MAX, NULL },
	{ "Message", FIELD_BODY, TUI_BODY_MAX, "the text; lines that start with '.' are dot-stuffed for you" },
};
static const struct field_spec sm_body_fields[] = {
	{ "Message", FIELD_BODY, TUI_BODY_MAX, "the message: headers, an empty line, the text ('.' is added)" },
};

#define SM_FORM(name, title) { title, name, (int)(sizeof name / sizeof name[0]) }
static const struct form_spec sm_ehlo_form = SM_FORM(sm_ehlo_fields, "EHLO: introduce the client");
static const struct form_spec sm_auth_form = SM_FORM(sm_auth_fields, "AUTH PLAIN: log in");
static const struct form_spec sm_mail_form = SM_FORM(sm_mail_fields, "MAIL FROM: start a transaction");
static const struct form_spec sm_rcpt_form = SM_FORM(sm_rcpt_fields, "RCPT TO: add a recipient");
static const struct form_spec sm_compose_form = SM_FORM(sm_compose_fields, "Compose a message");
static const struct form_spec sm_body_form = SM_FORM(sm_body_fields, "DATA: the message text");

static const struct menu_item sm_items[SMI_COUNT] = {
	[SMI_COMPOSE] = { 'c', "Compose", "write and send a message: MAIL, RCPT each, DATA, text, '.'",
	                 &sm_compose_form, BIT(AUTHED) },
	[SMI_EHLO] = { 'e', "EHLO", "introduce the client; the reply lists the extensions",
	              &sm_ehlo_form, SM_TALKING },
	[SMI_AUTH] = { 'a', "AUTH", "log in with AUTH PLAIN (password masked)", &sm_auth_form, BIT(READY) },
	[SMI_MAIL] = { 'm', "MAIL FROM", "start a transaction: the envelope sender",
	              &sm_mail_form, BIT(AUTHED) },
	[SMI_RCPT] = { 't', "RCPT TO", "add one envelope recipient", &sm_rcpt_form,
	              BIT(MAIL) | BIT(RCPT) },
	[SMI_DATA] = { 'd', "DATA", "send the message text (after MAIL and RCPT)", NULL,
	              BIT(RCPT) | BIT(BODY) },
	[SMI_RSET] = { 's', "RSET", "abandon the transaction", NULL, SM_TALKING },
	[SMI_NOOP] = { 'n', "NOOP", "nothing: the server answers 250", NULL, SM_TALKING },
	[SMI_HELP] = { 'h', "HELP", "the server's help text", NULL, SM_TALKING },
	[SMI_QUIT] = { 'x', "QUIT", "end the session politely (221), then reconnect with r", NULL,
	              SM_TALKING },
};

const char *
smtp_menu_state_id(enum smtp_menu_state s)
{
	return s < SM_STATE_COUNT ? sm_state_ids[s] : "?";
}

static void
sm_init(void *st)
{
	struct smtp_menu *m = st;

	memset(m, 0, sizeof *m);
	m->st = SM_CONNECTED;
}

static void
sm_on_command(void *st, const char *shown)
{
	struct smtp_menu *m = st;
	size_t n = strcspn(shown, " ");

	if (strcmp(shown, CLIENT_MASK) == 0)
		return;                        /* an answer to a 334 challenge */
	if (n >= sizeof m->verb)
		n = sizeof m->verb - 1;
	for (size_t i = 0; i < n; i++)
		m->verb[i] = (char)toupper((unsigned char)shown[i]);
	m->verb[n] = '\0';
}

/* The state a finished transaction (or RSET) leaves. */
static enum smtp_menu_state
sm_idle(const struct smtp_menu *m)
{
	if (m->st < SM_READY)
		return m->st;
	return m->authed ? SM_AUTHED : SM_READY;
}

/* Replies to commands that open or close a transaction. */
static void
sm_apply_txn(struct smtp_menu *m, int code)
{
	int ok = SM_CLASS(code) == SM_CLASS_OK;

	if (strcmp(m->verb, "MAIL") == 0 && ok) {
		m->st = SM_MAIL;
		m->rcpts = 0;
	} else if (strcmp(m->verb, "RCPT") == 0 && ok) {
		m->st = SM_RCPT;
		m->rcpts++;
	} else if (strcmp(m->verb, "DATA") == 0 && code == SMTP_CODE_DATA_GO) {
		m->st = SM_BODY;
		m->body_prompt = !m->composing;
	} else if (strcmp(m->verb, ".") == 0 || (strcmp(m->verb, "RSET") == 0 && ok)) {
		m->st = sm_idle(m);
		m->rcpts = 0;
		m->composing = 0;
	}
}

/* What a whole reply with CODE to m->verb does to the state. */
static void
sm_apply(struct smtp_menu *m, int code)
{
	int ok = SM_CLASS(code) == SM_CLASS_OK;

	if (code == SM_CODE_CLOSING) {
		m->st = SM_CLOSING;
	} else if (m->st == SM_CONNECTED) {
		m->st = code == SM_CODE_GREETING ? SM_GREETED : SM_CLOSING;
	} else if ((strcmp(m->verb, "EHLO") == 0 || strcmp(m->verb, "HELO") == 0) && ok) {
		m->st = m->authed ? SM_AUTHED : SM_READY;
		m->rcpts = 0;
	} else if (strcmp(m->verb, "AUTH") == 0) {
		if (code == SM_CODE_AUTH_OK) {
			m->authed = 1;
			memcpy(m->user, m->pending, sizeof m->user);
			m->st = SM_AUTHED;
		}
		if (code == SMTP_CODE_CHALLENGE)
			return;                /* the exchange goes on */
		m->pending[0] = '\0';
	} else if (strcmp(m->verb, "QUIT") == 0 && code == SM_CODE_BYE) {
		m->st = SM_CLOSING;
	} else {
		sm_apply_txn(m, code);
	}
	if (code >= SM_CODE_FAIL && strcmp(m->verb, "RCPT") != 0)
		m->composing = 0;
	m->verb[0] = '\0';
}

/* Keeps the domain the greeting names (RFC 5321 4.3.1: "220 DOMAIN ..."):
 * a submission server names its mail domain there, which a sender's
 * address needs when the URL's host is an address. */
static void
sm_note_greeting(struct smtp_menu *m, const char *text)
{
	size_t n = strcspn(text, " ");

	if (n == 0 || n >= sizeof m->domain || text[strspn(text, SM_DOMAIN_CHARS)] != text[n])
		return;
	memcpy(m->domain, text, n);
	m->domain[n] = '\0';
}

static void
sm_on_reply(void *st, const char *last)
{
	struct smtp_menu *m = st;
	const char *text;
	int code, more;

	if (smtp_client_parse(last, &code, &more, &text) == -1)
		code = 0;
	if (code == SM_CODE_GREETING && m->st == SM_CONNECTED)
		sm_note_greeting(m, text);
	sm_apply(st, code);
}

static void
sm_set_user(void *st, const char *user)
{
	struct smtp_menu *m = st;

	snprintf(m->pending, sizeof m->pending, "%s", user);
}

static unsigned
sm_state(const void *st)
{
	return 1u << ((const struct smtp_menu *)st)->st;
}

static const char *
sm_state_name(const void *st)
{
	return sm_state_names[((const struct smtp_menu *)st)->st];
}

static const char *
sm_user(const void *st)
{
	const struct smtp_menu *m = st;

	return m->authed ? m->user : NULL;
}

static int
sm_in_transaction(const void *st)
{
	enum smtp_menu_state s = ((const struct smtp_menu *)st)->st;

	return s == SM_MAIL || s == SM_RCPT || s == SM_BODY;
}

static const char *
sm_blocked(const void *st, int item)
{
	const struct smtp_menu *m = st;

	if (m->st == SM_BODY && item != SMI_DATA)
		return "the server is reading message text: finish it first (d)";
	return NULL;
}

static const struct form_spec *
sm_form_for(const void *st, int item)
{
	const struct smtp_menu *m = st;

	if (item < 0 || item >= SMI_COUNT)
		return NULL;
	if (item == SMI_DATA)
		return m->st == SM_BODY ? &sm_body_form : NULL;
	return sm_items[item].form;
}

/* "user@domain" (or the user when it has an '@') into OUT: the domain the
 * greeting named, else the URL's host. */
static void
sm_address_of(const struct smtp_menu *m, const struct tui_facts *facts, char *out, size_t len)
{
	out[0] = '\0';
	if (facts->user == NULL || facts->user[0] == '\0')
		return;
	if (strchr(facts->user, '@') != NULL)
		snprintf(out, len, "%s", facts->user);
	else
		snprintf(out, len, "%s@%s", facts->user, m->domain[0] ? m->domain : facts->host);
}

static void
sm_prefill(const void *st, int item, const struct tui_facts *facts, struct form *f)
{
	char addr[SMTP_MAX_ADDRESS + 1];

	sm_address_of(st, facts, addr, sizeof addr);
	if (item == SMI_EHLO) {
		tui_form_set(f, 0, CLIENT_EHLO_NAME);
	} else if (item == SMI_AUTH && facts->user != NULL) {
		tui_form_set(f, 0, facts->user);
		f->focus = 1;
	} else if ((item == SMI_MAIL || item == SMI_COMPOSE) && addr[0] != '\0') {
		tui_form_set(f, 0, addr);
		f->focus = item == SMI_COMPOSE;
	}
}

/* S without surrounding blanks and angle brackets, into OUT. 0, or -1 when
 * it does not fit. */
static int
sm_addr(const char *s, size_t n, char *out, size_t len)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	if (n >= len)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Pushes "PREFIX<address>" with the address taken from the form's field 0. */
static int
sm_push_path(const struct form *f, const char *prefix, struct tui_queue *q, char *err,
             size_t errlen)
{
	char addr[SMTP_MAX_ADDRESS + 1], line[PROTO_LINE_MAX];
	const char *v = tui_form_value(f, 0);

	if (sm_addr(v, strlen(v), addr, sizeof addr) == -1) {
		snprintf(err, errlen, "address too long");
		return -1;
	}
	snprintf(line, sizeof line, "%s<%s>", prefix, addr);
	return tui_queue_push(q, line, 0);
}

static int
sm_build_auth(struct smtp_menu *m, const struct form *f, struct tui_queue *q, char *err,
              size_t errlen)
{
	char line[PROTO_LINE_MAX];
	const char *user = tui_form_value(f, 0);
	int rc;

	if (user[0] == '\0') {
		snprintf(err, errlen, "User: give a user name");
		return -1;
	}
	if (proto_auth_plain(user, tui_form_value(f, 1), line, sizeof line) == -1) {
		snprintf(err, errlen, "user name or password too long");
		return -1;
	}
	rc = tui_queue_push(q, line, 0);
	explicit_bzero(line, sizeof line);
	snprintf(m->pending, sizeof m->pending, "%s", user);
	return rc;
}

/* The lines of BODY, dot-stuffed (RFC 5321 4.5.2), then "." when END. */
static int
sm_push_text(const char *body, struct tui_queue *q, int end)
{
	char line[TUI_BODY_MAX + 2];
	size_t n = strlen(body);
	int rc = 0;

	if (n > 0 && body[n - 1] == '\n')
		n--;                              /* the editor's last newline ends the text */
	for (size_t pos = 0; n > 0 && pos <= n && rc == 0;) {
		size_t l = strcspn(body + pos, "\n");
		size_t take = pos + l > n ? n - pos : l;
		if (take > 0 && body[pos + take - 1] == '\r')
			take--;
		snprintf(line, sizeof line, "%s%.*s", body[pos] == '.' ? "." : "", (int)take,
		         body + pos);
		rc = tui_queue_push(q, line, 0);
		pos += l + 1;
	}
	if (rc == 0 && end)
		rc = tui_queue_push(q, ".", 0);
	return rc;
}

/* RFC 5322 date of now, in English whatever the locale. */
static void
sm_date(char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL) {
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
	         tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	         tm.tm_sec);
}

/* "Subject: ..." with non-ASCII text as one RFC 2047 encoded word. */
static void
sm_subject(const char *s, char *out, size_t len)
{
	char enc[SM_SUBJECT_MAX];
	int ascii = 1;

	for (const char *p = s; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	if (ascii || b64_encode(s, strlen(s), enc, sizeof enc) == -1)
		snprintf(out, len, "Subject: %s", s);
	else
		snprintf(out, len, "Subject: =?UTF-8?B?%s?=", enc);
}

/* Counts the recipients of TO and checks each fits. -1 with ERR. */
static int
sm_rcpt_count(const char *to, char *err, size_t errlen)
{
	char addr[SMTP_MAX_ADDRESS + 1];
	int n = 0;

	for (const char *p = to; *p;) {
		size_t l = strcspn(p, SM_RCPT_SEPS);
		if (l > 0 && sm_addr(p, l, addr, sizeof addr) == -1) {
			snprintf(err, errlen, "To: address too long: %.40s...", p);
			return -1;
		}
		n += l > 0;
		p += l + strspn(p + l, SM_RCPT_SEPS);
	}
	if (n == 0)
		snprintf(err, errlen, "To: give at least one recipient");
	else if (n > TUI_RCPT_MAX)
		snprintf(err, errlen, "To: at most %d recipients", TUI_RCPT_MAX);
	return n == 0 || n > TUI_RCPT_MAX ? -1 : n;
}

/* Appends ADDR to the To: header being built in HDR, folding long lines. */
static void
sm_to_append(char *hdr, size_t hlen, const char *addr)
{
	size_t used = strlen(hdr);
	const char *lf = strrchr(hdr, '\n');
	size_t col = lf ? used - (size_t)(lf + 1 - hdr) : used;
	const char *sep = ", ";

	if (strcmp(hdr, "To: ") == 0)
		sep = "";
	else if (col + strlen(sep) + strlen(addr) > SM_HEADER_FOLD)
		sep = ",\n ";
	snprintf(hdr + used, hlen - used, "%s%s", sep, addr);
}

/* "RCPT TO:<a>" for each recipient (soft: one refusal does not stop the
 * rest), and the To: header into HDR. */
static int
sm_push_rcpts(const char *to, struct tui_queue *q, char *hdr, size_t hlen)
{
	char addr[SMTP_MAX_ADDRESS + 1], line[PROTO_LINE_MAX];
	int rc = 0;

	snprintf(hdr, hlen, "To: ");
	for (const char *p = to; *p && rc == 0;) {
		size_t l = strcspn(p, SM_RCPT_SEPS);
		if (l > 0 && sm_addr(p, l, addr, sizeof addr) == 0) {
			snprintf(line, sizeof line, "RCPT TO:<%s>", addr);
			rc = tui_queue_push(q, line, TQ_SOFT);
			sm_to_append(hdr, hlen, addr);
		}
		p += l + strspn(p + l, SM_RCPT_SEPS);
	}
	return rc;
}

/* Pushes each line of the header block TEXT ('\n'-separated). */
static int
sm_push_lines(const char *text, struct tui_queue *q)
{
	char line[PROTO_LINE_MAX];
	int rc = 0;

	for (const char *p = text; *p && rc == 0;) {
		size_t l = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)l, p);
		rc = tui_queue_push(q, line, 0);
		p += l + (p[l] == '\n');
	}
	return rc;
}

/* The header section of a composed message. */
static int
sm_push_headers(const char *from, const char *to_hdr, const char *subject, struct tui_queue *q)
{
	char line[PROTO_LINE_MAX], date[SM_DATE_MAX];
	int rc;

	sm_date(date, sizeof date);
	snprintf(line, sizeof line, "From: %s", from);
	rc = tui_queue_push(q, line, 0);
	rc = rc ? rc : sm_push_lines(to_hdr, q);
	sm_subject(subject, line, sizeof line);
	rc = rc ? rc : tui_queue_push(q, line, 0);
	snprintf(line, sizeof line, "Date: %s", date);
	rc = rc ? rc : tui_queue_push(q, line, 0);
	rc = rc ? rc : tui_queue_push(q, "MIME-Version: 1.0", 0);
	rc = rc ? rc : tui_queue_push(q, "Content-Type: text/plain; charset=utf-8", 0);
	rc = rc ? rc : tui_queue_push(q, "Content-Transfer-Encoding: 8bit", 0);
	return rc ? rc : tui_queue_push(q, "", 0);
}

static int
sm_build_compose(struct smtp_menu *m, const struct form *f, struct tui_queue *q, char *err,
                 size_t errlen)
{
	char from[SMTP_MAX_ADDRESS + 1], line[PROTO_LINE_MAX], to_hdr[PROTO_LINE_MAX * 4];
	const char *v = tui_form_value(f, 0);
	int rc;

	if (sm_addr(v, strlen(v), from, sizeof from) == -1 || from[0] == '\0') {
		snprintf(err, errlen, "From: give the sender's address");
		return -1;
	}
	if (sm_rcpt_count(tui_form_value(f, 1), err, errlen) == -1)
		return -1;
	snprintf(line, sizeof line, "MAIL FROM:<%s>", from);
	rc = tui_queue_push(q, line, 0);
	rc = rc ? rc : sm_push_rcpts(tui_form_value(f, 1), q, to_hdr, sizeof to_hdr);
	rc = rc ? rc : tui_queue_push(q, "DATA", 0);
	rc = rc ? rc : sm_push_headers(from, to_hdr, tui_form_value(f, 2), q);
	rc = rc ? rc : sm_push_text(tui_form_value(f, 3), q, 1);
	if (rc == 0)
		m->composing = 1;
	return rc;
}

static int
sm_build(void *st, int item, const struct form *f, struct tui_queue *q, char *err,
         size_t errlen)
{
	struct smtp_menu *m = st;
	char line[PROTO_LINE_MAX];

	switch (item) {
	case SMI_COMPOSE: return sm_build_compose(m, f, q, err, errlen);
	case SMI_AUTH: return sm_build_auth(m, f, q, err, errlen);
	case SMI_MAIL: return sm_push_path(f, "MAIL FROM:", q, err, errlen);
	case SMI_RCPT: return sm_push_path(f, "RCPT TO:", q, err, errlen);
	case SMI_EHLO:
		snprintf(line, sizeof line, "EHLO %s",
		         tui_form_value(f, 0)[0] ? tui_form_value(f, 0) : CLIENT_EHLO_NAME);
		return tui_queue_push(q, line, 0);
	case SMI_DATA:
		if (f != NULL)
			return sm_push_text(tui_form_value(f, 0), q, 1);
		return tui_queue_push(q, "DATA", 0);
	default:
		if (item < 0 || item >= SMI_COUNT)
			return -1;
		return tui_queue_push(q, sm_items[item].label, 0);
	}
}

static int
sm_prompt(void *st)
{
	struct smtp_menu *m = st;

	if (!m->body_prompt)
		return MENU_NONE;
	m->body_prompt = 0;
	return SMI_DATA;
}

const struct tui_module smtp_menu_module = {
	.title          = "SMTP",
	.wire           = &smtp_client_proto,
	.items          = sm_items,
	.nitems         = SMI_COUNT,
	.state_size     = sizeof(struct smtp_menu),
	.init           = sm_init,
	.on_command     = sm_on_command,
	.on_reply       = sm_on_reply,
	.set_user       = sm_set_user,
	.state          = sm_state,
	.state_name     = sm_state_name,
	.user           = sm_user,
	.in_transaction = sm_in_transaction,
	.blocked        = sm_blocked,
	.form_for       = sm_form_for,
	.prefill        = sm_prefill,
	.build          = sm_build,
	.prompt         = sm_prompt,
};
