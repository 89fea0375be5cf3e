/*
 * defaults.h: the limits, defaults and codes that more than one of the
 * programs uses (ports, the trust anchor's default file, user name and
 * password sizes, the limits both ends of a protocol keep, seal's exit
 * codes) and those of the common/ code itself. Each program keeps its own
 * beside it: sealed's in server/server_defaults.h, seal's in
 * client/proto/proto_defaults.h, client/net/net_defaults.h and
 * client/tui/tui_defaults.h, seal-load's in load/load_defaults.h. Change a
 * number here, never at its point of use. Holds only constants.
 */
#ifndef SEALED_DEFAULTS_H
#define SEALED_DEFAULTS_H

/* --- Where things live ------------------------------------------------- */
#define DEFAULT_SMTP_PORT          8465
#define DEFAULT_POP3_PORT          8995
#define DEFAULT_RTSP_PORT          8322
#define DEFAULT_CAFILE             "certs/server.crt"  /* seal's and seal-load's trust anchor */
#define DEFAULT_DOMAIN             "localhost" /* sealed's mail domain, seal-load's sender's */

/* --- What both ends of a protocol keep ----------------------------------- */
#define USER_NAME_MAX              64
#define PASSWORD_MAX               256
#define SMTP_MAX_ADDRESS           256
#define SMTP_MAX_HELO              255
#define DEFAULT_MAX_MESSAGE_SIZE   67108864L   /* bytes, advertised as SIZE */
#define POP3_MAX_MESSAGES          65536       /* listed in one session; more wait for the next */
#define RTSP_SESSION_TIMEOUT_S     60          /* Session: ID;timeout=; also the idle timeout */
#define RTSP_PACKET_MS             20          /* audio per RTP packet */

/* --- Input ----------------------------------------------------------------- */
#define READ_CHUNK                 16384       /* one wolfSSL_read */
#define LINEBUF_INITIAL            1024        /* a line buffer's first allocation */

/* --- Certificates (certinfo.h: seal's report, sealed --check-config) ---- */
#define CERT_WARN_DAYS             30          /* fewer days left: a warning */

/* --- Exit codes of seal (CONTRACT.md) --------------------------------- */
#define EXIT_OK                    0
#define EXIT_OTHER                 1
#define EXIT_USAGE                 2
#define EXIT_CONNECT               3
#define EXIT_CERT                  4
#define EXIT_AUTH                  5

#endif
