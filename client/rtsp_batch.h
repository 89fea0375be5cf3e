/*
 * rtsp_batch.h: seal --batch rtsps://HOST/NAME: DESCRIBE (answering a 401
 * with the --user login), SETUP (TCP interleaved), PLAY to the end (an
 * RTCP BYE, or the server closing), TEARDOWN, all by itself; the audio goes
 * to --output as a WAV file and, with --play, to the sound card (the run
 * ends once the device has played it all, with a line on what it did). The exchange is printed with "C: " and "S: "
 * prefixes (credentials masked), then one summary line, all through
 * text_printf() (no control character of the server's reaches the
 * terminal). One thread.
 */
#ifndef SEAL_RTSP_BATCH_H
#define SEAL_RTSP_BATCH_H

#include <stdio.h>

#include "options.h"
#include "rtsp_io.h"
#include "session.h"

struct rtsp_batch_config {
	const char *url;              /* rtsps://host:port/path, as requests name it */
	const char *peer;             /* "host:port", for messages */
	const char *user;             /* NULL: no login */
	const char *password;
	const char *output;           /* WAV file, or NULL */
	const char *audio_device;     /* --play: the ALSA device, or NULL */
	unsigned    buffer_ms;        /* --play: the jitter buffer */
	int         reply_timeout_ms; /* for a response, and for audio while playing */
	int         utf8;             /* the output keeps UTF-8 (text_locale_utf8) */
};

/* Runs the flow over IO; transcript and summary to OUT, at most one
 * "seal: ..." line to ERR. EXIT_OK, EXIT_AUTH (login needed or refused),
 * EXIT_CONNECT (the server hung up before any response: a refused
 * handshake under TLS 1.3), or EXIT_OTHER. */
int rtsp_batch_run(const struct rtsp_batch_config *cfg, struct rtsp_io *io, FILE *out, FILE *err);

/* seal --batch with an rtsps:// URL: opens the session to T over CTX with
 * O's URL, login and --output, and runs rtsp_batch_run on stdout and
 * stderr (UTF8 as in struct rtsp_batch_config). Returns the exit status of
 * CONTRACT.md. */
int rtsp_batch_main(WOLFSSL_CTX *ctx, const struct session_target *t, const struct seal_opts *o,
                    const char *password, int utf8);

#endif
