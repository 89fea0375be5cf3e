/*
 * defaults.h: every limit, timeout and default of sealed and seal, in one place.
 * Change a number here, never at its point of use. Shared by server and client;
 * holds only constants.
 */
#ifndef SEALED_DEFAULTS_H
#define SEALED_DEFAULTS_H

/* --- Where things live ------------------------------------------------- */
#define DEFAULT_LISTEN_ADDR        "127.0.0.1"
#define DEFAULT_SMTP_PORT          8465
#define DEFAULT_POP3_PORT          8995
#define DEFAULT_RTSP_PORT          8322
#define DEFAULT_CERT_FILE          "certs/server.crt"
#define DEFAULT_KEY_FILE           "certs/server.key"
#define DEFAULT_CAFILE             "certs/server.crt"
#define DEFAULT_DATA_DIR           "data"
#define DEFAULT_DOMAIN             "localhost"
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
#define DEFAULT_MAX_MESSAGE_SIZE   67108864L   /* bytes, advertised as SIZE */
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
#define SMTP_MAX_ADDRESS           256
#define SMTP_MAX_HELO              255
#define OUTBUF_LOW_WATER           (64 * 1024)  /* ask a streaming protocol for more */
#define OUTBUF_HIGH_WATER          (256 * 1024) /* stop reading input above this */
#define READ_CHUNK                 16384       /* one wolfSSL_read */
#define LINEBUF_INITIAL            1024
#define JOB_THREADS                2           /* password hashing and fsync pool */
#define JOB_QUEUE_MAX              4096

/* --- Users and logins --------------------------------------------------- */
#define USER_NAME_MAX              64
#define PASSWORD_MAX               256
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
#define POP3_MAX_MESSAGES          65536       /* listed in one session; more wait for the next */
#define POP3_READ_CHUNK            65536       /* bytes read from a message file at a time */
#define POP3_SCAN_CHUNK            65536       /* bytes read at a time to size a message */
#define POP3_MAX_HELD_BYTES        65536       /* pipelined commands held while a reply streams */
#define POP3_UID_MAX               70          /* RFC 1939 7: a unique-id is 1 to 70 characters */
#define POP3_IMPLEMENTATION        "sealed"    /* CAPA IMPLEMENTATION */

/* --- RTSP (RFC 2326, RFC 7826) and its RTP audio (RFC 3550, RFC 3551) ---- */
#define RTSP_SESSION_TIMEOUT_S     60          /* Session: ID;timeout=; also the idle timeout */
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
#define RTSP_PACKET_MS             20          /* audio per RTP packet */
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
#define RTSP_CLIENT_RESPONSE_MAX   65536       /* seal: a response's head and body */
#define RTSP_CLIENT_USER_AGENT     "seal"

/* --- Client -------------------------------------------------------------- */
#define CLIENT_CONNECT_TIMEOUT_MS  10000
#define CLIENT_REPLY_TIMEOUT_MS    30000
#define CERT_WARN_DAYS             30
#define CLIENT_HANDSHAKE_TIMEOUT_MS 10000      /* TLS handshake after connect */
#define CLIENT_HOST_MAX            256         /* URL host, NUL included */
#define CLIENT_PATH_MAX            1024        /* rtsps URL path, NUL included */
#define CLIENT_REPLY_LINE_MAX      65536       /* longest server line seal accepts */
#define CLIENT_EHLO_NAME           "seal"      /* batch auto-login: EHLO seal */
#define CLIENT_MASK                "********"  /* stands for secrets in the transcript */

/* --- Load generator (seal-load) ----------------------------------------- */
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
#define LOAD_CMD_MAX               512         /* a command line or the message headers */
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

/* --- TUI (seal on a terminal) ------------------------------------------ */
#define TUI_MIN_COLS               80          /* the layout is made for this and more */
#define TUI_MIN_ROWS               24
#define TUI_TINY_COLS              40          /* below either: only a "too small" note */
#define TUI_TINY_ROWS              10
#define TUI_TOP_MIN_ROWS           12          /* certificate panel and menu, borders included */
#define TUI_TOP_MAX_ROWS           16
#define TUI_TRANSCRIPT_MIN_ROWS    5           /* borders included */
#define TUI_MENU_COLS              22          /* command menu width, borders included */
#define TUI_LABEL_COLS             9           /* certificate panel: border, "Subject" and a gap */
#define TUI_TRANSCRIPT_LINES       2000        /* kept for scrolling; the oldest go first */
#define TUI_TICK_MS                250         /* longest poll: resize, clock, timers */
#define TUI_FRAME_MS               50          /* a turn without keys redraws at most 20 times a second */
#define TUI_ESC_DELAY_MS           25          /* wait after ESC for a key sequence */
#define TUI_FIELD_MAX              256         /* one-line form field, bytes */
#define TUI_BODY_MAX               65536       /* the message body editor, bytes */
#define TUI_FORM_FIELDS_MAX        6
#define TUI_RCPT_MAX               100         /* Compose: recipients (server: SMTP_MAX_RECIPIENTS) */
#define TUI_REPLY_SLOW_MS          5000        /* "waiting for a reply" shows its age after this */
#define TUI_DRAIN_LINES            256         /* server lines taken per turn of the loop */
#define TUI_POP3_SHOWN_LINES       12          /* POP3: lines of a multi-line reply in the transcript */
#define TUI_POP3_TOP_LINES         10          /* POP3: the TOP form's default body lines */
#define TUI_POP3_VIEW_MAX          (4 * 1024 * 1024)   /* bytes of a message the viewer keeps */
#define TUI_POP3_LIST_MAX          100000      /* POP3: messages the mailbox list keeps; a LIST
                                                  past it is cut, and the list says so */
#define TUI_MAIL_HEADER_MAX        1024        /* an unfolded From, Subject or Date, bytes */
#define TUI_MAIL_FROM_MAX          128         /* the mailbox list's From, bytes */
#define TUI_MAIL_SUBJECT_MAX       256         /* its Subject, bytes */
#define TUI_MAIL_DATE_MAX          40          /* its Date, bytes */
#define TUI_REQUEST_MAX            8192        /* a bytes module's request (RTSP), bytes */
#define TUI_DRAIN_READS            16          /* reads per turn of the loop for a bytes module */
#define TUI_RTSP_REFRESH_MS        66          /* RTSP player: numbers and meters at most 15 times a second */
#define TUI_RTSP_METER_FLOOR_DB    48          /* level meters span -48 dBFS .. 0 */
#define TUI_RTSP_METER_FALL_DB_S   30          /* a meter falls this many dB a second after a peak */
#define TUI_RTSP_METER_WARN_DB     12          /* meter cells above -12 dBFS drawn as a warning */
#define TUI_RTSP_METER_HOT_DB      3           /* and above -3 dBFS as hot */
#define TUI_RTSP_BODY_LINES        24          /* lines of a response body in the transcript */
#define PINS_DIR_NAME              "seal"      /* $XDG_CONFIG_HOME/seal, else ~/.config/seal */
#define PINS_FILE_NAME             "known_servers"
#define PINS_LINE_MAX              1024
#define PINS_DIR_MODE              0700
#define PINS_FILE_MODE             0600

/* --- Exit codes of seal (CONTRACT.md) --------------------------------- */
#define EXIT_OK                    0
#define EXIT_OTHER                 1
#define EXIT_USAGE                 2
#define EXIT_CONNECT               3
#define EXIT_CERT                  4
#define EXIT_AUTH                  5

#endif
