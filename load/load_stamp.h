/*
 * load_stamp.h: when the bytes a TLS session reads reached this machine's
 * socket, from the kernel's receive timestamps (SO_TIMESTAMPNS), for the
 * rtsp mode's lateness: a packet that waited in the socket while seal-load
 * itself was busy or descheduled is timed from its arrival, not from when
 * seal-load got to it, so the load generator's own delays on a shared
 * machine do not count against the server. wolfSSL's reads go through
 * recvmsg() here instead of recv(); each read keeps the stamp of the last
 * segment it took. One stamp per client; its event-loop thread only.
 */
#ifndef SEAL_LOAD_STAMP_H
#define SEAL_LOAD_STAMP_H

#include <stdint.h>

#include "tls.h"

struct load_stamp {
	int     fd;
	int64_t last_us;       /* CLOCK_MONOTONIC of the last read's last segment, or 0 */
};

/* Asks the kernel for receive timestamps on FD and routes SSL's reads of FD
 * through recvmsg(), filling ST (which must outlive SSL's reads). 0, or -1
 * when the socket option is refused (the caller then keeps the plain reads). */
int load_stamp_attach(struct load_stamp *st, WOLFSSL *ssl, int fd);

#endif
