"""harness.py: what the walkthrough (lab.py, rtsp_dialogue.py) and the
integration tests (tests/integration/lib.py) share (Python 3.11 stdlib only).

  - free_port(), port_open(), wait_port(): loopback ports
  - stop_proc(): stops a process by its pid (a signal, then SIGKILL)
  - b64(), plain_blob(), basic_auth(): the AUTH PLAIN blob (RFC 4616) and the
    RTSP Basic credentials
  - Sealed: one `sealed` process on free loopback ports with any of its three
    services on, started again on the same ports after a stop or a kill; how
    it is spawned, and what a failed start raises, are the caller's
  - Smtp, Pop3, Rtsp: raw clients over TLS that show exact replies (Rtsp
    keeps the interleaved frames that come between its responses);
    dot_stuff(): DATA transparency
  - Failure: what a client's expect()/ok() raises on an unexpected reply

Timeouts are in seconds times SLOW (a client's or a server's `slow`: the
sanitizer builds are slower). Nothing here talks to anything but 127.0.0.1.
"""

import base64
import re
import signal
import socket
import ssl
import struct
import subprocess
import time

SERVICES = ("smtp", "pop3", "rtsp")
READY_FALLBACK_S = 5        # a build without the ready line: its port after this


class Failure(AssertionError):
    """An unexpected reply (the integration tests' TestFailure)."""


class Closed(Exception):
    """The peer closed the connection."""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


# --- ports and processes ---------------------------------------------------

def free_port():
    """A loopback TCP port that was free a moment ago (bind port 0, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, timeout=1.0):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_port(port, timeout, proc=None):
    """Waits until 127.0.0.1:PORT accepts TCP; False if the deadline passes or
    PROC exits first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        if port_open(port):
            return True
        time.sleep(0.05)
    return False


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


# --- credentials -----------------------------------------------------------

def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def plain_blob(user, password):
    """The AUTH PLAIN initial response (RFC 4616) for USER and PASSWORD."""
    return b64(b"\0" + user.encode() + b"\0" + password.encode())


def basic_auth(user, password):
    """An RTSP Authorization value: 'Basic ' and base64 of USER:PASSWORD."""
    return "Basic " + b64("%s:%s" % (user, password))


def dot_stuff(data):
    """DATA transparency (RFC 5321 4.5.2): a line that starts with '.' gets
    another. DATA must end with CRLF.CRLF, which the caller sends."""
    return re.sub(rb"(^|\n)\.", rb"\1..", data)


def mask(line):
    """LINE with the secret of a PASS or AUTH command written ****."""
    return re.sub(r"^(PASS|AUTH \S+) .*", r"\1 ****", line, flags=re.I)


# --- the server --------------------------------------------------------------

class Sealed:
    """One sealed with SMTP (and POP3, RTSP on request) on free loopback
    ports. Ports are chosen once: start() after stop() (or after the process
    was killed) uses the same ports and data dir. NOFILE: a descriptor limit
    (prlimit, soft and hard); ENV: extra environment. Ready when its stderr
    says 'sealed ready' (no probe connection, so counters and the log hold
    only the caller's sessions); a build that never says so, once its SMTP
    port accepts.

    A subclass provides spawn(cmd, env) (a Popen whose stderr goes to
    self.stderr_path) and may change failed(code, why) (the exception a
    failed start raises)."""

    def __init__(self, sealed, cert, key, data_dir, stderr_path, args=(), pop3=False,
                 rtsp=False, env=None, nofile=None, slow=1.0):
        self.sealed = sealed
        self.cert, self.key = cert, key
        self.data_dir = data_dir
        self.stderr_path = stderr_path
        self.args = list(args)
        self.want = {"smtp": True, "pop3": pop3, "rtsp": rtsp}
        self.env = dict(env or {})
        self.nofile = nofile
        self.slow = slow
        self.ports = {}
        self._pick_ports()
        self.proc = None
        self.cmd = None
        self.exit_code = None
        self.stopped = False        # still running when stop() was called
        self.started = False        # started once: the ports are its own now

    def _pick_ports(self):
        self.ports = {svc: free_port() if on else 0 for svc, on in self.want.items()}

    @property
    def port(self):
        return self.ports["smtp"]

    @property
    def pop3_port(self):
        return self.ports["pop3"]

    @property
    def rtsp_port(self):
        return self.ports["rtsp"]

    def deadline(self, seconds):
        return seconds * self.slow

    def command(self):
        cmd = [self.sealed, "--smtp-port", str(self.ports["smtp"]),
               "--pop3-port", str(self.ports["pop3"]), "--rtsp-port", str(self.ports["rtsp"]),
               "--data-dir", self.data_dir, "--cert", self.cert, "--key", self.key] + self.args
        if self.nofile:
            cmd = ["prlimit", "--nofile=%d:%d" % (self.nofile, self.nofile), "--"] + cmd
        return cmd

    def spawn(self, cmd, env):
        raise NotImplementedError

    def failed(self, code, why):
        """What start() raises when the process exits with CODE (None: it
        never got ready) after printing WHY last."""
        return Failure("sealed did not start (exit %s): %s" % (code, why))

    def start(self, timeout=20):
        """Starts the process and waits until it is ready. A port taken by
        someone else between the probe and the bind: new ports (first start
        only). Raises failed(...) when it does not come up."""
        for attempt in range(4):
            self.cmd = self.command()
            self.exit_code, self.stopped = None, False
            before = len(self.stderr())
            self.proc = self.spawn(self.cmd, self.env)
            if self._wait_ready(before, self.deadline(timeout)):
                self.started = True
                return self
            code = self.proc.poll()
            self.stop()
            if not self.started and "in use" in self.stderr()[before:] and attempt < 3:
                self._pick_ports()
                continue
            raise self.failed(code, last_line(self.stderr()[before:]))
        return self

    def _wait_ready(self, offset, timeout):
        start = time.monotonic()
        while time.monotonic() < start + timeout:
            if self.proc.poll() is not None:
                return False
            if self.ready_line(offset) is not None:
                return True
            if time.monotonic() - start > READY_FALLBACK_S and port_open(self.port):
                return True
            time.sleep(0.02)
        return False

    def ready_line(self, offset=0):
        m = re.search(r"^.*\bsealed ready:.*$", self.stderr()[offset:], re.M)
        return m.group(0) if m else None

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """SIG by pid (SIGKILL after TIMEOUT); the exit status."""
        if self.proc is not None and self.exit_code is None:
            self.stopped = self.proc.poll() is None
            self.exit_code = stop_proc(self.proc, sig, self.deadline(timeout))
        return self.exit_code

    def signal(self, sig):
        self.proc.send_signal(sig)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr(self):
        return read_text(self.stderr_path)

    @property
    def log_path(self):
        return "%s/sealed.log" % self.data_dir

    def log(self):
        return read_text(self.log_path)


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else "(nothing on stderr)"


# --- raw clients ---------------------------------------------------------------

class _Conn:
    """A TLS connection to 127.0.0.1:PORT (SNI and name check: HOST) with a
    receive buffer. SOURCE: a loopback address to connect from; RCVBUF: a
    small receive buffer (a slow reader)."""

    def __init__(self, port, context, host="localhost", timeout=20, source=None,
                 rcvbuf=None, slow=1.0, addr="127.0.0.1"):
        self.port, self.host, self.slow = port, host, slow
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if rcvbuf:
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            if source:
                raw.bind((source, 0))
            raw.settimeout(timeout * slow)
            raw.connect((addr, port))
            self.sock = context.wrap_socket(raw, server_hostname=host)
        except BaseException:
            raw.close()
            raise
        self.buf = bytearray()

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
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def fill(self):
        try:
            chunk = self.sock.recv(65536)
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError) as e:
            raise Closed("connection closed: %s" % e)
        if not chunk:
            raise Closed("connection closed")
        self.buf += chunk

    def raw_line(self, eol=b"\r\n"):
        while eol not in self.buf:
            self.fill()
        at = self.buf.find(eol)
        line = bytes(self.buf[:at])
        del self.buf[:at + len(eol)]
        return line

    def closed(self, timeout=5):
        """True when the server closes the connection (EOF or reset) within TIMEOUT."""
        self.sock.settimeout(timeout * self.slow)
        try:
            while True:
                if not self.sock.recv(4096):
                    return True
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            return True
        except (socket.timeout, TimeoutError):
            return False


class Smtp(_Conn):
    """A raw SMTP client over TLS: whole replies, exact codes."""

    def __init__(self, port, context, greet=True, **kw):
        super().__init__(port, context, **kw)
        self.greeting = self.reply() if greet else None

    def reply(self):
        """One whole reply: (code, [text lines])."""
        lines = []
        while True:
            line = self.raw_line(b"\n").rstrip(b"\r").decode("utf-8", "replace")
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
        check(got == code, "%r: want %d, got %s" % (mask(line), code, " / ".join(lines)))
        return lines

    def login(self, user, password):
        self.expect("EHLO test.example", 250)
        return self.cmd("AUTH PLAIN " + plain_blob(user, password))

    def send_message(self, data, sender="alice@localhost", rcpt="bob@localhost"):
        """MAIL FROM, RCPT TO and DATA (each must be accepted), then DATA
        (bytes, dot-stuffed here) and its end: the (code, lines) of the reply
        to the end of DATA."""
        self.expect("MAIL FROM:<%s>" % sender, 250)
        self.expect("RCPT TO:<%s>" % rcpt, 250)
        self.expect("DATA", 354)
        self.send(dot_stuff(data) + b".\r\n")
        return self.reply()


class Pop3(_Conn):
    """A raw POP3 client over TLS: exact reply lines, nothing hidden."""

    def __init__(self, port, context, **kw):
        super().__init__(port, context, **kw)
        self.greeting = self.line()

    def line(self):
        return self.raw_line().decode("utf-8", "replace")

    def multi(self):
        """The lines of a multi-line reply up to '.', un-stuffed."""
        lines = []
        while True:
            line = self.raw_line()
            if line == b".":
                return lines
            lines.append(line[1:] if line.startswith(b".") else line)

    def cmd(self, line):
        self.send(line + "\r\n")
        return self.line()

    def ok(self, line):
        r = self.cmd(line)
        check(r.startswith("+OK"), "%r: want +OK, got %r" % (mask(line), r))
        return r

    def err(self, line):
        r = self.cmd(line)
        check(r.startswith("-ERR"), "%r: want -ERR, got %r" % (mask(line), r))
        return r

    def login(self, user, password):
        self.ok("USER " + user)
        return self.ok("PASS " + password)


class Rtsp(_Conn):
    """RTSP/1.0 over TLS by hand: exact codes; the interleaved frames that
    come before a response are kept in .frames as (arrival, channel, bytes)."""

    def __init__(self, port, context, **kw):
        super().__init__(port, context, **kw)
        self.cseq = 0
        self.auth = None
        self.session = None
        self.frames = []

    def login(self, user, password):
        self.auth = basic_auth(user, password)

    def shown(self, lines):
        """Called with the lines of each request as it is sent (a transcript)."""

    def received(self, head, headers):
        """Called with the lines of each response's head (the status line
        first) and its headers (lower-case names)."""

    def request(self, method, url, headers=(), body=b"", version="RTSP/1.0", cseq=True):
        self.cseq += 1
        lines = ["%s %s %s" % (method, url, version)]
        if cseq:
            lines.append("CSeq: %d" % self.cseq)
        if self.auth:
            lines.append("Authorization: " + self.auth)
        if self.session and not any(h.lower().startswith("session:") for h in headers):
            lines.append("Session: " + self.session)
        lines += list(headers)
        if body:
            lines.append("Content-Length: %d" % len(body))
        self.shown(lines)
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def message(self):
        """The next frame ('frame', channel, data, arrival) or response
        ('resp', code, headers, body, status line)."""
        while True:
            while self.buf[:1] in (b"\r", b"\n"):
                del self.buf[:1]
            if self.buf[:1] == b"$" and len(self.buf) >= 4:
                n = struct.unpack(">H", bytes(self.buf[2:4]))[0]
                if len(self.buf) >= 4 + n:
                    ch, data = self.buf[1], bytes(self.buf[4:4 + n])
                    del self.buf[:4 + n]
                    return ("frame", ch, data, time.monotonic())
            elif self.buf[:1] not in (b"", b"$"):
                end = self.buf.find(b"\r\n\r\n")
                if end >= 0:
                    head = self.buf[:end].decode("utf-8", "replace").split("\r\n")
                    headers = {}
                    for h in head[1:]:
                        k, _, v = h.partition(":")
                        headers[k.strip().lower()] = v.strip()
                    n = int(headers.get("content-length", "0"))
                    if len(self.buf) >= end + 4 + n:
                        body = bytes(self.buf[end + 4:end + 4 + n])
                        del self.buf[:end + 4 + n]
                        m = re.match(r"RTSP/\d\.\d (\d\d\d)", head[0])
                        check(m, "not an RTSP status line: %r" % head[0])
                        self.received(head, headers)
                        if "session" in headers:
                            self.session = headers["session"].split(";")[0]
                        return ("resp", int(m.group(1)), headers, body, head[0])
            self.fill()

    def next(self):
        """message(), with a frame also kept in .frames."""
        m = self.message()
        if m[0] == "frame":
            self.frames.append((m[3], m[1], m[2]))
        return m

    def response(self):
        """The next response (code, headers, body, status line); the frames
        before it are kept."""
        while True:
            m = self.next()
            if m[0] == "resp":
                return m[1:]

    def cmd(self, method, url, **kw):
        self.request(method, url, **kw)
        return self.response()

    def expect(self, method, code, url, **kw):
        got, headers, body, status = self.cmd(method, url, **kw)
        check(got == code, "%s: want %d, got %r" % (method, code, status))
        return headers, body


def rtp_packets(frames, channel=0):
    """(arrival, seq, timestamp, marker bit, payload) of the RTP packets on
    CHANNEL among FRAMES ((arrival, channel, bytes) as Rtsp keeps them)."""
    out = []
    for t, ch, data in frames:
        if ch != channel or len(data) < 12:
            continue
        b0, b1, seq, ts = struct.unpack(">BBHI", data[:8])
        check(b0 >> 6 == 2, "RTP version %d" % (b0 >> 6))
        out.append((t, seq, ts, b1 >> 7, data[12 + 4 * (b0 & 0x0f):]))
    return out


def has_bye(frames, channel=1):
    """True when an RTCP BYE (packet type 203) is among FRAMES on CHANNEL."""
    for _, ch, data in frames:
        off = 0
        while ch == channel and off + 4 <= len(data):
            if data[off + 1] == 203:
                return True
            off += (struct.unpack(">H", data[off + 2:off + 4])[0] + 1) * 4
    return False


def be_to_le(payload):
    """L16 samples (big-endian, RTP) as WAV wants them (little-endian)."""
    a = bytearray(payload)
    a[0::2], a[1::2] = payload[1::2], payload[0::2]
    return bytes(a)
