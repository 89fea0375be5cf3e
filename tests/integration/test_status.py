"""`sealed status` and `sealed monitor`: the running server's counters over
its control socket, which only the server's owner may use."""

import os
import signal
import stat
import subprocess
import time

from lib import (DEFAULT_USERS, Server, Smtp, check, marker, message, popen, run,
                 sealed, stop_proc)


def _counters(data_dir):
    r = run([sealed(), "--data-dir", data_dir, "status"])
    check(r.returncode == 0, "status exit %d: %r" % (r.returncode, r.stderr))
    out = {}
    for line in r.stdout.decode().splitlines():
        name, value = line.split()
        out[name] = int(value)
    return out


def test_status_counts_a_session_and_a_delivery():
    with Server(name="status") as s:
        before = _counters(s.data_dir)
        with Smtp(s.port) as c:
            c.expect("EHLO status.example", 250)
            c.login("alice", DEFAULT_USERS["alice"])
            c.expect("MAIL FROM:<alice@localhost>", 250)
            c.expect("RCPT TO:<bob@localhost>", 250)
            c.expect("DATA", 354)
            c.send(message(marker()) + b".\r\n")
            code, _ = c.reply()
            check(code == 250, "delivery refused")
            during = _counters(s.data_dir)
        check(during["conns_open"] >= 1, "no open connection counted: %r" % during)
        after = _counters(s.data_dir)
        for name, least in (("conns_total", 1), ("handshakes_full", 1), ("logins_ok", 1),
                            ("messages_delivered", 1)):
            check(after[name] - before[name] >= least,
                  "%s went from %d to %d" % (name, before[name], after[name]))
        mode = stat.S_IMODE(os.stat(os.path.join(s.data_dir, "sealed.sock")).st_mode)
        check(mode & 0o077 == 0, "control socket mode %o lets others in" % mode)


def test_monitor_prints_a_line_a_second():
    with Server(name="monitor") as s:
        p = popen([sealed(), "--data-dir", s.data_dir, "monitor"], stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE)
        time.sleep(2.6)
        stop_proc(p, signal.SIGINT, 5)
        lines = p.stdout.read().decode().splitlines()
        check(len(lines) >= 2, "monitor printed %d lines in 2.6 s: %r" % (len(lines), lines))
        check(all("conns_open=" in l and "messages_delivered=" in l for l in lines),
              "monitor lines lack counters: %r" % lines)


def test_status_without_a_server_fails_in_one_line():
    d = Server(name="nostatus").data_dir
    os.makedirs(d, exist_ok=True)
    r = run([sealed(), "--data-dir", d, "status"])
    err = r.stderr.decode().strip().splitlines()
    check(r.returncode != 0 and len(err) == 1 and "no running server" in err[0],
          "status without a server: exit %d, %r" % (r.returncode, err))
