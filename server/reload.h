/*
 * reload.h: what a SIGHUP does to the running server (reload.c). Main
 * thread.
 */
#ifndef SEALED_RELOAD_H
#define SEALED_RELOAD_H

struct server;
struct config;

/* Reopens the log, reads the settings again and applies what may change
 * live, reloads the users; tells NOTIFY_FD (or nobody, -1) RELOADING=1,
 * then READY=1. *NOW: the settings of the last reload (owned; NULL for
 * those of the start, s->cfg), replaced when the new ones apply. */
void reload_run(struct server *s, struct config **now, int notify_fd);

#endif
