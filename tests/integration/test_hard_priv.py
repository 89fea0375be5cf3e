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
- Issue 12: nor the partial-message clean at start-up (mail/x/tmp -> a root
  folder, mail -> one), nor useradd's Maildir (even when the account swaps
  mail for a link at the worst moment), nor the users file (a link or hard
  link to a root-only file), nor the log (a FIFO, a hard link), nor
  `sealed status` (sealed.sock -> another socket); and root without --user
  refuses a data dir tree the account owns.
"""

import contextlib
import fcntl
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile

import lib
from hardlib import proc_status, wait_for
from lib import (DEFAULT_USERS, Pop3, Server, Skip, Smtp, check, marker, message, run, sealed,
                 send_mail, tail, timeout)

USER = "sealed-test"
USER_MARK = "sealed test account"   # its GECOS when a test made it (so removable)
USER_LOCK = "/tmp/sealed-test-user.lock"


class SystemUser:
    """`with SystemUser() as pw:` a system account USER (made unless it
    exists). pw is its passwd entry. Test runs at once (the stages of `make
    test` run side by side) share it: each holds a shared lock on USER_LOCK
    while it uses the account, and the last one out removes it, if a test
    made it."""

    def __enter__(self):
        self.lock = open(USER_LOCK, "a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        try:
            pwd.getpwnam(USER)
        except KeyError:
            r = run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                     "--shell", "/usr/sbin/nologin", "--comment", USER_MARK, USER])
            check(r.returncode == 0, "useradd %s: %s" % (USER, tail(r.stderr)))
        fcntl.flock(self.lock, fcntl.LOCK_SH)
        return pwd.getpwnam(USER)

    def __exit__(self, *exc):
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if pwd.getpwnam(USER).pw_gecos == USER_MARK:
                run(["userdel", USER])
        except (BlockingIOError, KeyError):
            pass                                # another run still uses it
        finally:
            self.lock.close()


@contextlib.contextmanager
def _account_and_top(prefix, mode=None):
    """`with _account_and_top(PREFIX) as (top, pw):` a fresh root-owned
    folder (chmod MODE when given) and the test account, both gone after."""
    top = tempfile.mkdtemp(prefix=prefix)
    try:
        if mode is not None:
            os.chmod(top, mode)
        with SystemUser() as pw:
            yield top, pw
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _root_only(why="needs root"):
    """Raises Skip unless this process runs as root."""
    if os.geteuid() != 0:
        raise Skip(why)


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
    _root_only()
    top, certs = _private_tree()
    try:
        with SystemUser() as pw:
            data = os.path.join(top, "data")
            s = Server(name="priv", pop3=True, certs=certs, data_dir=data,
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
                send_mail(s.port, [("bob", message(mk))])
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
        return send_mail(port, [(rcpt, message(marker()))])
    except Exception:  # noqa: B902
        return False


def test_fresh_data_dir_0700_users_0600_maildirs_0700():
    top = lib.tmpdir("modes")
    data = os.path.join(top, "fresh")
    old = os.umask(0o022)                        # a usual umask: modes come from sealed
    try:
        s = Server(name="modes", users={}, data_dir=data)
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
    s = Server(name="key-" + what, users={}, certs=certs)
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
            s = Server(name="keyok", users={}, certs=c)
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
    s = Server(name="key-hup", users={}, certs=c)
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
    _root_only()
    with _account_and_top("sealed-links.", mode=0o711) as (top, pw):
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
        s = Server(name="links", users={}, certs=certs, data_dir=data,
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
        s2 = Server(name="links2", users={}, certs=certs, data_dir=data,
                        args=["--user", USER])
        s2.users_added = True
        s2.start()
        s2.stop()
        check(os.stat(victim).st_uid == 0, "privdrop's chown followed a link")
        print("# planted links: users.lock (useradd refused, target kept), sealed.log "
              "(start refused, target unwritten), mail/x (not followed by the chown)",
              flush=True)


# --- issue 12: nothing root does in the data dir follows a planted link -------

def _victim_dir(top, name, sub=None):
    """A root-only folder outside the data dir (stands for /etc) holding
    copies of passwd and shadow, in SUB when given. Its file paths."""
    d = os.path.join(top, name, sub) if sub else os.path.join(top, name)
    os.makedirs(d, 0o700)
    os.chmod(os.path.join(top, name), 0o700)
    files = []
    for src in ("/etc/passwd", "/etc/shadow"):
        dst = os.path.join(d, os.path.basename(src))
        if os.path.exists(src):
            shutil.copyfile(src, dst)
        else:
            with open(dst, "w") as f:
                f.write("root-only\n")
        os.chmod(dst, 0o600)
        files.append(dst)
    return files


def _give(path, pw):
    """chown -R PATH to the account, as an earlier --user run leaves it
    (links themselves, never their targets)."""
    os.lchown(path, pw.pw_uid, pw.pw_gid)
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            os.lchown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)


def _plant(target, link, pw):
    """What the account does: LINK -> TARGET, the link its own."""
    os.symlink(target, link)
    os.lchown(link, pw.pw_uid, pw.pw_gid)


def _data_for(top, pw, users=("alice",)):
    """A data dir made by root's useradd, then left to the account."""
    data = os.path.join(top, "data")
    for u in users:
        r = lib.useradd(data, u, DEFAULT_USERS.get(u, u + "-Secret-9"))
        check(r.returncode == 0, "useradd %s: %s" % (u, tail(r.stderr)))
    _give(data, pw)
    return data


def _start_once(s, seconds=20):
    """Runs server S's command to its exit (a server that refuses to start);
    one that keeps running is a hang, so a test failure."""
    return run(s.command(), timeout=seconds)


def _intact(files):
    return all(os.path.exists(f) and os.stat(f).st_uid == 0 for f in files)


@timeout(180)
def test_start_as_root_cleans_tmp_through_no_planted_link():
    """The partial-message clean at start-up (root, then --user) never follows
    a link the account planted: mail/x/tmp -> a root folder, mail -> one;
    without --user, root refuses a data dir the account owns."""
    _root_only()
    with _account_and_top("sealed-clean.", mode=0o711) as (top, pw):
        certs = _private_tree(top)[1]
        data = _data_for(top, pw)
        mail = os.path.join(data, "mail")
        # 1. mail/x/tmp -> /etc-like folder, started with --user
        victim = _victim_dir(top, "victim")
        x = os.path.join(mail, "x")
        os.mkdir(x, 0o700)
        os.chown(x, pw.pw_uid, pw.pw_gid)
        _plant(os.path.dirname(victim[0]), os.path.join(x, "tmp"), pw)
        s = Server(name="clean-x", users={}, certs=certs, data_dir=data,
                       args=["--user", USER])
        s.users_added = True
        s.start()
        code = s.stop()
        check(_intact(victim), "the clean deleted files through mail/x/tmp: %r"
              % os.listdir(os.path.dirname(victim[0])))
        log = s.log()
        check(code == 0 and "mail/x/tmp: a symbolic link, not followed" in log,
              "exit %s; the log does not name the link it refused: %s"
              % (code, tail(log, 4)))
        # 2. mail itself -> a root folder holding u/tmp/FILES
        victim2 = _victim_dir(top, "victim2", "u/tmp")
        os.rename(mail, mail + ".old")
        _plant(os.path.join(top, "victim2"), mail, pw)
        s2 = Server(name="clean-mail", users={}, certs=certs, data_dir=data,
                        args=["--user", USER])
        s2.users_added = True
        r = _start_once(s2)
        err = r.stderr.decode()
        check(_intact(victim2), "the clean deleted files through mail -> victim2")
        check(r.returncode != 0 and "mail: a symbolic link, not followed" in err,
              "start with mail a link: exit %d, %r" % (r.returncode, tail(err)))
        os.unlink(mail)
        os.rename(mail + ".old", mail)
        # 3. the same tree, root without --user: refused before anything
        s3 = Server(name="clean-root", users={}, certs=certs, data_dir=data)
        s3.users_added = True
        r = _start_once(s3)
        err = r.stderr.decode().strip().splitlines()
        check(_intact(victim), "root without --user deleted files through mail/x/tmp")
        check(r.returncode != 0 and len(err) == 1 and ("belongs to uid %d" % pw.pw_uid)
              in err[0] and "--user" in err[0],
              "root without --user in the account's tree: exit %d, %r"
              % (r.returncode, err))
        print("# planted: mail/x/tmp -> root dir (clean refused it, %d files kept), "
              "mail -> root dir (start refused), root without --user (%s)"
              % (len(victim), err[0][:80]), flush=True)


SHIM_C = r"""
/* Stands for the data dir's owner winning the race against root: just
 * before root makes directory $SHIM_NAME, $SHIM_MAIL becomes a link to
 * $SHIM_TARGET (the real folder moved aside). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int done;

static void
shim_swap(const char *path)
{
	const char *want = getenv("SHIM_NAME"), *mail = getenv("SHIM_MAIL");
	const char *to = getenv("SHIM_TARGET"), *base = strrchr(path, '/');
	char aside[4096];

	base = base ? base + 1 : path;
	if (done || !want || !mail || !to || strcmp(base, want) != 0)
		return;
	done = 1;
	snprintf(aside, sizeof aside, "%s.aside", mail);
	if (rename(mail, aside) == 0 && symlink(to, mail) == 0)
		lchown(mail, (uid_t)atoi(getenv("SHIM_UID")), (gid_t)atoi(getenv("SHIM_GID")));
}

int
mkdir(const char *path, mode_t mode)
{
	int (*real)(const char *, mode_t) = (int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");
	shim_swap(path);
	return real(path, mode);
}

int
mkdirat(int dfd, const char *path, mode_t mode)
{
	int (*real)(int, const char *, mode_t) =
		(int (*)(int, const char *, mode_t))dlsym(RTLD_NEXT, "mkdirat");
	shim_swap(path);
	return real(dfd, path, mode);
}
"""


def _race_shim(top):
    """The LD_PRELOAD shim above, built; None (and why) when there is no cc."""
    src, so = os.path.join(top, "shim.c"), os.path.join(top, "shim.so")
    with open(src, "w") as f:
        f.write(SHIM_C)
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None, "no C compiler for the race shim"
    r = run([cc, "-shared", "-fPIC", "-o", so, src, "-ldl"])
    if r.returncode != 0:
        return None, "cannot build the race shim: %s" % tail(r.stderr)
    return so, ""


def _listing(d):
    return sorted(os.listdir(d))


@timeout(120)
def test_useradd_as_root_makes_no_maildir_through_a_planted_link():
    """`sealed useradd` as root in the account's data dir: mail -> outside,
    mail/NAME -> outside, and mail swapped for a link just before root makes
    the Maildir (the race, won every time by an LD_PRELOAD shim): nothing
    appears outside."""
    _root_only()
    with _account_and_top("sealed-useradd.", mode=0o711) as (top, pw):
        data = _data_for(top, pw)
        mail = os.path.join(data, "mail")
        outside = os.path.join(top, "outside")           # stands for /etc
        os.mkdir(outside, 0o755)
        os.rename(mail, mail + ".real")
        _plant(outside, mail, pw)                        # mail -> outside
        r = lib.useradd(data, "bob", "bob-Secret-2")
        check(_listing(outside) == [], "useradd bob made %r outside" % _listing(outside))
        check(b"symbolic link" in r.stderr, "useradd bob: %r" % tail(r.stderr))
        os.unlink(mail)
        os.rename(mail + ".real", mail)
        _plant(outside, os.path.join(mail, "carol"), pw)  # mail/carol -> outside
        r = lib.useradd(data, "carol", "carol-Secret-3")
        check(_listing(outside) == [], "useradd carol made %r outside" % _listing(outside))
        so, why = _race_shim(top)
        if so is None:
            raise Skip(why)
        env = {"LD_PRELOAD": so, "SHIM_NAME": "erin", "SHIM_MAIL": mail,
               "SHIM_TARGET": outside, "SHIM_UID": str(pw.pw_uid),
               "SHIM_GID": str(pw.pw_gid),
               "ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") +
                                ":verify_asan_link_order=0").lstrip(":")}
        r = run([sealed(), "--data-dir", data, "useradd", "erin"],
                input="erin-Secret-5\n", env=env)
        check(os.path.islink(mail), "the shim did not swap mail for a link: %s"
              % tail(r.stderr))
        check(_listing(outside) == [], "useradd erin, raced, made %r outside (owner %s)"
              % (_listing(outside), [os.lstat(os.path.join(outside, n)).st_uid
                                     for n in _listing(outside)]))
        check(r.returncode == 0 and os.path.isdir(
            os.path.join(mail + ".aside", "erin", "new")),
            "raced useradd erin: exit %d, %s" % (r.returncode, tail(r.stderr)))
        print("# useradd as root: mail -> outside, mail/carol -> outside and the race "
              "(mail swapped just before mkdir erin) made nothing outside", flush=True)


@timeout(120)
def test_users_file_through_a_planted_link_is_not_read_as_root():
    """users -> a root-only file outside, or a hard link to one: `sealed users`
    as root refuses it, and the server started as root refuses to start
    (never loads its lines)."""
    _root_only()
    with _account_and_top("sealed-users.", mode=0o711) as (top, pw):
        certs = _private_tree(top)[1]
        scratch = os.path.join(top, "scratch")
        r = lib.useradd(scratch, "eve", "eve-Secret-6")
        check(r.returncode == 0, "useradd eve: %s" % tail(r.stderr))
        secret = os.path.join(top, "secret")              # a root-only file outside
        shutil.copyfile(os.path.join(scratch, "users"), secret)
        os.chmod(secret, 0o600)
        data = _data_for(top, pw)
        users = os.path.join(data, "users")
        os.unlink(users)
        _plant(secret, users, pw)
        results = []
        for kind in ("symlink", "hard link"):
            if kind == "hard link":
                os.unlink(users)
                os.link(secret, users)                    # as root: the test's stand-in
            r = run([sealed(), "--data-dir", data, "users"])
            check(r.returncode != 0 and b"eve" not in r.stdout,
                  "`sealed users` as root read users (%s): exit %d, %r"
                  % (kind, r.returncode, r.stdout))
            s = Server(name="users-link", users={}, certs=certs, data_dir=data,
                           args=["--user", USER])
            s.users_added = True
            r2 = _start_once(s)
            check(r2.returncode != 0 and b"users" in r2.stderr,
                  "start with users a %s: exit %d, %r" % (kind, r2.returncode,
                                                          tail(r2.stderr)))
            results.append("%s: %s" % (kind, tail(r.stderr)))
        print("# users -> root-only file: %s" % "; ".join(results), flush=True)


@timeout(120)
def test_log_fifo_or_hard_link_is_refused_at_start():
    """sealed.log a FIFO (an open that would never return) or a hard link to
    a root file (root would append to it): start refused in one line, the
    file untouched."""
    _root_only()
    with _account_and_top("sealed-log.", mode=0o711) as (top, pw):
        certs = _private_tree(top)[1]
        data = _data_for(top, pw)
        log = os.path.join(data, "sealed.log")
        if os.path.exists(log):
            os.unlink(log)
        os.mkfifo(log, 0o600)
        os.chown(log, pw.pw_uid, pw.pw_gid)
        s = Server(name="log-fifo", users={}, certs=certs, data_dir=data,
                       args=["--user", USER])
        s.users_added = True
        r = _start_once(s)
        err = r.stderr.decode().strip().splitlines()
        check(r.returncode != 0 and len(err) == 1 and "not a regular file" in err[0],
              "start with sealed.log a FIFO: exit %d, %r" % (r.returncode, err))
        os.unlink(log)
        target = os.path.join(top, "root-file")
        with open(target, "w") as f:
            f.write("root-only\n")
        os.chmod(target, 0o600)
        os.link(target, log)
        r2 = _start_once(s)
        err2 = r2.stderr.decode().strip().splitlines()
        with open(target) as f:
            check(f.read() == "root-only\n", "the server appended its log to a hard link")
        check(r2.returncode != 0 and len(err2) == 1 and "hard links" in err2[0],
              "start with sealed.log a hard link: exit %d, %r" % (r2.returncode, err2))
        print("# sealed.log: FIFO (%s), hard link (%s)" % (err[0][-40:], err2[0][-40:]),
              flush=True)


@timeout(60)
def test_status_connects_through_no_planted_socket_link():
    """sealed.sock -> another socket of the system: `sealed status` as root
    refuses it and never connects there."""
    _root_only()
    import socket
    with _account_and_top("sealed-sock.") as (top, pw):
        data = _data_for(top, pw)
        other = os.path.join(top, "other.sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            srv.bind(other)
            srv.listen(4)
            srv.setblocking(False)
            _plant(other, os.path.join(data, "sealed.sock"), pw)
            r = run([sealed(), "--data-dir", data, "status"], timeout=10)
            err = r.stderr.decode().strip().splitlines()
            check(r.returncode != 0 and len(err) == 1 and "symbolic link" in err[0],
                  "status through a planted link: exit %d, %r" % (r.returncode, err))
            try:
                c, _ = srv.accept()
                c.close()
                raise lib.TestFailure("`sealed status` connected to the link's target")
            except BlockingIOError:
                pass
        finally:
            srv.close()


def test_user_after_a_root_run_gets_the_node_lock_and_the_pop3_lock():
    """A data dir served as root, then with --user: the node lock
    (nodes/NODE.lock) and the POP3 maildrop lock the root run made are given
    to the account, which starts and serves POP3 (before, a root-owned node
    lock stopped the start)."""
    if _root_only():
        return
    top, certs = _private_tree()
    try:
        with SystemUser() as pw:
            data = os.path.join(top, "data")
            s = Server(name="root-then-user", pop3=True, certs=certs, data_dir=data)
            s.start()                                    # as root, no --user
            with Pop3(s.pop3_port) as p:
                p.login("bob", DEFAULT_USERS["bob"])
                p.cmd("QUIT")
            check(s.stop() == 0, "root run: %s" % s.why())
            nodes = os.path.join(data, "nodes")
            locks = [n for n in os.listdir(nodes) if n.endswith(".lock")]
            pop3_lock = os.path.join(data, "mail", "bob", "sealed-pop3.lock")
            check(locks and os.stat(os.path.join(nodes, locks[0])).st_uid == 0 and
                  os.stat(pop3_lock).st_uid == 0, "the root run made no root-owned locks")
            s.args = ["--user", USER]
            s.start()
            for path in [nodes, pop3_lock] + [os.path.join(nodes, n) for n in locks]:
                check(os.stat(path).st_uid == pw.pw_uid, "%s not given to %s" % (path, USER))
            with Pop3(s.pop3_port) as p:
                p.login("bob", DEFAULT_USERS["bob"])
                p.cmd("QUIT")
            check(s.stop() == 0, "--user run: %s" % s.why())
    finally:
        shutil.rmtree(top, ignore_errors=True)
