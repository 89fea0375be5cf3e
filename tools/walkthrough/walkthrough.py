#!/usr/bin/env python3
"""walkthrough.py: the grading walkthrough of sealed (`make walkthrough`).

Demonstrates every requirement of the secure client/server lab, live, on its
own servers (free loopback ports, a temporary data directory), in ten steps.
Each step says in one sentence what the handout asks, shows each command it
runs and what that printed, checks it, and ends PASS, FAIL or SKIPPED (with
the reason, when it cannot run here). The report goes to
walkthrough-report.md, plain text to stdout. Exit status 0 only if every step
that ran passed and every server it started stopped cleanly.

    python3 tools/walkthrough/walkthrough.py [--bin DIR] [--step N] [--pause]
        [--cert FILE --key FILE] [--cafile FILE] [--report FILE] [--keep]

  --bin DIR          the folder with sealed, seal and seal-load (default bin)
  --step N           run step N only (also a list: --step 3,5)
  --pause            wait for Enter between steps (only when stdin is a terminal)
  --cert, --key      the server certificate and key (default certs/server.crt
                     and certs/server.key, as `make certs` writes them)
  --cafile FILE      the client's trust anchor (default: the certificate itself)
  --client-cert, --client-key  for mutual TLS (default: client.crt and
                     client.key beside the server certificate, else made here)
  --report FILE      where the report goes (default walkthrough-report.md)
  --keep             keep the temporary directory
  --inject-fault KIND  FOR TESTS ONLY: break one thing on purpose to show that
                     the walkthrough catches it. KIND log-password: a line
                     that carries a password is added to the server's log
                     after step 4, as a leaking server would write it (step 5
                     must FAIL). Also $WALKTHROUGH_FAULT.

Colors on a terminal, none with NO_COLOR set or in a pipe.
"""

import argparse
import datetime
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.dirname(HERE))     # tools/: tlskit, shared with the grader

import harness                  # noqa: E402
import show                     # noqa: E402
import steps_tls                # noqa: E402
import steps_users              # noqa: E402
import steps_services           # noqa: E402
import steps_clients            # noqa: E402
import steps_wire               # noqa: E402
from lab import ROOT, Abort, Lab, Skip, Step   # noqa: E402

# The ten steps: number, title, what the handout asks (one sentence), the code.
STEPS = [
    (1, "Certificate",
     "The server has a self-signed certificate: show its subject CN, alternative names, "
     "key type and validity window.", steps_tls.certificate),
    (2, "TLS versions",
     "TLS 1.3 and TLS 1.2 handshakes succeed and name the negotiated cipher suite, while "
     "TLS 1.1 and 1.0 are refused even to a client willing to speak them.",
     steps_tls.tls_versions),
    (3, "The client authenticates the server",
     "The client checks the certificate chain, the host name and the validity dates, each "
     "by name, and refuses an untrusted, misnamed, expired or not yet valid certificate "
     "with a one-line reason and exit code 4.", steps_tls.client_checks),
    (4, "Users",
     "A user is added and stored as a password hash only; the right password logs in, a "
     "wrong one gets 535, too many failures close the connection, and with "
     "--open-registration an unknown user is registered.", steps_users.users),
    (5, "The log",
     "Every exchange is logged with a timestamp and the addresses of both ends, and no "
     "password is in the log, neither in clear nor in base64.", steps_users.log),
    (6, "Mail round trip",
     "A message sent over SMTP is fetched over POP3 unchanged.", steps_services.mail),
    (7, "Streaming",
     "RTSP asks for a login (401), then DESCRIBE, SETUP, PLAY of a short clip, PAUSE, "
     "PLAY and TEARDOWN work, and the audio received equals the file.",
     steps_services.streaming),
    (8, "Many clients",
     "100 clients hold SMTP sessions at the same time and all succeed, the server's own "
     "counters confirm the count, and the rate and 99th-percentile latency are shown.",
     steps_clients.many_clients),
    (9, "Mutual TLS",
     "When the server requires client certificates, a client without one is refused at "
     "the handshake, a client with one gets in, and the log names its certificate.",
     steps_clients.mutual_tls),
    (10, "The wire",
     "A capture of a session shows the TLS handshake and then only encrypted Application "
     "Data, with neither the password nor the message text in it, while the session's key "
     "log decrypts the same capture into the SMTP commands.", steps_wire.wire),
]
FAULTS = ("log-password",)


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="walkthrough.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n\n")[1] + "\n\nmake walkthrough [STEP=N] [PAUSE=1] "
        "[CERT=FILE KEY=FILE] runs it with bin/.",
        epilog="Exit status: 0 every step passed; 1 a step failed or was skipped, or a server "
               "did not stop cleanly; 2 bad usage.")
    ap.add_argument("--bin", default=os.path.join(ROOT, "bin"), metavar="DIR",
                    help="the folder with sealed, seal and seal-load (default bin)")
    ap.add_argument("--step", metavar="N", help="run step N only (or a list: 3,5)")
    ap.add_argument("--pause", action="store_true",
                    help="wait for Enter between steps (only when stdin is a terminal)")
    ap.add_argument("--cert", default=os.path.join(ROOT, "certs", "server.crt"), metavar="FILE",
                    help="server certificate (default certs/server.crt, from make certs)")
    ap.add_argument("--key", default=os.path.join(ROOT, "certs", "server.key"), metavar="FILE",
                    help="its key (default certs/server.key)")
    ap.add_argument("--cafile", metavar="FILE",
                    help="the clients' trust anchor (default: the certificate itself)")
    ap.add_argument("--client-cert", metavar="FILE", help="client certificate for mutual TLS "
                    "(default: client.crt beside the server certificate, else made)")
    ap.add_argument("--client-key", metavar="FILE", help="its key")
    ap.add_argument("--report", default="walkthrough-report.md", metavar="FILE",
                    help="the Markdown report (default walkthrough-report.md)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--inject-fault", default=os.environ.get("WALKTHROUGH_FAULT") or None,
                    metavar="KIND", help="FOR TESTS ONLY: break one thing on purpose (%s: a "
                    "password in the log, step 5 must FAIL); also $WALKTHROUGH_FAULT"
                    % ", ".join(FAULTS))
    a = ap.parse_args(argv)
    numbers = [n for n, *_ in STEPS]
    if a.step:
        try:
            wanted = sorted({int(x) for x in re.split(r"[ ,]+", a.step.strip()) if x})
        except ValueError:
            ap.error("--step wants step numbers 1 to %d, not %r" % (len(STEPS), a.step))
        if not wanted or any(n not in numbers for n in wanted):
            ap.error("--step wants step numbers 1 to %d, not %r" % (len(STEPS), a.step))
        a.numbers = wanted
    else:
        a.numbers = numbers
    if a.inject_fault and a.inject_fault not in FAULTS:
        ap.error("--inject-fault: one of %s" % ", ".join(FAULTS))
    for name in ("sealed", "seal", "seal-load"):
        if not os.access(os.path.join(a.bin, name), os.X_OK):
            ap.error("%s is missing (build with make, or give --bin DIR)"
                     % os.path.join(a.bin, name))
    for opt in ("cert", "key", "cafile", "client_cert", "client_key"):
        path = getattr(a, opt)
        if path and not os.path.isfile(path):
            hint = " (make certs writes it)" if opt in ("cert", "key") else ""
            ap.error("--%s %s: no such file%s" % (opt.replace("_", "-"), path, hint))
    if bool(a.client_cert) != bool(a.client_key):
        ap.error("--client-cert and --client-key go together")
    return a


# --- versions ------------------------------------------------------------------

def _out(args, cwd=ROOT):
    try:
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL, cwd=cwd, timeout=20)
        return r.stdout.decode("utf-8", "replace").strip() if r.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def sealed_version(lab):
    """The checkout's commit (read-only git), whether the tree has changes,
    and when the binary was built: sealed has no version number of its own."""
    built = datetime.datetime.fromtimestamp(os.path.getmtime(lab.sealed)).strftime(
        "%Y-%m-%d %H:%M")
    head = _out(["git", "rev-parse", "--short", "HEAD"])
    if not head:
        return "%s (built %s)" % (lab.shown(lab.sealed), built)
    dirty = _out(["git", "--no-optional-locks", "status", "--porcelain",
                  "--untracked-files=no"])
    return "commit %s%s, %s built %s" % (head, " + uncommitted changes" if dirty else "",
                                         lab.shown(lab.sealed), built)


def wolfssl_version(lab):
    """Debian's shared libwolfssl (its package version), or the tuned static
    build of tools/wolfssl.sh (its version header and source stamp)."""
    ldd = _out(["ldd", lab.sealed])
    m = re.search(r"(libwolfssl\.so\S*) => (\S+)", ldd)
    if m:
        owner = _out(["dpkg-query", "-S", os.path.realpath(m.group(2))]).split(":")[0] or \
            _out(["dpkg-query", "-S", m.group(2)]).split(":")[0]
        ver = _out(["dpkg-query", "-W", "-f", "${Version}", owner]) if owner else ""
        return "%s (Debian's %s, shared)" % (ver or "unknown", owner or m.group(1))
    header = os.path.join(ROOT, "build", "wolfssl", "include", "wolfssl", "version.h")
    stamp = os.path.join(ROOT, "build", "wolfssl", ".stamp")
    ver = re.search(r'LIBWOLFSSL_VERSION_STRING "([^"]+)"', harness.read_text(header))
    src = re.search(r"source wolfssl (\S+)", harness.read_text(stamp))
    return "%s (tuned static build of Debian's source%s: AES-NI, SP math, secret callback)" \
        % (ver.group(1) if ver else "unknown", " " + src.group(1) if src else "")


def versions(lab):
    tshark = _out(["tshark", "--version"]).splitlines()
    ossl = _out(["openssl", "version"])
    return [
        ("sealed", sealed_version(lab)),
        ("wolfSSL", wolfssl_version(lab)),
        ("OpenSSL", (re.sub(r"^(.*) \(Library: \1\)$", r"\1", ossl) or "not installed")
         + " (the openssl tool: test client and certificates)"),
        ("tshark", tshark[0] if tshark else "not installed"),
        ("Python", platform.python_version()),
    ]


# --- running the steps ---------------------------------------------------------

def run_step(step, fn, lab):
    try:
        fn(step, lab)
        if step.failures:
            step.result, step.reason = "FAIL", "; ".join(step.failures)
        elif not any(k == "check" for k, _ in step.items):
            step.result, step.reason = "FAIL", "no check ran"
        else:
            step.result = "PASS"
    except Skip as e:
        step.result, step.reason = "SKIPPED", str(e)
        step.note("SKIPPED: %s" % e)
    except Abort as e:
        step.check(False, str(e))
        step.result, step.reason = "FAIL", "; ".join(step.failures)
    except Exception as e:  # noqa: BLE001 - a broken step is a failed step, not a crash
        where = traceback.extract_tb(e.__traceback__)[-1]
        step.check(False, "the walkthrough itself failed: %s: %s (%s:%d)"
                   % (type(e).__name__, e, os.path.basename(where.filename), where.lineno))
        step.result, step.reason = "FAIL", "; ".join(step.failures)
    if len(step.reason) > 400:
        step.reason = step.reason[:400] + "..."


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    lab = Lab(a.bin, a.cert, a.key, a.cafile, keep=a.keep, fault=a.inject_fault)
    lab.client_pair = (a.client_cert, a.client_key) if a.client_cert else None
    display = show.Display(pause=a.pause, total=len(STEPS))
    signal.signal(signal.SIGTERM, _interrupt)
    started = datetime.datetime.now().astimezone()
    vers = versions(lab)
    display.header(lab, vers, a.numbers)
    if lab.fault:
        display.say("  FAULT INJECTED FOR A TEST: %s (this run must fail)" % lab.fault)
    done, interrupted = [], False
    chosen = [s for s in STEPS if s[0] in a.numbers]
    try:
        for i, (number, title, asks, fn) in enumerate(chosen):
            step = Step(number, title, asks, lab, display)
            display.step_start(step)
            run_step(step, fn, lab)
            done.append(step)
            display.step_end(step)
            if i + 1 < len(chosen):
                display.wait("step %d: %s" % chosen[i + 1][:2])
    except KeyboardInterrupt:
        interrupted = True
        display.say("\ninterrupted: stopping the servers")
    finally:
        problems = lab.shutdown()
        if interrupted:
            problems.append("interrupted before the end")
        meta = [("Date", started.strftime("%Y-%m-%d %H:%M:%S %Z")),
                ("Command", " ".join(shlex.quote(x) for x in [os.path.relpath(__file__, ROOT)]
                                     + (sys.argv[1:] if argv is None else argv)))] + vers + \
               [("Certificate", "%s (key %s, trust anchor %s)" % (
                   lab.shown(lab.cert), lab.shown(lab.key), lab.shown(lab.cafile)))]
        if lab.fault:
            meta.append(("Fault injected (test)", lab.fault))
        show.report(a.report, lab, meta, done, problems)
        display.summary(done, problems, a.report)
        lab.cleanup()
    ok = done and all(s.result == "PASS" for s in done) and not problems \
        and len(done) == len(chosen)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
