"""SMTP replies, checked code by code over a raw TLS socket."""

import base64

from lib import (dot_stuff, DEFAULT_USERS, Closed, Server, Smtp, check, find_messages, marker,
                 message, plain_blob, shared, timeout)


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
        c.expect("MAIL FROM:<a@localhost> SIZE=999999", 552)
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
