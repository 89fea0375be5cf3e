/*
 * mailhdr.h: what the TUI's mailbox list shows of a message, taken from
 * its header section as TOP n 0 or RETR n returns it: From (the display
 * name, else the address), Subject, and Date (as "YYYY-MM-DD HH:MM" when it
 * parses, else as written). Folded fields are unfolded (RFC 5322 2.2.3) and
 * white space squeezed; RFC 2047 encoded words in UTF-8, US-ASCII or
 * ISO-8859-1 are decoded, others are shown raw. Control characters and
 * broken UTF-8 never come out: they become '?'. Pure; any thread.
 */
#ifndef SEAL_MAILHDR_H
#define SEAL_MAILHDR_H

#include <stddef.h>

#include "proto_defaults.h"

enum mailhdr_field { MAILHDR_FROM, MAILHDR_SUBJECT, MAILHDR_DATE, MAILHDR_FIELDS };

/* The list's view of one message. Empty strings when a field is missing. */
struct mail_summary {
	char from[MAILHDR_FROM_MAX];
	char subject[MAILHDR_SUBJECT_MAX];
	char date[MAILHDR_DATE_MAX];
	int  date_parsed;                  /* date is "YYYY-MM-DD HH:MM" */
};

/* A header section being read line by line. */
struct mailhdr {
	int    done;                       /* the empty line that ends it came */
	int    field;                      /* the field being unfolded, or -1 */
	int    seen[MAILHDR_FIELDS];       /* the first of each counts */
	size_t len[MAILHDR_FIELDS];
	char   raw[MAILHDR_FIELDS][MAILHDR_HEADER_MAX];   /* unfolded, cut to fit */
};

/* Starts reading a new header section. */
void mailhdr_start(struct mailhdr *h);

/* One line of the message, un-stuffed and without its CRLF. Lines after the
 * header section (and any too long to keep) are ignored. */
void mailhdr_line(struct mailhdr *h, const char *line);

/* The summary of what H has read so far, into OUT. */
void mailhdr_summary(const struct mailhdr *h, struct mail_summary *out);

/* IN with RFC 2047 encoded words decoded, white space squeezed, control
 * characters and bad UTF-8 as '?', into OUT (OUTLEN bytes, cut at a
 * character boundary). */
void mailhdr_decode(const char *in, char *out, size_t outlen);

/* A From field as the list shows it: the (decoded) display name of
 * "Name <addr>", else the address, else the field itself. */
void mailhdr_from(const char *raw, char *out, size_t outlen);

/* An RFC 5322 date ("Tue, 5 Mar 2024 14:02:11 +0000") as "2024-03-05
 * 14:02" in the sender's time zone: 0; or -1 with RAW made safe in OUT. */
int mailhdr_date(const char *raw, char *out, size_t outlen);

#endif
