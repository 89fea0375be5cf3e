#!/usr/bin/env python3
"""run.py --bin DIR [-k PATTERN] [--library] [--shard K/N] [-v] [--keep]: the
integration tests of sealed.

Finds every function named test_* in tests/integration/test_*.py (in file
order), runs each in a thread with a deadline (its `timeout` attribute, else
60 s; three times that under sanitizers), and prints `ok - name`,
`FAIL - name: reason` or `skip - name: reason` (the test raised lib.Skip: it
cannot run here). After each test it kills any process the test left
running and scans the stderr of every server started so far for sanitizer
reports (a report fails the test). At the end it stops the shared server
(which must exit 0 with no report), removes its temp files and prints
`integration: N passed, N failed, N skipped`. Exit 0 only if nothing failed.

--library runs only the tests whose outcome can depend on the wolfSSL build
(lib.library, or LIBRARY = True in the module). SIGTERM (a deadline) stops
the run: the test under way and those not run count as failed, and the
count line is printed all the same.

--shard K/N runs the K-th of N parts of the tests, so that N runners can
share the work (make test runs two a build): each test goes to the part
with the least time so far, longest first, weighed by its deadline (its
`timeout`), and each part keeps the tests' order. Every test is in exactly
one part.
"""

import argparse
import importlib
import inspect
import os
import signal
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import lib  # noqa: E402

DEFAULT_TIMEOUT = 60


class Stopped(Exception):
    """SIGTERM arrived: the run ends now."""


def _stop(signum, frame):
    raise Stopped("stopped by signal %d" % signum)


def discover(pattern, library=False):
    tests = []
    for name in sorted(os.listdir(HERE)):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        mod = importlib.import_module(name[:-3])
        fns = [(n, f) for n, f in vars(mod).items()
               if n.startswith("test_") and inspect.isfunction(f) and f.__module__ == mod.__name__]
        fns.sort(key=lambda nf: nf[1].__code__.co_firstlineno)
        for n, f in fns:
            full = "%s.%s" % (name[:-3], n)
            if pattern and pattern not in full:
                continue
            if library and not (getattr(mod, "LIBRARY", False) or getattr(f, "library", False)):
                continue
            tests.append((full, f))
    return tests


def run_one(fn):
    """Runs FN in a thread with its deadline: (None, None) when it passed,
    ("skip", why) when it raised lib.Skip, else ("fail", reason)."""
    result = {}

    def body():
        try:
            fn()
            result["ok"] = True
        except lib.Skip as e:
            result["skip"] = str(e) or "no reason given"
        except lib.TestFailure as e:
            result["err"] = str(e) or "assertion failed"
        except AssertionError as e:
            tb = traceback.extract_tb(e.__traceback__)[-1]
            result["err"] = "%s (%s:%d)" % (e or "assertion failed",
                                            os.path.basename(tb.filename), tb.lineno)
        except BaseException as e:  # noqa: B902 - any error is a failure
            tb = traceback.extract_tb(e.__traceback__)
            where = next((t for t in reversed(tb) if t.filename.startswith(HERE)), tb[-1])
            result["err"] = "%s: %s (%s:%d)" % (type(e).__name__, e,
                                                os.path.basename(where.filename), where.lineno)
            if os.environ.get("SEALED_TEST_VERBOSE"):
                traceback.print_exc()

    limit = lib.deadline(getattr(fn, "timeout", DEFAULT_TIMEOUT))
    t = threading.Thread(target=body, daemon=True)
    t.start()
    t.join(limit)
    if t.is_alive():
        # Kill what it started (not the shared server) so it can unwind.
        kill_test_procs()
        t.join(10)
        return "fail", "timed out after %.0f s" % limit
    if result.get("ok"):
        return None, None
    if "skip" in result:
        return "skip", result["skip"]
    return "fail", result.get("err", "no result")


def kill_test_procs():
    shared = lib.shared_server_or_none()
    keep = shared.proc if shared is not None else None
    with lib._lock:
        procs = [p for p in lib.PROCS if p is not keep]
    for p in procs:
        if p.poll() is None:
            lib.stop_proc(p, lib.signal.SIGKILL, 5)
    with lib._lock:
        lib.PROCS[:] = [p for p in lib.PROCS if p.poll() is None]


def sanitizer_reports():
    with lib._lock:
        servers = list(lib.SERVERS)
    found = []
    for s in servers:
        r = s.sanitizer_report()
        if r:
            found.append("sanitizer report from %s: %s (stderr: %s)"
                         % (os.path.basename(s.work), r, s.stderr_path))
    return found


def shard_arg(text):
    """K/N with 1 <= K <= N, for --shard."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError("want K/N, got %r" % text)
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError("want 1 <= K <= N, got %r" % text)
    return k, n


def shard(tests, k, n):
    """The K-th of N parts of TESTS [(name, fn)]: longest deadline first,
    each to the part with the least so far; the parts keep TESTS' order."""
    weight = [getattr(fn, "timeout", DEFAULT_TIMEOUT) for _, fn in tests]
    load, part = [0] * n, [0] * len(tests)
    for i in sorted(range(len(tests)), key=lambda i: (-weight[i], i)):
        j = min(range(n), key=lambda j: (load[j], j))
        part[i] = j
        load[j] += weight[i]
    return [t for i, t in enumerate(tests) if part[i] == k - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="folder with sealed and seal")
    ap.add_argument("-k", dest="pattern", help="only tests whose name contains this")
    ap.add_argument("--library", action="store_true",
                    help="only the tests whose outcome can depend on the wolfSSL build")
    ap.add_argument("--shard", type=shard_arg, metavar="K/N",
                    help="only the K-th of N parts of the tests (by their deadlines)")
    ap.add_argument("--keep", action="store_true", help="keep temp files")
    ap.add_argument("-v", dest="verbose", action="store_true", help="show each test's time")
    args = ap.parse_args()
    if args.keep:
        os.environ["SEALED_KEEP_TMP"] = "1"
    lib.configure(args.bin)
    if not os.access(lib.sealed(), os.X_OK):
        print("FAIL - setup: %s is missing" % lib.sealed())
        print("integration: 0 passed, 1 failed, 0 skipped")
        return 1

    counts = {"ok": 0, "fail": 0, "skip": 0}
    start = time.monotonic()
    signal.signal(signal.SIGTERM, _stop)
    tests, current = [], None
    try:
        tests = discover(args.pattern, args.library)
        if args.shard:
            tests = shard(tests, *args.shard)
        while tests:
            name, fn = current = tests[0]
            t0 = time.monotonic()
            status, why = run_one(fn)
            tests.pop(0)
            current = None
            kill_test_procs()
            reports = sanitizer_reports()
            shared = lib.shared_server_or_none()
            if shared is not None and shared.proc.poll() is not None and not shared.dead_seen:
                shared.dead_seen = True
                reports.append("the shared server died (exit %s): %s"
                               % (shared.proc.returncode, lib.tail(shared.stderr())))
            if reports and status != "fail":
                status, why = "fail", reports[0]
            elif reports and "Sanitizer" not in why:
                why += "; " + reports[0]
            took = " # %.1fs" % (time.monotonic() - t0) if args.verbose else ""
            report(counts, status, name, why, took)
        shared = lib.shared_server_or_none()
        if shared is not None and not shared.dead_seen:
            code = shared.stop()
            reports = sanitizer_reports()
            if code != 0 or reports:
                why = reports[0] if reports else "exit status %s after SIGTERM" % code
                report(counts, "fail", "shared_server_stops_clean", why)
            else:
                report(counts, None, "shared_server_stops_clean")
    except Stopped as e:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for t in tests:
            report(counts, "fail", t[0], "%s: %s" % ("cut short" if t is current else "not run",
                                                     e))
        if not tests:
            report(counts, "fail", "run", str(e))
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        lib.kill_all()
        lib.cleanup_run_dir()
    print("# %.0f s" % (time.monotonic() - start))
    print("integration: %d passed, %d failed, %d skipped"
          % (counts["ok"], counts["fail"], counts["skip"]), flush=True)
    return 1 if counts["fail"] else 0


def report(counts, status, name, why="", took=""):
    """Prints one test's line and counts it (STATUS None: passed)."""
    if status == "fail":
        print("FAIL - %s: %s" % (name, why), flush=True)
    elif status == "skip":
        print("skip - %s: %s" % (name, why), flush=True)
    else:
        status = "ok"
        print("ok - %s%s" % (name, took), flush=True)
    counts[status] += 1


if __name__ == "__main__":
    sys.exit(main())
