/*
 * pins.h: seal's pinned server certificates, SSH style: the file
 * $XDG_CONFIG_HOME/seal/known_servers (else ~/.config/seal/known_servers)
 * holds one line "host:port FINGERPRINT" per server, FINGERPRINT being the
 * SHA-256 of the certificate as colon-separated hex ("AB:CD:..."). Blank
 * lines and '#' comments are kept. The file is rewritten whole, atomically
 * (a temporary file, fsync, rename), mode 0600 in a 0700 directory. Used by
 * the TUI only (batch mode and --show-cert do not pin). One thread.
 */
#ifndef SEAL_PINS_H
#define SEAL_PINS_H

#include <stddef.h>

#include "certinfo.h"
#include "net_defaults.h"

#define PINS_PATH_MAX 4096
#define PINS_ERR_MAX  512

enum pin_result {
	PIN_NEW,        /* no line for this server yet */
	PIN_MATCH,      /* a line for this server holds this fingerprint */
	PIN_MISMATCH,   /* lines for this server, none with this fingerprint */
	PIN_ERROR       /* the file could not be read (see err) */
};

/* One parsed line. */
struct pin_line {
	char server[PINS_LINE_MAX];         /* "host:port" */
	char fingerprint[CERTINFO_TEXT];    /* as written */
};

/* Splits LINE (no newline needed) into PL. 1 for an entry, 0 for a blank or
 * comment line, -1 for a malformed one. */
int pins_parse_line(const char *line, struct pin_line *pl);

/* 1 when fingerprints A and B are the same: case and colons do not count,
 * an optional "SHA256:" prefix neither. */
int pins_same_fingerprint(const char *a, const char *b);

/* The path of the pin file from $XDG_CONFIG_HOME (when absolute) or $HOME.
 * 0, or -1 with a reason in ERR. */
int pins_default_path(char *buf, size_t len, char *err, size_t errlen);

/* Looks SERVER up in the file PATH (a missing file is empty) and compares
 * FINGERPRINT. On PIN_MISMATCH the pinned fingerprint goes to OLD; on
 * PIN_ERROR a reason goes to ERR. */
enum pin_result pins_check(const char *path, const char *server, const char *fingerprint,
                           char *old, size_t oldlen, char *err, size_t errlen);

/* Pins FINGERPRINT for SERVER in PATH: replaces the server's lines (the
 * first keeps its place) or appends one; creates the directory (0700) and
 * the file (0600). 0, or -1 with a reason in ERR (the file is unchanged). */
int pins_store(const char *path, const char *server, const char *fingerprint,
               char *err, size_t errlen);

#endif
