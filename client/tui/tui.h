/*
 * tui.h: seal's terminal interface, the face of the project: the server's
 * certificate with every check, a command menu from the protocol's module,
 * the live transcript both ways, and a status line, in one poll loop over
 * the terminal and the TLS socket. Started by main.c for a terminal
 * without --batch; it owns the terminal until it returns. Main thread.
 */
#ifndef SEAL_TUI_H
#define SEAL_TUI_H

#include <stddef.h>

#include "session.h"
#include "tui_module.h"

struct tui_config {
	WOLFSSL_CTX                 *ctx;
	const struct session_target *target;
	const struct tui_module     *mod;
	const char                  *url;        /* "smtps://localhost:8465" or
	                                            "rtsps://localhost:8322/NAME": the title,
	                                            and what RTSP requests name */
	const char                  *host;       /* the URL's host, for defaults */
	const char                  *user;       /* --user, or NULL */
	const char                  *password;   /* from --password-file (automatic login), or NULL */
	const char                  *pins_path;  /* NULL: $XDG_CONFIG_HOME or ~/.config */
	const char                  *output;     /* --output FILE (rtsps), or NULL */
	const char                  *audio_device;   /* rtsps: the ALSA device, or NULL */
	unsigned                     buffer_ms;      /* rtsps: --buffer */
};

/* Runs the TUI until the user quits. Returns the exit status of
 * CONTRACT.md for the last connection (0; 1 lost; 3 could not connect;
 * 4 certificate rejected or changed, with the reason in ERR), or -1 when
 * the terminal could not be set up (reason in ERR). */
int tui_run(const struct tui_config *cfg, char *err, size_t errlen);

#endif
