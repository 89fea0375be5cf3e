/*
 * fuzz_rtsp_session.c: whole RTSP sessions (server/rtsp*.c, auth.c, the WAV
 * reader, SDP, the RTP stream and its timers) through the fake connection:
 * the input is everything the client sends after the TLS handshake, request
 * lines, headers, bodies and interleaved frames alike (on_raw sees the
 * bytes before they are split into lines). The media folder holds WAVs that
 * are served, refused, lying about their length, and a symlink; the seeds
 * log in with Basic and play a stream.
 */
#include "fake_conn.h"
#include "service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_session_run(&service_rtsp, data, size);
	return 0;
}
