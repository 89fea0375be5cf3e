"""lib.py: helpers for the integration tests (Python 3.11 stdlib only).

What a test gets from here:
  - free_port(), tmpdir(): loopback ports and scratch folders (removed at exit)
  - make_certs(), make_bad_cert(): certificates made with certs/mkcerts.sh and
    the openssl tool
  - Server: one `sealed` subprocess on free ports with its own data dir; always
    stopped by pid (SIGTERM, then SIGKILL); its stderr kept in a file that the
    runner scans for sanitizer reports
  - shared(): one server that tests which need no fresh one share
  - run(), seal(), useradd(): subprocesses with a deadline, killed if they hang
  - Smtp: a raw TLS SMTP client that reads whole replies, for exact reply codes
  - message(), find_messages(), check_stored(): messages with a unique marker,
    and the check that one arrived byte for byte after the added headers

Every process started here is recorded in PROCS so the runner can kill what a
timed-out test left behind. Nothing here talks to anything but 127.0.0.1.
"""

import base64
import hashlib
import os
import re
import shutil
import signal
import socket
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
from certs import CA_CNF  # noqa: E402  (the openssl ca config, shared with the walkthrough)

BIN = None              # set by run.py: the folder with sealed and seal
SLOW = 1.0              # deadline multiplier (ASan builds are slower)
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
                   "WARNING: ThreadSanitizer")

_lock = threading.RLock()
PROCS = []              # every Popen started, for cleanup by pid
SERVERS = []            # every Server started, for sanitizer scans
_run_dir = None
_shared = None


class TestFailure(AssertionError):
    pass


def timeout(seconds):
    """Decorator: a test's own deadline in seconds (before the SLOW factor);
    the runner's default is 60."""
    def wrap(fn):
        fn.timeout = seconds
        return fn
    return wrap


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


def free_port():
    """A loopback TCP port that was free a moment ago (bind port 0, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout, proc=None):
    """Waits until 127.0.0.1:PORT accepts TCP; False if the deadline passes or
    PROC exits first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


# --- processes -------------------------------------------------------------

def _register(p):
    with _lock:
        PROCS.append(p)
    return p


def stop_proc(p, sig=signal.SIGTERM, timeout=10.0):
    """Stops P by its pid: SIG, then SIGKILL after TIMEOUT. Its exit status."""
    if p.poll() is None:
        try:
            p.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                p.kill()
            except ProcessLookupError:
                pass
            p.wait()
    return p.returncode


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
    (or accept: kind 'good'). KIND: expired, notyet, wrongname, untrusted, good.
    Dates that openssl req cannot set come from `openssl ca -selfsign` with
    -startdate/-enddate. Returns Certs (crt, key)."""
    d = d or tmpdir("bad-" + kind)
    c = Certs(d)
    cn = "other.example" if kind == "wrongname" else "localhost"
    san = "DNS:other.example" if kind == "wrongname" else "DNS:localhost, IP:127.0.0.1"
    now = time.time()
    fmt = lambda t: time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))
    if kind == "expired":
        start, end = fmt(now - 30 * 86400), fmt(now - 1 * 86400)
    elif kind == "notyet":
        start, end = fmt(now + 10 * 86400), fmt(now + 40 * 86400)
    else:
        start, end = fmt(now - 3600), fmt(now + 30 * 86400)
    for sub in ("newcerts",):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("%s\n" % uuid.uuid4().hex[:16].upper())
    cnf = os.path.join(d, "ca.cnf")
    with open(cnf, "w") as f:
        f.write(CA_CNF.format(d=d, cn=cn, san=san))
    old = os.umask(0o077)
    try:
        openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-out", c.key])
    finally:
        os.umask(old)
    csr = os.path.join(d, "req.csr")
    openssl(["req", "-new", "-key", c.key, "-out", csr, "-config", cnf])
    openssl(["ca", "-batch", "-selfsign", "-config", cnf, "-keyfile", c.key,
             "-in", csr, "-out", c.crt, "-startdate", start, "-enddate", end,
             "-extensions", "ext", "-notext"])
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


class Server:
    """One sealed process. Use as `with Server(...) as s:` or start()/stop()."""

    def __init__(self, certs=None, users=None, args=(), data_dir=None, name="sealed"):
        self.certs = certs or default_certs()
        self.users = dict(DEFAULT_USERS if users is None else users)
        self.args = list(args)
        self.data_dir = data_dir or tmpdir("data")
        self.work = tmpdir(name)
        self.stderr_path = os.path.join(self.work, "stderr")
        self.stdout_path = os.path.join(self.work, "stdout")
        self.port = None
        self.proc = None
        self.scanned = 0        # bytes of stderr already scanned for reports
        self.exit_code = None
        self.dead_seen = False  # the runner reported its death already

    # paths
    @property
    def log_path(self):
        return os.path.join(self.data_dir, "sealed.log")

    def new_dir(self, user):
        return os.path.join(self.data_dir, "mail", user, "new")

    def start(self, timeout=20):
        for name, pw in self.users.items():
            r = useradd(self.data_dir, name, pw)
            check(r.returncode == 0, "useradd %s failed (exit %d): %s"
                  % (name, r.returncode, tail(r.stderr)))
        for attempt in range(3):
            self.port = free_port()
            cmd = [sealed(), "--smtp-port", str(self.port), "--pop3-port", "0",
                   "--rtsp-port", "0", "--data-dir", self.data_dir,
                   "--cert", self.certs.crt, "--key", self.certs.key] + self.args
            self.cmd = cmd
            with open(self.stderr_path, "ab") as err, open(self.stdout_path, "ab") as out:
                self.proc = popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                  cwd=self.work)
            with _lock:
                if self not in SERVERS:
                    SERVERS.append(self)
            if wait_port(self.port, deadline(timeout), self.proc):
                break
            code = self.proc.poll()
            self.stop()
            # Someone else took the free port between our probe and its bind: retry.
            if code is not None and "in use" in self.stderr()[self.scanned:] and attempt < 2:
                continue
            raise TestFailure("server did not start listening (exit %s): %s"
                              % (code, tail(self.stderr())))
        return self

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stops the server by pid; returns its exit status."""
        if self.proc is not None:
            self.exit_code = stop_proc(self.proc, sig, deadline(timeout))
        return self.exit_code

    def signal(self, sig):
        self.proc.send_signal(sig)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def sanitizer_report(self):
        """The first new line of a sanitizer report in stderr since the last
        call, or None."""
        text = self.stderr()
        new, self.scanned = text[self.scanned:], len(text)
        for line in new.splitlines():
            if any(m in line for m in SANITIZER_MARKS):
                return line.strip()
        return None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def messages(self, user="bob"):
        d = self.new_dir(user)
        try:
            names = sorted(os.listdir(d))
        except FileNotFoundError:
            return []
        return [os.path.join(d, n) for n in names]

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


class Closed(Exception):
    pass


class Smtp:
    """A raw SMTP client over TLS: exact replies, no smtplib niceties."""

    def __init__(self, port, cafile=None, host="localhost", timeout=20, cert=None,
                 key=None, greet=True, source=None):
        """SOURCE: a loopback address to connect from (127.0.0.2 ...), so that
        per-address failure counters of one test do not slow the others."""
        self.ctx = client_context(cafile, cert, key)
        raw = socket.create_connection((host, port), timeout=deadline(timeout),
                                       source_address=(source, 0) if source else None)
        try:
            self.sock = self.ctx.wrap_socket(raw, server_hostname=host)
        except BaseException:
            raw.close()
            raise
        self.buf = b""
        self.greeting = self.reply() if greet else None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _line(self):
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except (ssl.SSLError, ConnectionResetError, BrokenPipeError) as e:
                raise Closed("connection closed: %s" % e)
            if not chunk:
                raise Closed("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        """One whole reply: (code, [text lines])."""
        lines = []
        while True:
            line = self._line()
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                break
        code = int(lines[-1][:3]) if lines[-1][:3].isdigit() else -1
        return code, lines

    def cmd(self, line):
        self.send(line + "\r\n")
        return self.reply()

    def expect(self, line, code):
        got, lines = self.cmd(line)
        check(got == code, "%r: want %d, got %s" % (_mask(line), code, " / ".join(lines)))
        return lines

    def login(self, user, password):
        self.expect("EHLO test.example", 250)
        blob = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
        return self.cmd("AUTH PLAIN " + blob)

    def closed(self, timeout=5):
        """True when the server closes the connection (EOF or reset) within TIMEOUT."""
        self.sock.settimeout(deadline(timeout))
        try:
            while True:
                chunk = self.sock.recv(4096)
                if not chunk:
                    return True
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError, ssl.SSLEOFError):
            return True
        except (socket.timeout, TimeoutError):
            return False


def _mask(line):
    return re.sub(r"^(AUTH \S+) \S+", r"\1 ****", line)


def plain_blob(user, password):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()


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


def dot_stuff(data):
    """DATA transparency (RFC 5321 4.5.2): a line that starts with '.' gets
    another. DATA must end with CRLF.CRLF, which the caller sends."""
    out = re.sub(rb"(^|\n)\.", rb"\1..", data)
    return out


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
