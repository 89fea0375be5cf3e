/*
 * report.h: the text `seal --show-cert` prints: the server certificate's
 * fields (certinfo_report), what the handshake negotiated, and the named
 * checks. The certificate's fields are the server's bytes: the report goes
 * out through text_write(). One thread.
 */
#ifndef SEAL_REPORT_H
#define SEAL_REPORT_H

#include <stdio.h>

#include "session.h"

/* Writes the report of S (a session after session_open, whatever its
 * result) to OUT, made safe as text_write() makes it (UTF8: keep UTF-8
 * characters). Parts that are unknown (no certificate received, no
 * handshake completed) are left out or said to be missing. */
void report_print(FILE *out, const struct session *s, int utf8);

#endif
