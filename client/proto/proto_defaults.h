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

/* --- Playback: the jitter buffer, drift control, gain (jitter.h, gain.h) - */
#define CLIENT_AUDIO_DEVICE        "default"   /* the ALSA PCM without --audio-device */
#define JITTER_BUFFER_MS           200         /* --buffer: audio held before playing */
#define JITTER_BUFFER_MIN_MS       20
#define JITTER_BUFFER_MAX_MS       5000
#define JITTER_CAP_MIN_MS          2000        /* the ring holds this, or 4 buffers if more */
#define JITTER_CAP_BUFFERS         4
#define JITTER_CHANNELS_MAX        2           /* mono or stereo */
#define JITTER_SMOOTH_MS           4000        /* drift: time constant of the smoothed level */
#define JITTER_WARMUP_MS           1000        /* drift: played after a (re)start before the
                                                  level counts (the device's own start) ... */
#define JITTER_SETTLE_MS           4000        /* ... then its mean over this much played
                                                  becomes the reference */
#define JITTER_BAND_MS             20          /* drift: the level may stray this far (or an
                                                  eighth of the buffer, if more) ... */
#define JITTER_BAND_PARTS          8
#define JITTER_FIX_SPACING         400         /* ... then one frame in this many at most is
                                                  dropped or repeated (0.25 %) until it is back */
#define GAIN_DEFAULT_PCT           100         /* volume: unity */
#define GAIN_MAX_PCT               200         /* + raises it to this (saturating, counted) */
#define GAIN_STEP_PCT              10          /* one + or - */

#endif
