/*
 * config.h: sealed's settings, from defaults, a config file of `key = value`
 * lines and the command line (CONTRACT.md; sealed.conf(5)). Every long
 * option but --config, --check-config and --purge is also a key of the file,
 * named as the option without its "--"; the command line overrides the file.
 * Parsed by main() before any thread starts and read-only afterwards, so
 * every thread may read it without a lock. A SIGHUP parses a fresh one on
 * the main thread (config_reload); server.c applies what may change live.
 */
#ifndef SEALED_CONFIG_H
#define SEALED_CONFIG_H

#include <stddef.h>

#include "cidr.h"

#define CONFIG_MAX_ARGS     8
#define CONFIG_PROBLEMS_MAX 32     /* problems kept; more are only counted */
#define CONFIG_PROBLEM_LEN  512

struct config {
	const char *listen_addr;
	int         smtp_port, pop3_port, rtsp_port;   /* 0: service off */
	const char *cert, *key, *key_pass_file;
	const char *client_ca;
	int         require_client_cert;
	const char *data_dir;
	const char *log_file;       /* NULL: DATA_DIR/sealed.log */
	const char *domain;
	int         workers;
	long        max_message_size;
	int         max_auth_failures;
	int         max_conns_per_ip;
	const char *run_as_user;
	int         open_registration;
	int         allow_sender_mismatch;   /* MAIL FROM need not be the user's */
	int         debug;
	const char *proxy_from;     /* --proxy-from as given, or NULL */
	struct cidr_list proxy_nets; /* parsed: connections from these start with PROXY */
	const char *node_name;      /* --node-name, or NULL: host name and listen address */
	int         purge;          /* userdel --purge: the Maildir goes too */
	int         check_config;   /* --check-config: report on the settings, exit */
	const char *config_file;    /* the file read, or NULL */
	/* An admin command and its arguments, when one was given. */
	int         admin_argc;
	char       *admin_argv[CONFIG_MAX_ARGS];
	/* The command line, for a reload; the file's text, which string
	 * settings read from it point into (owned: config_free). */
	int         argc;
	char      **argv;
	char       *file_text;
};

/* What is wrong with the settings, one line each ("FILE:LINE: ..." for the
 * config file), for --check-config to list them all. */
struct config_problems {
	int  n;                     /* kept in text[] */
	int  dropped;               /* found beyond CONFIG_PROBLEMS_MAX */
	char text[CONFIG_PROBLEMS_MAX][CONFIG_PROBLEM_LEN];
};

enum config_rc {
	CONFIG_OK,
	CONFIG_HELP,                /* --help: print config_usage() */
	CONFIG_VERSION,             /* --version */
	CONFIG_USAGE,               /* bad command line: text[0] says why (exit 2) */
	CONFIG_INVALID              /* the config file is wrong: every problem listed
	                               (exit 1); C holds what could be read */
};

/* Fills C from the defaults, then the config file (--config FILE, else
 * config_default_path() when that exists), then ARGV. P receives the
 * problems. C must be given to config_free() whatever the result. */
enum config_rc config_parse(struct config *c, int argc, char **argv, struct config_problems *p);

/* SIGHUP: reads the settings again into FRESH, from the command line and
 * the config file that OLD was read from (which must still exist).
 * CONFIG_OK or CONFIG_INVALID/CONFIG_USAGE with P filled. */
enum config_rc config_reload(struct config *fresh, const struct config *old,
                             struct config_problems *p);

/* Frees what config_parse() allocated in C. */
void config_free(struct config *c);

/* 1 when a SIGHUP applies KEY ("max-message-size") to the running server;
 * 0 when it takes a restart (ports, workers, data-dir, ...). */
int config_key_live(const char *key);

/* Calls FN for every setting whose value differs between OLD and NEW, with
 * its key and both values as text. */
typedef void config_diff_fn(const char *key, const char *was, const char *now, void *arg);
void config_diff(const struct config *old, const struct config *new_cfg, config_diff_fn *fn,
                 void *arg);

/* Copies into TO, from FROM, every setting that takes a restart: what a
 * reload keeps. String settings then point into FROM's storage, so FROM
 * must outlive TO. */
void config_keep_restart(struct config *to, const struct config *from);

/* The config file that applies without --config: the installed binary's
 * (make install compiles it in as SEALED_CONFIG_FILE), or NULL for a build
 * in a checkout (bin/sealed), which keeps CONTRACT.md's defaults. */
const char *config_default_path(void);

/* The log file that C means: log_file, or DATA_DIR/sealed.log. */
void config_log_path(const struct config *c, char *buf, size_t len);

/* Prints the usage text to stdout. */
void config_usage(void);

#endif
