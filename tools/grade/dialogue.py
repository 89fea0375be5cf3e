#!/usr/bin/env python3
"""dialogue.py: the protocol dialogues the grader runs where seal cannot (a
STARTTLS mail server, a plain-text probe, an SSLv3 hello, a line protocol
of the student's own), each a command the report shows and an instructor
can run again (Python 3.11 stdlib only; its ssl module is the system
OpenSSL). Each prints its exchange as 'C: ' and 'S: ' lines, secrets
masked, then what it concluded.

    dialogue.py plain URL                 smtp:// in clear: EHLO, then AUTH PLAIN
                                          (a made-up user) before STARTTLS
    dialogue.py verify URL                handshake verifying chain, name and dates
    dialogue.py login URL --user U --password-file F
                                          smtp:// (STARTTLS), smtps://, pop3s://,
                                          rtsps:// (DESCRIBE, 401, DESCRIBE again)
    dialogue.py session URL --user U --password-file F --marker M
                                          the wire check's session: a login and a
                                          command holding M (server not verified)
    dialogue.py mtls URL                  handshake, then wait for a greeting or
                                          an alert (server not verified)
    dialogue.py load URL -c N [--json]    N sessions at once, held together
    dialogue.py hello URL                 a hand-built SSLv3 ClientHello
    dialogue.py exchange URL --send LINE --expect REGEX

URL: smtp://HOST[:587] (STARTTLS), smtps://HOST[:465], pop3s://HOST[:995],
rtsps://HOST[:322]/PATH, tls://HOST:PORT (a line protocol over TLS).
Options: --cafile FILE (trust anchor), --cert FILE --key FILE (client
certificate), --timeout S (each read, default 10), --send LINE (session,
exchange, mtls on tls://).

Exit status as seal's: 0 done; 1 another error (an unexpected reply, no
match); 2 bad usage; 3 cannot connect or the handshake failed (mtls: the
server refused); 4 the server certificate was rejected; 5 authentication
failed. hello exits 0 when the server refused SSLv3, 1 when it accepted it.
"""

import argparse
import base64
import json
import os
import re
import secrets
import socket
import ssl
import struct
import sys
import threading
import time
from urllib.parse import urlsplit

PORTS = {"smtp": 587, "smtps": 465, "pop3s": 995, "rtsps": 322, "tls": None}
EHLO_NAME = "grader.invalid"
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
          40: "handshake_failure", 42: "bad_certificate", 47: "illegal_parameter",
          48: "unknown_ca", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
          71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback",
          112: "unrecognized_name", 116: "certificate_required"}
# SSLv3 suites a willing client would offer: RSA, DHE and ECDHE key
# exchange with AES, 3DES and RC4 (what SSLv3 servers speak).
SSL3_SUITES = (0x0035, 0x002F, 0x000A, 0x0005, 0x0004, 0x0039, 0x0033, 0x0016,
               0xC014, 0xC013, 0xC00A, 0xC009)
HOLD_S = 10             # load: how long a session waits for the others


class Failed(Exception):
    """The dialogue ends with this exit status and message."""

    def __init__(self, code, text):
        super().__init__(text)
        self.code = code


QUIET = threading.Event()  # load: the sessions' lines are not shown


def say(line):
    if QUIET.is_set():
        return
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Url:
    def __init__(self, text):
        u = urlsplit(text)
        if u.scheme not in PORTS or not u.hostname:
            raise ValueError("want smtp://, smtps://, pop3s://, rtsps:// or tls://HOST:PORT, "
                             "not %r" % text)
        self.text, self.scheme, self.host = text, u.scheme, u.hostname
        self.port = u.port or PORTS[u.scheme]
        if self.port is None:
            raise ValueError("tls:// needs a port: tls://HOST:PORT")
        self.path = u.path or "/"


class Conn:
    """One connection: a socket (plain, then TLS) and the lines read from it."""

    def __init__(self, url, timeout):
        self.url, self.timeout = url, timeout
        try:
            self.sock = socket.create_connection((url.host, url.port), timeout=timeout)
        except OSError as e:
            raise Failed(3, "cannot connect to %s:%d: %s" % (url.host, url.port, e))
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, line, shown=None):
        say("C: " + (shown if shown is not None else line))
        try:
            self.sock.sendall(line.encode() + b"\r\n")
        except (OSError, ssl.SSLError) as e:
            raise Failed(1, "the server closed the connection: %s" % tls_reason(e))

    def line(self):
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise Failed(1, "no answer within %g s" % self.timeout)
            except (OSError, ssl.SSLError) as e:
                raise Failed(3 if isinstance(e, ssl.SSLError) else 1,
                             "the server closed the connection: %s" % tls_reason(e))
            if not chunk:
                raise Failed(1, "the server closed the connection")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\n", 1)
        text = raw.rstrip(b"\r").decode("utf-8", "replace")
        say("S: " + text)
        return text

    def smtp_reply(self):
        """An SMTP reply: (code, lines)."""
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        code = int(lines[-1][:3]) if lines[-1][:3].isdigit() else -1
        return code, lines

    def smtp_greeting(self):
        """The SMTP greeting, which must be 220."""
        code, _ = self.smtp_reply()
        if code != 220:
            raise Failed(1, "greeting %d, not 220" % code)

    def smtp_ehlo(self):
        """EHLO, which must get 250; the reply's lines."""
        self.send("EHLO " + EHLO_NAME)
        code, lines = self.smtp_reply()
        if code != 250:
            raise Failed(1, "EHLO got %d" % code)
        return lines

    def rtsp_reply(self):
        """An RTSP response: (code, {header: value})."""
        status = self.line()
        while not status.startswith("RTSP/"):
            status = self.line()
        headers = {}
        while True:
            l = self.line()
            if not l:
                break
            k, _, v = l.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0") or 0)
        while len(self.buf) < n:
            self.buf += self.sock.recv(65536)
        self.buf = self.buf[n:]
        m = re.match(r"RTSP/\S+ (\d{3})", status)
        return (int(m.group(1)) if m else -1), headers

    def starttls(self, ctx):
        """smtp://: greeting, EHLO, STARTTLS, then the handshake; the EHLO
        reply (its lines) from before TLS."""
        self.smtp_greeting()
        ehlo = self.smtp_ehlo()
        self.send("STARTTLS")
        code, _ = self.smtp_reply()
        if code != 220:
            raise Failed(3, "STARTTLS got %d, not 220" % code)
        self.wrap(ctx)
        return ehlo

    def wrap(self, ctx):
        try:
            self.sock = ctx.wrap_socket(self.sock, server_hostname=self.url.host)
        except ssl.SSLCertVerificationError as e:
            raise Failed(4, "certificate rejected: %s" % (e.verify_message or e.reason))
        except (ssl.SSLError, OSError) as e:
            raise Failed(3, "TLS handshake failed: %s" % tls_reason(e))
        say("* TLS: %s %s" % (self.sock.version(), self.sock.cipher()[0]))


def tls_reason(e):
    text = getattr(e, "reason", None) or str(e)
    m = re.search(r"ALERT_(\w+)", text)
    return "alert %s" % m.group(1).lower() if m else text


def context(a, verify=True):
    """A client context: verifying against --cafile (chain, name, dates, as
    seal does: the key's size and the signature's hash are the grader's
    check 3, so OpenSSL's security level is 0 here), or not at all; with the
    client certificate when given."""
    if verify:
        ctx = ssl.create_default_context(cafile=a.cafile)
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    return ctx


def open_tls(url, a, verify=True):
    """A connection with TLS up: STARTTLS for smtp://, at once otherwise.
    Returns (conn, the EHLO lines before TLS or None)."""
    c = Conn(url, a.timeout)
    ctx = context(a, verify)
    if url.scheme == "smtp":
        return c, c.starttls(ctx)
    c.wrap(ctx)
    return c, None


def greet(c, url):
    """Reads the greeting of a protocol that sends one; EHLO for SMTP."""
    if url.scheme in ("smtp", "smtps"):
        if url.scheme == "smtps":
            c.smtp_greeting()
        return c.smtp_ehlo()
    if url.scheme == "pop3s":
        if not c.line().startswith("+OK"):
            raise Failed(1, "the greeting is not +OK")
    return None


def read_secret(path):
    with open(path) as f:
        return f.readline().rstrip("\r\n")


def plain_blob(user, password):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()


# --- the dialogues ------------------------------------------------------------

def cmd_plain(url, a):
    """smtp:// in clear: what EHLO offers before STARTTLS, and what AUTH
    gets before STARTTLS (a made-up user and password: nothing real in clear)."""
    if url.scheme != "smtp":
        raise Failed(2, "plain is for smtp:// (STARTTLS) only")
    c = Conn(url, a.timeout)
    code, _ = c.smtp_reply()
    if code != 220:
        raise Failed(1, "greeting %d, not 220" % code)
    c.send("EHLO " + EHLO_NAME)
    code, ehlo = c.smtp_reply()
    words = [l[4:].split()[0].upper() for l in ehlo[1:] if len(l) > 4 and l[4:].split()]
    c.send("AUTH PLAIN " + plain_blob("grader-probe", secrets.token_hex(8)),
           "AUTH PLAIN ******** (a made-up user and password)")
    code, _ = c.smtp_reply()
    c.send("QUIT")
    try:
        c.smtp_reply()
    except Failed:
        pass
    c.close()
    say("* before STARTTLS: EHLO offers %s; AUTH got %d" % (" ".join(words) or "nothing", code))
    return 0


def cmd_verify(url, a):
    c, _ = open_tls(url, a, verify=True)
    cert = c.sock.getpeercert()
    subject = ", ".join("%s=%s" % kv for rdn in cert.get("subject", ()) for kv in rdn)
    say("* verified against %s: %s, name %s, valid until %s"
        % (a.cafile, subject, url.host, cert.get("notAfter")))
    c.close()
    return 0


def cmd_login(url, a):
    if not (a.user and a.password_file):
        raise Failed(2, "login needs --user and --password-file")
    pw = read_secret(a.password_file)
    c, _ = open_tls(url, a, verify=True)
    try:
        if url.scheme == "rtsps":
            return _login_rtsp(c, url, a.user, pw)
        if url.scheme == "pop3s":
            greet(c, url)
            c.send("USER " + a.user)
            c.line()
            c.send("PASS " + pw, "PASS ********")
            ok = c.line().startswith("+OK")
        elif url.scheme in ("smtp", "smtps"):
            greet(c, url)
            c.send("AUTH PLAIN " + plain_blob(a.user, pw), "AUTH PLAIN ********")
            code, _ = c.smtp_reply()
            ok = code == 235
            if not ok and code != 535:
                c.send("QUIT")
                raise Failed(1, "AUTH got %d, neither 235 nor 535" % code)
        else:
            raise Failed(2, "login knows smtp, smtps, pop3s and rtsps, not %s" % url.scheme)
        c.send("QUIT")
        try:
            c.line() if url.scheme == "pop3s" else c.smtp_reply()
        except Failed:
            pass
    finally:
        c.close()
    if not ok:
        raise Failed(5, "login refused for %s" % a.user)
    say("* logged in as %s" % a.user)
    return 0


def _login_rtsp(c, url, user, pw):
    def describe(cseq, auth=None):
        c.send("DESCRIBE %s RTSP/1.0" % url.text)
        c.send("CSeq: %d" % cseq)
        c.send("Accept: application/sdp")
        if auth:
            c.send("Authorization: Basic " + auth, "Authorization: Basic ********")
        c.send("")
        return c.rtsp_reply()

    code, headers = describe(1)
    if code != 401 or "basic" not in headers.get("www-authenticate", "").lower():
        raise Failed(1, "DESCRIBE without credentials got %d%s, not 401 with a Basic "
                     "challenge" % (code, "" if code != 401 else " without Basic"))
    code, _ = describe(2, base64.b64encode(("%s:%s" % (user, pw)).encode()).decode())
    if code in (401, 403):
        raise Failed(5, "login refused for %s (%d)" % (user, code))
    say("* logged in as %s: DESCRIBE with credentials got %d, not 401" % (user, code))
    return 0


def cmd_session(url, a):
    """The wire check's session, the server not verified (the check is
    about what crosses the wire, not about trust): a login with the
    password and a command that carries the marker."""
    if not (a.user and a.password_file and a.marker):
        raise Failed(2, "session needs --user, --password-file and --marker")
    pw = read_secret(a.password_file)
    c, _ = open_tls(url, a, verify=False)
    try:
        if url.scheme in ("smtp", "smtps"):
            greet(c, url)
            c.send("AUTH PLAIN " + plain_blob(a.user, pw), "AUTH PLAIN ********")
            c.smtp_reply()
            c.send("NOOP " + a.marker)
            c.smtp_reply()
            c.send("QUIT")
            c.smtp_reply()
        elif url.scheme == "pop3s":
            greet(c, url)
            c.send("USER " + a.user)
            c.line()
            c.send("PASS " + pw, "PASS ********")
            c.line()
            c.send("NOOP " + a.marker)
            c.line()
            c.send("QUIT")
            c.line()
        elif url.scheme == "rtsps":
            auth = base64.b64encode(("%s:%s" % (a.user, pw)).encode()).decode()
            for line, shown in (("OPTIONS %s RTSP/1.0" % url.text, None), ("CSeq: 1", None),
                                ("Authorization: Basic " + auth, "Authorization: Basic ********"),
                                ("User-Agent: grader " + a.marker, None), ("", None)):
                c.send(line, shown)
            c.rtsp_reply()
        else:
            for line in ([a.send] if a.send else []) + [a.marker]:
                c.send(line)
            _drain(c, 1.0)
    finally:
        c.close()
    return 0


def _drain(c, seconds):
    """Reads and shows what comes within SECONDS (a line protocol of the
    student's own: no framing known)."""
    c.sock.settimeout(seconds)
    try:
        while True:
            c.line()
    except Failed:
        pass


def cmd_mtls(url, a):
    """Handshake (the server not verified), then what the server does next:
    a greeting or an answer means it let the client in; an alert or a close
    means it refused (TLS 1.3 servers refuse after the client's Finished,
    so the refusal arrives on the first read)."""
    try:
        c, _ = open_tls(url, a, verify=False)
    except Failed as e:
        say("* refused: %s" % e)
        raise Failed(3, "refused at the handshake: %s" % e)
    try:
        if url.scheme in ("smtp", "smtps", "pop3s"):
            greet(c, url)
        elif url.scheme == "rtsps":
            c.send("OPTIONS * RTSP/1.0")
            c.send("CSeq: 1")
            c.send("")
            c.rtsp_reply()
        else:
            if a.send:
                c.send(a.send)
            c.sock.settimeout(2.0)
            try:
                data = c.sock.recv(1)
            except socket.timeout:
                data = None
            except (OSError, ssl.SSLError) as e:
                raise Failed(3, "refused: %s" % tls_reason(e))
            if data == b"":
                raise Failed(3, "refused: the server closed the connection")
    except Failed as e:
        say("* refused: %s" % e)
        raise Failed(3, "refused after the handshake: %s" % e)
    finally:
        c.close()
    say("* let in%s" % (" with the client certificate %s" % a.cert if a.cert
                        else " without a client certificate"))
    return 0


def cmd_load(url, a):
    """A.CLIENTS sessions at once, each verified: TLS (STARTTLS for smtp://)
    and the greeting or EHLO, then held until all are in (or HOLD_S),
    then QUIT. A JSON summary shaped as seal-load's."""
    n = a.clients
    barrier = threading.Barrier(n)
    results = [None] * n
    QUIET.set()

    def one(i):
        t0 = time.monotonic()
        try:
            c, _ = open_tls(url, a, verify=True)
            greet(c, url)
            took = time.monotonic() - t0
            info = (c.sock.version(), c.sock.cipher()[0])
            try:
                barrier.wait(HOLD_S)
                held = True
            except threading.BrokenBarrierError:
                held = False
            if url.scheme in ("smtp", "smtps"):
                c.send("QUIT")
            c.close()
            results[i] = ("ok", took, info, held)
        except (Failed, OSError, ssl.SSLError) as e:
            barrier.abort()
            kind = {3: "handshake", 4: "handshake"}.get(getattr(e, "code", 1), "protocol")
            if "cannot connect" in str(e):
                kind = "connect"
            elif "no answer within" in str(e):
                kind = "timeout"
            results[i] = (kind, time.monotonic() - t0, str(e), False)

    t0 = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    QUIET.clear()
    ok = [r for r in results if r and r[0] == "ok"]
    lat = sorted(r[1] * 1000 for r in ok)
    fails = {k: sum(1 for r in results if r and r[0] == k)
             for k in ("connect", "handshake", "protocol", "timeout")}
    first = {}
    for r in results:
        if r and r[0] != "ok":
            first.setdefault(r[0], r[2])
    res = {"mode": "starttls" if url.scheme == "smtp" else "greeting", "url": url.text,
           "clients": n, "ok": len(ok), "failed": n - len(ok), "failures": fails,
           "first_errors": first, "duration_s": round(took, 3),
           "rate_per_s": round(len(ok) / took, 1) if took else 0,
           "latency_ms": {"p50": _pct(lat, 50), "p99": _pct(lat, 99),
                          "max": round(lat[-1], 3) if lat else 0},
           "tls": {"version": ok[0][2][0], "cipher": ok[0][2][1]} if ok else {},
           "held": sum(1 for r in ok if r[3])}
    say("%d of %d sessions ok, %d held at once; %.1f sessions/s; p99 %.1f ms"
        % (res["ok"], n, res["held"], res["rate_per_s"], res["latency_ms"]["p99"]))
    if a.json:
        say(json.dumps(res))
    return 0 if res["ok"] == n and res["held"] == n else 1


def _pct(values, p):
    if not values:
        return 0
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return round(values[k], 3)


def cmd_hello(url, a):
    """A hand-built SSLv3 ClientHello (Debian's OpenSSL 3 cannot send one):
    does the server answer with an SSLv3 ServerHello?"""
    c = Conn(url, a.timeout)
    if url.scheme == "smtp":
        code, _ = c.smtp_reply()
        c.send("EHLO " + EHLO_NAME)
        c.smtp_reply()
        c.send("STARTTLS")
        code, _ = c.smtp_reply()
        if code != 220:
            raise Failed(3, "STARTTLS got %d" % code)
    body = b"\x03\x00" + os.urandom(32) + b"\x00" + struct.pack(">H", 2 * len(SSL3_SUITES)) + \
        b"".join(struct.pack(">H", s) for s in SSL3_SUITES) + b"\x01\x00"
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    say("C: SSLv3 ClientHello: version 3.0, %d suites (RSA, DHE, ECDHE with AES, 3DES, RC4), "
        "no extensions" % len(SSL3_SUITES))
    c.sock.sendall(b"\x16\x03\x00" + struct.pack(">H", len(hs)) + hs)
    head = _recv_exact(c, 5)
    if len(head) < 5:
        say("S: (the connection closed without an answer)")
        say("verdict: refused (closed)")
        return 0
    kind, length = head[0], struct.unpack(">H", head[3:5])[0]
    rec = _recv_exact(c, min(length, 16384))
    c.close()
    if kind == 0x15 and len(rec) >= 2:
        name = ALERTS.get(rec[1], "alert %d" % rec[1])
        say("S: alert %s (%d), record version %d.%d" % (name, rec[1], head[1], head[2]))
        say("verdict: refused (alert %s)" % name)
        return 0
    if kind == 0x16 and len(rec) >= 6 and rec[0] == 2:
        ver = (rec[4], rec[5])
        sid = rec[38] if len(rec) > 38 else 0
        suite = rec[39 + sid:41 + sid]
        say("S: ServerHello version %d.%d, suite 0x%s" % (ver[0], ver[1], suite.hex()))
        if ver == (3, 0):
            say("verdict: accepted SSLv3")
            return 1
        say("verdict: refused (it answered version %d.%d, which this client did not offer)"
            % ver)
        return 0
    say("S: record type %d, %d bytes" % (kind, len(rec)))
    say("verdict: refused (no ServerHello)")
    return 0


def _recv_exact(c, n):
    data = b""
    while len(data) < n:
        try:
            chunk = c.sock.recv(n - len(data))
        except (socket.timeout, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data


def cmd_exchange(url, a):
    if not (a.send and a.expect):
        raise Failed(2, "exchange needs --send and --expect")
    pat = re.compile(a.expect)
    c, _ = open_tls(url, a, verify=True)
    try:
        c.send(a.send)
        end = time.monotonic() + a.timeout
        while time.monotonic() < end:
            if pat.search(c.line()):
                say("* the answer matches %s" % a.expect)
                return 0
    finally:
        c.close()
    raise Failed(1, "no answer matched %s" % a.expect)


COMMANDS = {"plain": cmd_plain, "verify": cmd_verify, "login": cmd_login,
            "session": cmd_session, "mtls": cmd_mtls, "load": cmd_load, "hello": cmd_hello,
            "exchange": cmd_exchange}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="dialogue.py",
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 description=__doc__.split("\n\n", 1)[1])
    ap.add_argument("command", choices=sorted(COMMANDS))
    ap.add_argument("url")
    ap.add_argument("--cafile", metavar="FILE", help="trust anchor (PEM)")
    ap.add_argument("--cert", metavar="FILE", help="client certificate (PEM)")
    ap.add_argument("--key", metavar="FILE", help="its key")
    ap.add_argument("--user", metavar="NAME")
    ap.add_argument("--password-file", metavar="FILE")
    ap.add_argument("--marker", metavar="TEXT", help="session: the text to send inside TLS")
    ap.add_argument("--send", metavar="LINE", help="a line to send (tls://)")
    ap.add_argument("--expect", metavar="REGEX", help="exchange: what the answer must match")
    ap.add_argument("-c", dest="clients", type=int, default=20, metavar="N",
                    help="load: sessions at once (default 20)")
    ap.add_argument("--json", action="store_true", help="load: a JSON summary last")
    ap.add_argument("--timeout", type=float, default=10.0, metavar="S",
                    help="each read (default 10 s)")
    a = ap.parse_args(argv)
    if bool(a.cert) != bool(a.key):
        ap.error("--cert and --key go together")
    if a.clients < 1:
        ap.error("-c wants a positive number")
    try:
        url = Url(a.url)
    except ValueError as e:
        ap.error(str(e))
    try:
        return COMMANDS[a.command](url, a)
    except Failed as e:
        sys.stderr.write("dialogue: %s\n" % e)
        return e.code
    except (OSError, ssl.SSLError) as e:
        sys.stderr.write("dialogue: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
