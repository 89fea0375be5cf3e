"""flawed_servers.py: the "students" of test_grade.py: servers that are
flawed on purpose (tools/grade/testservers/flawed.py, Python's ssl over the
system OpenSSL) on free loopback ports, each with the certificate its flaw
needs, and a fake SSLv3 server (no OpenSSL here speaks SSLv3) that answers
any ClientHello with an SSLv3 ServerHello.

Every process goes through lib.popen, so the runner stops what a test
leaves behind; stop() stops one by pid.
"""

import os
import socket
import struct
import subprocess
import sys
import threading
import time

import lib

FLAWED = os.path.join(lib.ROOT, "tools", "grade", "testservers", "flawed.py")
USER = "student"

# kind: (the certificate it needs, flawed.py's flags, the scheme it speaks)
KINDS = {
    "good-starttls": ("good", ["--starttls"], "smtp"),
    "tls10": ("good", ["--tls10"], "smtps"),
    "expired": ("expired", [], "smtps"),
    "wrongname": ("wrongname", [], "smtps"),
    "rsa1024": ("rsa1024", ["--seclevel0"], "smtps"),
    "auth-before-starttls": ("good", ["--starttls", "--auth-before-starttls"], "smtp"),
    "any-password": ("good", ["--any-password"], "smtps"),
}


class Student:
    """One flawed server: url, cafile (its own certificate: the lab's
    self-signed set-up), user, password_file, proc."""

    def __init__(self, kind, url, cafile, password_file, proc, stderr_path):
        self.kind, self.url, self.cafile = kind, url, cafile
        self.user, self.password_file = USER, password_file
        self.proc, self.stderr_path = proc, stderr_path

    def roster_line(self, name=None):
        return "%s,%s,%s,%s,%s,%s" % (name or self.kind, self.url, self.cafile, self.user,
                                      self.password_file, "flawed on purpose: " + self.kind)


def rsa1024_cert():
    """A self-signed certificate for localhost and 127.0.0.1 with a 1024-bit
    RSA key (OpenSSL 3.0 makes one; it only refuses to use it above security
    level 0)."""
    c = lib.Certs(lib.tmpdir("rsa1024"))
    lib.openssl(["req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", c.key,
                 "-out", c.crt, "-days", "30", "-subj", "/CN=localhost",
                 "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], timeout=60)
    return c


def _certs(kind):
    if kind == "good":
        return lib.default_certs()
    if kind == "rsa1024":
        return rsa1024_cert()
    return lib.make_bad_cert(kind)


def start(kind, password="Student-pw-1"):
    """Starts the flawed server KIND; returns its Student once it listens."""
    cert_kind, flags, scheme = KINDS[kind]
    c = _certs(cert_kind)
    work = lib.tmpdir("flawed-" + kind)
    pwfile = lib.password_file(password)
    err = os.path.join(work, "stderr")
    for attempt in range(3):
        port = lib.free_port()
        with open(err, "wb") as f:
            p = lib.popen([sys.executable, FLAWED, "--port", str(port), "--cert", c.crt,
                           "--key", c.key, "--user", USER, "--password-file", pwfile] + flags,
                          stdin=subprocess.DEVNULL, stdout=f, stderr=f, cwd=work)
        if _ready(err, p):
            return Student(kind, "%s://127.0.0.1:%d" % (scheme, port), c.crt, pwfile, p, err)
        code = lib.stop_proc(p)
        if "in use" not in open(err).read() or attempt == 2:
            raise lib.TestFailure("flawed.py %s did not start (exit %s): %s"
                                  % (kind, code, lib.tail(open(err, "rb").read())))
    raise lib.TestFailure("flawed.py %s did not start" % kind)


def _ready(err, p, seconds=20):
    end = time.monotonic() + lib.deadline(seconds)
    while time.monotonic() < end:
        if "flawed ready:" in open(err).read():
            return True
        if p.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def stop(students):
    for s in students:
        lib.stop_proc(s.proc)


def sslv3_server():
    """A thread that answers the first ClientHello on a free loopback port
    with an SSLv3 ServerHello (version 3.0, TLS_RSA_WITH_AES_128_CBC_SHA),
    as an SSLv3 server would, then closes. Returns the port."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(lib.deadline(30))
    hello = b"\x03\x00" + b"\x11" * 32 + b"\x00" + b"\x00\x2f" + b"\x00"
    hs = b"\x02" + struct.pack(">I", len(hello))[1:] + hello
    record = b"\x16\x03\x00" + struct.pack(">H", len(hs)) + hs

    def serve():
        try:
            conn, _ = srv.accept()
            with conn:
                conn.settimeout(lib.deadline(10))
                conn.recv(4096)
                conn.sendall(record)
        except OSError:
            pass
        finally:
            srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]
