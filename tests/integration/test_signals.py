"""Signals: SIGTERM during DATA delivers the message whole or not at all and
the server exits 0; SIGHUP reloads the certificate for new connections."""

import os
import shutil
import signal
import socket
import ssl
import time

from lib import (dot_stuff, DEFAULT_USERS, Closed, Server, Smtp, check, check_stored,
                 deadline, fingerprint_der, fingerprint_pem, find_messages, make_certs,
                 library, marker, message, seal, timeout, tmpdir)


def _all_whole(s):
    """Every file in bob's new/ is a whole message (ends with 'last line')."""
    for p in s.messages():
        with open(p, "rb") as f:
            data = f.read()
        check(data.replace(b"\r\n", b"\n").endswith(b"last line\n"),
              "partial file in new/: %s ends with %r" % (os.path.basename(p), data[-40:]))


def _start_data(s, mk):
    c = Smtp(s.port)
    code, lines = c.login("alice", DEFAULT_USERS["alice"])
    check(code == 235, "login: %r" % lines)
    c.expect("MAIL FROM:<alice@localhost>", 250)
    c.expect("RCPT TO:<bob@localhost>", 250)
    c.expect("DATA", 354)
    filler = ["%05d %s" % (i, "y" * 70) for i in range(400)]
    msg = message(mk, body_lines=filler)
    wire = dot_stuff(msg)
    half = len(wire) // 2
    c.send(wire[:half])
    return c, msg, wire[half:]


@timeout(90)
def test_sigterm_during_data_whole_or_nothing():
    s = Server(name="sigterm").start()
    try:
        mk = marker()
        c, msg, rest = _start_data(s, mk)
        time.sleep(0.3)
        s.signal(signal.SIGTERM)
        time.sleep(0.5)
        code, how = None, ""
        try:
            c.send(rest + b".\r\n")
            code, lines = c.reply()
            how = " / ".join(lines)
        except (Closed, OSError, ssl.SSLError) as e:
            how = "closed: %s" % e
        finally:
            c.close()
        rc = s.stop(timeout=45)
        check(rc == 0, "server exit %s after SIGTERM, want 0; %s" % (rc, s.why()))
        found = find_messages(s, mk)
        if code == 250:
            check(len(found) == 1, "250 but %d copies in new/" % len(found))
            check_stored(found[0], msg)
        else:
            check(code in (None, 421), "after SIGTERM the end of DATA got %s" % how)
            check(not found, "not accepted (%s) but in new/" % how)
        _all_whole(s)
    finally:
        s.stop()


@timeout(90)
def test_sigterm_then_client_vanishes_nothing_half():
    s = Server(name="sigterm2").start()
    try:
        mk = marker()
        c, msg, rest = _start_data(s, mk)
        time.sleep(0.3)
        s.signal(signal.SIGTERM)
        time.sleep(0.3)
        c.sock.shutdown(socket.SHUT_RDWR)
        c.close()
        rc = s.stop(timeout=45)
        check(rc == 0, "server exit %s after SIGTERM, want 0; %s" % (rc, s.why()))
        check(not find_messages(s, mk), "half a message is in new/")
        _all_whole(s)
    finally:
        s.stop()


def test_sigterm_idle_server_exits_0_quickly():
    s = Server(name="sigterm3").start()
    try:
        with Smtp(s.port) as c:
            c.expect("NOOP", 250)
            t0 = time.monotonic()
            s.signal(signal.SIGTERM)
            # An idle session gets a 421 (or is closed) rather than held 30 s.
            check(c.closed(deadline(10)), "idle session still open 10 s after SIGTERM")
        rc = s.stop(timeout=30)
        check(rc == 0, "exit %s, want 0" % rc)
        check(time.monotonic() - t0 < deadline(15), "took %.0f s to stop" % (time.monotonic() - t0))
    finally:
        s.stop()


def _peer_fingerprint(port):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("localhost", port), timeout=deadline(10)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as t:
            return fingerprint_der(t.getpeercert(binary_form=True))


@library
@timeout(90)
def test_sighup_reloads_cert():
    d = tmpdir("hup")
    first = make_certs(d=os.path.join(d, "a"))
    second = make_certs(d=os.path.join(d, "b"))
    live = make_certs(d=os.path.join(d, "live"))
    for src, dst in ((first.crt, live.crt), (first.key, live.key)):
        shutil.copyfile(src, dst)
    fp1, fp2 = fingerprint_pem(first.crt), fingerprint_pem(second.crt)
    check(fp1 != fp2, "test bug: two certs with one fingerprint")
    with Server(certs=live, name="sighup") as s:
        check(_peer_fingerprint(s.port) == fp1, "server does not show the first cert")
        old = Smtp(s.port, cafile=first.crt)
        try:
            old.expect("NOOP", 250)
            shutil.copyfile(second.crt, live.crt)
            shutil.copyfile(second.key, live.key)
            s.signal(signal.SIGHUP)
            end = time.monotonic() + deadline(10)
            got = None
            while time.monotonic() < end:
                got = _peer_fingerprint(s.port)
                if got == fp2:
                    break
                time.sleep(0.2)
            check(got == fp2, "after SIGHUP new connections still see %s" % got)
            with Smtp(s.port, cafile=second.crt) as c:
                c.expect("NOOP", 250)
            # The connection made before the reload still works.
            old.expect("NOOP", 250)
        finally:
            old.close()
        check(s.alive(), "server died on SIGHUP")
        r = seal(["--show-cert", s.url(), "--cafile", second.crt])
        flat = "".join(ch for ch in r.stdout.decode("utf-8", "replace").upper()
                   if ch in "0123456789ABCDEF")
        check(r.returncode == 0 and fp2.replace(":", "") in flat,
              "seal --show-cert after SIGHUP (exit %d) does not show the new fingerprint"
              % r.returncode)

