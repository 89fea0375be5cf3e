/*
 * main.c: seal, the client of sealed. Parses the command line, sets up TLS
 * (trust anchor, client certificate, key log), picks the mode (--show-cert,
 * batch, or the terminal's TUI) and turns every outcome into the exit status
 * of CONTRACT.md. The only place that decides exit codes' meaning for the
 * user. A message that may hold a server's bytes (a certificate's names,
 * a reply) is printed through text_printf(). Single-threaded.
 */
#include "batch.h"
#include "defaults.h"
#include "keylog.h"
#include "modules.h"
#include "net_defaults.h"
#include "options.h"
#include "proto.h"
#include "proto_defaults.h"
#include "report.h"
#include "rtsp_batch.h"
#include "session.h"
#include "text.h"
#include "tls.h"
#include "tui.h"
#include "version.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAIN_ERR_MAX 1024

enum seal_mode { MODE_SHOW_CERT, MODE_BATCH, MODE_TUI };

/* Everything one run of seal sets up, released by main_cleanup(). */
struct seal_run {
	const struct seal_opts *o;
	enum seal_mode          mode;
	struct keylog           keylog;
	WOLFSSL_CTX            *ctx;
	struct session_target   target;
	char                    peer[SESSION_PEER_MAX];
	char                    pass[PASSWORD_MAX + 2];   /* +1 to see one too long */
	int                     utf8;     /* the terminal's character set is UTF-8 */
};

static enum seal_mode
main_mode(const struct seal_opts *o)
{
	if (o->show_cert)
		return MODE_SHOW_CERT;
	if (o->batch || !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		return MODE_BATCH;
	return MODE_TUI;
}

/* Reads the password for the automatic login (batch mode needs one with
 * --user; the TUI asks in its AUTH form when there is none). EXIT_OK or
 * EXIT_USAGE (message printed). */
static int
main_credentials(struct seal_run *r)
{
	const struct seal_opts *o = r->o;
	char err[MAIN_ERR_MAX];

	if (o->user == NULL || r->mode == MODE_SHOW_CERT)
		return EXIT_OK;
	if (strlen(o->user) > USER_NAME_MAX) {
		fprintf(stderr, "seal: user name longer than %d characters\n", USER_NAME_MAX);
		return EXIT_USAGE;
	}
	if (o->password_file == NULL) {
		if (r->mode == MODE_TUI)
			return EXIT_OK;
		fprintf(stderr, "seal: --user needs --password-file in batch mode\n");
		return EXIT_USAGE;
	}
	if (tls_read_pass_file(o->password_file, r->pass, sizeof r->pass, err, sizeof err) == -1) {
		fprintf(stderr, "seal: %s\n", err);
		return EXIT_USAGE;
	}
	if (strlen(r->pass) > PASSWORD_MAX) {
		fprintf(stderr, "seal: the password in %s is longer than %d characters\n",
		        o->password_file, PASSWORD_MAX);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Key log, credentials, TLS context and connection target. EXIT_OK, or
 * EXIT_USAGE with the message printed. */
static int
main_setup(struct seal_run *r)
{
	const struct seal_opts *o = r->o;
	struct tls_client_opts tco = { .cafile = o->cafile, .cert = o->cert, .key = o->key };
	char err[MAIN_ERR_MAX];
	int rc;

	if (o->keylog != NULL && keylog_open(&r->keylog, o->keylog, err, sizeof err) == -1) {
		if (!o->keylog_from_env) {
			fprintf(stderr, "seal: %s\n", err);
			return EXIT_USAGE;
		}
		/* an environment-wide setting must not break every run */
		fprintf(stderr, "seal: SSLKEYLOGFILE ignored: %s\n", err);
	}
	if ((rc = main_credentials(r)) != EXIT_OK)
		return rc;
	r->ctx = tls_client_ctx_new(&tco, err, sizeof err);
	if (r->ctx == NULL) {
		fprintf(stderr, "seal: %s\n", err);
		return EXIT_USAGE;
	}
	options_url_hostport(&o->url, r->peer, sizeof r->peer);
	r->target = (struct session_target){
		.host = o->url.host, .port = o->url.port, .peer = r->peer,
		.expect = o->expect_cn ? o->expect_cn : o->url.host,
		.cafile = o->cafile, .sni = o->url.host,
		.keylog = r->keylog.f ? &r->keylog : NULL,
	};
	return EXIT_OK;
}

/* "seal: ERR" on stderr, ERR made safe (it may hold a server's bytes). */
static void
main_error(const struct seal_run *r, const char *err)
{
	text_printf(stderr, r->utf8, "seal: %s\n", err);
}

/* --show-cert: the report on stdout, exit 0 only if every check passed. */
static int
main_show_cert(struct seal_run *r)
{
	struct session s;
	char err[MAIN_ERR_MAX];
	int rc = session_open(&s, r->ctx, &r->target, err, sizeof err);

	if (rc == EXIT_OK || rc == EXIT_CERT)
		report_print(stdout, &s, r->utf8);
	fflush(stdout);
	if (rc != EXIT_OK)
		main_error(r, err);
	session_close(&s);
	return rc;
}

/* Batch mode: the dialogue of batch.c over a verified session. */
static int
main_batch(struct seal_run *r)
{
	const struct client_proto *p = proto_find(r->o->url.scheme);
	struct batch_config cfg = {
		.proto = p, .user = r->o->user, .password = r->pass, .peer = r->peer,
		.reply_timeout_ms = CLIENT_REPLY_TIMEOUT_MS, .utf8 = r->utf8,
	};
	struct session s;
	struct line_io io;
	char err[MAIN_ERR_MAX];
	int rc;

	if (r->o->url.scheme == URL_RTSPS)   /* bytes and frames, not lines: rtsp_batch.c */
		return rtsp_batch_main(r->ctx, &r->target, r->o, r->o->user ? r->pass : NULL,
		                       r->utf8);
	if (p == NULL) {
		fprintf(stderr, "seal: batch mode does not speak %s:// yet (try --show-cert)\n",
		        options_url_scheme_name(r->o->url.scheme));
		return EXIT_OTHER;
	}
	rc = session_open(&s, r->ctx, &r->target, err, sizeof err);
	if (rc != EXIT_OK) {
		main_error(r, err);
	} else {
		if (r->o->verbose)
			report_print(stderr, &s, r->utf8);
		session_line_io(&s, &io);
		rc = batch_run(&cfg, &io, stdin, stdout, stderr);
	}
	session_close(&s);
	return rc;
}

/* The TUI on a terminal; a protocol without a TUI module gets batch mode. */
static int
main_tui(struct seal_run *r)
{
	const struct tui_module *m = modules_find(r->o->url.scheme);
	char url[SESSION_PEER_MAX + sizeof "rtsps://" + CLIENT_PATH_MAX], err[MAIN_ERR_MAX];
	int rc;

	if (m == NULL)
		return main_batch(r);
	snprintf(url, sizeof url, "%s://%s%s", options_url_scheme_name(r->o->url.scheme), r->peer,
	         r->o->url.path);      /* the path: rtsps only */
	struct tui_config cfg = {
		.ctx = r->ctx, .target = &r->target, .mod = m, .url = url,
		.host = r->o->url.host, .user = r->o->user,
		.password = r->o->password_file != NULL ? r->pass : NULL,
		.output = r->o->output, .audio_device = options_audio_device(r->o, 1),
		.buffer_ms = r->o->buffer_ms,
	};
	rc = tui_run(&cfg, err, sizeof err);
	if (rc == -1) {
		main_error(r, err);
		return EXIT_OTHER;
	}
	if (rc != EXIT_OK && err[0] != '\0')
		main_error(r, err);
	return rc;
}

static int
main_run(struct seal_run *r)
{
	int rc = main_setup(r);

	if (rc != EXIT_OK)
		return rc;
	switch (r->mode) {
	case MODE_SHOW_CERT:
		return main_show_cert(r);
	case MODE_TUI:
		return main_tui(r);
	case MODE_BATCH:
	default:
		return main_batch(r);
	}
}

static void
main_cleanup(struct seal_run *r)
{
	if (r->ctx != NULL)
		wolfSSL_CTX_free(r->ctx);
	keylog_close(&r->keylog);
	explicit_bzero(r->pass, sizeof r->pass);
}

int
main(int argc, char **argv)
{
	struct seal_opts o;
	struct seal_run r;
	char err[MAIN_ERR_MAX];
	int rc;

	if (options_parse(&o, argc, argv, err, sizeof err) == -1) {
		fprintf(stderr, "seal: %s\n", err);
		return EXIT_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		return EXIT_OK;
	}
	if (o.version) {
		version_print(stdout, "seal");
		return EXIT_OK;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tls_global_init() == -1) {
		fprintf(stderr, "seal: cannot initialise wolfSSL\n");
		return EXIT_OTHER;
	}
	memset(&r, 0, sizeof r);
	r.o = &o;
	setlocale(LC_CTYPE, "");        /* only to learn the terminal's character set */
	r.utf8 = text_locale_utf8();
	r.mode = main_mode(&o);
	rc = main_run(&r);
	main_cleanup(&r);
	tls_global_cleanup();
	return rc;
}
