/*
 * server.c: the main thread of sealed. Sets up shared state, opens the
 * listeners, drops privileges, starts the job pool and the workers, then
 * accepts connections and hands each to the least loaded worker, and handles
 * signals: SIGHUP reloads the config file, certificate, key and users and
 * reopens the log (reload.c), SIGUSR1 reopens the log (logrotate), SIGINT
 * and SIGTERM stop accepting, let transactions in flight finish, and exit
 * 0. Tells systemd (notify.c) when it is ready, reloading and stopping.
 */
#include "server.h"
#include "cidr.h"
#include "conn.h"
#include "control.h"
#include "server_defaults.h"
#include "fsutil.h"
#include "iplimit.h"
#include "jobs.h"
#include "listener.h"
#include "log.h"
#include "maildir.h"
#include "notify.h"
#include "privdrop.h"
#include "reload.h"
#include "service.h"
#include "throttle.h"
#include "tls.h"
#include "userdb.h"
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>

#define MAX_LISTENERS   3
#define ACCEPT_PAUSE_MS 100   /* after EMFILE: let connections close first */

/* The main thread's own state. */
struct server_loop {
	struct listener lst[MAX_LISTENERS];
	int             nlst;
	int             sigfd;
	int             ctlfd;
	int             notify_fd;    /* $NOTIFY_SOCKET, or -1 */
	struct config  *now;          /* the settings of the last reload (owned), or
	                                 NULL: those read at start (s->cfg) */
};

struct tls_ref *
server_tls_acquire(struct server *s)
{
	pthread_mutex_lock(&s->tls_lock);
	struct tls_ref *r = s->tls;
	atomic_fetch_add(&r->refs, 1);
	pthread_mutex_unlock(&s->tls_lock);
	return r;
}

void
server_tls_release(struct tls_ref *r)
{
	if (r != NULL && atomic_fetch_sub(&r->refs, 1) == 1) {
		wolfSSL_CTX_free(r->ctx);
		free(r);
	}
}

/* Refuses a private key that others may read or change, like PostgreSQL:
 * mode 0600 or stricter, or 0640 when owned by root (a key shared with a
 * group such as Debian's ssl-cert). Encrypted keys too: the rule stays one
 * line in --help. 0, or -1 with ERR. */
static int
server_key_private(const char *key, char *err, size_t errlen)
{
	struct stat st;

	if (stat(key, &st) == -1)
		return 0;   /* the loader names a missing or unreadable key */
	mode_t m = st.st_mode & 0777;
	int group_ok = st.st_uid == 0 && (m & 070) == 040;
	if ((m & 007) != 0 || ((m & 070) != 0 && !group_ok)) {
		snprintf(err, errlen, "key %s is readable or writable by others (mode %04o): "
		         "chmod 600 it (or 640 if root owns it)", key, (unsigned)m);
		return -1;
	}
	return 0;
}

struct tls_ref *
server_tls_load(const struct config *cfg, char *err, size_t errlen)
{
	if (server_key_private(cfg->key, err, errlen) == -1)
		return NULL;
	struct tls_server_opts o = {
		.cert = cfg->cert, .key = cfg->key, .key_pass_file = cfg->key_pass_file,
		.client_ca = cfg->client_ca, .require_client_cert = cfg->require_client_cert,
	};
	struct tls_ref *r = calloc(1, sizeof *r);
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((r->ctx = tls_server_ctx_new(&o, err, errlen)) == NULL) {
		free(r);
		return NULL;
	}
	atomic_init(&r->refs, 1);
	return r;
}

/* The services this build serves, in CONTRACT.md's port order. */
static const struct service *
server_service_for(int index)
{
	switch (index) {
	case 0: return &service_smtp;
	case 1: return &service_pop3;
	case 2: return &service_rtsp;
	default: return NULL;
	}
}

/* Opens a listener per enabled service. 0, or -1 with ERR. */
static int
server_listen(const struct config *cfg, struct server_loop *lp, char *err, size_t errlen)
{
	const int ports[MAX_LISTENERS] = { cfg->smtp_port, cfg->pop3_port, cfg->rtsp_port };
	static const char *const names[MAX_LISTENERS] = { "smtp", "pop3", "rtsp" };

	for (int i = 0; i < MAX_LISTENERS; i++) {
		if (ports[i] == 0)
			continue;
		const struct service *svc = server_service_for(i);
		if (svc == NULL) {
			log_info("%s is not served by this version of sealed; port %d left closed",
			         names[i], ports[i]);
			continue;
		}
		int fd = listener_open(cfg->listen_addr, ports[i], err, errlen);
		if (fd == -1)
			return -1;
		lp->lst[lp->nlst++] = (struct listener){ fd, svc, ports[i] };
	}
	if (lp->nlst == 0) {
		snprintf(err, errlen, "no service to serve");
		return -1;
	}
	return 0;
}

/* The numeric address of a just-accepted socket's peer, for the IP limit.
 * 1 when it is a trusted proxy (--proxy-from), whose connections begin with
 * a PROXY header and are counted under the client it names, else 0. */
static int
server_peer_ip(const struct server *s, int fd, char *ip, size_t len)
{
	struct sockaddr_storage sa = { 0 };   /* clang-analyzer: set for the compare below */
	socklen_t sl = sizeof sa;

	snprintf(ip, len, "%s", "");
	if (getpeername(fd, (struct sockaddr *)&sa, &sl) == -1)
		return 0;
	if (sa.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, ip, (socklen_t)len);
	else if (sa.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, ip, (socklen_t)len);
	return cidr_list_match(&s->cfg->proxy_nets, (const struct sockaddr *)&sa);
}

static struct worker *
server_pick_worker(struct server *s, int *total)
{
	struct worker *best = s->workers[0];
	int best_load = worker_load(best);
	*total = 0;
	for (int i = 0; i < s->nworkers; i++) {
		int load = worker_load(s->workers[i]);
		*total += load;
		if (load < best_load) {
			best = s->workers[i];
			best_load = load;
		}
	}
	return best;
}

/* Accepts what is waiting on L. -1 when accept ran out of descriptors. */
static int
server_accept(struct server *s, const struct listener *l)
{
	char ip[INET6_ADDRSTRLEN];
	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				log_warn("accept on port %d", l->port);
				return -1;
			}
			return 0;   /* EAGAIN, or a connection that died in the queue */
		}
		int total, one = 1;
		/* replies are small writes: send each at once (no Nagle delay) */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct worker *w = server_pick_worker(s, &total);
		int proxied = server_peer_ip(s, fd, ip, sizeof ip);
		if (total >= s->max_conns || (!proxied && iplimit_acquire(s->iplimit, ip) == -1)) {
			log_warnx("%s: connection to port %d refused: too many connections%s", ip,
			          l->port, total >= s->max_conns ? "" : " from this address");
			STATS_ADD(&s->stats, conns_refused, 1);
			close(fd);
			continue;
		}
		if (worker_give(w, fd, l->svc, proxied) == -1) {
			if (!proxied)
				iplimit_release(s->iplimit, ip);
			close(fd);
		}
	}
}

/* Handles one signal. 1 when the server must stop. */
static int
server_on_signal(struct server *s, struct server_loop *lp)
{
	struct signalfd_siginfo si;
	if (read(lp->sigfd, &si, sizeof si) != (ssize_t)sizeof si)
		return 0;
	if (si.ssi_signo == SIGHUP) {
		reload_run(s, &lp->now, lp->notify_fd);
		return 0;
	}
	if (si.ssi_signo == SIGUSR1) {
		if (log_reopen() == -1)
			log_warn("cannot reopen the log; writing on to the old file");
		else
			log_info("log reopened");
		return 0;
	}
	notify_send(lp->notify_fd, "STOPPING=1\nSTATUS=stopping");
	log_info("signal %d: stopping; transactions in flight may finish", (int)si.ssi_signo);
	return 1;
}

/* Accepts and handles signals until told to stop. */
static void
server_loop(struct server *s, struct server_loop *lp)
{
	struct pollfd pfd[MAX_LISTENERS + 2];
	int paused = 0;

	for (;;) {
		int n = 0;
		pfd[n++] = (struct pollfd){ .fd = lp->sigfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = lp->ctlfd, .events = POLLIN };
		for (int i = 0; i < lp->nlst && !paused; i++)
			pfd[n++] = (struct pollfd){ .fd = lp->lst[i].fd, .events = POLLIN };
		int rc = poll(pfd, (nfds_t)n, paused ? ACCEPT_PAUSE_MS : -1);
		if (rc == -1 && errno != EINTR) {
			log_warn("poll");
			return;
		}
		paused = 0;
		if (rc > 0 && (pfd[0].revents & POLLIN) && server_on_signal(s, lp))
			return;
		if (rc > 0 && (pfd[1].revents & POLLIN))
			control_serve(lp->ctlfd, &s->stats);
		for (int i = 2; i < n; i++)
			if ((pfd[i].revents & POLLIN) && server_accept(s, &lp->lst[i - 2]) == -1)
				paused = 1;
	}
}

/* Blocks the signals we handle (all threads inherit the mask) and returns a
 * signalfd for them, or -1. */
static int
server_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Creates DIR (0700) unless it exists. 0, or -1 with ERR. */
static int
server_mkdir(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The global connection limit under the descriptor limit: raises the soft
 * RLIMIT_NOFILE towards the hard one (as far as MAX_CONNECTIONS needs), then
 * keeps FD_RESERVE plus each worker's descriptors out of the budget, so that
 * accept() never runs the process out of descriptors and the control socket
 * (sealed status) always has one. Of the rest, one in FILE_SLOTS_SHARE is
 * for the files connections hold open (conn_file_take: a message being
 * delivered or retrieved, a WAV being streamed), the others for the
 * connections themselves: an idle session costs one descriptor, not two.
 * 0, or -1 with ERR. */
static int
server_fd_budget(struct server *s, char *err, size_t errlen)
{
	struct rlimit rl;
	rlim_t reserve = FD_RESERVE + (rlim_t)FD_RESERVE_PER_WORKER * (rlim_t)s->cfg->workers;
	rlim_t want = (rlim_t)FDS_PER_CONN * MAX_CONNECTIONS + reserve;
	rlim_t least = reserve + 2 * FILE_SLOTS_MIN;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		snprintf(err, errlen, "getrlimit: %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || getrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("raising the descriptor limit");
	}
	rlim_t cur = rl.rlim_cur == RLIM_INFINITY ? want : rl.rlim_cur;
	if (cur < least) {
		snprintf(err, errlen, "descriptor limit %llu is too low (ulimit -n): want at least %llu",
		         (unsigned long long)cur, (unsigned long long)least);
		return -1;
	}
	rlim_t budget = cur - reserve, files = budget / FILE_SLOTS_SHARE;
	if (files < FILE_SLOTS_MIN)
		files = FILE_SLOTS_MIN;
	rlim_t n = budget - files;
	s->max_conns = n > MAX_CONNECTIONS ? MAX_CONNECTIONS : (int)n;
	s->max_files = (int)files;
	s->fd_limit = (unsigned long long)cur;   /* logged with "sealed ready" */
	return 0;
}

/* This node's name: --node-name, else the host name and the listen
 * address ("host-127.0.0.11"), which tells apart two nodes on one host. */
static void
server_node_name(const struct server *s, char *out, size_t len)
{
	if (s->cfg->node_name != NULL)
		snprintf(out, len, "%s", s->cfg->node_name);
	else
		snprintf(out, len, "%s-%s", s->hostname[0] ? s->hostname : "localhost",
		         s->cfg->listen_addr);
}

/* Takes the node's lock, DATA/nodes/NODE.lock (an OFD lock, released when
 * this process dies): held, no other live server is this node, so the
 * tmp/ files named for it are leftovers to clean. 0 (s->node_lock_fd set,
 * or -1 and a warning when another process holds it), or -1 with ERR. */
static int
server_node_lock(struct server *s, int nodes_fd, char *err, size_t errlen)
{
	char name[MAILDIR_NODE_MAX + sizeof NODE_LOCK_SUFFIX];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	snprintf(name, sizeof name, "%s%s", maildir_node(), NODE_LOCK_SUFFIX);
	int fd = fsutil_open_file(nodes_fd, name, O_RDWR | O_CREAT, DATA_FILE_MODE, geteuid() == 0);
	if (fd == -1) {
		snprintf(err, errlen, "cannot open %s/%s/%s: %s", s->cfg->data_dir, NODES_DIR_NAME,
		         name, fsutil_strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_OFD_SETLK, &fl) == -1) {
		close(fd);
		if (errno != EAGAIN && errno != EACCES) {
			snprintf(err, errlen, "cannot lock %s/%s/%s: %s", s->cfg->data_dir,
			         NODES_DIR_NAME, name, strerror(errno));
			return -1;
		}
		log_warnx("node %s is held by another running sealed: its files in tmp/ are left "
		          "to it (give each server its own --node-name)", maildir_node());
		return 0;
	}
	s->node_lock_fd = fd;
	return 0;
}

/* The node: its name in Maildir names, DATA/nodes/, its lock and, for a
 * named node, its control socket there. After the privilege drop: what it
 * makes belongs to the account. 0, or -1 with ERR. */
static int
server_node_setup(struct server *s, struct server_loop *lp, char *err, size_t errlen)
{
	const struct config *cfg = s->cfg;
	struct fsutil_make mk = { .mode = DATA_DIR_MODE };
	char name[HOST_NAME_MAX + CONN_ADDR_MAX + 2];
	int dfd, nfd = -1, rc = -1;

	server_node_name(s, name, sizeof name);
	if (maildir_set_node(name, err, errlen) == -1)
		return -1;
	if ((dfd = open(cfg->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (nfd = fsutil_dir_below(dfd, NODES_DIR_NAME, &mk)) == -1) {
		snprintf(err, errlen, "cannot open %s/%s: %s", cfg->data_dir, NODES_DIR_NAME,
		         fsutil_strerror(errno));
		goto out;
	}
	if (server_node_lock(s, nfd, err, errlen) == -1)
		goto out;
	if (cfg->node_name != NULL &&
	    (lp->ctlfd = control_listen(cfg->data_dir, cfg->node_name, err, errlen)) == -1)
		goto out;
	rc = 0;
out:
	if (nfd != -1)
		close(nfd);
	if (dfd != -1)
		close(dfd);
	return rc;
}

/* Everything before the workers: log, TLS, users, listeners, privileges. */
static int
server_setup(struct server *s, struct server_loop *lp, char *err, size_t errlen)
{
	const struct config *cfg = s->cfg;
	char path[4096];

	/* before the ports listen: a SIGHUP or SIGTERM sent as soon as they
	 * do must find the signals blocked, not kill the process */
	if ((lp->sigfd = server_signals()) == -1) {
		snprintf(err, errlen, "cannot set up signal handling");
		return -1;
	}
	if (server_mkdir(cfg->data_dir, err, errlen) == -1)
		return -1;
	if (cfg->run_as_user == NULL && privdrop_check_root_tree(cfg->data_dir, err, errlen) == -1)
		return -1;
	config_log_path(cfg, path, sizeof path);
	if (log_open(path, notify_stderr_is_journal() ? LOG_STDERR_EVENTS : LOG_STDERR_ALL) == -1) {
		snprintf(err, errlen, "cannot open log %s: %s", path, fsutil_strerror(errno));
		return -1;
	}
	log_set_debug(cfg->debug);
	server_live_set(s, cfg);
	if (notify_open(&lp->notify_fd, err, errlen) == -1)
		log_warnx("%s: systemd will not hear that sealed is ready", err);
	if (server_fd_budget(s, err, errlen) == -1)
		return -1;
	if (tls_global_init() == -1) {
		snprintf(err, errlen, "cannot initialise wolfSSL");
		return -1;
	}
	if ((s->tls = server_tls_load(cfg, err, errlen)) == NULL)
		return -1;
	if ((s->users = userdb_open(cfg->data_dir, err, errlen)) == NULL)
		return -1;
	s->throttle = throttle_new();
	s->iplimit = iplimit_new(cfg->max_conns_per_ip);
	if (s->throttle == NULL || s->iplimit == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (server_listen(cfg, lp, err, errlen) == -1)
		return -1;
	/* a named node's socket is in DATA/nodes/, made after the drop */
	if (cfg->node_name == NULL &&
	    (lp->ctlfd = control_listen(cfg->data_dir, NULL, err, errlen)) == -1)
		return -1;
	if (cfg->run_as_user != NULL &&
	    privdrop(cfg->run_as_user, cfg->data_dir, cfg->log_file, err, errlen) == -1)
		return -1;
	if (server_node_setup(s, lp, err, errlen) == -1)
		return -1;
	/* after the drop: what the clean deletes, it deletes as the account */
	int cleaned = maildir_clean_tmp(cfg->data_dir, s->node_lock_fd != -1);
	if (cleaned > 0)
		log_info("removed %d partial message(s) left in tmp/ by an earlier run", cleaned);
	return 0;
}

/* Starts the job pool and the workers. 0, or -1 with ERR. */
static int
server_start_threads(struct server *s, char *err, size_t errlen)
{
	if ((s->jobs = jobs_start(JOB_THREADS)) == NULL) {
		snprintf(err, errlen, "cannot start the job threads");
		return -1;
	}
	s->workers = calloc((size_t)s->cfg->workers, sizeof *s->workers);
	if (s->workers == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (; s->nworkers < s->cfg->workers; s->nworkers++) {
		s->workers[s->nworkers] = worker_start(s, s->nworkers);
		if (s->workers[s->nworkers] == NULL) {
			snprintf(err, errlen, "cannot start worker %d", s->nworkers);
			return -1;
		}
	}
	return 0;
}

static void
server_announce(const struct server *s, const struct server_loop *lp)
{
	char line[512];
	size_t off = 0;
	for (int i = 0; i < lp->nlst && off < sizeof line; i++)
		off += (size_t)snprintf(line + off, sizeof line - off, " %s=%s:%d",
		                        lp->lst[i].svc->name, s->cfg->listen_addr, lp->lst[i].port);
	log_info("sealed ready:%s workers=%d users=%zu data=%s node=%s max_conns=%d max_files=%d "
	         "fd_limit=%llu%s%s", line, s->nworkers, userdb_count(s->users), s->cfg->data_dir,
	         maildir_node(), s->max_conns, s->max_files, s->fd_limit,
	         s->cfg->proxy_from ? " proxy_from=" : "", s->cfg->proxy_from ? s->cfg->proxy_from : "");
	notify_send(lp->notify_fd, "READY=1\nSTATUS=serving%s", line);
}

/* Stops workers (letting transactions finish), then frees everything. */
static void
server_teardown(struct server *s, struct server_loop *lp)
{
	for (int i = 0; i < lp->nlst; i++)
		close(lp->lst[i].fd);
	atomic_store(&s->stopping, 1);
	for (int i = 0; i < s->nworkers; i++)
		worker_wake_stop(s->workers[i]);
	for (int i = 0; i < s->nworkers; i++)
		worker_join(s->workers[i]);
	free(s->workers);
	jobs_stop(s->jobs);
	if (lp->sigfd != -1)
		close(lp->sigfd);
	control_close(lp->ctlfd, s->cfg->data_dir, s->cfg->node_name);
	if (s->node_lock_fd != -1)
		close(s->node_lock_fd);
	if (lp->notify_fd != -1)
		close(lp->notify_fd);
	if (lp->now != NULL) {
		config_free(lp->now);
		free(lp->now);
	}
	server_tls_release(s->tls);
	userdb_free(s->users);
	throttle_free(s->throttle);
	iplimit_free(s->iplimit);
	pthread_mutex_destroy(&s->tls_lock);
	tls_global_cleanup();
}

int
server_run(const struct config *cfg)
{
	struct server s;
	struct server_loop lp;
	char err[512];
	int status = 0;

	memset(&s, 0, sizeof s);
	memset(&lp, 0, sizeof lp);
	lp.sigfd = lp.ctlfd = lp.notify_fd = -1;
	s.node_lock_fd = -1;
	s.cfg = cfg;
	pthread_mutex_init(&s.tls_lock, NULL);
	gethostname(s.hostname, sizeof s.hostname - 1);
	if (server_setup(&s, &lp, err, sizeof err) == -1 ||
	    server_start_threads(&s, err, sizeof err) == -1) {
		fprintf(stderr, "sealed: %s\n", err);
		status = 1;
	} else {
		server_announce(&s, &lp);
		server_loop(&s, &lp);
	}
	server_teardown(&s, &lp);
	if (status == 0)
		log_info("sealed stopped");
	log_close();
	return status;
}
