/*
 * proto.c: which client protocol table serves which URL scheme. RTSP joins
 * this table when its client side exists.
 */
#include "proto.h"
#include "pop3_client.h"
#include "smtp_client.h"

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
