/*
 * options.h: seal's command line: the flags of CONTRACT.md "Client: bin/seal"
 * and the URL (smtps://, pop3s://, rtsps://). Parsing only: no file is opened
 * and nothing is printed here. Main thread.
 */
#ifndef SEAL_OPTIONS_H
#define SEAL_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "proto_defaults.h"

#define URL_PORT_MAX  sizeof "65535"

enum url_scheme { URL_SMTPS, URL_POP3S, URL_RTSPS };

struct seal_url {
	enum url_scheme scheme;
	char host[CLIENT_HOST_MAX];  /* name or address, IPv6 without brackets */
	char port[URL_PORT_MAX];     /* decimal, 1..65535 */
	char path[CLIENT_PATH_MAX];  /* rtsps: "/PATH" (at least "/"); else "" */
	int  host_is_v6;             /* the URL wrote it as [v6] */
};

struct seal_opts {
	const char *cafile;
	const char *expect_cn;       /* NULL: the URL's host */
	const char *cert, *key;      /* mutual TLS, both or neither */
	const char *user;
	const char *password_file;
	const char *output;          /* rtsps: WAV file */
	const char *audio_device;    /* rtsps: the ALSA PCM (default CLIENT_AUDIO_DEVICE) */
	unsigned    buffer_ms;       /* rtsps: the jitter buffer (default JITTER_BUFFER_MS) */
	int         play;            /* --play: batch mode plays the stream too */
	int         no_audio;        /* --no-audio: the TUI stays silent */
	int         audio_flags;     /* one of the four above was given */
	const char *keylog;          /* --keylog, else $SSLKEYLOGFILE, else NULL */
	int         keylog_from_env; /* keylog came from $SSLKEYLOGFILE */
	int         batch;
	int         show_cert;
	int         verbose;
	int         help;
	int         version;         /* --version: print it and exit */
	struct seal_url url;
};

/* The ALSA device O plays to, or NULL for none: the TUI plays unless
 * --no-audio, batch mode only with --play; rtsps:// only. */
const char *options_audio_device(const struct seal_opts *o, int tui);

/* Parses ARGV into O (defaults filled in; strings point into ARGV or the
 * environment). 0, or -1 with a one-line reason in ERR for bad usage. With
 * -h/--help or --version, returns 0 with o->help or o->version set and the
 * URL unparsed. */
int options_parse(struct seal_opts *o, int argc, char **argv, char *err, size_t errlen);

/* Parses "smtps://host[:port]", "pop3s://[v6]:port", "rtsps://host/path".
 * 0, or -1 with a reason in ERR. */
int options_url_parse(struct seal_url *u, const char *s, char *err, size_t errlen);

/* The scheme's name without "://" ("smtps"). */
const char *options_url_scheme_name(enum url_scheme s);

/* "host:port", or "[v6]:port", into BUF for messages. */
void options_url_hostport(const struct seal_url *u, char *buf, size_t len);

/* The help text (the options, the modes and the exit codes). */
void options_usage(FILE *out);

#endif
