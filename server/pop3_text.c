/*
 * pop3_text.c: Maildir text to POP3 text (see pop3_text.h). Works a line
 * span at a time (memchr for the LF, memcpy for the rest), so a 50 MB
 * message costs little more than copying it; sizing a message only counts
 * line ends, a block at a time (a login sizes every message of the
 * maildrop: a memchr per line made that a fifth of a 30 MB RETR session's
 * CPU). Pure; any thread.
 */
#include "pop3_text.h"
#include "decimal.h"
#include "server_defaults.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#define UID_HASH_PREFIX 'H'
#define UID_HASH_BYTES  32        /* 64 hex digits: within POP3_UID_MAX */
#define UID_CHAR_MIN    0x21
#define UID_CHAR_MAX    0x7e
#define INFO_V2         ":2,"     /* Maildir info, version 2: flags follow */
#define SIZE_FIELD      ",S="     /* Maildir name fields, as Dovecot writes them */
#define WIRE_FIELD      ",W="
#define SIZE_DIGITS_MAX 19        /* digits of a size; more are refused (zeros too) */
#define POP3_SIZE_BLOCK 128       /* bytes counted at a time: a byte counter cannot overflow */

void
pop3_text_init(struct pop3_text *t, long body_lines)
{
	memset(t, 0, sizeof *t);
	t->line_start = 1;
	t->body_left = body_lines;
}

/* TOP's bookkeeping at the end of a line (EMPTY: it had no text). */
static void
pop3_text_line_end(struct pop3_text *t, int empty)
{
	if (!t->in_body) {
		if (empty) {
			t->in_body = 1;
			if (t->body_left == 0)
				t->done = 1;
		}
		return;
	}
	if (t->body_left > 0 && --t->body_left == 0)
		t->done = 1;
}

size_t
pop3_text_convert(struct pop3_text *t, const char *in, size_t len, char *out, size_t *used)
{
	size_t i = 0, o = 0;

	while (i < len && !t->done) {
		if (t->line_start && in[i] == '.')
			out[o++] = '.';                      /* byte-stuffing */
		const char *lf = memchr(in + i, '\n', len - i);
		size_t span = lf != NULL ? (size_t)(lf - (in + i)) : len - i;
		memcpy(out + o, in + i, span);
		o += span;
		if (span > 0) {
			t->line_start = 0;
			t->prev_cr = in[i + span - 1] == '\r';
			t->line_len += span;
		}
		i += span;
		if (lf == NULL)
			break;
		int empty = t->line_len == 0 || (t->line_len == 1 && t->prev_cr);
		if (!t->prev_cr)
			out[o++] = '\r';
		out[o++] = '\n';
		i++;
		t->line_start = 1;
		t->prev_cr = 0;
		t->line_len = 0;
		pop3_text_line_end(t, empty);
	}
	*used = i;
	return o;
}

size_t
pop3_text_finish(struct pop3_text *t, char *out)
{
	if (t->line_start)
		return 0;
	out[0] = '\r';
	out[1] = '\n';
	t->line_start = 1;
	t->prev_cr = 0;
	t->line_len = 0;
	return 2;
}

/* LFs, and CRLFs among them, in the POP3_SIZE_BLOCK bytes at P (P[-1] is
 * readable). Byte-wide counters and a fixed trip count let the compiler
 * turn this into a few vector instructions per 16 bytes. */
static void
pop3_size_block(const unsigned char *p, uint64_t *lf, uint64_t *crlf)
{
	unsigned char n = 0, ncr = 0;

	for (int i = 0; i < POP3_SIZE_BLOCK; i++) {
		n += p[i] == '\n';
		ncr += (p[i] == '\n') & (p[i - 1] == '\r');
	}
	*lf += n;
	*crlf += ncr;
}

void
pop3_size_add(struct pop3_size *z, const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	uint64_t lf = 0, crlf = 0;
	size_t i = 1;

	if (len == 0)
		return;
	if (p[0] == '\n') {
		lf++;
		crlf += z->prev_cr != 0;
	}
	for (; i + POP3_SIZE_BLOCK <= len; i += POP3_SIZE_BLOCK)
		pop3_size_block(p + i, &lf, &crlf);
	for (; i < len; i++) {
		lf += p[i] == '\n';
		crlf += p[i] == '\n' && p[i - 1] == '\r';
	}
	z->octets += len + (lf - crlf);              /* a bare LF gets its CR on the wire */
	z->prev_cr = p[len - 1] == '\r';
	z->last_lf = p[len - 1] == '\n';
	z->any = 1;
}

uint64_t
pop3_size_total(const struct pop3_size *z)
{
	return z->octets + (z->any && !z->last_lf ? 2 : 0);
}

int
pop3_text_sized_name(const char *id, uint64_t size, uint64_t wire, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s" SIZE_FIELD "%llu" WIRE_FIELD "%llu", id,
	                 (unsigned long long)size, (unsigned long long)wire);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* The number after the last FIELD in the LEN bytes of NAME (the sizes
 * come last: whatever a foreign name holds before them does not count), up
 * to the next ','. 0, or -1 (absent or not a plain decimal). */
static int
pop3_text_field(const char *name, size_t len, const char *field, uint64_t *v)
{
	size_t flen = strlen(field);

	for (size_t i = len >= flen ? len - flen + 1 : 0; i-- > 0;) {
		if (memcmp(name + i, field, flen) != 0)
			continue;
		const char *num = name + i + flen;
		const char *comma = memchr(num, ',', len - i - flen);
		size_t n = comma != NULL ? (size_t)(comma - num) : len - i - flen;
		if (n > SIZE_DIGITS_MAX)
			return -1;
		return decimal_parse(num, n, UINT64_MAX, v);
	}
	return -1;
}

int
pop3_text_name_size(const char *name, uint64_t file_size, uint64_t *wire)
{
	size_t len = strcspn(name, ":");
	uint64_t size;

	if (pop3_text_field(name, len, SIZE_FIELD, &size) == -1 || size != file_size ||
	    pop3_text_field(name, len, WIRE_FIELD, wire) == -1)
		return -1;
	return 0;
}

/* 1 when the LEN bytes at S may be a unique-id as they are. */
static int
pop3_text_uid_ok(const char *s, size_t len)
{
	if (len == 0 || len > POP3_UID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < UID_CHAR_MIN || (unsigned char)s[i] > UID_CHAR_MAX)
			return 0;
	return 1;
}

int
pop3_text_uid(const char *name, char *out, size_t outlen)
{
	size_t len = strcspn(name, ":");
	unsigned char d[WC_SHA256_DIGEST_SIZE];
	wc_Sha256 sha;

	if (pop3_text_uid_ok(name, len)) {
		snprintf(out, outlen, "%.*s", (int)len, name);
		return 0;
	}
	if (outlen < 2 + 2 * UID_HASH_BYTES || wc_InitSha256(&sha) != 0)
		return -1;
	int rc = wc_Sha256Update(&sha, (const unsigned char *)name, (unsigned)len) == 0 &&
	         wc_Sha256Final(&sha, d) == 0 ? 0 : -1;
	wc_Sha256Free(&sha);
	if (rc == -1)
		return -1;
	out[0] = UID_HASH_PREFIX;
	for (int i = 0; i < UID_HASH_BYTES; i++)
		snprintf(out + 1 + 2 * i, 3, "%02x", d[i]);
	return 0;
}

int
pop3_text_cur_name(const char *name, char flag, char *out, size_t outlen)
{
	const char *info = strchr(name, ':');
	int n;

	if (info == NULL) {
		n = snprintf(out, outlen, "%s" INFO_V2 "%.*s", name, flag ? 1 : 0, &flag);
	} else if (strncmp(info, INFO_V2, strlen(INFO_V2)) != 0 || flag == 0 ||
	           strchr(info + strlen(INFO_V2), flag) != NULL) {
		n = snprintf(out, outlen, "%s", name);
	} else {
		const char *flags = info + strlen(INFO_V2);
		size_t k = 0;
		while (flags[k] != '\0' && (unsigned char)flags[k] < (unsigned char)flag)
			k++;
		n = snprintf(out, outlen, "%.*s%c%s", (int)(flags - name + (long)k), name, flag,
		             flags + k);
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
