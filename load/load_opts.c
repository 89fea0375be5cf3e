/*
 * load_opts.c: parses seal-load's flags with getopt_long (errors go into the
 * caller's buffer, never printed here) and its two words, MODE and URL (the
 * URL through seal's options_url_parse). Main thread only.
 */
#include "load_opts.h"
#include "timeconst.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOAD_MODE_NAME(id, name) name,
static const char *const load_mode_names[] = { LOAD_MODES(LOAD_MODE_NAME) };
#undef LOAD_MODE_NAME

#define LOAD_MODE_LIST "handshake resume smtp pop3 rtsp idle aead"

enum load_opt_id {
	LOPT_RCPT = 256, LOPT_CAFILE, LOPT_USER, LOPT_PASSWORD_FILE, LOPT_JSON,
	LOPT_RAMP, LOPT_THREADS, LOPT_EXPECT_CN, LOPT_NO_GREETING, LOPT_VERSION
};

static const struct option load_long_opts[] = {
	{ "clients",       required_argument, NULL, 'c' },
	{ "duration",      required_argument, NULL, 'd' },
	{ "count",         required_argument, NULL, 'n' },
	{ "size",          required_argument, NULL, 's' },
	{ "rcpt",          required_argument, NULL, LOPT_RCPT },
	{ "cafile",        required_argument, NULL, LOPT_CAFILE },
	{ "expect-cn",     required_argument, NULL, LOPT_EXPECT_CN },
	{ "user",          required_argument, NULL, LOPT_USER },
	{ "password-file", required_argument, NULL, LOPT_PASSWORD_FILE },
	{ "json",          no_argument,       NULL, LOPT_JSON },
	{ "no-greeting",   no_argument,       NULL, LOPT_NO_GREETING },
	{ "ramp",          required_argument, NULL, LOPT_RAMP },
	{ "threads",       required_argument, NULL, LOPT_THREADS },
	{ "help",          no_argument,       NULL, 'h' },
	{ "version",       no_argument,       NULL, LOPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

const char *
load_opts_mode_name(enum load_mode m)
{
	return (unsigned)m < LOAD_MODE_COUNT ? load_mode_names[m] : "?";
}

/* A whole number in [MIN, MAX] from ARG. 0, or -1 with ERR naming FLAG. */
static int
load_opts_long(const char *arg, long min, long max, long *out,
               const char *flag, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		snprintf(err, errlen, "%s wants a whole number from %ld to %ld, not '%s'",
		         flag, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* Seconds (decimals allowed) in [MIN, LOAD_MAX_DURATION_S] from ARG. */
static int
load_opts_seconds(const char *arg, double min, double *out,
                  const char *flag, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	double v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) ||
	    v < min || v > LOAD_MAX_DURATION_S) {
		snprintf(err, errlen, "%s wants seconds from %g to %d, not '%s'",
		         flag, min, LOAD_MAX_DURATION_S, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* Stores the value of a string option; -1 for an empty one. */
static int
load_opts_string(struct load_opts *o, int c, const char *arg)
{
	const char **slot = NULL;

	switch (c) {
	case LOPT_RCPT:          slot = &o->rcpt; break;
	case LOPT_CAFILE:        slot = &o->cafile; break;
	case LOPT_EXPECT_CN:     slot = &o->expect_cn; break;
	case LOPT_USER:          slot = &o->user; break;
	case LOPT_PASSWORD_FILE: slot = &o->password_file; break;
	default:                 return -1;
	}
	if (arg == NULL || *arg == '\0')
		return -1;
	*slot = arg;
	return 0;
}

/* Stores one option. 0, or -1 with ERR. */
static int
load_opts_set(struct load_opts *o, int c, const char *arg, char *err, size_t errlen)
{
	switch (c) {
	case 'c':
		return load_opts_long(arg, 1, LOAD_MAX_CLIENTS, &o->clients, "-c", err, errlen);
	case 'n':
		return load_opts_long(arg, 1, LONG_MAX / 2, &o->count, "-n", err, errlen);
	case 's':
		o->size_set = 1;     /* the mode's own bound is checked later */
		return load_opts_long(arg, 0, LOAD_AEAD_MAX_BYTES, &o->msg_size, "-s", err, errlen);
	case LOPT_THREADS:
		return load_opts_long(arg, 1, LOAD_MAX_THREADS, &o->threads, "--threads", err, errlen);
	case 'd':
		return load_opts_seconds(arg, 0.001, &o->duration_s, "-d", err, errlen);
	case LOPT_RAMP:
		return load_opts_seconds(arg, 0, &o->ramp_s, "--ramp", err, errlen);
	case LOPT_JSON: o->json = 1; return 0;
	case LOPT_NO_GREETING: o->no_greeting = 1; return 0;
	case 'h':       o->help = 1; return 0;
	case LOPT_VERSION: o->version = 1; return 0;
	}
	if (load_opts_string(o, c, arg) == -1) {
		snprintf(err, errlen, "an option needs a non-empty value");
		return -1;
	}
	return 0;
}

/* The name of the option getopt stopped at, for messages. */
static void
load_opts_bad(char **argv, int c, char *err, size_t errlen)
{
	const char *word = argv[optind - 1];

	if (c == ':')
		snprintf(err, errlen, "option %s needs a value", word);
	else if (optopt != 0 && optopt < LOPT_RCPT)
		snprintf(err, errlen, "unknown option -%c", optopt);
	else
		snprintf(err, errlen, "unknown option %s", word);
}

/* MODE: one of load_mode_names. 0, or -1 with ERR. */
static int
load_opts_mode(struct load_opts *o, const char *word, char *err, size_t errlen)
{
	for (int m = 0; m < LOAD_MODE_COUNT; m++)
		if (strcmp(word, load_mode_names[m]) == 0) {
			o->mode = (enum load_mode)m;
			return 0;
		}
	snprintf(err, errlen, "unknown mode '%s' (modes: " LOAD_MODE_LIST ")", word);
	return -1;
}

/* --user with LOAD_USER_NUMBER: only pop3 and rtsp, and only once. */
static int
load_opts_check_user(const struct load_opts *o, char *err, size_t errlen)
{
	const char *p = o->user != NULL ? strstr(o->user, LOAD_USER_NUMBER) : NULL;

	if (p == NULL)
		return 0;
	if (o->mode != LOAD_MODE_POP3 && o->mode != LOAD_MODE_RTSP)
		snprintf(err, errlen, "%s in --user (the client number) is for modes pop3 and rtsp",
		         LOAD_USER_NUMBER);
	else if (strstr(p + 1, LOAD_USER_NUMBER) != NULL)
		snprintf(err, errlen, "--user may hold %s once", LOAD_USER_NUMBER);
	else
		return 0;
	return -1;
}

/* pop3, rtsp and aead. 0, or -1 with ERR. */
static int
load_opts_check_services(struct load_opts *o, char *err, size_t errlen)
{
	enum url_scheme s = o->url.scheme;

	if (o->mode == LOAD_MODE_POP3 && s != URL_POP3S)
		snprintf(err, errlen, "mode pop3 needs a pop3s:// URL");
	else if (o->mode == LOAD_MODE_POP3 && (o->user == NULL || o->password_file == NULL))
		snprintf(err, errlen, "mode pop3 needs --user and --password-file");
	else if (o->mode == LOAD_MODE_RTSP && (s != URL_RTSPS || strcmp(o->url.path, "/") == 0))
		snprintf(err, errlen, "mode rtsp needs rtsps://HOST[:PORT]/PATH naming a stream");
	else if (o->mode == LOAD_MODE_RTSP && o->user != NULL && o->password_file == NULL)
		snprintf(err, errlen, "mode rtsp with --user needs --password-file");
	else if ((o->mode == LOAD_MODE_POP3 || o->mode == LOAD_MODE_RTSP) && o->no_greeting)
		snprintf(err, errlen, "mode %s reads the server's replies: no --no-greeting",
		         load_opts_mode_name(o->mode));
	else if (o->mode == LOAD_MODE_AEAD && o->size_set && o->msg_size < LOAD_AEAD_RECORD)
		snprintf(err, errlen, "mode aead wants -s of at least %d bytes", LOAD_AEAD_RECORD);
	else
		return load_opts_check_user(o, err, errlen);
	return -1;
}

/* Mode-specific rules. 0, or -1 with ERR. */
static int
load_opts_check_mode(struct load_opts *o, char *err, size_t errlen)
{
	enum url_scheme s = o->url.scheme;

	if (o->mode == LOAD_MODE_SMTP && s != URL_SMTPS)
		snprintf(err, errlen, "mode smtp needs an smtps:// URL");
	else if (o->mode == LOAD_MODE_SMTP && (o->user == NULL || o->password_file == NULL))
		snprintf(err, errlen, "mode smtp needs --user and --password-file");
	else if (o->mode == LOAD_MODE_SMTP && o->no_greeting)
		snprintf(err, errlen, "mode smtp needs the server's greeting: no --no-greeting");
	else if (o->mode == LOAD_MODE_SMTP && o->msg_size > LOAD_MAX_MSG_SIZE)
		snprintf(err, errlen, "-s: at most %ld bytes for mode smtp", (long)LOAD_MAX_MSG_SIZE);
	else if ((o->mode == LOAD_MODE_RESUME || o->mode == LOAD_MODE_IDLE) && s == URL_RTSPS &&
	         !o->no_greeting)
		snprintf(err, errlen, "mode %s reads the server's greeting: use an smtps:// "
		         "or pop3s:// URL, or --no-greeting", load_opts_mode_name(o->mode));
	else if (o->mode == LOAD_MODE_IDLE && o->count > 0)
		snprintf(err, errlen, "mode idle holds -c sessions for -d seconds: no -n");
	else
		return load_opts_check_services(o, err, errlen);
	return -1;
}

/* Rules across options, then the mode's. 0, or -1 with ERR. */
static int
load_opts_check(struct load_opts *o, char *err, size_t errlen)
{
	if (o->password_file != NULL && o->user == NULL) {
		snprintf(err, errlen, "--password-file needs --user");
		return -1;
	}
	if (o->rcpt != NULL && o->mode != LOAD_MODE_SMTP) {
		snprintf(err, errlen, "--rcpt is for mode smtp");
		return -1;
	}
	if (o->mode == LOAD_MODE_AEAD) {
		o->clients = o->threads = o->count = 1;   /* one handshake learns the suite */
		o->duration_s = 0;
		if (!o->size_set)
			o->msg_size = LOAD_AEAD_DEFAULT_BYTES;
	}
	if (o->duration_s == 0 && o->count == 0)
		o->duration_s = LOAD_DEFAULT_DURATION_S;
	if (o->threads > o->clients)
		o->threads = o->clients;
	return load_opts_check_mode(o, err, errlen);
}

/* The two words after the options: MODE and URL. */
static int
load_opts_words(struct load_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	if (optind >= argc) {
		snprintf(err, errlen, "missing MODE and URL (try -h)");
		return -1;
	}
	if (load_opts_mode(o, argv[optind], err, errlen) == -1)
		return -1;
	if (optind + 1 >= argc) {
		snprintf(err, errlen, "missing URL (try -h)");
		return -1;
	}
	if (optind + 2 < argc) {
		snprintf(err, errlen, "unexpected argument '%s' after the URL", argv[optind + 2]);
		return -1;
	}
	o->url_text = argv[optind + 1];
	return options_url_parse(&o->url, o->url_text, err, errlen);
}

int
load_opts_parse(struct load_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	int c;

	memset(o, 0, sizeof *o);
	o->clients = LOAD_DEFAULT_CLIENTS;
	o->threads = LOAD_DEFAULT_THREADS;
	o->msg_size = LOAD_DEFAULT_MSG_SIZE;
	o->cafile = DEFAULT_CAFILE;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":c:d:n:s:h", load_long_opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			load_opts_bad(argv, c, err, errlen);
			return -1;
		}
		if (load_opts_set(o, c, optarg, err, errlen) == -1)
			return -1;
	}
	if (o->help || o->version)
		return 0;
	if (load_opts_words(o, argc, argv, err, errlen) == -1)
		return -1;
	return load_opts_check(o, err, errlen);
}

/* The modes and the URL forms. */
static void
load_opts_usage_modes(FILE *out)
{
	fprintf(out,
"usage: seal-load MODE [options] URL\n"
"  MODE  handshake  connect, full TLS handshake (verified), close\n"
"        resume     as handshake, then reconnect resuming the saved session\n"
"        smtp       EHLO, AUTH PLAIN, MAIL, RCPT, DATA of -s bytes, QUIT\n"
"        pop3       USER, PASS, STAT, LIST, RETR of every message (octets checked\n"
"                   against LIST, the final \".\" required), QUIT\n"
"        rtsp       DESCRIBE, SETUP (interleaved), PLAY to the end (RTCP BYE),\n"
"                   TEARDOWN; counts packets, lost, reordered and the lateness of\n"
"                   each packet: arrival (the kernel's receive time) - (PLAY sent\n"
"                   + its RTP time offset)\n"
"        idle       open -c sessions, read the greeting, hold them -d seconds\n"
"        aead       one handshake to learn the negotiated suite, then seal -s bytes\n"
"                   (default 1 GiB) in memory with its AEAD, %d-byte records: the\n"
"                   linked wolfSSL's speed per second of CPU, the yardstick for\n"
"                   pop3's RETR rate\n"
"  URL   smtps://HOST[:PORT]  pop3s://HOST[:PORT]  rtsps://HOST[:PORT]/PATH\n"
"        (handshake, aead: any of them)\n\n", LOAD_AEAD_RECORD);
}

void
load_opts_usage(FILE *out)
{
	load_opts_usage_modes(out);
	fprintf(out,
"  -c N                  concurrent clients (default %d)\n"
"  -d SECONDS            how long to run (default %d without -n)\n"
"  -n COUNT              how many sessions in all (with -d: whichever comes first)\n"
"  -s BYTES              smtp: message body size (default %d); aead: bytes to seal\n"
"  --rcpt ADDR           smtp: recipient (default: USER@" DEFAULT_DOMAIN "); the\n"
"                        sender is USER@ its domain\n"
"  --cafile FILE         trust anchor(s), PEM (default " DEFAULT_CAFILE ")\n"
"  --expect-cn NAME      name the server certificate must carry (default: URL host)\n"
"  --user NAME           smtp, pop3, rtsp: log in as NAME (pop3, rtsp: %s in NAME\n"
"                        is the client number, 0 to N-1: a POP3 maildrop takes\n"
"                        one session at a time) ...\n"
"  --password-file FILE  ... with the password on the first line of FILE\n"
"  --ramp SECONDS        spread the start of the clients over this time\n"
"  --threads N           event loops (default %d; never a thread per client)\n"
"  --no-greeting         resume, idle: the server sends nothing first (a bare TLS\n"
"                        or HTTPS server): idle holds the session right after the\n"
"                        handshake, resume waits for the TLS 1.3 session ticket\n"
"  --json                the final summary as one JSON object\n"
"  --version             print the version and exit\n"
"  -h, --help            this text\n\n",
	        LOAD_DEFAULT_CLIENTS, LOAD_DEFAULT_DURATION_S, LOAD_DEFAULT_MSG_SIZE,
	        LOAD_USER_NUMBER, LOAD_DEFAULT_THREADS);
	fprintf(out,
"Every session verifies the server certificate (chain, dates, name). Latency\n"
"is connect to close (idle: connect to greeting); idle opens at most %d\n"
"sessions at a time per thread. Failures are counted by kind: connect,\n"
"handshake, protocol (unexpected reply or close, a wrong octet count, a\n"
"stream cut short), timeout (a step without progress for %d s). On a\n"
"terminal a live line on stderr shows progress.\n\n"
"Exit status: 0 every session succeeded (idle: all -c held); 1 some failed;\n"
"2 bad usage or an unreadable file; 3 not even the first connection was made.\n",
	        LOAD_MAX_OPENING, LOAD_STEP_TIMEOUT_MS / MS_PER_S);
}
