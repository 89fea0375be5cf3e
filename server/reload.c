/*
 * reload.c: SIGHUP. Reopens the log, reads the command line and the config
 * file again, and applies what may change while workers run (server.h says
 * how each is shared): the certificate, key and client CA as a new TLS
 * context swapped in under tls_lock; the limits and policies as the atomics
 * of struct server_live, max-conns-per-ip through iplimit, debug through the
 * logger. A setting that takes a restart is logged and keeps its value (the
 * one in s->cfg, which never changes); a file with a problem changes
 * nothing. Then the users file. Main thread.
 */
#include "reload.h"
#include "config.h"
#include "iplimit.h"
#include "log.h"
#include "notify.h"
#include "server.h"
#include "userdb.h"

#include <pthread.h>
#include <stdlib.h>

#define RELOAD_ERR_MAX 512

/* A new certificate and key (C's) for new connections; the connections
 * open keep theirs. Loaded at every reload, changed names or not: a renewed
 * certificate keeps its file name. */
static void
reload_tls(struct server *s, const struct config *c)
{
	char err[RELOAD_ERR_MAX];
	struct tls_ref *fresh = server_tls_load(c, err, sizeof err);
	if (fresh == NULL) {
		log_warnx("reload: %s; keeping the old certificate", err);
		return;
	}
	pthread_mutex_lock(&s->tls_lock);
	struct tls_ref *old = s->tls;
	s->tls = fresh;
	pthread_mutex_unlock(&s->tls_lock);
	server_tls_release(old);
	log_info("reload: certificate %s and key %s loaded", c->cert, c->key);
}

/* config_diff(): a setting that takes a restart changed in the file. */
static void
reload_kept(const char *key, const char *was, const char *now, void *arg)
{
	(void)arg;
	if (!config_key_live(key))
		log_warnx("reload: %s changed from %s to %s: that takes a restart; keeping %s",
		          key, was, now, was);
}

/* config_diff(): a live setting changed. */
static void
reload_changed(const char *key, const char *was, const char *now, void *arg)
{
	(void)arg;
	log_info("reload: %s changed from %s to %s", key, was, now);
}

/* Applies FRESH, a valid configuration read again: what takes a restart is
 * logged and keeps its running value (s->cfg's), the rest goes live. FRESH
 * becomes *NOW. */
static void
reload_apply(struct server *s, struct config **nowp, struct config *fresh)
{
	const struct config *now = *nowp != NULL ? *nowp : s->cfg;

	config_diff(s->cfg, fresh, reload_kept, NULL);
	config_keep_restart(fresh, s->cfg);
	config_diff(now, fresh, reload_changed, NULL);
	reload_tls(s, fresh);
	server_live_set(s, fresh);
	iplimit_set_max(s->iplimit, fresh->max_conns_per_ip);
	log_set_debug(fresh->debug);
	if (*nowp != NULL) {
		config_free(*nowp);
		free(*nowp);
	}
	*nowp = fresh;
}

/* Reads the settings again (command line and config file). A file with a
 * problem changes nothing: every problem is logged. */
static void
reload_config(struct server *s, struct config **nowp)
{
	struct config_problems *p = calloc(1, sizeof *p);
	struct config *fresh = calloc(1, sizeof *fresh);

	if (p == NULL || fresh == NULL) {
		log_warnx("reload: out of memory; keeping the running settings");
		goto out;
	}
	if (config_reload(fresh, *nowp != NULL ? *nowp : s->cfg, p) != CONFIG_OK) {
		for (int i = 0; i < p->n; i++)
			log_warnx("reload: %s", p->text[i]);
		log_warnx("reload: %d problem(s) in the settings; keeping the running ones",
		          p->n + p->dropped);
		goto out;
	}
	reload_apply(s, nowp, fresh);
	fresh = NULL;
out:
	if (fresh != NULL)
		config_free(fresh);
	free(fresh);
	free(p);
}

void
reload_run(struct server *s, struct config **now, int notify_fd)
{
	notify_send(notify_fd, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
	            notify_monotonic_usec());
	if (log_reopen() == -1)
		log_warn("reload: cannot reopen the log; writing on to the old file");
	reload_config(s, now);
	if (userdb_refresh(s->users) == -1)
		log_warnx("reload: cannot read the users file; keeping the old users");
	else
		log_info("reload: %zu users", userdb_count(s->users));
	notify_send(notify_fd, "READY=1\nSTATUS=serving (reloaded)");
}
