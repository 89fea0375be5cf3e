/*
 * privdrop.h: --user: after the listeners are bound and the keys loaded,
 * a server started as root becomes NAME (its group and supplementary
 * groups too), and the data directory it writes becomes NAME's. Main thread,
 * before any other thread starts.
 */
#ifndef SEALED_PRIVDROP_H
#define SEALED_PRIVDROP_H

#include <stddef.h>

/* LOG_FILE: the --log-file, when it is not DATA_DIR/sealed.log (NULL), is
 * given to NAME too. 0, or -1 with a reason in ERR (not root, unknown
 * user, a call failed). */
int privdrop(const char *user, const char *data_dir, const char *log_file, char *err,
             size_t errlen);

/* Started as root without --user: 0 when DATA_DIR and every directory below
 * it down to mail/USER/{tmp,new,cur} are root's and writable by root alone;
 * -1 with ERR naming the first that is not (another account could plant a
 * link there, and root would follow it while serving). 0 when not root. */
int privdrop_check_root_tree(const char *data_dir, char *err, size_t errlen);

#endif
