/*
 * maildrop_lock.h: one POP3 session per maildrop (RFC 1939 section 8: the
 * server locks the maildrop on entering TRANSACTION), across every sealed
 * process that shares the data dir (the nodes of a cluster) as well as
 * within one: an open file description lock (F_OFD_SETLK, a write lock on
 * the whole file) on DATA_DIR/mail/USER/MAILDROP_LOCK_NAME. The kernel
 * releases it when its descriptor is closed or its holder dies (a node
 * killed with SIGKILL frees its maildrops at once); two sessions of one
 * process conflict too, since each opens the file anew; NFSv4 carries such
 * locks to the server. SMTP delivery never takes it: it only adds files.
 * Opening touches the file system: job threads, never an event loop.
 */
#ifndef SEALED_MAILDROP_LOCK_H
#define SEALED_MAILDROP_LOCK_H

#include <stddef.h>

/* Locks USER's maildrop under DATA_DIR, whose Maildir must exist; the
 * lock file is made (0600) when missing, following no symbolic link at any
 * level below DATA_DIR. A descriptor that holds the lock (close it with
 * maildrop_lock_release), or -1: with *IN_USE set when another session,
 * here or in another process, holds it; else with a reason in ERR. */
int maildrop_lock_acquire(const char *data_dir, const char *user, int *in_use,
                          char *err, size_t errlen);

/* Unlocks: closes FD (-1: nothing). */
void maildrop_lock_release(int fd);

#endif
