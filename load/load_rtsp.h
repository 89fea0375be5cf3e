/*
 * load_rtsp.h: seal-load's rtsp mode, a driver of load_client.h over seal's
 * RTSP client logic (rtsp_client.h builds the requests and applies the
 * replies, rtsp_rx.h splits responses from interleaved frames): DESCRIBE
 * (Basic login with --user), SETUP with the interleaved transport, PLAY from
 * the start, the stream to its RTCP BYE, TEARDOWN. Each RTP packet's
 * lateness, arrival - (PLAY sent + (its RTP timestamp - the first one's) /
 * clock rate), goes to the run's lateness histogram, arrival being when the
 * kernel received it (load_stamp.h; else when it was read); the lateness by
 * read time goes to another (what seal-load's own delays add), and the
 * first packet's to a third (how long PLAY took to start the stream);
 * packets, lost and reordered ones (by sequence number) and payload bytes
 * go to its counters. A
 * stream that ends more than LOAD_RTSP_SHORT_MS short of the SDP's length
 * fails. The state of a client belongs to its event-loop thread.
 */
#ifndef SEAL_LOAD_RTSP_H
#define SEAL_LOAD_RTSP_H

#include "load_client.h"

extern const struct load_driver load_rtsp_driver;

#endif
