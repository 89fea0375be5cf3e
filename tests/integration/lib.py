"""lib.py: helpers for the integration tests (Python 3.11 stdlib only).

What a test gets from here:
  - free_port(), tmpdir(): loopback ports and scratch folders (removed at exit)
  - make_certs(), make_bad_cert(), make_self_signed(): certificates made with
    certs/mkcerts.sh and the openssl tool
  - Server: one `sealed` subprocess with SMTP (POP3, RTSP on request) on free
    ports and its own data dir, restartable on the same ports; always stopped
    by pid (SIGTERM, then SIGKILL); its stderr kept in a file that the runner
    scans for sanitizer reports. RtspServer: with RTSP and test WAVs (media.py)
  - shared(): one server that tests which need no fresh one share
  - run(), seal(), useradd(), seal_load(): subprocesses with a deadline,
    killed if they hang
  - Smtp, Pop3, Rtsp: raw TLS clients (tools/walkthrough/harness.py, shared
    with the walkthrough) that show exact replies; send_mail(): smtplib
  - message(), find_messages(), check_stored(): messages with a unique marker,
    and the check that one arrived byte for byte after the added headers
  - Skip: raised by a test that cannot run here (the runner counts it skipped,
    with the reason); library: marks a test whose outcome can depend on the
    wolfSSL build (the stage against Debian's wolfSSL runs only those)

Every process started here is recorded in PROCS so the runner can kill what a
timed-out test left behind. Nothing here talks to anything but 127.0.0.1.
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import signal
import smtplib
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKCERTS = os.path.join(ROOT, "certs", "mkcerts.sh")

sys.path.insert(0, os.path.join(ROOT, "tools", "walkthrough"))
import harness  # noqa: E402  (ports, processes, clients: shared with the walkthrough)
import certs  # noqa: E402  (certificates made with openssl: shared with the walkthrough)
import media  # noqa: E402

# What the tests take from lib but harness defines.
Closed, b64, basic_auth, plain_blob = harness.Closed, harness.b64, harness.basic_auth, \
    harness.plain_blob
free_port, wait_port, stop_proc = harness.free_port, harness.wait_port, harness.stop_proc
rtp_packets, has_bye, be_to_le = harness.rtp_packets, harness.has_bye, harness.be_to_le
dot_stuff = harness.dot_stuff

BIN = None              # set by run.py: the folder with sealed and seal
SLOW = 1.0              # deadline multiplier (ASan builds are slower)
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
                   "WARNING: ThreadSanitizer")

_lock = threading.RLock()
PROCS = []              # every Popen started, for cleanup by pid
SERVERS = []            # every Server started, for sanitizer scans
_run_dir = None
_shared = None


TestFailure = harness.Failure     # a failed check: the runner prints its message


class Skip(Exception):
    """Raised by a test that cannot run here: the runner prints
    `skip - NAME: WHY` and counts it skipped, neither passed nor failed."""


def realtime(what):
    """For a test that judges real-time behaviour (a sound device's clock
    against the server's pace): raises Skip under a sanitizer build, whose
    threads run several times slower and whose timing proves nothing there;
    the same test runs against the uninstrumented build."""
    if SLOW > 1:
        raise Skip("%s: real-time timing, judged on the uninstrumented build" % what)


def timeout(seconds):
    """Decorator: a test's own deadline in seconds (before the SLOW factor);
    the runner's default is 60."""
    def wrap(fn):
        fn.timeout = seconds
        return fn
    return wrap


def library(fn):
    """Decorator: FN's outcome can depend on the wolfSSL build sealed and seal
    are linked with (handshakes, certificate checks, the key log): `run.py
    --library` runs only such tests (a module says LIBRARY = True for all of
    its tests). The stage against Debian's wolfSSL runs those."""
    fn.library = True
    return fn


def check(cond, msg):
    """Fails the running test with MSG unless COND."""
    if not cond:
        raise TestFailure(msg)


def configure(bin_dir):
    global BIN, SLOW
    BIN = os.path.abspath(bin_dir)
    if os.environ.get("ASAN_OPTIONS") or os.environ.get("UBSAN_OPTIONS") \
            or "san" in os.path.basename(os.path.dirname(BIN)):
        SLOW = 3.0


def deadline(seconds):
    return seconds * SLOW


def sealed():
    return os.path.join(BIN, "sealed")


def seal_bin():
    return os.path.join(BIN, "seal")


def load_bin():
    return os.path.join(BIN, "seal-load")


# --- scratch space and ports ---------------------------------------------

def run_dir():
    global _run_dir
    with _lock:
        if _run_dir is None:
            _run_dir = tempfile.mkdtemp(prefix="sealed-it.")
    return _run_dir


def tmpdir(prefix="t"):
    return tempfile.mkdtemp(prefix=prefix + ".", dir=run_dir())


def cleanup_run_dir():
    global _run_dir
    if _run_dir and not os.environ.get("SEALED_KEEP_TMP"):
        shutil.rmtree(_run_dir, ignore_errors=True)
    _run_dir = None


# --- processes -------------------------------------------------------------

def _register(p):
    with _lock:
        PROCS.append(p)
    return p


def kill_all():
    """Kills every process still running that this module started."""
    with _lock:
        procs = list(PROCS)
    for p in procs:
        if p.poll() is None:
            stop_proc(p, signal.SIGKILL, 5)


def popen(args, **kw):
    return _register(subprocess.Popen(args, **kw))


def run(args, input=None, timeout=30, env=None, cwd=None):
    """Runs ARGS to completion (killed after TIMEOUT*SLOW); a CompletedProcess
    with bytes stdout/stderr. A hang is a test failure, not a harness hang."""
    if isinstance(input, str):
        input = input.encode()
    e = dict(os.environ)
    if env:
        e.update(env)
    p = popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE, env=e, cwd=cwd or ROOT)
    try:
        out, err = p.communicate(input, timeout=deadline(timeout))
    except subprocess.TimeoutExpired:
        stop_proc(p, signal.SIGKILL, 5)
        out, err = p.communicate()
        raise TestFailure("%s timed out after %ss; stderr: %s"
                          % (" ".join(args[:3]), deadline(timeout), tail(err)))
    return subprocess.CompletedProcess(args, p.returncode, out, err)


def tail(data, n=3):
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    lines = [l for l in data.strip().splitlines() if l.strip()]
    return " | ".join(lines[-n:]) if lines else "(empty)"


# --- certificates ----------------------------------------------------------

class Certs:
    def __init__(self, d):
        self.dir = d
        self.crt = os.path.join(d, "server.crt")
        self.key = os.path.join(d, "server.key")
        self.client_crt = os.path.join(d, "client.crt")
        self.client_key = os.path.join(d, "client.key")


def make_certs(cn="localhost", key="ec", days=365, d=None):
    """A fresh server and client pair via certs/mkcerts.sh in a temp dir."""
    d = d or tmpdir("certs")
    r = run(["sh", MKCERTS, cn, key, str(days)], env={"CERTS_DIR": d}, timeout=60)
    check(r.returncode == 0, "mkcerts.sh failed: %s" % tail(r.stderr))
    return Certs(d)


_default_certs = None


def default_certs():
    global _default_certs
    with _lock:
        if _default_certs is None:
            _default_certs = make_certs()
    return _default_certs


def openssl(args, timeout=30, input=None):
    r = run(["openssl"] + args, input=input, timeout=timeout)
    check(r.returncode == 0, "openssl %s failed: %s" % (args[0], tail(r.stderr)))
    return r


def make_bad_cert(kind, d=None):
    """A self-signed EC P-256 server certificate that a client must refuse
    (or accept: kind 'good'). KIND: expired, notyet, wrongname, untrusted, good
    (certs.bad_kind, shared with the walkthrough). Returns Certs (crt, key)."""
    return make_self_signed(*certs.bad_kind(kind), d=d or tmpdir("bad-" + kind))


def make_self_signed(cn, san, start, end, d=None):
    """A self-signed EC P-256 server certificate for CN and SAN (openssl's
    subjectAltName syntax) valid from START to END (seconds since the epoch),
    made with `openssl ca -selfsign` (certs.selfsign). Returns Certs."""
    c = Certs(d or tmpdir("cert"))
    certs.selfsign(openssl, c.dir, cn, san, start, end, c.crt, c.key)
    return c


def fingerprint_pem(path):
    """SHA-256 fingerprint as openssl prints it: 'AB:CD:...'."""
    r = openssl(["x509", "-in", path, "-noout", "-fingerprint", "-sha256"])
    return r.stdout.decode().strip().split("=", 1)[1].upper()


def fingerprint_der(der):
    h = hashlib.sha256(der).hexdigest().upper()
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))


# --- the server ------------------------------------------------------------

DEFAULT_USERS = {"alice": "alice-Secret-1", "bob": "bob-Secret-2"}


def useradd(data_dir, name, password, before=True):
    """`sealed --data-dir D useradd NAME` with the password on stdin."""
    if before:
        args = [sealed(), "--data-dir", data_dir, "useradd", name]
    else:
        args = [sealed(), "useradd", name, "--data-dir", data_dir]
    return run(args, input=password + "\n", timeout=30)


class Server(harness.Sealed):
    """One sealed with SMTP and, on request, POP3 and RTSP on free ports (see
    harness.Sealed: restartable on the same ports and data dir, NOFILE, ENV).
    Users are added (in parallel) before the first start. Use as
    `with Server(...) as s:` (exit status 0 after SIGTERM required) or
    start()/stop()."""

    def __init__(self, certs=None, users=None, args=(), data_dir=None, name="sealed",
                 pop3=False, rtsp=False, env=None, nofile=None):
        self.certs = certs or default_certs()
        self.users = dict(DEFAULT_USERS if users is None else users)
        self.work = tmpdir(name)
        self.stdout_path = os.path.join(self.work, "stdout")
        super().__init__(sealed(), self.certs.crt, self.certs.key, data_dir or tmpdir("data"),
                         os.path.join(self.work, "stderr"), args, pop3=pop3, rtsp=rtsp,
                         env=env, nofile=nofile, slow=SLOW)
        self.users_added = False
        self.scanned = 0        # bytes of stderr already scanned for reports
        self.dead_seen = False  # the runner reported its death already

    def new_dir(self, user):
        return os.path.join(self.data_dir, "mail", user, "new")

    def _add_users(self):
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            done = list(ex.map(lambda nu: (nu[0], useradd(self.data_dir, nu[0], nu[1])),
                               self.users.items()))
        for name, r in done:
            check(r.returncode == 0, "useradd %s failed (exit %d): %s"
                  % (name, r.returncode, tail(r.stderr)))
        self.users_added = True

    def spawn(self, cmd, env):
        e = dict(os.environ)
        e.update(env)
        with open(self.stderr_path, "ab") as err, open(self.stdout_path, "ab") as out:
            p = popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=self.work,
                      env=e)
        with _lock:
            if self not in SERVERS:
                SERVERS.append(self)
        return p

    def failed(self, code, why):
        return TestFailure("server did not start (exit %s): %s" % (code, why))

    def start(self, timeout=20):
        if not self.users_added:
            self._add_users()
        return super().start(timeout)

    def sanitizer_report(self):
        """The first new line of a sanitizer report in stderr since the last
        call, or None."""
        text = self.stderr()
        new, self.scanned = text[self.scanned:], len(text)
        for line in new.splitlines():
            if any(m in line for m in SANITIZER_MARKS):
                return line.strip()
        return None

    def messages(self, user="bob"):
        d = self.new_dir(user)
        try:
            names = sorted(os.listdir(d))
        except FileNotFoundError:
            return []
        return [os.path.join(d, n) for n in names]

    def files(self, user="bob"):
        """Every message file of USER: new/ and cur/, as 'sub/name'."""
        out = []
        for sub in ("new", "cur"):
            d = os.path.join(self.data_dir, "mail", user, sub)
            if os.path.isdir(d):
                out += ["%s/%s" % (sub, n) for n in sorted(os.listdir(d))]
        return out

    def files_with(self, mark, user="bob"):
        found = []
        for f in self.files(user):
            with open(os.path.join(self.data_dir, "mail", user, f), "rb") as fh:
                if mark.encode() in fh.read():
                    found.append(f)
        return found

    def put(self, user, name, data):
        """Writes a message file straight into USER's new/ (as a delivery would)."""
        base = os.path.join(self.data_dir, "mail", user)
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(base, sub), mode=0o700, exist_ok=True)
        with open(os.path.join(base, "tmp", name), "wb") as f:
            f.write(data)
        os.rename(os.path.join(base, "tmp", name), os.path.join(base, "new", name))

    def rss_kb(self, field="VmRSS"):
        """FIELD (VmRSS, VmHWM: the peak) of the server process in kB."""
        return rss_kb(self.proc.pid, field)

    def url(self, host="localhost"):
        return "smtps://%s:%d" % (host, self.port)

    def __enter__(self):
        return self.start()

    def __exit__(self, etype, *exc):
        code = self.stop()
        if etype is None and code != 0:
            raise TestFailure("server exit status %s after SIGTERM, want 0: %s"
                              % (code, self.why()))

    def why(self):
        """The stderr line that best explains a failure: a sanitizer report's
        SUMMARY or first line, else the last lines."""
        text = self.stderr()
        for pat in ("SUMMARY: ", "ERROR: AddressSanitizer", "LeakSanitizer", "runtime error:"):
            for line in text.splitlines():
                if pat in line:
                    return line.strip()
        return tail(text)


RTSP_USERS = {"alice": "alice-Secret-1", "bob": "bob-Secret-2", "carol": "carol-Secret-3",
              "dave": "dave-Secret-4"}


class RtspServer(Server):
    """sealed with its RTSP port on (and SMTP), users RTSP_USERS, and a media
    folder of test WAVs (media.make_media: SECONDS of STEREO)."""

    def __init__(self, name="rtsp", seconds=1.0, args=(), **kw):
        kw.setdefault("users", RTSP_USERS)
        super().__init__(name=name, args=args, rtsp=True, **kw)
        self.media = media.make_media(self.data_dir, seconds)

    def url(self, name=media.STEREO, host="localhost", user=None):
        auth = "%s:%s@" % (user, self.users[user]) if user else ""
        return "rtsps://%s%s:%d/%s" % (auth, host, self.rtsp_port, name)


def rss_kb(pid, field="VmRSS"):
    """FIELD (VmRSS, VmHWM: the peak) of process PID in kB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise TestFailure("no %s in /proc/%d/status" % (field, pid))


def shared():
    """The server that tests needing no fresh one share (default flags,
    users alice and bob). Started on first use, stopped by the runner."""
    global _shared
    with _lock:
        s = _shared
    if s is not None and s.alive():
        return s
    s = Server(name="shared").start()
    with _lock:
        _shared = s
    return s


def shared_server_or_none():
    return _shared


# --- clients ---------------------------------------------------------------

def client_context(cafile=None, cert=None, key=None):
    ctx = ssl.create_default_context(cafile=cafile or default_certs().crt)
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def password_file(password):
    p = os.path.join(tmpdir("pw"), "password")
    with open(p, "w") as f:
        f.write(password + "\n")
    os.chmod(p, 0o600)
    return p


def seal(args, input=None, timeout=30):
    check(os.access(seal_bin(), os.X_OK), "%s is missing" % seal_bin())
    return run([seal_bin()] + list(args), input=input, timeout=timeout)


def seal_load(args, timeout_s=60):
    """Runs seal-load ARGS; returns (CompletedProcess, parsed --json or None)."""
    r = run([load_bin()] + list(args), timeout=timeout_s)
    out = r.stdout.decode("utf-8", "replace").strip()
    try:
        summary = json.loads(out) if out.startswith("{") else None
    except ValueError:
        summary = None
    return r, summary


def why(r):
    """A finished process in one line: its exit status, then the last lines
    of its stdout and stderr."""
    return "exit %s; stdout: %s; stderr: %s" % (r.returncode, tail(r.stdout, 2), tail(r.stderr))


class Smtp(harness.Smtp):
    """A raw SMTP client over TLS: exact replies, no smtplib niceties.
    SOURCE: a loopback address to connect from (127.0.0.2 ...), so that
    per-address failure counters of one test do not slow the others."""

    def __init__(self, port, cafile=None, host="localhost", timeout=20, cert=None,
                 key=None, greet=True, source=None):
        super().__init__(port, client_context(cafile, cert, key), greet=greet, host=host,
                         timeout=timeout, source=source, slow=SLOW)


class Pop3(harness.Pop3):
    """A raw POP3 client over TLS (exact lines), trusting the test certificate."""

    def __init__(self, port, source=None, timeout=20, rcvbuf=None):
        super().__init__(port, client_context(), timeout=timeout, source=source,
                         rcvbuf=rcvbuf, slow=SLOW)


class Rtsp(harness.Rtsp):
    """RTSP over TLS by hand (exact codes, interleaved frames kept) to
    RtspServer's port: login(USER) with RTSP_USERS' password, url(NAME)."""

    def __init__(self, port, timeout=20, rcvbuf=None):
        super().__init__(port, client_context(), timeout=timeout, rcvbuf=rcvbuf, slow=SLOW)

    def url(self, name=media.STEREO):
        return "rtsps://localhost:%d/%s" % (self.port, name)

    def login(self, user, password=None):
        super().login(user, RTSP_USERS[user] if password is None else password)

    def cmd(self, method, url=None, **kw):
        return super().cmd(method, url or self.url(), **kw)

    def expect(self, method, code, url=None, **kw):
        return super().expect(method, code, url or self.url(), **kw)

    def setup(self, name=media.STEREO):
        h, _ = self.expect("SETUP", 200, url=self.url(name) + "/trackID=0",
                           headers=["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"])
        return h

    def read_until_bye(self, seconds):
        """Reads (keeping the frames) until the RTCP BYE; fails after SECONDS."""
        end = time.monotonic() + deadline(seconds)
        while not has_bye(self.frames):
            check(time.monotonic() < end, "no RTCP BYE within %ss" % deadline(seconds))
            self.next()


def send_mail(port, messages, sender="alice", password=None, source=None, timeout=30):
    """Delivers [(RCPT, bytes)] through SMTP (smtplib) in one session as
    SENDER (RCPT: a user at localhost, or an address); every recipient must
    be accepted (smtplib raises on any other reply). True."""
    password = DEFAULT_USERS[sender] if password is None else password
    with smtplib.SMTP_SSL("localhost", port, context=client_context(),
                          timeout=deadline(timeout),
                          source_address=(source, 0) if source else None) as c:
        c.login(sender, password)
        for rcpt, data in messages:
            to = rcpt if "@" in rcpt else rcpt + "@localhost"
            refused = c.sendmail(sender + "@localhost", [to], data)
            check(refused == {}, "refused: %r" % refused)
    return True


# --- the log -----------------------------------------------------------------

LOG_TS = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\]"
# [ts] SERVERADDR:PORT CLIENTADDR:PORT smtp USER DIR TEXT
LOG_EXCHANGE = re.compile(LOG_TS + r" (\S+) (\S+):(\d+) smtp (\S+) (C:|S:|\*) ?(.*)$")
LOG_OTHER = re.compile(LOG_TS + r" (info|warning|error|notice|debug):")


def malformed_log_lines(text):
    return [l for l in text.splitlines()
            if not (LOG_EXCHANGE.match(l) or LOG_OTHER.match(l))]


# --- messages ----------------------------------------------------------------

def marker():
    return "mk-" + uuid.uuid4().hex


def message(mark, sender="alice@localhost", rcpt="bob@localhost", body_lines=None,
            eol="\r\n"):
    """A message with its own Message-ID and Date (so the server adds only a
    Received: header), a leading-dot line, 8-bit text and trailing spaces."""
    lines = [
        "From: Alice <%s>" % sender,
        "To: Bob <%s>" % rcpt,
        "Subject: test %s" % mark,
        "Message-ID: <%s@test.example>" % mark,
        "Date: Sun, 22 Nov 2026 10:00:00 +0000",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "marker %s" % mark,
        ".a line that starts with a dot",
        "..two dots",
        "trailing spaces   ",
        "\u00e9t\u00e9 \u2713 8-bit",
        "",
    ]
    if body_lines:
        lines[-1:-1] = body_lines
    lines.append("last line")
    return (eol.join(lines) + eol).encode("utf-8")


def find_messages(server, mark, user="bob"):
    """Files in USER's new/ that contain MARK."""
    out = []
    for p in server.messages(user):
        try:
            with open(p, "rb") as f:
                if mark.encode() in f.read():
                    out.append(p)
        except FileNotFoundError:
            pass
    return out


def check_stored(path, original):
    """The stored file is some added header lines (Received: first) followed by
    ORIGINAL byte for byte (or with CRLF stored as LF, the Maildir habit)."""
    with open(path, "rb") as f:
        stored = f.read()
    for orig in (original, original.replace(b"\r\n", b"\n")):
        if stored.endswith(orig):
            added = stored[:len(stored) - len(orig)]
            break
    else:
        raise TestFailure("%s does not end with the message as sent (%d bytes stored, "
                          "%d sent); first difference near: %r"
                          % (os.path.basename(path), len(stored), len(original),
                             _first_diff(stored, original)))
    text = added.decode("utf-8", "replace")
    check(re.search(r"(^|\n)Received:", text),
          "no Received: header added at the top: %r" % text[:80])
    for line in text.replace("\r\n", "\n").split("\n"):
        if line == "":
            continue
        check(re.match(r"^([A-Za-z-]+:|[ \t])", line),
              "added text is not header lines: %r" % line[:80])
    return stored, text


def _first_diff(stored, original):
    body = stored[stored.find(b"\nFrom: ") + 1:] if b"\nFrom: " in stored else stored
    for i, (a, b) in enumerate(zip(body, original)):
        if a != b:
            return body[max(0, i - 20):i + 20]
    return body[-40:]
