/*
 * load_tls.h: seal-load's TLS client context. The policy and the trust
 * anchor come from common/tls.h (tls_client_ctx_new: TLS 1.2+, ECDHE + AEAD,
 * WOLFSSL_VERIFY_PEER against --cafile); on top, a context-wide verify
 * callback that refuses a leaf outside its validity dates (wolfSSL skips that
 * check when the leaf is itself the trust anchor, the lab's set-up), as seal
 * does. The name is checked per session (tls_client_expect_name). The
 * callback notes why it refused in a per-thread slot, so each event-loop
 * thread reads the reason of its own last handshake.
 */
#ifndef SEAL_LOAD_TLS_H
#define SEAL_LOAD_TLS_H

#include <stddef.h>

#include "tls.h"

/* A verifying client context trusting CAFILE, or NULL with a reason in ERR. */
WOLFSSL_CTX *load_tls_ctx_new(const char *cafile, char *err, size_t errlen);

/* The error the verify callback saw in this thread since the last call
 * (a wolfSSL error code), or 0; clears it. */
int load_tls_take_verify_error(void);

/* Frees what wolfCrypt keeps per thread (the FP_ECC fixed-point cache that
 * certificate checks fill); each event-loop thread calls it before ending. */
void load_tls_thread_cleanup(void);

/* A short reason for a handshake failure code ERR: a wolfSSL error code, or an
 * X509_V_ERR_* number from the chain check. */
const char *load_tls_reason(int err);

#endif
