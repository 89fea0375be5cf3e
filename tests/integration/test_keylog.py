"""The key log for the wire lesson (issue 6, part 2): `seal --keylog FILE` and
$SSLKEYLOGFILE write the session secrets in the NSS key log format, so a
capture of one's own session can be decrypted, and only with them.

Each test captures one SMTP session with tshark on the test's own port, then
reads the capture twice: without the key log it must show TLS records only
and none of the session's secrets or marker strings (tshark -V and -x, and the
raw pcap bytes); with `-o tls.keylog_file:KEYS` tshark must show the SMTP
commands (MAIL FROM, RCPT TO) and the marker inside DATA.

  - TLS 1.3 (the default): seal --keylog against sealed. sealed runs with
    SSLKEYLOGFILE in its environment and must still write no key anywhere
    (data dir, log, stderr, stdout, that file).
  - TLS 1.2: seal has no flag to cap the version, so the cap is on the server
    side: a small TLS 1.2-only SMTP responder made with Python's ssl module,
    which writes its own key log (OpenSSL's) to compare with seal's
    CLIENT_RANDOM line; seal gets its file through $SSLKEYLOGFILE.
  - TLS 1.2 against sealed itself: openssl s_client -tls1_2 -keylogfile (the
    client's key log is openssl's there): sealed's TLS 1.2 sessions decrypt.

A seal built with Debian's wolfSSL (no HAVE_SECRET_CALLBACK) refuses --keylog
with exit 2; those tests then skip (lib.Skip) with that reason. Every test
here can differ with the wolfSSL build (LIBRARY: the stage against Debian's
wolfSSL runs them).
"""

import base64
import os
import re
import select
import signal
import socket
import ssl
import stat
import struct
import subprocess
import threading
import time

import lib
from lib import (Server, Skip, check, default_certs, free_port, marker, password_file, popen,
                 run, seal, stop_proc, tail, timeout, tmpdir)

NEEDS_CALLBACK = "needs a wolfSSL built with HAVE_SECRET_CALLBACK"
TLS13_LABELS = ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0")
KEY_WORDS = ("CLIENT_RANDOM", "TRAFFIC_SECRET")
KEYLOG_LINE = re.compile(r"^([A-Z0-9_]+) ([0-9a-f]{64}) ([0-9a-f]{64,128})$")
TSHARK_START = 20       # seconds for tshark to start capturing (and to sync)
PROBE_WAIT = 1.5        # seconds to wait for one probe in the file (tshark writes
                        # packets out about every half second)
PCAPNG_EPB = 6          # pcapng block type: Enhanced Packet Block
LIBRARY = True          # the key log is wolfSSL's secret callback: run.py --library


def _needs_keylog():
    """Returns when seal writes key logs; else raises Skip with why these
    tests cannot run. The probe: --keylog against a closed port, which exits
    2 with the refusal before connecting when the wolfSSL lacks the secret
    callback."""
    d = tmpdir("keylog-probe")
    probe = os.path.join(d, "probe.keys")
    r = seal(["--batch", "--keylog", probe, "--cafile", default_certs().crt,
              "smtps://localhost:%d" % free_port()], input="", timeout=30)
    err = r.stderr.decode("utf-8", "replace")
    if r.returncode == 2 and NEEDS_CALLBACK in err:
        raise Skip("seal was built without HAVE_SECRET_CALLBACK (%s)" % tail(err, 1))
    check(r.returncode == 3, "seal --keylog to a closed port: want exit 3 (cannot "
          "connect) or 2 with %r, got %d: %s" % (NEEDS_CALLBACK, r.returncode, tail(err)))


# --- tshark --------------------------------------------------------------------

class Capture:
    """tshark on lo for one TCP port, writing a pcapng; stopped by its pid.

    tshark says "Capturing on" a moment before packets really reach its
    file, so start and stop are synchronised with probes: a TCP connect to
    the same port on 127.0.0.2, where nobody listens (the servers listen on
    127.0.0.1), which the kernel answers with a reset. Once a probe's packets
    are in the file, so is everything sent before it and the capture is live.
    """

    def __init__(self, port):
        self.port = port
        d = tmpdir("capture")
        self.path = os.path.join(d, "session.pcapng")
        self.err_path = os.path.join(d, "tshark.stderr")

    def __enter__(self):
        with open(self.err_path, "wb") as err:
            self.proc = popen(["tshark", "-i", "lo", "-f", "tcp port %d" % self.port,
                               "-F", "pcapng", "-w", self.path], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=err)
        end = time.monotonic() + lib.deadline(TSHARK_START)
        while "Capturing on" not in self._err():
            self._alive()
            check(time.monotonic() < end, "tshark did not start capturing: %s"
                  % tail(self._err()))
            time.sleep(0.05)
        self._sync()
        return self

    def __exit__(self, etype, *exc):
        try:
            if etype is None:
                self._sync()
        finally:
            stop_proc(self.proc, signal.SIGTERM, 10)

    def _err(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _alive(self):
        check(self.proc.poll() is None, "tshark exited (%s): %s"
              % (self.proc.returncode, tail(self._err())))

    def _packets(self):
        """Enhanced Packet Blocks written so far (whole blocks only)."""
        try:
            data = self.raw()
        except OSError:
            return 0
        n, off = 0, 0
        while off + 8 <= len(data):
            btype, blen = struct.unpack_from("<II", data, off)
            if blen < 12 or off + blen > len(data):
                break
            n += btype == PCAPNG_EPB
            off += blen
        return n

    def _sync(self):
        """Probes until a probe's packets are in the file."""
        before = self._packets()
        end = time.monotonic() + lib.deadline(TSHARK_START)
        while True:
            try:
                socket.create_connection(("127.0.0.2", self.port), timeout=1).close()
            except OSError:
                pass
            wait = time.monotonic() + PROBE_WAIT
            while time.monotonic() < wait:
                if self._packets() > before:
                    return
                time.sleep(0.05)
            self._alive()
            check(time.monotonic() < end, "tshark wrote no packet of a probe within %ss: %s"
                  % (TSHARK_START, tail(self._err())))

    def raw(self):
        with open(self.path, "rb") as f:
            return f.read()

    def read(self, *opts, keys=None):
        """tshark -r on the capture, TLS on the port, SMTP inside TLS; with
        KEYS the key log. Its stdout as text."""
        args = ["tshark", "-r", self.path, "-d", "tcp.port==%d,tls" % self.port,
                "-d", "tls.port==%d,smtp" % self.port]
        if keys:
            args += ["-o", "tls.keylog_file:" + keys]
        r = run(args + list(opts), timeout=60)
        check(r.returncode == 0, "tshark -r %s: exit %d: %s"
              % (" ".join(opts), r.returncode, tail(r.stderr)))
        return r.stdout.decode("utf-8", "replace")


def _hexdump_bytes(text):
    """The bytes of a `tshark -x` dump (each '0000  16 03 ...' line's hex),
    so that strings split across dump lines are found too."""
    out = bytearray()
    for line in text.splitlines():
        m = re.match(r"^[0-9a-f]{4,}  ((?:[0-9a-f]{2} ){1,16})", line)
        if m:
            out += bytes.fromhex(m.group(1).replace(" ", ""))
    return bytes(out)


def _check_sealed(cap, secrets, what):
    """Without a key log: TLS records only, none of SECRETS (str) anywhere."""
    summary = cap.read()
    check(re.search(r"\bTLSv1\.[23]\b", summary), "no TLS records in the capture of %s: %s"
          % (what, tail(summary)))
    check("Application Data" in summary, "no TLS Application Data in the capture of %s" % what)
    check(not re.search(r"\bSMTP\b", summary), "tshark shows SMTP without the key log (%s)"
          % what)
    verbose = cap.read("-V")
    check("Transport Layer Security" in verbose, "tshark -V shows no TLS (%s)" % what)
    # (Encrypted records are labelled "Application Data Protocol: Simple Mail
    # Transfer Protocol" by the decode-as; a dissected SMTP layer is a line
    # of its own.)
    for bad in ("Simple Mail Transfer Protocol", "Internet Message Format"):
        check(not re.search("^%s$" % bad, verbose, re.M),
              "tshark -V dissects %r without the key log (%s)" % (bad, what))
    check("Decrypted TLS" not in verbose, "tshark -V decrypted without the key log (%s)" % what)
    dump = cap.read("-x")
    check("Decrypted TLS" not in dump, "tshark -x decrypted without the key log (%s)" % what)
    dumped, raw = _hexdump_bytes(dump), cap.raw()
    check(len(dumped) > 1000, "tshark -x dumped only %d bytes (%s)" % (len(dumped), what))
    for s in secrets:
        check(s not in verbose, "%r in tshark -V without the key log (%s)" % (s, what))
        check(s.encode() not in dumped, "%r in tshark -x without the key log (%s)" % (s, what))
        check(s.encode() not in raw, "%r in the raw capture (%s)" % (s, what))


def _check_decrypted(cap, keys, mark, sender, rcpt, what):
    """With the key log: the SMTP commands and the marker in DATA."""
    fields = cap.read("-Y", "smtp.req", "-T", "fields", "-e", "smtp.req.command",
                      "-e", "smtp.req.parameter", keys=keys)
    cmds = [l.split("\t") for l in fields.splitlines() if l.strip()]
    verbs = [c[0].upper() for c in cmds]
    for verb in ("EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"):
        check(verb in verbs, "tshark with the key log shows no %s command (%s): %s"
              % (verb, what, verbs))
    params = " | ".join(c[1] for c in cmds if len(c) > 1)
    check("FROM:<%s>" % sender in params and "TO:<%s>" % rcpt in params,
          "MAIL FROM / RCPT TO not shown with the key log (%s): %s" % (what, params))
    verbose = cap.read("-V", keys=keys)
    check(re.search("^Simple Mail Transfer Protocol$", verbose, re.M),
          "tshark -V with the key log shows no SMTP layer (%s)" % what)
    check("MAIL FROM:<%s>" % sender in verbose, "no 'MAIL FROM:<%s>' in tshark -V with the "
          "key log (%s)" % (sender, what))
    check(mark in verbose, "the marker in DATA is not in tshark -V with the key log (%s)" % what)
    dump = cap.read("-x", keys=keys)
    check("Decrypted TLS" in dump and mark.encode() in _hexdump_bytes(dump),
          "tshark -x with the key log shows no decrypted marker (%s)" % what)


def _keylog_lines(path, ours=True):
    """The lines of key log PATH as (label, client random, secret); checks the
    NSS format (comment lines aside) and, for OURS (seal's), the file mode."""
    check(os.path.exists(path), "no key log written at %s" % path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    check(not ours or mode & 0o077 == 0, "key log mode %o: readable by others" % mode)
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    check(lines, "the key log is empty")
    out = []
    for l in lines:
        m = KEYLOG_LINE.match(l)
        check(m, "not an NSS key log line: %r" % l[:100])
        out.append(m.groups())
    return out


def _dialogue(mark, sender, rcpt):
    return "\n".join(["MAIL FROM:<%s>" % sender, "RCPT TO:<%s>" % rcpt, "DATA",
                      "From: <%s>" % sender, "To: <%s>" % rcpt, "Subject: keylog %s" % mark,
                      "", "the wire lesson: %s" % mark, ".", "QUIT", ""])


class _stopping:
    """`with _stopping(server):` for a server started already: stops it at the
    end, and fails on an unclean exit."""

    def __init__(self, server):
        self.server = server

    def __enter__(self):
        return self.server

    def __exit__(self, etype, *exc):
        code = self.server.stop()
        if etype is None:
            check(code == 0, "server exit status %s after SIGTERM: %s"
                  % (code, self.server.why()))


def _files_under(d):
    for root, _, names in os.walk(d):
        for n in names:
            yield os.path.join(root, n)


def _check_server_wrote_no_keys(server, env_keylog, secrets):
    """Nothing the server wrote holds a key log label or one of SECRETS (hex)."""
    check(not os.path.exists(env_keylog),
          "sealed wrote %s, the SSLKEYLOGFILE of its environment" % env_keylog)
    paths = list(_files_under(server.data_dir)) + list(_files_under(server.work))
    check(any(p == server.stderr_path for p in paths), "server stderr file missing")
    for p in paths:
        if not stat.S_ISREG(os.lstat(p).st_mode):
            continue
        with open(p, "rb") as f:
            data = f.read()
        for word in KEY_WORDS + tuple(secrets):
            check(word.encode() not in data, "the server's %s holds %r"
                  % (os.path.relpath(p, os.path.dirname(server.data_dir)), word[:40]))


@timeout(120)
def test_keylog_tls13_capture_decrypts_only_with_the_keylog():
    _needs_keylog()
    password = "kl-" + marker()
    users = {"alice": password, "bob": "bob-Secret-2"}
    mark = marker()
    blob = base64.b64encode(b"\0alice\0" + password.encode()).decode()
    d = tmpdir("keylog13")
    keys = os.path.join(d, "client.keys")
    server_keys = os.path.join(d, "server-env.keys")
    server = Server(users=users, name="keylog13")
    # The server's environment asks for a key log: it must not write one.
    # (Tests run one at a time: no other process starts meanwhile.)
    saved = os.environ.get("SSLKEYLOGFILE")
    os.environ["SSLKEYLOGFILE"] = server_keys
    try:
        server.start()
    finally:
        if saved is None:
            del os.environ["SSLKEYLOGFILE"]
        else:
            os.environ["SSLKEYLOGFILE"] = saved
    with _stopping(server):
        with Capture(server.port) as cap:
            r = seal(["--batch", "--keylog", keys, "--user", "alice", "--password-file",
                      password_file(password), "--cafile", server.certs.crt, server.url()],
                     input=_dialogue(mark, "alice@localhost", "bob@localhost"), timeout=60)
        out = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 0, "seal --batch --keylog: exit %d: %s / %s"
              % (r.returncode, tail(out), tail(r.stderr)))
        check(re.search(r"^S: 221 ", out, re.M), "the session did not end with QUIT: %s"
              % tail(out, 5))
        check(lib.find_messages(server, mark), "the message was not delivered")
    entries = _keylog_lines(keys)
    labels = {e[0] for e in entries}
    for label in TLS13_LABELS:
        check(label in labels, "no %s line in the TLS 1.3 key log: %s" % (label, sorted(labels)))
    check("CLIENT_RANDOM" not in labels, "a TLS 1.2 CLIENT_RANDOM line in a TLS 1.3 session")
    check(len({e[1] for e in entries}) == 1, "key log lines of one session with several "
          "client randoms")
    _check_sealed(cap, [mark, password, blob, "MAIL FROM", "RCPT TO", "ESMTP"], "TLS 1.3")
    _check_decrypted(cap, keys, mark, "alice@localhost", "bob@localhost", "TLS 1.3")
    _check_server_wrote_no_keys(server, server_keys, [e[2] for e in entries])


class Tls12Smtp:
    """A TLS 1.2-only SMTP responder for one session (Python's ssl, the test
    certificate), with its own key log. Accepts anything, stores nothing."""

    REPLIES = {"EHLO": "250-fake.example\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME",
               "HELO": "250 fake.example", "AUTH": "235 2.7.0 ok", "MAIL": "250 2.1.0 ok",
               "RCPT": "250 2.1.5 ok", "DATA": "354 go ahead", "QUIT": "221 2.0.0 bye"}

    def __init__(self, certs, keylog):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.load_cert_chain(certs.crt, certs.key)
        self.ctx.keylog_filename = keylog
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(lib.deadline(60))
        self.port = self.sock.getsockname()[1]
        self.lines, self.version, self.error = [], None, None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
            with self.ctx.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(lib.deadline(30))
                self.version = tls.version()
                self._dialogue(tls, tls.makefile("rb"))
        except (OSError, ssl.SSLError) as e:
            self.error = e
        finally:
            self.sock.close()

    def _dialogue(self, tls, rf):
        tls.sendall(b"220 fake.example ESMTP\r\n")
        data = False
        for raw in rf:
            line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            self.lines.append(line)
            if data:
                if line == ".":
                    data = False
                    tls.sendall(b"250 2.0.0 queued\r\n")
                continue
            verb = line.split(" ", 1)[0].upper()
            tls.sendall((self.REPLIES.get(verb, "500 5.5.2 what") + "\r\n").encode())
            data = verb == "DATA"
            if verb == "QUIT":
                return

    def join(self):
        self.thread.join(lib.deadline(30))
        check(not self.thread.is_alive(), "the TLS 1.2 responder did not finish")


@timeout(120)
def test_keylog_tls12_client_random_via_sslkeylogfile():
    _needs_keylog()
    certs = default_certs()
    d = tmpdir("keylog12")
    keys, server_keys = os.path.join(d, "client.keys"), os.path.join(d, "responder.keys")
    password, mark = "kl12-" + marker(), marker()
    blob = base64.b64encode(b"\0alice\0" + password.encode()).decode()
    fake = Tls12Smtp(certs, server_keys)
    with Capture(fake.port) as cap:
        r = run([lib.seal_bin(), "--batch", "--user", "alice", "--password-file",
                 password_file(password), "--cafile", certs.crt,
                 "smtps://localhost:%d" % fake.port],
                input=_dialogue(mark, "alice@localhost", "bob@localhost"),
                env={"SSLKEYLOGFILE": keys}, timeout=60)
        fake.join()
    out = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0, "seal --batch with SSLKEYLOGFILE: exit %d: %s / %s (responder: %s)"
          % (r.returncode, tail(out), tail(r.stderr), fake.error))
    check(fake.version == "TLSv1.2", "the responder negotiated %s, want TLSv1.2" % fake.version)
    check("alice@localhost" in " ".join(fake.lines) and any(mark in l for l in fake.lines),
          "the responder did not get the message: %s" % fake.lines[:6])
    entries = _keylog_lines(keys)
    check([e[0] for e in entries] == ["CLIENT_RANDOM"],
          "want one CLIENT_RANDOM line for a TLS 1.2 session, got %s" % [e[0] for e in entries])
    theirs = [l for l in _keylog_lines(server_keys, ours=False) if l[0] == "CLIENT_RANDOM"]
    check(theirs and theirs[0][1:] == entries[0][1:],
          "seal's CLIENT_RANDOM line differs from the server's own key log:\n  %s\n  %s"
          % (" ".join(entries[0]), " ".join(theirs[0]) if theirs else "(none)"))
    _check_sealed(cap, [mark, password, blob, "MAIL FROM", "RCPT TO"], "TLS 1.2")
    _check_decrypted(cap, keys, mark, "alice@localhost", "bob@localhost", "TLS 1.2")


class SClient:
    """openssl s_client -quiet as an SMTP client, one command at a time (as
    seal does), so that tshark sees each command in a record of its own."""

    def __init__(self, args):
        self.proc = popen(["openssl", "s_client", "-quiet", "-crlf"] + args,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
        self.buf, self.seen = b"", []

    def reply(self, timeout_s=20):
        """Reads one whole reply; its code."""
        end = time.monotonic() + lib.deadline(timeout_s)
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                line = line.rstrip(b"\r").decode("utf-8", "replace")
                self.seen.append(line)
                if re.match(r"^\d{3}( |$)", line):
                    return int(line[:3])
            left = end - time.monotonic()
            check(left > 0, "s_client: no whole reply within %ss: %s" % (timeout_s, self.seen[-3:]))
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                check(chunk, "s_client: the session ended; got %s" % self.seen[-3:])
                self.buf += chunk

    def send(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def cmd(self, line, want):
        self.send(line)
        code = self.reply()
        check(code == want, "s_client %r: want %d, got %s" % (line.split(" ")[0], want,
                                                              self.seen[-1:]))

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        stop_proc(self.proc, signal.SIGTERM, 10)


@timeout(120)
def test_keylog_tls12_sealed_session_decrypts_with_openssl_keylog():
    """sealed's TLS 1.2 (ECDHE + AEAD, extended master secret) decrypts in
    tshark from a client key log; the client is openssl s_client here, as
    seal cannot be held to TLS 1.2. Needs no secret callback in seal."""
    password = "kls-" + marker()
    mark = marker()
    blob = base64.b64encode(b"\0alice\0" + password.encode()).decode()
    keys = os.path.join(tmpdir("keylog12s"), "openssl.keys")
    with Server(users={"alice": password, "bob": "bob-Secret-2"}, name="keylog12s") as server:
        with Capture(server.port) as cap:
            c = SClient(["-connect", "127.0.0.1:%d" % server.port, "-tls1_2",
                         "-CAfile", server.certs.crt, "-keylogfile", keys])
            try:
                check(c.reply() == 220, "no greeting: %s" % c.seen)
                c.cmd("EHLO client.example", 250)
                c.cmd("AUTH PLAIN " + blob, 235)
                c.cmd("MAIL FROM:<alice@localhost>", 250)
                c.cmd("RCPT TO:<bob@localhost>", 250)
                c.cmd("DATA", 354)
                for line in _dialogue(mark, "alice@localhost", "bob@localhost").split("\n")[3:-3]:
                    c.send(line)
                c.cmd(".", 250)
                c.cmd("QUIT", 221)
            finally:
                c.close()
        check(lib.find_messages(server, mark), "the message was not delivered")
    entries = _keylog_lines(keys, ours=False)
    check("CLIENT_RANDOM" in [e[0] for e in entries], "openssl wrote no CLIENT_RANDOM line")
    _check_sealed(cap, [mark, password, blob, "MAIL FROM", "RCPT TO", "ESMTP"],
                  "TLS 1.2, sealed")
    _check_decrypted(cap, keys, mark, "alice@localhost", "bob@localhost", "TLS 1.2, sealed")
