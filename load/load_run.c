/*
 * load_run.c: prepares one seal-load run before any worker starts: the
 * server's address (getaddrinfo once, IPv4 preferred), the TLS context, for
 * mode smtp the command lines (AUTH PLAIN with the password from
 * --password-file) and the message, for pop3 and rtsp the password and the
 * stream's URL; all shared read-only by the workers.
 * Main thread only.
 */
#include "attrs.h"
#include "load.h"
#include "load_tls.h"
#include "proto.h"
#include "timeconst.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOAD_DATE_MAX       64

int64_t
load_run_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * US_PER_S + ts.tv_nsec / NS_PER_US;
}

/* A formatted copy in *T (malloc'd). 0, or -1 on no memory. */
static int PRINTF_LIKE(2, 3)
load_text_printf(struct load_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (t->p = malloc((size_t)n + 1)) == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(t->p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len = (size_t)n;
	return 0;
}

/* Resolves the URL's host once; the first IPv4 address, else the first. */
static int
load_run_resolve(struct load_run *run, const struct seal_url *u, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL, *pick;

	int rc = getaddrinfo(u->host, u->port, &hints, &res);
	if (rc != 0 || res == NULL) {
		snprintf(err, errlen, "cannot resolve %s: %s", u->host,
		         rc != 0 ? gai_strerror(rc) : "no address");
		if (res != NULL)
			freeaddrinfo(res);
		return -1;
	}
	for (pick = res; pick != NULL && pick->ai_family != AF_INET; pick = pick->ai_next)
		;
	if (pick == NULL)
		pick = res;
	memcpy(&run->addr, pick->ai_addr, pick->ai_addrlen);
	run->addrlen = pick->ai_addrlen;
	char host[INET6_ADDRSTRLEN];
	int v4 = pick->ai_family == AF_INET;
	const void *a = v4 ? (const void *)&((struct sockaddr_in *)pick->ai_addr)->sin_addr
	                   : (const void *)&((struct sockaddr_in6 *)pick->ai_addr)->sin6_addr;
	if (inet_ntop(pick->ai_family, a, host, sizeof host) == NULL)
		snprintf(host, sizeof host, "?");
	snprintf(run->addr_text, sizeof run->addr_text, v4 ? "%s:%s" : "[%s]:%s", host, u->port);
	freeaddrinfo(res);
	return 0;
}

/* "AUTH PLAIN base64(\0user\0password)\r\n" into run->out[AUTH]. */
static int
load_run_auth(struct load_run *run, const struct load_opts *o, char *err, size_t errlen)
{
	char pass[PASSWORD_MAX], line[PROTO_LINE_MAX];
	int rc = -1;

	if (tls_read_pass_file(o->password_file, pass, sizeof pass, err, errlen) == -1)
		return -1;
	if (proto_auth_plain(o->user, pass, line, sizeof line) == -1) {
		snprintf(err, errlen, "user name or password too long");
		goto done;
	}
	if (load_text_printf(&run->out[LOAD_SEND_AUTH], "%s\r\n", line) == -1) {
		snprintf(err, errlen, "cannot encode the credentials");
		goto done;
	}
	rc = 0;
done:
	explicit_bzero(pass, sizeof pass);
	explicit_bzero(line, sizeof line);
	return rc;
}

/* Fills BUF with SIZE body bytes: lines of letters, each ending in CRLF
 * (the last one too when SIZE >= 2), none starting with a dot. */
static void
load_run_body(char *buf, size_t size)
{
	for (size_t i = 0; i < size; i++)
		buf[i] = (char)('a' + (i / LOAD_BODY_LINE + i % LOAD_BODY_LINE) % 26);
	for (size_t p = LOAD_BODY_LINE - 2; size >= 3 && p + 1 < size - 2; p += LOAD_BODY_LINE) {
		buf[p] = '\r';
		buf[p + 1] = '\n';
	}
	if (size >= 2) {
		buf[size - 2] = '\r';
		buf[size - 1] = '\n';
	}
}

/* Headers, SIZE body bytes and the final dot, as one shared buffer. */
static int
load_run_message(struct load_run *run, const char *from, const char *to, long size)
{
	char date[LOAD_DATE_MAX];
	struct load_text head = { NULL, 0 }, *m = &run->out[LOAD_SEND_MESSAGE];
	time_t now = time(NULL);
	struct tm tm;

	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&now, &tm));
	if (load_text_printf(&head, "From: <%s>\r\nTo: <%s>\r\nSubject: seal-load test "
	                     "message\r\nDate: %s\r\n\r\n", from, to, date) == -1)
		return -1;
	m->p = malloc(head.len + (size_t)size + sizeof "\r\n.\r\n");
	if (m->p == NULL) {
		free(head.p);
		return -1;
	}
	memcpy(m->p, head.p, head.len);
	load_run_body(m->p + head.len, (size_t)size);
	m->len = head.len + (size_t)size;
	const char *dot = m->p[m->len - 1] == '\n' ? ".\r\n" : "\r\n.\r\n";
	memcpy(m->p + m->len, dot, strlen(dot) + 1);
	m->len += strlen(dot);
	free(head.p);
	return 0;
}

/* The sender: --user when it holds an '@', else USER@ the domain of --rcpt
 * (the server's mail domain: it takes only local recipients), else
 * USER@DEFAULT_DOMAIN; sealed takes mail only from the user's own address.
 * The length snprintf() wanted. */
static int
load_run_sender(const struct load_opts *o, char *from, size_t len)
{
	const char *at = o->rcpt != NULL ? strrchr(o->rcpt, '@') : NULL;
	if (strchr(o->user, '@') != NULL)
		return snprintf(from, len, "%s", o->user);
	return snprintf(from, len, "%s@%s", o->user, at != NULL ? at + 1 : DEFAULT_DOMAIN);
}

/* The smtp mode's command lines and message. */
static int
load_run_smtp(struct load_run *run, const struct load_opts *o, char *err, size_t errlen)
{
	char from[SMTP_MAX_ADDRESS], to[SMTP_MAX_ADDRESS];
	struct load_text *t = run->out;

	int n = load_run_sender(o, from, sizeof from);
	int m = snprintf(to, sizeof to, "%s", o->rcpt != NULL ? o->rcpt : from);
	if (n < 0 || (size_t)n >= sizeof from || m < 0 || (size_t)m >= sizeof to) {
		snprintf(err, errlen, "sender or recipient address too long");
		return -1;
	}
	if (load_run_auth(run, o, err, errlen) == -1)
		return -1;
	if (load_text_printf(&t[LOAD_SEND_EHLO], "EHLO %s\r\n", LOAD_EHLO_NAME) == -1 ||
	    load_text_printf(&t[LOAD_SEND_MAIL], "MAIL FROM:<%s>\r\n", from) == -1 ||
	    load_text_printf(&t[LOAD_SEND_RCPT], "RCPT TO:<%s>\r\n", to) == -1 ||
	    load_text_printf(&t[LOAD_SEND_DATA], "DATA\r\n") == -1 ||
	    load_text_printf(&t[LOAD_SEND_QUIT], "QUIT\r\n") == -1 ||
	    load_run_message(run, from, to, o->msg_size) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* pop3 and rtsp: the password (when --password-file is given) and the URL
 * that RTSP requests name. */
static int
load_run_services(struct load_run *run, const struct load_opts *o, char *err, size_t errlen)
{
	char hostport[CLIENT_HOST_MAX + URL_PORT_MAX + 2];

	if (o->password_file != NULL &&
	    tls_read_pass_file(o->password_file, run->password, sizeof run->password,
	                       err, errlen) == -1)
		return -1;
	if (o->mode != LOAD_MODE_RTSP)
		return 0;
	options_url_hostport(&o->url, hostport, sizeof hostport);
	if (load_text_printf(&run->target, "rtsps://%s%s", hostport, o->url.path) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
load_run_user(const struct load_run *run, long id, char *out, size_t len)
{
	const char *user = run->opts->user;
	const char *at = strstr(user, LOAD_USER_NUMBER);
	int n;

	if (at == NULL)
		n = snprintf(out, len, "%s", user);
	else
		n = snprintf(out, len, "%.*s%ld%s", (int)(at - user), user, id,
		             at + strlen(LOAD_USER_NUMBER));
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Refuses a host the build cannot name-check (an IP literal without IP SANs). */
static int
load_run_check_name(struct load_run *run, const char *host, char *err, size_t errlen)
{
	WOLFSSL *ssl = wolfSSL_new(run->ctx);

	if (ssl == NULL) {
		snprintf(err, errlen, "cannot create a TLS session");
		return -1;
	}
	int rc = tls_client_expect_name(ssl, host, err, errlen);
	wolfSSL_free(ssl);
	return rc;
}

int
load_run_init(struct load_run *run, const struct load_opts *o,
              char *err, size_t errlen, int *exit_code)
{
	memset(run, 0, sizeof *run);
	run->opts = o;
	atomic_init(&run->budget, o->count);
	*exit_code = EXIT_USAGE;
	if (load_stats_init(&run->stats) == -1) {
		snprintf(err, errlen, "cannot set up the counters");
		*exit_code = EXIT_OTHER;
		return -1;
	}
	run->ctx = load_tls_ctx_new(o->cafile, err, errlen);
	run->verify_name = o->expect_cn != NULL ? o->expect_cn : o->url.host;
	if (run->ctx == NULL || load_run_check_name(run, run->verify_name, err, errlen) == -1)
		return -1;
	if (o->mode == LOAD_MODE_SMTP && load_run_smtp(run, o, err, errlen) == -1)
		return -1;
	if ((o->mode == LOAD_MODE_POP3 || o->mode == LOAD_MODE_RTSP) &&
	    load_run_services(run, o, err, errlen) == -1)
		return -1;
	if (load_run_resolve(run, &o->url, err, errlen) == -1) {
		*exit_code = EXIT_CONNECT;
		return -1;
	}
	return 0;
}

void
load_run_free(struct load_run *run)
{
	for (int i = 0; i < LOAD_SEND_COUNT; i++) {
		if (run->out[i].p != NULL)
			memset(run->out[i].p, 0, run->out[i].len);   /* AUTH holds a secret */
		free(run->out[i].p);
		run->out[i].p = NULL;
	}
	free(run->target.p);
	run->target.p = NULL;
	explicit_bzero(run->password, sizeof run->password);
	if (run->ctx != NULL)
		wolfSSL_CTX_free(run->ctx);
	run->ctx = NULL;
	load_stats_destroy(&run->stats);
}
