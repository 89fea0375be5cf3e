/*
 * load_proto.c: the step scripts of seal-load's modes and the reply matcher
 * (RFC 5321 4.2: "NNN-text" continues a reply, "NNN text" or "NNN" ends it;
 * RFC 1939: "+OK" opens a POP3 session). Pure; any thread.
 */
#include "load_proto.h"

#include <ctype.h>
#include <string.h>

#define LOAD_SMTP_GREETING  220
#define LOAD_SMTP_OK        250
#define LOAD_SMTP_AUTH_OK   235
#define LOAD_SMTP_GO_AHEAD  354
#define LOAD_SMTP_BYE       221
#define LOAD_CODE_LEN       3
#define LOAD_CODE_MIN       100
#define LOAD_CODE_MAX       599

#define LOAD_COUNT(a) (sizeof (a) / sizeof (a)[0])

static const struct load_step load_smtp_greeting[] = {
	{ "greeting", LOAD_SEND_NONE, LOAD_SMTP_GREETING },
};

static const struct load_step load_pop3_greeting[] = {
	{ "greeting", LOAD_SEND_NONE, LOAD_EXPECT_POP3_OK },
};

static const struct load_step load_smtp_session[] = {
	{ "greeting", LOAD_SEND_NONE,    LOAD_SMTP_GREETING },
	{ "EHLO",     LOAD_SEND_EHLO,    LOAD_SMTP_OK },
	{ "AUTH",     LOAD_SEND_AUTH,    LOAD_SMTP_AUTH_OK },
	{ "MAIL",     LOAD_SEND_MAIL,    LOAD_SMTP_OK },
	{ "RCPT",     LOAD_SEND_RCPT,    LOAD_SMTP_OK },
	{ "DATA",     LOAD_SEND_DATA,    LOAD_SMTP_GO_AHEAD },
	{ "message",  LOAD_SEND_MESSAGE, LOAD_SMTP_OK },
	{ "QUIT",     LOAD_SEND_QUIT,    LOAD_SMTP_BYE },
};

const struct load_step *
load_proto_script(const struct load_opts *o, size_t *n)
{
	switch (o->mode) {
	case LOAD_MODE_SMTP:
		*n = LOAD_COUNT(load_smtp_session);
		return load_smtp_session;
	case LOAD_MODE_RESUME:
	case LOAD_MODE_IDLE:
		if (o->no_greeting)
			break;
		*n = 1;
		return o->url.scheme == URL_POP3S ? load_pop3_greeting : load_smtp_greeting;
	case LOAD_MODE_HANDSHAKE:
	case LOAD_MODE_AEAD:
	case LOAD_MODE_POP3:       /* pop3 and rtsp have drivers (load_client.h) */
	case LOAD_MODE_RTSP:
	case LOAD_MODE_COUNT:
		break;
	}
	*n = 0;
	return NULL;
}

/* The reply code of an SMTP line, or -1. */
static int
load_proto_code(const char *line, size_t len)
{
	int code = 0;

	if (len < LOAD_CODE_LEN)
		return -1;
	for (int i = 0; i < LOAD_CODE_LEN; i++) {
		if (!isdigit((unsigned char)line[i]))
			return -1;
		code = code * 10 + (line[i] - '0');
	}
	if (len > LOAD_CODE_LEN && line[LOAD_CODE_LEN] != ' ' && line[LOAD_CODE_LEN] != '-')
		return -1;
	return code >= LOAD_CODE_MIN && code <= LOAD_CODE_MAX ? code : -1;
}

enum load_reply
load_proto_reply(const char *line, size_t len, int expect)
{
	if (expect == LOAD_EXPECT_POP3_OK)
		return len >= 3 && strncmp(line, "+OK", 3) == 0 && (len == 3 || line[3] == ' ')
		       ? LOAD_REPLY_OK : LOAD_REPLY_BAD;
	int code = load_proto_code(line, len);
	if (code != expect)
		return LOAD_REPLY_BAD;
	return len > LOAD_CODE_LEN && line[LOAD_CODE_LEN] == '-' ? LOAD_REPLY_MORE : LOAD_REPLY_OK;
}
