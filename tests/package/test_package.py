#!/usr/bin/env python3
"""test_package.py --deb-dir DIR: `make test-package`. Installs the package
that `make deb` built (DIR/sealed_VERSION_ARCH.deb) on this machine with
`apt-get install ./...`, then checks, in order: the files and conffiles; the
`sealed` system account; the certificate made at install time (CN = this
host, SANs for it and localhost; key root:sealed 0640) and the directories;
`sealed --version` and `sealed --check-config` on /etc/sealed/sealed.conf;
the installed server started the way sealed.service starts it (its
ExecStart, as root, under the unit's CapabilityBoundingSet, with
NOTIFY_SOCKET; ports moved to free ones) says READY=1, drops to `sealed`, and
a message sent over SMTP comes back over POP3; a SIGHUP (the unit's
ExecReload) reloads the root:sealed key after the drop; logrotate accepts the
snippet; `apt-get remove` keeps the data and the config; `apt-get purge`
removes what the package made, the account included.

It changes the machine (a package, an account), so it refuses to run as
anything but root, or when sealed is installed or a `sealed` account exists
already: it would purge them. Prints one line per check and, last,
`package: N passed, N failed`. Not part of make test.
"""

import argparse
import glob
import grp
import os
import poplib
import pwd
import re
import shutil
import signal
import smtplib
import socket
import ssl
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import lib  # noqa: E402
from lib import TestFailure, check, free_port, run, tail, tmpdir  # noqa: E402

UNIT = "/lib/systemd/system/sealed.service"
CONF = "/etc/sealed/sealed.conf"
CRT, KEY = "/etc/sealed/sealed.crt", "/etc/sealed/sealed.key"
DATA, LOGDIR = "/var/lib/sealed", "/var/log/sealed"
USER, PASSWORD = "alice", "alice-Secret-1"
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}


class State:
    deb = None
    installed = False
    notify = None


def sh(args, **kw):
    r = run(args, timeout=kw.pop("timeout", 300), **kw)
    return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")


def mode_owner(path):
    st = os.stat(path)
    return (stat.S_IMODE(st.st_mode), pwd.getpwuid(st.st_uid).pw_name,
            grp.getgrgid(st.st_gid).gr_name)


# --- the checks, in order ----------------------------------------------------------

def check_machine_is_free():
    check(os.geteuid() == 0, "must run as root (it installs a package)")
    code, out = sh(["dpkg-query", "-W", "-f", "${Status}", "sealed"])
    check(code != 0 or "not-installed" in out,
          "sealed is installed here already (%s): purge it first" % out.strip())
    for what, present in (("an account sealed", _account_exists()),
                          ("/etc/sealed", os.path.exists("/etc/sealed")),
                          (DATA, os.path.exists(DATA))):
        check(not present, "%s exists already: the purge at the end would remove it" % what)


def _account_exists():
    try:
        pwd.getpwnam("sealed")
        return True
    except KeyError:
        return False


def check_apt_get_installs_it():
    code, out = sh(["apt-get", "install", "-y", "--no-install-recommends", "./" +
                    os.path.relpath(State.deb)], env=APT_ENV, cwd=os.getcwd())
    State.installed = True
    check(code == 0, "apt-get install: exit %d: %s" % (code, tail(out, 6)))
    m = re.search(r"mkcert: made .*", out)
    check(m is not None, "the postinst made no certificate: %s" % tail(out, 6))
    print("# %s" % m.group(0), flush=True)


def check_files_and_conffiles():
    for path in ("/usr/sbin/sealed", "/usr/bin/seal", "/usr/bin/seal-load", UNIT, CONF,
                 "/etc/logrotate.d/sealed", "/usr/share/man/man8/sealed.8.gz",
                 "/usr/share/man/man5/sealed.conf.5.gz", "/usr/share/man/man1/seal.1.gz",
                 "/usr/share/man/man1/seal-load.1.gz"):
        check(os.path.isfile(path), "%s is not installed" % path)
    code, out = sh(["dpkg-query", "-W", "-f", "${Conffiles}", "sealed"])
    for conffile in (CONF, "/etc/logrotate.d/sealed"):
        check(conffile in out, "%s is not a conffile: %s" % (conffile, out.strip()))
    text = open(CONF).read()
    for line in ("smtp-port = 465", "pop3-port = 995", "rtsp-port = 322",
                 "data-dir = /var/lib/sealed", "log-file = /var/log/sealed/sealed.log",
                 "user = sealed", "cert = %s" % CRT, "key = %s" % KEY):
        check(line in text.splitlines(), "%s lacks %r" % (CONF, line))


def check_account_and_directories():
    pw = pwd.getpwnam("sealed")
    check(pw.pw_uid < 1000 and pw.pw_uid != 0, "sealed is not a system account (uid %d)"
          % pw.pw_uid)
    check(grp.getgrgid(pw.pw_gid).gr_name == "sealed", "sealed's group is not sealed")
    check(pw.pw_dir == DATA, "sealed's home is %s" % pw.pw_dir)
    check(mode_owner(DATA) == (0o700, "sealed", "sealed"), "%s is %s" % (DATA, mode_owner(DATA)))
    check(mode_owner(LOGDIR)[:2] == (0o755, "root"), "%s is %s" % (LOGDIR, mode_owner(LOGDIR)))
    check(mode_owner(KEY) == (0o640, "root", "sealed"), "%s is %s" % (KEY, mode_owner(KEY)))
    check(mode_owner(CRT)[:2] == (0o644, "root"), "%s is %s" % (CRT, mode_owner(CRT)))


def check_certificate_names_this_host():
    code, out = sh(["hostname", "--fqdn"])         # as dist/mkcert.sh names it
    host = out.strip() if code == 0 and out.strip() else socket.gethostname()
    code, out = sh(["openssl", "x509", "-in", CRT, "-noout", "-subject", "-ext",
                    "subjectAltName"])
    check(code == 0, "openssl x509: %s" % tail(out))
    check(re.search(r"subject=CN\s*=\s*%s\s*$" % re.escape(host), out, re.M),
          "the certificate's CN is not %s: %s" % (host, out))
    check("DNS:%s" % host in out and "DNS:localhost" in out,
          "the SANs lack %s or localhost: %s" % (host, out))
    print("# certificate: CN=%s, %s" % (host, out.strip().splitlines()[-1].strip()), flush=True)


def check_version_and_check_config():
    code, out = sh(["/usr/sbin/sealed", "--version"])
    version = open(os.path.join(lib.ROOT, "VERSION")).read().strip()
    check(code == 0 and re.match(r"^sealed %s \(wolfSSL [\d.]+, tuned\)$" % re.escape(version),
                                 out.strip()), "sealed --version: %r" % out)
    print("# %s" % out.strip(), flush=True)
    code, out = sh(["/usr/sbin/sealed", "--check-config"])
    check(code == 0 and "config       %s" % CONF in out and "the configuration is valid" in out,
          "sealed --check-config (default %s): exit %d: %s" % (CONF, code, tail(out, 6)))


def _unit_command(ports):
    """The unit's ExecStart (as setpriv under its CapabilityBoundingSet),
    with the ports moved."""
    unit = open(UNIT).read()
    start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1).split()
    caps = re.search(r"^CapabilityBoundingSet=(.*)$", unit, re.M).group(1).split()
    bset = "-all," + ",".join("+" + c.lower().replace("cap_", "") for c in caps)
    check(re.search(r"^ExecReload=/bin/kill -HUP \$MAINPID$", unit, re.M),
          "ExecReload does not send SIGHUP")
    return ["setpriv", "--bounding-set", bset] + start + \
        ["--smtp-port", str(ports[0]), "--pop3-port", str(ports[1]),
         "--rtsp-port", str(ports[2])]


def _notify(sock, key):
    try:
        msg = sock.recv(4096).decode()
    except socket.timeout:
        raise TestFailure("no %s on NOTIFY_SOCKET" % key)
    check(key in msg.split("\n"), "NOTIFY_SOCKET got %r, want %s" % (msg, key))


def check_installed_server_serves_as_the_unit_runs_it():
    code, out = sh(["/usr/sbin/sealed", "useradd", USER], input=PASSWORD + "\n")
    check(code == 0, "sealed useradd: %s" % tail(out))
    ports = (free_port(), free_port(), free_port())
    d = tmpdir("package")
    sock_path = os.path.join(d, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(20)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    err_path = os.path.join(d, "stderr")
    with open(err_path, "wb") as err:
        proc = lib.popen(_unit_command(ports), stdin=subprocess.DEVNULL, stdout=err,
                         stderr=err, env=env, cwd="/")
    try:
        _notify(sock, "READY=1")
        status = open("/proc/%d/status" % proc.pid).read()
        uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
        capeff = re.search(r"^CapEff:\s+(\w+)", status, re.M).group(1)
        check(uid == pwd.getpwnam("sealed").pw_uid, "the server runs as uid %d, not sealed" % uid)
        check(int(capeff, 16) == 0, "the server keeps capabilities %s" % capeff)
        _mail_round_trip(ports)
        log = open(os.path.join(LOGDIR, "sealed.log")).read()
        check(re.search(r" C: mail FROM:<%s@localhost>" % USER, log, re.I),
              "no exchange in %s/sealed.log" % LOGDIR)
        proc.send_signal(signal.SIGHUP)
        _notify(sock, "RELOADING=1")
        _notify(sock, "READY=1")
        log = open(os.path.join(LOGDIR, "sealed.log")).read()
        check("reload: certificate %s and key %s loaded" % (CRT, KEY) in log,
              "after the drop, a reload cannot read the key: %s" % tail(log, 4))
        proc.send_signal(signal.SIGTERM)
        _notify(sock, "STOPPING=1")
    finally:
        code = lib.stop_proc(proc, signal.SIGTERM, 15)
        sock.close()
    check(code == 0, "exit %s: %s" % (code, tail(open(err_path).read())))
    print("# served as the unit runs it: uid sealed, CapEff 0, READY=1, a message "
          "sent and read back, reload after the drop", flush=True)


def _mail_round_trip(ports):
    ctx = ssl.create_default_context(cafile=CRT)
    body = "Subject: from the package test\r\n\r\nmark %d\r\n" % os.getpid()
    with smtplib.SMTP_SSL("localhost", ports[0], context=ctx, timeout=20) as s:
        s.login(USER, PASSWORD)
        s.sendmail("%s@localhost" % USER, ["%s@localhost" % USER], body)
    p = poplib.POP3_SSL("localhost", ports[1], context=ctx, timeout=20)
    try:
        p.user(USER)
        p.pass_(PASSWORD)
        text = b"\n".join(p.retr(1)[1]).decode()
        check("mark %d" % os.getpid() in text, "POP3 did not return the message")
    finally:
        p.quit()


def check_logrotate_accepts_the_snippet():
    if shutil.which("logrotate") is None:
        raise TestFailure("logrotate is missing (tools/deps.sh --package installs it)")
    state = os.path.join(tmpdir("logrotate"), "state")
    code, out = sh(["logrotate", "--debug", "--state", state, "/etc/logrotate.d/sealed"])
    check(code == 0 and "error" not in out.lower(), "logrotate -d: %s" % tail(out, 4))


def check_remove_keeps_data_and_config():
    code, out = sh(["apt-get", "remove", "-y", "sealed"], env=APT_ENV)
    check(code == 0, "apt-get remove: %s" % tail(out, 4))
    check(not os.path.exists("/usr/sbin/sealed"), "remove left /usr/sbin/sealed")
    check(os.path.isfile(CONF) and os.path.isfile(KEY), "remove took the config or the key")
    check(glob.glob(os.path.join(DATA, "mail", USER, "*", "*,S=*")), "remove took the mail")
    check(_account_exists(), "remove took the account")


def check_purge_removes_what_it_made():
    code, out = sh(["apt-get", "purge", "-y", "sealed"], env=APT_ENV)
    check(code == 0, "apt-get purge: %s" % tail(out, 4))
    State.installed = False
    left = [p for p in ("/etc/sealed", DATA, LOGDIR, "/etc/logrotate.d/sealed", UNIT,
                        "/etc/systemd/system/multi-user.target.wants/sealed.service")
            if os.path.lexists(p)]
    check(not left, "purge left %s" % ", ".join(left))
    check(not _account_exists(), "purge left the account sealed")
    try:
        grp.getgrnam("sealed")
        raise TestFailure("purge left the group sealed")
    except KeyError:
        pass
    code, out = sh(["dpkg-query", "-W", "-f", "${Status}", "sealed"])
    check(code != 0 or "not-installed" in out, "dpkg still knows sealed: %s" % out)


CHECKS = [check_machine_is_free, check_apt_get_installs_it, check_files_and_conffiles,
          check_account_and_directories, check_certificate_names_this_host,
          check_version_and_check_config, check_installed_server_serves_as_the_unit_runs_it,
          check_logrotate_accepts_the_snippet, check_remove_keeps_data_and_config,
          check_purge_removes_what_it_made]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deb-dir", required=True, help="where make deb put the .deb")
    args = ap.parse_args()
    version = open(os.path.join(lib.ROOT, "VERSION")).read().strip()
    debs = glob.glob(os.path.join(args.deb_dir, "sealed_%s_*.deb" % version))
    passed = failed = 0
    if len(debs) != 1:
        print("FAIL - setup: want one sealed_%s_*.deb in %s, found %d" % (version, args.deb_dir,
                                                                       len(debs)))
        print("package: 0 passed, 1 failed")
        return 1
    State.deb = debs[0]
    try:
        for fn in CHECKS:
            t0 = time.monotonic()
            try:
                fn()
                passed += 1
                print("ok - %s # %.1fs" % (fn.__name__, time.monotonic() - t0), flush=True)
            except (TestFailure, AssertionError, OSError, KeyError) as e:
                failed += 1
                print("FAIL - %s: %s" % (fn.__name__, e), flush=True)
                if fn in (check_machine_is_free, check_apt_get_installs_it):
                    break
    finally:
        lib.kill_all()
        if State.installed:
            code, out = sh(["apt-get", "purge", "-y", "sealed"], env=APT_ENV)
            print("# cleanup: apt-get purge sealed: exit %d" % code, flush=True)
        lib.cleanup_run_dir()
    print("package: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
