/*
 * modules.c: which TUI module serves which URL scheme (see modules.h).
 */
#include "modules.h"
#include "pop3_menu.h"
#include "rtsp_menu.h"
#include "smtp_menu.h"

static const struct {
	enum url_scheme          scheme;
	const struct tui_module *mod;
} tui_modules[] = {
	{ URL_SMTPS, &smtp_menu_module },
	{ URL_POP3S, &pop3_menu_module },
	{ URL_RTSPS, &rtsp_menu_module },
};

const struct tui_module *
modules_find(enum url_scheme scheme)
{
	for (size_t i = 0; i < sizeof tui_modules / sizeof tui_modules[0]; i++)
		if (tui_modules[i].scheme == scheme)
			return tui_modules[i].mod;
	return NULL;
}
