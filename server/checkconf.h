/*
 * checkconf.h: sealed --check-config, as `nginx -t` and `postfix check`:
 * what the server would load and serve, and every problem, without binding a
 * port, starting a thread or writing a file. Main thread, in place of the
 * server.
 */
#ifndef SEALED_CHECKCONF_H
#define SEALED_CHECKCONF_H

#include "config.h"

/* Checks C, whose reading found the problems in P (listed too). Prints what
 * would be served on stdout and each problem as a "sealed: " line on
 * stderr. The exit status: 0 when there is no problem, else 1. */
int checkconf_run(const struct config *c, const struct config_problems *p);

#endif
