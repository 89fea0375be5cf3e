/*
 * fake_server.c: the server side of the session fuzzers (see fake_conn.h):
 * one struct server with its config, a fake user database (userdb.h) that
 * knows FAKE_USER and FAKE_USER2 with their plain passwords (no crypt(3): a
 * wrong guess must cost microseconds, not 20 ms), a constant getrandom(),
 * and a temporary data dir with media files (WAVs served, refused and
 * lying, a symlink) and FAKE_USER's maildrop. The data dir is in
 * fuzz_tmpdir(), removed at exit. With FUZZ_TRACE set, the log (the
 * dialogue, events) goes to stderr. One thread.
 */
#include "fake_conn.h"
#include "fuzzlib.h"

#include "server_defaults.h"
#include "log.h"
#include "media_wav.h"
#include "server.h"
#include "throttle.h"
#include "userdb.h"
#include "userfile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define WAV_HEADER_LEN     44
#define WAV_FMT_LEN        16
#define WAV_PCM            1
#define WAV_FLOAT          3
#define WAV_BITS           16
#define WAV_FLOAT_BITS     32
#define WAV_TONE_RATE      8000
#define WAV_TONE_FRAMES    800         /* 0.1 s: five 20 ms packets */
#define WAV_STEREO_RATE    44100
#define WAV_STEREO_FRAMES  2205        /* 0.05 s, RTP payload type 10 */
#define WAV_STEREO_CHANNELS 2
#define WAV_LIE_EXTRA      100000      /* data bytes the lying header claims beyond the file */
#define BIG_LINES          72          /* message 4: about 72 KB, */
#define BIG_LINE_LEN       1000        /* in long lines (few to scan: the fuzzer stays fast) */
#define BIG_DOT_EVERY      7           /* every 7th line begins with '.' */
#define BIG_CRLF_EVERY     5           /* every 5th line ends in CRLF */
#define BIG_HEADER_MAX     128

static struct config fake_cfg;
static struct server fake_srv;
static char fake_dir[PATH_MAX];
static int fake_ready;

/* --- userdb.h, faked ---------------------------------------------------- */

static const struct { const char *name, *pass; } fake_users[] = {
	{ FAKE_USER, FAKE_PASS }, { FAKE_USER2, FAKE_PASS2 }, { FAKE_USER_BROKEN, "" },
};
#define FAKE_NUSERS (sizeof fake_users / sizeof fake_users[0])

enum auth_result
userdb_verify(struct userdb *db, const char *name, const char *pass, int open_registration)
{
	(void)db;
	(void)open_registration;
	if (!userfile_valid_name(name))
		return AUTH_BAD;
	if (strcmp(name, FAKE_USER_BROKEN) == 0)
		return AUTH_ERROR;
	for (size_t i = 0; i < FAKE_NUSERS; i++)
		if (strcmp(fake_users[i].name, name) == 0)
			return strcmp(fake_users[i].pass, pass) == 0 ? AUTH_OK : AUTH_BAD;
	return AUTH_BAD;
}

int
userdb_exists(struct userdb *db, const char *name)
{
	(void)db;
	for (size_t i = 0; i < FAKE_NUSERS; i++)
		if (strcmp(fake_users[i].name, name) == 0)
			return 1;
	return 0;
}

/* --- Randomness, made deterministic ------------------------------------- */

/* getrandom(2) for everything linked into a session fuzzer (this definition
 * comes before libc's): RTSP session ids, SSRCs and sequence numbers become
 * FAKE_RANDOM_BYTE repeated, so that an input can name its session
 * ("Session: " FAKE_SESSION_ID) and every run of an input is the same. */
ssize_t
getrandom(void *buf, size_t len, unsigned flags)
{
	(void)flags;
	memset(buf, FAKE_RANDOM_BYTE, len);
	return (ssize_t)len;
}

/* --- Files of the data dir ---------------------------------------------- */

static void
fake_die(const char *what)
{
	fprintf(stderr, "fake_server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
fake_path(char *out, size_t len, const char *rel)
{
	if ((size_t)snprintf(out, len, "%s/%s", fake_dir, rel) >= len) {
		errno = ENAMETOOLONG;
		fake_die(rel);
	}
}

static void
fake_write_file(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];

	fake_path(path, sizeof path, rel);
	fuzz_write_file(path, data, len);
}

static void
fake_mkdir(const char *rel)
{
	char path[PATH_MAX];

	fake_path(path, sizeof path, rel);
	if (mkdir(path, DATA_DIR_MODE) == -1 && errno != EEXIST)
		fake_die(path);
}

/* Removes REL (a file or a tree) under the data dir. */
static void
fake_rm_tree(const char *rel)
{
	char path[PATH_MAX];

	fake_path(path, sizeof path, rel);
	fuzz_rm_tree(path);
}

/* --- Media --------------------------------------------------------------- */

static void
put_le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v & 0xffffu);
	put_le16(p + 2, v >> 16);
}

/* A canonical 44-byte WAV header into H for DATA_LEN bytes of samples. */
static void
fake_wav_header(uint8_t *h, unsigned tag, unsigned channels, unsigned rate, unsigned bits,
                uint32_t data_len)
{
	unsigned align = channels * bits / CHAR_BIT;

	memcpy(h, "RIFF", 4);
	put_le32(h + 4, WAV_HEADER_LEN - 8 + data_len);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le32(h + 16, WAV_FMT_LEN);
	put_le16(h + 20, tag);
	put_le16(h + 22, channels);
	put_le32(h + 24, rate);
	put_le32(h + 28, rate * align);
	put_le16(h + 32, align);
	put_le16(h + 34, bits);
	memcpy(h + 36, "data", 4);
	put_le32(h + 40, data_len);
}

/* Writes media file NAME: a header claiming CLAIM data bytes, then LEN
 * bytes of a ramp. */
static void
fake_wav(const char *name, unsigned tag, unsigned channels, unsigned rate, unsigned bits,
         uint32_t len, uint32_t claim)
{
	uint8_t *buf = malloc(WAV_HEADER_LEN + (size_t)len);
	char rel[PATH_MAX];

	if (buf == NULL)
		fake_die("malloc");
	fake_wav_header(buf, tag, channels, rate, bits, claim);
	for (uint32_t i = 0; i < len; i++)
		buf[WAV_HEADER_LEN + i] = (uint8_t)(i * 7);
	snprintf(rel, sizeof rel, "%s/%s", MEDIA_DIR_NAME, name);
	fake_write_file(rel, buf, WAV_HEADER_LEN + (size_t)len);
	free(buf);
}

static void
fake_media(void)
{
	char target[PATH_MAX], link[PATH_MAX];
	uint32_t tone = WAV_TONE_FRAMES * WAV_BYTES_PER_SAMPLE;
	uint32_t stereo = WAV_STEREO_FRAMES * WAV_STEREO_CHANNELS * WAV_BYTES_PER_SAMPLE;

	fake_mkdir(MEDIA_DIR_NAME);
	fake_wav("tone.wav", WAV_PCM, 1, WAV_TONE_RATE, WAV_BITS, tone, tone);
	fake_wav("stereo.wav", WAV_PCM, WAV_STEREO_CHANNELS, WAV_STEREO_RATE, WAV_BITS, stereo, stereo);
	fake_wav("lying.wav", WAV_PCM, 1, WAV_TONE_RATE, WAV_BITS, tone, tone + WAV_LIE_EXTRA);
	fake_wav("float.wav", WAV_FLOAT, 1, WAV_TONE_RATE, WAV_FLOAT_BITS, tone, tone);
	fake_write_file(MEDIA_DIR_NAME "/notes.txt", "not audio\n", strlen("not audio\n"));
	fake_path(target, sizeof target, MEDIA_DIR_NAME "/tone.wav");
	fake_path(link, sizeof link, MEDIA_DIR_NAME "/link.wav");
	if (symlink(target, link) == -1)
		fake_die(link);
}

/* --- Mail ---------------------------------------------------------------- */

void
fake_mail_clear(void)
{
	fake_rm_tree(MAIL_DIR_NAME);
}

/* Message 4: bigger than OUTBUF_LOW_WATER, so that RETR streams it in
 * pieces through on_drain and pipelined commands wait behind it. Lines end
 * in LF, some in CRLF; some begin with '.'. Built once. */
static void
fake_big_message(void)
{
	static char *big;
	static size_t len;

	if (big == NULL) {
		if ((big = malloc(BIG_HEADER_MAX + BIG_LINES * (BIG_LINE_LEN + 3))) == NULL)
			fake_die("malloc");
		len = (size_t)sprintf(big, "From: bob@%s\nSubject: big\n\n", FAKE_DOMAIN);
		for (unsigned i = 0; i < BIG_LINES; i++) {
			if (i % BIG_DOT_EVERY == 0)
				big[len++] = '.';
			for (unsigned k = 0; k < BIG_LINE_LEN; k++)
				big[len++] = (char)('a' + (i + k) % ('z' - 'a' + 1));
			len += (size_t)sprintf(big + len, "%s", i % BIG_CRLF_EVERY ? "\n" : "\r\n");
		}
	}
	fake_write_file(MAIL_DIR_NAME "/" FAKE_USER "/new/1700000004.M4P1Q4.fuzz", big, len);
}

void
fake_maildrop_reset(void)
{
	static const char m1[] =
		"From: bob@" FAKE_DOMAIN "\nSubject: one\n\nline 1\n.dot line\n..two dots\n.\nend\n";
	static const char m2[] = "Subject: two\n\nno line end at the end";
	static const char m3[] = "Subject: three\r\n\r\nread before\r\n";

	fake_server_init();
	fake_mail_clear();
	fake_mkdir(MAIL_DIR_NAME);
	fake_mkdir(MAIL_DIR_NAME "/" FAKE_USER);
	fake_mkdir(MAIL_DIR_NAME "/" FAKE_USER "/tmp");
	fake_mkdir(MAIL_DIR_NAME "/" FAKE_USER "/new");
	fake_mkdir(MAIL_DIR_NAME "/" FAKE_USER "/cur");
	fake_write_file(MAIL_DIR_NAME "/" FAKE_USER "/new/1700000001.M1P1Q1.fuzz", m1, strlen(m1));
	fake_write_file(MAIL_DIR_NAME "/" FAKE_USER "/new/1700000002.M2P1Q2.fuzz", m2, strlen(m2));
	fake_write_file(MAIL_DIR_NAME "/" FAKE_USER "/cur/1700000003.M3P1Q3.fuzz,S=31,W=31:2,S", m3,
	                strlen(m3));
	fake_big_message();
}

/* --- The server ---------------------------------------------------------- */

/* The data dir, in the process's scratch directory (removed at exit). */
static void
fake_make_dir(void)
{
	if ((size_t)snprintf(fake_dir, sizeof fake_dir, "%s/%s", fuzz_tmpdir(),
	                     DEFAULT_DATA_DIR) >= sizeof fake_dir) {
		errno = ENAMETOOLONG;
		fake_die("data dir");
	}
	if (mkdir(fake_dir, DATA_DIR_MODE) == -1)
		fake_die(fake_dir);
}

void
fake_server_init(void)
{
	if (fake_ready)
		return;
	fake_ready = 1;
	/* formatted, never written; FUZZ_TRACE=1 shows the dialogue on stderr */
	log_open(NULL, getenv("FUZZ_TRACE") != NULL);
	fake_make_dir();
	fake_media();
	fake_cfg = (struct config){
		.listen_addr = DEFAULT_LISTEN_ADDR, .data_dir = fake_dir, .domain = FAKE_DOMAIN,
		.workers = 1, .max_message_size = FAKE_MAX_MESSAGE,
		.max_auth_failures = DEFAULT_MAX_AUTH_FAILURES,
		.max_conns_per_ip = DEFAULT_MAX_CONNS_PER_IP,
	};
	fake_srv.cfg = &fake_cfg;
	server_live_set(&fake_srv, &fake_cfg);   /* the limits the handlers read */
	fake_srv.users = (struct userdb *)&fake_users;   /* never looked into */
	fake_srv.nworkers = 1;
	fake_srv.max_files = 2;                /* the one connection's: a file and a POP3 lock */
	snprintf(fake_srv.hostname, sizeof fake_srv.hostname, "fuzz.%s", FAKE_DOMAIN);
}

struct server *
fake_server(void)
{
	return &fake_srv;
}

const char *
fake_data_dir(void)
{
	fake_server_init();
	return fake_dir;
}

void
fake_server_session_begin(void)
{
	if ((fake_srv.throttle = throttle_new()) == NULL)
		fake_die("throttle_new");
	throttle_set_clock(fake_srv.throttle, fake_clock_ms);
}

void
fake_server_session_end(void)
{
	throttle_free(fake_srv.throttle);
	fake_srv.throttle = NULL;
	if (atomic_load(&fake_srv.files_open) != 0) {   /* a slot taken and never given back */
		fprintf(stderr, "fake_server: %d file slots still taken after the session\n",
		        atomic_load(&fake_srv.files_open));
		abort();
	}
}
