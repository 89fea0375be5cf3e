"""hardlib.py: helpers of the test_hard_*.py files (issue 8: crash safety,
exhaustion, the TLS scan, least privilege); the server, the clients and
rss_kb() are lib's.

  - heavy(): skips (lib.Skip) the heaviest tests but in the first,
    non-sanitizer stage of `make test`
  - raise_nofile(): more descriptors for this test process
  - status(), proc_status(), open_fds(): the server's counters, a process's
    /proc status and descriptors
  - wait_for(): polls a condition; tls_client_hello(): a ClientHello's bytes
"""

import os
import resource
import ssl
import time

import lib
from lib import check, run, sealed, tail

HEAVY_ENV = "SEALED_HEAVY"


def heavy():
    """Returns when the heaviest tests (5,000 connections, testssl) should run:
    in the first stage of `make test` (bin/, no sanitizer), or anywhere with
    SEALED_HEAVY=1. Otherwise raises lib.Skip with the reason: they would only
    repeat the first stage, slower."""
    if os.environ.get(HEAVY_ENV) == "1":
        return
    if os.environ.get(HEAVY_ENV) == "0":
        raise lib.Skip("%s=0" % HEAVY_ENV)
    if lib.SLOW > 1:
        raise lib.Skip("sanitizer build (runs once, in the first stage)")
    first = os.path.realpath(os.path.join(lib.ROOT, "bin"))
    if os.path.realpath(lib.BIN) != first:
        raise lib.Skip("not the first stage's bin/ (runs once; %s=1 forces it)" % HEAVY_ENV)


def raise_nofile(n):
    """Raises this process's RLIMIT_NOFILE to at least N (root may raise the
    hard limit too). Returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= n:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, max(n, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def proc_status(pid):
    """/proc/PID/status as a dict of strings."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def status(data_dir, timeout=10):
    """`sealed status` as a dict of ints; raises TestFailure if it fails."""
    r = run([sealed(), "--data-dir", data_dir, "status"], timeout=timeout)
    check(r.returncode == 0, "sealed status exit %d: %s" % (r.returncode, tail(r.stderr)))
    out = {}
    for line in r.stdout.decode().splitlines():
        name, value = line.split()
        out[name] = int(value)
    return out


def wait_for(pred, seconds, step=0.1):
    """Polls PRED until it is true or SECONDS pass; its last value."""
    end = time.monotonic() + seconds
    while True:
        v = pred()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def tls_client_hello(port):
    """The bytes of a real TLS ClientHello for 127.0.0.1:PORT, made by Python's
    ssl module through a memory BIO (no connection)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()
