"""Clients that vanish at awkward moments, and hostile input: the server
must lose nothing it acknowledged, keep serving everyone else, and (under
the sanitizers) neither leak nor touch freed memory."""

import socket
import ssl
import time

from lib import (DEFAULT_USERS, Server, Smtp, check, client_context, marker, message,
                 plain_blob, timeout)


def _raw_tls(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return client_context().wrap_socket(s, server_hostname="localhost")


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _healthy(s):
    """A full login and delivery still works on server S."""
    mark = marker()
    with Smtp(s.port) as c:
        c.expect("EHLO robust.example", 250)
        code, lines = c.login("alice", DEFAULT_USERS["alice"])
        check(code == 235, "login after the abuse: %r" % lines)
        c.expect("MAIL FROM:<alice@localhost>", 250)
        c.expect("RCPT TO:<bob@localhost>", 250)
        c.expect("DATA", 354)
        c.send(message(mark) + b".\r\n")
        code, lines = c.reply()
        check(code == 250, "delivery after the abuse: %r" % lines)
    check(any(mark.encode() in _read(m) for m in s.messages()), "the message did not arrive")


@timeout(60)
def test_client_vanishes_while_its_password_is_checked():
    with Server(name="vanish-auth") as s:
        blob = plain_blob("alice", DEFAULT_USERS["alice"])
        for _ in range(20):
            t = _raw_tls(s.port)
            t.recv(1000)
            t.sendall(("EHLO x\r\nAUTH PLAIN %s\r\n" % blob).encode())
            t.close()                       # gone before the hash is done
        time.sleep(0.5)
        check(s.alive(), "the server died")
        _healthy(s)


@timeout(60)
def test_client_vanishes_between_final_dot_and_reply():
    with Server(name="vanish-dot") as s:
        marks = []
        for _ in range(10):
            mark = marker()
            marks.append(mark)
            with Smtp(s.port) as c:
                c.expect("EHLO x", 250)
                c.login("alice", DEFAULT_USERS["alice"])
                c.expect("MAIL FROM:<alice@localhost>", 250)
                c.expect("RCPT TO:<bob@localhost>", 250)
                c.expect("DATA", 354)
                c.send(message(mark) + b".\r\n")   # then hang up at once
        time.sleep(0.5)
        check(s.alive(), "the server died")
        stored = [_read(m) for m in s.messages()]
        for mark in marks:   # delivered whole or not at all, never twice
            n = sum(m.count(mark.encode()) > 0 for m in stored)
            check(n <= 1, "message %s stored %d times" % (mark, n))
        _healthy(s)


@timeout(60)
def test_garbage_and_binary_lines_get_errors_not_crashes():
    with Server(name="garbage") as s, Smtp(s.port) as c:
        c.expect("EHLO x", 250)
        for line in (b"\x00\x01\x02", b"\xff\xfe MAIL", b"AUTH PLAIN !!!!", b"AUTH FOO",
                     b"MAIL FROM:<" + b"a" * 900 + b">", b"RCPT", b"VRFY", b"AUTH"):
            c.send(line + b"\r\n")
            code, lines = c.reply()
            check(500 <= code < 600, "%r: want a 5xx reply, got %r" % (line[:20], lines))
        c.expect("NOOP", 250)
        _healthy(s)


@timeout(60)
def test_auth_cancel_and_bad_base64_keep_session():
    with Server(name="authcancel") as s, Smtp(s.port) as c:
        c.expect("EHLO x", 250)
        c.expect("AUTH PLAIN", 334)
        c.expect("*", 501)
        c.expect("AUTH LOGIN", 334)
        c.expect("%%%not-base64", 501)
        code, lines = c.login("alice", DEFAULT_USERS["alice"])
        check(code == 235, "login after cancelled attempts: %r" % lines)


def _tls_from(port, source):
    s = socket.socket()
    s.settimeout(10)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return client_context().wrap_socket(s, server_hostname="localhost")


@timeout(60)
def test_per_address_limit_refuses_the_excess_and_spares_127_0_0_1():
    with Server(name="perip", args=["--max-conns-per-ip", "3"]) as s:
        held = [_tls_from(s.port, "127.0.0.2") for _ in range(3)]
        for t in held:
            check(t.recv(100).startswith(b"220"), "an allowed connection got no greeting")
        refused = 0
        for _ in range(3):
            try:
                t = _tls_from(s.port, "127.0.0.2")
                if not t.recv(100):
                    refused += 1
                t.close()
            except (ssl.SSLError, ConnectionError, OSError):
                refused += 1
        check(refused == 3, "%d of 3 connections over the limit were refused" % refused)
        local = [_tls_from(s.port, "127.0.0.1") for _ in range(6)]
        for t in local:
            check(t.recv(100).startswith(b"220"), "127.0.0.1 is not exempt from the limit")
        for t in held + local:
            t.close()
        time.sleep(0.3)
        again = _tls_from(s.port, "127.0.0.2")       # slots are given back on close
        check(again.recv(100).startswith(b"220"), "a freed slot was not given back")
        again.close()
        check("too many connections from this address" in s.log(),
              "the refusal is not logged")
