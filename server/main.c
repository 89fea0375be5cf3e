/*
 * main.c: sealed's entry point: read the settings (config file and command
 * line), then run --check-config, an admin command or the server. The only
 * place that decides the exit status.
 */
#include "admin.h"
#include "checkconf.h"
#include "config.h"
#include "server.h"
#include "version.h"

#include <stdio.h>

#define EXIT_USAGE   2
#define EXIT_INVALID 1

/* Every problem in P, a "sealed: " line each. */
static void
main_problems(const struct config_problems *p)
{
	for (int i = 0; i < p->n; i++)
		fprintf(stderr, "sealed: %s\n", p->text[i]);
	if (p->dropped > 0)
		fprintf(stderr, "sealed: and %d more problem(s)\n", p->dropped);
}

/* What the settings say to do, once they are read (RC). */
static int
main_run(struct config *cfg, enum config_rc rc, const struct config_problems *p)
{
	switch (rc) {
	case CONFIG_HELP:
		config_usage();
		return 0;
	case CONFIG_VERSION:
		version_print(stdout, "sealed");
		return 0;
	case CONFIG_USAGE:
		main_problems(p);
		return EXIT_USAGE;
	case CONFIG_INVALID:
		if (cfg->check_config)
			return checkconf_run(cfg, p);
		main_problems(p);
		return EXIT_INVALID;
	case CONFIG_OK:
		break;
	}
	if (cfg->check_config)
		return checkconf_run(cfg, p);
	if (cfg->admin_argc > 0) {
		struct admin_opts o = { cfg->purge, cfg->node_name };
		return admin_run(cfg->data_dir, cfg->admin_argc, cfg->admin_argv, &o);
	}
	return server_run(cfg);
}

int
main(int argc, char **argv)
{
	static struct config_problems problems;   /* 16 KiB: not on the stack */
	struct config cfg;

	enum config_rc rc = config_parse(&cfg, argc, argv, &problems);
	int status = main_run(&cfg, rc, &problems);
	config_free(&cfg);
	return status;
}
