/*
 * proto_defaults.h: the limits and defaults of seal's protocol logic
 * (client/proto) and those every folder of the client shares: a URL's
 * parts, the mask of secrets, what seal calls itself. Change a number here,
 * never at its point of use. What the server shares with seal (ports, user
 * name and password sizes, exit codes) stays in common/defaults.h. Holds
 * only constants.
 */
#ifndef SEAL_PROTO_DEFAULTS_H
#define SEAL_PROTO_DEFAULTS_H

/* --- URLs, names, secrets ------------------------------------------------ */
#define CLIENT_HOST_MAX            256         /* URL host, NUL included */
#define CLIENT_PATH_MAX            1024        /* rtsps URL path, NUL included */
#define CLIENT_EHLO_NAME           "seal"      /* batch auto-login: EHLO seal */
#define CLIENT_MASK                "********"  /* stands for secrets in the transcript */
#define RTSP_CLIENT_RESPONSE_MAX   65536       /* seal: a response's head and body */
#define RTSP_CLIENT_USER_AGENT     "seal"

/* --- A message's header fields in the mailbox list (mailhdr.h) ---------- */
#define MAILHDR_HEADER_MAX         1024        /* an unfolded From, Subject or Date, bytes */
#define MAILHDR_FROM_MAX           128         /* the mailbox list's From, bytes */
#define MAILHDR_SUBJECT_MAX        256         /* its Subject, bytes */
#define MAILHDR_DATE_MAX           40          /* its Date, bytes */

#endif
