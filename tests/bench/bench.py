#!/usr/bin/env python3
"""bench.py --bin DIR: the benchmarks behind `make bench` (Python 3.11 stdlib).

Starts its own `sealed` (DIR/sealed) on a free loopback port with a temporary
data dir, fresh ECDSA P-256 certificates (certs/mkcerts.sh) and one user, and
drives it with DIR/seal-load:

  TLS handshakes/s        seal-load handshake -c 16, -c 64
  resumed handshakes/s    seal-load resume -c 16
  SMTP sessions/s         seal-load smtp -c 16, -c 64 (-s 1024: EHLO, AUTH PLAIN,
                          MAIL, RCPT, 1 KiB DATA into an fsynced Maildir, QUIT)
  idle sessions held      seal-load idle -c 10000 -d 10 (a fresh server each round)

On two shared cores the load generator eats as much CPU as the server, so
beside rate and latency every run reports the server's own CPU time per
operation: utime+stime from /proc/PID/stat over the run, divided by the
sessions. For idle it reports the server's memory (RSS, and PSS from
/proc/PID/smaps_rollup) before and while holding, per idle session. Every run
is repeated --rounds times (default 3, interleaved); the table shows medians
(rates with their min-max). The Markdown goes to stdout and to
build/bench/results.md. Every process started here is stopped by its pid.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKCERTS = os.path.join(ROOT, "certs", "mkcerts.sh")
CLK_TCK = os.sysconf("SC_CLK_TCK")
USER, PASSWORD = "bench", "bench-Secret-1"
START_TIMEOUT = 20          # seconds for the server to listen
SLACK = 90                  # seconds a seal-load run may take beyond its -d
STATUS_POLL = 0.25          # seconds between `sealed status` polls while idle


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    """Soft RLIMIT_NOFILE to the hard limit (inherited by sealed and seal-load)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cpu_seconds(pid):
    """utime + stime of PID (all threads), from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK     # fields 14, 15


def memory_kb(pid):
    """(RSS, PSS) of PID in kB, from /proc/PID/smaps_rollup."""
    rss = pss = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


class Server:
    """One sealed process on a free port with its own data dir."""

    def __init__(self, bindir, certs, work, name):
        self.bindir, self.certs = bindir, certs
        self.data = os.path.join(work, name + "-data")
        self.stderr_path = os.path.join(work, name + "-stderr")
        self.port = free_port()
        self.proc = None

    def sealed(self, *args, stdin=None):
        return subprocess.run([os.path.join(self.bindir, "sealed"), "--data-dir", self.data]
                              + list(args), input=stdin, capture_output=True, timeout=60)

    def start(self):
        os.makedirs(self.data, mode=0o700, exist_ok=True)
        r = self.sealed("useradd", USER, stdin=(PASSWORD + "\n").encode())
        if r.returncode != 0:
            raise RuntimeError("useradd failed: %s" % r.stderr.decode().strip())
        cmd = [os.path.join(self.bindir, "sealed"), "--data-dir", self.data,
               "--listen", "127.0.0.1", "--smtp-port", str(self.port), "--pop3-port", "0",
               "--rtsp-port", "0", "--cert", self.certs + "/server.crt",
               "--key", self.certs + "/server.key"]
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        end = time.monotonic() + START_TIMEOUT
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("sealed did not start: see %s" % self.stderr_path)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def conns_open(self):
        r = self.sealed("status")
        for line in r.stdout.decode().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "conns_open":
                return int(parts[1])
        return -1

    def clear_mail(self):
        shutil.rmtree(os.path.join(self.data, "mail", USER), ignore_errors=True)

    def url(self):
        return "smtps://localhost:%d" % self.port


def load_args(mode, clients, args, server, pwfile):
    """seal-load's arguments for one run (without the binary)."""
    a = [mode, "-c", str(clients)] + args + ["--cafile", server.certs + "/server.crt"]
    if mode == "smtp":
        a += ["-s", "1024", "--user", USER, "--password-file", pwfile]
    return a + ["--json", server.url()]


def run_load(bindir, argv, timeout, during=None):
    """Runs seal-load; returns its JSON summary plus its CPU time. DURING(proc)
    is called while it runs (for the idle memory samples)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.Popen([os.path.join(bindir, "seal-load")] + argv, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT)
    try:
        if during is not None:
            during(p)
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise RuntimeError("seal-load %s timed out" % argv[0])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        summary = json.loads(out.decode())
    except ValueError:
        raise RuntimeError("seal-load %s: no JSON (exit %d): %s"
                           % (argv[0], p.returncode, err.decode().strip()[-300:]))
    summary["exit"] = p.returncode
    summary["client_cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return summary


def measure(bindir, server, argv, timeout, during=None):
    """One run with the server's CPU time around it."""
    cpu0 = cpu_seconds(server.proc.pid)
    s = run_load(bindir, argv, timeout, during)
    s["server_cpu_s"] = cpu_seconds(server.proc.pid) - cpu0
    ops = s["opened"] if s["mode"] == "idle" else s["ok"]
    s["ops"] = ops
    s["server_ms_per_op"] = 1000.0 * s["server_cpu_s"] / ops if ops else float("nan")
    s["client_ms_per_op"] = 1000.0 * s["client_cpu_s"] / ops if ops else float("nan")
    if s["failed"]:
        log("%s: %d failed %s %s" % (argv[0], s["failed"], s["failures"], s["first_errors"]))
    return s


class IdleSampler:
    """While seal-load idle runs: the server's memory at the moment the most
    sessions were open (sealed status: conns_open), stopping once all are."""

    def __init__(self, server, clients, before):
        self.server, self.clients = server, clients
        self.before = before
        self.holding = None
        self.conns = 0

    def __call__(self, proc):
        while proc.poll() is None:
            n = self.server.conns_open()
            if n > 0 and n >= self.conns:
                self.holding = memory_kb(self.server.proc.pid)
                self.conns = n
                if n >= self.clients:
                    return
            time.sleep(STATUS_POLL)


def idle_round(bindir, certs, work, rnd, clients, hold, pwfile):
    """A fresh server, a few handshakes to warm it, then seal-load idle."""
    server = Server(bindir, certs, work, "idle%d" % rnd).start()
    try:
        run_load(bindir, load_args("handshake", 4, ["-n", "40"], server, pwfile), SLACK)
        time.sleep(0.5)
        sampler = IdleSampler(server, clients, memory_kb(server.proc.pid))
        argv = load_args("idle", clients, ["-d", str(hold)], server, pwfile)
        s = measure(bindir, server, argv, hold + SLACK + 60, sampler)
        s["argv"] = argv
        s["mem_before"], s["mem_holding"], s["conns_seen"] = \
            sampler.before, sampler.holding, sampler.conns
        return s
    finally:
        server.stop()


RUNS = [
    # key, title, mode, clients
    ("hs16", "full TLS handshakes, c=16", "handshake", 16),
    ("hs64", "full TLS handshakes, c=64", "handshake", 64),
    ("res16", "resumed handshakes, c=16", "resume", 16),
    ("smtp16", "SMTP sessions (AUTH + 1 KiB), c=16", "smtp", 16),
    ("smtp64", "SMTP sessions (AUTH + 1 KiB), c=64", "smtp", 64),
]


def rounds(args, bindir, certs, work, pwfile):
    results = {key: [] for key, *_ in RUNS}
    results["idle"] = []
    argvs = {}
    server = Server(bindir, certs, work, "main").start()
    try:
        for rnd in range(args.rounds):
            for key, title, mode, clients in RUNS:
                if not server.alive():
                    raise RuntimeError("sealed died: see %s" % server.stderr_path)
                argv = load_args(mode, clients, ["-d", str(args.duration)], server, pwfile)
                argvs[key] = argv
                s = measure(bindir, server, argv, args.duration + SLACK)
                results[key].append(s)
                log("round %d %-7s %7.1f/s  p99 %6.2f ms  server %.3f ms/op  failed %d"
                    % (rnd + 1, key, s["rate_per_s"], s["latency_ms"]["p99"],
                       s["server_ms_per_op"], s["failed"]))
                if mode == "smtp":
                    server.clear_mail()
            if args.idle > 0:
                s = idle_round(bindir, certs, work, rnd, args.idle, args.idle_hold, pwfile)
                results["idle"].append(s)
                argvs["idle"] = s["argv"]
                log("round %d idle    held %d/%d  pss %s -> %s kB"
                    % (rnd + 1, s["held"], args.idle, s["mem_before"][1],
                       s["mem_holding"][1] if s["mem_holding"] else "?"))
    finally:
        server.stop()
    return results, argvs


# --- the report ---------------------------------------------------------------

def med(values):
    values = [v for v in values if v == v]    # drop NaN
    return statistics.median(values) if values else float("nan")


def rate_cell(runs):
    rates = [r["rate_per_s"] for r in runs]
    return "%.0f (%.0f-%.0f)" % (med(rates), min(rates), max(rates))


def table_rows(results, argvs, work):
    rows = []
    for key, title, mode, clients in RUNS:
        runs = results[key]
        if not runs:
            continue
        extra = ""
        if mode == "resume":
            extra = "resumed %d of %d offered" % (med([r["resumed"] for r in runs]),
                                                   med([r["resume_offered"] for r in runs]))
        rows.append("| %s | %s | %.2f | %.2f | %d | %.3f | %.3f | %s |" % (
            title, rate_cell(runs), med([r["latency_ms"]["p50"] for r in runs]),
            med([r["latency_ms"]["p99"] for r in runs]), sum(r["failed"] for r in runs),
            med([r["server_ms_per_op"] for r in runs]),
            med([r["client_ms_per_op"] for r in runs]), extra))
    return rows


def idle_rows(runs, clients):
    rows = []
    for i, r in enumerate(runs):
        b, h = r["mem_before"], r["mem_holding"] or (float("nan"), float("nan"))
        held = r["held"] or float("nan")
        rows.append("| %d | %d / %d | %.2f | %.0f -> %.0f | %.0f -> %.0f | %.1f | %.1f | %.3f |" % (
            i + 1, r["held"], clients, r["open_s"], b[0] / 1024, h[0] / 1024,
            b[1] / 1024, h[1] / 1024, (h[0] - b[0]) / held, (h[1] - b[1]) / held,
            r["server_ms_per_op"]))
    return rows


def environment(bindir, results):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    tls = next((r["tls"] for runs in results.values() for r in runs if r["tls"]["version"]), {})
    lib = "?"
    try:
        out = subprocess.run(["ldd", os.path.join(bindir, "sealed")], capture_output=True,
                             timeout=10).stdout.decode()
        lib = next((l.split()[0] for l in out.splitlines() if "wolfssl" in l),
                   "static (tuned build)")
    except (OSError, subprocess.SubprocessError):
        pass
    return ["- date: %s; host: %s, %d CPUs (%s); kernel %s" % (
                time.strftime("%Y-%m-%d %H:%M"), platform.node(), os.cpu_count() or 0, cpu,
                platform.release()),
            "- wolfSSL: %s; negotiated: %s %s, group %s; certificate ECDSA P-256" % (
                lib, tls.get("version", "?"), tls.get("cipher", "?"), tls.get("group", "?"))]


def report(args, results, argvs, work, bindir):
    out = ["# sealed benchmarks", ""]
    out += environment(bindir, results)
    out += ["- reproduce: `make bench` (= `python3 tests/bench/bench.py --bin %s --rounds %d "
            "--duration %s --idle %d --idle-hold %s`); server and seal-load share the machine"
            % (args.bin, args.rounds, args.duration, args.idle, args.idle_hold),
            "- medians of %d rounds (rate: median (min-max)); server CPU = utime+stime of "
            "sealed over the run / sessions; client CPU = seal-load's" % args.rounds, "",
            "| benchmark | rate /s | p50 ms | p99 ms | failed | server CPU ms/op "
            "| client CPU ms/op | notes |",
            "|---|---|---|---|---|---|---|---|"]
    out += table_rows(results, argvs, work)
    if results["idle"]:
        out += ["", "Idle TLS sessions (each round a fresh server; memory of sealed before "
                "and while holding, in MiB; per session in kB):", "",
                "| round | held | open s | RSS MiB | PSS MiB | RSS kB/session "
                "| PSS kB/session | server CPU ms/open |", "|---|---|---|---|---|---|---|---|"]
        out += idle_rows(results["idle"], args.idle)
        pss = med([(r["mem_holding"][1] - r["mem_before"][1]) / r["held"]
                   for r in results["idle"] if r["mem_holding"] and r["held"]])
        out += ["", "Median PSS per idle session: %.1f kB." % pss]
    out += ["", "Commands (PORT and TMP are the bench's own):", ""]
    for key in [k for k, *_ in RUNS] + ["idle"]:
        if key in argvs:
            out.append("    " + " ".join(["bin/seal-load"] + argvs[key]).replace(work, "$TMP")
                       .replace("localhost:%s" % argvs[key][-1].rsplit(":", 1)[1],
                                "localhost:$PORT"))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="folder with sealed and seal-load")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=float, default=5, help="seconds per rate run")
    ap.add_argument("--idle", type=int, default=10000, help="idle sessions (0: skip)")
    ap.add_argument("--idle-hold", type=float, default=10, help="seconds to hold them")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench", "results.md"))
    args = ap.parse_args()
    bindir = os.path.abspath(args.bin)
    for b in ("sealed", "seal-load"):
        if not os.access(os.path.join(bindir, b), os.X_OK):
            log("%s/%s is missing: build it first (make)" % (bindir, b))
            return 1
    nofile = raise_nofile()
    if args.idle and nofile < args.idle + 100:
        log("open-file limit %d is too low for %d idle sessions: raise the hard limit "
            "(ulimit -Hn) or pass --idle N" % (nofile, args.idle))
        return 1
    work = tempfile.mkdtemp(prefix="sealed-bench.")
    try:
        certs = os.path.join(work, "certs")
        os.makedirs(certs)
        subprocess.run(["sh", MKCERTS, "localhost", "ec", "30"], check=True, capture_output=True,
                       env=dict(os.environ, CERTS_DIR=certs), timeout=60)
        pwfile = os.path.join(work, "password")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        t0 = time.monotonic()
        results, argvs = rounds(args, bindir, certs, work, pwfile)
        text = report(args, results, argvs, work, bindir)
        text += "\n(bench took %.0f s)\n" % (time.monotonic() - t0)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        log("failed: %s" % e)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(text, end="")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    log("written to %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
