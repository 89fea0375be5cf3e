/*
 * config.c: sealed's option table, the one list of its settings: the
 * command line, the keys of the config file (config_file.c reads it), the
 * defaults, and what a reload may change. Options may stand before or after
 * an admin command word; numbers are range-checked; every error is one line.
 * Main thread only.
 */
#include "config.h"
#include "config_opt.h"
#include "admin.h"
#include "server_defaults.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OFF(field) offsetof(struct config, field)
static const struct opt config_opts[] = {
	{ "--listen",            OPT_STR,  OFF(listen_addr), 0, 0 },
	{ "--smtp-port",         OPT_INT,  OFF(smtp_port), 0, 65535 },
	{ "--pop3-port",         OPT_INT,  OFF(pop3_port), 0, 65535 },
	{ "--rtsp-port",         OPT_INT,  OFF(rtsp_port), 0, 65535 },
	{ "--cert",              OPT_STR,  OFF(cert), 0, 0 },
	{ "--key",               OPT_STR,  OFF(key), 0, 0 },
	{ "--key-pass-file",     OPT_STR,  OFF(key_pass_file), 0, 0 },
	{ "--client-ca",         OPT_STR,  OFF(client_ca), 0, 0 },
	{ "--require-client-cert", OPT_FLAG, OFF(require_client_cert), 0, 0 },
	{ "--data-dir",          OPT_STR,  OFF(data_dir), 0, 0 },
	{ "--log-file",          OPT_STR,  OFF(log_file), 0, 0 },
	{ "--domain",            OPT_STR,  OFF(domain), 0, 0 },
	{ "--workers",           OPT_INT,  OFF(workers), 1, MAX_WORKERS },
	{ "--max-message-size",  OPT_LONG, OFF(max_message_size), 1024, LONG_MAX / 2 },
	{ "--max-auth-failures", OPT_INT,  OFF(max_auth_failures), 1, 1000 },
	{ "--max-conns-per-ip",  OPT_INT,  OFF(max_conns_per_ip), 0, MAX_CONNECTIONS },
	{ "--user",              OPT_STR,  OFF(run_as_user), 0, 0 },
	{ "--open-registration", OPT_FLAG, OFF(open_registration), 0, 0 },
	{ "--allow-sender-mismatch", OPT_FLAG, OFF(allow_sender_mismatch), 0, 0 },
	{ "--debug",             OPT_FLAG, OFF(debug), 0, 0 },
	{ "--purge",             OPT_FLAG, OFF(purge), 0, 0 },
	{ "--proxy-from",        OPT_STR,  OFF(proxy_from), 0, 0 },
	{ "--node-name",         OPT_STR,  OFF(node_name), 0, 0 },
	{ "--config",            OPT_STR,  OFF(config_file), 0, 0 },
	{ "--check-config",      OPT_FLAG, OFF(check_config), 0, 0 },
};
#define CONFIG_NOPTS (sizeof config_opts / sizeof config_opts[0])
#define CONFIG_VALUE_TEXT 32   /* a number as text */

/* Options of the command line alone: the file cannot name itself, and these
 * say what to do rather than how to serve. */
static const char *const config_cmdline_only[] = { "--config", "--check-config", "--purge" };

/* The settings a SIGHUP applies to the running server (reload.c):
 * certificate and key go into a new TLS context, the limits and policies
 * into atomics. Every other setting, and any option added later until it
 * is listed here, takes a restart. */
static const char *const config_live_keys[] = {
	"cert", "key", "key-pass-file", "client-ca", "require-client-cert",
	"max-message-size", "max-auth-failures", "max-conns-per-ip",
	"open-registration", "allow-sender-mismatch", "debug",
};

void
config_usage(void)
{
	const char *conf = config_default_path();

	printf("usage: sealed [options]                 serve until SIGINT or SIGTERM\n"
	       "       sealed [options] COMMAND [NAME]  useradd NAME | passwd NAME | userdel NAME |\n"
	       "                                        users | status | monitor\n"
	       "       sealed [options] userdel --purge NAME   the user's Maildir goes too\n"
	       "       sealed [options] --check-config  check the settings, print what would be served\n"
	       "options (each but --config, --check-config and --purge is also a key of the\n"
	       "config file, without the \"--\": smtp-port = 465, open-registration = yes):\n"
	       "  --config FILE            read settings from FILE first (%s)\n"
	       "  --check-config           load config, certificate, key, users and media,\n"
	       "                           list every problem, exit 0 or 1\n"
	       "  --listen ADDR            listen address (%s)\n"
	       "  --smtp-port N            SMTP submission over TLS, 0 = off (%d)\n"
	       "  --pop3-port N            POP3 over TLS, 0 = off (%d)\n"
	       "  --rtsp-port N            RTSP over TLS, 0 = off (%d)\n"
	       "  --cert FILE, --key FILE  server certificate and key, PEM (%s, %s); the key\n"
	       "                           must be private: mode 0600, or 0640 if root owns it\n"
	       "  --key-pass-file FILE     passphrase of an encrypted key\n"
	       "  --client-ca FILE         trust anchors for client certificates\n"
	       "  --require-client-cert    refuse clients without a valid certificate\n"
	       "  --data-dir DIR           users, mail, media and log (%s)\n"
	       "  --log-file FILE          the log (DIR/%s); reopened on SIGHUP and SIGUSR1\n"
	       "  --domain NAME            mail domain of local users (%s)\n"
	       "  --workers N              worker threads (number of CPUs)\n"
	       "  --max-message-size N     largest message in bytes (%ld)\n"
	       "  --max-auth-failures N    failed logins before the connection closes (%d)\n"
	       "  --max-conns-per-ip N     connections per address, 0 = no limit (%d)\n"
	       "  --user NAME              drop root privileges to NAME after start-up\n"
	       "  --open-registration      unknown users who log in are registered\n"
	       "  --allow-sender-mismatch  SMTP: a user may send as any MAIL FROM address\n"
	       "                           (by default only USER@DOMAIN or <>)\n"
	       "  --proxy-from CIDR[,CIDR] connections from these addresses (a load balancer)\n"
	       "                           must start with a PROXY header, v1 or v2, naming\n"
	       "                           the real client; from others none is read\n"
	       "  --node-name NAME         this node's name among servers sharing --data-dir\n"
	       "                           ([A-Za-z0-9._-], at most %d; default: host name and\n"
	       "                           listen address); status and monitor: which to ask\n"
	       "  --debug                  log state changes too\n"
	       "  --version                print the version and exit\n"
	       "  -h, --help               print this text and exit\n"
	       "SIGHUP reloads the config file, certificate, key and users; of the settings,\n"
	       "cert, key, key-pass-file, client-ca, require-client-cert, the max-* limits,\n"
	       "open-registration, allow-sender-mismatch and debug change live, the others\n"
	       "take a restart.\n",
	       conf != NULL ? conf : "none unless given",
	       DEFAULT_LISTEN_ADDR, DEFAULT_SMTP_PORT, DEFAULT_POP3_PORT, DEFAULT_RTSP_PORT,
	       DEFAULT_CERT_FILE, DEFAULT_KEY_FILE, DEFAULT_DATA_DIR, LOG_FILE_NAME, DEFAULT_DOMAIN,
	       DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_AUTH_FAILURES, DEFAULT_MAX_CONNS_PER_IP,
	       NODE_NAME_MAX);
}

static void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->listen_addr = DEFAULT_LISTEN_ADDR;
	c->smtp_port = DEFAULT_SMTP_PORT;
	c->pop3_port = DEFAULT_POP3_PORT;
	c->rtsp_port = DEFAULT_RTSP_PORT;
	c->cert = DEFAULT_CERT_FILE;
	c->key = DEFAULT_KEY_FILE;
	c->data_dir = DEFAULT_DATA_DIR;
	c->domain = DEFAULT_DOMAIN;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	c->workers = ncpu < 1 ? 1 : ncpu > MAX_WORKERS ? MAX_WORKERS : (int)ncpu;
	c->max_message_size = DEFAULT_MAX_MESSAGE_SIZE;
	c->max_auth_failures = DEFAULT_MAX_AUTH_FAILURES;
	c->max_conns_per_ip = DEFAULT_MAX_CONNS_PER_IP;
}

const struct opt *
config_opt_find(const char *key)
{
	for (size_t k = 0; k < CONFIG_NOPTS; k++)
		if (strcmp(OPT_KEY(&config_opts[k]), key) == 0)
			return &config_opts[k];
	return NULL;
}

int
config_opt_cmdline_only(const struct opt *o)
{
	for (size_t k = 0; k < sizeof config_cmdline_only / sizeof config_cmdline_only[0]; k++)
		if (strcmp(o->name, config_cmdline_only[k]) == 0)
			return 1;
	return 0;
}

int
config_key_live(const char *key)
{
	for (size_t k = 0; k < sizeof config_live_keys / sizeof config_live_keys[0]; k++)
		if (strcmp(key, config_live_keys[k]) == 0)
			return 1;
	return 0;
}

void
config_problem(struct config_problems *p, const char *fmt, ...)
{
	va_list ap;

	if (p->n >= CONFIG_PROBLEMS_MAX) {
		p->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(p->text[p->n++], CONFIG_PROBLEM_LEN, fmt, ap);
	va_end(ap);
}

/* A flag's value in the config file: 1 for "yes", 0 for "no", else -1. */
static int
config_flag_value(const char *value)
{
	if (strcmp(value, "yes") == 0)
		return 1;
	return strcmp(value, "no") == 0 ? 0 : -1;
}

int
config_opt_set(struct config *c, const struct opt *o, const char *label, const char *value,
               char *err, size_t errlen)
{
	char *p = (char *)c + o->offset, *end;

	if (o->kind == OPT_FLAG) {
		int v = config_flag_value(value);
		if (v == -1) {
			snprintf(err, errlen, "%s: '%s' is neither yes nor no", label, value);
			return -1;
		}
		*(int *)(void *)p = v;
		return 0;
	}
	if (o->kind == OPT_STR) {
		if (*value == '\0') {
			snprintf(err, errlen, "%s needs a non-empty value", label);
			return -1;
		}
		*(const char **)(void *)p = value;
		return 0;
	}
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < o->min || v > o->max) {
		snprintf(err, errlen, "%s: '%s' is not a number from %ld to %ld",
		         label, value, o->min, o->max);
		return -1;
	}
	if (o->kind == OPT_INT)
		*(int *)(void *)p = (int)v;
	else
		*(long *)(void *)p = v;
	return 0;
}

/* The table's entry for command-line word ARG ("--smtp-port"), or NULL. */
static const struct opt *
config_opt_arg(const char *arg)
{
	for (size_t k = 0; k < CONFIG_NOPTS; k++)
		if (strcmp(arg, config_opts[k].name) == 0)
			return &config_opts[k];
	return NULL;
}

/* Handles ARGV[*I], an option. CONFIG_OK, _HELP, _VERSION, or _USAGE with
 * ERR. */
static enum config_rc
config_option(struct config *c, int argc, char **argv, int *i, char *err, size_t errlen)
{
	const char *arg = argv[*i];
	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
		return CONFIG_HELP;
	if (strcmp(arg, "--version") == 0)
		return CONFIG_VERSION;
	const struct opt *o = config_opt_arg(arg);
	if (o == NULL) {
		snprintf(err, errlen, "unknown option %s (see --help)", arg);
		return CONFIG_USAGE;
	}
	if (o->kind == OPT_FLAG) {
		*(int *)(void *)((char *)c + o->offset) = 1;
		return CONFIG_OK;
	}
	if (*i + 1 >= argc) {
		snprintf(err, errlen, "%s needs a value", o->name);
		return CONFIG_USAGE;
	}
	return config_opt_set(c, o, o->name, argv[++*i], err, errlen) == 0 ? CONFIG_OK
	                                                                   : CONFIG_USAGE;
}

/* 1 when NAME is a valid --node-name. */
static int
config_node_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NODE_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	return strspn(name, NODE_NAME_CHARS) == n;
}

/* --proxy-from and --node-name, parsed strictly. 0, or -1 with ERR. */
static int
config_check_cluster(struct config *c, char *err, size_t errlen)
{
	char why[256];

	if (c->proxy_from != NULL &&
	    cidr_list_parse(c->proxy_from, &c->proxy_nets, why, sizeof why) == -1) {
		snprintf(err, errlen, "--proxy-from: %s", why);
		return -1;
	}
	if (c->node_name != NULL && !config_node_name_ok(c->node_name)) {
		snprintf(err, errlen, "--node-name: '%s' is not 1 to %d of A-Z a-z 0-9 . _ -",
		         c->node_name, NODE_NAME_MAX);
		return -1;
	}
	return 0;
}

/* The command line over C. CONFIG_OK, or another result with P told why. */
static enum config_rc
config_cmdline(struct config *c, int argc, char **argv, struct config_problems *p)
{
	char err[CONFIG_PROBLEM_LEN];

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			enum config_rc rc = config_option(c, argc, argv, &i, err, sizeof err);
			if (rc == CONFIG_USAGE)
				config_problem(p, "%s", err);
			if (rc != CONFIG_OK)
				return rc;
			continue;
		}
		if (c->admin_argc == 0 && !admin_is_command(argv[i])) {
			config_problem(p, "unknown command %s (see --help)", argv[i]);
			return CONFIG_USAGE;
		}
		if (c->admin_argc >= CONFIG_MAX_ARGS) {
			config_problem(p, "too many arguments");
			return CONFIG_USAGE;
		}
		c->admin_argv[c->admin_argc++] = argv[i];
	}
	return CONFIG_OK;
}

/* Combinations that make no sense, whichever of file and command line made
 * them: CONFIG_USAGE (no file read) or CONFIG_INVALID, with P told. */
static enum config_rc
config_check(struct config *c, struct config_problems *p)
{
	enum config_rc bad = c->config_file != NULL ? CONFIG_INVALID : CONFIG_USAGE;

	if (c->purge && c->admin_argc == 0) {
		config_problem(p, "--purge goes with userdel only");
		return CONFIG_USAGE;
	}
	if (c->check_config && c->admin_argc > 0) {
		config_problem(p, "--check-config goes without a command");
		return CONFIG_USAGE;
	}
	char err[CONFIG_PROBLEM_LEN];
	if (config_check_cluster(c, err, sizeof err) == -1) {
		config_problem(p, "%s", err);
		return bad;
	}
	if (c->smtp_port == 0 && c->pop3_port == 0 && c->rtsp_port == 0 && c->admin_argc == 0) {
		config_problem(p, "%s%severy service is turned off: nothing to serve",
		               c->config_file != NULL ? c->config_file : "",
		               c->config_file != NULL ? ": " : "");
		return bad;
	}
	return CONFIG_OK;
}

/* The command line's --config FILE, or NULL. A first look at ARGV: values
 * of other options are skipped, errors are left to config_cmdline(). */
static const char *
config_file_arg(int argc, char **argv)
{
	const char *file = NULL;

	for (int i = 1; i < argc; i++) {
		const struct opt *o = config_opt_arg(argv[i]);
		if (o == NULL || o->kind == OPT_FLAG || i + 1 >= argc)
			continue;
		if (strcmp(o->name, "--config") == 0)
			file = argv[i + 1];
		i++;
	}
	return file;
}

/* Defaults, then FILE (or the default file), then the command line. */
static enum config_rc
config_load(struct config *c, int argc, char **argv, const char *file, int must_exist,
            struct config_problems *p)
{
	config_defaults(c);
	c->argc = argc;
	c->argv = argv;
	int file_bad = file != NULL && config_file_read(c, file, must_exist, p) == -1;
	enum config_rc rc = config_cmdline(c, argc, argv, p);
	if (rc != CONFIG_OK)
		return rc;
	if (file != NULL && c->file_text != NULL)
		c->config_file = file;
	rc = config_check(c, p);
	if (rc == CONFIG_OK && file_bad)
		rc = CONFIG_INVALID;
	return rc;
}

enum config_rc
config_parse(struct config *c, int argc, char **argv, struct config_problems *p)
{
	const char *file = config_file_arg(argc, argv);

	memset(p, 0, sizeof *p);
	if (file != NULL)
		return config_load(c, argc, argv, file, 1, p);
	return config_load(c, argc, argv, config_default_path(), 0, p);
}

enum config_rc
config_reload(struct config *fresh, const struct config *old, struct config_problems *p)
{
	memset(p, 0, sizeof *p);
	return config_load(fresh, old->argc, old->argv, old->config_file,
	                   old->config_file != NULL, p);
}

void
config_free(struct config *c)
{
	free(c->file_text);
	c->file_text = NULL;
}

void
config_log_path(const struct config *c, char *buf, size_t len)
{
	if (c->log_file != NULL)
		snprintf(buf, len, "%s", c->log_file);
	else
		snprintf(buf, len, "%s/%s", c->data_dir, LOG_FILE_NAME);
}

/* 1 when A and B hold the same value for O. */
static int
config_value_same(const struct config *a, const struct config *b, const struct opt *o)
{
	const char *pa = (const char *)a + o->offset, *pb = (const char *)b + o->offset;

	if (o->kind != OPT_STR)
		return o->kind == OPT_LONG ? *(const long *)(const void *)pa == *(const long *)(const void *)pb
		                           : *(const int *)(const void *)pa == *(const int *)(const void *)pb;
	const char *sa = *(const char *const *)(const void *)pa;
	const char *sb = *(const char *const *)(const void *)pb;
	return sa == sb || (sa != NULL && sb != NULL && strcmp(sa, sb) == 0);
}

/* O's value in C as text, into BUF. */
static const char *
config_value_text(const struct config *c, const struct opt *o, char *buf, size_t len)
{
	const char *p = (const char *)c + o->offset;

	switch (o->kind) {
	case OPT_STR: {
		const char *v = *(const char *const *)(const void *)p;
		return v != NULL ? v : "(none)";
	}
	case OPT_FLAG:
		return *(const int *)(const void *)p ? "yes" : "no";
	case OPT_INT:
		snprintf(buf, len, "%d", *(const int *)(const void *)p);
		return buf;
	case OPT_LONG:
		snprintf(buf, len, "%ld", *(const long *)(const void *)p);
		return buf;
	}
	return "?";
}

void
config_diff(const struct config *old, const struct config *new_cfg, config_diff_fn *fn, void *arg)
{
	char a[CONFIG_VALUE_TEXT], b[CONFIG_VALUE_TEXT];

	for (size_t k = 0; k < CONFIG_NOPTS; k++) {
		const struct opt *o = &config_opts[k];
		if (config_opt_cmdline_only(o) || config_value_same(old, new_cfg, o))
			continue;
		fn(OPT_KEY(o), config_value_text(old, o, a, sizeof a),
		   config_value_text(new_cfg, o, b, sizeof b), arg);
	}
}

void
config_keep_restart(struct config *to, const struct config *from)
{
	for (size_t k = 0; k < CONFIG_NOPTS; k++) {
		const struct opt *o = &config_opts[k];
		if (config_opt_cmdline_only(o) || config_key_live(OPT_KEY(o)))
			continue;
		size_t size = o->kind == OPT_STR ? sizeof(const char *)
		            : o->kind == OPT_LONG ? sizeof(long) : sizeof(int);
		memcpy((char *)to + o->offset, (const char *)from + o->offset, size);
	}
}
