"""POP3 over TLS (RFC 1939, 2449, 5034) on the Maildirs that SMTP delivers to:
curl, Python's poplib, `seal --batch` and a raw TLS client check replies,
message contents byte for byte, UIDL stability, deletion rules, the one
session per maildrop lock, errors that leave the session going, the login
failure limit, pipelining, a 50 MB message streamed with bounded memory
while another client on the same worker is served, and 20 users at once.

Each test starts its own server with a POP3 port (lib.Server(pop3=True)).
"""

import concurrent.futures
import hashlib
import itertools
import os
import poplib
import re
import signal
import smtplib
import threading
import time

import lib
from lib import (DEFAULT_USERS, Pop3, Server, TestFailure, check, client_context, default_certs,
                 marker, message, password_file, plain_blob, run, seal, send_mail, tail,
                 timeout)

BOB = DEFAULT_USERS["bob"]
ALICE = DEFAULT_USERS["alice"]
RSS_BOUND_MB = 40          # the server's growth while it sends a 50 MB message
BIG_MB = 50


def _pop(s, user="bob", password=BOB):
    p = poplib.POP3_SSL("localhost", s.pop3_port, context=client_context(),
                        timeout=lib.deadline(20))
    p.user(user)
    p.pass_(password)
    return p


def _send(s, messages, sender="alice", password=ALICE):
    """Delivers [(rcpt user, bytes)] to S through SMTP in one session."""
    send_mail(s.port, messages, sender, password)


def _check_added_headers(got, original, sender="alice@localhost"):
    """GOT (CRLF) is the trace headers the server added (Return-Path: with the
    envelope sender, then Received:) and maybe others, then ORIGINAL byte for
    byte. Returns the added text."""
    check(got.endswith(original), "retrieved message does not end with the message as sent "
          "(%d bytes got, %d sent): %r" % (len(got), len(original), got[-120:]))
    added = got[:len(got) - len(original)].decode("utf-8", "replace")
    check(added.startswith("Return-Path: <%s>\r\nReceived: from " % sender),
          "not Return-Path: <%s> then Received: first: %r" % (sender, added[:80]))
    for line in added.split("\r\n")[:-1]:
        check(re.match(r"^([A-Za-z-]+:|[ \t])", line), "added text is not a header: %r" % line)
    return added


def test_pop3_poplib_retrieves_smtp_mail_byte_for_byte():
    with Server(pop3=True, name="p-poplib") as s:
        mk = marker()
        original = message(mk)
        _send(s, [("bob", original)])
        p = poplib.POP3_SSL("localhost", s.pop3_port, context=client_context(),
                            timeout=lib.deadline(20))
        caps = p.capa()
        for cap in ("USER", "UIDL", "TOP", "RESP-CODES", "PIPELINING", "SASL",
                    "IMPLEMENTATION"):
            check(cap in caps, "CAPA lacks %s: %r" % (cap, caps))
        check("PLAIN" in caps["SASL"], "SASL does not offer PLAIN: %r" % caps)
        p.user("bob")
        p.pass_(BOB)
        count, size = p.stat()
        check(count == 1, "STAT: %d messages, want 1" % count)
        _, listing, _ = p.list()
        check(listing == [b"1 %d" % size], "LIST %r vs STAT size %d" % (listing, size))
        _, uids, _ = p.uidl()
        name = s.files()[0].split("/", 1)[1]
        check(uids == [b"1 " + name.encode()], "UIDL %r, file %s" % (uids, name))
        _, lines, _ = p.retr(1)
        got = b"\r\n".join(lines) + b"\r\n"
        check(len(got) == size, "RETR gave %d octets, LIST said %d" % (len(got), size))
        _check_added_headers(got, original)
        check(s.files() == ["cur/%s:2,S" % name], "after RETR: %r" % s.files())
        _, top, _ = p.top(1, 0)
        head = got[:got.index(b"\r\n\r\n") + 4]
        check(b"\r\n".join(top) + b"\r\n" == head, "TOP 1 0 is not the header section")
        _, top, _ = p.top(1, 2)
        check(top[-2:] == [b"marker " + mk.encode(), b".a line that starts with a dot"],
              "TOP 1 2 ends %r" % top[-2:])
        check(p.dele(1).startswith(b"+OK"), "DELE refused")
        check(p.quit().startswith(b"+OK"), "QUIT refused")
        check(s.files() == [], "DELE + QUIT left %r" % s.files())


def test_pop3_curl_lists_retrieves_and_deletes():
    with Server(pop3=True, name="p-curl") as s:
        m1, m2 = marker(), marker()
        o1, o2 = message(m1), message(m2)
        _send(s, [("bob", o1), ("bob", o2)])
        base = ["curl", "-sS", "--ssl-reqd", "--cacert", default_certs().crt,
                "--user", "bob:" + BOB]
        url = "pop3s://localhost:%d/" % s.pop3_port
        r = run(base + [url])
        check(r.returncode == 0, "curl LIST exit %d: %s" % (r.returncode, tail(r.stderr)))
        listing = r.stdout.decode().split("\r\n")
        check(re.match(r"^1 \d+$", listing[0]) and re.match(r"^2 \d+$", listing[1]),
              "curl listing: %r" % r.stdout[:200])
        r = run(base + [url + "2"])
        check(r.returncode == 0, "curl RETR exit %d: %s" % (r.returncode, tail(r.stderr)))
        _check_added_headers(r.stdout, o2)
        r = run(base + ["-X", "DELE", "-I", url + "1"])
        check(r.returncode == 0, "curl DELE exit %d: %s" % (r.returncode, tail(r.stderr)))
        check(s.files_with(m1) == [], "curl -X DELE left message 1: %r" % s.files())
        check(len(s.files_with(m2)) == 1, "message 2 went too: %r" % s.files())


def _drop(p):
    """Ends a poplib session without QUIT (its file object holds the socket too)."""
    p.file.close()
    p.sock.close()


def _wait_unlocked(s, user="bob", password=BOB):
    """A login, retried while the server still holds the dropped session's lock."""
    end = time.monotonic() + lib.deadline(10)
    while True:
        try:
            return _pop(s, user, password)
        except poplib.error_proto as e:
            if b"IN-USE" not in e.args[0] or time.monotonic() > end:
                raise
            time.sleep(0.05)


def test_pop3_uidl_stable_and_deletion_rules():
    with Server(pop3=True, name="p-dele") as s:
        marks = [marker() for _ in range(3)]
        _send(s, [("bob", message(m)) for m in marks])
        p = _pop(s)
        uids = p.uidl()[1]
        p.quit()
        p = _pop(s)
        check(p.uidl()[1] == uids, "UIDL changed between sessions")
        p.dele(1)
        check(p.stat()[0] == 2, "STAT after DELE")
        p.rset()
        check(p.stat()[0] == 3, "STAT after RSET")
        p.quit()
        check(len(s.files()) == 3, "DELE + RSET + QUIT removed a file: %r" % s.files())
        p = _pop(s)
        p.dele(1)
        p.dele(3)
        _drop(p)
        p = _wait_unlocked(s)
        check(len(s.files()) == 3, "DELE + dropped connection removed a file")
        check(p.uidl()[1] == uids, "UIDL changed after a dropped session")
        p.dele(2)
        p.quit()
        check(s.files_with(marks[1]) == [], "DELE + QUIT kept the file")
        check(len(s.files_with(marks[0])) == 1 and len(s.files_with(marks[2])) == 1,
              "DELE 2 + QUIT removed others: %r" % s.files())
        p = _pop(s)
        left = p.uidl()[1]
        check(left == [b"1 " + uids[0].split()[1], b"2 " + uids[2].split()[1]],
              "UIDL after removal: %r" % left)
        p.quit()


def test_pop3_in_use_and_mail_arriving_during_a_session():
    with Server(pop3=True, name="p-inuse") as s:
        m1, m2 = marker(), marker()
        _send(s, [("bob", message(m1))])
        a = _pop(s)
        try:
            _pop(s)
            raise TestFailure("a second session got the locked maildrop")
        except poplib.error_proto as e:
            check(e.args[0].startswith(b"-ERR [IN-USE]"), "second login: %r" % e.args[0])
        other = _pop(s, "alice", ALICE)               # other maildrops are free
        other.quit()
        _send(s, [("bob", message(m2))])
        check(a.stat()[0] == 1, "the open session sees mail delivered after its login")
        a.quit()
        b = _pop(s)
        check(b.stat()[0] == 2, "mail delivered during a session was lost")
        b.quit()


def test_pop3_errors_leave_the_session_going():
    with Server(pop3=True, name="p-errors") as s:
        _send(s, [("bob", message(marker()))])
        with Pop3(s.pop3_port) as c:
            check(c.greeting.startswith("+OK"), "greeting %r" % c.greeting)
            for line in ("STAT", "LIST", "RETR 1", "NOOP", "PASS nouser", "FOO", "APOP a b",
                         "STLS"):
                c.err(line)
            c.ok("CAPA")
            check(b"USER" in c.multi(), "CAPA before login lacks USER")
            c.login("bob", BOB)
            for line in ("RETR", "RETR 0", "RETR 99", "RETR x", "RETR -1", "TOP 1", "TOP 1 x",
                         "DELE", "LIST 99", "UIDL 0", "STAT 1", "USER bob", "PASS x",
                         "XYZZY", "RSET now"):
                c.err(line)
            c.ok("DELE 1")
            c.err("DELE 1")
            c.err("RETR 1")
            check(c.ok("STAT") == "+OK 0 0", "STAT after DELE")
            c.ok("RSET")
            check(c.ok("LIST 1").startswith("+OK 1 "), "LIST 1 after RSET")
            c.ok("NOOP")
            c.ok("QUIT")
            check(c.closed(), "open after QUIT")
        check(len(s.files()) == 1, "RSET + QUIT removed the message")
        log = s.log()
        check(" pop3 - C: PASS ********" in log, "the log does not show PASS masked")
        check(BOB not in log, "the log shows the password")


def test_pop3_auth_plain_with_and_without_initial_response():
    with Server(pop3=True, name="p-auth") as s:
        blob = plain_blob("bob", BOB)
        with Pop3(s.pop3_port) as c:
            c.ok("AUTH")
            check(b"PLAIN" in c.multi(), "AUTH lists no PLAIN")
            c.err("AUTH LOGIN")
            c.err("AUTH PLAIN =")                     # an empty response
            c.err("AUTH PLAIN not*base64")
            check(c.cmd("AUTH PLAIN").startswith("+"), "no continuation")
            c.err("*")                                # cancelled
            c.ok("AUTH PLAIN " + blob)
            c.ok("STAT")
            c.ok("QUIT")
        with Pop3(s.pop3_port) as c:
            check(c.cmd("AUTH PLAIN") == "+ ", "want '+ ' to ask for the response")
            c.ok(blob)
            c.err("AUTH PLAIN " + blob)               # already logged in
            c.ok("QUIT")
        log = s.log()
        check(blob not in log, "the log shows the AUTH PLAIN response")
        check("AUTH PLAIN ********" in log, "the log does not mask AUTH PLAIN")


def test_pop3_quit_unlocks_before_the_goodbye():
    """RFC 1939 6: the lock goes with the session. A client that logs in
    again the moment it reads QUIT's +OK finds the maildrop free, after a
    QUIT with nothing deleted and after one whose UPDATE removed messages
    (the goodbye used to leave before the unlock: a fast client got
    -ERR [IN-USE] now and then). The second session is connected and has
    sent USER before the first quits, so its PASS follows the +OK at once."""
    with Server(pop3=True, name="p-relock", args=["--workers", "2"]) as s:
        _send(s, [("bob", message(marker())) for _ in range(60)])
        refused = []
        for i in range(120):
            with Pop3(s.pop3_port) as a, Pop3(s.pop3_port) as b:
                a.ok("USER bob")
                a.ok("PASS " + BOB)
                b.ok("USER bob")
                if i % 2:
                    a.ok("DELE 1")
                a.ok("QUIT")
                reply = b.cmd("PASS " + BOB)
                if not reply.startswith("+OK"):
                    refused.append((i, reply[:40]))
                b.cmd("QUIT")
        check(not refused, "%d of 120 logins right after QUIT refused: %r"
              % (len(refused), refused[:3]))


@timeout(60)
def test_pop3_three_wrong_passwords_close():
    with Server(pop3=True, name="p-authmax") as s, Pop3(s.pop3_port, source="127.0.0.6") as c:
        replies = []
        for i in range(3):
            c.ok("USER bob")
            replies.append(c.cmd("PASS wrong-%d" % i))
        check(all(r.startswith("-ERR [AUTH]") for r in replies), "replies: %r" % replies)
        check("too many" in replies[2], "the third failure does not say it closes: %r"
              % replies[2])
        check(c.closed(10), "connection still open after three wrong passwords")
        with Pop3(s.pop3_port) as d:                   # the right one still works
            d.login("bob", BOB)


def test_pop3_pipelined_commands_answer_in_order():
    with Server(pop3=True, name="p-pipe") as s:
        body = b"".join(b"%06d %s\n" % (i, b"." * (i % 3) + b"x" * 70) for i in range(15000))
        big = b"Subject: big\n\n" + body
        s.put("bob", "1700000001.M1P1Q1.big", big)
        s.put("bob", "1700000002.M2P1Q2.small", b"Subject: small\n\n.hi\n")
        with Pop3(s.pop3_port) as c:
            c.login("bob", BOB)
            c.send("STAT\r\nRETR 1\r\nLIST\r\nUIDL 2\r\nNOOP\r\nTOP 2 0\r\nRETR 2\r\nQUIT\r\n")
            check(c.line().startswith("+OK 2 "), "STAT")
            check(c.line().startswith("+OK "), "RETR 1")
            got = b"\n".join(c.multi()) + b"\n"
            check(got == big, "RETR 1 content differs (%d vs %d bytes)" % (len(got), len(big)))
            check(c.line().startswith("+OK"), "LIST")
            check(len(c.multi()) == 2, "LIST lines")
            check(c.line() == "+OK 2 1700000002.M2P1Q2.small", "UIDL 2")
            check(c.line() == "+OK", "NOOP")
            check(c.line().startswith("+OK"), "TOP")
            check(c.multi() == [b"Subject: small", b""], "TOP 2 0")
            check(c.line().startswith("+OK"), "RETR 2")
            check(c.multi() == [b"Subject: small", b"", b".hi"], "RETR 2")
            check(c.line().startswith("+OK"), "QUIT")


def _big_message(size_mb):
    """About SIZE_MB megabytes of LF text, some lines starting with dots."""
    line = b"x" * 90
    lines = [b"Subject: big one", b"From: alice@localhost", b""]
    n = size_mb * 1024 * 1024 // 100
    lines += [b"." * (i % 4) + b"%07d " % i + line for i in range(n)]
    return b"\n".join(lines) + b"\n"


def _rss_sampler(s, stop, peak):
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], s.rss_kb())
        except (OSError, TestFailure):
            return
        time.sleep(0.01)


@timeout(90)
def test_pop3_50mb_message_streams_in_bounded_memory():
    """A 50 MB message, written straight into new/ (sending it through SMTP
    would only make the test slower), is retrieved intact (SHA-256) while the
    server's resident memory grows by less than RSS_BOUND_MB = 40 MB over
    its size before the RETR, and while its reader stalls, another client on
    the same (only) worker gets its replies at once. Under ASan the freed
    buffers sit in its quarantine, limited here to 16 MB to keep the bound."""
    env = {}
    if lib.SLOW > 1:
        env["ASAN_OPTIONS"] = ":".join(o for o in (os.environ.get("ASAN_OPTIONS"),
                                                   "quarantine_size_mb=16") if o)
    with Server(pop3=True, name="p-big", args=["--workers", "1"], env=env) as s:
        data = _big_message(BIG_MB)
        s.put("bob", "1700000000.M1P1Q1.big", data)
        want = hashlib.sha256(data).hexdigest()
        crlf_size = len(data) + data.count(b"\n")
        with Pop3(s.pop3_port) as a, Pop3(s.pop3_port) as b:
            a.login("bob", BOB)
            b.login("alice", ALICE)
            idle = s.rss_kb()
            stop, peak = threading.Event(), [idle]
            sampler = threading.Thread(target=_rss_sampler, args=(s, stop, peak), daemon=True)
            sampler.start()
            try:
                status = a.cmd("RETR 1")
                check(status == "+OK %d octets" % crlf_size, "RETR: %r, want %d octets"
                      % (status, crlf_size))
                got = bytearray(a.buf)
                a.buf = bytearray()
                got += a.sock.recv(65536)
                for _ in range(5):                        # a stalls; b is served
                    t0 = time.monotonic()
                    b.ok("NOOP")
                    b.ok("STAT")
                    took = time.monotonic() - t0
                    check(took < lib.deadline(10), "a stalled reader held up the worker: "
                          "%.2f s for NOOP+STAT" % took)
                    time.sleep(0.2)
                while not got.endswith(b"\r\n.\r\n"):
                    chunk = a.sock.recv(1 << 20)
                    check(chunk, "connection closed before the end of the message")
                    got += chunk
            finally:
                stop.set()
                sampler.join(5)
            body = bytes(got[:-3])
            if body.startswith(b".."):
                body = body[1:]
            body = body.replace(b"\r\n..", b"\r\n.").replace(b"\r\n", b"\n")
            check(len(body) == len(data), "got %d bytes, want %d" % (len(body), len(data)))
            check(hashlib.sha256(body).hexdigest() == want, "the 50 MB message changed")
            grown = (peak[0] - idle) / 1024
            check(grown < RSS_BOUND_MB, "server RSS grew by %.1f MB (from %d kB), bound %d MB"
                  % (grown, idle, RSS_BOUND_MB))
            a.ok("QUIT")
            b.ok("QUIT")


@timeout(90)
def test_pop3_twenty_concurrent_users_get_their_own_mail():
    users = {"u%02d" % i: "pw-%02d-Secret" % i for i in range(20)}
    with Server(pop3=True, name="p-twenty", users=users) as s:
        marks = {u: [marker() for _ in range(1 + i % 2)] for i, u in enumerate(users)}
        _send(s, [(u, message(m, rcpt=u + "@localhost")) for u in users for m in marks[u]],
              sender="u00", password=users["u00"])
        start = threading.Barrier(len(users))
        results = {}

        def session(user):
            start.wait(lib.deadline(30))
            p = _pop(s, user, users[user])
            found = []
            for i in range(1, p.stat()[0] + 1):
                text = b"\n".join(p.retr(i)[1]).decode("utf-8", "replace")
                found += re.findall(r"marker (mk-[0-9a-f]+)", text)
            p.quit()
            return found

        with concurrent.futures.ThreadPoolExecutor(len(users)) as ex:
            futs = {u: ex.submit(session, u) for u in users}
            for u, f in futs.items():
                results[u] = f.result(lib.deadline(60))
        for u in users:
            check(sorted(results[u]) == sorted(marks[u]), "%s got %r, want %r"
                  % (u, results[u], marks[u]))


def test_pop3_seal_batch():
    with Server(pop3=True, name="p-seal") as s:
        mk = marker()
        _send(s, [("bob", message(mk))])
        url = "pop3s://localhost:%d" % s.pop3_port
        ca = ["--batch", "--cafile", default_certs().crt]
        r = seal(ca + ["--user", "bob", "--password-file", password_file(BOB), url],
                 input="STAT\nLIST\nUIDL 1\nRETR 1\nTOP 1 0\n")
        out = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 0, "seal exit %d: %s / %s" % (r.returncode, tail(r.stderr),
                                                            tail(out)))
        lines = out.splitlines()
        check("C: USER bob" in lines and "C: PASS ********" in lines,
              "no masked login in the transcript: %s" % tail(out, 12))
        check(BOB not in out, "the transcript shows the password")
        check("S: marker %s" % mk in lines, "RETR text missing: %s" % tail(out, 8))
        check("S: ..a line that starts with a dot" in lines, "lines not shown as received")
        check(lines.count("S: .") == 3, "want 3 multi-line replies ended: %s" % tail(out, 8))
        check(lines[-2] == "C: QUIT" and lines[-1].startswith("S: +OK"), "no QUIT at the end")
        r = seal(ca + [url], input="USER bob\nPASS %s\nSTAT\nQUIT\n" % BOB)
        out = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 0, "seal without --user exit %d: %s" % (r.returncode,
                                                                       tail(r.stderr)))
        check("C: PASS ********" in out and BOB not in out, "PASS not masked: %s" % tail(out))
        check(re.search(r"S: \+OK 1 \d+", out), "no STAT reply: %s" % tail(out))
        r = seal(ca + ["--user", "bob", "--password-file", password_file("nope"), url],
                 input="STAT\n")
        check(r.returncode == 5, "wrong password: exit %d, want 5" % r.returncode)
        check(b"authentication failed" in r.stderr, "stderr: %s" % tail(r.stderr))


def test_pop3_shutdown_says_goodbye_and_removes_nothing():
    s = Server(pop3=True, name="p-stop").start()
    try:
        _send(s, [("bob", message(marker()))])
        with Pop3(s.pop3_port) as c:
            c.login("bob", BOB)
            c.ok("DELE 1")
            s.signal(signal.SIGTERM)
            r = c.line()
            check(r.startswith("-ERR [SYS/TEMP]"), "on shutdown: %r" % r)
            check(c.closed(10), "still open after the shutdown reply")
    finally:
        code = s.stop()
    check(code == 0, "server exit %s after SIGTERM" % code)
    check(len(s.files()) == 1, "a session cut by shutdown removed its DELE'd message")


def _sizes_of_name(name):
    m = re.search(r",S=(\d+),W=(\d+)$", name)
    check(m, "no ,S=,W= in the file name %r" % name)
    return int(m.group(1)), int(m.group(2))


def test_pop3_trace_headers_first_and_sizes_count_them():
    """Issue 12, item 11 (RFC 5321 4.4): messages sent with smtplib come back
    over poplib with `Return-Path: <alice@localhost>` (`<>` for the null
    sender) as their first line, then `Received: from <smtplib's EHLO name>
    ([127.0.0.1]) by localhost ...`, then the message as sent. The file
    name's S= is the file's size and its W= the POP3 size, both counting the
    trace headers: STAT, LIST, the RETR status line and the octets RETR sends
    all agree with W."""
    with Server(pop3=True, name="p-trace") as s:
        marks = {"alice@localhost": marker(), "": marker()}
        originals = {sender: message(mk) for sender, mk in marks.items()}
        with smtplib.SMTP_SSL("localhost", s.port, context=client_context(),
                              timeout=lib.deadline(30)) as c:
            c.login("alice", ALICE)
            helo = c.local_hostname
            for sender, data in originals.items():
                check(c.sendmail(sender, ["bob@localhost"], data) == {}, "refused")
        names = {}
        for sender, mk in marks.items():
            found = s.files_with(mk)
            check(len(found) == 1 and found[0].startswith("new/"), "%s: %r" % (mk, found))
            names[sender] = found[0]
            size, _ = _sizes_of_name(found[0])
            on_disk = os.path.getsize(os.path.join(s.data_dir, "mail", "bob", found[0]))
            check(size == on_disk, "S=%d but the file has %d bytes" % (size, on_disk))
        p = _pop(s)
        count, total = p.stat()
        _, listing, _ = p.list()
        sizes = dict(l.split() for l in listing)
        check(count == 2 and total == sum(int(v) for v in sizes.values()),
              "STAT %d %d, LIST %r" % (count, total, listing))
        for i in (1, 2):
            resp, lines, octets = p.retr(i)
            got = b"\r\n".join(lines) + b"\r\n"
            sender = next(snd for snd, mk in marks.items() if mk.encode() in got)
            _, wire = _sizes_of_name(names[sender])
            check(resp == b"+OK %d octets" % wire and octets == len(got) == wire
                  and int(sizes[b"%d" % i]) == wire,
                  "message %d: W=%d, LIST %s, RETR said %r and sent %d octets (%d bytes)"
                  % (i, wire, sizes[b"%d" % i], resp, octets, len(got)))
            print("# <%s>: W=%d = LIST = RETR %d octets; S=%d = file size"
                  % (sender, wire, octets, _sizes_of_name(names[sender])[0]))
            added = _check_added_headers(got, originals[sender], sender)
            after = added.split("\r\n")[2:]       # Return-Path:, Received:, its folds
            folds = len(list(itertools.takewhile(lambda l: l[:1] in (" ", "\t"), after)))
            unfolded = " ".join(l.strip() for l in added.split("\r\n")[1:2 + folds])
            check(re.match(r"Received: from %s \(\[127\.0\.0\.1\]\) by localhost \(sealed\) "
                           r"with ESMTPSA id \w+ \(using TLSv1\.[23] with cipher \S+\) "
                           r"\(authenticated user alice\) for <bob@localhost>; "
                           % re.escape(helo), unfolded),
                  "Received: header %r" % unfolded)
        p.quit()
