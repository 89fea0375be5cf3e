/*
 * load_aead.h: seal-load's aead mode, the yardstick for the pop3 goal
 * ("RETR at 80% of the linked library's AEAD speed"): after one handshake
 * has shown which suite the server negotiates, seal a given number of bytes
 * in memory with that suite's AEAD through wolfCrypt, the library seal-load
 * and sealed link, LOAD_AEAD_RECORD bytes at a time with a fresh nonce and
 * 13 bytes of additional data each, as TLS seals its records. One core, no
 * I/O: what one server worker could at best encrypt per second of its CPU.
 * Timed by the thread's CPU clock, so time the thread spends preempted by
 * other jobs on a shared machine does not lower the figure. Main thread.
 */
#ifndef SEAL_LOAD_AEAD_H
#define SEAL_LOAD_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "load_stats.h"

struct load_aead_result {
	int      have;                          /* a measurement was made */
	char     algorithm[LOAD_TLS_TEXT_MAX];  /* "AES-128-GCM", "ChaCha20-Poly1305" */
	uint64_t bytes;                         /* sealed */
	double   seconds;                       /* CPU time of the sealing thread */
	double   wall_seconds;                  /* for comparison: wall-clock time */
};

/* Seals BYTES (rounded up to whole records) with the AEAD of SUITE, a
 * wolfSSL cipher suite name of TLS 1.3 ("TLS_AES_128_GCM_SHA256") or 1.2
 * ("ECDHE-ECDSA-AES128-GCM-SHA256"), and times it into R. 0, or -1 with the
 * reason in ERR (an AEAD this build lacks, no memory, a wolfCrypt error). */
int load_aead_run(const char *suite, uint64_t bytes, struct load_aead_result *r,
                  char *err, size_t errlen);

#endif
