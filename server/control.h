/*
 * control.h: the control socket DATA_DIR/sealed.sock, or for a named node
 * (--node-name, several servers sharing the data dir) DATA_DIR/nodes/
 * NODE.sock (mode 0600, so only the server's owner may read it): the
 * server writes its counters to whoever
 * connects; `sealed status` prints them once and `sealed monitor` a line a
 * second. The listening side runs on the main thread's poll loop.
 */
#ifndef SEALED_CONTROL_H
#define SEALED_CONTROL_H

#include <stddef.h>

struct stats;

/* Opens the listening socket of node NODE (NULL: unnamed). The fd, or -1
 * with a reason in ERR. A named node's directory must exist. */
int control_listen(const char *data_dir, const char *node, char *err, size_t errlen);

/* The reply: the counters of ST as "name value" lines into BUF (LEN bytes,
 * NUL-terminated when LEN > 0). Whole lines only: when one does not fit the
 * reply ends before it, and nothing is written past LEN. Returns the bytes
 * of the reply (less than LEN, or 0). */
size_t control_format(const struct stats *st, char *buf, size_t len);

/* Accepts one client on FD and writes the counters of ST to it. */
void control_serve(int fd, const struct stats *st);

/* Closes FD and removes the socket file. */
void control_close(int fd, const char *data_dir, const char *node);

/* Prints the running server's counters once (REPEAT 0) or a line a second
 * until interrupted (REPEAT 1). Returns the process exit status. */
int control_client(const char *data_dir, const char *node, int repeat);

#endif
