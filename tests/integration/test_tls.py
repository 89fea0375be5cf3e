"""TLS policy seen from outside: openssl s_client with old and new versions,
and a plaintext client that must get no SMTP reply in clear."""

import re
import socket
import time

from lib import (Smtp, check, deadline, default_certs, run, shared, tail, timeout)

LIBRARY = True          # every test here is a handshake or a TLS rule: run.py --library


def _s_client(port, *opts, input=b"QUIT\n"):   # -crlf makes it CRLF
    args = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
            "-CAfile", default_certs().crt, "-ign_eof", "-crlf"] + list(opts)
    r = run(args, input=input, timeout=30)
    return r, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def _tls11_refused(extra):
    s = shared()
    r, out, err = _s_client(s.port, "-tls1_1", *extra)
    check(r.returncode != 0, "s_client -tls1_1 %s succeeded: %s" % (" ".join(extra), tail(out)))
    check(not re.search(r"^220 ", out, re.M), "got an SMTP greeting over TLS 1.1")
    check(not re.search(r"^New, TLSv1\.1", out, re.M), "a TLS 1.1 session was made")
    check(re.search(r"^New, \(NONE\), Cipher is \(NONE\)", out, re.M),
          "no 'New, (NONE), Cipher is (NONE)' line: %s" % tail(out))
    return err


def test_tls11_refused():
    _tls11_refused([])


def test_tls11_refused_even_when_offered():
    # SECLEVEL=0 makes this openssl really send a TLS 1.1 ClientHello.
    err = _tls11_refused(["-cipher", "DEFAULT@SECLEVEL=0"])
    check("no protocols available" not in err,
          "test bug: the local openssl did not offer TLS 1.1: %s" % tail(err))


def test_tls12_accepted():
    r, out, err = _s_client(shared().port, "-tls1_2")
    # The exit status is not checked: openssl 3 calls a close without
    # close_notify after QUIT an error. What counts is the session made.
    check(re.search(r"^New, TLSv1\.2, Cipher is", out, re.M),
          "no 'New, TLSv1.2' line (exit %d): %s" % (r.returncode, tail(err)))
    check(re.search(r"Protocol\s*:\s*TLSv1\.2", out), "no 'Protocol : TLSv1.2': %s" % tail(out))
    check(re.search(r"^220 ", out, re.M), "no SMTP greeting over TLS 1.2")
    check("Verify return code: 0 (ok)" in out, "server cert did not verify")
    m = re.search(r"Cipher is (\S+)", out)
    check(m and re.search(r"ECDHE-(ECDSA|RSA)-(AES\d+-GCM|CHACHA20-POLY1305)", m.group(1)),
          "TLS 1.2 cipher is not ECDHE+AEAD: %s" % (m.group(1) if m else None))


def test_tls13_accepted():
    r, out, err = _s_client(shared().port, "-tls1_3")
    check("New, TLSv1.3" in out, "no 'New, TLSv1.3' line (exit %d): %s"
          % (r.returncode, tail(err)))
    check(re.search(r"Protocol\s*:\s*TLSv1\.3", out), "no 'Protocol : TLSv1.3': %s" % tail(out))
    check(re.search(r"^220 ", out, re.M), "no SMTP greeting over TLS 1.3")


def test_tls12_non_aead_cipher_refused():
    r, out, err = _s_client(shared().port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:AES128-SHA")
    check(r.returncode != 0 and not re.search(r"^220 ", out, re.M),
          "a CBC cipher was accepted: %s" % tail(out))


def test_plaintext_client_gets_no_clear_reply():
    s = shared()
    got = b""
    with socket.create_connection(("127.0.0.1", s.port), timeout=5) as sock:
        sock.sendall(b"EHLO x\r\n")
        end = time.monotonic() + deadline(12)     # handshake timeout is 10 s
        closed = False
        while time.monotonic() < end:
            try:
                chunk = sock.recv(4096)
            except (ConnectionResetError, BrokenPipeError):
                closed = True
                break
            except socket.timeout:
                continue
            if not chunk:
                closed = True
                break
            got += chunk
    check(b"220" not in got and b"250" not in got,
          "plaintext client got an SMTP reply in clear: %r" % got[:80])
    check(closed, "server kept a plaintext connection open (got %r)" % got[:40])
    # Nothing else is disturbed.
    with Smtp(s.port) as c:
        check(c.greeting[0] == 220, "greeting after plaintext client: %r" % (c.greeting,))


@timeout(60)
def test_silent_tcp_client_dropped_after_handshake_timeout():
    """A client that connects and never starts the handshake is dropped once
    the handshake timeout (10 s) passes; the limit is loose on purpose."""
    s = shared()
    with socket.create_connection(("127.0.0.1", s.port), timeout=1) as sock:
        t0 = time.monotonic()
        end = t0 + 30
        closed = False
        while time.monotonic() < end:
            try:
                if not sock.recv(4096):
                    closed = True
                    break
            except (ConnectionResetError, BrokenPipeError):
                closed = True
                break
            except socket.timeout:
                continue
        check(closed, "a silent connection is still open after 30 s")
    with Smtp(s.port) as c:
        check(c.greeting[0] == 220, "greeting after the timeout: %r" % (c.greeting,))
