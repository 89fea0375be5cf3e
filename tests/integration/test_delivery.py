"""Delivery: seal --batch, curl and Python's smtplib each send a message that
is then found in bob's Maildir new/, byte for byte after the trace headers
(Return-Path: with the envelope sender, then Received: naming the client's
EHLO name and address literal) and any Message-ID:/Date: the server added."""

import os
import smtplib

from lib import (DEFAULT_USERS, Server, check, check_stored, client_context, deadline,
                 default_certs, find_messages, marker, message, password_file, plain_blob, run,
                 seal, shared, tail, tmpdir)


def _one_delivered(s, mk, original, helo, sender="alice@localhost", user="bob",
                   literal="[127.0.0.1]"):
    """The one stored copy of the message with MK: the trace headers on top
    (Return-Path: <SENDER>, then Received: from HELO (LITERAL)), then
    ORIGINAL byte for byte. Returns the added text."""
    found = find_messages(s, mk, user)
    check(len(found) == 1, "want 1 message with marker %s in %s, found %d"
          % (mk, s.new_dir(user), len(found)))
    _, added = check_stored(found[0], original)
    want = "Return-Path: <%s>\nReceived: from %s (%s)\n\tby localhost (sealed) " \
        % (sender, helo, literal)
    check(added.startswith(want), "trace headers: want %r, got %r" % (want, added[:120]))
    return added


def _dot_stuff(lines):
    return ["." + l if l.startswith(".") else l for l in lines]


def test_seal_batch_delivers():
    s = shared()
    mk = marker()
    original = message(mk)
    body = original.decode("utf-8").split("\r\n")[:-1]
    script = ["EHLO test.example",
              "MAIL FROM:<alice@localhost>",
              "RCPT TO:<bob@localhost>",
              "DATA"] + _dot_stuff(body) + [".", "QUIT"]
    r = seal(["--batch", "--cafile", default_certs().crt, "--user", "alice",
              "--password-file", password_file(DEFAULT_USERS["alice"]), s.url()],
             input="\n".join(script) + "\n")
    out = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0, "seal exit %d: %s / %s" % (r.returncode, tail(r.stderr), tail(out)))
    check("S: 235" in out, "no 235 (auth ok) in the transcript: %s" % tail(out, 8))
    check("S: 354" in out, "no 354 after DATA in the transcript: %s" % tail(out, 8))
    check(any(l.startswith("S: 250") and "queued" in l for l in out.splitlines()),
          "no '250 ... queued' in the transcript: %s" % tail(out, 8))
    check(DEFAULT_USERS["alice"] not in out, "the transcript shows the password")
    check(plain_blob("alice", DEFAULT_USERS["alice"]) not in out,
          "the transcript shows the AUTH PLAIN blob")
    added = _one_delivered(s, mk, original, "test.example")
    check("(authenticated user alice)" in added,
          "Received: does not name the user alice: %r" % added[:200])


def test_curl_delivers():
    s = shared()
    mk = marker()
    original = message(mk)
    f = os.path.join(tmpdir("curl"), "msg.eml")
    with open(f, "wb") as fh:
        fh.write(original)
    r = run(["curl", "-sS", "--ssl-reqd", "--cacert", default_certs().crt,
             "--url", "smtps://localhost:%d" % s.port,
             "--user", "alice:" + DEFAULT_USERS["alice"],
             "--mail-from", "alice@localhost", "--mail-rcpt", "bob@localhost",
             "--upload-file", f], timeout=30)
    check(r.returncode == 0, "curl exit %d: %s" % (r.returncode, tail(r.stderr)))
    _one_delivered(s, mk, original, "msg.eml")     # curl's EHLO: the upload's file name


def test_smtplib_delivers():
    s = shared()
    mk = marker()
    original = message(mk)
    with smtplib.SMTP_SSL("localhost", s.port, context=client_context(), timeout=30) as c:
        c.login("alice", DEFAULT_USERS["alice"])
        refused = c.sendmail("alice@localhost", ["bob@localhost"], original)
        check(refused == {}, "recipients refused: %r" % refused)
        helo = c.local_hostname
    _one_delivered(s, mk, original, helo)


def test_smtplib_without_message_id_gets_one():
    """A message without Message-ID and Date gets both added at the top."""
    s = shared()
    mk = marker()
    original = ("From: alice@localhost\r\nTo: bob@localhost\r\nSubject: %s\r\n\r\n"
                "body %s\r\n" % (mk, mk)).encode()
    with smtplib.SMTP_SSL("localhost", s.port, context=client_context(), timeout=30) as c:
        c.login("alice", DEFAULT_USERS["alice"])
        c.sendmail("alice@localhost", ["bob@localhost"], original)
        helo = c.local_hostname
    added = _one_delivered(s, mk, original, helo)
    check("\nMessage-ID:" in "\n" + added.replace("\r\n", "\n")
          or "\nMessage-Id:" in "\n" + added.replace("\r\n", "\n"),
          "no Message-ID added: %r" % added)
    check("\nDate:" in "\n" + added.replace("\r\n", "\n"), "no Date added: %r" % added)


def test_two_recipients_each_get_it():
    s = shared()
    mk = marker()
    original = message(mk)
    with smtplib.SMTP_SSL("localhost", s.port, context=client_context(), timeout=30) as c:
        c.login("bob", DEFAULT_USERS["bob"])
        c.sendmail("bob@localhost", ["bob@localhost", "alice@localhost"], original)
        helo = c.local_hostname
    _one_delivered(s, mk, original, helo, sender="bob@localhost")
    _one_delivered(s, mk, original, helo, sender="bob@localhost", user="alice")


def test_received_names_an_ipv6_client_by_an_ipv6_literal():
    """Issue 12, item 11: a client on ::1 is `([IPv6:::1])` in Received:."""
    with Server(name="v6", args=["--listen", "::1"]) as s:   # ready: its log line
        mk = marker()
        original = message(mk)
        ctx = client_context()
        ctx.check_hostname = False        # the certificate names 127.0.0.1, not ::1
        with smtplib.SMTP_SSL("::1", s.port, context=ctx, timeout=deadline(30)) as c:
            c.login("alice", DEFAULT_USERS["alice"])
            c.sendmail("alice@localhost", ["bob@localhost"], original)
            helo = c.local_hostname
        _one_delivered(s, mk, original, helo, literal="[IPv6:::1]")
