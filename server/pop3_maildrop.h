/*
 * pop3_maildrop.h: a POP3 session's view of one user's Maildir: the messages
 * of new/ and cur/ at login, sorted by name and numbered from 1 for the
 * whole session; their sizes in CRLF octets; their unique-ids; deletion
 * marks; the move from new/ to cur/ of a message that was read; and the
 * removal of the marked files at QUIT (RFC 1939 UPDATE). Mail delivered
 * after the scan is not seen and never touched. A maildrop holds the lock
 * of its user (maildrop_lock.h: one session across every process sharing
 * the data dir) from pop3_maildrop_lock() to pop3_maildrop_free().
 * One thread at a time: lock, scan and commit are slow (they open, read
 * and unlink files) and run on the job pool while the connection waits;
 * everything else runs on the connection's worker.
 */
#ifndef SEALED_POP3_MAILDROP_H
#define SEALED_POP3_MAILDROP_H

#include <stddef.h>
#include <stdint.h>

#include "server_defaults.h"

struct pop3_msg {
	char     *name;                      /* file name in new/ or cur/ */
	char      uid[POP3_UID_MAX + 1];
	uint64_t  size;                      /* octets of the CRLF form */
	int       in_new;                    /* still in new/ */
	int       deleted;                   /* marked by DELE */
};

struct pop3_maildrop {
	char             *data_dir;
	char             *dir;               /* DATA_DIR/mail/USER */
	char              user[USER_NAME_MAX + 1];
	int               lock_fd;           /* holds the maildrop lock, or -1 */
	struct pop3_msg  *msgs;              /* message N is msgs[N - 1] */
	size_t            n, cap;
	size_t            ndeleted;
	uint64_t          octets;            /* of every message */
	uint64_t          deleted_octets;
	size_t            left_out;          /* beyond POP3_MAX_MESSAGES: next session */
};

/* A maildrop of USER under DATA_DIR, not yet locked nor read. NULL when
 * out of memory or USER is too long. */
struct pop3_maildrop *pop3_maildrop_new(const char *data_dir, const char *user);

/* Makes the Maildir when missing and locks it (slow: job thread). 0 (also
 * when held already), or -1: *IN_USE set when another session holds it,
 * else a reason in ERR. */
int pop3_maildrop_lock(struct pop3_maildrop *, int *in_use, char *err, size_t errlen);

/* Reads new/ and cur/ (making the Maildir when missing) and sizes each
 * message by reading it. Slow: job thread. 0, or -1 with a reason in ERR. */
int pop3_maildrop_scan(struct pop3_maildrop *, char *err, size_t errlen);

/* Unlocks and frees (NULL: nothing). Deletion marks are forgotten. */
void pop3_maildrop_free(struct pop3_maildrop *);

/* Message NUM (from 1), or NULL when there is none such. Deleted ones too. */
struct pop3_msg *pop3_maildrop_get(struct pop3_maildrop *, unsigned long num);

/* Messages not marked deleted, and their octets. */
size_t   pop3_maildrop_count(const struct pop3_maildrop *);
uint64_t pop3_maildrop_octets(const struct pop3_maildrop *);

/* Marks M deleted (it must not be marked already). */
void pop3_maildrop_mark(struct pop3_maildrop *, struct pop3_msg *m);

/* Unmarks every message (RSET). */
void pop3_maildrop_unmark_all(struct pop3_maildrop *);

/* Opens M's file for reading. A descriptor, or -1 (errno set). */
int pop3_maildrop_open_msg(const struct pop3_maildrop *, const struct pop3_msg *m);

/* M was read: moves it from new/ to cur/ (":2," info), with the Seen flag
 * when SEEN (RETR; TOP only moves it). 0, or -1 (errno set; M unchanged). */
int pop3_maildrop_read(struct pop3_maildrop *, struct pop3_msg *m, int seen);

/* Removes the files of the marked messages. Slow: job thread. Returns how
 * many could not be removed (0: all gone; a file already gone counts as
 * removed). */
size_t pop3_maildrop_commit(struct pop3_maildrop *);

#endif
