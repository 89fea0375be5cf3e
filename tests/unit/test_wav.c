/* test_wav.c: WAV headers the RTSP service serves or refuses, never reading
 * out of bounds (truncated, lying, 8-bit, float, extensible, odd chunks),
 * and sample reads from a real file. */
#include "unit.h"
#include "media_wav.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ERRLEN 256

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A canonical 44-byte header: TAG, CH channels, RATE, BITS, DATA bytes. */
static size_t
wav_hdr(uint8_t *b, unsigned tag, unsigned ch, unsigned rate, unsigned bits, uint32_t data)
{
	memcpy(b, "RIFF", 4);
	put32(b + 4, 36 + data);
	memcpy(b + 8, "WAVEfmt ", 8);
	put32(b + 16, 16);
	put16(b + 20, tag);
	put16(b + 22, ch);
	put32(b + 24, rate);
	put32(b + 28, rate * ch * bits / 8);
	put16(b + 32, ch * bits / 8);
	put16(b + 34, bits);
	memcpy(b + 36, "data", 4);
	put32(b + 40, data);
	return 44;
}

UNIT_TEST(wav_parses_16bit_stereo_and_mono)
{
	uint8_t b[64];
	struct wav_info in;
	char err[ERRLEN];

	wav_hdr(b, 1, 2, 44100, 16, 4000);
	CHECK_INT(wav_parse(b, 44, 44 + 4000, &in, err, sizeof err), 0);
	CHECK_INT(in.channels, 2);
	CHECK_INT(in.rate, 44100);
	CHECK_INT(in.frame_bytes, 4);
	CHECK_INT(in.data_offset, 44);
	CHECK_INT(in.frames, 1000);
	CHECK_INT(in.clamped, 0);
	wav_hdr(b, 1, 1, 8000, 16, 16000);
	CHECK_INT(wav_parse(b, 44, 44 + 16000, &in, err, sizeof err), 0);
	CHECK_INT(in.frames, 8000);
	CHECK_INT(wav_duration_ms(&in), 1000);
}

UNIT_TEST(wav_lying_data_length_is_clamped_to_the_file)
{
	uint8_t b[64];
	struct wav_info in;
	char err[ERRLEN];

	wav_hdr(b, 1, 2, 48000, 16, 0xffffffffu);
	CHECK_INT(wav_parse(b, 44, 44 + 1003, &in, err, sizeof err), 0);
	CHECK_INT(in.clamped, 1);
	CHECK_INT(in.frames, 250);           /* whole frames only */
	CHECK_INT(wav_parse(b, 44, 44, &in, err, sizeof err), 0);
	CHECK_INT(in.frames, 0);
}

UNIT_TEST(wav_refuses_8bit_float_and_others_with_a_reason)
{
	uint8_t b[64];
	struct wav_info in;
	char err[ERRLEN];

	wav_hdr(b, 1, 1, 8000, 8, 100);
	CHECK_INT(wav_parse(b, 44, 144, &in, err, sizeof err), -1);
	CHECK(strstr(err, "8-bit") != NULL);
	wav_hdr(b, 3, 2, 44100, 32, 800);
	CHECK_INT(wav_parse(b, 44, 844, &in, err, sizeof err), -1);
	CHECK(strstr(err, "float") != NULL);
	wav_hdr(b, 1, 2, 44100, 24, 600);
	CHECK_INT(wav_parse(b, 44, 644, &in, err, sizeof err), -1);
	CHECK(strstr(err, "24-bit") != NULL);
	wav_hdr(b, 1, 6, 44100, 16, 1200);
	CHECK_INT(wav_parse(b, 44, 1244, &in, err, sizeof err), -1);
	CHECK(strstr(err, "channels") != NULL);
	wav_hdr(b, 0x55, 2, 44100, 16, 100);
	CHECK_INT(wav_parse(b, 44, 144, &in, err, sizeof err), -1);
	CHECK(strstr(err, "format code 85") != NULL);
	wav_hdr(b, 1, 2, 500, 16, 100);
	CHECK_INT(wav_parse(b, 44, 144, &in, err, sizeof err), -1);
	CHECK(strstr(err, "rate") != NULL);
	wav_hdr(b, 1, 2, 44100, 16, 100);
	put16(b + 32, 3);                    /* block align that lies */
	CHECK_INT(wav_parse(b, 44, 144, &in, err, sizeof err), -1);
	CHECK(strstr(err, "block align") != NULL);
}

UNIT_TEST(wav_truncated_headers_never_read_past_the_buffer)
{
	uint8_t full[64];
	struct wav_info in;
	char err[ERRLEN];

	wav_hdr(full, 1, 2, 44100, 16, 400);
	for (size_t n = 0; n < 44; n++) {
		/* an exact-size heap copy: ASan catches any read past N */
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, full, n);
		CHECK_INT(wav_parse(b, n, n, &in, err, sizeof err), -1);
		CHECK(strstr(err, "truncated") != NULL || strstr(err, "RIFF") != NULL);
		free(b);
	}
	CHECK_INT(wav_parse((const uint8_t *)"RIFX\0\0\0\0WAVE", 12, 12, &in, err, sizeof err), -1);
	CHECK(strstr(err, "not a RIFF/WAVE") != NULL);
}

UNIT_TEST(wav_extensible_pcm_served_float_refused)
{
	uint8_t b[128];
	struct wav_info in;
	char err[ERRLEN];
	static const uint8_t tail[14] = { 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71 };

	memcpy(b, "RIFF\0\0\0\0WAVEfmt ", 16);
	put32(b + 16, 40);
	put16(b + 20, 0xfffe);
	put16(b + 22, 2);
	put32(b + 24, 48000);
	put32(b + 28, 192000);
	put16(b + 32, 4);
	put16(b + 34, 16);
	put16(b + 36, 22);
	put16(b + 38, 16);
	put32(b + 40, 3);
	put16(b + 44, 1);                    /* subformat: PCM */
	memcpy(b + 46, tail, sizeof tail);
	memcpy(b + 60, "data", 4);
	put32(b + 64, 400);
	CHECK_INT(wav_parse(b, 68, 468, &in, err, sizeof err), 0);
	CHECK_INT(in.data_offset, 68);
	CHECK_INT(in.frames, 100);
	put16(b + 44, 3);                    /* subformat: IEEE float */
	CHECK_INT(wav_parse(b, 68, 468, &in, err, sizeof err), -1);
	CHECK(strstr(err, "float") != NULL);
	b[50] = 0x11;                        /* a GUID we do not know */
	CHECK_INT(wav_parse(b, 68, 468, &in, err, sizeof err), -1);
	put32(b + 16, 24);                   /* extensible in a short fmt chunk */
	CHECK_INT(wav_parse(b, 68, 468, &in, err, sizeof err), -1);
}

UNIT_TEST(wav_skips_odd_chunks_and_refuses_missing_or_misplaced_data)
{
	uint8_t b[128], c[64];
	struct wav_info in;
	char err[ERRLEN];

	wav_hdr(c, 1, 1, 22050, 16, 10);
	memcpy(b, c, 36);                    /* RIFF + fmt */
	memcpy(b + 36, "LIST", 4);
	put32(b + 40, 3);                    /* odd size: one pad byte follows */
	memcpy(b + 44, "abc\0", 4);
	memcpy(b + 48, c + 36, 8);           /* data, 10 bytes */
	CHECK_INT(wav_parse(b, 56, 66, &in, err, sizeof err), 0);
	CHECK_INT(in.data_offset, 56);
	CHECK_INT(in.frames, 5);
	put32(b + 40, 0xfffffff0u);          /* a chunk claiming 4 GiB */
	CHECK_INT(wav_parse(b, 56, 66, &in, err, sizeof err), -1);
	CHECK(strstr(err, "no data") != NULL);
	memcpy(b, "RIFF\0\0\0\0WAVE", 12);
	memcpy(b + 12, c + 36, 8);           /* data first */
	memcpy(b + 20, c + 12, 24);
	CHECK_INT(wav_parse(b, 44, 54, &in, err, sizeof err), -1);
	CHECK(strstr(err, "before the fmt") != NULL);
	memcpy(b, c, 36);                    /* fmt, then nothing */
	CHECK_INT(wav_parse(b, 36, 36, &in, err, sizeof err), -1);
	CHECK(strstr(err, "no data") != NULL);
}

UNIT_TEST(wav_file_open_read_and_symlink_refusal)
{
	const char *dir = unit_tmpdir();
	char path[512], link[512], err[ERRLEN];
	uint8_t h[64], samples[40], got[40];
	struct media_wav m;

	for (int i = 0; i < 40; i++)
		samples[i] = (uint8_t)i;
	snprintf(path, sizeof path, "%s/a.wav", dir);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	size_t hl = wav_hdr(h, 1, 2, 8000, 16, 40);
	fwrite(h, 1, hl, f);
	fwrite(samples, 1, sizeof samples, f);
	fclose(f);
	CHECK_INT(media_wav_open(&m, path, err, sizeof err), MEDIA_OK);
	CHECK_INT(m.info.frames, 10);
	CHECK_INT(media_wav_read(&m, 2, 100, got), 8);
	CHECK(memcmp(got, samples + 8, 32) == 0);
	CHECK_INT(media_wav_read(&m, 10, 1, got), 0);
	CHECK_INT(truncate(path, 44 + 12), 0);   /* cut short while open */
	CHECK_INT(media_wav_read(&m, 0, 10, got), 3);
	media_wav_close(&m);
	media_wav_close(&m);
	snprintf(link, sizeof link, "%s/l.wav", dir);
	CHECK_INT(symlink(path, link), 0);
	CHECK_INT(media_wav_open(&m, link, err, sizeof err), MEDIA_NOT_FOUND);
	CHECK_INT(m.fd, -1);
	snprintf(link, sizeof link, "%s/missing.wav", dir);
	CHECK_INT(media_wav_open(&m, link, err, sizeof err), MEDIA_NOT_FOUND);
	CHECK_INT(media_wav_open(&m, dir, err, sizeof err), MEDIA_NOT_FOUND);
}
