/*
 * main.c: sealed's entry point: parse the command line, then run either an
 * admin command or the server. The only place that decides the exit status.
 */
#include "admin.h"
#include "config.h"
#include "server.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
	struct config cfg;
	char err[512];

	int rc = config_parse(&cfg, argc, argv, err, sizeof err);
	if (rc == 1) {
		config_usage();
		return 0;
	}
	if (rc == -1) {
		fprintf(stderr, "sealed: %s\n", err);
		return 2;
	}
	if (cfg.admin_argc > 0) {
		struct admin_opts o = { cfg.purge, cfg.node_name };
		return admin_run(cfg.data_dir, cfg.admin_argc, cfg.admin_argv, &o);
	}
	return server_run(&cfg);
}
