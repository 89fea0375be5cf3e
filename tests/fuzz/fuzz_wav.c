/*
 * fuzz_wav.c: the WAV header parser (server/media_wav.c wav_parse) on the
 * first bytes of a file, as media_wav_open() hands them over, for a file
 * exactly that long, shorter (a header that lies about the data) and much
 * longer (RTSP_WAV_HEADER_MAX bytes were read of a big file). Checks that
 * what it accepts can be streamed: 1 or 2 channels, a served rate, 16-bit
 * frames, and audio that lies within the file.
 */
#include "fuzzlib.h"
#include "server_defaults.h"
#include "media_wav.h"

#include <stdio.h>

#define BIG_FILE   ((uint64_t)1 << 40)
#define ERR_MAX    256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_parse(const uint8_t *data, size_t size, uint64_t file_size)
{
	struct wav_info info;
	char err[ERR_MAX];

	err[0] = '\0';
	if (wav_parse(data, size, file_size, &info, err, sizeof err) == -1) {
		FUZZ_CHECK(err[0] != '\0', "refused without a reason");
		return;
	}
	FUZZ_CHECK(info.channels >= 1 && info.channels <= 2, "channels out of range");
	FUZZ_CHECK(info.rate >= RTSP_MIN_RATE && info.rate <= RTSP_MAX_RATE, "rate out of range");
	FUZZ_CHECK(info.frame_bytes == info.channels * WAV_BYTES_PER_SAMPLE, "frame size wrong");
	FUZZ_CHECK(info.frames == 0 || (info.data_offset <= file_size &&
	           info.frames <= (file_size - info.data_offset) / info.frame_bytes),
	           "audio past the end of the file");
	wav_duration_ms(&info);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_parse(data, size, size);
	check_parse(data, size, size / 2);
	check_parse(data, size, BIG_FILE);
	return 0;
}
