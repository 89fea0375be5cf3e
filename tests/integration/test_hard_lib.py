"""Helpers of the test_hard_*.py files (issue 8: crash safety, exhaustion, the
TLS scan, least privilege). It holds no test: the runner imports it and finds
none.

  - HardServer: a sealed with any of its three services on, restartable on
    the same ports and data dir (for SIGKILL tests), optionally started with
    a descriptor limit (prlimit) or as root with --user
  - heavy(): whether the heaviest tests run in this stage (only the first,
    non-sanitizer stage of `make test`)
  - raise_nofile(): more descriptors for this test process
  - Pop3: a raw POP3 client; rss_kb(), status(): the server's memory and
    counters; smtp_send(): one delivery with smtplib, the 250 recorded
"""

import base64
import concurrent.futures
import os
import resource
import smtplib
import socket
import ssl
import subprocess
import time

import lib
from lib import TestFailure, check, client_context, free_port, popen, run, sealed, tail

HEAVY_ENV = "SEALED_HEAVY"


def heavy():
    """(True, "") when the heaviest tests (5,000 connections, testssl) should
    run: in the first stage of `make test` (bin/, no sanitizer), or anywhere
    with SEALED_HEAVY=1. Otherwise (False, why), and the test passes after
    printing why it skipped: they would only repeat the first stage, slower."""
    if os.environ.get(HEAVY_ENV) == "1":
        return True, ""
    if os.environ.get(HEAVY_ENV) == "0":
        return False, "%s=0" % HEAVY_ENV
    if lib.SLOW > 1:
        return False, "sanitizer build (runs once, in the first stage)"
    first = os.path.realpath(os.path.join(lib.ROOT, "bin"))
    if os.path.realpath(lib.BIN) != first:
        return False, "not the first stage's bin/ (runs once; %s=1 forces it)" % HEAVY_ENV
    return True, ""


def skip(why):
    print("# skipped: %s" % why, flush=True)


def raise_nofile(n):
    """Raises this process's RLIMIT_NOFILE to at least N (root may raise the
    hard limit too). Returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= n:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, max(n, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class HardServer(lib.Server):
    """sealed with SMTP and, on request, POP3 and RTSP on free ports. Unlike
    lib.Server it can be started again on the same ports and data dir (users
    are added once), under a descriptor limit NOFILE (prlimit, soft and hard),
    and with extra environment ENV."""

    def __init__(self, pop3=False, rtsp=False, nofile=None, env=None, **kw):
        super().__init__(**kw)
        self.pop3_port = free_port() if pop3 else 0
        self.rtsp_port = free_port() if rtsp else 0
        self.port = free_port()
        self.nofile = nofile
        self.env = env or {}
        self.users_added = False

    def _add_users(self):
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            done = list(ex.map(lambda nu: (nu[0], lib.useradd(self.data_dir, nu[0], nu[1])),
                               self.users.items()))
        for name, r in done:
            check(r.returncode == 0, "useradd %s failed (exit %d): %s"
                  % (name, r.returncode, tail(r.stderr)))
        self.users_added = True

    def command(self):
        cmd = [sealed(), "--smtp-port", str(self.port), "--pop3-port", str(self.pop3_port),
               "--rtsp-port", str(self.rtsp_port), "--data-dir", self.data_dir,
               "--cert", self.certs.crt, "--key", self.certs.key] + self.args
        if self.nofile:
            cmd = ["prlimit", "--nofile=%d:%d" % (self.nofile, self.nofile), "--"] + cmd
        return cmd

    def start(self, timeout=20):
        if not self.users_added:
            self._add_users()
        env = dict(os.environ)
        env.update(self.env)
        self.cmd = self.command()
        mark = len(self.stderr())
        with open(self.stderr_path, "ab") as err, open(self.stdout_path, "ab") as out:
            self.proc = popen(self.cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                              cwd=self.work, env=env)
        with lib._lock:
            if self not in lib.SERVERS:
                lib.SERVERS.append(self)
        for port in (self.port, self.pop3_port, self.rtsp_port):
            if port and not lib.wait_port(port, lib.deadline(timeout), self.proc):
                code = self.proc.poll()
                self.stop()
                raise TestFailure("server did not start listening on %d (exit %s): %s"
                                  % (port, code, tail(self.stderr())))
        # the ports open before the workers start; "sealed ready" comes after
        end = time.monotonic() + lib.deadline(timeout)
        while "sealed ready" not in self.stderr()[mark:] and time.monotonic() < end:
            if self.proc.poll() is not None:
                raise TestFailure("server exited %s: %s" % (self.proc.returncode,
                                                             tail(self.stderr())))
            time.sleep(0.02)
        return self


def rss_kb(pid, field="VmRSS"):
    """FIELD (VmRSS, VmHWM: the peak) of process PID in kB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise TestFailure("no %s in /proc/%d/status" % (field, pid))


def proc_status(pid):
    """/proc/PID/status as a dict of strings."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def status(data_dir, timeout=10):
    """`sealed status` as a dict of ints; raises TestFailure if it fails."""
    r = run([sealed(), "--data-dir", data_dir, "status"], timeout=timeout)
    check(r.returncode == 0, "sealed status exit %d: %s" % (r.returncode, tail(r.stderr)))
    out = {}
    for line in r.stdout.decode().splitlines():
        name, value = line.split()
        out[name] = int(value)
    return out


def smtp_send(port, user, password, rcpt, data, source=None, timeout=30):
    """One session: login, one message to RCPT. True when the server said 250
    to the end of DATA (smtplib raises on anything else)."""
    with smtplib.SMTP_SSL("localhost", port, context=client_context(),
                          timeout=lib.deadline(timeout),
                          source_address=(source, 0) if source else None) as c:
        c.login(user, password)
        c.sendmail("%s@localhost" % user, [rcpt], data)
    return True


class Pop3:
    """A raw POP3 client over TLS (exact lines)."""

    def __init__(self, port, source=None, timeout=20, rcvbuf=None):
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if source:
            raw.bind((source, 0))
        raw.settimeout(lib.deadline(timeout))
        raw.connect(("127.0.0.1", port))
        self.sock = client_context().wrap_socket(raw, server_hostname="localhost")
        self.buf = b""
        self.greeting = self.line()

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise lib.Closed("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.line()

    def ok(self, line):
        got = self.cmd(line)
        check(got.startswith("+OK"), "%r: want +OK, got %r" % (line.split()[0], got))
        return got

    def login(self, user, password):
        self.ok("USER " + user)
        return self.ok("PASS " + password)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def auth_plain(user, password):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()


def wait_for(pred, seconds, step=0.1):
    """Polls PRED until it is true or SECONDS pass; its last value."""
    end = time.monotonic() + seconds
    while True:
        v = pred()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def tls_client_hello(port):
    """The bytes of a real TLS ClientHello for 127.0.0.1:PORT, made by Python's
    ssl module through a memory BIO (no connection)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()
