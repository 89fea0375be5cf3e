"""The log: one well-formed line per exchange, and never a password."""

import base64
import re
import time

from lib import (LOG_EXCHANGE, dot_stuff, malformed_log_lines, Server, Smtp, check, deadline, marker, message,
                 plain_blob)

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
