/*
 * maildir.h: delivery into DATA_DIR/mail/USER/ Maildirs. A message is written
 * once, as it arrives, to tmp/ of its first recipient; maildir_commit() fsyncs
 * it, hard-links it into every other recipient's tmp/, renames each into new/
 * and fsyncs the new/ directories, so that a message is in new/ whole or not at
 * all. Unique names: "SECONDS.M<usec>P<pid>Q<counter>R<random>.NODE", NODE
 * the node's name (maildir_set_node; by default the host name), the same in
 * tmp/ as in new/: several servers may share the data dir (the nodes of a
 * cluster, two on one host included), and the start-up clean of tmp/ tells
 * its own node's leftovers by it.
 * A delivery belongs to one thread at a time (begin/write on a worker, commit
 * on the job pool); different deliveries may run on different threads.
 */
#ifndef SEALED_MAILDIR_H
#define SEALED_MAILDIR_H

#include <stddef.h>

#define MAILDIR_NODE_MAX 96                     /* the node part, escaped */
#define MAILDIR_ID_MAX   (MAILDIR_NODE_MAX + 96) /* time, usec, pid, counter, random, node */
#define MAILDIR_NAME_MAX (MAILDIR_ID_MAX + 48)   /* the ID and ",S=N,W=N" */
#define MAILDIR_TMP_STALE_S (36 * 3600)          /* a tmp/ file this old is nobody's
                                                    delivery (the Maildir rule of thumb) */

/* Names this server's messages with NAME (escaped as Maildir wants: '/' and
 * ':' and any byte but A-Z a-z 0-9 . _ - as \ooo). Call once before any
 * delivery, before threads start. 0, or -1 with ERR when the escaped name
 * is empty or longer than MAILDIR_NODE_MAX (never cut: it must stay
 * unique). */
int maildir_set_node(const char *name, char *err, size_t errlen);

/* The escaped node name in use (the host name when none was set). */
const char *maildir_node(void);

struct maildir_msg;

/* Creates DATA_DIR/mail/USER/{tmp,new,cur} if missing (DATA_DIR too), one
 * name at a time below DATA_DIR, following no symbolic link. Run as root in a
 * data dir another account owns, gives what it makes to that account.
 * 0, or -1 with ERR (a link on the way is refused). */
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

/* Removes the regular files left in tmp/ of every mailbox (after a crash)
 * that no live server can still be writing: those of this node (named with
 * maildir_node(); only when OWN is set, i.e. this process holds the node's
 * lock, see server_node_lock) and any older than MAILDIR_TMP_STALE_S (a
 * node that is gone, or a stray file); another node's recent files are
 * left to it. Returns how many, or -1 when DATA_DIR/mail cannot be read.
 * Follows no symbolic link at any level and removes nothing else: what it
 * leaves alone (a link, a FIFO) is logged. Call at start-up before
 * serving, after the privilege drop. */
int maildir_clean_tmp(const char *data_dir, int own);

/* 1 when the tmp/ file NAME is named by node NODE (escaped):
 * "SECONDS.M...R<hex>.NODE" with NODE exactly. */
int maildir_name_is_node(const char *name, const char *node);

/* 1 when DATA_DIR/mail/USER exists (a Maildir, or anything in its place,
 * a link included), 0 when not, -1 with errno when that cannot be told
 * (DATA_DIR/mail is a link, an I/O error, an invalid USER). */
int maildir_exists(const char *data_dir, const char *user);

/* Removes DATA_DIR/mail/USER: the regular files of its tmp/, new/ and cur/,
 * those directories and the Maildir itself, following no symbolic link at
 * any level. A Maildir holding anything else (a link, a FIFO, another file
 * or directory) is checked first and left whole, with the first such entry
 * named in ERR. 1 removed (*FILES: how many messages), 0 there was none,
 * -1 with ERR. */
int maildir_purge(const char *data_dir, const char *user, size_t *files,
                  char *err, size_t errlen);

#endif
