/*
 * media_wav.h: the WAV files of the media folder as RTSP streams. Parses a
 * RIFF/WAVE header (16-bit PCM, any rate from RTSP_MIN_RATE to
 * RTSP_MAX_RATE, mono or stereo, WAVE_FORMAT_PCM or WAVE_FORMAT_EXTENSIBLE
 * with a PCM subformat) and refuses anything else with a reason a person
 * can act on. A header that lies (data length past the end of the file) is
 * clamped to the file; a truncated one is refused. wav_parse() is pure; a
 * struct media_wav belongs to the worker thread of its connection.
 */
#ifndef SEALED_MEDIA_WAV_H
#define SEALED_MEDIA_WAV_H

#include <stddef.h>
#include <stdint.h>

#define WAV_BYTES_PER_SAMPLE 2

struct wav_info {
	unsigned channels;      /* 1 or 2 */
	unsigned rate;          /* frames per second */
	unsigned frame_bytes;   /* channels * WAV_BYTES_PER_SAMPLE */
	uint64_t data_offset;   /* file offset of the first sample */
	uint64_t frames;        /* whole frames of audio, clamped to the file */
	int      clamped;       /* the header claimed more data than the file has */
};

enum media_rc {
	MEDIA_OK,
	MEDIA_NOT_FOUND,        /* no such regular file (a symlink, a FIFO, a device) */
	MEDIA_UNSUPPORTED,      /* not a WAV we serve; the reason says why */
	MEDIA_IO_ERROR          /* could not read it */
};

struct media_wav {
	int             fd;     /* -1 when closed */
	struct wav_info info;
};

/* Parses HEAD, the first LEN bytes of a file of FILE_SIZE bytes. 0 with
 * *INFO filled, or -1 with a one-line reason in ERR. Never reads past LEN. */
int wav_parse(const uint8_t *head, size_t len, uint64_t file_size, struct wav_info *info,
              char *err, size_t errlen);

/* Opens PATH (a regular file only: a symlink, FIFO or device is refused at
 * once, never waited for) and parses its header. MEDIA_OK with M open (close
 * it with media_wav_close), else the reason in ERR and M closed. */
enum media_rc media_wav_open(struct media_wav *m, const char *path, char *err, size_t errlen);

/* Reads up to N frames from frame FIRST into BUF (N * frame_bytes bytes),
 * little-endian as stored. Returns the whole frames read (fewer at the end
 * of the data, 0 past it; a file cut short since it was opened reads
 * short), or -1 on a read error. */
long media_wav_read(const struct media_wav *m, uint64_t first, size_t n, uint8_t *buf);

/* Closes M (safe on a closed one). */
void media_wav_close(struct media_wav *m);

/* The length of INFO's audio in milliseconds. */
uint64_t wav_duration_ms(const struct wav_info *info);

#endif
