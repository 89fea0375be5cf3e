"""Admin commands: useradd / passwd / userdel / users, the users file, and a
running server that sees their changes; open registration."""

import os
import stat
import time

from lib import (Server, Smtp, check, deadline, plain_blob, run, sealed, shared, tail,
                 timeout, tmpdir, useradd)


def _users(d, before=True):
    args = [sealed(), "--data-dir", d, "users"] if before else [sealed(), "users", "--data-dir", d]
    r = run(args)
    check(r.returncode == 0, "users exit %d: %s" % (r.returncode, tail(r.stderr)))
    return r.stdout.decode().split()


def _users_file(d):
    p = os.path.join(d, "users")
    with open(p) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    return p, dict(l.split(":", 1) for l in lines)


def test_admin_round_trip():
    d = tmpdir("admin")
    pw_c, pw_d, pw_c2 = "carol-Clear-Pw-1", "dave-Clear-Pw-2", "carol-New-Pw-3"
    r = useradd(d, "carol", pw_c, before=True)
    check(r.returncode == 0, "useradd carol: exit %d %s" % (r.returncode, tail(r.stderr)))
    r = useradd(d, "dave", pw_d, before=False)
    check(r.returncode == 0, "useradd dave (--data-dir after): exit %d %s"
          % (r.returncode, tail(r.stderr)))
    check(sorted(_users(d)) == ["carol", "dave"], "users: %r" % _users(d))
    check(sorted(_users(d, before=False)) == ["carol", "dave"], "users (--data-dir after)")

    path, entries = _users_file(d)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    check(mode == 0o600, "users file mode %o, want 600" % mode)
    for name in ("carol", "dave"):
        check(entries.get(name, "").startswith("$y$"), "%s's hash is not yescrypt: %r"
              % (name, entries.get(name)))
    raw = open(path, "rb").read()
    check(pw_c.encode() not in raw and pw_d.encode() not in raw, "clear password in users file")

    r = useradd(d, "carol", "another")
    check(r.returncode != 0, "duplicate useradd carol exit 0")
    check(_users_file(d)[1]["carol"] == entries["carol"], "duplicate useradd changed carol")

    r = run([sealed(), "passwd", "carol", "--data-dir", d], input=pw_c2 + "\n")
    check(r.returncode == 0, "passwd carol: exit %d %s" % (r.returncode, tail(r.stderr)))
    new = _users_file(d)[1]["carol"]
    check(new != entries["carol"] and new.startswith("$y$"), "passwd did not change the hash")
    check(pw_c2.encode() not in open(path, "rb").read(), "clear new password in users file")

    r = run([sealed(), "--data-dir", d, "userdel", "dave"])
    check(r.returncode == 0, "userdel dave: exit %d %s" % (r.returncode, tail(r.stderr)))
    check(_users(d) == ["carol"], "after userdel: %r" % _users(d))
    check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, "users file mode changed by rewrite")


def test_admin_bad_names_refused():
    d = tmpdir("admin-bad")
    for bad in ("", "a:b", "../x", "a b"):
        r = useradd(d, bad, "pw-for-bad")
        check(r.returncode != 0, "useradd %r exit 0" % bad)
    r = run([sealed(), "--data-dir", d, "userdel", "nobody-such"])
    check(r.returncode != 0, "userdel of an unknown user exit 0")


def _login(port, user, pw, source):
    with Smtp(port, source=source) as c:
        c.expect("EHLO t.example", 250)
        return c.cmd("AUTH PLAIN " + plain_blob(user, pw))[0]


def _eventually(fn, want, secs):
    end = time.monotonic() + deadline(secs)
    got = fn()
    while got != want and time.monotonic() < end:
        time.sleep(0.5)
        got = fn()
    return got


@timeout(120)
def test_running_server_sees_useradd_passwd_userdel():
    s = shared()
    name, pw, pw2 = "frank", "frank-Pw-7", "frank-Pw-8"
    r = useradd(s.data_dir, name, pw)
    check(r.returncode == 0, "useradd while running: %s" % tail(r.stderr))
    got = _eventually(lambda: _login(s.port, name, pw, "127.0.0.6"), 235, 5)
    check(got == 235, "a user added after start: AUTH got %s, want 235" % got)

    r = run([sealed(), "--data-dir", s.data_dir, "passwd", name], input=pw2 + "\n")
    check(r.returncode == 0, "passwd while running: %s" % tail(r.stderr))
    got = _eventually(lambda: _login(s.port, name, pw2, "127.0.0.6"), 235, 5)
    check(got == 235, "new password after passwd: AUTH got %s, want 235" % got)
    got = _login(s.port, name, pw, "127.0.0.7")
    check(got == 535, "old password after passwd: AUTH got %s, want 535" % got)

    r = run([sealed(), "--data-dir", s.data_dir, "userdel", name])
    check(r.returncode == 0, "userdel while running: %s" % tail(r.stderr))
    got = _eventually(lambda: _login(s.port, name, pw2, "127.0.0.8"), 535, 5)
    check(got == 535, "a deleted user: AUTH got %s, want 535" % got)


def test_open_registration():
    with Server(name="openreg", users={"alice": "alice-pw-x"},
                args=["--open-registration"]) as s:
        with Smtp(s.port, source="127.0.0.9") as c:
            code, lines = c.login("newbie", "newbie-Pw-1")
            check(code == 235, "open registration: AUTH got %r, want 235" % lines)
            c.expect("MAIL FROM:<newbie@localhost>", 250)
        users = _users(s.data_dir)
        check("newbie" in users, "newbie not in `sealed users` after registering: %r" % users)
        with Smtp(s.port, source="127.0.0.9") as c:
            code, _ = c.login("newbie", "another-pw")
            check(code == 535, "registered user with another password: %d, want 535" % code)
        check("newbie-Pw-1" not in open(os.path.join(s.data_dir, "users")).read(),
              "clear password in users file")


def test_no_open_registration_by_default():
    s = shared()
    with Smtp(s.port, source="127.0.0.10") as c:
        code, _ = c.login("stranger", "stranger-pw")
        check(code == 535, "unknown user without --open-registration: %d, want 535" % code)
    check("stranger" not in _users(s.data_dir), "stranger was registered")
