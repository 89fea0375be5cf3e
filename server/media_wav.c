/*
 * media_wav.c: WAV header parsing and sample reading for the RTSP streams
 * (see media_wav.h). The parser walks the RIFF chunks inside the bytes it
 * was given, with every length checked against them in 64-bit arithmetic,
 * so no header can make it read out of bounds. Worker thread (or any, for
 * wav_parse).
 */
#include "media_wav.h"
#include "server_defaults.h"
#include "fsutil.h"
#include "timeconst.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RIFF_HEADER_LEN     12          /* "RIFF", size, "WAVE" */
#define CHUNK_HEADER_LEN    8           /* id, size */
#define FMT_MIN_LEN         16          /* WAVEFORMAT + wBitsPerSample */
#define FMT_EXT_LEN         40          /* WAVEFORMATEXTENSIBLE */
#define FMT_EXT_SUBFORMAT   24          /* offset of the subformat GUID */
#define GUID_LEN            16
#define WAVE_FORMAT_PCM     1
#define WAVE_FORMAT_FLOAT   3
#define WAVE_FORMAT_EXT     0xfffe
#define BITS_PCM16          16
#define MAX_CHANNELS        2

/* The last 14 bytes of KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT. */
static const uint8_t wav_guid_tail[GUID_LEN - 2] = {
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

struct wav_fmt {
	unsigned tag, channels, rate, block_align, bits;
};

static unsigned
le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes the reason into ERR; returns -1. */
static int __attribute__((format(printf, 3, 4)))
wav_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads a fmt chunk of SIZE bytes at BODY (all within the buffer). */
static int
wav_read_fmt(const uint8_t *body, uint64_t size, struct wav_fmt *f, char *err, size_t errlen)
{
	f->tag = le16(body);
	f->channels = le16(body + 2);
	f->rate = le32(body + 4);
	f->block_align = le16(body + 12);
	f->bits = le16(body + 14);
	if (f->tag != WAVE_FORMAT_EXT)
		return 0;
	if (size < FMT_EXT_LEN) {
		snprintf(err, errlen, "WAVE_FORMAT_EXTENSIBLE with a %llu-byte fmt chunk (want %d)",
		         (unsigned long long)size, FMT_EXT_LEN);
		return -1;
	}
	const uint8_t *guid = body + FMT_EXT_SUBFORMAT;
	if (memcmp(guid + 2, wav_guid_tail, sizeof wav_guid_tail) != 0) {
		snprintf(err, errlen, "WAVE_FORMAT_EXTENSIBLE with an unknown subformat");
		return -1;
	}
	f->tag = le16(guid);
	return 0;
}

/* Refuses what we do not stream, with the reason. */
static int
wav_check_fmt(const struct wav_fmt *f, char *err, size_t errlen)
{
	if (f->tag == WAVE_FORMAT_FLOAT)
		snprintf(err, errlen, "%u-bit float samples: only 16-bit PCM is served", f->bits);
	else if (f->tag != WAVE_FORMAT_PCM)
		snprintf(err, errlen, "format code %u (compressed?): only 16-bit PCM is served",
		         f->tag);
	else if (f->bits != BITS_PCM16)
		snprintf(err, errlen, "%u-bit samples: only 16-bit PCM is served", f->bits);
	else if (f->channels == 0 || f->channels > MAX_CHANNELS)
		snprintf(err, errlen, "%u channels: only mono and stereo are served", f->channels);
	else if (f->rate < RTSP_MIN_RATE || f->rate > RTSP_MAX_RATE)
		snprintf(err, errlen, "sample rate %u Hz: served are %d to %d Hz", f->rate,
		         RTSP_MIN_RATE, RTSP_MAX_RATE);
	else if (f->block_align != f->channels * WAV_BYTES_PER_SAMPLE)
		snprintf(err, errlen, "block align %u does not match %u channels of 16 bits",
		         f->block_align, f->channels);
	else
		return 0;
	return -1;
}

/* Fills INFO from a checked fmt and the data chunk at OFF claiming SIZE. */
static void
wav_fill(struct wav_info *info, const struct wav_fmt *f, uint64_t off, uint64_t size,
         uint64_t file_size)
{
	uint64_t have = file_size > off ? file_size - off : 0;

	info->channels = f->channels;
	info->rate = f->rate;
	info->frame_bytes = f->channels * WAV_BYTES_PER_SAMPLE;
	info->data_offset = off;
	info->clamped = size > have;
	info->frames = (size > have ? have : size) / info->frame_bytes;
}

/* The reason there is no data chunk within LEN bytes. */
static int
wav_no_data(size_t len, uint64_t file_size, int have_fmt, char *err, size_t errlen)
{
	if (len < file_size && len >= RTSP_WAV_HEADER_MAX)
		return wav_fail(err, errlen, "no data chunk in the first %d bytes", RTSP_WAV_HEADER_MAX);
	return wav_fail(err, errlen, "truncated header: no %s chunk", have_fmt ? "data" : "fmt");
}

int
wav_parse(const uint8_t *head, size_t len, uint64_t file_size, struct wav_info *info,
          char *err, size_t errlen)
{
	struct wav_fmt f;
	int have_fmt = 0;

	if (len < RIFF_HEADER_LEN)
		return wav_fail(err, errlen, "truncated header: %zu bytes", len);
	if (memcmp(head, "RIFF", 4) != 0 || memcmp(head + 8, "WAVE", 4) != 0)
		return wav_fail(err, errlen, "not a RIFF/WAVE file");
	for (uint64_t off = RIFF_HEADER_LEN; off + CHUNK_HEADER_LEN <= len;) {
		const uint8_t *ch = head + off;
		uint64_t size = le32(ch + 4), body = off + CHUNK_HEADER_LEN;
		if (memcmp(ch, "data", 4) == 0) {
			if (!have_fmt)
				return wav_fail(err, errlen, "data chunk before the fmt chunk");
			wav_fill(info, &f, body, size, file_size);
			return 0;
		}
		if (memcmp(ch, "fmt ", 4) == 0) {
			if (size < FMT_MIN_LEN || body + (size < FMT_EXT_LEN ? size : FMT_EXT_LEN) > len)
				return wav_fail(err, errlen, "truncated fmt chunk");
			if (wav_read_fmt(head + body, size, &f, err, errlen) == -1 ||
			    wav_check_fmt(&f, err, errlen) == -1)
				return -1;
			have_fmt = 1;
		}
		off = body + size + (size & 1);   /* chunks are padded to even sizes */
	}
	return wav_no_data(len, file_size, have_fmt, err, errlen);
}

/* Reads the header bytes of FD (a file of SIZE bytes) and parses them. */
static enum media_rc
media_wav_header(int fd, uint64_t size, struct wav_info *info, char *err, size_t errlen)
{
	size_t want = size < RTSP_WAV_HEADER_MAX ? (size_t)size : RTSP_WAV_HEADER_MAX;
	uint8_t *head = malloc(want ? want : 1);
	enum media_rc rc = MEDIA_IO_ERROR;

	if (head == NULL) {
		snprintf(err, errlen, "out of memory");
		return MEDIA_IO_ERROR;
	}
	ssize_t got = pread(fd, head, want, 0);
	if (got < 0)
		snprintf(err, errlen, "read: %s", strerror(errno));
	else if (wav_parse(head, (size_t)got, size, info, err, errlen) == -1)
		rc = MEDIA_UNSUPPORTED;
	else
		rc = MEDIA_OK;
	free(head);
	return rc;
}

enum media_rc
media_wav_open(struct media_wav *m, const char *path, char *err, size_t errlen)
{
	struct stat st;
	enum media_rc rc;

	/* non-blocking, and only a regular file: the open of a FIFO (or a
	 * device) put in media/ would otherwise wait, and the worker with it,
	 * for a writer that never comes; no symbolic link either, so that a link
	 * cannot serve a file from outside media/ */
	m->fd = fsutil_open_file(AT_FDCWD, path, O_RDONLY, 0, 0);
	if (m->fd == -1) {
		snprintf(err, errlen, "%s", fsutil_strerror(errno));
		return errno == EIO || errno == EMFILE || errno == ENFILE || errno == ENOMEM
		       ? MEDIA_IO_ERROR : MEDIA_NOT_FOUND;
	}
	if (fstat(m->fd, &st) == -1) {
		snprintf(err, errlen, "fstat: %s", strerror(errno));
		rc = MEDIA_IO_ERROR;
	} else {
		rc = media_wav_header(m->fd, (uint64_t)st.st_size, &m->info, err, errlen);
	}
	if (rc != MEDIA_OK)
		media_wav_close(m);
	return rc;
}

long
media_wav_read(const struct media_wav *m, uint64_t first, size_t n, uint8_t *buf)
{
	const struct wav_info *in = &m->info;
	if (first >= in->frames)
		return 0;
	if (n > in->frames - first)
		n = (size_t)(in->frames - first);
	size_t want = n * in->frame_bytes, got = 0;
	off_t at = (off_t)(in->data_offset + first * in->frame_bytes);
	while (got < want) {
		ssize_t r = pread(m->fd, buf + got, want - got, at + (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)(got / in->frame_bytes);
}

void
media_wav_close(struct media_wav *m)
{
	if (m->fd != -1)
		close(m->fd);
	m->fd = -1;
}

uint64_t
wav_duration_ms(const struct wav_info *info)
{
	return info->rate ? info->frames * MS_PER_S / info->rate : 0;
}
