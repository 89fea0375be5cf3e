/*
 * wav_writer.h: seal --output: received audio written as a WAV file
 * (RIFF/WAVE, 16-bit little-endian PCM). The header goes first with the
 * sizes unknown, the samples as they come, and the sizes are fixed up when
 * the file is closed, so a stream of any length makes a valid file. One
 * owner at a time.
 */
#ifndef SEAL_WAV_WRITER_H
#define SEAL_WAV_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WAV_HEADER_LEN 44

struct wav_writer {
	FILE     *f;
	unsigned  rate, channels;
	uint64_t  data_bytes;      /* written so far */
	int       full;            /* the RIFF 4 GiB limit was reached: the rest is dropped */
};

/* Creates (truncates) PATH for RATE Hz and CHANNELS. 0, or -1 with ERR. */
int wav_writer_open(struct wav_writer *w, const char *path, unsigned rate, unsigned channels,
                    char *err, size_t errlen);

/* Appends LEN bytes of little-endian 16-bit samples. 0, or -1 with ERR. */
int wav_writer_write(struct wav_writer *w, const void *pcm, size_t len, char *err, size_t errlen);

/* Fixes up the sizes and closes. 0, or -1 with ERR. Safe on a closed one. */
int wav_writer_close(struct wav_writer *w, char *err, size_t errlen);

/* The 44-byte header for DATA_BYTES of audio into OUT. */
void wav_writer_header(uint8_t out[WAV_HEADER_LEN], unsigned rate, unsigned channels,
                       uint64_t data_bytes);

#endif
