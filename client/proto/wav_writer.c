/*
 * wav_writer.c: writing received L16 audio as a WAV file (see
 * wav_writer.h). Sizes in the header are little-endian 32-bit, so a file
 * holds at most 4 GiB minus the header; later audio is dropped and said so.
 */
#include "wav_writer.h"

#include <errno.h>
#include <string.h>

#define RIFF_OVERHEAD   36          /* RIFF size = data bytes + this */
#define FMT_CHUNK_LEN   16
#define WAVE_FORMAT_PCM 1
#define BITS_PER_SAMPLE 16
#define BYTES_PER_SAMPLE 2
#define RIFF_MAX_DATA   (UINT32_MAX - RIFF_OVERHEAD)

static void
le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void
wav_writer_header(uint8_t out[WAV_HEADER_LEN], unsigned rate, unsigned channels,
                  uint64_t data_bytes)
{
	uint32_t data = data_bytes > RIFF_MAX_DATA ? RIFF_MAX_DATA : (uint32_t)data_bytes;

	memcpy(out, "RIFF", 4);
	le32(out + 4, data + RIFF_OVERHEAD);
	memcpy(out + 8, "WAVEfmt ", 8);
	le32(out + 16, FMT_CHUNK_LEN);
	le16(out + 20, WAVE_FORMAT_PCM);
	le16(out + 22, channels);
	le32(out + 24, rate);
	le32(out + 28, rate * channels * BYTES_PER_SAMPLE);
	le16(out + 32, channels * BYTES_PER_SAMPLE);
	le16(out + 34, BITS_PER_SAMPLE);
	memcpy(out + 36, "data", 4);
	le32(out + 40, data);
}

int
wav_writer_open(struct wav_writer *w, const char *path, unsigned rate, unsigned channels,
                char *err, size_t errlen)
{
	uint8_t h[WAV_HEADER_LEN];

	memset(w, 0, sizeof *w);
	w->rate = rate;
	w->channels = channels;
	w->f = fopen(path, "wb");
	if (w->f == NULL) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	wav_writer_header(h, rate, channels, 0);
	if (fwrite(h, 1, sizeof h, w->f) != sizeof h) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		fclose(w->f);
		w->f = NULL;
		return -1;
	}
	return 0;
}

int
wav_writer_write(struct wav_writer *w, const void *pcm, size_t len, char *err, size_t errlen)
{
	if (w->f == NULL || w->full)
		return 0;
	if (w->data_bytes + len > RIFF_MAX_DATA) {
		len = (size_t)(RIFF_MAX_DATA - w->data_bytes);
		len -= len % (w->channels * BYTES_PER_SAMPLE);
		w->full = 1;
	}
	if (fwrite(pcm, 1, len, w->f) != len) {
		snprintf(err, errlen, "cannot write the WAV file: %s", strerror(errno));
		return -1;
	}
	w->data_bytes += len;
	return 0;
}

int
wav_writer_close(struct wav_writer *w, char *err, size_t errlen)
{
	uint8_t h[WAV_HEADER_LEN];
	int rc = 0;

	if (w->f == NULL)
		return 0;
	wav_writer_header(h, w->rate, w->channels, w->data_bytes);
	if (fseek(w->f, 0, SEEK_SET) != 0 || fwrite(h, 1, sizeof h, w->f) != sizeof h) {
		snprintf(err, errlen, "cannot fix up the WAV header: %s", strerror(errno));
		rc = -1;
	}
	if (fclose(w->f) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write the WAV file: %s", strerror(errno));
		rc = -1;
	}
	w->f = NULL;
	return rc;
}
