"""seal-load --no-greeting, for servers that speak no first line (make bench
runs it against nginx): resume waits for the TLS 1.3 session ticket that
comes after the handshake (and for a fresh one after each resumption: the
offered ticket is bound to the old session), idle holds the session right
after the handshake. The bare server here is Python's ssl module (OpenSSL,
two tickets per handshake), which sends nothing and waits for the client
to close; sealed works the same way, its greeting being read and dropped."""

import json
import socket
import ssl
import threading

import lib
from lib import Server, check, default_certs, library, run, tail, timeout


class BareTls:
    """A TLS 1.3 server on a free loopback port that completes handshakes and
    then holds each connection, silent, until the client closes it."""

    def __init__(self, certs):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        self.ctx.load_cert_chain(certs.crt, certs.key)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.handshakes = self.resumed = 0
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn):
        conn.settimeout(lib.deadline(30))
        try:
            with self.ctx.wrap_socket(conn, server_side=True) as tls:
                with self.lock:
                    self.handshakes += 1
                    self.resumed += tls.session_reused
                while tls.recv(4096):
                    pass
        except (OSError, ssl.SSLError):
            pass

    def close(self):
        self.stopping = True
        self.sock.close()

    def url(self):
        return "smtps://localhost:%d" % self.port


def _load(args):
    r = run([lib.load_bin()] + args + ["--json"], timeout=60)
    out = r.stdout.decode("utf-8", "replace").strip()
    try:
        j = json.loads(out) if out.startswith("{") else None
    except ValueError:
        j = None
    check(j is not None, "seal-load %s: no JSON (exit %d): %s" % (args[0], r.returncode,
                                                                  tail(r.stderr)))
    return r, j


@library
@timeout(90)
def test_seal_load_no_greeting_resume_and_idle_on_bare_tls():
    certs = default_certs()
    srv = BareTls(certs)
    try:
        r, j = _load(["resume", "--no-greeting", "-c", "2", "-n", "20",
                      "--cafile", certs.crt, srv.url()])
        check(r.returncode == 0 and j["ok"] == 20 and j["failed"] == 0,
              "resume --no-greeting: exit %d, %s ok, %s failed %s"
              % (r.returncode, j["ok"], j["failed"], j["first_errors"]))
        check(j["tls"]["version"] == "TLSv1.3", "tls %r" % j["tls"])
        check(j["resume_offered"] == 18 and j["resumed"] == 18,
              "want 18 of 18 offered sessions resumed, got %s of %s"
              % (j["resumed"], j["resume_offered"]))
        r, j = _load(["idle", "--no-greeting", "-c", "5", "-d", "1",
                      "--cafile", certs.crt, srv.url()])
        check(r.returncode == 0 and j["held"] == 5 and j["failed"] == 0,
              "idle --no-greeting: exit %d, held %s, failed %s %s"
              % (r.returncode, j["held"], j["failed"], j["first_errors"]))
    finally:
        srv.close()
    check(srv.resumed >= 18, "the server saw %d resumptions, want 18" % srv.resumed)


@library
@timeout(90)
def test_seal_load_no_greeting_resume_on_sealed():
    with Server(name="seal-load-bare") as s:
        r, j = _load(["resume", "--no-greeting", "-c", "4", "-n", "40",
                      "--cafile", s.certs.crt, s.url()])
    check(r.returncode == 0 and j["ok"] == 40, "resume --no-greeting on sealed: exit %d, "
          "%s ok, %s" % (r.returncode, j["ok"], j["first_errors"]))
    check(j["resumed"] == j["resume_offered"] == 36,
          "want 36 of 36 offered sessions resumed, got %s of %s"
          % (j["resumed"], j["resume_offered"]))


def test_seal_load_no_greeting_refused_for_smtp():
    r = run([lib.load_bin(), "smtp", "--no-greeting", "--user", "a",
             "--password-file", "/dev/null", "smtps://localhost:1"], timeout=30)
    check(r.returncode == 2 and b"--no-greeting" in r.stderr,
          "smtp --no-greeting: want exit 2 naming the flag, got %d: %s"
          % (r.returncode, tail(r.stderr)))
