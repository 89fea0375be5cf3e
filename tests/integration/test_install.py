"""`make install` and what it installs (issue 14): the layout under DESTDIR
and a config file never written over; the installed sealed, from the
installed example config with its ports moved to free ones, serving SMTP,
POP3 and RTSP (as root: dropping to an account, with no capability beyond
the unit's CapabilityBoundingSet); the unit verified by systemd-analyze, and
its `systemd-analyze security` score printed; the man pages clean under
`mandoc -T lint`, and every option of each program's --help an item of its
page's OPTIONS, once.

`make install` builds the default flavour (tuned wolfSSL, no sanitizer), so
these tests run once, against the first stage's bin/; elsewhere they print
why they skip."""

import os
import poplib
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import wave

import lib
from lib import check, client_context, default_certs, free_port, password_file, run, tail, tmpdir

sys.path.insert(0, os.path.join(lib.ROOT, "tools"))
import mkwav  # noqa: E402

PREFIX = "/usr/local"
PAGES = {"sealed": "man8/sealed.8", "seal": "man1/seal.1", "seal-load": "man1/seal-load.1"}
CONF_PAGE = "man5/sealed.conf.5"
OUR_PAGES = {("sealed", "8"), ("seal", "1"), ("seal-load", "1"), ("sealed.conf", "5")}
_installed = {}


def skip(why):
    print("# skipped: %s" % why, flush=True)


def first_stage():
    """None when make install may run here, else why not."""
    if os.path.realpath(lib.BIN) != os.path.realpath(os.path.join(lib.ROOT, "bin")):
        return "make install builds the default flavour: tested with the first stage's bin/"
    return None


def make_install(**variables):
    """`make install VAR=value ...` in the checkout; its output."""
    args = ["make", "--no-print-directory", "install"] + \
        ["%s=%s" % kv for kv in sorted(variables.items())]
    r = run(args, timeout=600)
    check(r.returncode == 0, "%s: exit %d: %s" % (" ".join(args), r.returncode,
                                                   tail(r.stdout + r.stderr, 5)))
    return r.stdout.decode()


def destdir():
    """The tree of one `make install DESTDIR=...` (made once)."""
    if "destdir" not in _installed:
        d = tmpdir("destdir")
        make_install(DESTDIR=d, PREFIX=PREFIX)
        _installed["destdir"] = d
    return _installed["destdir"]


def inst(path):
    return os.path.join(destdir(), path.lstrip("/"))


def test_make_install_lays_out_the_files():
    why = first_stage()
    if why:
        return skip(why)
    want = {
        PREFIX + "/sbin/sealed": 0o755, PREFIX + "/bin/seal": 0o755,
        PREFIX + "/bin/seal-load": 0o755,
        PREFIX + "/share/man/man8/sealed.8": 0o644, PREFIX + "/share/man/man1/seal.1": 0o644,
        PREFIX + "/share/man/man1/seal-load.1": 0o644,
        PREFIX + "/share/man/man5/sealed.conf.5": 0o644,
        PREFIX + "/etc/sealed/sealed.conf": 0o644,
        PREFIX + "/share/doc/sealed/examples/sealed.conf": 0o644,
        PREFIX + "/etc/logrotate.d/sealed": 0o644,
        PREFIX + "/lib/systemd/system/sealed.service": 0o644,
        PREFIX + "/share/sealed/mkcert.sh": 0o755,
    }
    for path, mode in want.items():
        p = inst(path)
        check(os.path.isfile(p), "make install did not install %s" % path)
        got = os.stat(p).st_mode & 0o777
        check(got == mode, "%s: mode %04o, want %04o" % (path, got, mode))
    for root, _dirs, files in os.walk(destdir()):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                data = fh.read()
            check(b"@SYSCONFDIR@" not in data and b"@LOCALSTATEDIR@" not in data
                  and b"@SBINDIR@" not in data and b"@DATADIR@" not in data,
                  "%s keeps an @...@ placeholder" % f)
    unit = open(inst(PREFIX + "/lib/systemd/system/sealed.service")).read()
    check("ExecStart=%s/sbin/sealed --config %s/etc/sealed/sealed.conf" % (PREFIX, PREFIX)
          in unit, "the unit does not run the installed sealed with the installed config")
    r = run([inst(PREFIX + "/sbin/sealed"), "--help"])
    check("read settings from FILE first (%s/etc/sealed/sealed.conf)" % PREFIX
          in r.stdout.decode(), "the installed sealed does not default to the installed config")
    r = run([lib.sealed(), "--help"])
    check("(none unless given)" in r.stdout.decode(), "bin/sealed has a default config file")


def test_make_install_never_writes_over_a_config():
    why = first_stage()
    if why:
        return skip(why)
    conf = inst(PREFIX + "/etc/sealed/sealed.conf")
    rotate = inst(PREFIX + "/etc/logrotate.d/sealed")
    with open(conf, "a") as f:
        f.write("# the administrator's change\n")
    with open(rotate, "a") as f:
        f.write("# the administrator's change\n")
    out = make_install(DESTDIR=destdir(), PREFIX=PREFIX)
    check("the administrator's change" in open(conf).read(), "make install wrote over sealed.conf")
    check("the administrator's change" in open(rotate).read(), "make install wrote over logrotate.d/sealed")
    check("%s/etc/sealed/sealed.conf exists: kept" % PREFIX in out, "make install did not say so")


def _installed_conf(d, ports, run_as):
    """The installed example config, its ports moved to PORTS and its `user`
    line set to RUN_AS (or removed)."""
    text = open(inst(PREFIX + "/etc/sealed/sealed.conf")).read()
    for key, iana in (("smtp-port", 465), ("pop3-port", 995), ("rtsp-port", 322)):
        line = "%s = %d\n" % (key, iana)
        check(line in text, "the installed config lacks %r" % line.strip())
        text = text.replace(line, "%s = %d\n" % (key, ports[key]))
    check("\nuser = sealed\n" in text, "the installed config does not drop to sealed")
    text = text.replace("\nuser = sealed\n", "\nuser = %s\n" % run_as if run_as else "\n")
    path = os.path.join(d, "sealed.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def _bounding_set():
    """The unit's CapabilityBoundingSet as setpriv(1) takes it."""
    unit = open(inst(PREFIX + "/lib/systemd/system/sealed.service")).read()
    m = re.search(r"^CapabilityBoundingSet=(.*)$", unit, re.M)
    check(m is not None, "the unit has no CapabilityBoundingSet")
    caps = [c.lower().replace("cap_", "") for c in m.group(1).split()]
    return "-all," + ",".join("+" + c for c in caps), m.group(1)


def _open_path_to(d):
    """Lets another account reach D: its parents up from the run dir get
    o+x (not o+r)."""
    p = d
    while p.startswith(lib.run_dir()) and len(p) >= len(lib.run_dir()):
        os.chmod(p, os.stat(p).st_mode | 0o011)
        p = os.path.dirname(p)


@lib.timeout(300)
def test_installed_sealed_serves_smtp_pop3_and_rtsp_from_the_installed_config():
    why = first_stage()
    if why:
        return skip(why)
    sealed = inst(PREFIX + "/sbin/sealed")
    d = tmpdir("installed")
    data = os.path.join(d, "data")
    ports = {"smtp-port": free_port(), "pop3-port": free_port(), "rtsp-port": free_port()}
    root = os.geteuid() == 0 and shutil.which("setpriv") is not None
    conf = _installed_conf(d, ports, "nobody" if root else None)
    c = default_certs()
    flags = ["--config", conf, "--data-dir", data, "--log-file", os.path.join(d, "sealed.log"),
             "--cert", c.crt, "--key", c.key]
    r = run([sealed] + flags + ["useradd", "alice"], input="alice-Secret-1\n")
    check(r.returncode == 0, "installed useradd: %s" % tail(r.stderr))
    os.makedirs(os.path.join(data, "media"))
    mkwav.write_wav(os.path.join(data, "media", "tone.wav"), 0.5, 44100, 2)
    r = run([sealed] + flags + ["--check-config"])
    check(r.returncode == 0, "--check-config of the installed config: %s" % tail(r.stderr))
    cmd = [sealed] + flags
    if root:
        _open_path_to(d)
        bset, shown = _bounding_set()
        cmd = ["setpriv", "--bounding-set", bset] + cmd
    err_path = os.path.join(d, "stderr")
    with open(err_path, "wb") as err:
        proc = lib.popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err, cwd=d)
    try:
        for port in ports.values():
            check(lib.wait_port(port, lib.deadline(20), proc),
                  "the installed sealed does not listen on %d: %s" % (port, tail(open(err_path).read())))
        _smtp_pop3_round_trip(ports, c.crt)
        _rtsp_stream(ports["rtsp-port"], c.crt, d, data)
        if root:
            status = open("/proc/%d/status" % proc.pid).read()
            uid = re.search(r"^Uid:\s+(\d+)", status, re.M).group(1)
            check(uid == str(65534), "the installed sealed did not drop to nobody (Uid %s)" % uid)
            print("# as root: dropped to nobody, bounding set %s" % shown, flush=True)
    finally:
        code = lib.stop_proc(proc, signal.SIGTERM, lib.deadline(15))
    text = open(err_path, "rb").read().decode("utf-8", "replace")
    check(code == 0, "exit %s: %s" % (code, tail(text)))
    check(not any(m in text for m in lib.SANITIZER_MARKS), "sanitizer report: %s" % tail(text))


def _smtp_pop3_round_trip(ports, cafile):
    ctx = client_context(cafile)
    body = "Subject: installed\r\n\r\nthrough the installed sealed %d\r\n" % os.getpid()
    with smtplib.SMTP_SSL("localhost", ports["smtp-port"], context=ctx,
                          timeout=lib.deadline(20)) as s:
        s.login("alice", "alice-Secret-1")
        s.sendmail("alice@localhost", ["alice@localhost"], body)
    p = poplib.POP3_SSL("localhost", ports["pop3-port"], context=ctx, timeout=lib.deadline(20))
    try:
        p.user("alice")
        p.pass_("alice-Secret-1")
        count, _size = p.stat()
        check(count == 1, "POP3 STAT says %d messages, want 1" % count)
        text = b"\n".join(p.retr(1)[1]).decode()
        check("through the installed sealed %d" % os.getpid() in text,
              "POP3 RETR does not return the message sent")
    finally:
        p.quit()


def _rtsp_stream(port, cafile, d, data):
    out = os.path.join(d, "copy.wav")
    r = run([lib.seal_bin(), "--batch", "--cafile", cafile, "--user", "alice",
             "--password-file", password_file("alice-Secret-1"), "--output", out,
             "rtsps://localhost:%d/tone.wav" % port], timeout=60)
    check(r.returncode == 0, "seal rtsps: exit %d: %s" % (r.returncode, tail(r.stderr)))
    with wave.open(out) as a, wave.open(os.path.join(data, "media", "tone.wav")) as b:
        check(a.readframes(a.getnframes()) == b.readframes(b.getnframes()),
              "the streamed audio is not the WAV file")


def test_unit_verifies_and_is_scored():
    """systemd-analyze verify on the unit of `make install PREFIX=<tmp>/usr`
    (real paths: verify checks that ExecStart exists and, through man(1), the
    Documentation= pages); then the offline security score."""
    why = first_stage()
    if why:
        return skip(why)
    if shutil.which("systemd-analyze") is None:
        raise lib.TestFailure("systemd-analyze is missing (make deps installs systemd)")
    prefix = os.path.join(tmpdir("prefix"), "usr")
    make_install(PREFIX=prefix)
    unit = os.path.join(prefix, "lib", "systemd", "system", "sealed.service")
    env = {"MANPATH": os.path.join(prefix, "share", "man") + ":"}
    r = run(["systemd-analyze", "verify", unit], env=env, timeout=60)
    check(r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(),
          "systemd-analyze verify: exit %d: %s" % (r.returncode, tail(r.stdout + r.stderr, 6)))
    text = open(unit).read()
    for line in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "ProtectSystem=strict",
                 "ReadWritePaths=/var/lib/sealed /var/log/sealed", "ProtectHome=yes",
                 "PrivateTmp=yes", "PrivateDevices=yes", "NoNewPrivileges=yes",
                 "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                 "SystemCallFilter=@system-service"):
        check(line in text.splitlines(), "the unit lacks %s" % line)
    r = run(["systemd-analyze", "security", "--offline=true", unit], env=env, timeout=60)
    m = re.search(r"Overall exposure level for sealed.service: ([\d.]+) (\w+)",
                  r.stdout.decode())
    check(m is not None, "no security score: %s" % tail(r.stdout + r.stderr))
    print("# systemd-analyze security: %s %s" % (m.group(1), m.group(2)), flush=True)
    check(float(m.group(1)) < 4.0, "exposure %s: the unit lost its hardening" % m.group(1))


def _installed_pages():
    return {name: inst(PREFIX + "/share/man/" + page) for name, page in PAGES.items()}


def test_man_pages_lint_clean():
    """mandoc -T lint on the installed pages, in one directory so that their
    cross-references resolve; a reference to another package's page that
    this machine lacks is the only message allowed (and counted)."""
    why = first_stage()
    if why:
        return skip(why)
    flat = tmpdir("man")
    for path in list(_installed_pages().values()) + [inst(PREFIX + "/share/man/" + CONF_PAGE)]:
        shutil.copy(path, flat)
    names = sorted(os.listdir(flat))
    r = run(["mandoc", "-T", "lint"] + names, cwd=flat)
    msgs = [l for l in (r.stdout + r.stderr).decode().splitlines()
            if re.search(r": (STYLE|WARNING|ERROR|UNSUPP|BADARG|SYSERR):", l)]
    other = [l for l in msgs if not (re.search(r"referenced manual not found: Xr (\S+) (\d)", l)
                                     and re.search(r"Xr (\S+) (\d)", l).groups() not in OUR_PAGES)]
    check(not other, "mandoc -T lint: %s" % " | ".join(other[:5]))
    print("# mandoc -T lint: %d pages clean%s" % (len(names), "; %d reference(s) to pages this "
          "machine lacks" % len(msgs) if msgs else ""), flush=True)


def _options_section(path):
    """The `.It` heads of the page's OPTIONS section: the options they name."""
    heads, inside = [], False
    for line in open(path):
        if line.startswith(".Sh "):
            inside = line.strip() == ".Sh OPTIONS"
        elif inside and line.startswith(".It "):
            heads.append(["-" + f for f in re.findall(r"\bFl (\S+)", line)])
    return heads


def test_every_help_option_is_in_its_man_page_once():
    why = first_stage()
    if why:
        return skip(why)
    for prog, page in _installed_pages().items():
        binary = {"sealed": lib.sealed(), "seal": lib.seal_bin(), "seal-load": lib.load_bin()}[prog]
        r = run([binary, "--help"])
        helped = set(re.findall(r"(?<![\w$-])(--[a-z][a-z0-9-]*|-[a-zA-Z])\b", r.stdout.decode()))
        check(len(helped) > 5, "%s --help names %d options" % (prog, len(helped)))
        heads = [o for h in _options_section(page) for o in h]
        missing = sorted(o for o in helped if o not in heads)
        check(not missing, "%s(%s) OPTIONS lacks %s" % (prog, page[-1], ", ".join(missing)))
        twice = sorted({o for o in heads if heads.count(o) > 1})
        check(not twice, "%s(%s) OPTIONS has %s more than once" % (prog, page[-1], twice))
        print("# %s: %d options in --help, all in %s" % (prog, len(helped),
                                                         os.path.basename(page)), flush=True)
