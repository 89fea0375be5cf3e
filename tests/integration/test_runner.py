"""The test runners themselves (issue 13): tests/run.sh, the suite of `make
test`, with plans of fake stages (SEALED_TEST_PLAN) and a global deadline
of a few seconds: the summary and its last line 'N passed, N failed, N
skipped' are printed even when stages are cut short or never start, and
what was cut counts as failed; both forms of a stage's count line ('N
passed, N failed' and '..., N skipped') are summed; a stage whose step
failed does not run. Then run.py stopped by SIGTERM mid-test: the test under
way counts as failed and the count line is still printed.
"""

import os
import re
import signal
import subprocess
import sys
import time

import lib
from lib import ROOT, check, popen, run, stop_proc, tail, timeout, tmpdir

RUN_SH = os.path.join(ROOT, "tests", "run.sh")
LAST = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$")
STARTUP_S = 5           # run.py's start (imports, certificates) is done by then; the
                        # test it runs then takes 10 s (the server's handshake timeout)

# LANE|KIND|NAME|LIMIT|NEEDS|COMMAND, as tests/run.sh reads its plan.
PLAN = "\n".join([
    "0|step|prep|60|-|echo preparing",
    "a|test|counts with skips|60|prep|echo 'ok - one'; echo 'fake: 2 passed, 0 failed, 1 skipped'",
    "a|test|cut, counts itself|60|prep|"
    "trap 'echo \"3 passed, 2 failed, 0 skipped\"; exit 1' TERM; echo begun; sleep 60 & wait",
    "a|test|after the deadline|60|prep|echo '9 passed, 0 failed'",
    "b|test|old count form|60|prep|echo '4 passed, 1 failed'; exit 1",
    "b|step|broken build|60|prep|exit 3",
    "b|test|needs the broken build|60|broken build|echo '5 passed, 0 failed'",
    "c|test|no count line|60|prep|echo hello",
    "c|test|cut, no count|60|prep|echo started; sleep 60",
]) + "\n"


def _run_sh(plan, deadline, env=None, timeout_s=60):
    d = tmpdir("runsh")
    path = os.path.join(d, "plan")
    with open(path, "w") as f:
        f.write(plan)
    e = {"SEALED_TEST_PLAN": path, "SEALED_TEST_DEADLINE": str(deadline),
         "SEALED_TEST_LOGS": os.path.join(d, "logs")}
    e.update(env or {})
    t0 = time.monotonic()
    r = run(["sh", RUN_SH], env=e, timeout=timeout_s)
    return r, r.stdout.decode("utf-8", "replace"), time.monotonic() - t0


def _summary(out):
    """{stage name: its summary note} and the last line's three numbers."""
    lines = out.rstrip("\n").splitlines()
    check(lines, "run.sh printed nothing")
    m = LAST.match(lines[-1])
    check(m, "last line is not 'N passed, N failed, N skipped': %r" % lines[-1])
    check(any(l.startswith("=== summary") for l in lines), "no summary: %s" % tail(out, 5))
    notes = {}
    for l in lines[[i for i, l in enumerate(lines) if l.startswith("=== summary")][-1] + 1:-1]:
        name, _, note = l.strip().partition("  ")
        notes[name] = note.strip()
    return notes, tuple(int(x) for x in m.groups())


@timeout(60)
def test_run_sh_deadline_cuts_stages_and_the_summary_still_counts_them():
    deadline = 8
    r, out, took = _run_sh(PLAN, deadline)
    notes, (p, f, s) = _summary(out)
    check(r.returncode == 1, "exit %d with failures, want 1" % r.returncode)
    check(took < deadline + 5, "run.sh took %.1f s with a %d s deadline" % (took, deadline))
    want = {
        "prep": r"^ok ",
        "counts with skips": r"^2 passed, 0 failed, 1 skipped",
        "cut, counts itself": r"^3 passed, 2 failed, 0 skipped.*cut short by the global deadline",
        "after the deadline": r"^not run: global deadline$",
        "old count form": r"^4 passed, 1 failed, 0 skipped",
        "broken build": r"^failed \(exit 3\)",
        "needs the broken build": r"^not run: it needs 'broken build', which failed$",
        "cut, no count": r"counted as a failure; cut short by the global deadline",
        "no count line": r"^no 'N passed, N failed' line \(exit 0\)",
    }
    for name, pat in want.items():
        check(name in notes, "no summary line for %r: %s" % (name, tail(out, 12)))
        check(re.search(pat, notes[name]), "%s: %r, want /%s/" % (name, notes[name], pat))
    # passed 2+3+4; failed: 2 cut by its runner, 1 not run, 1 old form,
    # 1 broken build, 1 not run after it, 1 cut without a count, 1 no count
    check((p, f, s) == (9, 8, 1), "sums %d passed, %d failed, %d skipped; want 9, 8, 1"
          % (p, f, s))
    print("# deadline %d s: run.sh ended after %.1f s; %s" % (deadline, took, out.splitlines()[-1]),
          flush=True)


@timeout(60)
def test_run_sh_all_passing_exits_0_and_sums_both_count_forms():
    plan = ("0|step|prep|60|-|true\n"
            "a|test|new form|60|prep|echo 'x: 3 passed, 0 failed, 2 skipped'\n"
            "b|test|old form|60|prep|echo '4 passed, 0 failed'\n")
    r, out, _ = _run_sh(plan, 60)
    notes, sums = _summary(out)
    check(r.returncode == 0, "exit %d, want 0: %s" % (r.returncode, tail(out, 6)))
    check(sums == (7, 0, 2), "sums %r, want (7, 0, 2)" % (sums,))
    check(out.splitlines()[-1] == "7 passed, 0 failed, 2 skipped", "last line %r"
          % out.splitlines()[-1])


@timeout(60)
def test_run_sh_sigterm_still_prints_the_summary():
    d = tmpdir("runsh-term")
    path = os.path.join(d, "plan")
    with open(path, "w") as f:
        f.write("0|step|prep|60|-|true\n"
                "a|test|long|60|prep|trap 'echo \"1 passed, 1 failed\"; exit 1' TERM; "
                "sleep 60 & wait\n"
                "a|test|later|60|prep|echo '1 passed, 0 failed'\n")
    env = dict(os.environ, SEALED_TEST_PLAN=path, SEALED_TEST_LOGS=os.path.join(d, "logs"))
    p = popen(["sh", RUN_SH], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
              cwd=ROOT)
    time.sleep(2)
    stop_proc(p, signal.SIGTERM, 20)
    out = p.stdout.read().decode("utf-8", "replace")
    notes, sums = _summary(out)
    check(p.returncode != 0, "exit 0 after SIGTERM")
    check("cut short by SIGTERM" in notes.get("long", ""), "long: %r" % notes.get("long"))
    check(notes.get("later") == "not run: stopped by SIGTERM", "later: %r" % notes.get("later"))
    check(sums == (1, 2, 0), "sums %r, want (1, 2, 0)" % (sums,))


@timeout(60)
def test_run_py_sigterm_mid_test_counts_it_failed_and_prints_the_count():
    """run.py stopped by SIGTERM while a test runs (one that waits 10 s for
    the server's handshake timeout): that test fails as cut short, and the
    count line comes all the same."""
    p = popen([sys.executable, os.path.join(ROOT, "tests", "integration", "run.py"),
               "--bin", lib.BIN, "-k", "test_silent_tcp_client_dropped"],
              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    time.sleep(STARTUP_S)
    stop_proc(p, signal.SIGTERM, lib.deadline(20))
    out = p.stdout.read().decode("utf-8", "replace")
    lines = out.strip().splitlines()
    check(lines and lines[-1] == "integration: 0 passed, 1 failed, 0 skipped",
          "last line %r" % (lines[-1] if lines else ""))
    check(re.search(r"^FAIL - test_tls\.test_silent_tcp_client_dropped_after_handshake_timeout: "
                    r"cut short: stopped by signal 15$", out, re.M), "no cut-short line: %s"
          % tail(out, 4))
    check(p.returncode == 1, "exit %s, want 1" % p.returncode)


def test_run_py_shards_split_the_tests_exactly_and_evenly():
    """run.py --shard K/N: every test in exactly one part, each part in the
    tests' order, the parts' deadlines within the longest test's of each
    other; a K outside 1..N is refused."""
    import run as runner   # tests/integration/run.py, on the path as this module is
    tests = runner.discover(None)
    names = [n for n, _ in tests]
    weight = {n: getattr(f, "timeout", runner.DEFAULT_TIMEOUT) for n, f in tests}
    for n in (2, 3):
        parts = [[name for name, _ in runner.shard(tests, k, n)] for k in range(1, n + 1)]
        joined = sorted(x for p in parts for x in p)
        check(joined == sorted(names), "%d parts: tests lost or doubled" % n)
        for p in parts:
            check(p == [x for x in names if x in set(p)], "a part changed the tests' order")
        loads = [sum(weight[x] for x in p) for p in parts]
        check(max(loads) - min(loads) <= max(weight.values()),
              "%d parts unbalanced: %r" % (n, loads))
        print("# %d tests in %d parts of %s s of deadlines" % (len(names), n, loads))
    r = run([sys.executable, os.path.join(ROOT, "tests", "integration", "run.py"),
             "--bin", lib.BIN, "--shard", "3/2"])
    check(r.returncode == 2 and b"--shard" in r.stderr, "--shard 3/2: exit %d" % r.returncode)
