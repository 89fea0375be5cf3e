/* test_tls_want.c: tls_want_events(), the one mapping of wolfSSL's
 * WANT_READ / WANT_WRITE to the poll events a non-blocking call waits for;
 * anything else (an error, the peer's close) ends the session. */
#include "unit.h"
#include "tls.h"

#include <poll.h>
#include <wolfssl/error-ssl.h>

UNIT_TEST(tls_want_events_maps_want_read_and_write_only)
{
	CHECK_INT(tls_want_events(WOLFSSL_ERROR_WANT_READ), POLLIN);
	CHECK_INT(tls_want_events(WOLFSSL_ERROR_WANT_WRITE), POLLOUT);
	CHECK_INT(tls_want_events(WOLFSSL_ERROR_ZERO_RETURN), 0);
	CHECK_INT(tls_want_events(WOLFSSL_ERROR_SYSCALL), 0);
	CHECK_INT(tls_want_events(SOCKET_PEER_CLOSED_E), 0);
	CHECK_INT(tls_want_events(0), 0);
}
