/*
 * config.c: the command line of sealed. Options may stand before or after an
 * admin command word; numbers are range-checked; every error is one line.
 */
#include "config.h"
#include "admin.h"
#include "server_defaults.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum opt_kind { OPT_STR, OPT_INT, OPT_LONG, OPT_FLAG };

struct opt {
	const char   *name;
	enum opt_kind kind;
	size_t        offset;
	long          min, max;
};

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
};

void
config_usage(void)
{
	printf("usage: sealed [options]                 serve until SIGINT or SIGTERM\n"
	       "       sealed [options] COMMAND [NAME]  useradd NAME | passwd NAME | userdel NAME |\n"
	       "                                        users | status | monitor\n"
	       "       sealed [options] userdel --purge NAME   the user's Maildir goes too\n"
	       "options:\n"
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
	       "  --debug                  log state changes too\n",
	       DEFAULT_LISTEN_ADDR, DEFAULT_SMTP_PORT, DEFAULT_POP3_PORT, DEFAULT_RTSP_PORT,
	       DEFAULT_CERT_FILE, DEFAULT_KEY_FILE, DEFAULT_DATA_DIR, DEFAULT_DOMAIN,
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

/* Stores VALUE into the field O describes. 0, or -1 with ERR. */
static int
config_set(struct config *c, const struct opt *o, const char *value, char *err, size_t errlen)
{
	char *p = (char *)c + o->offset, *end;

	if (o->kind == OPT_STR) {
		if (*value == '\0') {
			snprintf(err, errlen, "%s needs a non-empty value", o->name);
			return -1;
		}
		*(const char **)(void *)p = value;
		return 0;
	}
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < o->min || v > o->max) {
		snprintf(err, errlen, "%s: '%s' is not a number from %ld to %ld",
		         o->name, value, o->min, o->max);
		return -1;
	}
	if (o->kind == OPT_INT)
		*(int *)(void *)p = (int)v;
	else
		*(long *)(void *)p = v;
	return 0;
}

/* Handles ARGV[*I], an option. 0, 1 for --help, or -1 with ERR. */
static int
config_option(struct config *c, int argc, char **argv, int *i, char *err, size_t errlen)
{
	const char *arg = argv[*i];
	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
		return 1;
	for (size_t k = 0; k < sizeof config_opts / sizeof config_opts[0]; k++) {
		const struct opt *o = &config_opts[k];
		if (strcmp(arg, o->name) != 0)
			continue;
		if (o->kind == OPT_FLAG) {
			*(int *)(void *)((char *)c + o->offset) = 1;
			return 0;
		}
		if (*i + 1 >= argc) {
			snprintf(err, errlen, "%s needs a value", o->name);
			return -1;
		}
		return config_set(c, o, argv[++*i], err, errlen);
	}
	snprintf(err, errlen, "unknown option %s (see --help)", arg);
	return -1;
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

int
config_parse(struct config *c, int argc, char **argv, char *err, size_t errlen)
{
	config_defaults(c);
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			int rc = config_option(c, argc, argv, &i, err, errlen);
			if (rc != 0)
				return rc;
			continue;
		}
		if (c->admin_argc == 0 && !admin_is_command(argv[i])) {
			snprintf(err, errlen, "unknown command %s (see --help)", argv[i]);
			return -1;
		}
		if (c->admin_argc >= CONFIG_MAX_ARGS) {
			snprintf(err, errlen, "too many arguments");
			return -1;
		}
		c->admin_argv[c->admin_argc++] = argv[i];
	}
	if (c->purge && c->admin_argc == 0) {
		snprintf(err, errlen, "--purge goes with userdel only");
		return -1;
	}
	if (config_check_cluster(c, err, errlen) == -1)
		return -1;
	if (c->smtp_port == 0 && c->pop3_port == 0 && c->rtsp_port == 0 && c->admin_argc == 0) {
		snprintf(err, errlen, "every service is turned off: nothing to serve");
		return -1;
	}
	return 0;
}
