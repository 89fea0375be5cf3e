/*
 * proto.c: which client protocol table serves which URL scheme (RTSP joins
 * this table when its client side exists), and the AUTH PLAIN command that
 * SMTP and POP3 both send.
 */
#include "proto.h"
#include "defaults.h"
#include "pop3_client.h"
#include "sasl.h"
#include "smtp_client.h"

#include <stdio.h>
#include <string.h>

static const struct {
	enum url_scheme            scheme;
	const struct client_proto *proto;
} client_protos[] = {
	{ URL_SMTPS, &smtp_client_proto },
	{ URL_POP3S, &pop3_client_proto },
};

const struct client_proto *
proto_find(enum url_scheme scheme)
{
	for (size_t i = 0; i < sizeof client_protos / sizeof client_protos[0]; i++)
		if (client_protos[i].scheme == scheme)
			return client_protos[i].proto;
	return NULL;
}

int
proto_auth_plain(const char *user, const char *pass, char *out, size_t len)
{
	char enc[SASL_PLAIN_B64_MAX];
	int rc = -1;

	if (strlen(user) <= USER_NAME_MAX && strlen(pass) <= PASSWORD_MAX &&
	    sasl_plain_encode("", user, pass, enc, sizeof enc) == 0 &&
	    (size_t)snprintf(out, len, "AUTH PLAIN %s", enc) < len)
		rc = 0;
	else if (len > 0)
		explicit_bzero(out, len);
	explicit_bzero(enc, sizeof enc);
	return rc;
}
