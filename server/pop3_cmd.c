/*
 * pop3_cmd.c: the TRANSACTION commands that answer in one line (STAT, LIST
 * n, UIDL n, DELE, RSET) and QUIT, whose UPDATE removes the marked files on
 * the job pool before the goodbye. Worker thread, except commit_work() on a
 * job thread.
 */
#include "pop3.h"
#include "pop3_maildrop.h"
#include "pop3_parse.h"
#include "server.h"

#include <stdlib.h>

struct commit_job {
	struct pop3_maildrop *md;    /* owned by the job: the lock is held until it ends */
	size_t                deleted, failed, left;
};

struct pop3_msg *
pop3_msg_arg(struct conn *c, struct pop3 *s, unsigned long num)
{
	struct pop3_msg *m = pop3_maildrop_get(s->md, num);

	if (m == NULL) {
		conn_reply(c, "-ERR no such message: the maildrop has messages 1 to %zu", s->md->n);
		return NULL;
	}
	if (m->deleted) {
		conn_reply(c, "-ERR message %lu is deleted", num);
		return NULL;
	}
	return m;
}

/* Parses ARGS as one message number, or none when OPTIONAL. Returns the
 * count (0 or 1), or -1 after a -ERR reply naming SYNTAX. */
static int
pop3_one_number(struct conn *c, const char *args, int optional, unsigned long *num,
                const char *syntax)
{
	int n = pop3_parse_numbers(args, num, 1);

	if (n == -1 || (n == 0 && !optional)) {
		conn_reply(c, "-ERR syntax: %s", syntax);
		return -1;
	}
	return n;
}

int
pop3_cmd_stat(struct conn *c, struct pop3 *s, char *args)
{
	if (*args != '\0') {
		conn_reply(c, "-ERR syntax: STAT");
		return pop3_bad_command(c, s);
	}
	conn_reply(c, "+OK %zu %llu", pop3_maildrop_count(s->md),
	           (unsigned long long)pop3_maildrop_octets(s->md));
	return 0;
}

/* LIST and UIDL (KIND): with no argument the listing of every message not
 * deleted, with a message number that message's line of it. */
static int
pop3_cmd_listing(struct conn *c, struct pop3 *s, const char *args, enum pop3_stream_kind kind,
                 const char *syntax)
{
	unsigned long num;
	struct pop3_msg *m;
	char entry[POP3_LIST_ENTRY_MAX];
	int n = pop3_one_number(c, args, 1, &num, syntax);

	if (n == -1)
		return pop3_bad_command(c, s);
	if (n == 0)
		pop3_stream_listing(c, s, kind);
	else if ((m = pop3_msg_arg(c, s, num)) != NULL &&
	         pop3_listing_entry(kind, num, m, entry, sizeof entry) == 0)
		conn_reply(c, "+OK %s", entry);
	return 0;
}

int
pop3_cmd_list(struct conn *c, struct pop3 *s, char *args)
{
	return pop3_cmd_listing(c, s, args, POP3_STREAM_LIST, "LIST [message-number]");
}

int
pop3_cmd_uidl(struct conn *c, struct pop3 *s, char *args)
{
	return pop3_cmd_listing(c, s, args, POP3_STREAM_UIDL, "UIDL [message-number]");
}

int
pop3_cmd_dele(struct conn *c, struct pop3 *s, char *args)
{
	unsigned long num;
	struct pop3_msg *m;

	if (pop3_one_number(c, args, 0, &num, "DELE message-number") == -1)
		return pop3_bad_command(c, s);
	if ((m = pop3_msg_arg(c, s, num)) == NULL)
		return 0;
	pop3_maildrop_mark(s->md, m);
	conn_reply(c, "+OK message %lu deleted", num);
	return 0;
}

int
pop3_cmd_rset(struct conn *c, struct pop3 *s, char *args)
{
	if (*args != '\0') {
		conn_reply(c, "-ERR syntax: RSET");
		return pop3_bad_command(c, s);
	}
	pop3_maildrop_unmark_all(s->md);
	conn_reply(c, "+OK maildrop has %zu messages (%llu octets)", pop3_maildrop_count(s->md),
	           (unsigned long long)pop3_maildrop_octets(s->md));
	return 0;
}

/* UPDATE, then the unlock: before the goodbye is sent, so that a client
 * that logs in again the moment it reads it finds the maildrop free. */
static void
commit_work(void *arg)
{
	struct commit_job *j = arg;
	j->failed = pop3_maildrop_commit(j->md);
	pop3_maildrop_free(j->md);   /* and unlock: the next session sees the result */
	j->md = NULL;
}

static void
commit_release(void *arg)
{
	struct commit_job *j = arg;
	pop3_maildrop_free(j->md);   /* NULL unless the job never ran */
	free(j);
}

/* The goodbye after UPDATE. */
static void
commit_done(struct conn *c, void *arg)
{
	struct commit_job *j = arg;

	STATS_ADD(&c->srv->stats, pop3_deleted, (long)(j->deleted - j->failed));
	conn_log_event(c, "update deleted=%zu failed=%zu", j->deleted - j->failed, j->failed);
	if (j->failed > 0)
		conn_reply(c, "-ERR [SYS/TEMP] %zu deleted messages not removed", j->failed);
	else
		conn_reply(c, "+OK %s POP3 server signing off (%zu messages left)", conn_domain(c),
		           j->left);
	conn_close_after_flush(c);
}

/* QUIT in TRANSACTION: UPDATE on the job pool, then the goodbye. */
static int
pop3_update(struct conn *c, struct pop3 *s)
{
	struct commit_job *j = calloc(1, sizeof *j);

	if (j == NULL) {
		conn_reply(c, "-ERR [SYS/TEMP] out of memory: no message removed");
		return -1;
	}
	j->md = s->md;
	j->deleted = s->md->ndeleted;
	j->left = pop3_maildrop_count(s->md);
	s->md = NULL;
	pop3_set_state(c, s, POP3_UPDATE);
	if (conn_run_job(c, commit_work, commit_done, commit_release, j) == -1) {
		commit_work(j);              /* the pool refused: do it here, it is bounded */
		commit_done(c, j);
		commit_release(j);
	}
	return 0;
}

int
pop3_cmd_quit(struct conn *c, struct pop3 *s, char *args)
{
	(void)args;
	if (s->state == POP3_TRANSACTION && s->md->ndeleted > 0)
		return pop3_update(c, s);
	conn_reply(c, "+OK %s POP3 server signing off%s", conn_domain(c),
	           s->state == POP3_TRANSACTION ? " (maildrop unchanged)" : "");
	/* unlocked before the goodbye leaves (it is only queued here) */
	pop3_maildrop_free(s->md);
	s->md = NULL;
	return -1;
}
