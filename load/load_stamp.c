/*
 * load_stamp.c: wolfSSL's receive callback with kernel timestamps (see
 * load_stamp.h). Errors map to wolfSSL's as its own socket callback maps
 * them (EmbedReceive in wolfio.c). The stamps are CLOCK_REALTIME; each is
 * moved to CLOCK_MONOTONIC with the offset between the two clocks taken at
 * the read (a clock step in between would shift one read's stamp). Any
 * event-loop thread, each on its own clients.
 */
#include "load_stamp.h"
#include "load.h"
#include "timeconst.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>


/* The wolfSSL callback result of a failed recvmsg (errno). */
static int
load_stamp_error(int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK)
		return WOLFSSL_CBIO_ERR_WANT_READ;
	if (err == ECONNRESET)
		return WOLFSSL_CBIO_ERR_CONN_RST;
	if (err == EINTR)
		return WOLFSSL_CBIO_ERR_ISR;
	if (err == EPIPE || err == ECONNABORTED)
		return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	return WOLFSSL_CBIO_ERR_GENERAL;
}

/* The SCM_TIMESTAMPNS of MH on the monotonic clock, in ST. */
static void
load_stamp_take(struct load_stamp *st, struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		struct timespec ts, real;
		memcpy(&ts, CMSG_DATA(cm), sizeof ts);
		clock_gettime(CLOCK_REALTIME, &real);
		int64_t age_us = ((int64_t)real.tv_sec - ts.tv_sec) * US_PER_S +
		                 (real.tv_nsec - ts.tv_nsec) / NS_PER_US;
		st->last_us = load_run_now_us() - (age_us > 0 ? age_us : 0);
	}
}

static int
load_stamp_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct load_stamp *st = ctx;
	char control[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { .iov_base = buf, .iov_len = sz > 0 ? (size_t)sz : 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
	                     .msg_controllen = sizeof control };

	(void)ssl;
	ssize_t n = recvmsg(st->fd, &mh, 0);
	if (n < 0)
		return load_stamp_error(errno);
	if (n == 0)
		return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	load_stamp_take(st, &mh);
	return (int)n;
}

int
load_stamp_attach(struct load_stamp *st, WOLFSSL *ssl, int fd)
{
	int one = 1;

	st->fd = fd;
	st->last_us = 0;
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) == -1)
		return -1;
	wolfSSL_SSLSetIORecv(ssl, load_stamp_recv);
	wolfSSL_SetIOReadCtx(ssl, st);
	return 0;
}
