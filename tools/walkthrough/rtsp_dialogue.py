#!/usr/bin/env python3
"""rtsp_dialogue.py: one RTSP-over-TLS session by hand, for step 7 of the
walkthrough (Python 3.11 stdlib only). seal --batch plays a stream straight
through; this dialogue also pauses it, to show that PAUSE and PLAY lose and
repeat nothing:

    python3 tools/walkthrough/rtsp_dialogue.py --cafile CA --user NAME \\
        --password-file FILE [--pause-after S] [--pause-for S] [--output OUT.wav] \\
        rtsps://HOST:PORT/NAME.wav

DESCRIBE without credentials (the server must answer 401 with a Basic realm),
DESCRIBE with them (SDP: L16 rate and channels), SETUP (RTP/AVP/TCP
interleaved: the audio stays inside the TLS connection), PLAY from the start,
PAUSE after --pause-after seconds, wait --pause-for seconds (nothing may
arrive), PLAY again (it resumes), read to the RTCP BYE, TEARDOWN. Prints the
exchange ('C: ' and 'S: ', the credentials masked), then what it received;
--output writes the audio as a WAV file. Exit 0 when every answer was the
expected one, nothing came while paused, and the RTP sequence numbers ran on
without a gap; 1 otherwise; 2 on bad usage.
"""

import argparse
import os
import re
import socket
import ssl
import sys
import time
import wave
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

Failed = harness.Failure


class Session(harness.Rtsp):
    """One TLS connection speaking RTSP/1.0 (harness.Rtsp: interleaved frames
    kept) that prints the exchange, the credentials masked."""

    def __init__(self, url, cafile, timeout):
        u = urlsplit(url)
        self.url = url
        super().__init__(u.port or 322, ssl.create_default_context(cafile=cafile),
                         host=u.hostname, addr=u.hostname, timeout=timeout)

    def shown(self, lines):
        for i, line in enumerate(lines):
            shown = "Authorization: Basic ********" if line.startswith("Authorization:") else line
            print(("C: " if i == 0 else "C:   ") + shown)

    def received(self, head, headers):
        print("S: " + head[0])
        for h in head[1:]:
            if re.match(r"(?i)(www-authenticate|session|transport|rtp-info|range):", h):
                print("S:   " + h)

    def ask(self, method, url=None, headers=()):
        """Sends METHOD and returns (code, headers, body) of its response."""
        code, hdrs, body, _ = self.cmd(method, url or self.url, headers=headers)
        return code, hdrs, body


def expect(code, want, what):
    if code != want:
        raise Failed("%s: %d, want %d" % (what, code, want))


def dialogue(a, password):
    s = Session(a.url, a.cafile, a.timeout)
    code, hdrs, _ = s.ask("DESCRIBE", headers=["Accept: application/sdp"])
    expect(code, 401, "DESCRIBE without credentials")
    if not hdrs.get("www-authenticate", "").lower().startswith("basic realm="):
        raise Failed("the 401 has no WWW-Authenticate: Basic realm=")
    s.auth = harness.basic_auth(a.user, password)
    code, hdrs, sdp = s.ask("DESCRIBE", headers=["Accept: application/sdp"])
    expect(code, 200, "DESCRIBE with credentials")
    sdp = sdp.decode("utf-8", "replace")
    m = re.search(r"a=rtpmap:(\d+) L16/(\d+)(?:/(\d+))?", sdp)
    if not m:
        raise Failed("the SDP has no L16 rtpmap")
    rate, channels = int(m.group(2)), int(m.group(3) or 1)
    print("   SDP: %s" % " | ".join(l for l in sdp.splitlines()
                                     if l.startswith(("m=", "a=rtpmap", "a=range"))))
    ctrl = re.search(r"^m=audio.*?^a=control:(\S+)", sdp, re.M | re.S)
    base = hdrs.get("content-base", a.url).rstrip("/")
    track = ctrl.group(1) if ctrl else ""
    track = track if track.startswith("rtsp") else (base + "/" + track if track and track != "*"
                                                   else base)
    code, hdrs, _ = s.ask("SETUP", track,
                              ["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"])
    expect(code, 200, "SETUP")
    chans = re.search(r"interleaved=(\d+)-(\d+)", hdrs.get("transport", ""))
    ch_rtp, ch_rtcp = (int(chans.group(1)), int(chans.group(2))) if chans else (0, 1)
    code, _, _ = s.ask("PLAY", headers=["Range: npt=0-"])
    expect(code, 200, "PLAY")
    end = time.monotonic() + a.pause_after
    while time.monotonic() < end:
        s.sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            s.next()
        except (socket.timeout, TimeoutError):
            break
    s.sock.settimeout(a.timeout)
    code, _, _ = s.ask("PAUSE")
    expect(code, 200, "PAUSE")
    before = len(harness.rtp_packets(s.frames, ch_rtp))
    s.sock.settimeout(a.pause_for)
    paused = 0
    try:
        while True:
            if s.next()[0] == "frame":
                paused += 1
    except (socket.timeout, TimeoutError):
        pass
    s.sock.settimeout(a.timeout)
    print("   %d RTP packets before PAUSE; %d arrived during the %.1f s pause"
          % (before, paused, a.pause_for))
    code, _, _ = s.ask("PLAY")
    expect(code, 200, "PLAY (resume)")
    deadline = time.monotonic() + a.timeout
    while not harness.has_bye(s.frames, ch_rtcp):
        if time.monotonic() > deadline:
            raise Failed("no RTCP BYE within %.0f s" % a.timeout)
        s.next()
    code, _, _ = s.ask("TEARDOWN")
    expect(code, 200, "TEARDOWN")
    s.sock.close()
    pkts = [(p[1], p[4]) for p in harness.rtp_packets(s.frames, ch_rtp)]   # (seq, payload)
    gaps = sum(1 for (x, _), (y, _) in zip(pkts, pkts[1:]) if y != (x + 1) & 0xffff)
    pcm = b"".join(harness.be_to_le(payload) for _, payload in pkts)   # L16 to WAV's order
    frames = len(pcm) // (2 * channels)
    print("   received %d RTP packets, %d audio frames (%.2f s at %d Hz, %d channel%s), "
          "RTCP BYE; sequence gaps: %d" % (len(pkts), frames, frames / rate, rate, channels,
                                            "" if channels == 1 else "s", gaps))
    if a.output:
        with wave.open(a.output, "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm)
        print("   wrote %s" % a.output)
    if paused:
        raise Failed("%d packets arrived while paused" % paused)
    if gaps or not pkts:
        raise Failed("%d gaps in the RTP sequence" % gaps if pkts else "no RTP packets")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("url")
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--pause-after", type=float, default=0.8)
    ap.add_argument("--pause-for", type=float, default=0.7)
    ap.add_argument("--output")
    ap.add_argument("--timeout", type=float, default=20)
    a = ap.parse_args()
    try:
        with open(a.password_file) as f:
            password = f.readline().rstrip("\r\n")
    except OSError as e:
        print("rtsp_dialogue: %s" % e, file=sys.stderr)
        return 2
    try:
        dialogue(a, password)
    except (Failed, harness.Closed, OSError, ssl.SSLError) as e:
        print("rtsp_dialogue: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
