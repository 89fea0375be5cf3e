/*
 * fuzz_sdp.c: the SDP of a DESCRIBE reply as seal reads it
 * (client/proto/rtsp_sdp.c): the first audio medium, payload type, L16 rate and
 * channels, a=range length and a=control resolved against the base URL.
 * Checks that what it accepts can be played: a rate, 1 or 2 channels, and
 * a track URL.
 */
#include "fuzzlib.h"
#include "rtsp_client.h"

#include <stdlib.h>
#include <string.h>

#define ERR_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rtsp_client cl;
	char err[ERR_MAX];
	char *body = fuzz_strndup(data, size);

	rtsp_client_init(&cl, "rtsps://localhost:8322/tone.wav");
	err[0] = '\0';
	if (rtsp_sdp_read(&cl, body, err, sizeof err) == 0) {
		FUZZ_CHECK(cl.have_sdp && cl.rate > 0 && cl.channels >= 1 && cl.channels <= 2,
		           "unplayable SDP accepted");
		FUZZ_CHECK(cl.track[0] != '\0' && strlen(cl.track) < sizeof cl.track, "no track URL");
	} else {
		FUZZ_CHECK(err[0] != '\0', "refused without a reason");
	}
	free(body);
	return 0;
}
