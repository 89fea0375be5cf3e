/*
 * options.c: parses seal's flags (getopt_long, errors reported as one line in
 * a caller's buffer, never printed here) and its URL. Main thread only:
 * getopt keeps global state.
 */
#include "options.h"
#include "decimal.h"
#include "defaults.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define URL_PORT_LIMIT 65535
#define OPT_STR_(x)    #x
#define OPT_STR(x)     OPT_STR_(x)

static const struct url_scheme_info {
	const char     *prefix;
	enum url_scheme scheme;
	int             port;
} url_schemes[] = {
	{ "smtps://", URL_SMTPS, DEFAULT_SMTP_PORT },
	{ "pop3s://", URL_POP3S, DEFAULT_POP3_PORT },
	{ "rtsps://", URL_RTSPS, DEFAULT_RTSP_PORT },
};

const char *
options_url_scheme_name(enum url_scheme s)
{
	switch (s) {
	case URL_SMTPS: return "smtps";
	case URL_POP3S: return "pop3s";
	case URL_RTSPS: return "rtsps";
	}
	return "?";
}

void
options_url_hostport(const struct seal_url *u, char *buf, size_t len)
{
	snprintf(buf, len, u->host_is_v6 ? "[%s]:%s" : "%s:%s", u->host, u->port);
}

/* A host name or IPv4 literal: letters, digits, '-', '.', '_'. */
static int
url_host_ok(const char *h)
{
	if (*h == '\0')
		return 0;
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && *h != '-' && *h != '.' && *h != '_')
			return 0;
	return 1;
}

/* Decimal 1..65535 into u->port. */
static int
url_port(struct seal_url *u, const char *p, size_t n, char *err, size_t errlen)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]) || v > URL_PORT_LIMIT)
			goto bad;
		v = v * 10 + (p[i] - '0');
	}
	if (n == 0 || v < 1 || v > URL_PORT_LIMIT)
		goto bad;
	snprintf(u->port, sizeof u->port, "%ld", v);
	return 0;
bad:
	snprintf(err, errlen, "bad port '%.*s' (1 to %d)", (int)n, p, URL_PORT_LIMIT);
	return -1;
}

/* "[v6]" or "[v6]:port" (A is the authority, N its length). */
static int
url_authority_v6(struct seal_url *u, const char *a, size_t n, char *err, size_t errlen)
{
	const char *close = memchr(a, ']', n);
	unsigned char addr[sizeof(struct in6_addr)];
	size_t hl = close ? (size_t)(close - a - 1) : 0;

	if (close == NULL || hl == 0 || hl >= sizeof u->host) {
		snprintf(err, errlen, "bad IPv6 address in URL (write it as [::1])");
		return -1;
	}
	memcpy(u->host, a + 1, hl);
	u->host[hl] = '\0';
	u->host_is_v6 = 1;
	if (inet_pton(AF_INET6, u->host, addr) != 1) {
		snprintf(err, errlen, "bad IPv6 address '%s' in URL", u->host);
		return -1;
	}
	size_t rest = n - (size_t)(close + 1 - a);
	if (rest == 0)
		return 0;
	if (close[1] != ':') {
		snprintf(err, errlen, "unexpected text after ']' in URL");
		return -1;
	}
	return url_port(u, close + 2, rest - 1, err, errlen);
}

/* "host" or "host:port" (A is the authority, N its length). */
static int
url_authority(struct seal_url *u, const char *a, size_t n, char *err, size_t errlen)
{
	if (memchr(a, '@', n) != NULL) {
		snprintf(err, errlen, "no user name in the URL: give --user NAME");
		return -1;
	}
	if (n > 0 && a[0] == '[')
		return url_authority_v6(u, a, n, err, errlen);
	const char *colon = memchr(a, ':', n);
	size_t hl = colon ? (size_t)(colon - a) : n;
	if (hl >= sizeof u->host) {
		snprintf(err, errlen, "host name too long in URL");
		return -1;
	}
	memcpy(u->host, a, hl);
	u->host[hl] = '\0';
	if (colon != NULL && memchr(colon + 1, ':', n - hl - 1) != NULL) {
		snprintf(err, errlen, "an IPv6 address in a URL needs brackets: [%.*s]", (int)n, a);
		return -1;
	}
	if (!url_host_ok(u->host)) {
		snprintf(err, errlen, "bad host '%s' in URL", u->host);
		return -1;
	}
	return colon ? url_port(u, colon + 1, n - hl - 1, err, errlen) : 0;
}

/* The part from the first '/': rtsps keeps it ("/" at least), others allow "/" only. */
static int
url_path(struct seal_url *u, const char *p, char *err, size_t errlen)
{
	for (const char *c = p; *c; c++)
		if (!isgraph((unsigned char)*c)) {
			snprintf(err, errlen, "spaces or control characters in URL");
			return -1;
		}
	if (u->scheme != URL_RTSPS) {
		if (*p != '\0' && strcmp(p, "/") != 0) {
			snprintf(err, errlen, "%s URLs take no path",
			         options_url_scheme_name(u->scheme));
			return -1;
		}
		u->path[0] = '\0';
		return 0;
	}
	if (strlen(p) >= sizeof u->path) {
		snprintf(err, errlen, "URL path too long");
		return -1;
	}
	snprintf(u->path, sizeof u->path, "%s", *p ? p : "/");
	return 0;
}

int
options_url_parse(struct seal_url *u, const char *s, char *err, size_t errlen)
{
	const struct url_scheme_info *si = NULL;

	memset(u, 0, sizeof *u);
	for (size_t i = 0; i < sizeof url_schemes / sizeof url_schemes[0]; i++)
		if (strncasecmp(s, url_schemes[i].prefix, strlen(url_schemes[i].prefix)) == 0)
			si = &url_schemes[i];
	if (si == NULL) {
		snprintf(err, errlen, "bad URL '%s': use smtps://HOST[:PORT], "
		         "pop3s://HOST[:PORT] or rtsps://HOST[:PORT]/PATH", s);
		return -1;
	}
	u->scheme = si->scheme;
	snprintf(u->port, sizeof u->port, "%d", si->port);
	const char *auth = s + strlen(si->prefix);
	size_t n = strcspn(auth, "/");
	if (n == 0) {
		snprintf(err, errlen, "no host in URL '%s'", s);
		return -1;
	}
	if (url_authority(u, auth, n, err, errlen) == -1)
		return -1;
	return url_path(u, auth + n, err, errlen);
}

enum opt_id {
	OPT_CAFILE = 256, OPT_EXPECT_CN, OPT_CERT, OPT_KEY, OPT_USER,
	OPT_PASSWORD_FILE, OPT_BATCH, OPT_SHOW_CERT, OPT_OUTPUT, OPT_KEYLOG,
	OPT_PLAY, OPT_NO_AUDIO, OPT_AUDIO_DEVICE, OPT_BUFFER, OPT_VERSION
};

static const struct option opt_long[] = {
	{ "cafile",        required_argument, NULL, OPT_CAFILE },
	{ "expect-cn",     required_argument, NULL, OPT_EXPECT_CN },
	{ "cert",          required_argument, NULL, OPT_CERT },
	{ "key",           required_argument, NULL, OPT_KEY },
	{ "user",          required_argument, NULL, OPT_USER },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "batch",         no_argument,       NULL, OPT_BATCH },
	{ "show-cert",     no_argument,       NULL, OPT_SHOW_CERT },
	{ "output",        required_argument, NULL, OPT_OUTPUT },
	{ "keylog",        required_argument, NULL, OPT_KEYLOG },
	{ "play",          no_argument,       NULL, OPT_PLAY },
	{ "no-audio",      no_argument,       NULL, OPT_NO_AUDIO },
	{ "audio-device",  required_argument, NULL, OPT_AUDIO_DEVICE },
	{ "buffer",        required_argument, NULL, OPT_BUFFER },
	{ "verbose",       no_argument,       NULL, 'v' },
	{ "help",          no_argument,       NULL, 'h' },
	{ "version",       no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* --buffer MS: 0, or -1 when it is not a whole number of milliseconds
 * within JITTER_BUFFER_MIN_MS .. JITTER_BUFFER_MAX_MS. */
static int
options_buffer(struct seal_opts *o, const char *arg)
{
	uint64_t ms;

	if (arg == NULL || decimal_parse(arg, strlen(arg), JITTER_BUFFER_MAX_MS, &ms) == -1 ||
	    ms < JITTER_BUFFER_MIN_MS)
		return -1;
	o->buffer_ms = (unsigned)ms;
	return 0;
}

/* The sound flags: all of them say the user thought of sound. */
static int
options_set_audio(struct seal_opts *o, int c, const char *arg)
{
	o->audio_flags = 1;
	switch (c) {
	case OPT_PLAY:          o->play = 1; return 0;
	case OPT_NO_AUDIO:      o->no_audio = 1; return 0;
	case OPT_BUFFER:        return options_buffer(o, arg);
	case OPT_AUDIO_DEVICE:
	default:
		if (arg == NULL || *arg == '\0')
			return -1;
		o->audio_device = arg;
		return 0;
	}
}

/* Stores one option's value; -1 for an empty value. */
static int
options_set(struct seal_opts *o, int c, const char *arg)
{
	const char **slot = NULL;

	switch (c) {
	case OPT_PLAY:
	case OPT_NO_AUDIO:
	case OPT_AUDIO_DEVICE:
	case OPT_BUFFER:        return options_set_audio(o, c, arg);
	case OPT_CAFILE:        slot = &o->cafile; break;
	case OPT_EXPECT_CN:     slot = &o->expect_cn; break;
	case OPT_CERT:          slot = &o->cert; break;
	case OPT_KEY:           slot = &o->key; break;
	case OPT_USER:          slot = &o->user; break;
	case OPT_PASSWORD_FILE: slot = &o->password_file; break;
	case OPT_OUTPUT:        slot = &o->output; break;
	case OPT_KEYLOG:        slot = &o->keylog; break;
	case OPT_BATCH:         o->batch = 1; return 0;
	case OPT_SHOW_CERT:     o->show_cert = 1; return 0;
	case 'v':               o->verbose = 1; return 0;
	case 'h':               o->help = 1; return 0;
	case OPT_VERSION:       o->version = 1; return 0;
	default:                return -1;
	}
	if (arg == NULL || *arg == '\0')
		return -1;
	*slot = arg;
	return 0;
}

/* The name of the option getopt stopped at, for messages. */
static void
options_bad(char **argv, int c, char *err, size_t errlen)
{
	const char *word = argv[optind - 1];

	if (c == ':')
		snprintf(err, errlen, "option %s needs a value", word);
	else if (optopt != 0 && optopt < OPT_CAFILE)
		snprintf(err, errlen, "unknown option -%c", optopt);
	else
		snprintf(err, errlen, "unknown option %s", word);
}

/* Combinations that make no sense. 0, or -1 with ERR. */
static int
options_check(const struct seal_opts *o, char *err, size_t errlen)
{
	if ((o->cert == NULL) != (o->key == NULL))
		snprintf(err, errlen, "--cert and --key go together");
	else if (o->password_file != NULL && o->user == NULL)
		snprintf(err, errlen, "--password-file needs --user");
	else if (o->batch && o->show_cert)
		snprintf(err, errlen, "choose one of --batch and --show-cert");
	else if (o->output != NULL && o->url.scheme != URL_RTSPS)
		snprintf(err, errlen, "--output is for rtsps:// URLs");
	else if (o->audio_flags && o->url.scheme != URL_RTSPS)
		snprintf(err, errlen, "--play, --no-audio, --audio-device and --buffer are for "
		         "rtsps:// URLs");
	else if (o->play && o->no_audio)
		snprintf(err, errlen, "choose one of --play and --no-audio");
	else
		return 0;
	return -1;
}

int
options_parse(struct seal_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	const char *env = getenv("SSLKEYLOGFILE");
	int c;

	memset(o, 0, sizeof *o);
	o->cafile = DEFAULT_CAFILE;
	o->audio_device = CLIENT_AUDIO_DEVICE;
	o->buffer_ms = JITTER_BUFFER_MS;
	opterr = 0;
	optind = 0;                  /* GNU: start afresh (tests parse repeatedly) */
	while ((c = getopt_long(argc, argv, ":hv", opt_long, NULL)) != -1) {
		if (c == '?' || c == ':') {
			options_bad(argv, c, err, errlen);
			return -1;
		}
		if (options_set(o, c, optarg) == -1) {
			const char *word = argv[optind - 1];
			if (optarg == word)              /* "--cafile FILE": the name is before */
				word = argv[optind - 2];
			if (c == OPT_BUFFER)
				snprintf(err, errlen, "option --buffer takes milliseconds, %d to %d",
				         JITTER_BUFFER_MIN_MS, JITTER_BUFFER_MAX_MS);
			else
				snprintf(err, errlen, "option %.*s needs a non-empty value",
				         (int)strcspn(word, "="), word);
			return -1;
		}
	}
	if (o->help || o->version)
		return 0;
	if (o->keylog == NULL && env != NULL && *env != '\0') {
		o->keylog = env;
		o->keylog_from_env = 1;
	}
	if (optind >= argc) {
		snprintf(err, errlen, "missing URL (try --help)");
		return -1;
	}
	if (optind + 1 < argc) {
		snprintf(err, errlen, "unexpected argument '%s' after the URL", argv[optind + 1]);
		return -1;
	}
	if (options_url_parse(&o->url, argv[optind], err, errlen) == -1)
		return -1;
	return options_check(o, err, errlen);
}

const char *
options_audio_device(const struct seal_opts *o, int tui)
{
	if (o->url.scheme != URL_RTSPS || o->no_audio || (!tui && !o->play))
		return NULL;
	return o->audio_device;
}

void
options_usage(FILE *out)
{
	fputs(
"usage: seal [options] URL\n"
"  URL: smtps://HOST[:PORT] (8465)  pop3s://HOST[:PORT] (8995)\n"
"       rtsps://HOST[:PORT]/PATH (8322); an IPv6 address goes in brackets: [::1]\n"
"\n"
"  --cafile FILE         trust anchor(s), PEM (default " DEFAULT_CAFILE ")\n"
"  --expect-cn NAME      name the server certificate must carry (default: URL host)\n"
"  --cert FILE --key FILE  client certificate and key for mutual TLS\n"
"  --user NAME           log in as NAME ...\n"
"  --password-file FILE  ... with the password on the first line of FILE\n"
"  --batch               no TUI: protocol lines from stdin, transcript on stdout\n"
"                        ('C: ' and 'S: ' lines); AUTH secrets show as " CLIENT_MASK "\n"
"  --show-cert           print the certificate report and the checks, then exit\n"
"  --output FILE         rtsps: write the received audio as a WAV file\n"
"  --play                rtsps, batch: play the stream through the sound card\n"
"                        (the TUI plays by default)\n"
"  --no-audio            rtsps, TUI: do not play (meters and --output only)\n"
"  --audio-device NAME   rtsps: the ALSA device to play to (default \"" CLIENT_AUDIO_DEVICE "\";\n"
"                        hw:0, plughw:1,0, or a name from ~/.asoundrc)\n"
"  --buffer MS           rtsps: audio held before playing (default "
OPT_STR(JITTER_BUFFER_MS) " ms, " OPT_STR(JITTER_BUFFER_MIN_MS) "\n"
"                        to " OPT_STR(JITTER_BUFFER_MAX_MS) "): it rides out the network's "
"hiccups\n"
"  --keylog FILE         append TLS secrets in NSS key log format (also\n"
"                        $SSLKEYLOGFILE); needs wolfSSL with HAVE_SECRET_CALLBACK\n"
"  -v, --verbose         batch: also report the connection and checks on stderr\n"
"  --version             print the version and exit\n"
"  -h, --help            this text\n"
"\n"
"Without --batch or --show-cert: batch mode when stdout is not a terminal.\n"
"\n"
"Exit status: 0 success; 1 other error (server closed the connection, reply\n"
"timeout); 2 bad usage, or an unreadable --cafile, --cert, --key or\n"
"--password-file; 3 cannot connect or TLS handshake failed; 4 server\n"
"certificate rejected (untrusted, expired, not yet valid, name mismatch);\n"
"5 authentication failed.\n", out);
}
