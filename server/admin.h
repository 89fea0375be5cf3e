/*
 * admin.h: the admin commands of `sealed` (CONTRACT.md): useradd, passwd,
 * userdel [--purge], users, status, monitor. Run from main() in place of the server;
 * they work on the data directory's files (and, for status and monitor, talk
 * to the running server over its control socket).
 */
#ifndef SEALED_ADMIN_H
#define SEALED_ADMIN_H

/* 1 when WORD is an admin command name. */
int admin_is_command(const char *word);

/* What the options say to an admin command. */
struct admin_opts {
	int         purge;   /* --purge (userdel only: the user's Maildir goes too) */
	const char *node;    /* --node-name (status, monitor: that node's socket), or NULL */
};

/* Runs admin command ARGV[0] with its arguments ARGV[1..ARGC-1] (options
 * already removed) on DATA_DIR, as O says. Returns the process exit
 * status: 0 done, 2 bad usage, 1 any other error (one line on stderr). */
int admin_run(const char *data_dir, int argc, char **argv, const struct admin_opts *o);

#endif
