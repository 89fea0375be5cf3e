/*
 * net_defaults.h: the timeouts and limits of seal's connection (client/net):
 * connect, handshake and reply waits, the longest line, when a certificate's
 * end is near, and where and how the pinned certificates are kept. Change a number here, never at its point of
 * use. Holds only constants.
 */
#ifndef SEAL_NET_DEFAULTS_H
#define SEAL_NET_DEFAULTS_H

/* --- Connection ---------------------------------------------------------- */
#define CLIENT_CONNECT_TIMEOUT_MS  10000
#define CLIENT_HANDSHAKE_TIMEOUT_MS 10000      /* TLS handshake after connect */
#define CLIENT_REPLY_TIMEOUT_MS    30000
#define CLIENT_REPLY_LINE_MAX      65536       /* longest server line seal accepts */

/* --- Pinned certificates (pins.h) ---------------------------------------- */
#define PINS_DIR_NAME              "seal"      /* $XDG_CONFIG_HOME/seal, else ~/.config/seal */
#define PINS_FILE_NAME             "known_servers"
#define PINS_LINE_MAX              1024
#define PINS_DIR_MODE              0700
#define PINS_FILE_MODE             0600

#endif
