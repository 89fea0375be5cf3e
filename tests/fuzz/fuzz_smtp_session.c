/*
 * fuzz_smtp_session.c: whole SMTP submission sessions (server/smtp*.c,
 * auth.c, the Maildir delivery) through the fake connection: the input is
 * everything the client sends after the TLS handshake. The seeds log in as
 * FAKE_USER (AUTH PLAIN and AUTH LOGIN) and send mail, so mutations start
 * from the authenticated states. Deliveries are removed after each input.
 */
#include "fake_conn.h"
#include "service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_session_run(&service_smtp, data, size);
	fake_mail_clear();
	return 0;
}
