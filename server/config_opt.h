/*
 * config_opt.h: one entry of sealed's option table (config.c) and what the
 * config file reader (config_file.c) needs of it. Internal to those two
 * files; main thread only.
 */
#ifndef SEALED_CONFIG_OPT_H
#define SEALED_CONFIG_OPT_H

#include "config.h"
#include "log.h"

#include <stddef.h>

enum opt_kind { OPT_STR, OPT_INT, OPT_LONG, OPT_FLAG };

struct opt {
	const char   *name;         /* "--smtp-port"; the file's key is name + 2 */
	enum opt_kind kind;
	size_t        offset;
	long          min, max;
};

#define OPT_KEY(o) ((o)->name + 2)

/* The entry whose key (the name without "--") is KEY, or NULL. */
const struct opt *config_opt_find(const char *key);

/* 1 for the options that only the command line takes (--config, ...). */
int config_opt_cmdline_only(const struct opt *o);

/* Stores VALUE (text) into C's field for O; LABEL names the setting in a
 * message. A flag takes "yes" or "no". 0, or -1 with ERR. */
int config_opt_set(struct config *c, const struct opt *o, const char *label, const char *value,
                   char *err, size_t errlen);

/* Records one problem in P (a line; counted past CONFIG_PROBLEMS_MAX). */
void config_problem(struct config_problems *p, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Reads PATH's `key = value` lines into C (c->file_text keeps the text).
 * MUST_EXIST 0: a missing file is no problem (the default file). 0, or -1
 * when P received a problem. */
int config_file_read(struct config *c, const char *path, int must_exist,
                     struct config_problems *p);

#endif
