"""The grading walkthrough (issue 7): tools/walkthrough/walkthrough.py, run
whole and non-interactively against the binaries under test, must pass every
one of its ten steps, write its report and exit 0. Broken on purpose, it must
say so: a server whose certificate names another host fails step 3 (the
client's checks), and a log that holds a password (--inject-fault, for tests
only) fails step 5; either way the exit status is not 0.

The walkthrough starts its own servers on free loopback ports, with its own
temporary directory, and stops them by pid; it also checks their stderr for
sanitizer reports (under ASan a report fails the run)."""

import os
import re
import sys

import lib
from lib import check, default_certs, library, make_bad_cert, run, tail, timeout, tmpdir

WALK = os.path.join(lib.ROOT, "tools", "walkthrough", "walkthrough.py")
RESULT = re.compile(r"^(PASS|FAIL|SKIPPED)\s+(\d+)\. (.*)$", re.M)
TITLES = ["Certificate", "TLS versions", "The client authenticates the server", "Users",
          "The log", "Mail round trip", "Streaming", "Many clients", "Mutual TLS", "The wire"]


def _walk(args, seconds, certs=None, env=None):
    """Runs the walkthrough (NO_COLOR unset: stdout is a pipe, so no colors
    either way); returns (exit status, stdout, report text, {step: result})."""
    c = certs or default_certs()
    report = os.path.join(tmpdir("walkthrough"), "report.md")
    e = {"TERM": "xterm"}
    e.update(env or {})
    r = run([sys.executable, WALK, "--bin", lib.BIN, "--cert", c.crt, "--key", c.key,
             "--report", report] + list(args), timeout=seconds, env=e)
    out = r.stdout.decode("utf-8", "replace")
    try:
        with open(report) as f:
            text = f.read()
    except OSError:
        text = ""
    results = {int(n): (res, rest) for res, n, rest in RESULT.findall(out)}
    return r, out, text, results


@library
@timeout(120)
def test_walkthrough_every_step_passes():
    r, out, report, results = _walk([], 110)
    failed = {n: v for n, v in results.items() if v[0] != "PASS"}
    check(r.returncode == 0 and len(results) == 10 and not failed,
          "walkthrough exit %d, %d steps reported, not passed: %s; stderr: %s"
          % (r.returncode, len(results), "; ".join("%d %s: %s" % (n, v[0], v[1][:200])
                                                    for n, v in sorted(failed.items())) or "-",
             tail(r.stderr)))
    check("10 passed, 0 failed, 0 skipped" in out, "no summary line: %s" % tail(out))
    check("\033[" not in out, "colors in a pipe")
    for n, title in enumerate(TITLES, 1):
        check(re.search(r"^\[%d/10\] %s$" % (n, re.escape(title)), out, re.M),
              "no heading for step %d (%s)" % (n, title))
        check("## %d. %s: PASS" % (n, title) in report, "report: step %d is not PASS" % n)
    for word in ("Date", "sealed", "wolfSSL", "OpenSSL"):
        check(re.search(r"^- \*\*%s\*\*: \S" % word, report, re.M),
              "report: no %s line" % word)
    check("**Result: 10 passed, 0 failed, 0 skipped.**" in report, "report: no result line")
    check(out.count("The handout asks:") == 10 and out.count("\n  $ ") >= 30,
          "each step should say what is asked and show its commands")


@library
@timeout(60)
def test_walkthrough_wrong_name_certificate_fails_step_3():
    bad = make_bad_cert("wrongname")
    r, out, report, results = _walk(["--step", "3"], 50, certs=bad)
    check(r.returncode != 0, "exit 0 with a misnamed server certificate")
    check(list(results) == [3] and results[3][0] == "FAIL",
          "step 3 should FAIL, got %s" % results)
    check("name mismatch" in results[3][1], "the reason does not name the mismatch: %s"
          % results[3][1][:200])
    check("## 3. The client authenticates the server: FAIL" in report,
          "the report does not show step 3 failed")
    check("0 passed, 1 failed, 0 skipped" in out, "summary: %s" % tail(out, 1))


@timeout(60)
def test_walkthrough_password_in_log_fails_step_5():
    r, out, report, results = _walk(["--step", "5", "--inject-fault", "log-password"], 50)
    check(r.returncode != 0, "exit 0 with a password in the log")
    check(list(results) == [5] and results[5][0] == "FAIL",
          "step 5 should FAIL, got %s" % results)
    check("grep finds no password in the logs" in results[5][1] and "AUTH PLAIN" in results[5][1],
          "the reason does not point at the leaked line: %s" % results[5][1][:240])
    check("Fault injected (test)" in report, "the report does not say a fault was injected")


@timeout(30)
def test_walkthrough_options_and_pause_without_a_terminal():
    r, out, _, results = _walk(["--step", "1,2", "--pause"], 25, env={"NO_COLOR": "1"})
    check(r.returncode == 0 and [v[0] for v in results.values()] == ["PASS", "PASS"],
          "steps 1 and 2: exit %d, %s" % (r.returncode, results))
    check("PAUSE ignored: stdin is not a terminal" in out, "PAUSE waited or said nothing")
    for bad in (["--step", "11"], ["--step", "x"], ["--inject-fault", "nonsense"],
                ["--bin", tmpdir("empty")]):
        r = run([sys.executable, WALK] + bad, timeout=20)
        check(r.returncode == 2 and r.stderr.strip(),
              "%s: want exit 2 with a message, got %d" % (" ".join(bad), r.returncode))
