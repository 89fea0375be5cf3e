/*
 * alertscan.h: finds the alerts a TLS peer sends in the clear, from the raw
 * bytes it sends during the handshake. A TLS 1.3 client that refuses our
 * certificate (OpenSSL, Python's ssl) sends its alert unencrypted, before it
 * has keys; wolfSSL then drops the record after its header ("parse error on
 * header"), so its alert history stays empty and only these bytes name the
 * cause.
 * Follows the record layer (RFC 8446 5.1: type, version, 16-bit length)
 * and keeps the last alert of any plaintext alert record; gives up on
 * bytes that are not TLS records. Pure; the connection's thread.
 */
#ifndef SEALED_ALERTSCAN_H
#define SEALED_ALERTSCAN_H

#include <stddef.h>

#define ALERTSCAN_HEADER    5    /* a TLS record header */
#define ALERTSCAN_ALERT_MAX 16   /* an alert record body read after wolfSSL drops it */

struct alertscan {
	unsigned char hdr[ALERTSCAN_HEADER];   /* the record header being read */
	size_t        hdr_have;
	size_t        body_left;               /* bytes of the record still to come */
	int           in_alert;                /* the record is a plaintext alert */
	int           odd;                     /* an alert's level came, its description not */
	int           lost;                    /* not TLS records: scanning stopped */
	int           pending_level;
	int           level;                   /* of the last whole alert, or -1 */
	int           desc;                    /* its description code, or -1 */
};

void alertscan_init(struct alertscan *);

/* Reads N more bytes of what the peer sent. */
void alertscan_feed(struct alertscan *, const unsigned char *p, size_t n);

/* The bytes still to come of a plaintext alert record whose header came
 * (at most ALERTSCAN_ALERT_MAX), else 0. wolfSSL reads a record's header
 * alone first and drops a TLS 1.3 plaintext alert there, leaving its body
 * in the socket: the caller may read these bytes and feed them. */
size_t alertscan_alert_unread(const struct alertscan *);

#endif
