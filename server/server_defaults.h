/*
 * server_defaults.h: every limit, timeout and default of sealed alone: where
 * its files live, its connection, protocol, login and mail-store limits.
 * What it shares with seal and seal-load (ports, user name and password
 * sizes, the limits both ends of a protocol keep, exit codes) is in
 * common/defaults.h, included here. Change a number here, never at its point
 * of use. Holds only constants.
 */
#ifndef SEALED_SERVER_DEFAULTS_H
#define SEALED_SERVER_DEFAULTS_H

#include "defaults.h"

/* --- Where things live ------------------------------------------------- */
#define DEFAULT_LISTEN_ADDR        "127.0.0.1"
#define DEFAULT_CERT_FILE          "certs/server.crt"
#define DEFAULT_KEY_FILE           "certs/server.key"
#define DEFAULT_DATA_DIR           "data"
#define USERS_FILE_NAME            "users"
#define USERS_LOCK_NAME            "users.lock"
#define LOG_FILE_NAME              "sealed.log"
#define MAIL_DIR_NAME              "mail"
#define MEDIA_DIR_NAME             "media"
#define CONTROL_SOCKET_NAME        "sealed.sock"
#define NODES_DIR_NAME             "nodes"     /* per node: NODE.lock, and NODE.sock when named */
#define NODE_LOCK_SUFFIX           ".lock"
#define NODE_SOCKET_SUFFIX         ".sock"
#define MAILDROP_LOCK_NAME         "sealed-pop3.lock" /* in a Maildir: the POP3 session's lock */
#define USERS_TMP_PREFIX           "users.tmp" /* users.tmp.<pid>.<n>, renamed over users */
#define DATA_DIR_MODE              0700        /* data dir, mail dirs, Maildirs */
#define DATA_FILE_MODE             0600        /* users file, lock, messages */

/* --- Server limits ------------------------------------------------------ */
#define DEFAULT_MAX_AUTH_FAILURES  3
#define DEFAULT_MAX_CONNS_PER_IP   64
#define MAX_WORKERS                256
#define MAX_CONNECTIONS            20000       /* whole server, all services; lower when
                                                  the descriptor limit is */
#define FDS_PER_CONN               2           /* a socket and the file it may hold (message, WAV):
                                                  the soft limit is raised to this many each */
#define FILE_SLOTS_SHARE           8           /* one in 8 descriptors past the reserve is for
                                                  files held open (message, RETR, WAV); the
                                                  rest are for connections */
#define FILE_SLOTS_MIN             16
#define FD_RESERVE                 64          /* descriptors never given to connections: listeners,
                                                  log, control socket (sealed status), users file */
#define FD_RESERVE_PER_WORKER      4           /* its epoll fd and eventfd, and two files open
                                                  for a moment (a maildrop scan, DESCRIBE) */
#define OUT_STALL_MAX_MS           30000       /* output pending and not one byte taken this long:
                                                  the reader stopped reading; dropped */
#define LISTEN_BACKLOG             1024
#define HANDSHAKE_TIMEOUT_MS       10000
#define PROXY_TIMEOUT_MS           5000        /* a trusted proxy's PROXY header must be whole
                                                  by then (Postfix's smtpd_upstream_proxy_timeout) */
#define PROXY_V2_MAX_BODY          2048        /* PROXY v2: addresses and TLVs after the 16
                                                  fixed bytes; a longer header is refused */
#define PROXY_FROM_MAX             32          /* --proxy-from: networks listed */
#define NODE_NAME_MAX              64          /* --node-name */
#define NODE_NAME_CHARS            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
#define SMTP_IDLE_TIMEOUT_MS       300000      /* RFC 5321 4.5.3.2.7: 5 minutes */
#define SHUTDOWN_GRACE_MS          30000       /* transactions in flight may finish */
#define TIMER_TICK_MS              250         /* worker sweep for timeouts */
#define SMTP_MAX_COMMAND_LINE      1000        /* octets, CRLF not counted */
#define SMTP_MAX_TEXT_LINE         65536       /* a DATA line; longer is refused */
#define SMTP_MAX_RECIPIENTS        100
#define SMTP_MAX_COMMANDS_PER_TXN  1000        /* commands in one session before 421 */
#define SMTP_MAX_BAD_COMMANDS      20          /* syntax errors before 421 */
#define SMTP_MAX_HEADER_BUFFER     (256 * 1024) /* header section held to add Message-ID/Date */
#define OUTBUF_LOW_WATER           (64 * 1024)  /* ask a streaming protocol for more */
#define OUTBUF_HIGH_WATER          (256 * 1024) /* stop reading input above this */
#define JOB_THREADS                2           /* password hashing and fsync pool */
#define JOB_QUEUE_MAX              4096

/* --- Users and logins --------------------------------------------------- */
#define HASH_MAX                   256         /* crypt(3) output */
#define LOGIN_CACHE_SIZE           4096        /* remembered successful logins */
#define FAIL_TABLE_SIZE            1024        /* per-user and per-address failure counters */
#define FAIL_WINDOW_S              900         /* failures older than this are forgotten */
#define FAIL_DELAY_BASE_MS         500         /* first slow-down after a failure */
#define FAIL_DELAY_MAX_MS          8000
#define CRYPT_PREFIX               "$y$"       /* yescrypt */
#define CRYPT_COUNT                0           /* libcrypt's default cost */
#define LOGIN_SECRET_LEN           32          /* random bytes keying the login cache */
#define THROTTLE_KEY_MAX           128         /* longer keys are truncated */
#define THROTTLE_PROBE             8           /* slots searched per key; the oldest is replaced */

/* --- Mail store ---------------------------------------------------------- */
#define MAILDIR_WRITE_BUF          65536       /* bytes buffered before a write(2) */
#define MAILDIR_NAME_TRIES         8           /* fresh names tried when one exists */

/* --- POP3 (RFC 1939, 2449, 5034) ---------------------------------------- */
#define POP3_IDLE_TIMEOUT_MS       600000      /* RFC 1939 section 3: at least 10 minutes */
#define POP3_MAX_COMMAND_LINE      1024        /* octets, CRLF not counted (RFC 1939 says 255;
                                                  an AUTH PLAIN initial response needs more) */
#define POP3_MAX_BAD_COMMANDS      20          /* errors before the session is closed */
#define POP3_READ_CHUNK            65536       /* bytes read from a message file at a time */
#define POP3_SCAN_CHUNK            65536       /* bytes read at a time to size a message */
#define POP3_MAX_HELD_BYTES        65536       /* pipelined commands held while a reply streams */
#define POP3_UID_MAX               70          /* RFC 1939 7: a unique-id is 1 to 70 characters */
#define POP3_IMPLEMENTATION        "sealed"    /* CAPA IMPLEMENTATION */

/* --- RTSP (RFC 2326, RFC 7826) and its RTP audio (RFC 3550, RFC 3551) ---- */
#define RTSP_MAX_LINE              4096        /* a request or header line, CRLF not counted */
#define RTSP_MAX_HEADER_BYTES      8192        /* one request's header lines; more is 400 */
#define RTSP_MAX_HEADERS           64          /* header lines in one request; more is 400 */
#define RTSP_MAX_DISCARD           65536       /* bytes of a refused request skipped before closing */
#define RTSP_MAX_BODY              4096        /* Content-Length taken (GET/SET_PARAMETER); more: 413, close */
#define RTSP_MAX_BAD_REQUESTS      10          /* 400s in one connection before it is closed */
#define RTSP_MAX_METHOD            32          /* method token */
#define RTSP_URL_MAX               1024        /* request URL */
#define RTSP_VALUE_MAX             512         /* a header value kept (Transport, Range, Session...) */
#define RTSP_SESSION_ID_LEN        16          /* hex digits of a session identifier */
#define RTSP_MEDIA_NAME_MAX        255         /* a stream's file name */
#define RTSP_REALM                 "sealed"    /* WWW-Authenticate: Basic realm="..." */
#define RTSP_SERVER_NAME           "sealed"    /* Server: header and SDP a=tool: */
#define RTSP_MAX_PAYLOAD           4096        /* audio bytes per packet (ffmpeg drops RTP packets > 8192) */
#define RTSP_BURST_MAX             16          /* packets sent per timer call when behind schedule */
#define RTSP_SEND_QUEUE_MAX        (128 * 1024) /* unsent bytes above which a stream waits (back-pressure) */
#define RTSP_STALL_MAX_MS          5000        /* a stream kept waiting this long drops its client */
#define RTSP_SR_INTERVAL_MS        5000        /* RTCP sender reports while playing */
#define RTSP_MIN_RATE              1000        /* sample rates served, Hz */
#define RTSP_MAX_RATE              192000
#define RTSP_WAV_HEADER_MAX        65536       /* bytes searched for the fmt and data chunks */
#define RTSP_PT_DYNAMIC            96          /* RTP payload type of L16 at rates without a static one */
#define RTSP_CNAME                 "sealed"    /* RTCP SDES CNAME */

#endif
