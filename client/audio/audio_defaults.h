/*
 * audio_defaults.h: the limits and timings of seal's sound output
 * (client/audio: the ALSA device and the player thread). Change a number
 * here, never at its point of use. Holds only constants.
 */
#ifndef SEAL_AUDIO_DEFAULTS_H
#define SEAL_AUDIO_DEFAULTS_H

#define AUDIO_NAME_MAX             128         /* an ALSA PCM name, NUL included */
#define AUDIO_ERR_MAX              256         /* why a device cannot be used */
#define AUDIO_LATENCY_NUM          3           /* the device queues 3/4 of the --buffer ... */
#define AUDIO_LATENCY_DEN          4           /* (a busy machine's scheduling hiccups are
                                                  ridden out there, not in the ring) ... */
#define AUDIO_LATENCY_MIN_MS       10          /* ... but at least this */
#define AUDIO_LATENCY_MAX_MS       1000        /* ... and at most this; the rest waits in
                                                  the jitter buffer */
#define AUDIO_IDLE_MS              50          /* the player's longest sleep with nothing to do */
#define AUDIO_POLL_MS              10          /* its sleep while the ring is empty and the
                                                  device plays what it queued */
#define AUDIO_WAKE_MIN_MS          1           /* its shortest sleep while the device is full */
#define AUDIO_FINISH_SLACK_MS      3000        /* batch --play: beyond the buffer, the wait
                                                  for the device to play the end */

#endif
