/*
 * maildrop_lock.h: one POP3 session per maildrop (RFC 1939 section 8: the
 * server locks the maildrop on entering TRANSACTION). A process-wide set of
 * locked user names behind one mutex; any thread may call any function.
 * Other processes are not excluded (sealed is the only reader of its
 * Maildirs), and SMTP delivery never takes the lock: it only adds files.
 */
#ifndef SEALED_MAILDROP_LOCK_H
#define SEALED_MAILDROP_LOCK_H

/* Locks USER's maildrop. 0, or -1 when a session holds it already (or no
 * memory is left to remember it). */
int maildrop_lock_acquire(const char *user);

/* Unlocks USER's maildrop (one that is not locked: nothing). */
void maildrop_lock_release(const char *user);

/* 1 when USER's maildrop is locked now (for tests and the log). */
int maildrop_lock_held(const char *user);

#endif
