"""seal-load against the POP3 and RTSP services (issue 6, part 3), and its
aead yardstick: pop3 sessions that retrieve every message of a Maildir and
count each message's octets against LIST (messages with leading dots, CRLF
and LF lines, no final newline, an empty one); a wrong password counted as
protocol failures; rtsp streams played to their RTCP BYE with every packet
counted and timed; a login the RTSP server refuses; the aead mode's figure;
and the usage errors of the new modes. Each test starts its own server."""

import os
import re

import lib
from lib import (RTSP_USERS, RtspServer, Server, check, library, password_file, seal_load, timeout,
                 why)
from media import STEREO, pcm_of

POP3_PASSWORD = "load-Secret-7"
POP3_USERS = {"load%d" % i: POP3_PASSWORD for i in range(4)}
# Maildir files as they are stored (LF line ends, mostly), one of each shape.
MESSAGES = [
    b"From: a@localhost\nSubject: plain\n\n" + b"".join(b"line %d of a plain body\n" % i
                                                        for i in range(300)),
    b"From: a@localhost\nSubject: dots\n\n.\n..\n.leading dot\nnot a dot\n.\n",
    b"From: a@localhost\r\nSubject: crlf\r\n\r\nalready CRLF\r\nmixed\nend\r\n",
    b"From: a@localhost\nSubject: no final newline\n\nlast line without one",
    b"",
]
PACKET_FRAMES = 882          # 20 ms at 44.1 kHz
FRAME_BYTES = 4              # 16-bit stereo


def crlf_size(data):
    """The octets POP3 counts for DATA (RFC 1939 11): bare LFs become CRLF, a
    last line without a line end gets one."""
    bare = data.count(b"\n") - data.count(b"\r\n")
    return len(data) + bare + (2 if data and not data.endswith(b"\n") else 0)


def fill_maildrops(data_dir, users):
    for user in users:
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(data_dir, "mail", user, sub), mode=0o700, exist_ok=True)
        for i, body in enumerate(MESSAGES):
            with open(os.path.join(data_dir, "mail", user, "new",
                                   "1700000000.M%dP1.seal-load" % i), "wb") as f:
                f.write(body)


def _pop3_args(s, user, pw, clients, count):
    return ["pop3", "-c", str(clients), "-n", str(count), "--json", "--user", user,
            "--password-file", pw, "--cafile", s.certs.crt, "pop3s://localhost:%d" % s.pop3_port]


@timeout(120)
def test_seal_load_pop3_4_clients_8_sessions_octets_checked():
    with Server(pop3=True, users=POP3_USERS, name="seal-load-pop3") as s:
        fill_maildrops(s.data_dir, POP3_USERS)
        r, j = seal_load(_pop3_args(s, "load%d", password_file(POP3_PASSWORD), 4, 8))
    check(r.returncode == 0, "seal-load pop3: " + why(r))
    check(j is not None and j["mode"] == "pop3", "no JSON summary: " + why(r))
    check(j["ok"] == 8 and j["failed"] == 0,
          "want 8 ok, 0 failed; got %s ok, %s failed (%s)" % (j["ok"], j["failed"],
                                                            j.get("first_errors")))
    total = sum(crlf_size(m) for m in MESSAGES)
    check(j["messages"] == 8 * len(MESSAGES),
          "want %d messages retrieved, got %s" % (8 * len(MESSAGES), j["messages"]))
    check(j["bytes"] == 8 * total, "want %d octets, got %s" % (8 * total, j["bytes"]))
    check(j["retr_mb_per_s"] > 0 and j["mb_per_s"] > 0, "no rate: %r" % j)


@timeout(120)
def test_seal_load_pop3_wrong_password_protocol_failures_exit_1():
    with Server(pop3=True, users=POP3_USERS, name="seal-load-pop3-bad") as s:
        fill_maildrops(s.data_dir, POP3_USERS)
        r, j = seal_load(_pop3_args(s, "load%d", password_file("not-the-password"), 2, 4))
    check(r.returncode == 1, "a wrong password: want exit 1, " + why(r))
    check(j is not None and j["ok"] == 0 and j["messages"] == 0, "sessions succeeded: %r" % j)
    check(j["failures"]["protocol"] == 4 and j["failed"] == 4,
          "want 4 protocol failures, got %r" % j["failures"])
    check("PASS" in j["first_errors"].get("protocol", ""),
          "the failure does not name PASS: %r" % j["first_errors"])


@timeout(120)
def test_seal_load_pop3_shared_maildrop_names_the_lock():
    """Concurrent sessions of one user: the maildrop lock refuses all but one
    at a time; the first failure says so and how to give each client a user."""
    with Server(pop3=True, users=POP3_USERS, name="seal-load-pop3-lock") as s:
        fill_maildrops(s.data_dir, POP3_USERS)
        r, j = seal_load(_pop3_args(s, "load0", password_file(POP3_PASSWORD), 3, 9))
    check(j is not None and j["ok"] + j["failed"] == 9, "want 9 sessions: " + why(r))
    if j["failed"]:
        check(r.returncode == 1, "failures but exit %d" % r.returncode)
        err = j["first_errors"].get("protocol", "")
        check("IN-USE" in err and "%d" in err, "no hint about the lock: %r" % err)


@timeout(120)
def test_seal_load_rtsp_8_streams_to_the_bye():
    seconds = 1.5
    with RtspServer(name="seal-load-rtsp", seconds=seconds) as s:
        r, j = seal_load(["rtsp", "-c", "8", "-n", "8", "--json", "--user", "alice",
                      "--password-file", password_file(RTSP_USERS["alice"]),
                      "--cafile", s.certs.crt, s.url()], timeout_s=90)
        _, _, pcm = pcm_of(os.path.join(s.media, STEREO))
    check(r.returncode == 0, "seal-load rtsp: " + why(r))
    check(j is not None and j["mode"] == "rtsp", "no JSON summary: " + why(r))
    check(j["ok"] == 8 and j["failed"] == 0 and j["streams"] == 8,
          "want 8 streams ended by BYE: %s ok, %s streams, %s" % (j["ok"], j["streams"],
                                                                j.get("first_errors")))
    packets = -(-len(pcm) // (PACKET_FRAMES * FRAME_BYTES))
    check(j["packets"] == 8 * packets, "want %d packets, got %s" % (8 * packets, j["packets"]))
    check(j["bytes"] == 8 * len(pcm), "want %d payload bytes, got %s" % (8 * len(pcm), j["bytes"]))
    check(j["lost"] == 0 and j["reordered"] == 0, "lost %s, reordered %s" % (j["lost"],
                                                                           j["reordered"]))
    late = j["lateness_ms"]
    check(late["samples"] == j["packets"], "lateness of %s packets, want every one (%s)"
          % (late["samples"], j["packets"]))
    check(0 <= late["p50"] <= late["p99"] <= late["max"], "lateness not ordered: %r" % late)
    # Arrival is the kernel's receive time, never after seal-load read the packet.
    read = j["lateness_read_ms"]
    check(all(late[k] <= read[k] + 0.001 for k in ("p50", "p99", "max")),
          "lateness by kernel arrival %r above lateness by read %r" % (late, read))
    # Real-time pacing: a session lasts at least about its audio (noise cannot shorten it).
    check(j["latency_ms"]["p50"] >= seconds * 1000 * 0.75,
          "sessions of %.0f ms for %.1f s of audio: not paced" % (j["latency_ms"]["p50"],
                                                                  seconds))
    print("# 8 streams: lateness p50 %.1f ms, p99 %.1f ms, max %.1f ms"
          % (late["p50"], late["p99"], late["max"]), flush=True)


@timeout(90)
def test_seal_load_rtsp_without_login_401_and_missing_stream_404():
    with RtspServer(name="seal-load-rtsp-401") as s:
        r, j = seal_load(["rtsp", "-c", "2", "-n", "2", "--json", "--cafile", s.certs.crt,
                      s.url()])
        check(r.returncode == 1, "no login: want exit 1, " + why(r))
        check(j["failures"]["protocol"] == 2 and j["ok"] == 0, "failures %r" % j["failures"])
        check(re.search(r"(?<!\d)401(?!\d)", j["first_errors"]["protocol"]) and "--user" in
              j["first_errors"]["protocol"], "no 401 hint: %r" % j["first_errors"])
        r, j = seal_load(["rtsp", "-c", "1", "-n", "1", "--json", "--user", "alice",
                      "--password-file", password_file(RTSP_USERS["alice"]),
                      "--cafile", s.certs.crt, s.url(name="nosuch.wav")])
    check(r.returncode == 1 and j["failures"]["protocol"] == 1,
          "a missing stream: want a protocol failure, " + why(r))
    check("DESCRIBE: 404" in j["first_errors"]["protocol"], "%r" % j["first_errors"])


@library
@timeout(60)
def test_seal_load_aead_measures_the_negotiated_suite():
    with lib.Server(name="seal-load-aead") as s:
        r, j = seal_load(["aead", "-s", str(16 << 20), "--json", "--cafile", s.certs.crt, s.url()])
    check(r.returncode == 0, "seal-load aead: " + why(r))
    a = j["aead"]
    check(a["bytes"] == 16 << 20 and a["seconds"] > 0 and a["mb_per_s"] > 0, "aead %r" % a)
    alg = a["algorithm"].replace("-", "").upper()    # AES128GCM, CHACHA20POLY1305
    suite = j["tls"]["cipher"].replace("_", "").replace("-", "").upper()
    check(alg in suite, "measured %s, negotiated %s" % (a["algorithm"], j["tls"]["cipher"]))


def test_seal_load_service_modes_usage_exit_2():
    crt = lib.default_certs().crt
    pw = password_file("x")
    for args in (["pop3", "--user", "u", "--password-file", pw, "smtps://localhost:1"],
                 ["pop3", "pop3s://localhost:1"],
                 ["rtsp", "rtsps://localhost:1"],
                 ["rtsp", "--user", "u", "rtsps://localhost:1/a.wav"],
                 ["smtp", "--user", "u%d", "--password-file", pw, "smtps://localhost:1"],
                 ["pop3", "--user", "u%d%d", "--password-file", pw, "pop3s://localhost:1"],
                 ["aead", "-s", "100", "smtps://localhost:1"]):
        r, _ = seal_load(args[:1] + ["--cafile", crt] + args[1:])
        check(r.returncode == 2, "%s: want exit 2, %s" % (" ".join(args), why(r)))
