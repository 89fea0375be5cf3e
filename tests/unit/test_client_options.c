/* test_client_options.c: seal's URL parsing and command-line errors. */
#include "unit.h"
#include "options.h"

#include <stdlib.h>

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

UNIT_TEST(client_url_defaults_per_scheme)
{
	struct seal_url u;
	char err[256];

	CHECK_INT(options_url_parse(&u, "smtps://localhost", err, sizeof err), 0);
	CHECK_INT(u.scheme, URL_SMTPS);
	CHECK_STR(u.host, "localhost");
	CHECK_STR(u.port, "8465");
	CHECK(strcmp(u.path, "") == 0);
	CHECK_INT(options_url_parse(&u, "POP3S://mail.test/", err, sizeof err), 0);
	CHECK_INT(u.scheme, URL_POP3S);
	CHECK_STR(u.port, "8995");
	CHECK_INT(options_url_parse(&u, "rtsps://127.0.0.1/media/a.wav", err, sizeof err), 0);
	CHECK_INT(u.scheme, URL_RTSPS);
	CHECK_STR(u.port, "8322");
	CHECK(strcmp(u.path, "/media/a.wav") == 0);
	CHECK_INT(options_url_parse(&u, "rtsps://h", err, sizeof err), 0);
	CHECK(strcmp(u.path, "/") == 0);
}

UNIT_TEST(client_url_ports_and_ipv6)
{
	struct seal_url u;
	char err[256], hp[300];

	CHECK_INT(options_url_parse(&u, "smtps://localhost:2525", err, sizeof err), 0);
	CHECK_STR(u.port, "2525");
	options_url_hostport(&u, hp, sizeof hp);
	CHECK_STR(hp, "localhost:2525");
	CHECK_INT(options_url_parse(&u, "pop3s://[::1]:995", err, sizeof err), 0);
	CHECK_STR(u.host, "::1");
	CHECK_STR(u.port, "995");
	CHECK_INT(u.host_is_v6, 1);
	options_url_hostport(&u, hp, sizeof hp);
	CHECK_STR(hp, "[::1]:995");
	CHECK_INT(options_url_parse(&u, "smtps://[fe80::1]", err, sizeof err), 0);
	CHECK_STR(u.port, "8465");
	CHECK_INT(options_url_parse(&u, "smtps://h:65535", err, sizeof err), 0);
}

/* URL S is refused with a reason containing WANT. */
static void
url_bad(const char *s, const char *want)
{
	struct seal_url u;
	char err[256] = "", msg[400];

	if (options_url_parse(&u, s, err, sizeof err) != -1 || strstr(err, want) == NULL) {
		snprintf(msg, sizeof msg, "url %s: got \"%s\", want -1 and \"%s\"", s, err, want);
		unit_fail(__FILE__, __LINE__, msg);
	}
}

UNIT_TEST(client_url_refusals)
{
	url_bad("http://localhost", "bad URL");
	url_bad("smtp://localhost", "bad URL");
	url_bad("smtps://", "no host");
	url_bad("smtps:///x", "no host");
	url_bad("smtps://h:0", "bad port");
	url_bad("smtps://h:65536", "bad port");
	url_bad("smtps://h:99999999999999999999", "bad port");
	url_bad("smtps://h:", "bad port");
	url_bad("smtps://h:8x", "bad port");
	url_bad("smtps://::1", "needs brackets");
	url_bad("smtps://[::1", "bad IPv6");
	url_bad("smtps://[nope]", "bad IPv6");
	url_bad("smtps://[::1]x", "after ']'");
	url_bad("smtps://bob@h", "--user");
	url_bad("smtps://h/inbox", "no path");
	url_bad("smtps://h o", "bad host");
	url_bad("rtsps://h/a b", "spaces");
}

UNIT_TEST(client_options_defaults_and_flags)
{
	char *argv[] = { "seal", "--batch", "--user", "alice", "--password-file", "pw",
	                 "smtps://localhost", "--expect-cn", "mail.test", "-v", NULL };
	struct seal_opts o;
	char err[256] = "";

	unsetenv("SSLKEYLOGFILE");
	CHECK_INT(options_parse(&o, ARGC(argv), argv, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_STR(o.cafile, "certs/server.crt");
	CHECK_STR(o.user, "alice");
	CHECK_STR(o.password_file, "pw");
	CHECK_STR(o.expect_cn, "mail.test");
	CHECK_INT(o.batch, 1);
	CHECK_INT(o.show_cert, 0);
	CHECK_INT(o.verbose, 1);
	CHECK(o.keylog == NULL);
	CHECK_STR(o.url.host, "localhost");
}

UNIT_TEST(client_options_keylog_from_environment)
{
	char *argv[] = { "seal", "--show-cert", "smtps://h", NULL };
	char *argv2[] = { "seal", "--keylog", "mine", "smtps://h", NULL };
	struct seal_opts o;
	char err[256];

	setenv("SSLKEYLOGFILE", "/tmp/keys", 1);
	CHECK_INT(options_parse(&o, ARGC(argv), argv, err, sizeof err), 0);
	CHECK_STR(o.keylog, "/tmp/keys");
	CHECK_INT(options_parse(&o, ARGC(argv2), argv2, err, sizeof err), 0);
	CHECK_STR(o.keylog, "mine");
	unsetenv("SSLKEYLOGFILE");
}

UNIT_TEST(client_options_help_needs_no_url)
{
	char *argv[] = { "seal", "--help", NULL };
	struct seal_opts o;
	char err[256];

	CHECK_INT(options_parse(&o, ARGC(argv), argv, err, sizeof err), 0);
	CHECK_INT(o.help, 1);
}

/* The command line ARGV (NULL-terminated) is refused with WANT in the reason. */
static void
opts_bad(char **argv, const char *want)
{
	struct seal_opts o;
	char err[256] = "", msg[400];
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	if (options_parse(&o, argc, argv, err, sizeof err) != -1 || strstr(err, want) == NULL) {
		snprintf(msg, sizeof msg, "%s: got \"%s\", want -1 and \"%s\"", argv[1], err, want);
		unit_fail(__FILE__, __LINE__, msg);
	}
}

UNIT_TEST(client_options_errors)
{
	opts_bad((char *[]){ "seal", NULL }, "missing URL");
	opts_bad((char *[]){ "seal", "--bogus", "smtps://h", NULL }, "unknown option --bogus");
	opts_bad((char *[]){ "seal", "-q", "smtps://h", NULL }, "unknown option -q");
	opts_bad((char *[]){ "seal", "smtps://h", "--cafile", NULL }, "--cafile needs a value");
	opts_bad((char *[]){ "seal", "--cafile=", "smtps://h", NULL }, "--cafile needs a non-empty");
	opts_bad((char *[]){ "seal", "smtps://h", "extra", NULL }, "unexpected argument 'extra'");
	opts_bad((char *[]){ "seal", "--cert", "c", "smtps://h", NULL }, "--cert and --key");
	opts_bad((char *[]){ "seal", "--key", "k", "smtps://h", NULL }, "--cert and --key");
	opts_bad((char *[]){ "seal", "--password-file", "p", "smtps://h", NULL }, "needs --user");
	opts_bad((char *[]){ "seal", "--batch", "--show-cert", "smtps://h", NULL }, "choose one");
	opts_bad((char *[]){ "seal", "--output", "a.wav", "smtps://h", NULL }, "rtsps");
	opts_bad((char *[]){ "seal", "ftp://h", NULL }, "bad URL");
}
