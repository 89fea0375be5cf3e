#!/usr/bin/env python3
"""grade.py: grades a student's secure client/server lab server against the
handout (`make grade`), or a whole class from a roster.

    python3 tools/grade/grade.py URL [--cafile FILE] [--user NAME --password-file FILE]
        [--client-cert FILE --client-key FILE] [--send LINE --expect REGEX]
        [--clients N] [--min-rsa BITS] [--checks LIST] [--report FILE] [--json FILE]
    python3 tools/grade/grade.py --roster FILE [--jobs N] [--out DIR] [same options]

URL: smtps://HOST[:465]  pop3s://HOST[:995]  rtsps://HOST[:322]/PATH  (implicit TLS)
     smtp://HOST[:587]   (SMTP with STARTTLS)
     tls://HOST:PORT     (a line protocol of the student's own over TLS: the TLS
                         and certificate checks, and --send/--expect for check 5)

The eight checks, each PASS, FAIL with one plain sentence, or SKIPPED with why:
  1 Protocol versions  TLS 1.3 and 1.2 accepted (their suites and groups named);
                       TLS 1.1, 1.0 (openssl at SECLEVEL=0) and SSLv3 (a hand-built
                       hello) refused
  2 Cipher suites      every accepted suite forward-secret, AEAD, authenticated
  3 Certificate        self-signed or issued by --cafile; names the host graded;
                       valid now (days left); RSA >= --min-rsa bits or ECDSA P-256+;
                       not signed with SHA-1
  4 Verification       seal --show-cert accepts it with the student's trust anchor,
                       refuses it with another CA (smtp://: Python's ssl)
  5 Login              right password in, wrong one refused with the protocol's
                       error (needs --user/--password-file); smtp://: neither AUTH
                       offered nor taken before STARTTLS
  6 The wire           tshark on the interface used: the handshake, then only
                       Application Data; the password and a marker never in clear
                       (SKIPPED without the right to capture or without tshark)
  7 Many clients       --clients sessions at once (seal-load; Python threads for
                       STARTTLS): how many succeeded, the rate, the p99
  8 Mutual TLS         with --client-cert: refused without one, let in with it

One server: the live progress on stdout, the report in --report (default
grade-report.md): each command run and what it printed, trimmed, each check.
A class (--roster): one line a student, 'name,URL,CA file,user,password
file,notes' (a header line 'name,url,...' is recognised; '#' starts a
comment; paths relative to the roster's folder; empty fields allowed);
students graded --jobs at a time, each in its own process; in --out (default
grade-reports/): NAME.md per student, summary.md, summary.csv and
summary.html (self-contained: the matrix, each cell linking to that
student's section, sortable by total).

Exit status: 0 every check that ran passed (a class: no student has a FAIL);
1 a check failed; 2 bad usage.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import signal
import sys
import time
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
sys.path[:0] = [HERE, os.path.join(TOOLS, "walkthrough"), TOOLS]

import lab as labmod            # noqa: E402
import show                     # noqa: E402
import walkthrough              # noqa: E402  (run_step, sealed_version)
import checks_tls               # noqa: E402
import checks_session           # noqa: E402
import roster                   # noqa: E402
from lab import ROOT            # noqa: E402
from tlskit.probe import is_ip  # noqa: E402

SCHEMES = {"smtps": 465, "pop3s": 995, "rtsps": 322, "smtp": 587, "tls": None}
DEFAULT_CLIENTS = 20
DEFAULT_MIN_RSA = 2048
DEFAULT_JOBS = 4
STUDENT_TIMEOUT_S = 600

# The checks: number, title, short name (CSV column), what the handout asks, the code.
CHECKS = [
    (1, "Protocol versions", "versions",
     "TLS 1.3 and 1.2 are accepted (which suites and groups), TLS 1.1, 1.0 and SSLv3 are "
     "refused, even to a client willing to speak them.", checks_tls.versions),
    (2, "Cipher suites", "suites",
     "Every suite the server accepts is forward-secret and AEAD.", checks_tls.suites),
    (3, "Certificate", "certificate",
     "A self-signed certificate (or one the given CA issued) that names the host, is inside "
     "its validity window, has a strong key (RSA >= 2048 bits, the handout's 4096, or ECDSA "
     "P-256 or better) and is not signed with SHA-1.", checks_tls.certificate),
    (4, "Client verification", "verification",
     "A client that verifies the server accepts it with the student's CA and refuses it "
     "with another.", checks_tls.verification),
    (5, "Login", "login",
     "Logins are checked against the stored passwords: the right password gets in, a wrong "
     "one gets the protocol's error; nothing of a login before TLS.", checks_session.login),
    (6, "The wire", "wire",
     "Nothing is readable on the wire: after the handshake only Application Data, and "
     "neither the password nor the session's text in clear.", checks_session.wire),
    (7, "Many clients", "load",
     "The server serves many clients at once.", checks_session.many_clients),
    (8, "Mutual TLS", "mtls",
     "When the server requires a client certificate, a client without one is refused.",
     checks_session.mutual_tls),
]


class Target:
    """The server graded: its URL and what the grader is given for it."""

    def __init__(self, url, cafile=None, user=None, password_file=None, client_cert=None,
                 client_key=None):
        u = urlsplit(url)
        if u.scheme not in SCHEMES:
            raise ValueError("%r: the scheme must be one of %s" % (url, ", ".join(
                s + "://" for s in SCHEMES)))
        if not u.hostname:
            raise ValueError("%r: no host" % url)
        try:
            port = u.port
        except ValueError:
            raise ValueError("%r: the port is not a number from 1 to 65535" % url)
        if u.scheme == "tls" and not port:
            raise ValueError("%r: tls:// needs a port (tls://HOST:PORT)" % url)
        self.url, self.scheme, self.host = url, u.scheme, u.hostname
        self.port = port or SCHEMES[u.scheme]
        self.path = u.path
        self.cafile = os.path.abspath(cafile) if cafile else None
        self.user, self.password_file = user, password_file
        self.client_cert = os.path.abspath(client_cert) if client_cert else None
        self.client_key = os.path.abspath(client_key) if client_key else None
        self.starttls = "smtp" if u.scheme == "smtp" else None
        host = "[%s]" % self.host if ":" in self.host else self.host
        # seal and seal-load speak smtps, pop3s, rtsps; for a handshake alone
        # (--show-cert, seal-load handshake) any of them does.
        self.seal_url = url if u.scheme in ("smtps", "pop3s", "rtsps") else \
            "smtps://%s:%d" % (host, self.port)

    @property
    def ip_host(self):
        return is_ip(self.host)


class Desk(labmod.Lab):
    """The walkthrough's Lab (temp dir, processes run and stopped by pid,
    passwords), for a server the grader does not own: lab.target is it."""

    def __init__(self, bin_dir, target, opts, keep=False):
        super().__init__(bin_dir, cert=os.devnull, key=os.devnull, keep=keep, prefix="grade.")
        self.target = target
        self.opts = opts
        self.cafile = target.cafile


def _checks_list(text):
    numbers = [n for n, *_ in CHECKS]
    try:
        wanted = sorted({int(x) for x in re.split(r"[ ,]+", text.strip()) if x})
    except ValueError:
        wanted = []
    if not wanted or any(n not in numbers for n in wanted):
        raise ValueError("--checks wants check numbers 1 to %d, not %r" % (len(CHECKS), text))
    return wanted


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="grade.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n\n", 1)[1].rsplit("\n\nExit status", 1)[0] +
        "\n\nmake grade TARGET=URL [CAFILE=F] [USER=N PASSWORD_FILE=F] or make grade "
        "ROSTER=FILE runs it with bin/.",
        epilog="Exit status: 0 every check that ran passed (a class: no student has a "
               "FAIL); 1 a check failed; 2 bad usage.")
    ap.add_argument("url", nargs="?", help="the server to grade (not with --roster)")
    ap.add_argument("--roster", metavar="FILE", help="grade a class: one student a line")
    ap.add_argument("--jobs", type=int, default=DEFAULT_JOBS, metavar="N",
                    help="--roster: students graded at a time (default %d)" % DEFAULT_JOBS)
    ap.add_argument("--out", default="grade-reports", metavar="DIR",
                    help="--roster: where the reports and summaries go (default "
                         "grade-reports)")
    ap.add_argument("--cafile", metavar="FILE", help="the student's CA certificate (default: "
                    "the server's certificate must be self-signed and is its own anchor)")
    ap.add_argument("--user", metavar="NAME", help="a user of the student's server ...")
    ap.add_argument("--password-file", metavar="FILE", help="... and its password (first line)")
    ap.add_argument("--client-cert", metavar="FILE", help="a client certificate the server "
                    "trusts: check 8 (mutual TLS) and every client uses it")
    ap.add_argument("--client-key", metavar="FILE", help="its key")
    ap.add_argument("--send", metavar="LINE", help="tls://: a line to send ...")
    ap.add_argument("--expect", metavar="REGEX", help="... and what the answer must match")
    ap.add_argument("--clients", type=int, default=DEFAULT_CLIENTS, metavar="N",
                    help="check 7: sessions at once (default %d)" % DEFAULT_CLIENTS)
    ap.add_argument("--min-rsa", type=int, default=DEFAULT_MIN_RSA, metavar="BITS",
                    help="check 3: the smallest RSA key that passes (default %d; the "
                         "handout's 4096)" % DEFAULT_MIN_RSA)
    ap.add_argument("--checks", metavar="LIST", help="run these checks only (e.g. 1,3)")
    ap.add_argument("--name", metavar="NAME", help="the student's name in the report")
    ap.add_argument("--notes", metavar="TEXT", help="a note for the report")
    ap.add_argument("--report", default="grade-report.md", metavar="FILE",
                    help="one server: the Markdown report (default grade-report.md)")
    ap.add_argument("--json", metavar="FILE", help="one server: the results as JSON too")
    ap.add_argument("--probe-jobs", type=int, metavar="N",
                    help="handshakes at a time while checks 1 and 2 search the suites and "
                         "groups (default %d; 1 for each student of a --roster, whose "
                         "students are graded side by side)" % checks_tls.PROBE_JOBS)
    ap.add_argument("--timeout", type=float, default=STUDENT_TIMEOUT_S, metavar="S",
                    help="--roster: a student's grading is stopped after S seconds "
                         "(default %d)" % STUDENT_TIMEOUT_S)
    ap.add_argument("--bin", default=os.path.join(ROOT, "bin"), metavar="DIR",
                    help="the folder with seal, seal-load and sealed (default bin)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = ap.parse_args(argv)
    if bool(a.url) == bool(a.roster):
        ap.error("give one server URL or --roster FILE")
    if a.roster:
        each = [o for o in ("cafile", "user", "password_file", "name", "notes", "json")
                if getattr(a, o)] + (["report"] if a.report != "grade-report.md" else [])
        if each:
            ap.error("--%s: with --roster, the roster gives that for each student"
                     % each[0].replace("_", "-"))
    try:
        a.numbers = _checks_list(a.checks) if a.checks else [n for n, *_ in CHECKS]
    except ValueError as e:
        ap.error(str(e))
    if a.probe_jobs is None:
        a.probe_jobs = 1 if a.roster else checks_tls.PROBE_JOBS
    for opt, low in (("clients", 1), ("jobs", 1), ("min_rsa", 512), ("timeout", 1),
                     ("probe_jobs", 1)):
        if getattr(a, opt) < low:
            ap.error("--%s wants a number of at least %d" % (opt.replace("_", "-"), low))
    for opt in ("cafile", "password_file", "client_cert", "client_key", "roster"):
        path = getattr(a, opt)
        if path and not os.path.isfile(path):
            ap.error("--%s %s: no such file" % (opt.replace("_", "-"), path))
    if bool(a.user) != bool(a.password_file):
        ap.error("--user and --password-file go together")
    if bool(a.client_cert) != bool(a.client_key):
        ap.error("--client-cert and --client-key go together")
    if bool(a.send) != bool(a.expect):
        ap.error("--send and --expect go together")
    if a.expect:
        try:
            re.compile(a.expect)
        except re.error as e:
            ap.error("--expect %r: %s" % (a.expect, e))
    for name in ("sealed", "seal", "seal-load"):
        if not os.access(os.path.join(a.bin, name), os.X_OK):
            ap.error("%s is missing (build with make, or give --bin DIR)"
                     % os.path.join(a.bin, name))
    if a.url:
        try:
            a.target = Target(a.url, a.cafile, a.user, a.password_file, a.client_cert,
                              a.client_key)
        except ValueError as e:
            ap.error(str(e))
    return a


def tool_versions(lab):
    """What the report names: the checkout (seal and seal-load come from
    it), the openssl tool, the capture engine, Python (its ssl module is the
    system OpenSSL). dumpcap answers --version at once, tshark in a second."""
    def first_line(args):
        r = lab.run(args, timeout=20)
        return (r.stdout.strip().splitlines() or [""])[0] if r.returncode == 0 else ""

    ossl = first_line(["openssl", "version"])
    return [("sealed", walkthrough.sealed_version(lab)),
            ("OpenSSL", (re.sub(r"^(.*) \(Library: \1\)$", r"\1", ossl) or "not installed")
             + " (the openssl tool and, through Python's ssl, the grader's own clients)"),
            ("Capture", first_line(["dumpcap", "--version"]) or "dumpcap not installed"),
            ("Python", platform.python_version())]


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def results_json(path, a, steps, meta, problems, started):
    """The results as JSON: what the class summary is made of."""
    data = {"name": a.name or a.url, "url": a.url, "notes": a.notes or "",
            "report": os.path.abspath(a.report), "meta": meta, "problems": problems,
            "started": started.timestamp(), "finished": time.time(),
            "checks": [{"number": s.number, "title": s.title, "short": CHECKS[s.number - 1][2],
                        "asks": s.asks, "result": s.result, "reason": s.reason,
                        "summary": s.summary,
                        "items": [[k, list(p) if isinstance(p, tuple) else p]
                                  for k, p in s.items]} for s in steps]}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


def grade_one(a, argv):
    lab = Desk(a.bin, a.target, a, keep=a.keep)
    display = show.Display(total=len(CHECKS))
    signal.signal(signal.SIGTERM, _interrupt)
    started = datetime.datetime.now().astimezone()
    who = "%s: %s" % (a.name, a.url) if a.name else a.url
    chosen = "all %d checks" % len(CHECKS) if len(a.numbers) == len(CHECKS) else \
        "check " + ", ".join(map(str, a.numbers))
    display.say("sealed grader: %s (%s)" % (who, chosen))
    display.say("Temporary files in $WT = %s" % lab.tmp)
    vers = tool_versions(lab)
    done, interrupted = [], False
    try:
        for number, title, _, asks, fn in CHECKS:
            if number not in a.numbers:
                continue
            step = labmod.Step(number, title, asks, lab, display)
            display.step_start(step)
            walkthrough.run_step(step, fn, lab)
            if step.result == "FAIL" and step.summary:
                step.reason = step.summary      # the check's own plain sentence
            done.append(step)
            display.step_end(step)
    except KeyboardInterrupt:
        interrupted = True
        display.say("\ninterrupted: stopping what the grader started")
    finally:
        problems = lab.shutdown()
        if interrupted:
            problems.append("interrupted before the end")
        t = a.target
        meta = [("Student", a.name or "-"), ("Server", a.url),
                ("Trust anchor", lab.shown(t.cafile) if t.cafile
                 else "the server's own certificate (self-signed)"),
                ("Credentials", "%s, password in %s" % (t.user, lab.shown(t.password_file))
                 if t.user else "none given"),
                ("Date", started.strftime("%Y-%m-%d %H:%M:%S %Z")),
                ("Command", " ".join(shlex.quote(x) for x in
                                     [os.path.relpath(__file__, ROOT)] + argv))] + \
            vers
        if a.notes:
            meta.insert(1, ("Notes", a.notes))
        show.report(a.report, lab, meta, done, problems,
                    title="Grade: %s" % who, who="grader")
        if a.json:
            results_json(a.json, a, done, meta, problems, started)
        display.summary(done, problems, a.report)
        lab.cleanup()
    ok = not interrupted and not problems and all(s.result != "FAIL" for s in done)
    return 0 if ok else 1


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    a = parse_args(argv)
    if a.roster:
        return roster.grade_class(a, __file__, CHECKS, Target)
    return grade_one(a, argv)


if __name__ == "__main__":
    sys.exit(main())
