/*
 * conn_files.c: the server's file slots (see conn_file_take in conn.h). The
 * descriptor budget (server_fd_budget) gives connections one descriptor
 * each and keeps max_files for the files some of them hold open while they
 * deliver, retrieve or stream; a connection takes a slot before it opens
 * such a file and gives it back when it closes it, so an idle session
 * costs one descriptor and a busy server never runs out. Any thread.
 */
#include "conn.h"
#include "server.h"

#include <stdatomic.h>

int
conn_file_take(struct conn *c)
{
	if (c->holds_file)
		return 0;
	if (atomic_fetch_add(&c->srv->files_open, 1) >= c->srv->max_files) {
		atomic_fetch_sub(&c->srv->files_open, 1);
		conn_log_event(c, "all %d file slots are taken: refused for now", c->srv->max_files);
		return -1;
	}
	c->holds_file = 1;
	return 0;
}

void
conn_file_release(struct conn *c)
{
	if (!c->holds_file)
		return;
	c->holds_file = 0;
	atomic_fetch_sub(&c->srv->files_open, 1);
}
