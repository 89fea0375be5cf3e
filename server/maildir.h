/*
 * maildir.h: delivery into DATA_DIR/mail/USER/ Maildirs. A message is written
 * once, as it arrives, to tmp/ of its first recipient; maildir_commit() fsyncs
 * it, hard-links it into every other recipient's tmp/, renames each into new/
 * and fsyncs the new/ directories, so that a message is in new/ whole or not at
 * all. Unique names: "SECONDS.M<usec>P<pid>Q<counter>R<random>.HOST".
 * A delivery belongs to one thread at a time (begin/write on a worker, commit
 * on the job pool); different deliveries may run on different threads.
 */
#ifndef SEALED_MAILDIR_H
#define SEALED_MAILDIR_H

#include <stddef.h>

#define MAILDIR_ID_MAX 128
#define MAILDIR_NAME_MAX (MAILDIR_ID_MAX + 48)   /* the ID and ",S=N,W=N" */

struct maildir_msg;

/* Creates DATA_DIR/mail/USER/{tmp,new,cur} if missing. 0, or -1 with ERR. */
int maildir_ensure(const char *data_dir, const char *user, char *err, size_t errlen);

/* Starts a message in FIRST_USER's tmp/. NULL with a reason in ERR. */
struct maildir_msg *maildir_begin(const char *data_dir, const char *first_user,
                                  char *err, size_t errlen);

/* Appends bytes (buffered). 0, or -1 (disk full, ...; errno set). */
int maildir_write(struct maildir_msg *, const void *data, size_t len);

/* Bytes written so far. */
size_t maildir_size(const struct maildir_msg *);

/* The message's unique name (valid until commit or abort). In new/ it is
 * ID,S=SIZE,W=WIRE (as Dovecot names them): the file's size and its size as
 * POP3 sends it (every line ending CRLF), so that a POP3 login need not read
 * every message to list its size. */
const char *maildir_id(const struct maildir_msg *);

/* Delivers to USERS[0..n-1] (USERS[0] is the first user of maildir_begin) and
 * frees the message. 0, or -1 with ERR (nothing is left in any new/ nor tmp/;
 * errno as the failing call left it, e.g. ENOSPC or EDQUOT, so that the caller
 * can tell a full disk from other errors). A name repeated in USERS gets one
 * copy. A maildir_write() that failed makes the commit fail. */
int maildir_commit(struct maildir_msg *, const char *const *users, size_t n,
                   char *err, size_t errlen);

/* Removes the partial message from tmp/ and frees it. */
void maildir_abort(struct maildir_msg *);

/* Removes files left in tmp/ of every mailbox (after a crash); returns how many,
 * or -1 on error. Call at start-up before serving. */
int maildir_clean_tmp(const char *data_dir);

#endif
