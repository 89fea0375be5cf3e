/*
 * keylog.c: NSS key log lines ("LABEL <client random hex> <secret hex>")
 * from wolfSSL's TLS 1.3 secret callback and, for TLS 1.2, from the master
 * secret after the handshake. Everything but the refusal is compiled only
 * with HAVE_SECRET_CALLBACK. The session's thread only.
 */
#include "keylog.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define KEYLOG_MSG_UNSUPPORTED \
	"--keylog needs a wolfSSL built with HAVE_SECRET_CALLBACK (see README)"

int
keylog_supported(void)
{
#ifdef HAVE_SECRET_CALLBACK
	return 1;
#else
	return 0;
#endif
}

void
keylog_close(struct keylog *kl)
{
	if (kl->f != NULL)
		fclose(kl->f);
	kl->f = NULL;
}

#ifdef HAVE_SECRET_CALLBACK

#define KEYLOG_RANDOM_LEN  32
#define KEYLOG_SECRET_MAX  64          /* SHA-384 sized secrets, 48-byte master */
#define KEYLOG_FILE_MODE   0600

int
keylog_open(struct keylog *kl, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, KEYLOG_FILE_MODE);

	kl->f = fd == -1 ? NULL : fdopen(fd, "a");
	if (kl->f == NULL) {
		snprintf(err, errlen, "cannot open key log %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return 0;
}

/* One NSS key log line. */
static void
keylog_line(FILE *f, const char *label, const unsigned char *random, size_t rlen,
            const unsigned char *secret, size_t slen)
{
	fprintf(f, "%s ", label);
	for (size_t i = 0; i < rlen; i++)
		fprintf(f, "%02x", random[i]);
	fputc(' ', f);
	for (size_t i = 0; i < slen; i++)
		fprintf(f, "%02x", secret[i]);
	fputc('\n', f);
	fflush(f);
}

static const char *
keylog_label(int id)
{
	switch (id) {
	case CLIENT_EARLY_TRAFFIC_SECRET:     return "CLIENT_EARLY_TRAFFIC_SECRET";
	case CLIENT_HANDSHAKE_TRAFFIC_SECRET: return "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
	case SERVER_HANDSHAKE_TRAFFIC_SECRET: return "SERVER_HANDSHAKE_TRAFFIC_SECRET";
	case CLIENT_TRAFFIC_SECRET:           return "CLIENT_TRAFFIC_SECRET_0";
	case SERVER_TRAFFIC_SECRET:           return "SERVER_TRAFFIC_SECRET_0";
	case EARLY_EXPORTER_SECRET:           return "EARLY_EXPORTER_SECRET";
	case EXPORTER_SECRET:                 return "EXPORTER_SECRET";
	default:                              return NULL;
	}
}

/* wolfSSL's Tls13SecretCb: 0 to go on. */
static int
keylog_tls13_cb(WOLFSSL *ssl, int id, const unsigned char *secret, int len, void *ctx)
{
	struct keylog *kl = ctx;
	unsigned char random[KEYLOG_RANDOM_LEN];
	const char *label = keylog_label(id);
	size_t rlen = wolfSSL_get_client_random(ssl, random, sizeof random);

	if (kl->f != NULL && label != NULL && rlen == sizeof random && len > 0)
		keylog_line(kl->f, label, random, rlen, secret, (size_t)len);
	return 0;
}

void
keylog_attach(struct keylog *kl, WOLFSSL *ssl)
{
	if (kl == NULL || kl->f == NULL)
		return;
	wolfSSL_set_tls13_secret_cb(ssl, keylog_tls13_cb, kl);
	/* TLS 1.2: the client random lives in the handshake arrays, which
	 * wolfSSL frees at the end of the handshake unless told to keep them */
	wolfSSL_KeepArrays(ssl);
}

void
keylog_after_handshake(struct keylog *kl, WOLFSSL *ssl)
{
	unsigned char random[KEYLOG_RANDOM_LEN], master[KEYLOG_SECRET_MAX];
	WOLFSSL_SESSION *sess;
	size_t rlen;
	int mlen;

	if (kl == NULL || kl->f == NULL)
		return;
	if (wolfSSL_version(ssl) == TLS1_2_VERSION) {
		sess = wolfSSL_get_session(ssl);
		rlen = wolfSSL_get_client_random(ssl, random, sizeof random);
		mlen = sess ? wolfSSL_SESSION_get_master_key(sess, master, (int)sizeof master) : 0;
		if (rlen == sizeof random && mlen > 0)
			keylog_line(kl->f, "CLIENT_RANDOM", random, rlen, master, (size_t)mlen);
		memset(master, 0, sizeof master);
	}
	wolfSSL_FreeArrays(ssl);        /* kept by keylog_attach; wiped when freed */
}

#else /* !HAVE_SECRET_CALLBACK */

int
keylog_open(struct keylog *kl, const char *path, char *err, size_t errlen)
{
	(void)path;
	kl->f = NULL;
	snprintf(err, errlen, "%s", KEYLOG_MSG_UNSUPPORTED);
	return -1;
}

void
keylog_attach(struct keylog *kl, WOLFSSL *ssl)
{
	(void)kl;
	(void)ssl;
}

void
keylog_after_handshake(struct keylog *kl, WOLFSSL *ssl)
{
	(void)kl;
	(void)ssl;
}

#endif /* HAVE_SECRET_CALLBACK */
