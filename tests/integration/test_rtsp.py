"""RTSP over TLS with the audio interleaved (issue 5): ffmpeg and seal play
WAVs of the media folder sample for sample; PAUSE/PLAY loses and repeats
nothing; logins, states, sessions and malformed requests get their codes;
malformed WAVs never crash the server; 100 streams at once stay on schedule;
and a capture of the port shows TLS only."""

import os
import re
import selectors
import signal
import socket
import ssl
import subprocess
import time

from lib import (RTSP_USERS as USERS, Closed, Rtsp, RtspServer, Skip, basic_auth, be_to_le,
                 check, deadline, has_bye, password_file, popen, rtp_packets, run, seal,
                 stop_proc, tail, timeout, tmpdir)
from media import MONO, STEREO, chunk, fmt, malformed_wavs, pcm_of, riff


def check_continuous(pkts, frames_per_packet):
    for (_, s0, t0, _, p0), (_, s1, t1, _, _) in zip(pkts, pkts[1:]):
        check(s1 == (s0 + 1) & 0xffff, "sequence jumps from %d to %d" % (s0, s1))
        check(t1 == (t0 + len(p0) // frames_per_packet) & 0xffffffff,
              "timestamp jumps from %d to %d after %d bytes" % (t0, t1, len(p0)))


# --- ffmpeg and seal -------------------------------------------------------------

_NOTED = set()


def _note_once(text):
    if text not in _NOTED:
        _NOTED.add(text)
        print(text, flush=True)


def ffmpeg_play(s, url, out, verify=True):
    """ffmpeg reading URL into OUT (WAV). Debian 12's ffmpeg 5.1 does not pass
    -tls_verify/-ca_file to the TLS layer of rtsps:// ('Option tls_verify not
    found'); then it runs again without them (the certificate unchecked by
    ffmpeg), and says so."""
    base = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-rtsp_transport", "tcp"]
    tls = ["-tls_verify", "1", "-ca_file", s.certs.crt] if verify else []
    r = run(base + tls + ["-i", url, "-f", "wav", "-y", out], timeout=30)
    if verify and b"Option tls_verify not found" in r.stderr + r.stdout:
        _note_once("# this ffmpeg cannot verify rtsps certificates (-tls_verify is not passed "
              "to its TLS layer); running it without")
        r = run(base + ["-i", url, "-f", "wav", "-y", out], timeout=30)
    return r


@timeout(60)
def test_rtsp_ffmpeg_plays_both_files_sample_for_sample():
    with RtspServer(name="rtsp-ffmpeg") as s:
        for name in (STEREO, MONO):
            out = os.path.join(tmpdir("ff"), "out.wav")
            r = ffmpeg_play(s, s.url(name, user="alice"), out)
            check(r.returncode == 0, "ffmpeg failed on %s: %s" % (name, tail(r.stderr)))
            want, got = pcm_of(os.path.join(s.media, name)), pcm_of(out)
            check(want[:2] == got[:2], "%s: rate/channels %s, want %s" % (name, got[:2], want[:2]))
            check(got[2] == want[2], "%s: %d bytes of samples, want %d%s"
                  % (name, len(got[2]), len(want[2]),
                     "" if len(got[2]) != len(want[2]) else " (same length, different samples)"))
        log = s.log()
        check("RTCP BYE sent" in log, "no BYE in the log")
        check("Authorization: Basic ********" in log, "the log does not mask Authorization")
        check(USERS["alice"] not in log, "the password is in the log")


@timeout(60)
def test_rtsp_ffmpeg_wrong_password_gets_401():
    with RtspServer(name="rtsp-ffwrong") as s:
        url = "rtsps://carol:not-her-password@localhost:%d/%s" % (s.rtsp_port, STEREO)
        r = ffmpeg_play(s, url, os.path.join(tmpdir("ff"), "x.wav"))
        err = (r.stderr + r.stdout).decode("utf-8", "replace")
        check(r.returncode != 0, "ffmpeg succeeded with a wrong password")
        check(re.search(r"(?<!\d)401(?!\d)", err), "ffmpeg did not report 401: %s" % tail(err))


@timeout(60)
def test_rtsp_seal_batch_output_equals_source():
    with RtspServer(name="rtsp-seal") as s:
        out = os.path.join(tmpdir("seal"), "got.wav")
        r = seal(["--batch", "--cafile", s.certs.crt, "--user", "bob",
                  "--password-file", password_file(USERS["bob"]), "--output", out,
                  "rtsps://localhost:%d/%s" % (s.rtsp_port, STEREO)], timeout=30)
        text = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 0, "seal exit %d: %s %s" % (r.returncode, tail(text), tail(r.stderr)))
        for want in ("S: RTSP/1.0 401 Unauthorized", "C: Authorization: Basic ********",
                     "C: SETUP ", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1",
                     "C: PLAY ", "C: TEARDOWN ", "a=rtpmap:10 L16/44100/2"):
            check(want in text, "transcript lacks %r" % want)
        check(USERS["bob"] not in text, "the password is in the transcript")
        m = re.search(r"stream: (\d+) packets, (\d+) bytes, (\d+) lost, (\d+) reordered", text)
        check(m and m.group(3) == "0" and m.group(4) == "0", "summary: %s" % tail(text, 1))
        check(pcm_of(out) == pcm_of(os.path.join(s.media, STEREO)), "the WAV differs from the source")
        r = seal(["--batch", "--cafile", s.certs.crt, "--user", "carol", "--password-file",
                  password_file("wrong"), "rtsps://localhost:%d/%s" % (s.rtsp_port, STEREO)])
        check(r.returncode == 5, "wrong password: exit %d, want 5" % r.returncode)
        r = seal(["--batch", "--cafile", s.certs.crt, "rtsps://localhost:%d/%s" % (s.rtsp_port, STEREO)])
        check(r.returncode == 5, "no login: exit %d, want 5" % r.returncode)


@timeout(60)
def test_rtsp_pause_then_play_loses_and_repeats_nothing():
    with RtspServer(name="rtsp-pause", seconds=1.5) as s, Rtsp(s.rtsp_port) as c:
        c.login("alice")
        c.setup()
        h, _ = c.expect("PLAY", 200, headers=["Range: npt=0-"])
        first_seq = int(re.search(r"seq=(\d+)", h["rtp-info"]).group(1))
        time.sleep(0.4)
        c.expect("PAUSE", 200)
        check(len(c.frames) > 0, "nothing played before PAUSE")
        c.sock.settimeout(1.0)
        try:                                      # nothing may come while paused
            c.message()
            check(False, "data arrived while paused")
        except (socket.timeout, TimeoutError):
            pass
        c.sock.settimeout(deadline(20))
        h, _ = c.expect("PLAY", 200)
        resume_seq = int(re.search(r"seq=(\d+)", h["rtp-info"]).group(1))
        c.read_until_bye(10)
        pkts = rtp_packets(c.frames)
        check(pkts[0][1] == first_seq, "first packet is not RTP-Info's seq")
        check(pkts[0][3] == 1, "no marker bit on the first packet")
        check(any(p[1] == resume_seq and p[3] == 1 for p in pkts), "resume has no marker/seq")
        check_continuous(pkts, 4)
        rate, ch, want = pcm_of(os.path.join(s.media, STEREO))
        got = b"".join(be_to_le(p[4]) for p in pkts)
        check(got == want, "%d bytes played, want %d; equal prefix %s"
              % (len(got), len(want), got == want[:len(got)]))
        c.expect("TEARDOWN", 200)


@timeout(60)
def test_rtsp_login_codes_and_failure_limit():
    with RtspServer(name="rtsp-login") as s:
        with Rtsp(s.rtsp_port) as c:
            h, _ = c.expect("OPTIONS", 200)
            check("PLAY" in h.get("public", ""), "OPTIONS lists no methods: %r" % h)
            h, _ = c.expect("SETUP", 401, url=c.url() + "/trackID=0",
                            headers=["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"])
            check(h.get("www-authenticate") == 'Basic realm="sealed"', "challenge: %r" % h)
            c.auth = basic_auth("dave", "wrong")
            for _ in range(3):                    # the third failure ends the session
                c.expect("DESCRIBE", 401)
            check(c.closed(), "the connection stayed open after 3 failed logins")
        with Rtsp(s.rtsp_port) as c:
            c.auth = "Digest username=\"dave\""
            c.expect("DESCRIBE", 401)
            c.login("dave")                       # throttled, but right: 200
            _, body = c.expect("DESCRIBE", 200)
            check(b"a=range:npt=0-1.000" in body and b"L16/44100/2" in body, "SDP: %r" % body)
        check("auth failed user=dave" in s.log(), "no log line for the failures")


@timeout(60)
def test_rtsp_state_session_and_transport_codes():
    with RtspServer(name="rtsp-codes") as s, Rtsp(s.rtsp_port) as c:
        c.login("alice")
        c.expect("PLAY", 455)                     # before SETUP
        c.expect("SETUP", 461, url=c.url() + "/trackID=0",
                 headers=["Transport: RTP/AVP;unicast;client_port=5000-5001"])
        c.expect("SETUP", 461, url=c.url() + "/trackID=0",
                 headers=["Transport: RTP/AVP/UDP;multicast"])
        c.expect("SETUP", 400, url=c.url() + "/trackID=0")   # no Transport
        c.expect("SETUP", 404, url=c.url("nothere.wav"),
                 headers=["Transport: RTP/AVP/TCP;interleaved=0-1"])
        h = c.setup()
        check(re.match(r"[0-9a-f]{16};timeout=60$", h.get("session", "")), "Session: %r" % h)
        check("interleaved=0-1" in h.get("transport", ""), "Transport: %r" % h)
        c.expect("PLAY", 454, headers=["Session: 0000000000000000"])
        c.expect("PAUSE", 200)                    # READY: harmless
        c.expect("PLAY", 457, headers=["Range: npt=999-"])
        # 418293516410.648 s: times 44100 it wraps 2^64 to frame 25, inside the stream
        c.expect("PLAY", 457, headers=["Range: npt=116192643:26:50.648-"])
        c.expect("PLAY", 457, headers=["Range: clock=19961108T142300Z-"])
        c.expect("SETUP", 459, url=c.url(MONO) + "/trackID=0",
                 headers=["Transport: RTP/AVP/TCP;interleaved=0-1"])
        c.expect("TEARDOWN", 200)
        c.session = None
        c.expect("PAUSE", 455)
        c.expect("RECORD", 405)
        c.expect("FLY", 501)
        c.expect("OPTIONS", 551, headers=["Require: com.example.unknown"])
        code, h, _, status = c.cmd("OPTIONS", version="RTSP/2.0")
        check(code == 200 and status.startswith("RTSP/2.0 "), "2.0 reply: %r" % status)
        code, h, _, status = c.cmd("OPTIONS", version="RTSP/1.1")
        check(code == 505 and status.startswith("RTSP/1.0 "), "1.1 reply: %r" % status)


@timeout(60)
def test_rtsp_malformed_requests_bodies_and_client_frames():
    with RtspServer(name="rtsp-bad") as s, Rtsp(s.rtsp_port) as c:
        c.login("alice")
        c.expect("OPTIONS", 400, cseq=False)      # no CSeq
        c.expect("OPTIONS", 200)                  # and the connection goes on
        c.expect("OPTIONS", 400, headers=["X-Big: " + "x" * 20000])
        c.expect("OPTIONS", 200)
        c.expect("OPTIONS", 400, headers=["X-A: %d" % i for i in range(100)])
        c.send(b"this is not a request\r\n\r\n")
        code, _, _, _ = c.response()
        check(code == 400, "garbage line: %d" % code)
        c.expect("GET_PARAMETER", 451, body=b"position\r\n")
        c.expect("GET_PARAMETER", 200)
        c.expect("SET_PARAMETER", 451, body=b"no-newline-at-the-end")
        c.expect("GET_PARAMETER", 200)            # the body did not leak into this
        c.send(b"$\x01\x00\x08" + bytes(8))        # an interleaved RTCP frame of ours
        c.expect("OPTIONS", 200)
        h, _ = c.expect("DESCRIBE", 200, url="rtsps://x:url-secret-9@localhost:%d/%s"
                        % (s.rtsp_port, STEREO))
        check("url-secret-9" not in h.get("content-base", ""), "credentials echoed: %r" % h)
        c.auth = "c2VjcmV0LXRva2VuLTc="              # no scheme word: all of it is masked
        c.expect("DESCRIBE", 401)
        c.login("alice")
        for url in ("/../secret.wav", "/%2e%2e/secret.wav", "/%2e%2e%2fsecret.wav",
                    "/link.wav", "/.hidden", "/media%00.wav", "/a/b/c.wav", "*"):
            c.expect("DESCRIBE", 404, url="rtsps://localhost:%d%s" % (s.rtsp_port, url))
        c.send("OPTIONS %s RTSP/1.0\r\nCSeq: 99\r\nContent-Length: 5000\r\n\r\n" % c.url())
        code, _, _, _ = c.response()
        check(code == 413, "a 5000-byte body: %d, want 413" % code)
        check(c.closed(), "the connection stays open before an unread 5000-byte body")
        log = s.log()
        for secret in ("url-secret-9", "c2VjcmV0LXRva2VuLTc=", c.auth.split()[1]):
            check(secret not in log, "a credential is in the log: %s" % secret)


@timeout(90)
def test_rtsp_malformed_wavs_never_crash():
    with RtspServer(name="rtsp-wavs") as s, Rtsp(s.rtsp_port) as c:
        c.login("bob")
        for name, (_, code, frames) in sorted(malformed_wavs().items()):
            got, _, body, status = c.cmd("DESCRIBE", url=c.url(name))
            check(got == code, "%s: DESCRIBE %r, want %d" % (name, status, code))
            if code == 415:
                check("only" in status or "truncated" in status or "no " in status
                      or "RIFF" in status or "before" in status,
                      "%s: the refusal gives no reason: %r" % (name, status))
        for name in ("lying.wav", "extpcm.wav"):
            with Rtsp(s.rtsp_port) as p:
                p.login("bob")
                p.setup(name)
                p.expect("PLAY", 200)
                p.read_until_bye(10)
                played = sum(len(x[4]) for x in rtp_packets(p.frames)) // 4
                check(played == malformed_wavs()[name][2],
                      "%s: %d frames played, want %d" % (name, played, malformed_wavs()[name][2]))
        check(s.alive(), "the server died")
        check("data length clamped" in s.log(), "the lying header is not logged as clamped")


@timeout(60)
def test_rtsp_fifo_in_media_is_refused_and_the_worker_serves_on():
    """A FIFO named like a WAV in media/ (the open of one waits for a writer
    forever): DESCRIBE gets 404 at once, logged, and the only worker
    (--workers 1) goes on serving that connection and a new one."""
    with RtspServer(name="rtsp-fifo", args=["--workers", "1"]) as s:
        os.mkfifo(os.path.join(s.media, "fifo.wav"), 0o600)
        with Rtsp(s.rtsp_port) as c:
            c.login("bob")
            got, _, _, status = c.cmd("DESCRIBE", url=c.url("fifo.wav"))
            check(got == 404, "DESCRIBE of a FIFO: %r, want 404" % status)
            c.expect("DESCRIBE", 200)                  # the same connection
        with Rtsp(s.rtsp_port) as c2:                   # a new one, same worker
            c2.login("alice")
            c2.expect("DESCRIBE", 200, url=c2.url(MONO))
        check("stream fifo.wav refused: not a regular file" in s.log(),
              "the refusal is not logged: %s" % tail(s.log(), 3))
        print("# DESCRIBE fifo.wav: %s; the one worker then served 2 more DESCRIBEs"
              % status, flush=True)


def _stream_client(port, auth):
    """A TLS connection to PORT with its stream set up (READY)."""
    c = Rtsp(port, timeout=30)
    c.auth = auth
    c.setup()
    return c


def _take(c, frames, now):
    """Moves whole messages out of c.buf: frames into FRAMES, replies dropped."""
    while True:
        if c.buf[:5] == b"RTSP/":
            end = c.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            check(c.buf[9:12] == b"200", "PLAY refused: %r" % bytes(c.buf[:40]))
            del c.buf[:end + 4]
        elif len(c.buf) >= 4 and c.buf[0] == 0x24:
            n = (c.buf[2] << 8) | c.buf[3]
            if len(c.buf) < 4 + n:
                return
            frames.append((now, c.buf[1], bytes(c.buf[4:4 + n])))
            del c.buf[:4 + n]
        else:
            return


def _pump(clients, seconds):
    """Reads every client's frames until each has its BYE; (arrival, ch, data) lists."""
    sel = selectors.DefaultSelector()
    frames = {c: [] for c in clients}
    done = set()
    for c in clients:
        c.sock.setblocking(False)
        sel.register(c.sock, selectors.EVENT_READ, c)
    end = time.monotonic() + deadline(seconds)
    while len(done) < len(clients) and time.monotonic() < end:
        for key, _ in sel.select(0.5):
            c = key.data
            while True:
                try:
                    chunk = c.sock.recv(262144)
                except (ssl.SSLWantReadError, BlockingIOError):
                    break
                if not chunk:
                    sel.unregister(c.sock)
                    done.add(c)
                    break
                c.buf += chunk
            _take(c, frames[c], time.monotonic())
            if c not in done and has_bye(frames[c][-2:]):
                done.add(c)
    sel.close()
    return [frames[c] for c in clients]


def _percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


@timeout(120)
def test_rtsp_100_concurrent_streams_on_schedule():
    n, seconds = 100, 2.0
    with RtspServer(name="rtsp-100", seconds=seconds) as s:
        auth = basic_auth("alice", USERS["alice"])
        clients = []
        try:
            for _ in range(n):
                clients.append(_stream_client(s.rtsp_port, auth))
            for c in clients:                     # all start within a few ms
                c.request("PLAY", c.url())
                c.play_sent = time.monotonic()
            results = _pump(clients, seconds + 30)
        finally:
            for c in clients:
                c.close()
        _, _, want = pcm_of(os.path.join(s.media, STEREO))
        expected = -(-len(want) // (882 * 4))
        late = []
        for i, frames in enumerate(results):
            pkts = rtp_packets(frames)
            check(has_bye(frames), "stream %d: no BYE" % i)
            check(len(pkts) == expected, "stream %d: %d packets, want %d" % (i, len(pkts), expected))
            check_continuous(pkts, 4)
            check(b"".join(be_to_le(p[4]) for p in pkts) == want, "stream %d: samples differ" % i)
            # due: PLAY sent + the packet's media time; late: how long after that it came
            t0, ts0 = clients[i].play_sent, pkts[0][2]
            late += [(t - t0 - ((ts - ts0) & 0xffffffff) / 44100.0) * 1000 for t, _, ts, _, _ in pkts]
        p50, p90, p99, worst = (_percentile(late, p) for p in (50, 90, 99, 100))
        print("# %d streams x %d packets, lateness after PLAY + media time: p50 %.1f ms, "
              "p90 %.1f ms, p99 %.1f ms, max %.1f ms" % (n, expected, p50, p90, p99, worst),
              flush=True)
        # Lateness is reported, not asserted (shared machines are noisy: the
        # benchmark judges it); what must hold is real-time pacing: no stream
        # may arrive faster than it plays (a lower bound noise cannot break).
        for i, frames in enumerate(results):
            pkts = rtp_packets(frames)
            span = pkts[-1][0] - clients[i].play_sent
            check(span >= seconds * 0.75, "stream %d arrived in %.2f s: not paced (%.1f s of audio)"
                  % (i, span, seconds))


@timeout(90)
def test_rtsp_capture_shows_only_tls():
    if os.geteuid() != 0:
        raise Skip("not root: tshark cannot capture")
    with RtspServer(name="rtsp-tshark") as s:
        pcap = os.path.join(tmpdir("cap"), "rtsp.pcap")
        cap = popen(["tshark", "-i", "lo", "-f", "tcp port %d" % s.rtsp_port, "-w", pcap],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = b""
        end = time.monotonic() + deadline(20)
        while b"Capturing on" not in started and time.monotonic() < end and cap.poll() is None:
            started += cap.stderr.read1(4096) if hasattr(cap.stderr, "read1") else b""
        check(b"Capturing on" in started, "tshark did not start: %r" % started[-200:])
        time.sleep(0.5)
        r = seal(["--batch", "--cafile", s.certs.crt, "--user", "alice", "--password-file",
                  password_file(USERS["alice"]), "rtsps://localhost:%d/%s" % (s.rtsp_port, STEREO)])
        check(r.returncode == 0, "seal failed: %s" % tail(r.stderr))
        # A control: RTSP in clear on the same port, which the filters must see.
        with socket.create_connection(("127.0.0.1", s.rtsp_port)) as plain:
            control_port = plain.getsockname()[1]
            plain.sendall(b"OPTIONS rtsp://localhost/x RTSP/1.0\r\nCSeq: 1\r\n\r\n")
            plain.settimeout(2)
            try:
                plain.recv(100)
            except OSError:
                pass
        time.sleep(1.0)
        stop_proc(cap, signal.SIGINT, 10)

        def fields(args):
            r = run(["tshark", "-r", pcap] + args + ["-T", "fields", "-e", "tcp.srcport",
                                                     "-e", "tcp.dstport"], timeout=60)
            check(r.returncode == 0, "tshark -r failed: %s" % tail(r.stderr))
            return [l.split() for l in r.stdout.decode().splitlines() if l.strip()]

        ports = lambda rows: {p for row in rows for p in row if p != str(s.rtsp_port)}
        tls = fields(["-Y", "tls"])
        check(len(tls) > 50, "only %d TLS packets captured" % len(tls))
        check(fields(["-Y", "rtsp or rtp"]) == [], "tshark sees RTSP or RTP")
        forced = fields(["-d", "tcp.port==%d,rtsp" % s.rtsp_port,
                         "-Y", "rtsp.request or rtsp.response or rtp"])
        check(ports(forced) == {str(control_port)},
              "RTSP/RTP in clear outside the control connection: %s" % ports(forced))
        clear = fields(["-Y", "tcp.len > 0 and not tls"])
        check(ports(clear) == {str(control_port)},
              "non-TLS payload outside the control connection: %s" % ports(clear))
        print("# capture: %d TLS packets; RTSP in clear only on the control connection"
              % len(tls), flush=True)


@timeout(90)
def test_rtsp_slow_reader_is_dropped_and_others_play_on():
    with RtspServer(name="rtsp-slow") as s:
        rate, seconds = 192000, 20               # 768 kB/s: socket buffers fill fast
        with open(os.path.join(s.media, "big.wav"), "wb") as f:
            f.write(riff(chunk(b"fmt ", fmt(rate=rate)),
                         chunk(b"data", b"\x10\x00" * (2 * rate * seconds))))
        with Rtsp(s.rtsp_port, rcvbuf=4096) as slow:
            slow.login("alice")
            slow.setup("big.wav")
            slow.request("PLAY", slow.url("big.wav"))   # and never read again
            with Rtsp(s.rtsp_port) as c:                 # meanwhile others play on
                c.login("bob")
                c.setup()
                c.expect("PLAY", 200)
                c.read_until_bye(10)
                _, _, want = pcm_of(os.path.join(s.media, STEREO))
                check(b"".join(be_to_le(p[4]) for p in rtp_packets(c.frames)) == want,
                      "the other stream lost samples")
            end = time.monotonic() + deadline(40)
            while "slow reader" not in s.log() and time.monotonic() < end:
                time.sleep(0.2)
            line = [l for l in s.log().splitlines() if "slow reader" in l]
            check(line, "the client that stopped reading was not dropped")
            print("# %s" % line[0].split(" * ", 1)[-1], flush=True)
        check(s.alive(), "the server died")


@timeout(60)
def test_rtsp_sigterm_mid_stream_sends_bye_and_exits_clean():
    s = RtspServer(name="rtsp-term", seconds=5).start()
    try:
        with Rtsp(s.rtsp_port) as c:
            c.login("alice")
            c.setup()
            c.expect("PLAY", 200)
            while len(c.frames) < 5:
                c.next()
            code = s.stop()
            check(code == 0, "exit status %s after SIGTERM mid-stream" % code)
            try:
                c.read_until_bye(5)
            except Closed:
                pass
            check(has_bye(c.frames), "no RTCP BYE before the server went away")
    finally:
        s.stop()
