"""sealed as a daemon (issue 14), on the binary under test: `--version`,
`--help` and bad usage agree on all three programs; the config file
(`--config`, key = value) serves, and the command line wins over it;
`--check-config` lists a bad key, a bad value and a world-readable key, each
named, and passes a good config; SIGHUP applies a changed limit, refuses a
changed port with a log line and reopens the log, as SIGUSR1 does; the
sd_notify socket hears READY=1, RELOADING=1 and STOPPING=1."""

import os
import re
import signal
import smtplib
import socket
import time

import lib
from lib import check, client_context, default_certs, free_port, run, tail, tmpdir

EARLY_PARTIALS = 3000      # files in tmp/ for the start-up clean to remove
VERSION_LINE = r"^%s (\d+\.\d+\.\d+) \(wolfSSL (\d+\.\d+\.\d+)(, running [\d.]+)?, (tuned|system)\)$"


def _version_file():
    with open(os.path.join(lib.ROOT, "VERSION")) as f:
        return f.read().strip()


def test_version_help_and_usage_agree_on_all_three_programs():
    """--version: one line on stdout, exit 0, the VERSION file's version;
    --help: stdout, exit 0; a bad option: one line on stderr, exit 2."""
    want = _version_file()
    for prog, path in (("sealed", lib.sealed()), ("seal", lib.seal_bin()),
                       ("seal-load", lib.load_bin())):
        r = run([path, "--version"])
        out = r.stdout.decode()
        check(r.returncode == 0 and r.stderr == b"", "%s --version: exit %d, stderr %s"
              % (prog, r.returncode, tail(r.stderr)))
        m = re.match(VERSION_LINE % re.escape(prog), out.rstrip("\n"))
        check(m is not None and out.count("\n") == 1, "%s --version: %r" % (prog, out))
        check(m.group(1) == want, "%s says version %s, VERSION says %s" % (prog, m.group(1), want))
        r = run([path, "--help"])
        check(r.returncode == 0 and r.stdout.startswith(b"usage: ") and r.stderr == b"",
              "%s --help: exit %d, stdout %r, stderr %s"
              % (prog, r.returncode, r.stdout[:40], tail(r.stderr)))
        r = run([path, "--no-such-option"])
        err = r.stderr.decode()
        check(r.returncode == 2 and r.stdout == b"" and err.count("\n") == 1
              and err.startswith(prog + ": "),
              "%s --no-such-option: exit %d, stdout %r, stderr %r"
              % (prog, r.returncode, r.stdout[:40], err))
        print("# %s" % out.strip(), flush=True)


def test_debian_changelog_carries_the_version_file():
    """The version has one source, VERSION; debian/changelog must follow it."""
    with open(os.path.join(lib.ROOT, "debian", "changelog")) as f:
        first = f.readline()
    m = re.match(r"^sealed \(([^)]+)\) ", first)
    check(m is not None and m.group(1) == _version_file(),
          "debian/changelog starts %r, VERSION is %s" % (first.strip(), _version_file()))


# --- helpers: a sealed run from a config file --------------------------------

def write_conf(path, **settings):
    """A config file of KEY = VALUE lines (underscores become dashes)."""
    with open(path, "w") as f:
        f.write("# written by test_config.py\n")
        for k, v in settings.items():
            f.write("%s = %s\n" % (k.replace("_", "-"), v))
    os.chmod(path, 0o644)
    return path


def base_settings(d, **more):
    c = default_certs()
    s = dict(listen="127.0.0.1", smtp_port=free_port(), pop3_port=0, rtsp_port=0,
             cert=c.crt, key=c.key, data_dir=os.path.join(d, "data"),
             log_file=os.path.join(d, "sealed.log"))
    s.update(more)
    return s


class Daemon:
    """`sealed ARGS` with its settings from a config file. Its stderr is
    kept, and scanned for sanitizer reports at stop (the runner scans only
    lib.Server's)."""

    def __init__(self, args, env=None, wait_port=None):
        self.dir = tmpdir("daemon")
        self.err_path = os.path.join(self.dir, "stderr")
        e = dict(os.environ)
        e.update(env or {})
        with open(self.err_path, "wb") as err:
            self.proc = lib.popen([lib.sealed()] + list(args), stdin=lib.subprocess.DEVNULL,
                                  stdout=err, stderr=err, env=e, cwd=self.dir)
        if wait_port is not None and not lib.wait_port(wait_port, lib.deadline(20), self.proc):
            self.stop()
            raise lib.TestFailure("sealed did not start listening (exit %s): %s"
                                  % (self.proc.returncode, tail(self.stderr())))

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        code = lib.stop_proc(self.proc, signal.SIGTERM, lib.deadline(15))
        bad = [l for l in self.stderr().splitlines() if any(m in l for m in lib.SANITIZER_MARKS)]
        check(not bad, "sanitizer report: %s" % (bad[:1],))
        return code


def wait_for(fn, seconds, what):
    end = time.monotonic() + lib.deadline(seconds)
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise lib.TestFailure("timed out waiting for %s" % what)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def listening_ports(pid):
    """The TCP ports process PID listens on (its sockets in /proc/net/tcp*)."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            m = re.match(r"socket:\[(\d+)\]$", os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        except OSError:
            continue
        if m:
            inodes.add(m.group(1))
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                col = line.split()
                if col[3] == "0A" and col[9] in inodes:      # 0A: LISTEN
                    ports.add(int(col[1].split(":")[1], 16))
    return ports


def ehlo_size(port, name="test.example"):
    with smtplib.SMTP_SSL("localhost", port, context=client_context(),
                          timeout=lib.deadline(20)) as s:
        s.ehlo(name)
        return int(s.esmtp_features.get("size", "-1"))


# --- the config file -----------------------------------------------------------

def test_config_file_serves_and_the_command_line_wins():
    d = tmpdir("conf")
    s = base_settings(d, max_message_size=123456, smtp_port=free_port())
    conf = write_conf(os.path.join(d, "sealed.conf"), **s)
    port = free_port()
    srv = Daemon(["--config", conf, "--smtp-port", str(port)], wait_port=port)
    try:
        check(ehlo_size(port) == 123456, "SIZE is not the file's max-message-size")
        check(os.path.exists(s["log_file"]), "no log at the file's log-file")
        check(os.path.isdir(s["data_dir"]), "no data dir at the file's data-dir")
        check("smtp=127.0.0.1:%d" % port in read(s["log_file"]), "not on the command line's port")
    finally:
        code = srv.stop()
    check(code == 0, "exit %s after SIGTERM: %s" % (code, tail(srv.stderr())))


def test_config_file_problems_stop_the_start_with_file_and_line():
    d = tmpdir("conf")
    conf = write_conf(os.path.join(d, "sealed.conf"), **base_settings(d))
    with open(conf, "a") as f:
        f.write("colour = blue\n")
    r = run([lib.sealed(), "--config", conf])
    err = r.stderr.decode()
    n = len(open(conf).read().splitlines())
    check(r.returncode == 1 and "sealed: %s:%d: unknown key 'colour'" % (conf, n) in err,
          "exit %d, stderr %s" % (r.returncode, tail(err)))


def test_check_config_names_a_bad_key_a_bad_value_and_a_world_readable_key():
    d = tmpdir("check")
    c = default_certs()
    key = os.path.join(d, "server.key")
    with open(c.key, "rb") as src, open(key, "wb") as dst:
        dst.write(src.read())
    os.chmod(key, 0o600)
    s = base_settings(d, key=key)
    good = write_conf(os.path.join(d, "good.conf"), **s)
    r = run([lib.sealed(), "--config", good, "--check-config"])
    out = r.stdout.decode()
    check(r.returncode == 0 and "the configuration is valid" in out and r.stderr == b"",
          "good config: exit %d, stderr %s" % (r.returncode, tail(r.stderr)))
    for want in ("smtp         127.0.0.1:%d" % s["smtp_port"], "CN=localhost",
                 "signs for the certificate", "log          %s" % s["log_file"]):
        check(want in out, "the report lacks %r: %s" % (want, out))
    check(not os.path.exists(s["data_dir"]) and not os.path.exists(s["log_file"]),
          "--check-config made the data dir or the log")

    bad = write_conf(os.path.join(d, "bad.conf"), **s)
    with open(bad, "a") as f:
        f.write("colour = blue\nmax-auth-failures = many\n")
    lines = len(open(bad).read().splitlines())
    os.chmod(key, 0o644)
    r = run([lib.sealed(), "--config", bad, "--check-config"])
    err = r.stderr.decode()
    for want in ("%s:%d: unknown key 'colour'" % (bad, lines - 1),
                 "%s:%d: max-auth-failures: 'many' is not a number" % (bad, lines),
                 "key %s is readable or writable by others (mode 0644)" % key,
                 "sealed: 3 problem(s)"):
        check(want in err, "--check-config did not say %r: %s" % (want, err))
    check(r.returncode == 1, "bad config: exit %d, want 1" % r.returncode)


# --- reload -----------------------------------------------------------------------

def test_sighup_applies_a_changed_limit_and_refuses_a_changed_port():
    d = tmpdir("reload")
    s = base_settings(d, max_message_size=100000)
    conf = write_conf(os.path.join(d, "sealed.conf"), **s)
    port = s["smtp_port"]
    srv = Daemon(["--config", conf], wait_port=port)
    try:
        check(ehlo_size(port) == 100000, "SIZE before the reload")
        moved = free_port()
        write_conf(conf, **dict(s, max_message_size=200000, smtp_port=moved))
        srv.signal(signal.SIGHUP)
        wait_for(lambda: "reload: 0 users" in read(s["log_file"]), 20, "the reload")
        log = read(s["log_file"])
        check("reload: smtp-port changed from %d to %d: that takes a restart; keeping %d"
              % (port, moved, port) in log, "no log line refusing the port: %s" % tail(log, 6))
        check("reload: max-message-size changed from 100000 to 200000" in log,
              "no log line for the limit: %s" % tail(log, 6))
        check(ehlo_size(port) == 200000, "the new limit is not advertised")
        got = listening_ports(srv.proc.pid)
        check(got == {port}, "after the reload sealed listens on %s, want only %d" % (got, port))
    finally:
        code = srv.stop()
    check(code == 0, "exit %s: %s" % (code, tail(srv.stderr())))


def test_sighup_with_a_broken_file_keeps_everything():
    d = tmpdir("reload")
    s = base_settings(d, max_message_size=100000)
    conf = write_conf(os.path.join(d, "sealed.conf"), **s)
    srv = Daemon(["--config", conf], wait_port=s["smtp_port"])
    try:
        with open(conf, "a") as f:
            f.write("max-message-size = 5000\nbogus = 1\n")
        srv.signal(signal.SIGHUP)
        wait_for(lambda: "keeping the running ones" in read(s["log_file"]), 20, "the reload")
        log = read(s["log_file"])
        check(re.search(r"reload: %s:\d+: unknown key 'bogus'" % re.escape(conf), log),
              "the problem is not logged: %s" % tail(log, 4))
        check(ehlo_size(s["smtp_port"]) == 100000, "a broken file changed the limit")
    finally:
        srv.stop()


def test_a_signal_right_after_the_port_listens_is_handled_not_fatal():
    """SIGHUP, SIGUSR1 and SIGTERM sent the moment the port accepts
    (logrotate waits for no one): the signals used to be blocked only after
    the start-up clean of tmp/, and a signal in between killed the server.
    Partial messages in tmp/ make that clean last."""
    d = tmpdir("early")
    s = base_settings(d)
    conf = write_conf(os.path.join(d, "sealed.conf"), **s)
    tmp = os.path.join(s["data_dir"], "mail", "alice", "tmp")
    for sig in (signal.SIGHUP, signal.SIGUSR1, signal.SIGTERM):
        os.makedirs(tmp, exist_ok=True)
        for i in range(EARLY_PARTIALS):
            open(os.path.join(tmp, "partial.%d" % i), "w").close()
        srv = Daemon(["--config", conf], wait_port=s["smtp_port"])
        srv.signal(sig)
        want = {signal.SIGHUP: "reload: 0 users", signal.SIGUSR1: "log reopened",
                signal.SIGTERM: "sealed stopped"}[sig]
        try:
            wait_for(lambda: want in read(s["log_file"]) or srv.proc.poll() is not None, 20,
                     "the %s" % sig.name)
            check(want in read(s["log_file"]), "%s right after the start killed sealed (exit %s)"
                  % (sig.name, srv.proc.returncode))
        finally:
            code = srv.stop()
        check(code == 0, "exit %s after %s" % (code, sig.name))
        os.unlink(s["log_file"])


def test_sighup_and_sigusr1_reopen_the_log_for_logrotate():
    d = tmpdir("rotate")
    s = base_settings(d)
    conf = write_conf(os.path.join(d, "sealed.conf"), **s)
    log = s["log_file"]
    srv = Daemon(["--config", conf], wait_port=s["smtp_port"])
    try:
        for n, sig in enumerate((signal.SIGUSR1, signal.SIGHUP)):
            rotated = "%s.%d" % (log, n + 1)
            os.rename(log, rotated)
            srv.signal(sig)
            wait_for(lambda: os.path.exists(log), 20, "a new log after %s" % sig.name)
            helo = "rotated%d.example" % n
            ehlo_size(s["smtp_port"], helo)
            wait_for(lambda: "C: ehlo " + helo in read(log), 20, "an exchange in the new log")
            check(helo not in read(rotated), "a line after the reopen went to the rotated file")
            check("sealed ready" in read(rotated) if n == 0 else True, "the old lines moved")
    finally:
        srv.stop()


# --- systemd's notify socket ---------------------------------------------------------

def _notify_socket(name):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(name)
    sock.settimeout(lib.deadline(20))
    return sock


def _expect(sock, key):
    """The next datagram; it must hold the line KEY (READY=1 ...)."""
    try:
        msg = sock.recv(4096).decode()
    except socket.timeout:
        raise lib.TestFailure("no notification (waiting for %s)" % key)
    check(key in msg.split("\n"), "got %r, want %s" % (msg, key))
    return msg


def test_notify_socket_hears_ready_reloading_and_stopping():
    d = tmpdir("notify")
    s = base_settings(d)
    conf = write_conf(os.path.join(d, "sealed.conf"), **s)
    for name in (os.path.join(d, "notify.sock"), "\0sealed-test-%d" % os.getpid()):
        sock = _notify_socket(name)
        env_name = name if not name.startswith("\0") else "@" + name[1:]
        srv = Daemon(["--config", conf], env={"NOTIFY_SOCKET": env_name})
        try:
            msg = _expect(sock, "READY=1")
            check(lib.wait_port(s["smtp_port"], 1), "READY=1 came before the port listened")
            check("STATUS=serving smtp=127.0.0.1:%d" % s["smtp_port"] in msg,
                  "no STATUS with the listener: %r" % msg)
            srv.signal(signal.SIGHUP)
            msg = _expect(sock, "RELOADING=1")
            check(re.search(r"^MONOTONIC_USEC=\d+$", msg, re.M), "RELOADING=1 without MONOTONIC_USEC")
            _expect(sock, "READY=1")
            srv.proc.send_signal(signal.SIGTERM)
            _expect(sock, "STOPPING=1")
        finally:
            code = srv.stop()
            sock.close()
        check(code == 0, "exit %s: %s" % (code, tail(srv.stderr())))
        print("# NOTIFY_SOCKET=%s: READY=1, RELOADING=1, READY=1, STOPPING=1"
              % ("@abstract" if env_name.startswith("@") else "a path"), flush=True)
