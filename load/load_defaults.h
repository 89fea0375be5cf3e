/*
 * load_defaults.h: the defaults and limits of seal-load (load/). Change a
 * number here, never at its point of use. Two follow the server's
 * (common/defaults.h): the largest message and the audio of one RTP packet.
 * Holds only constants.
 */
#ifndef SEAL_LOAD_DEFAULTS_H
#define SEAL_LOAD_DEFAULTS_H

#include "defaults.h"

#define LOAD_DEFAULT_CLIENTS       16          /* -c */
#define LOAD_DEFAULT_DURATION_S    10          /* -d when neither -d nor -n is given */
#define LOAD_DEFAULT_MSG_SIZE      1024        /* -s: body bytes, headers not counted */
#define LOAD_DEFAULT_THREADS       1           /* --threads: event loops */
#define LOAD_MAX_CLIENTS           100000
#define LOAD_MAX_THREADS           64
#define LOAD_MAX_DURATION_S        86400       /* -d and --ramp */
#define LOAD_MAX_MSG_SIZE          DEFAULT_MAX_MESSAGE_SIZE
#define LOAD_STEP_TIMEOUT_MS       10000       /* connect, handshake, or one reply */
#define LOAD_MAX_OPENING           256         /* idle: sessions being opened at once, per thread */
#define LOAD_TICK_MS               100         /* timeout sweep; retry after a failure */
#define LOAD_MONITOR_MS            50          /* main thread: deadline and progress checks */
#define LOAD_LIVE_INTERVAL_MS      1000        /* live line on a terminal */
#define LOAD_FD_RESERVE            64          /* descriptors besides one per client */
#define LOAD_REPLY_LINE_MAX        4096        /* longest server line accepted */
#define LOAD_READ_CHUNK            4096        /* one wolfSSL_read */
#define LOAD_WRITE_CHUNK           16384       /* one wolfSSL_write: a full TLS record */
#define LOAD_BODY_LINE             78          /* generated body line, CRLF included */
#define LOAD_EHLO_NAME             "seal-load"
#define LOAD_EPOLL_EVENTS          256         /* events taken per epoll_wait */
#define LOAD_ERR_MAX               256         /* the first failure of each kind, kept as text */
#define LOAD_BAR_WIDTH             20          /* live line progress bar */
#define LOAD_BULK_READ             16384       /* pop3, rtsp: one wolfSSL_read, a whole TLS record */
#define LOAD_SEND_MAX              4096        /* pop3, rtsp: one request, built per client */
#define LOAD_DRIVER_READS          64          /* pop3, rtsp: reads per event before other clients
                                                  of the thread get a turn */
#define LOAD_USER_NUMBER           "%d"        /* pop3, rtsp: in --user, stands for the client number */
#define LOAD_RTSP_SHORT_MS         RTSP_PACKET_MS /* rtsp: audio missing at the BYE beyond this fails */
#define LOAD_AEAD_RECORD           16384       /* aead: bytes sealed at a time, a full TLS record */
#define LOAD_AEAD_DEFAULT_BYTES    (1024L * 1024 * 1024) /* aead: sealed when -s is not given */
#define LOAD_AEAD_MAX_BYTES        (1L << 40)  /* aead: largest -s */

#endif
