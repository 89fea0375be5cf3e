/*
 * config_default.c: the config file sealed reads when --config is not
 * given. Its own object so that the Makefile can compile a second copy, with
 * SEALED_CONFIG_FILE set, into the binary that `make install` installs
 * ($(SYSCONFDIR)/sealed/sealed.conf); bin/sealed, built in a checkout, reads
 * no file unless told, and keeps CONTRACT.md's defaults.
 */
#include "config.h"

#include <stddef.h>

const char *
config_default_path(void)
{
#ifdef SEALED_CONFIG_FILE
	return SEALED_CONFIG_FILE;
#else
	return NULL;
#endif
}
