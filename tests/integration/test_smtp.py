"""SMTP replies, checked code by code over a raw TLS socket."""

import base64
import os
import re
import smtplib

from lib import (LOG_EXCHANGE, dot_stuff, DEFAULT_USERS, Closed, Server, Smtp, TestFailure,
                 check, check_stored, client_context, deadline, default_certs, find_messages,
                 marker, message, password_file, plain_blob, run, seal, sealed, shared, tail,
                 timeout, tmpdir, seal_load, why)


def test_greeting_and_ehlo_keywords():
    s = shared()
    with Smtp(s.port) as c:
        code, lines = c.greeting
        check(code == 220, "greeting: %r" % lines)
        code, lines = c.cmd("EHLO test.example")
        check(code == 250, "EHLO: %r" % lines)
        text = "\n".join(l[4:].upper() for l in lines)
        for kw in ("AUTH", "PLAIN", "LOGIN", "SIZE", "8BITMIME", "PIPELINING",
                   "ENHANCEDSTATUSCODES"):
            check(kw in text, "EHLO does not advertise %s: %r" % (kw, lines))
        c.expect("QUIT", 221)


def test_wrong_password_535_and_no_delivery():
    with Server(name="auth535") as s, Smtp(s.port, source="127.0.0.2") as c:
        before = len(s.messages())
        code, lines = c.login("alice", "not-the-password")
        check(code == 535, "AUTH with a wrong password: want 535, got %r" % lines)
        # Still not logged in: the transaction is refused and nothing arrives.
        c.expect("MAIL FROM:<alice@localhost>", 530)
        code, lines = c.cmd("RCPT TO:<bob@localhost>")
        check(code in (503, 530), "RCPT after a refused MAIL: %r" % lines)
        code, lines = c.cmd("DATA")
        check(code in (503, 530, 554), "DATA without sender: %r" % lines)
        check(len(s.messages()) == before, "a message was delivered without a valid login")


@timeout(90)
def test_max_auth_failures_closes_with_421():
    with Server(name="authmax") as s, Smtp(s.port, source="127.0.0.3") as c:
        c.expect("EHLO test.example", 250)
        codes = []
        for i in range(3):
            code, lines = c.cmd("AUTH PLAIN " + plain_blob("alice", "wrong-%d" % i))
            codes.append(code)
        check(codes[:2] == [535, 535], "first two failures: %r" % codes)
        if codes[2] == 535:
            try:
                code, lines = c.reply()
            except Closed:
                raise AssertionError("closed after the 3rd failure without a 421 reply")
            codes.append(code)
        check(codes[-1] == 421, "after 3 failures want a final 421, got %r" % codes)
        check(c.closed(10), "connection still open after the 421")


def test_wrong_password_auth_login_535():
    with Server(name="authlogin") as s, Smtp(s.port, source="127.0.0.5") as c:
        c.expect("EHLO test.example", 250)
        c.expect("AUTH LOGIN", 334)
        c.expect(base64.b64encode(b"alice").decode(), 334)
        c.expect(base64.b64encode(b"wrong").decode(), 535)
        # The right one works on the same connection (one failure < 3).
        c.expect("AUTH LOGIN " + base64.b64encode(b"alice").decode(), 334)
        c.expect(base64.b64encode(DEFAULT_USERS["alice"].encode()).decode(), 235)


def test_mail_before_auth_530():
    with Smtp(shared().port) as c:
        c.expect("EHLO test.example", 250)
        c.expect("MAIL FROM:<alice@localhost>", 530)
        c.expect("NOOP", 250)


def test_data_before_rcpt_503():
    with Smtp(shared().port) as c:
        c.login("alice", DEFAULT_USERS["alice"])
        c.expect("MAIL FROM:<alice@localhost>", 250)
        c.expect("DATA", 503)
        c.expect("RSET", 250)


def test_rcpt_before_mail_503():
    with Smtp(shared().port) as c:
        code, lines = c.login("alice", DEFAULT_USERS["alice"])
        check(code == 235, "login: %r" % lines)
        c.expect("RCPT TO:<bob@localhost>", 503)


def test_unknown_recipient_550():
    with Smtp(shared().port) as c:
        c.login("alice", DEFAULT_USERS["alice"])
        c.expect("MAIL FROM:<alice@localhost>", 250)
        c.expect("RCPT TO:<nobody-here@localhost>", 550)
        # A known one still works after.
        c.expect("RCPT TO:<bob@localhost>", 250)
        c.expect("RSET", 250)


def test_oversize_message_552():
    with Server(name="size", args=["--max-message-size", "10000"]) as s, Smtp(s.port) as c:
        code, lines = c.login("alice", DEFAULT_USERS["alice"])
        check(code == 235, "login: %r" % lines)
        code, lines = c.cmd("EHLO again.example")
        check(any("SIZE 10000" in l.upper() for l in lines),
              "EHLO does not advertise SIZE 10000: %r" % lines)
        c.expect("MAIL FROM:<alice@localhost>", 250)
        c.expect("RCPT TO:<bob@localhost>", 250)
        c.expect("DATA", 354)
        mk = marker()
        filler = ["%05d %s" % (i, "x" * 93) for i in range(200)]   # 20,000 bytes
        c.send(dot_stuff(message(mk, body_lines=filler)) + b".\r\n")
        code, lines = c.reply()
        check(code == 552, "20 KB message with a 10000 limit: want 552, got %r" % lines)
        check(not find_messages(s, mk), "the oversized message was delivered")
        c.expect("NOOP", 250)


def test_mail_size_parameter_552():
    with Server(name="sizeparam", args=["--max-message-size", "10000"]) as s, \
            Smtp(s.port) as c:
        c.login("alice", DEFAULT_USERS["alice"])
        c.expect("MAIL FROM:<alice@localhost> SIZE=999999", 552)
        c.expect("MAIL FROM:<alice@localhost> SIZE=5000", 250)


def test_long_command_line_500_then_session_goes_on():
    with Smtp(shared().port) as c:
        c.expect("EHLO test.example", 250)
        line = "NOOP " + "x" * 1995
        check(len(line) == 2000, "test bug: line length")
        c.expect(line, 500)
        c.expect("NOOP", 250)


def test_pipelining_replies_in_order():
    s = shared()
    mk = marker()
    with Smtp(s.port) as c:
        c.login("alice", DEFAULT_USERS["alice"])
        c.send("MAIL FROM:<alice@localhost>\r\nRCPT TO:<nobody-x@localhost>\r\n"
               "RCPT TO:<bob@localhost>\r\nDATA\r\n")
        codes = [c.reply()[0] for _ in range(4)]
        check(codes == [250, 550, 250, 354], "pipelined replies: %r" % codes)
        c.send(dot_stuff(message(mk)) + b".\r\nNOOP\r\n")
        codes = [c.reply()[0] for _ in range(2)]
        check(codes == [250, 250], "DATA end + NOOP: %r" % codes)
        c.expect("QUIT", 221)
    check(len(find_messages(s, mk)) == 1, "pipelined message not delivered once")


# --- issue 12, item 8: the EHLO/HELO name ------------------------------------

# Names a client must not give itself: each would go verbatim into our
# Received: header (a bare CR ends a line for some readers; ESC drives a
# terminal), or is simply no domain nor address literal (RFC 5321 4.1.1.1).
BAD_HELO_NAMES = [
    "x\rReceived:forged.example", "x\x1b[2Jcleared", "two words", "_lead.example", "trail_",
    "-lead", "trail-", "a..b", "a.", "caf\u00e9", "[999.0.0.1]", "[1.2.3]", "[IPv6:::g]",
    "[IPv6:1.2.3.4]", "[::1]", "[127.0.0.1", "[tag:a]b]", "a" * 64,
    ".".join(["a" * 63] * 4) + ".aa",                  # 258 octets of good labels
]
GOOD_HELO_NAMES = ["[127.0.0.1]", "[IPv6:::1]", "[IPv6:2001:db8::1]", "mail.example.org", "my_msg.eml",
                   "a" * 63, ".".join(["a" * 63] * 4)]   # 255 octets


def test_ehlo_and_helo_take_only_a_domain_or_address_literal():
    """Item 8: 501 5.5.4 for each bad name, and the name is not taken (AUTH
    still wants an EHLO first); a domain of 255 octets, labels of 63 and
    IPv4/IPv6 literals get 250."""
    with Smtp(shared().port) as c:
        taken = []
        for verb in ("EHLO", "HELO"):
            for name in BAD_HELO_NAMES + [""]:
                code, lines = c.cmd(("%s %s" % (verb, name)).rstrip())
                if not lines[-1].startswith("501 5.5.4 "):
                    taken.append("%s %r: %s" % (verb, name, lines[-1][:40]))
        check(not taken, "%d of %d bad names not refused with 501 5.5.4: %s"
              % (len(taken), 2 * (len(BAD_HELO_NAMES) + 1), "; ".join(taken)))
        code, lines = c.cmd("AUTH PLAIN " + plain_blob("alice", DEFAULT_USERS["alice"]))
        check(code == 503, "AUTH after refused EHLOs: want 503 (no EHLO taken), got %r" % lines)
        for verb in ("EHLO", "HELO"):
            for name in GOOD_HELO_NAMES:
                c.expect("%s %s" % (verb, name), 250)


def _helo_replies(log):
    """{EHLO/HELO line: reply code} from the log, pairing each C: EHLO/HELO
    with the next S: line of the same client port."""
    pending, out = {}, {}
    for line in log.splitlines():
        m = LOG_EXCHANGE.match(line)
        if not m:
            continue
        port, way, text = m.group(3), m.group(5), m.group(6)
        if way == "C:" and re.match(r"(EHLO|HELO)\b", text, re.I):
            pending[port] = text[:4].upper() + text[4:]
        elif way == "S:" and port in pending:
            out[pending.pop(port)] = int(text[:3])
    return out


@timeout(120)
def test_real_clients_helo_names_are_taken():
    """Item 8: the names that smtplib (EHLO and HELO with its default, the
    machine's FQDN or an address literal), curl (the upload file's name when
    the URL has no path: m.eml), seal and seal-load give themselves all get
    250, and their mail goes through."""
    with Server(name="helo-clients") as s:
        alice = DEFAULT_USERS["alice"]
        with smtplib.SMTP_SSL("localhost", s.port, context=client_context(),
                              timeout=deadline(30)) as c:
            own = c.local_hostname
            check(c.ehlo()[0] == 250, "smtplib EHLO %s refused" % own)
            check(c.helo()[0] == 250, "smtplib HELO %s refused" % own)
            c.login("alice", alice)
            c.sendmail("alice@localhost", ["bob@localhost"], message(marker()))
        msg = os.path.join(tmpdir("helo-curl"), "m.eml")
        with open(msg, "wb") as f:
            f.write(message(marker()))
        r = run(["curl", "-sS", "--ssl-reqd", "--cacert", default_certs().crt,
                 "--url", "smtps://localhost:%d" % s.port, "--user", "alice:" + alice,
                 "--mail-from", "alice@localhost", "--mail-rcpt", "bob@localhost",
                 "--upload-file", msg])
        check(r.returncode == 0, "curl exit %d: %s" % (r.returncode, tail(r.stderr)))
        r = seal(["--batch", "--cafile", default_certs().crt, "--user", "alice",
                  "--password-file", password_file(alice), s.url()], input="NOOP\n")
        check(r.returncode == 0, "seal exit %d: %s" % (r.returncode, tail(r.stderr)))
        r, j = seal_load(["smtp", "-c", "1", "-n", "1", "--json", "--user", "alice",
                      "--password-file", password_file(alice), "--rcpt", "bob@localhost",
                      "--cafile", s.certs.crt, s.url()])
        check(r.returncode == 0 and j and j["ok"] == 1, "seal-load: " + why(r))
        got = _helo_replies(s.log())
        print("# EHLO/HELO names seen: %s" % ", ".join("%s=%d" % kv for kv in sorted(got.items())))
        check(len(got) >= 5, "want the EHLO and HELO of smtplib, curl, seal and seal-load "
              "in the log, got %r" % got)
        check(all(code == 250 for code in got.values()), "a real client was refused: %r" % got)
        for want in ("EHLO " + own, "HELO " + own, "EHLO m.eml", "EHLO seal", "EHLO seal-load"):
            check(want in got, "no %r in the log: %r" % (want, got))
        check(len(s.messages("bob")) == 3, "want 3 messages (smtplib, curl, seal-load), "
              "found %d" % len(s.messages("bob")))


# --- issue 12, item 10: MAIL FROM belongs to the logged-in user ---------------

def test_mail_from_must_be_the_logged_in_users_own():
    """Item 10: alice may send as alice@localhost (the domain in any case) and
    as <>; as bob, or Alice, she gets 553 5.7.1, which is logged."""
    s = shared()
    mk = marker()
    with Smtp(s.port) as c:
        code, lines = c.login("alice", DEFAULT_USERS["alice"])
        check(code == 235, "login: %r" % lines)
        for sender in ("bob@localhost", "%s@localhost" % mk, "Alice@localhost",
                       "alice@example.org", "alice"):
            lines = c.expect("MAIL FROM:<%s>" % sender, 553)
            check(lines[-1].startswith("553 5.7.1 "), "MAIL FROM:<%s>: %r" % (sender, lines))
            c.expect("RCPT TO:<bob@localhost>", 503)        # no transaction began
        for sender in ("alice@localhost", "", "alice@LOCALHOST"):
            c.expect("MAIL FROM:<%s>" % sender, 250)
            c.expect("RSET", 250)
    with smtplib.SMTP_SSL("localhost", s.port, context=client_context(),
                          timeout=deadline(30)) as c:
        c.login("alice", DEFAULT_USERS["alice"])
        try:
            c.sendmail("bob@localhost", ["bob@localhost"], message(mk))
            raise TestFailure("smtplib: alice sent as bob@localhost")
        except smtplib.SMTPSenderRefused as e:
            check(e.smtp_code == 553, "smtplib as bob: %r" % (e.args,))
    check(not find_messages(s, mk), "a message sent as someone else was delivered")
    log = s.log()
    check(re.search(r" smtp alice \* sender refused from=<%s@localhost> user=alice$" % mk,
                    log, re.M), "no 'sender refused' line for <%s@localhost> in the log" % mk)
    check(re.search(r" smtp alice S: 553 5\.7\.1 Sender <%s@localhost> " % mk, log),
          "no 553 for <%s@localhost> in the log" % mk)


def test_allow_sender_mismatch_lets_a_user_send_as_another():
    """Item 10: --allow-sender-mismatch (listed in --help) restores the old
    behaviour: alice sends as bob@localhost, and the mismatch is logged."""
    r = run([sealed(), "--help"])
    check(r.returncode == 0 and b"--allow-sender-mismatch" in r.stdout,
          "--help does not list --allow-sender-mismatch: %s" % tail(r.stdout))
    with Server(name="mismatch", args=["--allow-sender-mismatch"]) as s:
        mk = marker()
        original = message(mk, sender="bob@localhost")
        with smtplib.SMTP_SSL("localhost", s.port, context=client_context(),
                              timeout=deadline(30)) as c:
            c.login("alice", DEFAULT_USERS["alice"])
            check(c.sendmail("bob@localhost", ["bob@localhost"], original) == {},
                  "refused with --allow-sender-mismatch")
        found = find_messages(s, mk)
        check(len(found) == 1, "want 1 message, found %d" % len(found))
        _, added = check_stored(found[0], original)
        check(added.startswith("Return-Path: <bob@localhost>\n"),
              "Return-Path is not the envelope sender: %r" % added[:80])
        check(" smtp alice * sender mismatch allowed from=<bob@localhost> user=alice" in s.log(),
              "the allowed mismatch is not logged")


def test_seal_load_sends_as_the_user_in_the_servers_domain():
    """Item 10: under --domain example.org, seal-load --user alice --rcpt
    bob@example.org sends as alice@example.org (the recipient's domain,
    the server's), which the server takes: alice@localhost would get 553."""
    with Server(name="load-domain", args=["--domain", "example.org"]) as s:
        r, j = seal_load(["smtp", "-c", "1", "-n", "2", "--json", "--user", "alice",
                      "--password-file", password_file(DEFAULT_USERS["alice"]),
                      "--rcpt", "bob@example.org", "--cafile", s.certs.crt, s.url()])
        check(r.returncode == 0 and j and j["ok"] == 2, "seal-load: " + why(r))
        files = s.messages("bob")
        check(len(files) == 2, "want 2 messages in bob's new/, found %d" % len(files))
        with open(files[0], "rb") as f:
            head = f.read(200)
        check(head.startswith(b"Return-Path: <alice@example.org>\n"),
              "not sent as alice@example.org: %r" % head[:60])
