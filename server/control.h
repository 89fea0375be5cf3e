/*
 * control.h: the control socket DATA_DIR/sealed.sock (mode 0600, so only the
 * server's owner may read it): the server writes its counters to whoever
 * connects; `sealed status` prints them once and `sealed monitor` a line a
 * second. The listening side runs on the main thread's poll loop.
 */
#ifndef SEALED_CONTROL_H
#define SEALED_CONTROL_H

#include <stddef.h>

struct stats;

/* Opens the listening socket. The fd, or -1 with a reason in ERR. */
int control_listen(const char *data_dir, char *err, size_t errlen);

/* Accepts one client on FD and writes the counters of ST to it. */
void control_serve(int fd, const struct stats *st);

/* Closes FD and removes the socket file. */
void control_close(int fd, const char *data_dir);

/* Prints the running server's counters once (REPEAT 0) or a line a second
 * until interrupted (REPEAT 1). Returns the process exit status. */
int control_client(const char *data_dir, int repeat);

#endif
