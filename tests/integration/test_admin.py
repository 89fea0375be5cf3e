"""Admin commands: useradd / passwd / userdel / users, the users file, and a
running server that sees their changes; open registration."""

import os
import stat
import time

from lib import (Pop3, Server, Smtp, check, deadline, plain_blob, run, sealed, send_mail, shared,
                 tail, timeout, tmpdir, useradd)


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


# --- issue 12: a deleted user's Maildir ---------------------------------------

def _tree(d):
    """Every path below D (links not followed), relative, sorted."""
    out = []
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(root, n), d))
    return sorted(out)


def test_userdel_says_where_the_mail_stays_and_purge_removes_it():
    d = tmpdir("purge")
    r = useradd(d, "bob", "bob-Clear-Pw-4")
    check(r.returncode == 0, "useradd bob: %s" % tail(r.stderr))
    maildir = os.path.join(d, "mail", "bob")
    with open(os.path.join(maildir, "new", "1.M1P1.host,S=3,W=3"), "w") as f:
        f.write("hi\n")
    r = run([sealed(), "--data-dir", d, "userdel", "bob"])
    out = r.stdout.decode().splitlines()
    check(r.returncode == 0 and len(out) == 1 and maildir in out[0] and "--purge" in out[0]
          and r.stderr == b"", "userdel bob: exit %d, out %r, err %r"
          % (r.returncode, out, r.stderr))
    check(os.path.isdir(os.path.join(maildir, "new")), "userdel removed the Maildir")
    for args in (["useradd", "x", "--purge"], ["--purge"]):
        r = run([sealed(), "--data-dir", d] + args, input="pw\n")
        check(r.returncode == 2, "%r: exit %d, want 2 (usage)" % (args, r.returncode))
    r = run([sealed(), "--data-dir", d, "userdel", "--purge", "bob"])   # bob is gone already
    out = r.stdout.decode().splitlines()
    check(r.returncode == 0 and out == ["removed %s (1 file)" % maildir],
          "userdel --purge bob: exit %d, out %r, err %r" % (r.returncode, out, tail(r.stderr)))
    check(not os.path.lexists(maildir), "the Maildir is still there")
    r = useradd(d, "carol", "carol-Clear-Pw-5")
    r = run([sealed(), "--data-dir", d, "userdel", "carol", "--purge"])  # user and Maildir
    check(r.returncode == 0 and _users(d) == [] and not os.path.lexists(
        os.path.join(d, "mail", "carol")), "userdel carol --purge: exit %d, %s"
          % (r.returncode, tail(r.stderr)))
    r = run([sealed(), "--data-dir", d, "userdel", "--purge", "carol"])
    check(r.returncode == 1 and b"no user carol" in r.stderr,
          "a second --purge: exit %d, %r" % (r.returncode, r.stderr))


def test_purge_follows_no_planted_link():
    d = tmpdir("purge-link")
    outside = tmpdir("outside")                      # stands for /etc
    for n in ("passwd", "shadow"):
        with open(os.path.join(outside, n), "w") as f:
            f.write("keep me\n")
    before = _tree(outside)
    for u in ("dave", "erin"):
        r = useradd(d, u, u + "-Clear-Pw-6")
        check(r.returncode == 0, "useradd %s: %s" % (u, tail(r.stderr)))
    dave = os.path.join(d, "mail", "dave")
    with open(os.path.join(dave, "cur", "1.M1P1.host,S=3,W=3:2,S"), "w") as f:
        f.write("hi\n")
    os.symlink(os.path.join(outside, "passwd"), os.path.join(dave, "cur", "evil"))
    os.rmdir(os.path.join(dave, "new"))
    os.symlink(outside, os.path.join(dave, "new"))    # a whole subfolder a link
    r = run([sealed(), "--data-dir", d, "userdel", "--purge", "dave"])
    err = r.stderr.decode().strip().splitlines()
    check(r.returncode == 1 and len(err) == 1 and "symbolic link" in err[0],
          "purge of a Maildir holding links: exit %d, %r" % (r.returncode, err))
    check(_tree(outside) == before, "purge changed the link's target: %r" % _tree(outside))
    check(os.path.exists(os.path.join(dave, "cur", "1.M1P1.host,S=3,W=3:2,S")),
          "purge removed part of a Maildir it then refused")
    erin = os.path.join(d, "mail", "erin")            # the Maildir itself a link
    os.rename(erin, erin + ".real")
    os.symlink(outside, erin)
    r = run([sealed(), "--data-dir", d, "userdel", "--purge", "erin"])
    check(r.returncode == 1 and b"symbolic link" in r.stderr and _tree(outside) == before
          and os.path.islink(erin), "purge of a Maildir that is a link: exit %d, %r"
          % (r.returncode, r.stderr))
    print("# --purge refused: %s" % err[0][-70:], flush=True)


@timeout(120)
def test_open_registration_refuses_a_deleted_users_maildir():
    s = Server(name="reg-ghost", pop3=True, args=["--open-registration"])
    s.start()
    try:
        mk = "ghost-mail-%d" % os.getpid()
        send_mail(s.port, [("bob", "Subject: for bob\r\n\r\n%s\r\n" % mk)])
        mine = s.messages("bob")
        check(len(mine) == 1, "%d messages for bob" % len(mine))
        r = run([sealed(), "--data-dir", s.data_dir, "userdel", "bob"])
        check(r.returncode == 0, "userdel bob: %s" % tail(r.stderr))
        got = _eventually(lambda: _login(s.port, "bob", "any-Password-1", "127.0.0.21"), 535, 5)
        check(got == 535, "SMTP AUTH as the deleted bob with any password: %s, want 535" % got)
        with Pop3(s.pop3_port, source="127.0.0.22") as p:
            p.ok("USER bob")
            reply = p.cmd("PASS any-Password-1")
            check(reply.startswith("-ERR"), "POP3 PASS as the deleted bob: %r" % reply)
        check("bob" not in _users(s.data_dir), "bob was registered again")
        check(s.messages("bob") == mine and not os.listdir(
            os.path.join(s.data_dir, "mail", "bob", "cur")), "bob's old mail was touched")
        check("register bob refused" in s.log(), "the refusal is not logged")
        # a name without a Maildir still registers
        check(_login(s.port, "newcomer", "newcomer-Pw-1", "127.0.0.23") == 235,
              "open registration of a new name")
        print("# deleted bob: SMTP 535, POP3 %s; his message stays unread in new/"
              % reply.split()[0], flush=True)
    finally:
        s.stop()
