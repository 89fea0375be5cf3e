/*
 * tls_step.c: a wolfSSL call and its result (see tls_step.h).
 */
#include "tls_step.h"

#include <limits.h>
#include <poll.h>
#include <wolfssl/error-ssl.h>

/* What a call that returned RET (not a success) on SSL came to. */
static struct tls_step
tls_step_failed(WOLFSSL *ssl, int ret)
{
	struct tls_step st = { .rc = TLS_STEP_ERROR };

	st.err = wolfSSL_get_error(ssl, ret > 0 ? WOLFSSL_FATAL_ERROR : ret);
	switch (tls_want_events(st.err)) {
	case POLLIN:
		st.rc = TLS_STEP_WANT_READ;
		break;
	case POLLOUT:
		st.rc = TLS_STEP_WANT_WRITE;
		break;
	default:
		if (st.err == WOLFSSL_ERROR_ZERO_RETURN)
			st.rc = TLS_STEP_CLOSED;
		else if (st.err == SOCKET_PEER_CLOSED_E || st.err == WOLFSSL_ERROR_SYSCALL)
			st.rc = TLS_STEP_DROPPED;
		else if (st.err == 0)
			st.err = FATAL_ERROR;             /* a failure that left no code */
		break;
	}
	return st;
}

/* A read or write that returned RET. */
static struct tls_step
tls_step_moved(WOLFSSL *ssl, int ret)
{
	if (ret > 0)
		return (struct tls_step){ .rc = TLS_STEP_DONE, .n = ret };
	return tls_step_failed(ssl, ret);
}

struct tls_step
tls_step_connect(WOLFSSL *ssl)
{
	int ret = wolfSSL_connect(ssl);

	if (ret == WOLFSSL_SUCCESS)
		return (struct tls_step){ .rc = TLS_STEP_DONE };
	return tls_step_failed(ssl, ret);
}

struct tls_step
tls_step_read(WOLFSSL *ssl, void *buf, size_t len)
{
	return tls_step_moved(ssl, wolfSSL_read(ssl, buf, len > INT_MAX ? INT_MAX : (int)len));
}

struct tls_step
tls_step_write(WOLFSSL *ssl, const void *buf, size_t len)
{
	return tls_step_moved(ssl, wolfSSL_write(ssl, buf, len > INT_MAX ? INT_MAX : (int)len));
}

short
tls_step_events(struct tls_step st)
{
	return st.rc == TLS_STEP_WANT_READ || st.rc == TLS_STEP_WANT_WRITE
	       ? (short)tls_want_events(st.err) : 0;
}
