"""A server's bytes never drive the user's terminal: `seal --show-cert`
(accepted and rejected certificates, stdout and the one stderr line) and
`seal --batch` (SMTP and POP3 replies, RTSP responses, the authentication
failure) print every control character a server sent - ESC, BEL, a bare CR,
DEL, C1 controls as raw bytes or UTF-8 encoded - as a visible '?', and keep
valid UTF-8 text in a UTF-8 locale. The peers are a certificate made with
ESC sequences in its subject CN and O (so the issuer too: it is
self-signed) and its SANs, and Python TLS servers on free loopback ports
that answer with such sequences."""

import re
import socket
import ssl
import threading

import lib
from lib import Certs, check, default_certs, library, openssl, password_file, run, tail, tmpdir

# What a hostile server puts in its text: clear screen, home, cursor up and
# erase line (to overwrite the FAILED lines above), a title change, BEL, a
# bare CR, DEL, CSI as a raw C1 byte and as U+009B encoded in UTF-8, NEL.
ESC_CN = "localhost\x1b[2J\x1b[H"
ESC_O = "Caf\u00e9\x1b]0;pwned\x07\x7f\u009b31m\rEvil\u0085Org"
ESC_SAN = "x\x1b[31m.example"
HOSTILE = (b"\x1b[2J\x1b[H\x1b[1A\x1b[2K\x1b]0;pwned\x07 ok\rOVERWRITTEN\x7f \x9b31m "
           b"\xc2\x9b31m \xc2\x85 caf\xc3\xa9")


def _escape_cert():
    """A self-signed EC P-256 certificate for localhost whose subject (and
    issuer) CN and O and one DNS SAN hold escape sequences."""
    d = tmpdir("esc-cert")
    c = Certs(d)
    subj = ("/CN=%s/O=%s" % (ESC_CN, ESC_O)).encode("utf-8")
    san = ("subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:%s" % ESC_SAN).encode("utf-8")
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", c.key, "-out", c.crt, "-days", "30", "-utf8", "-subj", subj,
             "-addext", san, "-addext", "basicConstraints=critical,CA:TRUE"])
    return c


_cert = None


def escape_cert():
    global _cert
    if _cert is None:
        _cert = _escape_cert()
    return _cert


class FakeTls:
    """A TLS server on a free loopback port; each connection runs
    HANDLER(conn) in its own thread, where conn reads lines and sends bytes.
    A failed handshake (a client that refused the certificate) is ignored."""

    def __init__(self, certs, handler):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(certs.crt, certs.key)
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.errors = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)
        self.sock.close()

    def _accept(self):
        while not self.stop.is_set():
            try:
                raw, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw):
        raw.settimeout(10)
        try:
            with self.ctx.wrap_socket(raw, server_side=True) as tls:
                self.handler(Conn(tls))
        except (ssl.SSLError, OSError, EOFError):
            pass        # a refused certificate, or the client went away
        except Exception as e:  # noqa: BLE001  (reported by the test)
            self.errors.append(repr(e))
        finally:
            raw.close()


class Conn:
    def __init__(self, tls):
        self.tls = tls
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            data = self.tls.recv(4096)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def send(self, data):
        self.tls.sendall(data)


def _controls(data):
    """What in DATA (bytes) a terminal would act on: invalid UTF-8 (a raw
    C1 byte), C0 controls other than LF, DEL and C1 code points."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["invalid UTF-8 at byte %d: %r" % (e.start, data[e.start:e.start + 4])]
    return ["U+%04X" % ord(ch) for ch in text
            if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) < 0xa0]


def _check_inert(what, data):
    bad = _controls(data)
    check(not bad, "%s: control characters reached the output: %s in %r"
          % (what, ", ".join(sorted(set(bad))), data[:600]))


def _seal(args, input=None, lang="C.UTF-8"):
    return run([lib.seal_bin()] + list(args), input=input, env={"LC_ALL": lang})


def _err_lines(r):
    return [l for l in r.stderr.split(b"\n") if l.strip()]


def _handshake_only(conn):
    conn.send(b"220 fake ESMTP\r\n")
    conn.line()


@library
def test_show_cert_masks_escapes_of_an_accepted_certificate():
    c = escape_cert()
    with FakeTls(c, _handshake_only) as srv:
        url = "smtps://localhost:%d" % srv.port
        r = _seal(["--show-cert", "--cafile", c.crt, url])
        r_c = _seal(["--show-cert", "--cafile", c.crt, url], lang="C")
    out = r.stdout
    check(r.returncode == 0, "seal --show-cert exit %d: %s" % (r.returncode, tail(r.stderr)))
    _check_inert("--show-cert stdout (C.UTF-8)", out)
    _check_inert("--show-cert stderr (C.UTF-8)", r.stderr)
    text = out.decode("utf-8")
    print("subject line: %s" % next((l for l in text.splitlines() if "Subject:" in l), "?"))
    check("localhost?[2J?[H" in text, "the CN is not shown with its ESC made visible: %s"
          % tail(out, 30))
    check("Caf\u00e9?]0;pwned???31m?Evil?Org" in text,
          "the O is not shown with its controls made visible and its UTF-8 kept: %s"
          % tail(out, 30))
    check(re.search(r"Issuer:.*localhost\?\[2J", text), "the issuer is not shown: %s"
          % tail(out, 30))
    check("x?[31m.example" in text, "the SAN is not shown: %s" % tail(out, 30))
    check(re.search(r"trusted chain\s+ok", text), "the checks are not shown: %s" % tail(out, 8))
    check(r_c.returncode == 0, "LC_ALL=C: exit %d" % r_c.returncode)
    check(all(b < 0x80 for b in r_c.stdout), "LC_ALL=C: bytes above ASCII on stdout: %r"
          % [l for l in r_c.stdout.split(b"\n") if any(b >= 0x80 for b in l)][:3])
    _check_inert("--show-cert stdout (C)", r_c.stdout)
    check(b"Caf?" in r_c.stdout, "LC_ALL=C: the O is not shown as ASCII: %s" % tail(r_c.stdout))


@library
def test_show_cert_masks_escapes_of_a_rejected_certificate():
    """Untrusted (any reachable server can send this), and a name mismatch
    whose one-line reason lists the certificate's names."""
    c = escape_cert()
    with FakeTls(c, _handshake_only) as srv:
        url = "smtps://localhost:%d" % srv.port
        untrusted = _seal(["--show-cert", "--cafile", default_certs().crt, url])
        wrong = _seal(["--show-cert", "--cafile", c.crt, "--expect-cn", "mail.other.example", url])
    for name, r, reason in (("untrusted", untrusted, b"untrusted"),
                            ("wrong name", wrong, b"name mismatch")):
        check(r.returncode == 4, "%s: exit %d, want 4: %s" % (name, r.returncode, tail(r.stderr)))
        _check_inert("%s: --show-cert stdout" % name, r.stdout)
        _check_inert("%s: stderr" % name, r.stderr)
        err = _err_lines(r)
        check(len(err) == 1 and reason in err[0], "%s: want one stderr line with %r, got %r"
              % (name, reason, err))
        check(b"localhost?[2J?[H" in r.stdout, "%s: the CN is not in the report" % name)
        print("%s: %s" % (name, err[0].decode("utf-8")))
    check(b"x?[31m.example" in _err_lines(wrong)[0],
          "the name mismatch line does not show the SAN made safe: %r" % _err_lines(wrong))


def _smtp(conn):
    conn.send(b"220 " + HOSTILE + b"\r\n")
    while True:
        line = conn.line().upper()
        if line.startswith(b"EHLO"):
            conn.send(b"250-fake " + HOSTILE + b"\r\n250-\x1b[1A\x1b[2K\r\n250 HELP\x1b[0m\r\n")
        elif line.startswith(b"QUIT"):
            conn.send(b"221 bye\x1b[0m\x07\r\n")
            return
        else:
            conn.send(b"250 " + HOSTILE + b"\r\n")


def test_batch_masks_escapes_in_smtp_replies():
    with FakeTls(default_certs(), _smtp) as srv:
        r = _seal(["--batch", "--cafile", default_certs().crt, "smtps://localhost:%d" % srv.port],
                  input="EHLO me\nNOOP\nQUIT\n")
    check(not srv.errors, "fake server: %s" % srv.errors)
    check(r.returncode == 0, "seal --batch exit %d: %s" % (r.returncode, tail(r.stderr)))
    _check_inert("smtp transcript", r.stdout)
    _check_inert("smtp stderr", r.stderr)
    lines = r.stdout.decode("utf-8").splitlines()
    print("first reply: %s" % lines[0])
    check(lines[0] == "S: 220 ?[2J?[H?[1A?[2K?]0;pwned? ok?OVERWRITTEN? ?31m ?31m ? caf\u00e9",
          "the greeting is not shown made safe: %r" % lines[0])
    check(len([l for l in lines if l.startswith("S: ")]) == 6 and lines[-1] == "S: 221 bye?[0m?",
          "the transcript lost or gained lines: %r" % lines)


def _pop3(conn):
    conn.send(b"+OK " + HOSTILE + b"\r\n")
    while True:
        line = conn.line()
        verb = line.split(b" ")[0].upper()
        if verb == b"PASS" and line != b"PASS right":
            conn.send(b"-ERR " + HOSTILE + b"\r\n")
        elif verb == b"LIST":
            conn.send(b"+OK 2 messages\x1b[2J\r\n1 120\x1b[1A\r\n2 \x9b5\r\n.\r\n")
        elif verb == b"QUIT":
            conn.send(b"+OK bye\x1b[0m\r\n")
            return
        else:
            conn.send(b"+OK " + HOSTILE + b"\r\n")


def test_batch_masks_escapes_in_pop3_replies_and_the_login_failure():
    with FakeTls(default_certs(), _pop3) as srv:
        url = "pop3s://localhost:%d" % srv.port
        ok = _seal(["--batch", "--cafile", default_certs().crt, "--user", "alice",
                    "--password-file", password_file("right"), url], input="LIST\nQUIT\n")
        refused = _seal(["--batch", "--cafile", default_certs().crt, "--user", "alice",
                         "--password-file", password_file("wrong"), url], input="")
    check(not srv.errors, "fake server: %s" % srv.errors)
    check(ok.returncode == 0, "seal --batch exit %d: %s" % (ok.returncode, tail(ok.stderr)))
    _check_inert("pop3 transcript", ok.stdout)
    _check_inert("pop3 stderr", ok.stderr)
    text = ok.stdout.decode("utf-8")
    check("S: 1 120?[1A" in text and "S: 2 ?5" in text,
          "the LIST lines are not shown made safe: %s" % tail(text, 8))
    check(refused.returncode == 5, "wrong password: exit %d, want 5: %s"
          % (refused.returncode, tail(refused.stderr)))
    _check_inert("pop3 refused: transcript", refused.stdout)
    _check_inert("pop3 refused: stderr", refused.stderr)
    err = _err_lines(refused)
    check(len(err) == 1 and err[0].startswith(b"seal: authentication failed: ?[2J"),
          "want one 'authentication failed' line made safe, got %r" % err)
    print("login failure: %s" % err[0].decode("utf-8"))


def _rtsp(conn):
    cseq = b"1"
    while True:
        line = conn.line()
        if line == b"":
            break
        if line.lower().startswith(b"cseq:"):
            cseq = line.split(b":", 1)[1].strip()
    body = b"not here " + HOSTILE + b"\r\n"
    conn.send(b"RTSP/1.0 404 Not \x1b[2JFound\r\nCSeq: " + cseq + b"\r\nX-Note: " + HOSTILE +
              b"\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    conn.line()         # until seal hangs up


def test_batch_masks_escapes_in_rtsp_responses():
    with FakeTls(default_certs(), _rtsp) as srv:
        r = _seal(["--batch", "--cafile", default_certs().crt,
                   "rtsps://localhost:%d/x.wav" % srv.port])
    check(not srv.errors, "fake server: %s" % srv.errors)
    check(r.returncode == 1, "seal --batch rtsps exit %d, want 1 (404): %s"
          % (r.returncode, tail(r.stderr)))
    _check_inert("rtsp transcript", r.stdout)
    _check_inert("rtsp stderr", r.stderr)
    text = r.stdout.decode("utf-8")
    check("S: RTSP/1.0 404 Not ?[2JFound" in text and "S: X-Note: ?[2J" in text and
          "S: not here ?[2J" in text, "the response is not shown made safe: %s" % tail(text, 8))
    check(len(_err_lines(r)) == 1, "want one stderr line: %r" % _err_lines(r))


def _smtp_refusing(conn):
    """Greets with escape sequences in a reply seal-load does not expect."""
    conn.send(b"554 " + HOSTILE + b"\r\n")
    conn.line()


def test_seal_load_masks_escapes_in_its_first_errors():
    """seal-load quotes a server's unexpected reply as the first failure of
    its kind: in the text report and in --json, no control character."""
    with FakeTls(default_certs(), _smtp_refusing) as srv:
        url = "smtps://localhost:%d" % srv.port
        base = [lib.load_bin(), "smtp", "-c", "1", "-n", "1", "--cafile", default_certs().crt,
                "--user", "alice", "--password-file", password_file("x")]
        text = run(base + [url], env={"LC_ALL": "C.UTF-8"})
        js = run(base + ["--json", url], env={"LC_ALL": "C.UTF-8"})
    check(text.returncode != 0 and js.returncode != 0,
          "seal-load exits %d and %d against a refusing server" % (text.returncode, js.returncode))
    first = [l for l in (text.stdout + text.stderr).decode("utf-8", "replace").splitlines()
             if re.match(r"\s*first protocol\s+failure: greeting", l)]
    check(first, "no first failure in the report: %r" % tail(text.stdout))
    print("report line: %s" % first[0].strip())
    for what, r in (("text report", text), ("json", js)):
        _check_inert("seal-load %s stdout" % what, r.stdout)
        _check_inert("seal-load %s stderr" % what, r.stderr)
