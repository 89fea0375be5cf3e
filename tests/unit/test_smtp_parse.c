/* test_smtp_parse.c: SMTP verbs, paths and parameters, AUTH decoding, redaction. */
#include "unit.h"
#include "smtp_parse.h"

UNIT_TEST(smtp_verb_upcases_and_splits_args)
{
	char line[] = "mail FROM:<a@b>  SIZE=10", verb[16], *args;
	CHECK(smtp_parse_verb(line, verb, sizeof verb, &args) == 0);
	CHECK_STR(verb, "MAIL");
	CHECK_STR(args, "FROM:<a@b>  SIZE=10");
	char noargs[] = "QUIT";
	CHECK(smtp_parse_verb(noargs, verb, sizeof verb, &args) == 0);
	CHECK_STR(args, "");
	char empty[] = " NOOP";
	CHECK(smtp_parse_verb(empty, verb, sizeof verb, &args) == -1);
	char longverb[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	CHECK(smtp_parse_verb(longverb, verb, sizeof verb, &args) == -1);
}

UNIT_TEST(smtp_path_with_params)
{
	struct smtp_path p;
	CHECK(smtp_parse_path("FROM:<alice@localhost> SIZE=1234 BODY=8BITMIME", "FROM:", &p) == 0);
	CHECK_STR(p.addr, "alice@localhost");
	CHECK_INT(p.size, 1234);
	CHECK_INT(p.bad_param, 0);
	CHECK(smtp_parse_path("from: <> ", "FROM:", &p) == 0);
	CHECK_STR(p.addr, "");
	CHECK(smtp_parse_path("TO:<bob@localhost> FOO=1", "TO:", &p) == 0);
	CHECK_INT(p.bad_param, 1);
	CHECK(smtp_parse_path("FROM:<a@b> SIZE=-1", "FROM:", &p) == 0);
	CHECK_INT(p.bad_param, 1);
	CHECK(smtp_parse_path("FROM:<a@b> SIZE=99999999999999999999999", "FROM:", &p) == 0);
	CHECK_INT(p.bad_param, 1);
}

UNIT_TEST(smtp_path_syntax_errors)
{
	struct smtp_path p;
	CHECK(smtp_parse_path("FROM:alice@localhost", "FROM:", &p) == -1);
	CHECK(smtp_parse_path("FROM:<alice@localhost", "FROM:", &p) == -1);
	CHECK(smtp_parse_path("TO:<a b@c>", "TO:", &p) == -1);
	CHECK(smtp_parse_path("FROM:<a@b>", "TO:", &p) == -1);
	CHECK(smtp_parse_path("FROM:<a@b>x", "FROM:", &p) == -1);
	char big[400];
	memset(big, 'a', sizeof big);
	memcpy(big, "TO:<", 4);
	big[sizeof big - 2] = '>';
	big[sizeof big - 1] = '\0';
	CHECK(smtp_parse_path(big, "TO:", &p) == -1);
}

UNIT_TEST(smtp_split_address_parts)
{
	char l[65], d[257];
	CHECK(smtp_split_address("bob@localhost", l, sizeof l, d, sizeof d) == 0);
	CHECK_STR(l, "bob");
	CHECK_STR(d, "localhost");
	CHECK(smtp_split_address("bob", l, sizeof l, d, sizeof d) == -1);
	CHECK(smtp_split_address("@x", l, sizeof l, d, sizeof d) == -1);
	CHECK(smtp_split_address("x@", l, sizeof l, d, sizeof d) == -1);
}

UNIT_TEST(smtp_header_names)
{
	CHECK(smtp_header_is("Message-ID: <x@y>", "Message-ID"));
	CHECK(smtp_header_is("message-id:<x@y>", "Message-ID"));
	CHECK(!smtp_header_is("Message-IDs: x", "Message-ID"));
	CHECK(!smtp_header_is("Dated: x", "Date"));
}

UNIT_TEST(smtp_redacts_auth_payloads)
{
	char out[128];
	smtp_redact_auth("AUTH PLAIN AGFsaWNlAHNlY3JldA==", out, sizeof out);
	CHECK_STR(out, "AUTH PLAIN ********");
	smtp_redact_auth("auth login YWxpY2U=", out, sizeof out);
	CHECK_STR(out, "auth login ********");
	smtp_redact_auth("AUTH PLAIN", out, sizeof out);
	CHECK_STR(out, "AUTH PLAIN");
	smtp_redact_auth("MAIL FROM:<a@b>", out, sizeof out);
	CHECK_STR(out, "MAIL FROM:<a@b>");
}

UNIT_TEST(smtp_redacts_auth_after_any_separator)
{
	static const char *const in[][2] = {
		{ "AUTH\tPLAIN\tAGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "AUTH PLAIN\tAGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "auth\tlogin YWxpY2U=", "auth login ********" },
		{ "Auth  Plain  AGFsaWNlAHNlY3JldA==", "Auth Plain ********" },
		{ "AUTH\x0cPLAIN\x01AGFsaWNlAHNlY3JldA==", "AUTH PLAIN ********" },
		{ "AUTH\tAGFsaWNlAHNlY3JldA==", "AUTH ********" },   /* not a mechanism name */
		{ "AUTH\tLOGIN", "AUTH LOGIN" },
		{ "AUTH\t", "AUTH ********" },
		{ "AUTH PLAIN \x08", "AUTH PLAIN ********" },          /* decoded, so secret */
		{ "AUTHX PLAIN x", "AUTHX PLAIN x" },
		{ "EHLO\tx", "EHLO\tx" },
	};
	char out[128];

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		smtp_redact_auth(in[i][0], out, sizeof out);
		CHECK_STR(out, in[i][1]);
	}
}

/* Issue 12, item 8: EHLO/HELO take a Domain or an address-literal (RFC 5321
 * 4.1.1.1, 4.1.3), nothing else: the name goes into our Received: header. */
UNIT_TEST(smtp_helo_takes_the_names_real_clients_send)
{
	CHECK(smtp_valid_helo("seal"));                  /* seal */
	CHECK(smtp_valid_helo("seal-load"));             /* seal-load */
	CHECK(smtp_valid_helo("vm"));                    /* curl: gethostname() */
	CHECK(smtp_valid_helo("[127.0.0.1]"));           /* smtplib without a dotted FQDN */
	CHECK(smtp_valid_helo("mail.example.org"));      /* smtplib: socket.getfqdn() */
	CHECK(smtp_valid_helo("1.0.0.127.in-addr.arpa"));
	CHECK(smtp_valid_helo("xn--bcher-kva.example"));
	CHECK(smtp_valid_helo("A1-b2.C3"));
	CHECK(smtp_valid_helo("my_msg.eml"));            /* curl -T my_msg.eml, no URL path */
	CHECK(!smtp_valid_domain("under_score"));        /* only EHLO names take '_' */
	CHECK(smtp_valid_helo("[IPv6:::1]"));
	CHECK(smtp_valid_helo("[ipv6:2001:db8::1]"));    /* the tag in any case */
	CHECK(smtp_valid_helo("[IPv6:::ffff:192.0.2.1]"));
	CHECK(smtp_valid_helo("[x-tag:any!printable~text]"));  /* General-address-literal */
}

UNIT_TEST(smtp_helo_refuses_what_is_no_domain_nor_literal)
{
	static const char *const bad[] = {
		"", "a\rb", "evil\r\nReceived: from forged", "a\x1b[31m", "a b", "a\tb",
		"-lead", "trail-", "a..b", ".a", "a.", "_lead", "trail_", "a/b", "a@b", "<a>",
		"caf\xc3\xa9", "[127.0.0.1", "127.0.0.1]", "[]", "[127.0.0.256]", "[1.2.3]",
		"[01.2.3.4x]", "[IPv6:::1%eth0]", "[IPv6:1.2.3.4]", "[IPv6:]", "[IPv6:::g]",
		"[::1]", "[tag:]", "[-:x]", "[tag-:x]", "[tag:a]b]", "[tag:a b]", "[tag:a\\b]",
		"[tag:a\rb]", "[1.2.3.4] extra",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (smtp_valid_helo(bad[i])) {
			char m[128];
			snprintf(m, sizeof m, "accepted %.100s", bad[i]);
			unit_fail(__FILE__, __LINE__, m);
		}
}

UNIT_TEST(smtp_helo_length_limits)
{
	char name[SMTP_MAX_HELO + 2];
	memset(name, 'a', 63);                   /* a 63-octet label is fine */
	name[63] = '\0';
	CHECK(smtp_valid_helo(name));
	memset(name, 'a', 64);                   /* 64 is not */
	name[64] = '\0';
	CHECK(!smtp_valid_helo(name));
	for (size_t i = 0; i < SMTP_MAX_HELO; i++)   /* "a.a.a...": 255 octets */
		name[i] = i % 2 ? '.' : 'a';
	name[SMTP_MAX_HELO] = '\0';
	CHECK(smtp_valid_helo(name));
	name[SMTP_MAX_HELO] = 'a';               /* 256 octets, the last label "aa" */
	name[SMTP_MAX_HELO + 1] = '\0';
	CHECK(!smtp_valid_domain(name));
	char lit[SMTP_MAX_HELO + 8];             /* a 256-octet general literal */
	memset(lit, 'x', sizeof lit);
	memcpy(lit, "[t:", 3);
	lit[SMTP_MAX_HELO] = ']';
	lit[SMTP_MAX_HELO + 1] = '\0';
	CHECK(!smtp_valid_helo(lit));
	lit[SMTP_MAX_HELO - 1] = ']';
	lit[SMTP_MAX_HELO] = '\0';
	CHECK(smtp_valid_helo(lit));
}

/* Item 11: the client's address in Received: is an address literal. */
UNIT_TEST(smtp_address_literal_forms)
{
	char out[64];
	CHECK_INT(smtp_address_literal("127.0.0.1", out, sizeof out), 0);
	CHECK_STR(out, "[127.0.0.1]");
	CHECK_INT(smtp_address_literal("::1", out, sizeof out), 0);
	CHECK_STR(out, "[IPv6:::1]");
	CHECK_INT(smtp_address_literal("2001:db8::5", out, sizeof out), 0);
	CHECK_STR(out, "[IPv6:2001:db8::5]");
	CHECK(smtp_valid_helo(out));             /* what we write, we would take */
	CHECK_INT(smtp_address_literal("?", out, sizeof out), -1);
	CHECK_INT(smtp_address_literal("", out, sizeof out), -1);
	CHECK_INT(smtp_address_literal("127.0.0.1", out, 11), -1);   /* no room for ']' */
	CHECK_INT(smtp_address_literal("127.0.0.1", out, 12), 0);
}

/* Item 10: a logged-in user sends as USER@DOMAIN or <>, nobody else. */
UNIT_TEST(smtp_sender_must_be_the_users_own)
{
	CHECK(smtp_sender_is_own("alice@localhost", "alice", "localhost"));
	CHECK(smtp_sender_is_own("alice@LocalHost", "alice", "localhost"));  /* domain: any case */
	CHECK(smtp_sender_is_own("", "alice", "localhost"));                 /* the null sender */
	CHECK(!smtp_sender_is_own("bob@localhost", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("Alice@localhost", "alice", "localhost")); /* local part exact */
	CHECK(!smtp_sender_is_own("alicex@localhost", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("alic@localhost", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("alice@localhost.evil", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("alice@evil@localhost", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("alice", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("alice@", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("alice@example.org", "alice", "localhost"));
	CHECK(!smtp_sender_is_own("@localhost", "", "localhost"));           /* nobody logged in */
}
