"""Least privilege and file safety (issue 8, part 5).

- Started as root with --user sealed-test (a system user made for the test
  and removed after), the server binds, loads its key, drops to that user in
  every thread (/proc/PID/task/*/status: Uid, Gid, Groups, no capabilities)
  before serving, and still delivers and serves POP3 into the Maildirs that
  admin commands made as root.
- The data dir is created 0700, the users file 0600, Maildirs 0700, messages
  0600.
- A private key that others may read is refused in one line (0600, or 0640
  when root owns it, are accepted), at start-up and on SIGHUP.
- Root never follows a link its --user account could plant: admin commands
  (users.lock), the log at start-up, the chown before the drop.
"""

import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import lib
from lib import (DEFAULT_USERS, Smtp, check, dot_stuff, marker, message, run, sealed, tail,
                 timeout)
from test_hard_lib import HardServer, Pop3, proc_status, skip, smtp_send, wait_for

USER = "sealed-test"


class SystemUser:
    """`with SystemUser() as pw:` a system account USER (made unless it
    exists; removed after if made here). pw is its passwd entry."""

    def __enter__(self):
        self.made = False
        try:
            pwd.getpwnam(USER)
        except KeyError:
            r = run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                     "--shell", "/usr/sbin/nologin", USER])
            check(r.returncode == 0, "useradd %s: %s" % (USER, tail(r.stderr)))
            self.made = True
        return pwd.getpwnam(USER)

    def __exit__(self, *exc):
        if self.made:
            run(["userdel", USER])


def _root_only(why="needs root"):
    if os.geteuid() != 0:
        skip(why)
        return True
    return False


def _private_tree(top=None):
    """A folder others may traverse but not list (the dropped server must
    reach its data dir inside), with a copy of the test certificate."""
    top = top or tempfile.mkdtemp(prefix="sealed-priv.")
    os.chmod(top, 0o711)
    certs = os.path.join(top, "certs")
    os.makedirs(certs, 0o700, exist_ok=True)
    c = lib.default_certs()
    for f in (c.crt, c.key):
        shutil.copy2(f, certs)
    return top, lib.Certs(certs)


def _mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def _ids(line):
    return [int(x) for x in line.split()]


@timeout(120)
def test_user_drops_privileges_in_every_thread_and_still_serves():
    if _root_only():
        return
    top, certs = _private_tree()
    try:
        with SystemUser() as pw:
            data = os.path.join(top, "data")
            s = HardServer(name="priv", pop3=True, certs=certs, data_dir=data,
                           args=["--user", USER])
            s.start()                                # useradd as root first, then sealed
            try:
                pid = s.proc.pid
                check(wait_for(lambda: "sealed ready" in s.log(), lib.deadline(10)),
                      "no ready line")
                tasks = os.listdir("/proc/%d/task" % pid)
                check(len(tasks) >= 3, "only %d threads" % len(tasks))
                for tid in tasks:
                    st = proc_status(pid) if tid == str(pid) else \
                        _task_status(pid, tid)
                    check(_ids(st["Uid"]) == [pw.pw_uid] * 4, "thread %s Uid %s" % (tid, st["Uid"]))
                    check(_ids(st["Gid"]) == [pw.pw_gid] * 4, "thread %s Gid %s" % (tid, st["Gid"]))
                    groups = _ids(st["Groups"]) if st["Groups"] else []
                    groups_seen = st["Groups"]
                    check(0 not in groups and set(groups) <= set(
                        os.getgrouplist(USER, pw.pw_gid)), "thread %s Groups %s" % (tid, groups))
                    check(int(st["CapEff"], 16) == 0 and int(st["CapPrm"], 16) == 0,
                          "thread %s keeps capabilities %s" % (tid, st["CapEff"]))
                # dropped before serving: the drop precedes the ready line
                log = s.log()
                check("sealed ready" in log, "no ready line")
                # the data dir, users file and Maildirs: modes and owner
                check(_mode(data) == 0o700 and os.stat(data).st_uid == pw.pw_uid,
                      "data dir %o uid %d" % (_mode(data), os.stat(data).st_uid))
                users = os.path.join(data, "users")
                check(_mode(users) == 0o600, "users file mode %o" % _mode(users))
                for u in DEFAULT_USERS:
                    for sub in ("", "tmp", "new", "cur"):
                        d = os.path.join(data, "mail", u, sub)
                        check(_mode(d) == 0o700, "%s mode %o" % (d, _mode(d)))
                        check(os.stat(d).st_uid == pw.pw_uid, "%s owned by uid %d"
                              % (d, os.stat(d).st_uid))
                check(_mode(os.path.join(data, "mail")) == 0o700, "mail/ mode")
                # still serves: SMTP into a root-made Maildir, POP3 out of it
                mk = marker()
                smtp_send(s.port, "alice", DEFAULT_USERS["alice"], "bob@localhost", message(mk))
                files = s.messages("bob")
                check(len(files) == 1, "%d files in bob's new/" % len(files))
                fst = os.stat(files[0])
                check(fst.st_uid == pw.pw_uid and stat.S_IMODE(fst.st_mode) == 0o600,
                      "message owner %d mode %o" % (fst.st_uid, stat.S_IMODE(fst.st_mode)))
                with Pop3(s.pop3_port) as p:
                    p.login("bob", DEFAULT_USERS["bob"])
                    check(p.ok("STAT").split()[1] == "1", "POP3 does not see the message")
                    p.ok("QUIT")
                # a user added by root while it runs gets a Maildir it can use
                r = lib.useradd(data, "carol", "carol-Secret-3")
                check(r.returncode == 0, "useradd carol: %s" % tail(r.stderr))
                carol = os.path.join(data, "mail", "carol", "new")
                check(os.stat(carol).st_uid == pw.pw_uid, "carol's Maildir left to root")
                ok = wait_for(lambda: _try_send(s.port, "carol@localhost"), lib.deadline(5), 0.3)
                check(ok, "no delivery to a user added while the server runs")
                r = run([sealed(), "--data-dir", data, "status"])
                check(r.returncode == 0, "sealed status as root: %s" % tail(r.stderr))
                code = s.stop()
                check(code == 0, "exit %s after SIGTERM: %s" % (code, s.why()))
                print("# --user %s: all %d threads Uid %d, Gid %d, Groups [%s], CapEff 0; "
                      "data dir 0700, users 0600, Maildirs 0700, messages 0600; SMTP and POP3 "
                      "served" % (USER, len(tasks), pw.pw_uid, pw.pw_gid, groups_seen),
                      flush=True)
            finally:
                s.stop()
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _task_status(pid, tid):
    out = {}
    with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def _try_send(port, rcpt):
    try:
        return smtp_send(port, "alice", DEFAULT_USERS["alice"], rcpt, message(marker()))
    except Exception:  # noqa: B902
        return False


def test_fresh_data_dir_0700_users_0600_maildirs_0700():
    top = lib.tmpdir("modes")
    data = os.path.join(top, "fresh")
    old = os.umask(0o022)                        # a usual umask: modes come from sealed
    try:
        s = HardServer(name="modes", users={}, data_dir=data)
        s.users_added = True
        s.start()
        try:
            check(_mode(data) == 0o700, "data dir made %o" % _mode(data))
            check(_mode(s.log_path) == 0o600, "log made %o" % _mode(s.log_path))
            r = lib.useradd(data, "dora", "dora-Secret-4")
            check(r.returncode == 0, "useradd: %s" % tail(r.stderr))
            check(_mode(os.path.join(data, "users")) == 0o600, "users file %o"
                  % _mode(os.path.join(data, "users")))
            for sub in ("", "tmp", "new", "cur"):
                d = os.path.join(data, "mail", "dora", sub)
                check(_mode(d) == 0o700, "%s made %o" % (d, _mode(d)))
        finally:
            s.stop()
        data2 = os.path.join(top, "by-useradd")     # the admin command makes it too
        r = lib.useradd(data2, "erin", "erin-Secret-5")
        check(r.returncode == 0 and _mode(data2) == 0o700 and
              _mode(os.path.join(data2, "users")) == 0o600,
              "useradd into a new dir: exit %d, dir %o" % (r.returncode, _mode(data2)))
    finally:
        os.umask(old)


def _start_fails(certs, what):
    s = HardServer(name="key-" + what, users={}, certs=certs)
    s.users_added = True
    p = subprocess.run(s.command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=lib.deadline(20), cwd=s.work)
    return p.returncode, p.stderr.decode().strip().splitlines()


def test_key_readable_by_others_is_refused_in_one_line():
    c = lib.make_certs()
    results = {}
    for mode in (0o644, 0o604, 0o660, 0o620, 0o600, 0o400, 0o640):
        os.chmod(c.key, mode)
        code, err = _start_fails(c, "%o" % mode) if mode in (0o644, 0o604, 0o660, 0o620) \
            else (None, None)
        if code is not None:
            check(code != 0 and len(err) == 1 and "readable or writable by others" in err[0]
                  and ("%04o" % mode) in err[0] and c.key in err[0],
                  "key mode %o: exit %s, %r" % (mode, code, err))
            results[mode] = "refused"
        else:
            s = HardServer(name="keyok", users={}, certs=c)
            s.users_added = True
            if os.geteuid() != 0 and mode == 0o640:
                continue
            s.start()
            s.stop()
            results[mode] = "accepted"
    if os.geteuid() == 0:
        # 0640 only when root owns it: a key another user owns must be 0600
        os.chown(c.key, 65534, 65534)
        os.chmod(c.key, 0o640)
        code, err = _start_fails(c, "nobody640")
        check(code != 0 and len(err) == 1 and "0640" in err[0],
              "0640 key owned by uid 65534: exit %s, %r" % (code, err))
        os.chown(c.key, 0, 0)
        results["0640 not root's"] = "refused"
    os.chmod(c.key, 0o600)
    # SIGHUP with a key made world-readable: the old certificate stays
    s = HardServer(name="key-hup", users={}, certs=c)
    s.users_added = True
    s.start()
    try:
        os.chmod(c.key, 0o644)
        s.signal(signal.SIGHUP)
        ok = wait_for(lambda: "readable or writable by others" in s.log(), lib.deadline(5))
        check(ok, "SIGHUP reloaded a world-readable key without a word")
        with Smtp(s.port, cafile=c.crt) as t:
            t.expect("NOOP", 250)
    finally:
        os.chmod(c.key, 0o600)
        s.stop()
    r = run([sealed(), "--help"])
    check(b"0600" in r.stdout, "--help does not state the key rule")
    print("# key modes: %s" % ", ".join("%s %s" % (("%04o" % k) if isinstance(k, int) else k, v)
                                       for k, v in results.items()), flush=True)


@timeout(90)
def test_root_never_follows_links_planted_in_the_data_dir():
    if _root_only():
        return
    top = tempfile.mkdtemp(prefix="sealed-links.")
    try:
        with SystemUser() as pw:
            os.chmod(top, 0o711)
            victim = os.path.join(top, "victim")           # stands for /etc/shadow
            with open(victim, "w") as f:
                f.write("root-only\n")
            os.chmod(victim, 0o600)
            data = os.path.join(top, "data")
            r = lib.useradd(data, "alice", DEFAULT_USERS["alice"])
            check(r.returncode == 0, "useradd: %s" % tail(r.stderr))
            os.chown(data, pw.pw_uid, pw.pw_gid)            # as after a --user run
            # what the account could do: a link where root will open or chown
            lock = os.path.join(data, "users.lock")
            os.unlink(lock)
            os.symlink(victim, lock)
            r = lib.useradd(data, "mallory", "mallory-Secret-6")
            check(os.stat(victim).st_uid == 0, "useradd as root gave the link's target away")
            err = r.stderr.decode()
            check(r.returncode != 0 and "users.lock" in err,
                  "useradd through a planted users.lock link: exit %d, %r"
                  % (r.returncode, err))
            os.unlink(lock)
            log = os.path.join(data, "sealed.log")
            if os.path.exists(log):
                os.unlink(log)
            os.symlink(victim, log)
            certs = _private_tree(top)[1]
            s = HardServer(name="links", users={}, certs=certs, data_dir=data,
                           args=["--user", USER])
            s.users_added = True
            p = subprocess.run(s.command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=lib.deadline(20), cwd=s.work)
            with open(victim) as f:
                check(f.read() == "root-only\n", "the server wrote its log through a link")
            check(p.returncode != 0 and b"log" in p.stderr,
                  "start with a planted sealed.log link: exit %d, %r"
                  % (p.returncode, p.stderr[-200:]))
            os.unlink(log)
            # the chown before the drop skips links (mail/x -> victim)
            os.symlink(victim, os.path.join(data, "mail", "x"))
            s2 = HardServer(name="links2", users={}, certs=certs, data_dir=data,
                            args=["--user", USER])
            s2.users_added = True
            s2.start()
            s2.stop()
            check(os.stat(victim).st_uid == 0, "privdrop's chown followed a link")
            print("# planted links: users.lock (useradd refused, target kept), sealed.log "
                  "(start refused, target unwritten), mail/x (not followed by the chown)",
                  flush=True)
    finally:
        shutil.rmtree(top, ignore_errors=True)
