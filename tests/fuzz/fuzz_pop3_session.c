/*
 * fuzz_pop3_session.c: whole POP3 sessions (server/pop3*.c, auth.c, the
 * maildrop, its lock and the streamed RETR/TOP/LIST/UIDL replies) through
 * the fake connection: the input is everything the client sends after the
 * TLS handshake. FAKE_USER's maildrop is rebuilt before each input (a QUIT
 * after DELE removes messages, RETR moves them to cur/); the seeds log in
 * with USER/PASS and AUTH PLAIN.
 */
#include "fake_conn.h"
#include "service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_maildrop_reset();
	fake_session_run(&service_pop3, data, size);
	return 0;
}
