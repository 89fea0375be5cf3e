"""The PROXY protocol on sealed's listeners (issue 15, part 1 and 4).

One server trusts 127.0.0.1 (--proxy-from 127.0.0.1); the tests speak as a
load balancer would, from 127.0.0.1, and as a stranger, from 127.0.0.9:

- a v2 header for 198.51.100.7 and the ClientHello in ONE write (the
  OpenSMTPD smtps + proxy-v2 bug): served, and that address is the client in
  the log, the Received: header, the password-failure slow-down and the
  per-address limit;
- the same header from 127.0.0.9 is never parsed: the handshake fails;
- v1, LOCAL (a health check: the proxy itself), a header split across two
  writes;
- a bad signature, version, command or length: closed and logged at once;
- nothing, or half a header, from a trusted address: closed by the PROXY
  timeout (5 s), logged.
"""

import base64
import re
import socket
import ssl
import struct
import threading
import time

import lib
from lib import Closed, Server, check, client_context, deadline, timeout

CLIENT = "198.51.100.7"
V2_SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def v2(src=CLIENT, sport=40000, dst="192.0.2.1", dport=8465, cmd=0x21, fam=0x11, tlvs=b""):
    """A PROXY v2 header (TCP over IPv4 unless FAM says otherwise)."""
    body = b""
    if fam == 0x11:
        body = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!HH", sport, dport)
    return V2_SIG + bytes([cmd, fam]) + struct.pack("!H", len(body) + len(tlvs)) + body + tlvs


def v1(src=CLIENT, sport=40000, dst="192.0.2.1", dport=8465):
    return ("PROXY TCP4 %s %s %d %d\r\n" % (src, dst, sport, dport)).encode()


class BioTls:
    """A TLS client over a socket whose first write is PREFIX followed by the
    ClientHello, in one send (ssl.MemoryBIO: Python's own wrap_socket would
    send the ClientHello by itself)."""

    def __init__(self, sock, prefix=b"", split_at=None):
        self.sock = sock
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = client_context().wrap_bio(self.inc, self.out, server_hostname="localhost")
        self.buf = b""
        try:
            self.tls.do_handshake()
        except ssl.SSLWantReadError:
            pass
        first = prefix + self.out.read()
        if split_at is None:
            sock.sendall(first)
        else:                                   # the header in two writes
            sock.sendall(first[:split_at])
            time.sleep(0.3)
            sock.sendall(first[split_at:])
        self._pump(self.tls.do_handshake)

    def _pump(self, op):
        while True:
            try:
                r = op()
                data = self.out.read()
                if data:
                    self.sock.sendall(data)
                return r
            except ssl.SSLWantReadError:
                data = self.out.read()
                if data:
                    self.sock.sendall(data)
                try:
                    got = self.sock.recv(65536)
                except (ConnectionResetError, BrokenPipeError) as e:
                    raise Closed("connection closed: %s" % e)
                if not got:
                    raise Closed("connection closed")
                self.inc.write(got)
            except (ssl.SSLError, ssl.SSLEOFError) as e:
                raise Closed("TLS failed: %s" % e)

    def line(self):
        while b"\n" not in self.buf:
            self.buf += self._pump(lambda: self.tls.read(65536))
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return int(lines[-1][:3]), lines

    def cmd(self, text):
        self._pump(lambda: self.tls.write(text.encode() + b"\r\n"))
        return self.reply()

    def close(self):
        self.sock.close()


def connect(port, source="127.0.0.1"):
    s = socket.create_connection(("127.0.0.1", port), timeout=deadline(15),
                                 source_address=(source, 0))
    return s


def session(port, prefix, source="127.0.0.1", split_at=None):
    """A TLS session after PREFIX; returns (BioTls, greeting code)."""
    t = BioTls(connect(port, source), prefix, split_at)
    code, _ = t.reply()
    return t, code


def closed_without_tls(port, prefix, source="127.0.0.1"):
    """True when the server ends the connection instead of finishing a
    handshake after PREFIX + ClientHello."""
    try:
        t, _ = session(port, prefix, source)
    except (Closed, OSError):
        return True
    t.close()
    return False


def proxy_server(*args):
    return Server(args=["--proxy-from", "127.0.0.1"] + list(args), name="proxy")


def log_after(s, mark):
    return s.log()[mark:]


@timeout(60)
def test_proxy_v2_with_client_hello_in_one_write_names_the_real_client():
    with proxy_server() as s:
        mark = len(s.log())
        t, code = session(s.port, v2(sport=40000))
        check(code == 220, "no greeting after v2 header + ClientHello in one write: %s" % code)
        blob = base64.b64encode(b"\0alice\0alice-Secret-1").decode()
        t.cmd("EHLO proxy.test")
        check(t.cmd("AUTH PLAIN " + blob)[0] == 235, "login via proxy failed")
        mk = lib.marker()
        data = lib.message(mk)
        check(t.cmd("MAIL FROM:<alice@localhost>")[0] == 250, "MAIL")
        check(t.cmd("RCPT TO:<bob@localhost>")[0] == 250, "RCPT")
        check(t.cmd("DATA")[0] == 354, "DATA")
        t._pump(lambda: t.tls.write(lib.dot_stuff(data) + b".\r\n"))
        check(t.reply()[0] == 250, "message not accepted")
        t.close()
        log = log_after(s, mark)
        check(re.search(r" %s:40000 smtp - \* connect via proxy 127\.0\.0\.1:\d+ \(PROXY v2\)"
                        % re.escape(CLIENT), log), "log does not name %s: %s" % (CLIENT, log[:400]))
        check(re.search(r" %s:40000 smtp alice S: 235" % re.escape(CLIENT), log),
              "the session's lines do not carry the client address")
        files = lib.find_messages(s, mk)
        check(len(files) == 1, "message stored %d times" % len(files))
        _, added = lib.check_stored(files[0], data)
        check("([%s])" % CLIENT in added, "Received: does not name [%s]: %r" % (CLIENT, added))
        # the slow-down counts the real address: two failures from it, then
        # its next login is delayed (127.0.0.1, the proxy, would be exempt)
        for i in range(2):
            t, _ = session(s.port, v2(sport=40001 + i))
            t.cmd("EHLO proxy.test")
            bad = base64.b64encode(b"\0alice\0wrong-%d" % i).decode()
            check(t.cmd("AUTH PLAIN " + bad)[0] == 535, "wrong password not refused")
            t.close()
        t, _ = session(s.port, v2(sport=40009))
        t.cmd("EHLO proxy.test")
        t.cmd("AUTH PLAIN " + blob)
        t.close()
        log = log_after(s, mark)
        check(re.search(r"auth delayed \d+ ms: recent failures from %s" % re.escape(CLIENT), log),
              "no slow-down keyed on %s: %s" % (CLIENT, log[-600:]))
        st = lib.run([lib.sealed(), "--data-dir", s.data_dir, "status"]).stdout.decode()
        check(re.search(r"^proxy_headers [1-9]", st, re.M), "status: %s" % st)


@timeout(60)
def test_proxy_header_from_an_untrusted_address_is_never_parsed():
    with proxy_server() as s:
        mark = len(s.log())
        check(closed_without_tls(s.port, v2(), source="127.0.0.9"),
              "a PROXY header from 127.0.0.9 (not --proxy-from) was taken")
        time.sleep(0.2)
        log = log_after(s, mark)
        check(CLIENT not in log, "the untrusted header's address reached the log")
        check(re.search(r" 127\.0\.0\.9:\d+ smtp - \* close tls handshake failed", log),
              "the stranger's failed handshake is not logged: %s" % log[-400:])
        # and without --proxy-from nobody's header is read
        with Server(name="noproxy") as plain:
            check(closed_without_tls(plain.port, v2()), "header taken without --proxy-from")
            t, code = session(plain.port, b"")
            check(code == 220, "a plain client is not served without --proxy-from")
            t.close()


@timeout(60)
def test_proxy_v1_local_and_split_headers():
    with proxy_server() as s:
        mark = len(s.log())
        t, code = session(s.port, v1(src="203.0.113.9", sport=1234))
        check(code == 220, "v1 header not served")
        t.close()
        t, code = session(s.port, v2(cmd=0x20, fam=0x00))          # LOCAL
        check(code == 220, "LOCAL (a health check) not served")
        t.close()
        t, code = session(s.port, v2(sport=40100, tlvs=b"\x04\x00\x02ab"), split_at=7)
        check(code == 220, "header split across two writes not served")
        t.close()
        t, code = session(s.port, v1(sport=40200), split_at=20)
        check(code == 220, "v1 line split across two writes not served")
        t.close()
        time.sleep(0.2)
        log = log_after(s, mark)
        check(" 203.0.113.9:1234 smtp - * connect via proxy" in log, "v1 address not in the log")
        check(re.search(r" 127\.0\.0\.1:\d+ smtp - \* connect via proxy 127\.0\.0\.1:\d+ "
                        r"\(PROXY v2, LOCAL: the proxy's own\)", log), "LOCAL not logged as the proxy")
        check(" %s:40100 smtp" % CLIENT in log and " %s:40200 smtp" % CLIENT in log,
              "split headers' address not in the log")


@timeout(60)
def test_proxy_bad_headers_close_at_once_and_are_logged():
    bad = {
        "signature": b"\r\n\r\n\x00\r\nQUIZ\n\x21\x11\x00\x0c" + bytes(12),
        "version": v2(cmd=0x11),
        "command": v2(cmd=0x2f),
        "family": v2(fam=0x31),
        "length": V2_SIG + b"\x21\x11\x08\x01" + bytes(12),     # 2049 > the cap
        "short body": V2_SIG + b"\x21\x11\x00\x08" + bytes(8),
        "v1 syntax": b"PROXY TCP4 198.51.100.7 192.0.2.1 40000\r\n",
    }
    with proxy_server() as s:
        mark = len(s.log())
        for what, header in bad.items():
            check(closed_without_tls(s.port, header), "bad %s was served" % what)
        time.sleep(0.3)
        log = log_after(s, mark)
        n = len(re.findall(r"close proxy header refused: ", log))
        check(n == len(bad), "%d of %d bad headers logged as refused: %s" % (n, len(bad), log[-800:]))
        check(CLIENT not in log, "a refused header's address was used")
        # a bare ClientHello from the proxy's address is a bad signature too
        check(closed_without_tls(s.port, b""), "no header from a trusted address was served")


@timeout(60)
def test_proxy_missing_or_partial_header_times_out():
    with proxy_server() as s:
        mark = len(s.log())
        socks = {"nothing": connect(s.port), "half a v2 header": connect(s.port),
                 "half a v1 line": connect(s.port)}
        socks["half a v2 header"].sendall(V2_SIG[:10])
        socks["half a v1 line"].sendall(b"PROXY TCP4 198.51")
        t0 = time.monotonic()
        took = {}
        for what, sk in socks.items():
            sk.settimeout(deadline(20))
            try:
                got = sk.recv(100)
            except ConnectionResetError:
                got = b""
            check(got == b"", "%s: the server sent %r" % (what, got))
            took[what] = time.monotonic() - t0
            sk.close()
        time.sleep(0.2)
        n = log_after(s, mark).count("close proxy header timed out")
        check(n == 3, "%d of 3 timeouts logged" % n)
        print("# no or partial PROXY header: closed after %s s (PROXY_TIMEOUT_MS 5000)"
              % ", ".join("%.1f" % v for v in took.values()), flush=True)


@timeout(60)
def test_proxy_per_address_limit_counts_the_header_address():
    with proxy_server("--max-conns-per-ip", "2") as s:
        mark = len(s.log())
        held = [session(s.port, v2(src="198.51.100.20", sport=41000 + i))[0] for i in range(2)]
        check(closed_without_tls(s.port, v2(src="198.51.100.20", sport=41002)),
              "a third connection for 198.51.100.20 was served (limit 2)")
        other, code = session(s.port, v2(src="198.51.100.21", sport=41003))
        check(code == 220, "another client behind the same proxy was refused")
        for t in held + [other]:
            t.close()
        time.sleep(0.3)
        again, code = session(s.port, v2(src="198.51.100.20", sport=41004))
        check(code == 220, "198.51.100.20 not served again after its connections closed")
        again.close()
        log = log_after(s, mark)
        check(re.search(r"198\.51\.100\.20: connection via proxy 127\.0\.0\.1:\d+ refused: "
                        r"too many connections from this address", log), "refusal not logged")
