/*
 * config.h: sealed's settings, from defaults and the command line
 * (CONTRACT.md). Parsed once by main() before any thread starts; read-only
 * afterwards, so every thread may read it without a lock.
 */
#ifndef SEALED_CONFIG_H
#define SEALED_CONFIG_H

#include <stddef.h>

#include "cidr.h"

#define CONFIG_MAX_ARGS 8

struct config {
	const char *listen_addr;
	int         smtp_port, pop3_port, rtsp_port;   /* 0: service off */
	const char *cert, *key, *key_pass_file;
	const char *client_ca;
	int         require_client_cert;
	const char *data_dir;
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
	/* An admin command and its arguments, when one was given. */
	int         admin_argc;
	char       *admin_argv[CONFIG_MAX_ARGS];
};

/* Fills C from ARGV. 0; 1 when --help was printed; -1 with a one-line reason
 * in ERR for bad usage. */
int config_parse(struct config *c, int argc, char **argv, char *err, size_t errlen);

/* Prints the usage text to stdout. */
void config_usage(void);

#endif
