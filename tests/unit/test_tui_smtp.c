/* test_tui_smtp.c: the TUI's SMTP module: the state names through a whole
 * session, which menu items are greyed in which state, the lines each item
 * sends (Compose: MAIL, each RCPT soft, DATA, headers, the dot-stuffed text,
 * "."), AUTH's secret never in clear in what is shown, the body form after
 * a DATA from the menu, and the queue those lines go through. */
#include "unit.h"
#include "smtp_client.h"
#include "smtp_menu.h"
#include "tui_form.h"
#include "tui_menu.h"

static const struct tui_module *M = &smtp_menu_module;

/* Sends SHOWN (as the connection does) and feeds REPLY's last line. */
static void
say(struct smtp_menu *m, const char *shown, const char *reply)
{
	if (shown != NULL)
		M->on_command(m, shown);
	M->on_reply(m, reply);
}

UNIT_TEST(tui_smtp_states_through_a_session)
{
	struct smtp_menu m;

	M->init(&m);
	CHECK_STR(M->state_name(&m), "waiting for the greeting");
	say(&m, NULL, "220 localhost ESMTP sealed");
	CHECK_STR(smtp_menu_state_id(m.st), "GREETED");
	say(&m, "EHLO seal", "250 HELP");
	CHECK_STR(smtp_menu_state_id(m.st), "READY");
	CHECK(M->user(&m) == NULL);
	M->set_user(&m, "alice");
	say(&m, "AUTH PLAIN ********", "535 5.7.8 Authentication failed");
	CHECK(M->user(&m) == NULL);
	M->set_user(&m, "alice");
	say(&m, "AUTH PLAIN ********", "235 2.7.0 Authentication successful");
	CHECK_STR(M->user(&m), "alice");
	CHECK_STR(M->state_name(&m), "authenticated");
	CHECK(!M->in_transaction(&m));
	say(&m, "MAIL FROM:<alice@localhost>", "250 2.1.0 OK");
	CHECK_STR(M->state_name(&m), "authenticated, in transaction");
	CHECK(M->in_transaction(&m));
	say(&m, "RCPT TO:<nobody@elsewhere>", "550 5.7.1 Relaying denied");
	CHECK_STR(smtp_menu_state_id(m.st), "MAIL");
	say(&m, "RCPT TO:<bob@localhost>", "250 2.1.5 OK");
	CHECK_STR(smtp_menu_state_id(m.st), "RCPT");
	say(&m, "DATA", "354 End data with <CR><LF>.<CR><LF>");
	CHECK_STR(smtp_menu_state_id(m.st), "BODY");
	say(&m, ".", "250 2.0.0 OK queued");
	CHECK_STR(smtp_menu_state_id(m.st), "AUTHED");
	say(&m, "QUIT", "221 2.0.0 Bye");
	CHECK_STR(M->state_name(&m), "closing");
}

UNIT_TEST(tui_smtp_server_421_and_rset)
{
	struct smtp_menu m;

	M->init(&m);
	say(&m, NULL, "220 hi");
	say(&m, "EHLO seal", "250 ok");
	say(&m, "MAIL FROM:<a@b>", "530 5.7.0 Authentication required");
	CHECK_STR(smtp_menu_state_id(m.st), "READY");
	M->on_reply(&m, "421 4.3.2 localhost Service shutting down");   /* unasked */
	CHECK_STR(smtp_menu_state_id(m.st), "CLOSING");
	M->init(&m);
	say(&m, NULL, "220 hi");
	say(&m, "EHLO seal", "250 ok");
	M->set_user(&m, "bob");
	say(&m, "AUTH PLAIN ********", "235 ok");
	say(&m, "MAIL FROM:<bob@localhost>", "250 ok");
	say(&m, "rset", "250 ok");
	CHECK_STR(smtp_menu_state_id(m.st), "AUTHED");
}

UNIT_TEST(tui_smtp_menu_greys_out_of_order)
{
	struct smtp_menu m;

	M->init(&m);
	say(&m, NULL, "220 hi");
	CHECK(tui_menu_in_order(M, SMI_EHLO, M->state(&m)));
	CHECK(!tui_menu_in_order(M, SMI_AUTH, M->state(&m)));
	say(&m, "EHLO seal", "250 ok");
	CHECK(tui_menu_in_order(M, SMI_AUTH, M->state(&m)));
	CHECK(!tui_menu_in_order(M, SMI_MAIL, M->state(&m)));
	CHECK(!tui_menu_in_order(M, SMI_COMPOSE, M->state(&m)));
	M->set_user(&m, "alice");
	say(&m, "AUTH PLAIN ********", "235 ok");
	CHECK(tui_menu_in_order(M, SMI_COMPOSE, M->state(&m)));
	CHECK(tui_menu_in_order(M, SMI_MAIL, M->state(&m)));
	CHECK(!tui_menu_in_order(M, SMI_RCPT, M->state(&m)));
	CHECK(!tui_menu_in_order(M, SMI_DATA, M->state(&m)));
	CHECK(!tui_menu_in_order(M, SMI_AUTH, M->state(&m)));
	CHECK(tui_menu_in_order(M, SMI_NOOP, M->state(&m)));
	CHECK(M->blocked(&m, SMI_RCPT) == NULL);           /* greyed, yet allowed */
	CHECK_INT(tui_menu_find_hotkey(M, 'c'), SMI_COMPOSE);
	CHECK_INT(tui_menu_find_hotkey(M, 't'), SMI_RCPT);
	CHECK_INT(tui_menu_find_hotkey(M, 'q'), MENU_NONE);   /* q, r, v stay the TUI's own */
	CHECK_INT(tui_menu_find_hotkey(M, 'r'), MENU_NONE);
	CHECK_INT(tui_menu_find_hotkey(M, 'v'), MENU_NONE);
}

/* The queue's lines joined by '|', into BUF. */
static const char *
drain(struct tui_queue *q, char *buf, size_t len, unsigned *soft)
{
	struct tq_item it;

	buf[0] = '\0';
	*soft = 0;
	for (int i = 0; tui_queue_pop(q, &it); i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", used ? "|" : "", it.line);
		if (it.flags & TQ_SOFT)
			*soft |= 1u << i;
		tui_queue_item_free(&it);
	}
	return buf;
}

UNIT_TEST(tui_smtp_compose_builds_the_transaction)
{
	struct smtp_menu m;
	struct form f;
	struct tui_queue q = { 0 };
	char err[FORM_ERR_MAX], out[4096];
	unsigned soft;

	M->init(&m);
	CHECK_INT(tui_form_open(&f, M->form_for(&m, SMI_COMPOSE), SMI_COMPOSE), 0);
	struct tui_facts facts = { .user = "alice", .host = "localhost" };
	M->prefill(&m, SMI_COMPOSE, &facts, &f);
	CHECK_STR(tui_form_value(&f, 0), "alice@localhost");
	CHECK_INT(f.focus, 1);
	CHECK_INT(M->build(&m, SMI_COMPOSE, &f, &q, err, sizeof err), -1);
	CHECK_STR(err, "To: give at least one recipient");
	tui_form_set(&f, 1, " <bob@localhost>, carol@localhost;dave@localhost ");
	tui_form_set(&f, 2, "Hi");
	tui_form_set(&f, 3, "line one\n.starts with a dot\n\nlast\n");
	CHECK_INT(M->build(&m, SMI_COMPOSE, &f, &q, err, sizeof err), 0);
	drain(&q, out, sizeof out, &soft);
	CHECK(strncmp(out, "MAIL FROM:<alice@localhost>|RCPT TO:<bob@localhost>|"
	              "RCPT TO:<carol@localhost>|RCPT TO:<dave@localhost>|DATA|"
	              "From: alice@localhost|To: bob@localhost, carol@localhost, dave@localhost|"
	              "Subject: Hi|Date: ", strlen("MAIL FROM:<alice@localhost>|RCPT TO:<bob@localhost>|"
	              "RCPT TO:<carol@localhost>|RCPT TO:<dave@localhost>|DATA|"
	              "From: alice@localhost|To: bob@localhost, carol@localhost, dave@localhost|"
	              "Subject: Hi|Date: ")) == 0);
	CHECK(strstr(out, "|Content-Type: text/plain; charset=utf-8|") != NULL);
	const char *tail = "||line one|..starts with a dot||last|.";
	CHECK(strlen(out) > strlen(tail) && strcmp(out + strlen(out) - strlen(tail), tail) == 0);
	CHECK_INT(soft, 0xEu);                         /* the three RCPTs, nothing else */
	CHECK(m.composing);
	tui_form_close(&f);
	tui_queue_free(&q);
}

UNIT_TEST(tui_smtp_subject_encoding_and_folding)
{
	struct smtp_menu m;
	struct form f;
	struct tui_queue q = { 0 };
	char err[FORM_ERR_MAX], out[8192], to[TUI_FIELD_MAX];
	unsigned soft;

	M->init(&m);
	CHECK_INT(tui_form_open(&f, M->form_for(&m, SMI_COMPOSE), SMI_COMPOSE), 0);
	to[0] = '\0';
	for (int i = 0; i < 8; i++)
		snprintf(to + strlen(to), sizeof to - strlen(to), "%suser%d@localhost", i ? "," : "", i);
	tui_form_set(&f, 0, "a@localhost");
	tui_form_set(&f, 1, to);
	tui_form_set(&f, 2, "\xc3\xa9t\xc3\xa9");
	CHECK_INT(M->build(&m, SMI_COMPOSE, &f, &q, err, sizeof err), 0);
	drain(&q, out, sizeof out, &soft);
	CHECK(strstr(out, "|Subject: =?UTF-8?B?w6l0w6k=?=|") != NULL);
	CHECK(strstr(out, "localhost,| user") != NULL); /* the To: header is folded */
	tui_form_close(&f);
	tui_queue_free(&q);
}

UNIT_TEST(tui_smtp_auth_line_is_masked_and_data_asks_for_text)
{
	struct smtp_menu m;
	struct smtp_client wire;
	struct form f;
	struct tui_queue q = { 0 };
	struct tq_item it;
	char err[FORM_ERR_MAX];
	const char *shown;

	M->init(&m);
	smtp_client_proto.init(&wire);
	CHECK_INT(tui_form_open(&f, M->form_for(&m, SMI_AUTH), SMI_AUTH), 0);
	CHECK_INT(f.f[1].spec->kind, FIELD_SECRET);
	tui_form_set(&f, 0, "alice");
	tui_form_set(&f, 1, "alice-Secret-1");
	CHECK_INT(M->build(&m, SMI_AUTH, &f, &q, err, sizeof err), 0);
	tui_form_close(&f);
	CHECK(tui_queue_pop(&q, &it));
	CHECK(strncmp(it.line, "AUTH PLAIN ", 11) == 0);
	smtp_client_proto.command(&wire, it.line, &shown);
	CHECK_STR(shown, "AUTH PLAIN " CLIENT_MASK);
	tui_queue_item_free(&it);
	CHECK(M->form_for(&m, SMI_DATA) == NULL);       /* DATA goes at once */
	say(&m, NULL, "220 hi");
	m.st = SM_RCPT;
	CHECK_INT(M->build(&m, SMI_DATA, NULL, &q, err, sizeof err), 0);
	say(&m, "DATA", "354 go ahead");
	CHECK_INT(M->prompt(&m), SMI_DATA);
	CHECK_INT(M->prompt(&m), MENU_NONE);            /* asked once */
	CHECK(M->blocked(&m, SMI_NOOP) != NULL);        /* it would become message text */
	const struct form_spec *body = M->form_for(&m, SMI_DATA);
	CHECK(body != NULL && body->fields[0].kind == FIELD_BODY);
	CHECK_INT(tui_form_open(&f, body, SMI_DATA), 0);
	tui_form_set(&f, 0, "Subject: x\n\n.hidden");
	tui_queue_clear(&q);
	CHECK_INT(M->build(&m, SMI_DATA, &f, &q, err, sizeof err), 0);
	char out[256];
	unsigned soft;
	CHECK_STR(drain(&q, out, sizeof out, &soft), "Subject: x||..hidden|.");
	tui_form_close(&f);
	tui_queue_free(&q);
}

UNIT_TEST(tui_queue_order_and_wipe)
{
	struct tui_queue q = { 0 };
	struct tq_item it;
	char line[16];

	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof line, "L%d", i);
		CHECK_INT(tui_queue_push(&q, line, i == 3 ? TQ_SOFT : 0), 0);
		if (i % 3 == 0 && tui_queue_pop(&q, &it))
			tui_queue_item_free(&it);
	}
	CHECK_INT(tui_queue_len(&q), 26);
	CHECK(tui_queue_pop(&q, &it));
	CHECK_STR(it.line, "L14");
	tui_queue_item_free(&it);
	CHECK(it.line == NULL);
	tui_queue_clear(&q);
	CHECK_INT(tui_queue_len(&q), 0);
	CHECK(!tui_queue_pop(&q, &it));
	tui_queue_free(&q);
}

/* A sender's address takes the domain the greeting names: a URL by address
 * (smtps://127.0.0.1) would give alice@127.0.0.1, which sealed refuses. */
UNIT_TEST(tui_smtp_sender_takes_the_greetings_domain)
{
	struct smtp_menu m;
	struct form f;
	struct tui_facts facts = { .user = "alice", .host = "127.0.0.1" };

	M->init(&m);
	CHECK_INT(tui_form_open(&f, M->form_for(&m, SMI_MAIL), SMI_MAIL), 0);
	M->prefill(&m, SMI_MAIL, &facts, &f);
	CHECK_STR(tui_form_value(&f, 0), "alice@127.0.0.1");          /* no greeting yet */
	M->on_reply(&m, "220 mail.example.org ESMTP sealed");
	M->prefill(&m, SMI_MAIL, &facts, &f);
	CHECK_STR(tui_form_value(&f, 0), "alice@mail.example.org");
	M->init(&m);
	M->on_reply(&m, "220 \x1b[2J ESMTP");                     /* no domain: the host */
	M->prefill(&m, SMI_MAIL, &facts, &f);
	CHECK_STR(tui_form_value(&f, 0), "alice@127.0.0.1");
	tui_form_close(&f);
}
