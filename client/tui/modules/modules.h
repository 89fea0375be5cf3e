/*
 * modules.h: the TUI's protocol modules (see tui_module.h), one per URL
 * scheme: which one serves a URL.
 */
#ifndef SEAL_MODULES_H
#define SEAL_MODULES_H

#include "tui_module.h"

/* The TUI module for SCHEME, or NULL when the TUI does not speak it yet. */
const struct tui_module *modules_find(enum url_scheme scheme);

#endif
