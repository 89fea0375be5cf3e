#!/usr/bin/env python3
"""bench.py --bin DIR: the benchmarks behind `make bench` (Python 3.11 stdlib).

sealed against nginx, the reference for TLS handshakes and idle memory
(issue 6, "The goals"). Starts its own `sealed` (DIR/sealed) and its own
nginx (Debian's package: `sh tools/deps.sh --bench`), each on a free loopback
port with a temporary directory, the same fresh ECDSA P-256 certificate
(certs/mkcerts.sh), TLS 1.3 with X25519 and session tickets, and drives both
with DIR/seal-load:

  full TLS handshakes/s   seal-load handshake -c 16 and -c 64       both
  resumed handshakes/s    seal-load resume -c 16                     both
  idle sessions held      seal-load idle -c 10000 -d 10, a fresh     both
                          server of each kind every round
  SMTP sessions/s         seal-load smtp -c 16 and -c 64 (-s 1024:   sealed
                          EHLO, AUTH PLAIN, MAIL, RCPT, 1 KiB DATA
                          into an fsynced Maildir, QUIT)
  AEAD speed              seal-load aead: the negotiated suite's     sealed's
                          AEAD sealing 2 GiB in memory, per second   wolfSSL
                          of the sealing thread's CPU
  POP3 RETR of 30 MiB     seal-load pop3 -c 1 -n 10 (a message       sealed
                          delivered once by seal-load smtp)
  RTSP streams            seal-load rtsp -c 500 -n 500 of a 10 s     sealed
                          44.1 kHz stereo WAV (--ramp 2: the 500
                          start within 2 s, then all play at once)
  behind HAProxy          seal-load handshake and smtp -c 16         sealed
                          through deploy/haproxy/haproxy.cfg to
                          three nodes (127.0.0.11-13, one data dir,
                          PROXY v2) against the same direct to one
                          node; server CPU summed over HAProxy and
                          the nodes: the cost of the extra hop

nginx speaks no first line, so seal-load gets --no-greeting there (resume
then waits for the TLS 1.3 ticket, idle holds the session from the end of
the handshake); against sealed, resume and idle read the SMTP greeting.

On two shared cores the load generator eats as much CPU as the server, so
beside rate and latency every run reports the server's own CPU time per
operation: utime+stime from /proc/PID/stat over the run (summed over nginx's
master and workers), divided by the sessions. For idle it reports the
server's memory (PSS from /proc/PID/smaps_rollup, summed over nginx's
processes) before and while holding, per held session. Runs are A/B
interleaved (the order of the two servers alternates from round to round),
--rounds times (default 3); tables show medians. The Markdown goes to stdout
and to build/bench/results.md. Every process started here is stopped by its
pid.

The POP3 goal compares RETR with the AEAD speed measured in the same round
(seal-load aead: what one core of the linked wolfSSL seals per second of
CPU, in 16 KiB records as TLS does), two ways: the RETR rate seen by seal-load
(from RETR sent to the final ".", client and server sharing the machine),
and the octets sealed per second of server CPU (all of the server's CPU
over the sessions, the login's scan of the maildrop included), which is
the server's own speed on a machine where the client eats a core. Beside
it, two references measured in the same round: nginx sending the very same
file (a copy of the Maildir message) by HTTPS GET to curl, a new TLS 1.3
session each, per second of nginx's CPU; and the kernel's share alone, what
one process spends sending as many bytes from memory over loopback TCP in
16 KiB writes with no TLS and no file (on loopback the sender's CPU also
pays for the receiving side's TCP processing). The RTSP
goal takes seal-load's lateness of every RTP packet (arrival - (PLAY sent +
RTP time)), arrival being the kernel's receive timestamp, so that seal-load's
own scheduling delays do not count against the server (the lateness by read
time is reported beside it). Both servers share the machine with whatever else runs on it:
every run also records how much CPU the rest of the machine used meanwhile
(/proc/stat busy time minus the server's and seal-load's), and the busiest
other processes, so that noise is visible in the report.
"""

import argparse
import json
import os
import platform
import re
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
START_TIMEOUT = 20          # seconds for a server to listen
SLACK = 90                  # seconds a seal-load run may take beyond its -d
MEM_POLL = 0.25             # seconds between memory samples while idle runs
BENCH_NOFILE = 65536        # open files for the servers, as root (10,000 sessions need 20,000+)
HOLD_MARGIN = 0.5           # seconds cut from each end of the hold window
IDLE_GOAL = 10000           # sessions the idle goal is about
NGINX_WORKER_CONNS = 15000  # per worker; under the open-file limit
RETR_USER = "retr"          # the POP3 goal's mailbox: one big message
MEDIA = "bench.wav"         # the RTSP goal's stream
RETR_GOAL = 0.80            # of the AEAD speed
RTSP_GOAL_STREAMS = 500
RTSP_GOAL_P99_MS = 20.0
MB = 1e6                    # MB/s: 10^6 bytes a second, as seal-load reports
TOP_OTHERS = 2              # busiest other processes named per run


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    """Soft RLIMIT_NOFILE to the hard limit (inherited by the servers and
    seal-load); as root, first the hard limit to BENCH_NOFILE, so that the
    server's connection cap (two descriptors a connection) admits 10,000
    idle sessions."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if os.geteuid() == 0 and hard != resource.RLIM_INFINITY and hard < BENCH_NOFILE:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (BENCH_NOFILE, BENCH_NOFILE))
            soft, hard = BENCH_NOFILE, BENCH_NOFILE
        except (ValueError, OSError):
            pass
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cpu_seconds(pid):
    """utime + stime of PID (all threads), from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK     # fields 14, 15


def cpu_times():
    """(busy, iowait, steal) CPU seconds of the whole machine (all CPUs) so
    far, from /proc/stat; busy leaves out idle, iowait and steal."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]] + [0] * 8
    idle, iowait, steal = v[3], v[4], v[7]
    return ((sum(v[:8]) - idle - iowait - steal) / CLK_TCK, iowait / CLK_TCK,
            steal / CLK_TCK)


def process_cpu():
    """{pid: (name, CPU seconds)} of every process now (utime + stime)."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                data = f.read()
        except OSError:
            continue
        name = data[data.find("(") + 1:data.rfind(")")]
        fields = data.rsplit(")", 1)[1].split()
        out[int(d)] = (name, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return out


class MachineLoad:
    """What the rest of the machine did during a run: busy CPU seconds minus
    ours (the server's and seal-load's), and the busiest other processes."""

    def __init__(self):
        self.cpu0, self.procs0, self.t0 = cpu_times(), process_cpu(), time.monotonic()

    def finish(self, ours_s, exclude):
        cpu, procs = cpu_times(), process_cpu()
        wall = time.monotonic() - self.t0
        others = max(0.0, cpu[0] - self.cpu0[0] - ours_s)
        deltas = sorted(((cpu - self.procs0[pid][1], name) for pid, (name, cpu) in procs.items()
                         if pid in self.procs0 and pid not in exclude), reverse=True)
        top = ["%s %.0f%%" % (name, 100 * d / wall) for d, name in deltas[:TOP_OTHERS]
               if wall > 0 and d / wall >= 0.05]
        per = (lambda x: x / wall) if wall > 0 else (lambda x: 0.0)
        return {"others_cpu_s": others, "others_cores": per(others), "others_top": top,
                "iowait_cores": per(cpu[1] - self.cpu0[1]),
                "steal_cores": per(cpu[2] - self.cpu0[2]), "wall_s": wall}


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


def children(pid):
    """The child pids of PID (/proc/PID/task/*/children)."""
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return sorted(set(out))


def wait_listening(port, proc, what, log_path):
    end = time.monotonic() + START_TIMEOUT
    while time.monotonic() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s did not start: see %s" % (what, log_path))


def stop_pid(proc, sig=signal.SIGTERM):
    """Stops the process we started, by its pid: SIG, then SIGKILL."""
    if proc is not None and proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Sealed:
    """One sealed process on a free port with its own data dir."""

    kind = "sealed"
    load_extra = []         # seal-load reads sealed's greeting

    def __init__(self, bindir, certs, work, tag, services=False):
        self.bindir, self.certs = bindir, certs
        self.data = os.path.join(work, tag + "-data")
        self.log_path = os.path.join(work, tag + "-stderr")
        self.port = free_port()
        self.services = services        # POP3 and RTSP listen too
        self.pop3_port = free_port() if services else 0
        self.rtsp_port = free_port() if services else 0
        self.proc = None

    def sealed(self, *args, stdin=None):
        return subprocess.run([os.path.join(self.bindir, "sealed"), "--data-dir", self.data]
                              + list(args), input=stdin, capture_output=True, timeout=60)

    def start(self):
        os.makedirs(self.data, mode=0o700, exist_ok=True)
        for user in [USER] + ([RETR_USER] if self.services else []):
            r = self.sealed("useradd", user, stdin=(PASSWORD + "\n").encode())
            if r.returncode != 0:
                raise RuntimeError("useradd failed: %s" % r.stderr.decode().strip())
        cmd = [os.path.join(self.bindir, "sealed"), "--data-dir", self.data,
               "--listen", "127.0.0.1", "--smtp-port", str(self.port), "--pop3-port",
               str(self.pop3_port), "--rtsp-port", str(self.rtsp_port),
               "--cert", self.certs + "/server.crt", "--key", self.certs + "/server.key"]
        with open(self.log_path, "ab") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        try:
            for port in (self.port, self.pop3_port, self.rtsp_port):
                if port:
                    wait_listening(port, self.proc, "sealed", self.log_path)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self):
        stop_pid(self.proc)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pids(self):
        return [self.proc.pid]

    def pop3_url(self):
        return "pop3s://localhost:%d" % self.pop3_port

    def rtsp_url(self):
        return "rtsps://localhost:%d/%s" % (self.rtsp_port, MEDIA)

    def clear_mail(self):
        shutil.rmtree(os.path.join(self.data, "mail", USER), ignore_errors=True)

    def url(self):
        return "smtps://localhost:%d" % self.port


class HaproxyCluster:
    """HAProxy (Debian's, deploy/haproxy/haproxy.cfg as shipped) in front of
    three sealed nodes on 127.0.0.11-13 sharing one data dir; its "server
    CPU" is HAProxy's and the nodes' together."""

    kind = "haproxy"
    load_extra = []
    addrs = ("127.0.0.11", "127.0.0.12", "127.0.0.13")

    def __init__(self, bindir, certs, work, tag):
        self.bindir, self.certs = bindir, certs
        self.data = os.path.join(work, tag + "-data")
        self.log_path = os.path.join(work, tag + "-stderr")
        self.node_port = self.free_everywhere()
        self.spare_ports = [self.free_everywhere(), self.free_everywhere()]
        self.port = free_port()
        self.front_other = [free_port(), free_port()]
        self.sock = os.path.join(work, tag + "-haproxy.sock")
        self.procs = []

    def free_everywhere(self):
        for _ in range(50):
            port = free_port()
            try:
                for a in self.addrs:
                    with socket.socket() as sk:
                        sk.bind((a, port))
                return port
            except OSError:
                continue
        raise RuntimeError("no port free on 127.0.0.11-13")

    def start(self):
        os.makedirs(self.data, mode=0o700, exist_ok=True)
        r = subprocess.run([os.path.join(self.bindir, "sealed"), "--data-dir", self.data,
                            "useradd", USER], input=(PASSWORD + "\n").encode(),
                           capture_output=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("useradd failed: %s" % r.stderr.decode().strip())
        env = dict(os.environ, SEALED_FRONT="127.0.0.1", SEALED_SMTP_PORT=str(self.port),
                   SEALED_POP3_PORT=str(self.front_other[0]),
                   SEALED_RTSP_PORT=str(self.front_other[1]),
                   SEALED_NODE_SMTP_PORT=str(self.node_port),
                   SEALED_NODE_POP3_PORT=str(self.spare_ports[0]),
                   SEALED_NODE_RTSP_PORT=str(self.spare_ports[1]),
                   SEALED_CA=self.certs + "/server.crt", SEALED_CONN_RATE="1000000",
                   SEALED_HAPROXY_SOCK=self.sock)
        with open(self.log_path, "ab") as err:
            for i, a in enumerate(self.addrs):
                env["SEALED_NODE%d" % (i + 1)] = a
                self.procs.append(subprocess.Popen(
                    [os.path.join(self.bindir, "sealed"), "--data-dir", self.data, "--listen", a,
                     "--node-name", "node%d" % (i + 1), "--proxy-from", "127.0.0.1",
                     "--smtp-port", str(self.node_port), "--pop3-port", str(self.spare_ports[0]),
                     "--rtsp-port", str(self.spare_ports[1]), "--cert",
                     self.certs + "/server.crt", "--key", self.certs + "/server.key"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT))
            self.procs.append(subprocess.Popen(
                [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f",
                 os.path.join(ROOT, "deploy", "haproxy", "haproxy.cfg")], env=env,
                stdin=subprocess.DEVNULL, stdout=err, stderr=err, cwd=ROOT))
        try:
            wait_listening(self.port, self.procs[-1], "haproxy", self.log_path)
            time.sleep(3)   # the first health checks have passed
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self):
        for p in reversed(self.procs):
            stop_pid(p)

    def alive(self):
        return bool(self.procs) and all(p.poll() is None for p in self.procs)

    def pids(self):
        return [p.pid for p in self.procs]

    def clear_mail(self):
        shutil.rmtree(os.path.join(self.data, "mail", USER), ignore_errors=True)

    def url(self):
        return "smtps://localhost:%d" % self.port


NGINX_CONF = """# written by tests/bench/bench.py: TLS 1.3 on one loopback port
daemon off;
master_process on;
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections {conns}; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {certs}/server.crt;
        ssl_certificate_key {certs}/server.key;
        ssl_protocols TLSv1.3;
        ssl_ecdh_curve X25519;
        ssl_session_tickets on;
        client_header_timeout 300s;
        keepalive_timeout 300s;
        location / {{ return 200 "ok\\n"; }}
        location /files/ {{ alias {dir}/files/; }}
    }}
}}
"""


class Nginx:
    """Debian's nginx, in the foreground (daemon off), from a temp dir with a
    minimal config; stopped by the master's pid (SIGTERM: fast shutdown)."""

    kind = "nginx"
    load_extra = ["--no-greeting"]

    def __init__(self, binary, certs, work, tag):
        self.binary, self.certs = binary, certs
        self.dir = os.path.join(work, tag)
        self.log_path = os.path.join(self.dir, "error.log")
        self.port = free_port()
        self.proc = None

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(dir=self.dir, port=self.port, certs=self.certs,
                                      conns=NGINX_WORKER_CONNS))
        with open(os.path.join(self.dir, "stderr"), "ab") as err:
            self.proc = subprocess.Popen([self.binary, "-p", self.dir, "-c", conf,
                                          "-e", self.log_path], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err, cwd=self.dir)
        try:
            wait_listening(self.port, self.proc, "nginx", self.log_path)
            end = time.monotonic() + START_TIMEOUT
            while len(children(self.proc.pid)) < 1 and time.monotonic() < end:
                time.sleep(0.05)
            if not children(self.proc.pid):
                raise RuntimeError("nginx started no worker: see %s" % self.log_path)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self):
        stop_pid(self.proc)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pids(self):
        """Master and workers (their CPU time and memory are summed)."""
        return [self.proc.pid] + children(self.proc.pid)

    def url(self):
        return "smtps://localhost:%d" % self.port      # seal-load needs a scheme


def nginx_binary(requested):
    for cand in (requested, shutil.which("nginx"), "/usr/sbin/nginx"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


# --- one run -------------------------------------------------------------------

def load_args(mode, clients, args, server, pwfile):
    """seal-load's arguments for one run (without the binary)."""
    a = [mode, "-c", str(clients)] + args + ["--cafile", server.certs + "/server.crt"]
    if mode == "smtp":
        a += ["-s", "1024", "--user", USER, "--password-file", pwfile]
    elif mode in ("resume", "idle"):
        a += server.load_extra
    return a + ["--json", server.url()]


def run_load(bindir, argv, timeout, during=None):
    """Runs seal-load; returns its JSON summary plus its CPU time. DURING(proc,
    t0) is called while it runs (the idle memory samples)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(bindir, "seal-load")] + argv, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT)
    try:
        if during is not None:
            during(p, t0)
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


def server_cpu(server, pids):
    try:
        return sum(cpu_seconds(p) for p in pids)
    except OSError:
        raise RuntimeError("%s lost a process during a run: see %s"
                           % (server.kind, server.log_path))


def measure(bindir, server, argv, timeout, during=None):
    """One run with the server's CPU time (all its processes) around it, and
    what the rest of the machine used meanwhile."""
    pids = server.pids()
    cpu0 = server_cpu(server, pids)
    load = MachineLoad()
    s = run_load(bindir, argv, timeout, during)
    s["server_cpu_s"] = server_cpu(server, pids) - cpu0
    s.update(load.finish(s["server_cpu_s"] + s["client_cpu_s"], set(pids) | {os.getpid()}))
    ops = s["opened"] if s["mode"] == "idle" else s["ok"]
    s["ops"] = ops
    s["server_ms_per_op"] = 1000.0 * s["server_cpu_s"] / ops if ops else float("nan")
    s["client_ms_per_op"] = 1000.0 * s["client_cpu_s"] / ops if ops else float("nan")
    s["argv"] = argv
    if s["failed"]:
        log("%s %s: %d failed %s %s" % (server.kind, argv[0], s["failed"], s["failures"],
                                        s["first_errors"]))
    return s


class MemorySampler:
    """While seal-load idle runs: the server's summed (RSS, PSS) every
    MEM_POLL seconds, with the time since seal-load started."""

    def __init__(self, server):
        self.server = server
        self.samples = []

    def __call__(self, proc, t0):
        while proc.poll() is None:
            try:
                mem = [memory_kb(p) for p in self.server.pids()]
                self.samples.append((time.monotonic() - t0, sum(m[0] for m in mem),
                                     sum(m[1] for m in mem)))
            except OSError:
                pass
            time.sleep(MEM_POLL)

    def holding(self, open_s, hold_s):
        """Median (RSS, PSS) over the hold window (every session open), or None."""
        lo, hi = open_s + HOLD_MARGIN, open_s + hold_s - HOLD_MARGIN
        win = [s for s in self.samples if lo <= s[0] <= hi]
        if not win:
            return None
        return statistics.median(s[1] for s in win), statistics.median(s[2] for s in win)


def idle_round(bindir, make_server, clients, hold, pwfile):
    """A fresh server, a few handshakes to warm it, then seal-load idle."""
    server = make_server().start()
    try:
        run_load(bindir, load_args("handshake", 4, ["-n", "40"], server, pwfile), SLACK)
        time.sleep(0.5)
        mem = [memory_kb(p) for p in server.pids()]
        before = (sum(m[0] for m in mem), sum(m[1] for m in mem))
        sampler = MemorySampler(server)
        argv = load_args("idle", clients, ["-d", str(hold)], server, pwfile)
        s = measure(bindir, server, argv, hold + SLACK + 60, sampler)
        s["mem_before"] = before
        s["mem_holding"] = sampler.holding(s.get("open_s", 0), s.get("hold_s", 0)) \
            if s.get("held") else None
        h = s["mem_holding"]
        s["pss_kb_per_session"] = (h[1] - before[1]) / s["held"] if h and s["held"] else float("nan")
        s["rss_kb_per_session"] = (h[0] - before[0]) / s["held"] if h and s["held"] else float("nan")
        return s
    finally:
        server.stop()


# key, title, mode, clients, kinds
RUNS = [
    ("hs16", "full TLS 1.3 handshakes, c=16", "handshake", 16, ("sealed", "nginx")),
    ("hs64", "full TLS 1.3 handshakes, c=64", "handshake", 64, ("sealed", "nginx")),
    ("res16", "resumed handshakes, c=16", "resume", 16, ("sealed", "nginx")),
    ("smtp16", "SMTP sessions (AUTH + 1 KiB + fsync), c=16", "smtp", 16, ("sealed",)),
    ("smtp64", "SMTP sessions (AUTH + 1 KiB + fsync), c=64", "smtp", 64, ("sealed",)),
]


# behind HAProxy: key, title, mode, clients
CLUSTER_RUNS = [
    ("hs16", "full TLS 1.3 handshakes, c=16", "handshake", 16),
    ("smtp16", "SMTP sessions (AUTH + 1 KiB + fsync), c=16", "smtp", 16),
]


def cluster_round(args, bindir, servers, pwfile, rnd, results):
    """The same runs direct to one node and through HAProxy, A/B interleaved."""
    for key, title, mode, clients in CLUSTER_RUNS:
        for kind in ordered(["direct", "haproxy"], rnd):
            server = servers[kind]
            if not server.alive():
                raise RuntimeError("%s died: see %s" % (kind, server.log_path))
            argv = load_args(mode, clients, ["-d", str(args.duration)], server, pwfile)
            s = measure(bindir, server, argv, args.duration + SLACK)
            results[("hap-" + key, kind)].append(s)
            log("round %d %-6s %-7s %7.1f/s  p99 %6.2f ms  server %.3f ms/op  failed %d"
                % (rnd + 1, key, kind, s["rate_per_s"], s["latency_ms"]["p99"],
                   s["server_ms_per_op"], s["failed"]))
            if mode == "smtp":
                server.clear_mail()


def ordered(kinds, rnd):
    """A/B interleaving: the servers' order alternates from round to round."""
    return list(kinds) if rnd % 2 == 0 else list(reversed(kinds))


def rate_round(args, bindir, servers, pwfile, rnd, results):
    for key, title, mode, clients, kinds in RUNS:
        for kind in ordered([k for k in kinds if k in servers], rnd):
            server = servers[kind]
            if not server.alive():
                raise RuntimeError("%s died: see %s" % (kind, server.log_path))
            argv = load_args(mode, clients, ["-d", str(args.duration)], server, pwfile)
            s = measure(bindir, server, argv, args.duration + SLACK)
            results[(key, kind)].append(s)
            log("round %d %-6s %-6s %7.1f/s  p99 %6.2f ms  server %.3f ms/op  failed %d"
                % (rnd + 1, key, kind, s["rate_per_s"], s["latency_ms"]["p99"],
                   s["server_ms_per_op"], s["failed"]))
            if mode == "smtp":
                server.clear_mail()


def idle_round_both(args, bindir, makers, pwfile, rnd, results):
    for kind in ordered(list(makers), rnd):
        s = idle_round(bindir, lambda: makers[kind](rnd), args.idle, args.idle_hold, pwfile)
        results[("idle", kind)].append(s)
        log("round %d idle   %-6s held %d/%d  open %.1f s  pss %.0f -> %s kB  (%.1f kB/session)"
            % (rnd + 1, kind, s["held"], args.idle, s["open_s"], s["mem_before"][1],
               "%.0f" % s["mem_holding"][1] if s["mem_holding"] else "?",
               s["pss_kb_per_session"]))


# --- the service goals (sealed; references for POP3) ----------------------------

def nginx_get_files(server, data_dir, user):
    """nginx's files/ gets a copy of USER's one message in sealed's data dir,
    so that nginx sends the very bytes sealed retrieves; its URL."""
    new = os.path.join(data_dir, "mail", user, "new")
    names = sorted(os.listdir(new))
    if not names:
        raise RuntimeError("no message in %s for nginx to serve" % new)
    files = os.path.join(server.dir, "files")
    os.makedirs(files, exist_ok=True)
    shutil.copyfile(os.path.join(new, names[0]), os.path.join(files, "retr"))
    # nginx's workers drop to nobody when started as root: let them through
    # (search only) the bench's private directories to this one file
    for d in (os.path.dirname(server.dir), server.dir, files):
        os.chmod(d, 0o711)
    os.chmod(os.path.join(files, "retr"), 0o644)
    return "https://localhost:%d/files/retr" % server.port


def nginx_get_run(server, url, n, certs):
    """N sequential HTTPS GETs of URL by curl (a new TLS 1.3 session each,
    as each POP3 session has): the octets and nginx's CPU seconds."""
    pids = server.pids()
    cpu0 = server_cpu(server, pids)
    size = 0
    for _ in range(n):
        r = subprocess.run(["curl", "-sS", "--fail", "--cacert", certs + "/server.crt",
                            "-o", "/dev/null", "-w", "%{size_download}", url],
                           capture_output=True, timeout=SLACK)
        if r.returncode != 0:
            raise RuntimeError("curl %s: %s" % (url, r.stderr.decode().strip()))
        size += int(r.stdout)
    return {"bytes": size, "server_cpu_s": server_cpu(server, pids) - cpu0, "ok": n}


def tcp_floor(size, n, piece=16384):
    """The kernel's share alone: CPU seconds of this process sending N times
    SIZE bytes from memory over loopback TCP in PIECE-byte writes (like TLS
    records; no TLS, no file) to a reader in a child process."""
    data = memoryview(b"x" * size)
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    port = ls.getsockname()[1]
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            ls.close()
            c = socket.create_connection(("127.0.0.1", port))
            got = 0
            while got < n * size:
                b = c.recv(1 << 20)
                if not b:
                    break
                got += len(b)
        except OSError:
            code = 1
        os._exit(code)
    try:
        conn, _ = ls.accept()
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        for _ in range(n):
            for off in range(0, size, piece):
                conn.sendall(data[off:off + piece])
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        conn.close()
    finally:
        ls.close()
        os.waitpid(pid, 0)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return {"bytes": n * size, "server_cpu_s": cpu, "ok": n}


def services_setup(args, bindir, server, pwfile):
    """The POP3 goal's message (seal-load smtp delivers it once: the server
    stores it as it stores any mail) and the RTSP goal's WAV."""
    if args.pop3_mb > 0:
        argv = ["smtp", "-c", "1", "-n", "1", "-s", str(int(args.pop3_mb * (1 << 20))),
                "--user", USER, "--password-file", pwfile, "--rcpt", RETR_USER + "@localhost",
                "--cafile", server.certs + "/server.crt", "--json", server.url()]
        s = run_load(bindir, argv, SLACK)
        if s["ok"] != 1:
            raise RuntimeError("could not deliver the POP3 goal's message: %s"
                               % s["first_errors"])
    if args.rtsp_streams > 0:
        media = os.path.join(server.data, "media")
        os.makedirs(media, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkwav.py"),
                        os.path.join(media, MEDIA), "--seconds", str(args.rtsp_seconds),
                        "--rate", "44100", "--channels", "2"], check=True, timeout=120)


def services_argv(args, server, pwfile):
    """key -> seal-load arguments of the service runs."""
    crt = ["--cafile", server.certs + "/server.crt", "--json"]
    runs = {}
    if args.pop3_mb > 0:
        runs["aead"] = ["aead", "-s", str(int(args.aead_mb * (1 << 20)))] + crt + \
            [server.pop3_url()]
        runs["pop3"] = ["pop3", "-c", "1", "-n", str(args.pop3_sessions), "--user", RETR_USER,
                        "--password-file", pwfile] + crt + [server.pop3_url()]
    if args.rtsp_streams > 0:
        n = str(args.rtsp_streams)
        runs["rtsp"] = ["rtsp", "-c", n, "-n", n, "--ramp", str(args.rtsp_ramp), "--threads",
                        str(args.rtsp_threads), "--user", USER, "--password-file", pwfile] \
            + crt + [server.rtsp_url()]
    return runs


def retr_references(args, ref, rnd, results):
    """After the POP3 run: nginx GETs of the same bytes over HTTPS, and the
    loopback TCP floor (REF: (nginx, URL, certs), or None without nginx)."""
    if ref is not None:
        g = nginx_get_run(ref[0], ref[1], args.pop3_sessions, ref[2])
        results[("get", "nginx")].append(g)
        log("round %d nginx  GET %.0f MB per server CPU second"
            % (rnd + 1, g["bytes"] / MB / g["server_cpu_s"] if g["server_cpu_s"] else 0))
    f = tcp_floor(int(args.pop3_mb * (1 << 20)), args.pop3_sessions)
    results[("tcp", "floor")].append(f)
    log("round %d tcp    %.0f MB per CPU second (plain loopback sends, no TLS)"
        % (rnd + 1, f["bytes"] / MB / f["server_cpu_s"] if f["server_cpu_s"] else 0))


def services_round(args, bindir, server, pwfile, rnd, results, ref=None):
    for key, argv in services_argv(args, server, pwfile).items():
        if not server.alive():
            raise RuntimeError("sealed died: see %s" % server.log_path)
        s = measure(bindir, server, argv, args.rtsp_seconds + args.rtsp_ramp + SLACK)
        results[(key, "sealed")].append(s)
        if key == "aead":
            log("round %d aead   %s %.0f MB/s" % (rnd + 1, s["aead"]["algorithm"],
                                                 s["aead"]["mb_per_s"]))
        elif key == "pop3":
            log("round %d pop3   RETR %.0f MB/s, %.0f MB per server CPU second  failed %d"
                % (rnd + 1, s["retr_mb_per_s"], s["bytes"] / MB / s["server_cpu_s"]
                   if s["server_cpu_s"] else float("nan"), s["failed"]))
            retr_references(args, ref, rnd, results)
        else:
            log("round %d rtsp   %d streams  lateness p50 %.1f p99 %.1f max %.1f ms  server "
                "%.0f%% of a core  others %.2f cores  failed %d"
                % (rnd + 1, s["streams"], s["lateness_ms"]["p50"], s["lateness_ms"]["p99"],
                   s["lateness_ms"]["max"], 100 * s["server_cpu_s"] / s["duration_s"],
                   s["others_cores"], s["failed"]))


def rounds(args, bindir, certs, work, pwfile, nginx):
    kinds = ["sealed"] + (["nginx"] if nginx else [])
    results = {(key, kind): [] for key, *_ in RUNS + [("idle",)] for kind in kinds}
    for key in ("aead", "pop3", "rtsp"):
        results[(key, "sealed")] = []
    results[("get", "nginx")], results[("tcp", "floor")] = [], []
    for key, *_ in CLUSTER_RUNS:
        results[("hap-" + key, "direct")], results[("hap-" + key, "haproxy")] = [], []
    ref = None
    parts = set(args.only.split(","))
    makers = {"sealed": lambda rnd: Sealed(bindir, certs, work, "sealed-idle%d" % rnd)}
    if nginx:
        makers["nginx"] = lambda rnd: Nginx(nginx, certs, work, "nginx-idle%d" % rnd)
    servers = {}
    try:
        servers["sealed"] = Sealed(bindir, certs, work, "sealed",
                                   services="services" in parts).start()
        if nginx and parts & {"tls", "idle"}:
            servers["nginx"] = Nginx(nginx, certs, work, "nginx").start()
        if "cluster" in parts:
            servers["direct"] = Sealed(bindir, certs, work, "direct").start()
            servers["haproxy"] = HaproxyCluster(bindir, certs, work, "cluster").start()
        if "services" in parts:
            services_setup(args, bindir, servers["sealed"], pwfile)
            if nginx and args.pop3_mb > 0:
                servers["nginx-files"] = Nginx(nginx, certs, work, "nginx-files").start()
                ref = (servers["nginx-files"], nginx_get_files(
                    servers["nginx-files"], servers["sealed"].data, RETR_USER), certs)
        for rnd in range(args.rounds):
            if "tls" in parts:
                rate_round(args, bindir, servers, pwfile, rnd, results)
            if args.idle > 0 and "idle" in parts:
                idle_round_both(args, bindir, makers, pwfile, rnd, results)
            if "services" in parts:
                services_round(args, bindir, servers["sealed"], pwfile, rnd, results, ref)
            if "cluster" in parts:
                cluster_round(args, bindir, servers, pwfile, rnd, results)
    finally:
        for s in servers.values():
            s.stop()
    return results


# --- the report ------------------------------------------------------------------

def med(values):
    values = [v for v in values if v == v]    # drop NaN
    return statistics.median(values) if values else float("nan")


def figures(runs):
    """Medians of one benchmark on one server, or None when it did not run
    (or is not a seal-load run: the POP3 goal's references)."""
    if not runs or "rate_per_s" not in runs[0]:
        return None
    f = {"rate": med([r["rate_per_s"] for r in runs]),
         "rate_min": min(r["rate_per_s"] for r in runs),
         "rate_max": max(r["rate_per_s"] for r in runs),
         "p50": med([r["latency_ms"]["p50"] for r in runs]),
         "p99": med([r["latency_ms"]["p99"] for r in runs]),
         "failed": sum(r["failed"] for r in runs),
         "server_ms": med([r["server_ms_per_op"] for r in runs]),
         "client_ms": med([r["client_ms_per_op"] for r in runs]),
         "others": med([r["others_cores"] for r in runs]),
         "tls": next((r["tls"] for r in runs if r["tls"]["version"]), {})}
    if runs[0]["mode"] == "resume":
        f["resumed"] = sum(r["resumed"] for r in runs)
        f["offered"] = sum(r["resume_offered"] for r in runs)
    if runs[0]["mode"] == "idle":
        f["held"] = min(r["held"] for r in runs)
        f["pss_kb"] = med([r["pss_kb_per_session"] for r in runs])
        f["rss_kb"] = med([r["rss_kb_per_session"] for r in runs])
    return f


def fmt_ms(v):
    return "%.3f ms" % v if v == v else "?"


def verdict(figures_or_none, ok):
    """The goal column: met, not met, or — when the run was left out."""
    if figures_or_none is None:
        return "—"
    return "met" if ok else "**not met**"


def goal_rows(args, results):
    """The issue's goals: | figure | target | sealed | nginx | met |."""
    F = {k: figures(v) for k, v in results.items()}
    none = "not run"
    rows = []

    def cpu_goal(key, title, limit):
        s, n = F.get((key, "sealed")), F.get((key, "nginx"))
        ok = s is not None and s["failed"] == 0 and s["server_ms"] <= limit
        extra = ""
        if key == "res16" and s:
            extra = " (%d/%d resumed)" % (s["resumed"], s["offered"])
        rows.append("| %s | ≤ %.2f ms | %s%s | %s | %s |" % (
            title, limit, fmt_ms(s["server_ms"]) if s else none, extra,
            fmt_ms(n["server_ms"]) if n else none, verdict(s, ok)))

    cpu_goal("hs16", "server CPU per full TLS 1.3 handshake (ECDSA P-256, X25519), c=16", 0.45)
    cpu_goal("res16", "server CPU per resumed handshake, c=16", 0.35)
    s = F.get(("smtp16", "sealed"))
    if s:
        ok = s["failed"] == 0 and s["rate"] >= 490 and s["server_ms"] <= 1.5
        cell = "%.0f/s, %s" % (s["rate"], fmt_ms(s["server_ms"]))
    else:
        ok, cell = False, none
    rows.append("| SMTP session, c=16, AUTH + 1 KiB + fsynced Maildir | ≥ 490 sessions/s, "
                "≤ 1.5 ms server CPU | %s | · (no SMTP) | %s |" % (cell, verdict(s, ok)))
    s, n = F.get(("idle", "sealed")), F.get(("idle", "nginx"))

    def idle_cell(f):
        return "%d held, %.1f kB each" % (f["held"], f["pss_kb"]) if f else none
    ok = s is not None and args.idle >= IDLE_GOAL and s["held"] >= IDLE_GOAL and \
        s["pss_kb"] <= 12
    idle_verdict = verdict(s, ok) if s is None or args.idle >= IDLE_GOAL else \
        "not measured (--idle %d)" % args.idle
    rows.append("| idle TLS sessions held (PSS per session) | 10,000 at ≤ 12 kB each | %s | %s "
                "| %s |" % (idle_cell(s), idle_cell(n), idle_verdict))
    rows.append(pop3_goal_row(args, results))
    rows.append(rtsp_goal_row(args, results))
    return rows


def retr_ratios(results):
    """Per round: (AEAD MB/s, RETR MB/s, server MB per CPU second), paired
    by round (the AEAD figure of the same round)."""
    out = []
    for a, p in zip(results.get(("aead", "sealed"), []), results.get(("pop3", "sealed"), [])):
        cpu_rate = p["bytes"] / MB / p["server_cpu_s"] if p["server_cpu_s"] else float("nan")
        out.append((a["aead"]["mb_per_s"], p["retr_mb_per_s"], cpu_rate, p))
    return out


def pop3_goal_row(args, results):
    title = "POP3 RETR of a %g MiB message" % args.pop3_mb
    r = retr_ratios(results)
    if not r:
        return "| %s | ≥ 80%% of the AEAD speed | not run | · | — |" % title
    aead = med([x[0] for x in r])
    wall = med([x[1] / x[0] for x in r])
    cpu = med([x[2] / x[0] for x in r])
    failed = sum(x[3]["failed"] for x in r)
    alg = results[("aead", "sealed")][0]["aead"]["algorithm"]
    cell = ("RETR %.0f MB/s = **%.0f%%** of %s's %.0f MB/s; per second of server CPU %.0f MB = "
            "**%.0f%%**" % (med([x[1] for x in r]), 100 * wall, alg, aead,
                            med([x[2] for x in r]), 100 * cpu))
    ok = failed == 0 and cpu >= RETR_GOAL
    refs = []
    for key, what in ((("get", "nginx"), "nginx, HTTPS GET of the same file"),
                      (("tcp", "floor"), "plain loopback TCP sends, no TLS, no file")):
        runs = [x for x in results.get(key, []) if x["server_cpu_s"] > 0]
        if runs:
            rate = med([x["bytes"] / MB / x["server_cpu_s"] for x in runs])
            refs.append("%s: %.0f MB per CPU s = %.0f%%" % (what, rate, 100 * rate / aead))
    return "| %s | ≥ 80%% of the AEAD speed | %s | %s | %s |" % (
        title, cell, "; ".join(refs) or "·", "met" if ok else "**not met**")


def rtsp_goal_row(args, results):
    runs = results.get(("rtsp", "sealed"), [])
    title = "concurrent RTSP streams, 44.1 kHz stereo (%g s WAV, started over %g s)" % (
        args.rtsp_seconds, args.rtsp_ramp)
    if not runs:
        return "| %s | 500 with p99 lateness ≤ 20 ms | not run | · | — |" % title
    p99 = med([x["lateness_ms"]["p99"] for x in runs])
    streams = min(x["streams"] for x in runs)
    cell = ("%d streams: lateness p50 %.1f ms, **p99 %.1f ms**, max %.1f ms; server CPU %.0f%% "
            "of one core" % (streams, med([x["lateness_ms"]["p50"] for x in runs]), p99,
                             med([x["lateness_ms"]["max"] for x in runs]),
                             100 * med([x["server_cpu_s"] / x["duration_s"] for x in runs])))
    ok = streams >= RTSP_GOAL_STREAMS and p99 <= RTSP_GOAL_P99_MS and \
        sum(x["failed"] for x in runs) == 0
    return "| %s | 500 with p99 lateness ≤ 20 ms | %s | · | %s |" % (
        title, cell, "met" if ok else "**not met**")


def services_rows(results):
    """One row per round of the service runs."""
    rows = []
    pop3 = retr_ratios(results)
    rtsp = results.get(("rtsp", "sealed"), [])
    for i in range(max(len(pop3), len(rtsp))):
        cells = ["%d" % (i + 1)]
        if i < len(pop3):
            a, wall, cpu, p = pop3[i]
            cells += ["%.0f" % a, "%.0f (%.0f%%)" % (wall, 100 * wall / a),
                      "%.0f (%.0f%%)" % (cpu, 100 * cpu / a),
                      "%.1f" % (1000 * p["server_cpu_s"] / p["ok"] if p["ok"] else float("nan")),
                      "%.2f" % p["others_cores"]]
        else:
            cells += ["·"] * 5
        if i < len(rtsp):
            r = rtsp[i]
            late, first = r["lateness_ms"], r["first_packet_ms"]
            cells += ["%d/%d" % (r["streams"], r["clients"]),
                      "%.1f / %.1f / %.1f" % (late["p50"], late["p99"], late["max"]),
                      "%.1f" % r["lateness_read_ms"]["p99"],
                      "%.1f" % first["p99"], "%d / %d" % (r["lost"], r["reordered"]),
                      "%.0f%%" % (100 * r["server_cpu_s"] / r["duration_s"]),
                      "%.0f%%" % (100 * r["client_cpu_s"] / r["duration_s"]),
                      "%.2f %s; iowait %.2f, steal %.2f" % (
                          r["others_cores"], ", ".join(r["others_top"]), r["iowait_cores"],
                          r["steal_cores"])]
        else:
            cells += ["·"] * 8
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def detail_rows(results, kinds):
    rows = []
    for key, title, mode, clients, run_kinds in RUNS + [
            ("idle", "idle sessions held", "idle", 0, ("sealed", "nginx"))]:
        for kind in kinds:
            f = figures(results.get((key, kind), []))
            if f is None:
                continue
            note = ""
            if mode == "resume":
                note = "resumed %d of %d offered" % (f["resumed"], f["offered"])
            elif mode == "idle":
                note = "held %d; PSS %.1f kB, RSS %.1f kB per session; rate = opened/s, " \
                       "CPU per open" % (f["held"], f["pss_kb"], f["rss_kb"])
            rows.append("| %s | %s | %.0f (%.0f-%.0f) | %.2f | %.2f | %d | %.3f | %.3f | %.2f "
                        "| %s |" % (title, kind, f["rate"], f["rate_min"], f["rate_max"],
                                    f["p50"], f["p99"], f["failed"], f["server_ms"],
                                    f["client_ms"], f["others"], note))
    return rows


def idle_rounds_rows(results, kinds, clients):
    rows = []
    for kind in kinds:
        for i, r in enumerate(results.get(("idle", kind), [])):
            b, h = r["mem_before"], r["mem_holding"] or (float("nan"), float("nan"))
            rows.append("| %s | %d | %d / %d | %.2f | %.1f -> %.1f | %.1f -> %.1f | %.1f | %.1f |"
                        " %.3f |" % (kind, i + 1, r["held"], clients, r["open_s"],
                                     b[0] / 1024, h[0] / 1024, b[1] / 1024, h[1] / 1024,
                                     r["rss_kb_per_session"], r["pss_kb_per_session"],
                                     r["server_ms_per_op"]))
    return rows


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return ", ".join(f.read().split()[:3])
    except OSError:
        return "?"


def tool_version(args, pattern):
    try:
        r = subprocess.run(args, capture_output=True, timeout=10)
        m = re.search(pattern, (r.stdout + r.stderr).decode("utf-8", "replace"))
        return m.group(1) if m else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def environment(bindir, nginx, results):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lib = "?"
    try:
        out = subprocess.run(["ldd", os.path.join(bindir, "sealed")], capture_output=True,
                             timeout=10).stdout.decode()
        lib = next((l.split()[0] for l in out.splitlines() if "wolfssl" in l),
                   "the tuned static build (tools/wolfssl.sh)")
    except (OSError, subprocess.SubprocessError):
        pass
    out = ["- machine: %s, %d CPUs (%s), kernel %s; date %s" % (
               platform.node(), os.cpu_count() or 0, cpu, platform.release(),
               time.strftime("%Y-%m-%d %H:%M")),
           "- servers and seal-load share the machine; each server has as many workers as "
           "CPUs (sealed --workers default, nginx worker_processes auto)"]
    for kind in ("sealed", "nginx"):
        tls = next((r["tls"] for (k, kd), runs in results.items() if kd == kind
                    for r in runs if r.get("tls", {}).get("version")), None)
        if tls is None:
            continue
        what = "wolfSSL: %s" % lib if kind == "sealed" else "nginx %s, OpenSSL %s" % (
            tool_version([nginx, "-v"], r"nginx/(\S+)"),
            tool_version(["openssl", "version"], r"OpenSSL (\S+)"))
        out.append("- %s (%s): negotiated %s %s, group %s; certificate ECDSA P-256"
                   % (kind, what, tls.get("version", "?"), tls.get("cipher", "?"),
                      tls.get("group", "?")))
    return out


def cluster_rows(results):
    """The cost of the extra hop: medians direct and through HAProxy."""
    rows = []
    for key, title, mode, clients in CLUSTER_RUNS:
        d = figures(results.get(("hap-" + key, "direct")))
        h = figures(results.get(("hap-" + key, "haproxy")))
        if d is None or h is None:
            continue
        extra = h["server_ms"] - d["server_ms"]
        rows.append("| %s | %s, %.0f/s, p99 %.1f ms | %s, %.0f/s, p99 %.1f ms | **+%s** (%+.0f%%) "
                    "| %d / %d |"
                    % (title, fmt_ms(d["server_ms"]), d["rate"], d["p99"], fmt_ms(h["server_ms"]),
                       h["rate"], h["p99"], fmt_ms(extra),
                       100.0 * extra / d["server_ms"] if d["server_ms"] else float("nan"),
                       d["failed"], h["failed"]))
    return rows


def report(args, results, work, bindir, nginx):
    kinds = ["sealed"] + (["nginx"] if nginx else [])
    out = ["# sealed benchmarks", ""]
    out += environment(bindir, nginx, results)
    out += ["- command: `make bench` (= `python3 tests/bench/bench.py --bin %s --rounds %d "
            "--duration %g --idle %d --idle-hold %g --only %s --pop3-mb %g --rtsp-streams %d "
            "--rtsp-seconds %g --rtsp-ramp %g --rtsp-threads %d --aead-mb %g`)"
            % (args.bin, args.rounds, args.duration, args.idle, args.idle_hold, args.only,
               args.pop3_mb, args.rtsp_streams, args.rtsp_seconds, args.rtsp_ramp,
               args.rtsp_threads, args.aead_mb),
            "- load average (1, 5, 15 min) when the bench began: %s; when it ended: %s "
            "(other jobs share the machine: see \"other load\" below)"
            % (args.load_start, load_average()),
            "- %d round%s, sealed and nginx A/B interleaved; medians; server CPU = utime+stime "
            "over the run / operations (nginx: master + workers)"
            % (args.rounds, "" if args.rounds == 1 else "s"), "",
            "## Goals (issue 6)", "",
            "| figure | target | sealed | nginx | goal |", "|---|---|---|---|---|"]
    out += goal_rows(args, results)
    hap = cluster_rows(results)
    if hap:
        out += ["", "## Behind HAProxy (issue 15)", "",
                "The same seal-load runs direct to one node and through HAProxy "
                "(deploy/haproxy/haproxy.cfg, TCP mode, send-proxy-v2) to three nodes on "
                "127.0.0.11-13 sharing one data dir; server CPU per operation summed over "
                "HAProxy and the three nodes (their health checks included), medians:", "",
                "| figure | direct to one node | through HAProxy, 3 nodes | extra server CPU "
                "per op | failed direct / HAProxy |", "|---|---|---|---|---|"]
        out += hap
    out += ["", "## All runs", "",
            "| benchmark | server | rate /s median (min-max) | p50 ms | p99 ms | failed "
            "| server CPU ms/op | client CPU ms/op | other load (cores) | notes |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    out += detail_rows(results, kinds)
    if any(results.get((k, "sealed")) for k in ("aead", "pop3", "rtsp")):
        out += ["", "Service goals, each round (sealed only). MB/s are 10^6 bytes a second; "
                "RETR = seal-load's rate from RETR to the final \".\"; server = octets "
                "retrieved per second of the server's CPU (login, maildrop scan and "
                "handshake included); percentages of the same round's AEAD figure. "
                "Lateness = arrival - (PLAY sent + RTP time), every packet of every stream, "
                "arrival being the kernel's receive time of the segment (SO_TIMESTAMPNS); "
                "by read: arrival = when seal-load read it (its own delays included); "
                "other load = CPU the rest of the machine used during the run, in cores:", "",
                "| round | AEAD MB/s | RETR MB/s | server MB per CPU s | server CPU ms "
                "per session | other load | RTSP streams ok | lateness p50 / p99 / max ms "
                "| p99 by read ms | first packet p99 ms | lost / reordered | RTSP server CPU "
                "| seal-load CPU | other load, busiest |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        out += services_rows(results)
    if any(results.get(("idle", k)) for k in kinds):
        out += ["", "Idle sessions, each round a fresh server; memory before (after 40 warm-up "
                "handshakes) and while holding (median over the hold), in MiB; per held "
                "session in kB:", "",
                "| server | round | held | open s | RSS MiB | PSS MiB | RSS kB/session "
                "| PSS kB/session | server CPU ms/open |", "|---|---|---|---|---|---|---|---|---|"]
        out += idle_rounds_rows(results, kinds, args.idle)
    out += ["", "seal-load commands (PORT and TMP are the bench's own; nginx gets "
            "--no-greeting):", ""]
    for key in [r[0] for r in RUNS] + ["idle", "aead", "pop3", "rtsp"] + \
            ["hap-" + r[0] for r in CLUSTER_RUNS]:
        for kind in kinds + ["direct", "haproxy"]:
            runs = results.get((key, kind))
            if runs:
                line = " ".join(["bin/seal-load"] + runs[0]["argv"]).replace(work, "$TMP")
                out.append("    " + re.sub(r"localhost:\d+", "localhost:$PORT", line)
                           + "    # " + kind)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="folder with sealed and seal-load")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=float, default=5, help="seconds per rate run")
    ap.add_argument("--idle", type=int, default=IDLE_GOAL, help="idle sessions (0: skip)")
    ap.add_argument("--idle-hold", type=float, default=10, help="seconds to hold them")
    ap.add_argument("--nginx", default=None, help="the nginx binary (default: from PATH)")
    ap.add_argument("--no-nginx", action="store_true", help="sealed only")
    ap.add_argument("--only", default="tls,idle,services,cluster",
                    help="parts to run, comma-separated: tls (handshakes, SMTP), idle, "
                         "services (AEAD, POP3, RTSP), cluster (behind HAProxy)")
    ap.add_argument("--pop3-mb", type=float, default=30,
                    help="the POP3 goal's message in MiB (0: skip POP3 and AEAD)")
    ap.add_argument("--pop3-sessions", type=int, default=10, help="RETR sessions per round")
    ap.add_argument("--rtsp-streams", type=int, default=RTSP_GOAL_STREAMS,
                    help="concurrent RTSP streams (0: skip)")
    ap.add_argument("--rtsp-seconds", type=float, default=10, help="length of the WAV")
    ap.add_argument("--rtsp-ramp", type=float, default=2,
                    help="seconds over which the streams start")
    ap.add_argument("--rtsp-threads", type=int, default=1, help="seal-load's event loops")
    ap.add_argument("--aead-mb", type=float, default=2048,
                    help="MiB seal-load aead seals each round (less for a slow library)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench", "results.md"))
    args = ap.parse_args()
    bindir = os.path.abspath(args.bin)
    for b in ("sealed", "seal-load"):
        if not os.access(os.path.join(bindir, b), os.X_OK):
            log("%s/%s is missing: build it first (make)" % (bindir, b))
            return 1
    parts = set(args.only.split(","))
    if not parts or not parts <= {"tls", "idle", "services", "cluster"}:
        log("--only wants tls, idle, services and/or cluster, comma-separated")
        return 2
    if "cluster" in parts and shutil.which("haproxy") is None and \
            not os.access("/usr/sbin/haproxy", os.X_OK):
        log("haproxy is missing: install it with `make deps`")
        return 1
    nginx = None
    if not args.no_nginx and (parts & {"tls", "idle"} or ("services" in parts and args.pop3_mb)):
        nginx = nginx_binary(args.nginx)
        if nginx is None:
            log("nginx is missing: install it with `sh tools/deps.sh --bench` "
                "(make bench does), or pass --no-nginx")
            return 1
    nofile = raise_nofile()
    if args.idle and "idle" in parts and nofile < args.idle + 100:
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
        args.load_start = load_average()
        results = rounds(args, bindir, certs, work, pwfile, nginx)
        text = report(args, results, work, bindir, nginx)
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
