/* test_config.c: sealed's settings: the config file's `key = value` lines
 * (comments, blanks, CRLF, yes/no), the command line over the file, every
 * problem named by file and line and all of them reported, the file of a
 * reload, and what a reload keeps (restart-only settings) or changes. */
#include "unit.h"
#include "config.h"
#include "config_opt.h"
#include "defaults.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_ARGS_MAX 16

/* A config file in a fresh directory with TEXT; its path (static). */
static const char *
conf_file(const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/sealed.conf", unit_tmpdir());
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* Parses "sealed ARGS..." (NULL-ended) into C; P gets the problems. */
static enum config_rc
parse(struct config *c, struct config_problems *p, ...)
{
	static char *argv[TEST_ARGS_MAX];
	int argc = 0;
	va_list ap;

	argv[argc++] = "sealed";
	va_start(ap, p);
	for (char *a; argc < TEST_ARGS_MAX - 1 && (a = va_arg(ap, char *)) != NULL;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return config_parse(c, argc, argv, p);
}

/* 1 when some problem in P contains WHAT. */
static int
has_problem(const struct config_problems *p, const char *what)
{
	for (int i = 0; i < p->n; i++)
		if (strstr(p->text[i], what) != NULL)
			return 1;
	return 0;
}

UNIT_TEST(config_file_keys_comments_and_flags)
{
	static struct config_problems p;
	struct config c;
	const char *f = conf_file("# sealed.conf\n"
	                          "\n"
	                          "smtp-port = 465   # submissions\n"
	                          "  pop3-port=995\r\n"
	                          "\tdata-dir = /var/lib/sealed#not a comment\n"
	                          "open-registration = yes\n"
	                          "allow-sender-mismatch = no\n"
	                          "max-message-size = 2048\n"
	                          "log-file = /var/log/sealed/sealed.log");

	CHECK_INT(parse(&c, &p, "--config", f, NULL), CONFIG_OK);
	CHECK_INT(p.n, 0);
	CHECK_INT(c.smtp_port, 465);
	CHECK_INT(c.pop3_port, 995);
	CHECK_INT(c.rtsp_port, DEFAULT_RTSP_PORT);
	CHECK_STR(c.data_dir, "/var/lib/sealed#not a comment");
	CHECK_STR(c.log_file, "/var/log/sealed/sealed.log");
	CHECK_INT(c.open_registration, 1);
	CHECK_INT(c.allow_sender_mismatch, 0);
	CHECK_INT(c.max_message_size, 2048);
	CHECK_STR(c.config_file, f);
	config_free(&c);
}

UNIT_TEST(config_command_line_overrides_the_file)
{
	static struct config_problems p;
	struct config c;
	const char *f = conf_file("smtp-port = 465\ndomain = example.org\n");

	CHECK_INT(parse(&c, &p, "--smtp-port", "2465", "--config", f, NULL), CONFIG_OK);
	CHECK_INT(c.smtp_port, 2465);
	CHECK_STR(c.domain, "example.org");
	config_free(&c);
}

UNIT_TEST(config_file_problems_name_file_and_line_all_of_them)
{
	static struct config_problems p;
	struct config c;
	char want[600];
	const char *f = conf_file("smtp-port = 465\n"
	                          "bogus = 1\n"
	                          "open-registration = maybe\n"
	                          "smtp-port = 466\n"
	                          "purge = yes\n"
	                          "just words\n"
	                          "workers = 0\n"
	                          "cert =\n");

	CHECK_INT(parse(&c, &p, "--config", f, NULL), CONFIG_INVALID);
	CHECK_INT(p.n, 7);
	snprintf(want, sizeof want, "%s:2: unknown key 'bogus'", f);
	CHECK(has_problem(&p, want));
	snprintf(want, sizeof want, "%s:3: open-registration: 'maybe' is neither yes nor no", f);
	CHECK(has_problem(&p, want));
	snprintf(want, sizeof want, "%s:4: smtp-port is already set on line 1", f);
	CHECK(has_problem(&p, want));
	snprintf(want, sizeof want, "%s:5: only the command line takes 'purge'", f);
	CHECK(has_problem(&p, want));
	snprintf(want, sizeof want, "%s:6: expected 'key = value'", f);
	CHECK(has_problem(&p, want));
	snprintf(want, sizeof want, "%s:7: workers: '0' is not a number from 1 to", f);
	CHECK(has_problem(&p, want));
	snprintf(want, sizeof want, "%s:8: cert needs a non-empty value", f);
	CHECK(has_problem(&p, want));
	CHECK_INT(c.smtp_port, 465);              /* what could be read is there */
	config_free(&c);
}

UNIT_TEST(config_file_missing_or_unsafe)
{
	static struct config_problems p;
	struct config c;
	char path[512];

	snprintf(path, sizeof path, "%s/nothing.conf", unit_tmpdir());
	CHECK_INT(parse(&c, &p, "--config", path, NULL), CONFIG_INVALID);
	CHECK(has_problem(&p, "cannot read"));
	CHECK(has_problem(&p, path));
	config_free(&c);

	const char *f = conf_file("smtp-port = 465\n");
	chmod(f, 0666);
	CHECK_INT(parse(&c, &p, "--config", f, NULL), CONFIG_INVALID);
	CHECK(has_problem(&p, "anyone may write it (mode 0666)"));
	config_free(&c);
}

UNIT_TEST(config_without_a_file_keeps_the_contract_defaults)
{
	static struct config_problems p;
	struct config c;

	CHECK(config_default_path() == NULL);     /* bin/sealed: no default file */
	CHECK_INT(parse(&c, &p, NULL), CONFIG_OK);
	CHECK(c.config_file == NULL);
	CHECK_INT(c.smtp_port, DEFAULT_SMTP_PORT);
	CHECK_STR(c.data_dir, DEFAULT_DATA_DIR);
	CHECK_STR(c.cert, DEFAULT_CERT_FILE);
	config_free(&c);
}

UNIT_TEST(config_help_version_and_usage)
{
	static struct config_problems p;
	struct config c;

	CHECK_INT(parse(&c, &p, "--version", NULL), CONFIG_VERSION);
	config_free(&c);
	CHECK_INT(parse(&c, &p, "-h", NULL), CONFIG_HELP);
	config_free(&c);
	CHECK_INT(parse(&c, &p, "--check-config", "users", NULL), CONFIG_USAGE);
	CHECK(has_problem(&p, "--check-config goes without a command"));
	config_free(&c);
	CHECK_INT(parse(&c, &p, "--config", NULL), CONFIG_USAGE);
	CHECK(has_problem(&p, "--config needs a value"));
	config_free(&c);
	/* a value that looks like --config is another option's value */
	CHECK_INT(parse(&c, &p, "--domain", "--config", NULL), CONFIG_OK);
	CHECK_STR(c.domain, "--config");
	config_free(&c);
}

UNIT_TEST(config_every_service_off_in_the_file_is_invalid)
{
	static struct config_problems p;
	struct config c;
	const char *f = conf_file("smtp-port = 0\npop3-port = 0\nrtsp-port = 0\n");

	CHECK_INT(parse(&c, &p, "--config", f, NULL), CONFIG_INVALID);
	CHECK(has_problem(&p, "every service is turned off"));
	config_free(&c);
	CHECK_INT(parse(&c, &p, "--config", f, "--pop3-port", "995", NULL), CONFIG_OK);
	config_free(&c);
}

/* config_diff() callback: appends "key:was>now;" to ARG. */
static void
collect(const char *key, const char *was, const char *now, void *arg)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, 512 - n, "%s:%s>%s;", key, was, now);
}

UNIT_TEST(config_reload_reads_the_file_again_and_keeps_restart_settings)
{
	static struct config_problems p;
	struct config boot, fresh;
	char diff[512] = "";
	const char *f = conf_file("smtp-port = 465\nmax-message-size = 2048\n");

	CHECK_INT(parse(&boot, &p, "--config", f, "--workers", "2", NULL), CONFIG_OK);
	FILE *w = fopen(f, "w");
	CHECK(w != NULL);
	if (w == NULL)
		return;
	fputs("smtp-port = 466\nmax-message-size = 4096\nopen-registration = yes\n", w);
	fclose(w);
	CHECK_INT(config_reload(&fresh, &boot, &p), CONFIG_OK);
	CHECK_INT(fresh.workers, 2);              /* the command line again */
	config_diff(&boot, &fresh, collect, diff);
	CHECK_STR(diff, "smtp-port:465>466;max-message-size:2048>4096;"
	                "open-registration:no>yes;");
	CHECK(!config_key_live("smtp-port"));
	CHECK(config_key_live("max-message-size"));
	config_keep_restart(&fresh, &boot);
	CHECK_INT(fresh.smtp_port, 465);
	CHECK_INT(fresh.max_message_size, 4096);
	CHECK_INT(fresh.open_registration, 1);
	config_free(&fresh);

	unlink(f);                                /* the file read at start must stay */
	CHECK_INT(config_reload(&fresh, &boot, &p), CONFIG_INVALID);
	CHECK(has_problem(&p, "cannot read"));
	config_free(&fresh);
	config_free(&boot);
}

UNIT_TEST(config_live_keys_are_options)
{
	static const char *const live[] = {
		"cert", "key", "key-pass-file", "client-ca", "require-client-cert",
		"max-message-size", "max-auth-failures", "max-conns-per-ip",
		"open-registration", "allow-sender-mismatch", "debug",
	};
	for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
		CHECK(config_key_live(live[i]));
		CHECK(config_opt_find(live[i]) != NULL);
	}
	CHECK(!config_key_live("workers"));
	CHECK(!config_key_live("data-dir"));
	CHECK(!config_key_live("listen"));
}
