/*
 * pop3_text.h: how a Maildir file becomes POP3 text, as pure functions on
 * buffers. Maildir files have LF line ends; POP3 sends CRLF and counts sizes
 * as octets of the CRLF form (RFC 1939 section 11). Lines already ending in
 * CRLF stay as they are; a last line without a line end gets one. RETR and
 * TOP byte-stuff lines that begin with '.'; TOP stops after the header
 * section and N body lines. Also the UIDL of a Maildir file name and its
 * cur/ name with a flag. No I/O; any thread; state is the caller's.
 */
#ifndef SEALED_POP3_TEXT_H
#define SEALED_POP3_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define POP3_TEXT_ALL (-1L)      /* body lines: the whole message (RETR) */

/* Converts one message, a buffer at a time. Start from pop3_text_init(). */
struct pop3_text {
	int    line_start;       /* the next byte begins a line */
	int    prev_cr;          /* the last byte was a CR */
	int    in_body;          /* the header section ended (its empty line went out) */
	int    done;             /* TOP: every line asked for went out */
	long   body_left;        /* body lines still to send, or POP3_TEXT_ALL */
	size_t line_len;         /* bytes of the current line so far */
};

/* Counts the CRLF size of one message, a buffer at a time. Start from { 0 }. */
struct pop3_size {
	uint64_t octets;         /* so far, without the final CRLF a last line may lack */
	int      prev_cr;
	int      last_lf;        /* the last byte was LF (or nothing came yet) */
	int      any;            /* some byte came */
};

/* Fresh state for a message sending BODY_LINES lines of its body (TOP), or
 * all of it with POP3_TEXT_ALL. */
void pop3_text_init(struct pop3_text *, long body_lines);

/* Converts up to LEN bytes of IN into OUT, which has room for 2 * LEN bytes:
 * bare LF becomes CRLF, a line that begins with '.' gets another. Returns
 * the bytes written; *USED gets the bytes of IN consumed, LEN unless TOP's
 * lines are all out (t->done), after which nothing more is consumed. */
size_t pop3_text_convert(struct pop3_text *, const char *in, size_t len, char *out,
                         size_t *used);

/* Ends the message: CRLF into OUT (room for 2) when its last line had no
 * line end. Returns the bytes written (0 or 2). */
size_t pop3_text_finish(struct pop3_text *, char *out);

/* Adds LEN bytes of a message to the count. */
void pop3_size_add(struct pop3_size *, const char *buf, size_t len);

/* The message's size in CRLF octets: what pop3_text_convert and
 * pop3_text_finish produce for RETR, without the byte-stuffing. */
uint64_t pop3_size_total(const struct pop3_size *);

/* Maildir file name ID,S=SIZE,W=WIRE into OUT. 0, or -1 (too long). */
int pop3_text_sized_name(const char *id, uint64_t size, uint64_t wire, char *out,
                         size_t outlen);

/* The POP3 size that Maildir file NAME records (",W=N" before any ':'),
 * when its ",S=N" equals FILE_SIZE: 0 with *WIRE set, or -1 when the name
 * records none or a stale one (the file must be read to size it). */
int pop3_text_name_size(const char *name, uint64_t file_size, uint64_t *wire);

/* The unique-id of Maildir file NAME (RFC 1939 UIDL): the part before ':'
 * when it is 1 to POP3_UID_MAX characters from 0x21 to 0x7E, else "H" and
 * the first 64 hex digits of its SHA-256 (stable across sessions too).
 * OUT has room for POP3_UID_MAX + 1. 0, or -1 (hash failure). */
int pop3_text_uid(const char *name, char *out, size_t outlen);

/* The cur/ name of Maildir file NAME (Maildir "info" 2): NAME with ":2,"
 * when it has no info, and flag FLAG (e.g. 'S', seen) added in ASCII order
 * unless it is there already or FLAG is 0. A name with another kind of
 * info is kept as it is. 0, or -1 when OUT is too small. */
int pop3_text_cur_name(const char *name, char flag, char *out, size_t outlen);

#endif
