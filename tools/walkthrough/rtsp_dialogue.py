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
import base64
import re
import socket
import ssl
import struct
import sys
import time
import wave
from urllib.parse import urlsplit


class Failed(Exception):
    pass


class Session:
    """One TLS connection speaking RTSP/1.0; interleaved frames are kept."""

    def __init__(self, url, cafile, timeout):
        u = urlsplit(url)
        self.url, self.host, self.port = url, u.hostname, u.port or 322
        ctx = ssl.create_default_context(cafile=cafile)
        raw = socket.create_connection((self.host, self.port), timeout=timeout)
        self.sock = ctx.wrap_socket(raw, server_hostname=self.host)
        self.buf = bytearray()
        self.cseq = 0
        self.auth = None
        self.session = None
        self.frames = []            # (channel, bytes)

    def request(self, method, url=None, headers=()):
        """Sends METHOD and returns (code, headers, body) of its response."""
        self.cseq += 1
        lines = ["%s %s RTSP/1.0" % (method, url or self.url), "CSeq: %d" % self.cseq]
        if self.auth:
            lines.append("Authorization: " + self.auth)
        if self.session:
            lines.append("Session: " + self.session)
        lines += list(headers)
        for i, line in enumerate(lines):
            shown = "Authorization: Basic ********" if line.startswith("Authorization:") else line
            print(("C: " if i == 0 else "C:   ") + shown)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while True:
            item = self.next()
            if item[0] == "resp":
                return item[1:]

    def next(self):
        """The next interleaved frame ('frame', ch, data) or response
        ('resp', code, headers, body)."""
        while True:
            while self.buf[:1] in (b"\r", b"\n"):
                del self.buf[:1]
            if self.buf[:1] == b"$" and len(self.buf) >= 4:
                n = struct.unpack(">H", bytes(self.buf[2:4]))[0]
                if len(self.buf) >= 4 + n:
                    item = ("frame", self.buf[1], bytes(self.buf[4:4 + n]))
                    del self.buf[:4 + n]
                    self.frames.append(item[1:])
                    return item
            elif self.buf[:1] not in (b"", b"$"):
                end = self.buf.find(b"\r\n\r\n")
                if end >= 0:
                    head = self.buf[:end].decode("utf-8", "replace").split("\r\n")
                    hdrs = {}
                    for h in head[1:]:
                        k, _, v = h.partition(":")
                        hdrs[k.strip().lower()] = v.strip()
                    n = int(hdrs.get("content-length", "0"))
                    if len(self.buf) >= end + 4 + n:
                        body = bytes(self.buf[end + 4:end + 4 + n])
                        del self.buf[:end + 4 + n]
                        return self._response(head, hdrs, body)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Failed("the server closed the connection")
            self.buf += chunk

    def _response(self, head, hdrs, body):
        m = re.match(r"RTSP/\d\.\d (\d{3})", head[0])
        if not m:
            raise Failed("not an RTSP status line: %r" % head[0])
        print("S: " + head[0])
        for h in head[1:]:
            if re.match(r"(?i)(www-authenticate|session|transport|rtp-info|range):", h):
                print("S:   " + h)
        if "session" in hdrs:
            self.session = hdrs["session"].split(";")[0]
        return ("resp", int(m.group(1)), hdrs, body)


def rtp(frames, channel):
    """(seq, payload) of the RTP packets on CHANNEL."""
    out = []
    for ch, data in frames:
        if ch == channel and len(data) >= 12 and data[0] >> 6 == 2:
            cc = data[0] & 0x0f
            out.append((struct.unpack(">H", data[2:4])[0], data[12 + 4 * cc:]))
    return out


def bye(frames, channel):
    """True when an RTCP BYE (packet type 203) came on CHANNEL."""
    for ch, data in frames:
        off = 0
        while ch == channel and off + 4 <= len(data):
            if data[off + 1] == 203:
                return True
            off += (struct.unpack(">H", data[off + 2:off + 4])[0] + 1) * 4
    return False


def expect(code, want, what):
    if code != want:
        raise Failed("%s: %d, want %d" % (what, code, want))


def dialogue(a, password):
    s = Session(a.url, a.cafile, a.timeout)
    code, hdrs, _ = s.request("DESCRIBE", headers=["Accept: application/sdp"])
    expect(code, 401, "DESCRIBE without credentials")
    if not hdrs.get("www-authenticate", "").lower().startswith("basic realm="):
        raise Failed("the 401 has no WWW-Authenticate: Basic realm=")
    s.auth = "Basic " + base64.b64encode(("%s:%s" % (a.user, password)).encode()).decode()
    code, hdrs, sdp = s.request("DESCRIBE", headers=["Accept: application/sdp"])
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
    code, hdrs, _ = s.request("SETUP", track,
                              ["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"])
    expect(code, 200, "SETUP")
    chans = re.search(r"interleaved=(\d+)-(\d+)", hdrs.get("transport", ""))
    ch_rtp, ch_rtcp = (int(chans.group(1)), int(chans.group(2))) if chans else (0, 1)
    code, _, _ = s.request("PLAY", headers=["Range: npt=0-"])
    expect(code, 200, "PLAY")
    end = time.monotonic() + a.pause_after
    while time.monotonic() < end:
        s.sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            s.next()
        except (socket.timeout, TimeoutError):
            break
    s.sock.settimeout(a.timeout)
    code, _, _ = s.request("PAUSE")
    expect(code, 200, "PAUSE")
    before = len(rtp(s.frames, ch_rtp))
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
    code, _, _ = s.request("PLAY")
    expect(code, 200, "PLAY (resume)")
    deadline = time.monotonic() + a.timeout
    while not bye(s.frames, ch_rtcp):
        if time.monotonic() > deadline:
            raise Failed("no RTCP BYE within %.0f s" % a.timeout)
        s.next()
    code, _, _ = s.request("TEARDOWN")
    expect(code, 200, "TEARDOWN")
    s.sock.close()
    pkts = rtp(s.frames, ch_rtp)
    gaps = sum(1 for (x, _), (y, _) in zip(pkts, pkts[1:]) if y != (x + 1) & 0xffff)
    pcm = bytearray()
    for _, payload in pkts:                    # L16 is big-endian; WAV little-endian
        le = bytearray(payload)
        le[0::2], le[1::2] = payload[1::2], payload[0::2]
        pcm += le
    frames = len(pcm) // (2 * channels)
    print("   received %d RTP packets, %d audio frames (%.2f s at %d Hz, %d channel%s), "
          "RTCP BYE; sequence gaps: %d" % (len(pkts), frames, frames / rate, rate, channels,
                                            "" if channels == 1 else "s", gaps))
    if a.output:
        with wave.open(a.output, "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(bytes(pcm))
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
    except (Failed, OSError, ssl.SSLError) as e:
        print("rtsp_dialogue: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
