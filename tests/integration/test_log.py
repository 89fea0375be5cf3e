"""The log: one well-formed line per exchange, never a password (however the
client separates the words of PASS, AUTH or Authorization), and the alert of
a client that refuses the server's certificate."""

import base64
import re
import socket
import ssl
import subprocess
import time

from lib import (LOG_EXCHANGE, dot_stuff, malformed_log_lines, Server, Smtp, check, client_context,
                 deadline, library, make_bad_cert, make_certs, marker, message, plain_blob)

EXCHANGE = LOG_EXCHANGE

USER, PW = "logan", "Log-Secret-Pw-9431"


def _session(port, auth):
    """A whole session; returns (client port, commands sent, reply codes)."""
    sent, codes = [], []
    with Smtp(port) as c:
        cport = c.sock.getsockname()[1]
        codes.append(c.greeting[0])

        def cmd(line, shown=None):
            sent.append(shown or line)
            code, _ = c.cmd(line)
            codes.append(code)
            return code

        cmd("EHLO log.example")
        if auth == "plain":
            check(cmd("AUTH PLAIN " + plain_blob(USER, PW), "AUTH PLAIN") == 235, "AUTH PLAIN")
        else:
            cmd("AUTH LOGIN")
            cmd(base64.b64encode(USER.encode()).decode(), None)
            check(cmd(base64.b64encode(PW.encode()).decode(), "(password)") == 235, "AUTH LOGIN")
        cmd("MAIL FROM:<%s@localhost>" % USER)
        cmd("RCPT TO:<%s@localhost>" % USER)
        cmd("DATA")
        sent.append("(message)")
        c.send(dot_stuff(message(marker(), sender=USER + "@localhost")) + b".\r\n")
        codes.append(c.reply()[0])
        cmd("QUIT")
    return cport, sent, codes


def _lines_for(log, cport):
    out = []
    for line in log.splitlines():
        m = EXCHANGE.match(line)
        if m and m.group(3) == str(cport):
            out.append(m)
    return out


def _wait_for_close(s, cport):
    end = time.monotonic() + deadline(3)
    while time.monotonic() < end:
        ms = _lines_for(s.log(), cport)
        if ms and ms[-1].group(5) == "*" and "close" in ms[-1].group(6).lower():
            return ms
        time.sleep(0.1)
    return _lines_for(s.log(), cport)


def test_log_lines_well_formed_and_no_password():
    with Server(name="log", users={USER: PW}) as s:
        p_port, p_sent, p_codes = _session(s.port, "plain")
        l_port, l_sent, l_codes = _session(s.port, "login")
        _wait_for_close(s, p_port)
        _wait_for_close(s, l_port)
        log = s.log()
        check(log, "sealed.log is empty or missing")

        bad = malformed_log_lines(log)
        check(not bad, "%d malformed log lines, e.g. %r" % (len(bad), bad[:1]))

        for secret, what in ((PW, "the password"),
                             (plain_blob(USER, PW), "the AUTH PLAIN blob"),
                             (base64.b64encode(PW.encode()).decode(), "the base64 password")):
            check(secret not in log, "sealed.log contains %s" % what)

        for cport, sent, codes in ((p_port, p_sent, p_codes), (l_port, l_sent, l_codes)):
            ms = _lines_for(log, cport)
            check(ms, "no log lines for the session from port %d" % cport)
            cl = [m.group(6) for m in ms if m.group(5) == "C:"]
            sl = [m.group(6) for m in ms if m.group(5) == "S:"]
            ev = [m.group(6) for m in ms if m.group(5) == "*"]
            check(any(l.upper().startswith("MAIL FROM:") for l in cl), "no C: line for MAIL FROM")
            check(any(l.startswith("250") for l in sl), "no S: line with 250")
            check(any(re.match(r"(RCPT TO:|DATA|QUIT|EHLO)", l, re.I) for l in cl),
                  "commands missing from the log")
            # One C: line per command (the message body is not logged line by line).
            want = [x for x in sent if x not in ("(message)",)]
            plain_cmds = [x for x in want if x.split(" ")[0].isupper() and x != "(password)"]
            for cmdline in plain_cmds:
                verb = cmdline.split(" ")[0]
                check(any(l.upper().startswith(verb) for l in cl), "no C: line for %s" % verb)
            check(len(cl) <= len(sent) + 1, "more C: lines (%d) than commands (%d): %r"
                  % (len(cl), len(sent), cl))
            # Every reply appears, in order.
            codes_logged = [int(l[:3]) for l in sl if l[:3].isdigit()]
            it = iter(codes_logged)
            check(all(any(c == x for x in it) for c in codes),
                  "reply codes %r not logged in order (log has %r)" % (codes, codes_logged))
            check(ev and any("connect" in e.lower() for e in ev), "no connect event")
            check(any(re.search(r"TLSv?1\.[23]", e) for e in ev), "no tls event with the version")
            users = {m.group(4) for m in ms}
            check("-" in users and USER in users, "user field: %r (want - then %s)" % (users, USER))


class _Raw:
    """Bytes over TLS to one of the server's ports, a reply at a time."""

    def __init__(self, port):
        raw = socket.create_connection(("127.0.0.1", port), timeout=deadline(20))
        self.sock = client_context().wrap_socket(raw, server_hostname="localhost")
        self.buf = b""

    def until(self, end):
        while end not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed; got %r" % self.buf[-200:])
            self.buf += chunk
        got, self.buf = self.buf.split(end, 1)
        return got.decode("utf-8", "replace")

    def line(self, data):
        self.sock.sendall(data + b"\r\n")
        return self.until(b"\r\n")

    def close(self):
        self.sock.close()


def _b64(data):
    return base64.b64encode(data).decode()


def _pop3_probes(port, secrets):
    """PASS and AUTH with TABs, doubled spaces, other controls, lowercase
    verbs, and a SASL continuation line after "+ "."""
    c = _Raw(port)
    c.until(b"\r\n")
    n = len(secrets)
    for i, form in enumerate((b"PASS\t%s", b"pass  %s", b"PaSs\x0b%s", b"PASS:%s")):
        c.line(b"USER probe%d" % (n + i))
        secrets.append("pop3-pass-%d-Xq7" % i)
        c.line(form % secrets[-1].encode())
    for i, form in enumerate((b"AUTH\tPLAIN\t%s", b"auth plain\t%s", b"auth\tplain  %s")):
        secrets.append("pop3-auth-%d-Xq7" % i)
        c.line(form % _b64(b"\0probe\0" + secrets[-1].encode()).encode())
    check(c.line(b"AUTH PLAIN").startswith("+"), "AUTH PLAIN: no continuation")
    secrets.append("pop3-cont-Xq7")
    c.line(_b64(b"\0probe\0" + secrets[-1].encode()).encode())
    c.line(b"QUIT")
    c.close()


def _smtp_probes(port, secrets):
    """AUTH PLAIN and LOGIN with TABs and lowercase, initial responses and
    continuation lines."""
    c = _Raw(port)
    c.until(b"\r\n")
    c.sock.sendall(b"EHLO probe.example\r\n")
    while not re.match(r"250 ", c.until(b"\r\n")):
        pass
    for i, form in enumerate((b"AUTH\tPLAIN\t%s", b"auth plain\t%s", b"Auth  Plain  %s",
                              b"AUTH PLAIN\x01%s")):
        secrets.append("smtp-plain-%d-Xq7" % i)
        c.line(form % _b64(b"\0probe\0" + secrets[-1].encode()).encode())
    secrets.append("smtp-login-ir-Xq7")
    c.line(b"auth\tlogin\t%s" % _b64(secrets[-1].encode()).encode())
    check(c.line(b"AUTH LOGIN").startswith("334"), "AUTH LOGIN: no 334")
    check(c.line(_b64(b"probe").encode()).startswith("334"), "AUTH LOGIN user: no 334")
    secrets.append("smtp-login-cont-Xq7")
    c.line(_b64(secrets[-1].encode()).encode())
    check(c.line(b"AUTH PLAIN").startswith("334"), "AUTH PLAIN: no 334")
    secrets.append("smtp-plain-cont-Xq7")
    c.line(_b64(b"\0probe\0" + secrets[-1].encode()).encode())
    c.line(b"QUIT")
    c.close()


def _rtsp_probes(port, secrets):
    """Authorization in any case, with TABs and spaces around the colon, no
    scheme, folded onto a second line, and Proxy-Authorization."""
    forms = (b"authorization\t:\tBasic\t%s", b"AUTHORIZATION :Basic  %s",
             b"Authorization: %s", b"Authorization: Basic\r\n\t%s",
             b"Proxy-Authorization:\tBasic %s")
    c = _Raw(port)
    for i, form in enumerate(forms):
        secrets.append("rtsp-%d-Xq7" % i)
        header = form % _b64(b"probe:" + secrets[-1].encode()).encode()
        c.sock.sendall(b"OPTIONS rtsps://localhost/ RTSP/1.0\r\nCSeq: %d\r\n%s\r\n\r\n"
                       % (i + 1, header))
        c.until(b"\r\n\r\n")
    c.close()


def test_log_masks_secrets_whatever_separates_the_words():
    with Server(name="redact", pop3=True, rtsp=True,
                    args=["--max-auth-failures", "100"]) as s:
        secrets = []
        _pop3_probes(s.pop3_port, secrets)
        _smtp_probes(s.port, secrets)
        _rtsp_probes(s.rtsp_port, secrets)
        s.stop()
        log = s.log()
        leaks = []
        for secret in secrets:
            for shown in (secret, _b64(secret.encode()), _b64(b"\0probe\0" + secret.encode()),
                          _b64(b"probe:" + secret.encode())):
                if shown in log:
                    leaks.append(shown)
        masked = [l for l in log.splitlines() if re.search(r" C: .*\*{8}$", l)]
        check(not leaks, "the log holds %d of %d secrets, e.g. %r in %r"
              % (len(leaks), len(secrets), leaks[:1],
                 [l for l in log.splitlines() if leaks[0] in l][:1] if leaks else None))
        check(len(masked) >= len(secrets), "only %d masked C: lines for %d secrets"
              % (len(masked), len(secrets)))
        print("# %d secrets sent over POP3, SMTP and RTSP (TABs, doubled spaces, controls, "
              "lowercase, continuation and folded lines): none in the log, %d masked C: lines"
              % (len(secrets), len(masked)), flush=True)


_REFUSED = re.compile(r"^.* 127\.0\.0\.1:(\d+) smtp - \* close tls handshake failed: (.*)$", re.M)


def _refusal(s, cport):
    """The close reason logged for the client port CPORT (waits for it)."""
    end = time.monotonic() + deadline(5)
    while True:
        found = [m.group(2) for m in _REFUSED.finditer(s.log()) if m.group(1) == str(cport)]
        if found or time.monotonic() > end:
            return found[0] if found else None
        time.sleep(0.05)


def _s_client(port, version, cafile):
    """openssl s_client that trusts only CAFILE: it refuses our certificate."""
    r = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, version,
                        "-CAfile", cafile, "-verify_return_error", "-servername", "localhost"],
                       input=b"", capture_output=True, timeout=deadline(20))
    check(r.returncode != 0, "s_client %s accepted a certificate its CA did not sign" % version)


def _python_client(port, version, cafile):
    """Python's ssl trusting CAFILE; returns (client port, the error it saw)."""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ctx.maximum_version = version
    with socket.create_connection(("127.0.0.1", port), timeout=deadline(20)) as raw:
        cport = raw.getsockname()[1]
        try:
            ctx.wrap_socket(raw, server_hostname="localhost").close()
        except ssl.SSLError as e:
            return cport, str(e)
    raise AssertionError("Python's ssl %s accepted the certificate" % version)


@library
def test_log_names_the_alert_of_a_client_that_refuses_the_certificate():
    """TLS 1.3 and 1.2: openssl s_client with another CA (unknown_ca), and
    Python's ssl facing an expired certificate (certificate_expired)."""
    shown = []
    with Server(name="alert") as s:
        other = make_certs()
        for version in ("-tls1_3", "-tls1_2"):
            before = len(_REFUSED.findall(s.log()))
            _s_client(s.port, version, other.crt)
            end = time.monotonic() + deadline(5)
            while len(_REFUSED.findall(s.log())) == before and time.monotonic() < end:
                time.sleep(0.05)
            got = [m.group(2) for m in _REFUSED.finditer(s.log())][before:]
            check(got and "alert unknown_ca" in got[0],
                  "s_client %s refused the certificate; the log says %r" % (version, got))
            shown.append("s_client %s: %s" % (version, got[0]))
    expired = make_bad_cert("expired")
    with Server(name="alert-expired", certs=expired) as s:
        for version, name in ((ssl.TLSVersion.TLSv1_3, "TLS 1.3"),
                              (ssl.TLSVersion.TLSv1_2, "TLS 1.2")):
            cport, err = _python_client(s.port, version, expired.crt)
            got = _refusal(s, cport)
            check(got is not None and "alert certificate_expired" in got,
                  "Python's ssl (%s) refused an expired certificate (%s); the log says %r (%r)"
                  % (name, err, got, [l for l in s.log().splitlines() if ":%d " % cport in l]))
            shown.append("Python ssl %s: %s" % (name, got))
    print("# " + "; ".join(shown), flush=True)
