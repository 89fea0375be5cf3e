/*
 * checkconf.c: sealed --check-config. Loads what server_run() loads before
 * it serves, by the same functions and rules: the settings (the problems
 * config_parse found come first), the certificate and key (the key's mode
 * rule included) and the client CA, through server_tls_load(); the users
 * file through userdb_open(); as root, the --user account or else the
 * data dir's ownership rule; the WAV files of the media folder; the log's
 * place. Prints one "NAME  what" line each on stdout, then every problem on
 * stderr. Binds nothing, starts no thread, creates and writes no file.
 * Main thread, in place of the server.
 */
#include "checkconf.h"
#include "certinfo.h"
#include "config_opt.h"
#include "defaults.h"
#include "fsutil.h"
#include "media_wav.h"
#include "privdrop.h"
#include "server.h"
#include "tls.h"
#include "userdb.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK_ERR_MAX      512
#define CHECK_PATH_MAX     4096
#define CHECK_SOON_DAYS    30    /* a certificate this close to its end gets a note */
#define CHECK_MEDIA_SHOWN  8     /* streams named on the media line */
#define MS_PER_SECOND      1000.0

static void
checkconf_line(const char *name, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void
checkconf_line(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%-12s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The listeners: one line per service that is on. */
static void
checkconf_listeners(const struct config *c, struct config_problems *p)
{
	static const char *const names[] = { "smtp", "pop3", "rtsp" };
	const int ports[] = { c->smtp_port, c->pop3_port, c->rtsp_port };
	unsigned char addr[sizeof(struct in6_addr)];
	int v6 = inet_pton(AF_INET6, c->listen_addr, addr) == 1;

	if (!v6 && inet_pton(AF_INET, c->listen_addr, addr) != 1)
		config_problem(p, "listen: %s is not a numeric IPv4 or IPv6 address", c->listen_addr);
	for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
		if (ports[i] != 0)
			checkconf_line(names[i], v6 ? "[%s]:%d, implicit TLS" : "%s:%d, implicit TLS",
			               c->listen_addr, ports[i]);
}

/* The certificate's names and dates; expired or not yet valid is a problem. */
static void
checkconf_cert_info(const struct config *c, struct config_problems *p)
{
	struct certinfo ci;
	char err[CHECK_ERR_MAX], until[64];
	time_t now = time(NULL);

	if (certinfo_from_pem_file(&ci, c->cert, err, sizeof err) == -1)
		return;   /* server_tls_load() names the problem */
	long days = certinfo_days_left(&ci, now);
	certinfo_format_time(ci.not_after, until, sizeof until);
	checkconf_line("certificate", "%s: CN=%s; %s; %s; valid until %s (%ld days)", c->cert,
	               ci.subject_cn, ci.sans[0] ? ci.sans : "no subjectAltName", ci.key_type,
	               until, days);
	if (now > ci.not_after)
		config_problem(p, "certificate %s expired on %s", c->cert, until);
	else if (now < ci.not_before)
		config_problem(p, "certificate %s is not valid yet", c->cert);
	else if (days < CHECK_SOON_DAYS)
		checkconf_line("", "note: the certificate ends in %ld days", days);
}

/* Certificate, key (mode rule) and client CA, loaded as the server does. */
static void
checkconf_tls(const struct config *c, struct config_problems *p)
{
	char err[CHECK_ERR_MAX];
	struct stat st;

	if (tls_global_init() == -1) {
		config_problem(p, "cannot initialise wolfSSL");
		return;
	}
	checkconf_cert_info(c, p);
	struct tls_ref *r = server_tls_load(c, err, sizeof err);
	if (r == NULL) {
		config_problem(p, "%s", err);
	} else {
		if (stat(c->key, &st) == 0)
			checkconf_line("key", "%s: mode %04o, owner uid %lu; signs for the certificate",
			               c->key, (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid);
		server_tls_release(r);
	}
	if (c->client_ca != NULL)
		checkconf_line("client certs", "%s, trust anchors %s",
		               c->require_client_cert ? "required" : "asked for", c->client_ca);
	tls_global_cleanup();
}

/* The account of --user, or as root without it the data dir's rule (when
 * the data dir exists: DATA). */
static void
checkconf_account(const struct config *c, struct config_problems *p, int data)
{
	char err[CHECK_ERR_MAX];

	if (c->run_as_user == NULL) {
		if (data && privdrop_check_root_tree(c->data_dir, err, sizeof err) == -1)
			config_problem(p, "%s", err);
		checkconf_line("user", "%s", geteuid() == 0 ? "stays root (no user = NAME)"
		                                            : "the account that starts it");
		return;
	}
	errno = 0;
	struct passwd *pw = getpwnam(c->run_as_user);
	if (pw == NULL)
		config_problem(p, "user %s: no such user", c->run_as_user);
	else if (pw->pw_uid == 0)
		config_problem(p, "user %s: that is root", c->run_as_user);
	else
		checkconf_line("user", "drops to %s (uid %lu) after start-up", c->run_as_user,
		               (unsigned long)pw->pw_uid);
	if (geteuid() != 0)
		config_problem(p, "user %s: the server must be started as root to drop to it",
		               c->run_as_user);
}

/* The data dir and its users file. 1 when the data dir exists. */
static int
checkconf_users(const struct config *c, struct config_problems *p)
{
	char err[CHECK_ERR_MAX];
	struct stat st;

	if (stat(c->data_dir, &st) == -1) {
		if (errno == ENOENT)
			checkconf_line("data dir", "%s: missing; the server makes it (mode 0700)",
			               c->data_dir);
		else
			config_problem(p, "data dir %s: %s", c->data_dir, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		config_problem(p, "data dir %s: not a directory", c->data_dir);
		return 0;
	}
	struct userdb *db = userdb_open(c->data_dir, err, sizeof err);
	if (db == NULL) {
		config_problem(p, "%s", err);
		return 1;
	}
	checkconf_line("data dir", "%s: %zu user(s)%s", c->data_dir, userdb_count(db),
	               c->open_registration ? ", open registration" : "");
	userdb_free(db);
	return 1;
}

/* One file of the media folder: 1 when it is a stream, else a note. */
static int
checkconf_media_file(const char *dir, const char *name)
{
	char path[CHECK_PATH_MAX], why[CHECK_ERR_MAX];
	struct media_wav m;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (media_wav_open(&m, path, why, sizeof why) != MEDIA_OK) {
		checkconf_line("", "note: %s is not served: %s", name, why);
		return 0;
	}
	checkconf_line("", "%s: %.1f s, %u Hz, %s", name,
	               (double)wav_duration_ms(&m.info) / MS_PER_SECOND, m.info.rate,
	               m.info.channels == 1 ? "mono" : "stereo");
	media_wav_close(&m);
	return 1;
}

/* The media folder: each WAV that RTSP would stream. */
static void
checkconf_media(const struct config *c, struct config_problems *p)
{
	char dir[CHECK_PATH_MAX];
	struct dirent *e;
	int streams = 0, shown = 0;

	snprintf(dir, sizeof dir, "%s/%s", c->data_dir, MEDIA_DIR_NAME);
	DIR *d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT)
			checkconf_line("media", "%s: missing; RTSP has no streams", dir);
		else
			config_problem(p, "media %s: %s", dir, strerror(errno));
		return;
	}
	checkconf_line("media", "%s:", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (shown++ < CHECK_MEDIA_SHOWN)
			streams += checkconf_media_file(dir, e->d_name);
	}
	closedir(d);
	if (shown > CHECK_MEDIA_SHOWN)
		checkconf_line("", "and %d more file(s)", shown - CHECK_MEDIA_SHOWN);
	else if (streams == 0)
		checkconf_line("", "no streams");
}

/* Where the log goes: an existing regular file, or a directory to make it in. */
static void
checkconf_log(const struct config *c, struct config_problems *p, int data_dir_exists)
{
	char path[CHECK_PATH_MAX], dir[CHECK_PATH_MAX];
	struct stat st;

	config_log_path(c, path, sizeof path);
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			config_problem(p, "log %s: not a regular file", path);
		else
			checkconf_line("log", "%s", path);
		return;
	}
	fsutil_dirname(path, dir, sizeof dir);
	if (c->log_file == NULL && !data_dir_exists)
		checkconf_line("log", "%s (made with the data dir)", path);
	else if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		config_problem(p, "log %s: its directory %s does not exist", path, dir);
	else
		checkconf_line("log", "%s (made at start)", path);
}

int
checkconf_run(const struct config *c, const struct config_problems *found)
{
	static struct config_problems p;

	p = *found;
	checkconf_line("config", "%s", c->config_file != NULL ? c->config_file
	               : "none (built-in defaults and the command line)");
	checkconf_listeners(c, &p);
	checkconf_tls(c, &p);
	int data = checkconf_users(c, &p);
	checkconf_account(c, &p, data);
	if (data)
		checkconf_media(c, &p);
	checkconf_log(c, &p, data);
	checkconf_line("limits", "workers=%d max-message-size=%ld max-auth-failures=%d "
	               "max-conns-per-ip=%d", c->workers, c->max_message_size,
	               c->max_auth_failures, c->max_conns_per_ip);
	fflush(stdout);
	for (int i = 0; i < p.n; i++)
		fprintf(stderr, "sealed: %s\n", p.text[i]);
	int total = p.n + p.dropped;
	if (total == 0) {
		printf("sealed: the configuration is valid\n");
		return 0;
	}
	fprintf(stderr, "sealed: %d problem(s)%s\n", total,
	        p.dropped > 0 ? ", not all of them shown" : "");
	return 1;
}
