/*
 * notify.h: what sealed tells systemd (sd_notify(3)'s datagram protocol,
 * without libsystemd) and what it learns from it: READY=1 once it serves,
 * RELOADING=1 and READY=1 around a SIGHUP reload, STOPPING=1 when it stops;
 * and whether stderr is the journal. Main thread.
 */
#ifndef SEALED_NOTIFY_H
#define SEALED_NOTIFY_H

#include <stddef.h>

#include "log.h"

/* Connects to $NOTIFY_SOCKET (a path, or an abstract name after '@'): call
 * before dropping privileges. 0 with *FD the socket (-1 when the
 * variable is unset or empty); -1 with a reason in ERR (and *FD -1) when it
 * names a socket that cannot be reached. */
int notify_open(int *fd, char *err, size_t errlen);

/* Sends one datagram of NAME=value lines to FD (nothing when FD is -1). A
 * failure is logged once. */
void notify_send(int fd, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* The CLOCK_MONOTONIC time in microseconds, for RELOADING=1's MONOTONIC_USEC. */
unsigned long long notify_monotonic_usec(void);

/* 1 when stderr is the systemd journal ($JOURNAL_STREAM names its device
 * and inode), 0 otherwise. */
int notify_stderr_is_journal(void);

#endif
