#!/usr/bin/env python3
"""run.py --bin DIR [-k PATTERN] [-v] [--keep]: the integration tests of sealed.

Finds every function named test_* in tests/integration/test_*.py (in file
order), runs each in a thread with a deadline (its `timeout` attribute, else
60 s; three times that under sanitizers), and prints `ok - name` or
`FAIL - name: reason`. After each test it kills any process the test left
running and scans the stderr of every server started so far for sanitizer
reports (a report fails the test). At the end it stops the shared server
(which must exit 0 with no report), removes its temp files and prints
`integration: N passed, N failed`. Exit 0 only if nothing failed.
"""

import argparse
import importlib
import inspect
import os
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import lib  # noqa: E402

DEFAULT_TIMEOUT = 60


def discover(pattern):
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
            tests.append((full, f))
    return tests


def run_one(fn):
    """Runs FN in a thread with its deadline. None on success, else a reason."""
    result = {}

    def body():
        try:
            fn()
            result["ok"] = True
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
        return "timed out after %.0f s" % limit
    return None if result.get("ok") else result.get("err", "no result")


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="folder with sealed and seal")
    ap.add_argument("-k", dest="pattern", help="only tests whose name contains this")
    ap.add_argument("--keep", action="store_true", help="keep temp files")
    ap.add_argument("-v", dest="verbose", action="store_true", help="show each test's time")
    args = ap.parse_args()
    if args.keep:
        os.environ["SEALED_KEEP_TMP"] = "1"
    lib.configure(args.bin)
    if not os.access(lib.sealed(), os.X_OK):
        print("FAIL - setup: %s is missing" % lib.sealed())
        print("integration: 0 passed, 1 failed")
        return 1

    passed = failed = 0
    start = time.monotonic()
    try:
        for name, fn in discover(args.pattern):
            t0 = time.monotonic()
            err = run_one(fn)
            kill_test_procs()
            reports = sanitizer_reports()
            shared = lib.shared_server_or_none()
            if shared is not None and shared.proc.poll() is not None and not shared.dead_seen:
                shared.dead_seen = True
                reports.append("the shared server died (exit %s): %s"
                               % (shared.proc.returncode, lib.tail(shared.stderr())))
            if reports and not err:
                err = reports[0]
            elif reports and "Sanitizer" not in err:
                err += "; " + reports[0]
            took = time.monotonic() - t0
            if err:
                failed += 1
                print("FAIL - %s: %s" % (name, err), flush=True)
            else:
                passed += 1
                print("ok - %s%s" % (name, " # %.1fs" % took if args.verbose else ""), flush=True)
        shared = lib.shared_server_or_none()
        if shared is not None and not shared.dead_seen:
            code = shared.stop()
            reports = sanitizer_reports()
            if code != 0 or reports:
                failed += 1
                why = reports[0] if reports else "exit status %s after SIGTERM" % code
                print("FAIL - shared_server_stops_clean: %s" % why, flush=True)
            else:
                passed += 1
                print("ok - shared_server_stops_clean", flush=True)
    finally:
        lib.kill_all()
        lib.cleanup_run_dir()
    print("# %.0f s" % (time.monotonic() - start))
    print("integration: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
