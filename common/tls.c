/*
 * tls.c: builds wolfSSL contexts with sealed's policy and names wolfSSL's
 * errors for people. Contexts are made before threads use them; the
 * passphrase callback runs while a key is loaded (main thread or SIGHUP
 * reload), never on a worker's event loop.
 */
#include "tls.h"
#include "defaults.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#define TLS_PASS_MAX  1024
#define TLS_GROUPS    "X25519:P-256:P-384"

struct tls_pass {
	char pass[TLS_PASS_MAX];
	int  have;           /* from a file */
	char err[128];       /* why the callback gave nothing */
};

int
tls_global_init(void)
{
	return wolfSSL_Init() == WOLFSSL_SUCCESS ? 0 : -1;
}

void
tls_global_cleanup(void)
{
	wolfSSL_Cleanup();
}

int
tls_read_pass_file(const char *file, char *buf, size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(file, "re");
	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", file, strerror(errno));
		return -1;
	}
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		snprintf(err, errlen, "%s holds no passphrase", file);
		return -1;
	}
	return 0;
}

/* Asks for a passphrase on the controlling terminal with echo off. */
static int
tls_prompt_pass(char *buf, size_t len)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return -1;
	FILE *tty = fdopen(fd, "r+");
	if (tty == NULL) {
		close(fd);
		return -1;
	}
	int rc = -1;
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		fputs("Key passphrase: ", tty);
		fflush(tty);
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0) {
			if (fgets(buf, (int)len, tty) != NULL)
				rc = 0;
			tcsetattr(fd, TCSAFLUSH, &old);
		}
		fputs("\n", tty);
	}
	fclose(tty);
	if (rc == 0)
		buf[strcspn(buf, "\r\n")] = '\0';
	return rc;
}

/* wolfSSL's pem_password_cb: fills BUF with the key's passphrase. */
static int
tls_pass_cb(char *buf, int size, int rwflag, void *userdata)
{
	struct tls_pass *tp = userdata;
	(void)rwflag;
	if (!tp->have) {
		if (tls_prompt_pass(tp->pass, sizeof tp->pass) == -1) {
			snprintf(tp->err, sizeof tp->err,
			         "the key is encrypted: give --key-pass-file");
			return 0;
		}
		tp->have = 1;
	}
	size_t n = strlen(tp->pass);
	if (n >= (size_t)size)
		return 0;
	memcpy(buf, tp->pass, n + 1);
	return (int)n;
}

const char *
tls_cipher_list(void)
{
#if defined(WOLFSSL_AESNI) && (defined(__x86_64__) || defined(__i386__))
	if (__builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul"))
		return TLS_SUITES_AES_FIRST;
#endif
	return TLS_SUITES_CHACHA_FIRST;
}

/* The policy both sides share: versions, suites, groups. */
static int
tls_apply_policy(WOLFSSL_CTX *ctx, char *err, size_t errlen)
{
	if (wolfSSL_CTX_SetMinVersion(ctx, WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot set TLS 1.2 as the minimum version");
		return -1;
	}
	if (wolfSSL_CTX_set_cipher_list(ctx, tls_cipher_list()) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot set the cipher suites");
		return -1;
	}
	char groups[] = TLS_GROUPS;
	if (wolfSSL_CTX_set1_curves_list(ctx, groups) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot set the key exchange groups");
		return -1;
	}
	return 0;
}

/* Loads a certificate chain and its key (maybe encrypted) into CTX. */
static int
tls_load_identity(WOLFSSL_CTX *ctx, const char *cert, const char *key,
                  const char *pass_file, char *err, size_t errlen)
{
	struct tls_pass tp;
	int rc = -1;

	memset(&tp, 0, sizeof tp);
	if (pass_file != NULL) {
		if (tls_read_pass_file(pass_file, tp.pass, sizeof tp.pass, err, errlen) == -1)
			return -1;
		tp.have = 1;
	}
	if (wolfSSL_CTX_use_certificate_chain_file(ctx, cert) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot load certificate %s (missing, unreadable or not PEM)", cert);
		goto done;
	}
	wolfSSL_CTX_set_default_passwd_cb(ctx, tls_pass_cb);
	wolfSSL_CTX_set_default_passwd_cb_userdata(ctx, &tp);
	if (wolfSSL_CTX_use_PrivateKey_file(ctx, key, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot load key %s%s%s", key, tp.err[0] ? ": " : "",
		         tp.err[0] ? tp.err : " (missing, unreadable, not PEM, or wrong passphrase)");
		goto done;
	}
	char why[128];
	if (wolfSSL_CTX_check_private_key(ctx) != WOLFSSL_SUCCESS ||
	    tls_key_matches_cert(ctx, why, sizeof why) == -1) {
		snprintf(err, errlen, "key %s does not match certificate %s", key, cert);
		goto done;
	}
	rc = 0;
done:
	wolfSSL_CTX_set_default_passwd_cb(ctx, NULL);
	wolfSSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	memset(tp.pass, 0, sizeof tp.pass);
	return rc;
}

/* Server-side verify callback for client certificates. wolfSSL does not check
 * the dates of a certificate that is itself a trust anchor (a self-signed
 * client certificate given as --client-ca), so every certificate's dates are
 * checked here too; any failure refuses the handshake. */
static int
tls_client_cert_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	if (!preverify)
		return 0;
	WOLFSSL_X509 *x = wolfSSL_X509_STORE_CTX_get_current_cert(store);
	if (x == NULL)
		return 1;
	if (wolfSSL_X509_cmp_current_time(wolfSSL_X509_get_notBefore(x)) > 0) {
		wolfSSL_X509_STORE_CTX_set_error(store, ASN_BEFORE_DATE_E);
		return 0;
	}
	if (wolfSSL_X509_cmp_current_time(wolfSSL_X509_get_notAfter(x)) < 0) {
		wolfSSL_X509_STORE_CTX_set_error(store, ASN_AFTER_DATE_E);
		return 0;
	}
	return 1;
}

/* A context for METHOD under sealed's policy, or NULL with ERR. */
static WOLFSSL_CTX *
tls_ctx_with_policy(WOLFSSL_METHOD *method, char *err, size_t errlen)
{
	WOLFSSL_CTX *ctx = wolfSSL_CTX_new(method);
	if (ctx == NULL) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	if (tls_apply_policy(ctx, err, errlen) == -1) {
		wolfSSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

WOLFSSL_CTX *
tls_server_ctx_new(const struct tls_server_opts *o, char *err, size_t errlen)
{
	WOLFSSL_CTX *ctx = tls_ctx_with_policy(wolfSSLv23_server_method(), err, errlen);
	if (ctx == NULL)
		return NULL;
	wolfSSL_CTX_set_options(ctx, WOLFSSL_OP_CIPHER_SERVER_PREFERENCE |
	                             WOLFSSL_OP_NO_COMPRESSION);
	if (wolfSSL_CTX_UseSessionTicket(ctx) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot enable session tickets");
		goto fail;
	}
	if (tls_load_identity(ctx, o->cert, o->key, o->key_pass_file, err, errlen) == -1)
		goto fail;
	if (o->client_ca != NULL) {
		if (wolfSSL_CTX_load_verify_locations(ctx, o->client_ca, NULL) != WOLFSSL_SUCCESS) {
			snprintf(err, errlen, "cannot load client CA %s", o->client_ca);
			goto fail;
		}
		int mode = WOLFSSL_VERIFY_PEER;
		if (o->require_client_cert)
			mode |= WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		wolfSSL_CTX_set_verify(ctx, mode, tls_client_cert_cb);
	} else if (o->require_client_cert) {
		snprintf(err, errlen, "--require-client-cert needs --client-ca");
		goto fail;
	} else {
		wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_NONE, NULL);
	}
	return ctx;
fail:
	wolfSSL_CTX_free(ctx);
	return NULL;
}

WOLFSSL_CTX *
tls_client_ctx_new(const struct tls_client_opts *o, char *err, size_t errlen)
{
	WOLFSSL_CTX *ctx = tls_ctx_with_policy(wolfSSLv23_client_method(), err, errlen);
	if (ctx == NULL)
		return NULL;
	if (wolfSSL_CTX_load_verify_locations(ctx, o->cafile, NULL) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot load trust anchor %s (missing, unreadable or not PEM)",
		         o->cafile);
		goto fail;
	}
	wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, NULL);
	if (o->cert != NULL || o->key != NULL) {
		if (o->cert == NULL || o->key == NULL) {
			snprintf(err, errlen, "--cert and --key go together");
			goto fail;
		}
		if (tls_load_identity(ctx, o->cert, o->key, o->key_pass_file, err, errlen) == -1)
			goto fail;
	}
	return ctx;
fail:
	wolfSSL_CTX_free(ctx);
	return NULL;
}

int
tls_can_check_ip(void)
{
#ifdef WOLFSSL_IP_ALT_NAME
	return 1;
#else
	return 0;
#endif
}

/* 1 when S is an IPv4 or IPv6 literal. */
static int
tls_is_ip_literal(const char *s)
{
	unsigned char addr[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

int
tls_client_expect_name(WOLFSSL *ssl, const char *host, char *err, size_t errlen)
{
	if (tls_is_ip_literal(host) && !tls_can_check_ip()) {
		snprintf(err, errlen,
		         "this wolfSSL build cannot match IP address %s against the certificate; "
		         "connect by name, or give --expect-cn NAME", host);
		return -1;
	}
	if (wolfSSL_check_domain_name(ssl, host) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot set the expected name %s", host);
		return -1;
	}
	return 0;
}

static const struct tls_reason {
	int         code;
	int         is_cert;
	const char *text;
} tls_reasons[] = {
	{ ASN_AFTER_DATE_E,     1, "certificate expired" },
	{ ASN_BEFORE_DATE_E,    1, "certificate not yet valid" },
	{ ASN_NO_SIGNER_E,      1, "certificate not signed by a trusted authority" },
	{ ASN_SELF_SIGNED_E,    1, "self-signed certificate is not trusted" },
	{ ASN_SIG_CONFIRM_E,    1, "certificate signature does not verify" },
	{ DOMAIN_NAME_MISMATCH, 1, "certificate name does not match" },
	{ IPADDR_MISMATCH,      1, "certificate IP address does not match" },
	{ VERIFY_CERT_ERROR,    1, "certificate verification failed" },
	{ ASN_PARSE_E,          1, "certificate cannot be parsed" },
	{ NO_PEER_CERT,         0, "peer sent no certificate" },
	{ VERSION_ERROR,        0, "protocol version not supported" },
	{ MATCH_SUITE_ERROR,    0, "no cipher suite in common" },
	{ FATAL_ERROR,          0, "peer sent a fatal alert" },
	{ SOCKET_PEER_CLOSED_E, 0, "connection closed by peer" },
	{ SOCKET_ERROR_E,       0, "connection error" },
	{ ZERO_RETURN,          0, "peer closed the TLS session" },
	{ UNKNOWN_RECORD_TYPE,  0, "peer does not speak TLS" },
	{ VERIFY_MAC_ERROR,     0, "record integrity check failed" },
};

const char *
tls_error_reason(int err)
{
	for (size_t i = 0; i < sizeof tls_reasons / sizeof tls_reasons[0]; i++)
		if (tls_reasons[i].code == err)
			return tls_reasons[i].text;
	static __thread char other[WOLFSSL_MAX_ERROR_SZ];
	wolfSSL_ERR_error_string_n((unsigned long)err, other, sizeof other);
	return other;
}

int
tls_error_is_cert(int err)
{
	for (size_t i = 0; i < sizeof tls_reasons / sizeof tls_reasons[0]; i++)
		if (tls_reasons[i].code == err)
			return tls_reasons[i].is_cert;
	return 0;
}

int
tls_want_events(int err)
{
	if (err == WOLFSSL_ERROR_WANT_READ)
		return POLLIN;
	if (err == WOLFSSL_ERROR_WANT_WRITE)
		return POLLOUT;
	return 0;
}
