/*
 * load_opts.h: seal-load's command line (CONTRACT.md "Load generator:
 * bin/seal-load"): the mode, the URL and the flags, with their defaults and
 * the combinations that make no sense refused. Parsing only: no file is
 * opened and nothing is printed here except by load_opts_usage(). Main thread
 * only (getopt keeps global state).
 */
#ifndef SEAL_LOAD_OPTS_H
#define SEAL_LOAD_OPTS_H

#include <stdio.h>

#include "load_defaults.h"
#include "options.h"

/* The modes; aead is a measurement in memory (one handshake to learn the
 * suite), not load. */
#define LOAD_MODES(X)                 \
	X(HANDSHAKE, "handshake")     \
	X(RESUME,    "resume")        \
	X(SMTP,      "smtp")          \
	X(POP3,      "pop3")          \
	X(RTSP,      "rtsp")          \
	X(IDLE,      "idle")          \
	X(AEAD,      "aead")
#define LOAD_MODE_ENUM(id, name) LOAD_MODE_##id,
enum load_mode { LOAD_MODES(LOAD_MODE_ENUM) LOAD_MODE_COUNT };
#undef LOAD_MODE_ENUM

struct load_opts {
	enum load_mode  mode;
	long            clients;       /* -c */
	long            threads;       /* --threads, at most clients */
	double          duration_s;    /* -d; 0 when only -n bounds the run */
	long            count;         /* -n; 0 for no count */
	long            msg_size;      /* -s: smtp message size; aead: bytes to seal */
	double          ramp_s;        /* --ramp */
	const char     *rcpt;          /* --rcpt, or NULL: USER@localhost */
	const char     *cafile;
	const char     *expect_cn;     /* NULL: the URL's host */
	const char     *user;          /* pop3, rtsp: may hold LOAD_USER_NUMBER once */
	const char     *password_file;
	int             no_greeting;   /* --no-greeting: the server speaks no first line */
	int             json;
	int             help;
	int             version;       /* --version: print it and exit */
	int             size_set;      /* -s was given */
	const char     *url_text;      /* as given, for the summary */
	struct seal_url url;
};

/* Parses ARGV into O, defaults filled in (strings point into ARGV). 0, or -1
 * with a one-line reason in ERR (bad usage). With -h or --version, returns
 * 0 with o->help or o->version set and nothing else checked. */
int load_opts_parse(struct load_opts *o, int argc, char **argv, char *err, size_t errlen);

/* "handshake", "resume", ... */
const char *load_opts_mode_name(enum load_mode m);

/* The help text: modes, options, what is measured, exit codes. */
void load_opts_usage(FILE *out);

#endif
