/*
 * tui_defaults.h: the limits and timings of seal's terminal interface
 * (client/tui and its modules): sizes of the screen's areas, the loop's
 * ticks, form and queue limits, and those of the POP3 and RTSP screens.
 * Change a number here, never at its point of use. Holds only constants.
 */
#ifndef SEAL_TUI_DEFAULTS_H
#define SEAL_TUI_DEFAULTS_H

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
#define TUI_REQUEST_MAX            8192        /* a bytes module's request (RTSP), bytes */
#define TUI_DRAIN_READS            16          /* reads per turn of the loop for a bytes module */
#define TUI_RTSP_REFRESH_MS        66          /* RTSP player: numbers and meters at most 15 times a second */
#define TUI_RTSP_METER_FLOOR_DB    48          /* level meters span -48 dBFS .. 0 */
#define TUI_RTSP_METER_FALL_DB_S   30          /* a meter falls this many dB a second after a peak */
#define TUI_RTSP_METER_WARN_DB     12          /* meter cells above -12 dBFS drawn as a warning */
#define TUI_RTSP_METER_HOT_DB      3           /* and above -3 dBFS as hot */
#define TUI_RTSP_BODY_LINES        24          /* lines of a response body in the transcript */
#define TUI_RTSP_SEEK_MS           5000        /* RTSP player: Left and Right seek this far */

#endif
