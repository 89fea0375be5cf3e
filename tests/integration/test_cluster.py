"""Several sealed nodes behind HAProxy (issue 15, part 2 to 4).

Each test runs the shipped deploy/haproxy/haproxy.cfg, unchanged, with its
environment filled in: HAProxy on 127.0.0.1 with free ports, three nodes on
127.0.0.11, .12 and .13 (one port per service, the same on every node),
each with --node-name and --proxy-from 127.0.0.1, all on ONE data dir.

- 50 clients send mail while a node is SIGKILLed and restarted: every
  message that got 250 is in its Maildir exactly once; HAProxy takes the
  node out and back (the time is printed); sessions on the other nodes go on.
- 20 simultaneous POP3 logins for one user over the nodes: one +OK, 19
  -ERR [IN-USE]; SIGKILL the holder's node: the next login succeeds.
- RTSP streams are spread by leastconn; killing a node ends only its streams.
- The per-address limit counts the real client (127.0.0.5 behind the proxy),
  and HAProxy's stick table limits new connections per client address.
- Users added, changed or removed by an admin command are seen by every node.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import lib
from lib import (DEFAULT_USERS, Closed, check, client_context, deadline, free_port, popen,
                 run, sealed, stop_proc, tail, timeout, tmpdir)

sys.path.insert(0, os.path.join(lib.ROOT, "tools"))
import mkwav  # noqa: E402

HAPROXY_CFG = os.path.join(lib.ROOT, "deploy", "haproxy", "haproxy.cfg")
NODE_ADDRS = ["127.0.0.11", "127.0.0.12", "127.0.0.13"]
CONN_RATE = 20                 # new connections per client address per 10 s
SERVICES = ("smtp", "pop3", "rtsp")


def _haproxy_bin():
    for d in os.environ.get("PATH", "").split(":") + ["/usr/sbin"]:
        p = os.path.join(d, "haproxy")
        if os.access(p, os.X_OK):
            return p
    return None


def _port_free_everywhere():
    """A port free on 127.0.0.1 and on every node address."""
    for _ in range(50):
        port = free_port()
        try:
            for a in NODE_ADDRS:
                with socket.socket() as s:
                    s.bind((a, port))
            return port
        except OSError:
            continue
    raise lib.TestFailure("no port free on every node address")


def _wait_tcp(addr, port, seconds, proc=None):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((addr, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Cluster:
    """HAProxy and three nodes on one data dir, started from scratch."""

    def __init__(self, node_args=(), users=None, media=False):
        self.work = tmpdir("cluster")
        self.data = os.path.join(self.work, "data")
        os.makedirs(self.data, mode=0o700)
        self.certs = lib.default_certs()
        self.users = dict(DEFAULT_USERS if users is None else users)
        for name, pw in self.users.items():
            r = lib.useradd(self.data, name, pw)
            check(r.returncode == 0, "useradd %s: %s" % (name, tail(r.stderr)))
        if media:
            os.makedirs(os.path.join(self.data, "media"))
            mkwav.write_wav(os.path.join(self.data, "media", "tone.wav"), 6.0, 44100, 2)
        self.node_args = list(node_args)
        self.node_ports = {svc: _port_free_everywhere() for svc in SERVICES}
        self.front = {svc: free_port() for svc in SERVICES}
        self.sock = os.path.join(self.work, "haproxy.sock")
        self.nodes = [None] * len(NODE_ADDRS)
        self.haproxy = None

    # --- processes ---------------------------------------------------------

    def node_cmd(self, i):
        return [sealed(), "--data-dir", self.data, "--listen", NODE_ADDRS[i],
                "--node-name", "node%d" % (i + 1), "--proxy-from", "127.0.0.1",
                "--smtp-port", str(self.node_ports["smtp"]),
                "--pop3-port", str(self.node_ports["pop3"]),
                "--rtsp-port", str(self.node_ports["rtsp"]),
                "--cert", self.certs.crt, "--key", self.certs.key] + self.node_args

    def start_node(self, i):
        err = open(os.path.join(self.work, "node%d.err" % (i + 1)), "ab")
        self.nodes[i] = popen(self.node_cmd(i), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=err, cwd=self.work)
        err.close()
        check(_wait_tcp(NODE_ADDRS[i], self.node_ports["smtp"], deadline(20), self.nodes[i]),
              "node%d did not start: %s" % (i + 1, tail(self.node_err(i))))

    def node_err(self, i):
        with open(os.path.join(self.work, "node%d.err" % (i + 1)), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def env(self):
        e = dict(os.environ)
        e.update({"SEALED_FRONT": "127.0.0.1", "SEALED_CA": self.certs.crt,
                  "SEALED_CONN_RATE": str(CONN_RATE), "SEALED_HAPROXY_SOCK": self.sock})
        for svc in SERVICES:
            e["SEALED_%s_PORT" % svc.upper()] = str(self.front[svc])
            e["SEALED_NODE_%s_PORT" % svc.upper()] = str(self.node_ports[svc])
        for i, a in enumerate(NODE_ADDRS):
            e["SEALED_NODE%d" % (i + 1)] = a
        return e

    def start(self):
        check(_haproxy_bin() is not None, "haproxy is missing (make deps installs it)")
        for i in range(len(NODE_ADDRS)):
            self.start_node(i)
        err = open(os.path.join(self.work, "haproxy.err"), "ab")
        self.haproxy = popen([_haproxy_bin(), "-db", "-f", HAPROXY_CFG], env=self.env(),
                             stdin=subprocess.DEVNULL, stdout=err, stderr=err, cwd=self.work)
        err.close()
        check(_wait_tcp("127.0.0.1", self.front["smtp"], deadline(20), self.haproxy),
              "haproxy did not start: %s" % tail(self.haproxy_err(), 5))
        check(self.wait_all(lambda st: st == "UP", deadline(30)),
              "not every node came UP in HAProxy: %s" % self.states())
        return self

    def haproxy_err(self):
        with open(os.path.join(self.work, "haproxy.err"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def kill_node(self, i):
        stop_proc(self.nodes[i], signal.SIGKILL, 5)

    def stop(self):
        codes = []
        if self.haproxy is not None:
            stop_proc(self.haproxy, signal.SIGTERM, deadline(10))
        for p in self.nodes:
            if p is not None:
                codes.append(stop_proc(p, signal.SIGTERM, deadline(20)))
        return codes

    def __enter__(self):
        return self.start()

    def __exit__(self, etype, *exc):
        codes = self.stop()
        if etype is None:
            check(all(c == 0 for c in codes), "a node exited %s after SIGTERM" % codes)
            for i in range(len(NODE_ADDRS)):   # the runner scans lib.Server's only
                bad = [l for l in self.node_err(i).splitlines()
                       if any(m in l for m in lib.SANITIZER_MARKS)]
                check(not bad, "node%d: %s" % (i + 1, bad[:1]))

    # --- HAProxy's view ------------------------------------------------------

    def stat(self):
        """HAProxy's `show stat`: a list of {field: value} rows."""
        s = socket.socket(socket.AF_UNIX)
        try:
            s.settimeout(5)
            s.connect(self.sock)
            s.sendall(b"show stat\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            return []
        finally:
            s.close()
        lines = data.decode().splitlines()
        if not lines or not lines[0].startswith("# "):
            return []
        names = lines[0][2:].split(",")
        return [dict(zip(names, line.split(","))) for line in lines[1:] if line]

    def states(self):
        """{(backend, server): status} of the nodes ("UP", "DOWN"...)."""
        return {(r["pxname"], r["svname"]): (r["status"].split() or [""])[0]
                for r in self.stat() if r.get("svname") not in ("FRONTEND", "BACKEND", None)
                and r["pxname"].endswith("_nodes")}

    def wait_state(self, backend, server, pred, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if pred(self.states().get((backend, server), "")):
                return True
            time.sleep(0.05)
        return False

    def wait_all(self, pred, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            st = self.states()
            if len(st) == 3 * len(NODE_ADDRS) and all(pred(v) for v in st.values()):
                return True
            time.sleep(0.1)
        return False

    # --- the shared log --------------------------------------------------------

    def log(self):
        try:
            with open(os.path.join(self.data, "sealed.log"), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def node_of(self, svc, client_port, log=None):
        """The node (0-based) that logged the connection of a client whose
        local port was CLIENT_PORT (the PROXY header names it), or None."""
        pat = re.compile(r"\] (127\.0\.0\.1\d):%d 127\.0\.0\.\d+:%d %s - \* connect via proxy"
                         % (self.node_ports[svc], client_port, svc))
        m = pat.search(log if log is not None else self.log())
        return NODE_ADDRS.index(m.group(1)) if m else None


def _smtp(c, source=None, t=20):
    return lib.Smtp(c.front["smtp"], cafile=c.certs.crt, timeout=t, source=source)


def _send(c, k, mk, data):
    with _smtp(c) as s:
        code, _ = s.login("alice", DEFAULT_USERS["alice"])
        if code != 235:
            return False
        for line, want in (("MAIL FROM:<alice@localhost>", 250), ("RCPT TO:<bob@localhost>", 250),
                           ("DATA", 354)):
            if s.cmd(line)[0] != want:
                return False
        s.send(lib.dot_stuff(data) + b".\r\n")
        return s.reply()[0] == 250


def _mark_of(path):
    with open(path, "rb") as f:
        m = re.search(rb"marker (mk-[0-9a-f]{32})", f.read())
    return m.group(1).decode() if m else None


@timeout(150)
def test_cluster_sigkill_of_a_node_under_load_loses_no_acknowledged_message():
    with Cluster() as c:
        # idle logged-in sessions spread over the nodes, to check after the kill
        idle = []
        for _ in range(6):
            s = _smtp(c)
            check(s.login("alice", DEFAULT_USERS["alice"])[0] == 235, "idle session login")
            idle.append(s)
        victim = 1
        acked, sent, errors = set(), {}, []
        lock, stop = threading.Lock(), threading.Event()

        def client(k):
            while not stop.is_set():
                mk = lib.marker()
                data = lib.message(mk)
                with lock:
                    sent[mk] = data
                try:
                    if _send(c, k, mk, data):
                        with lock:
                            acked.add(mk)
                except Exception as e:  # noqa: B902 - reset by the kill: try again
                    with lock:
                        errors.append(type(e).__name__)
                    time.sleep(0.05)

        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(50)]
        for t in threads:
            t.start()
        try:
            end = time.monotonic() + deadline(20)
            while len(acked) < 60 and time.monotonic() < end:
                time.sleep(0.05)
            check(len(acked) >= 60, "only %d messages before the kill" % len(acked))
            log = c.log()
            where = {s.sock.getsockname()[1]: c.node_of("smtp", s.sock.getsockname()[1], log)
                     for s in idle}
            t_kill = time.monotonic()
            c.kill_node(victim)
            out = c.wait_state("smtp_nodes", "node2", lambda st: st != "UP", deadline(30))
            t_out = time.monotonic() - t_kill
            check(out, "HAProxy never took node2 out: %s" % c.states())
            before = len(acked)
            time.sleep(1.0)
            during = len(acked) - before
            t_start = time.monotonic()
            c.start_node(victim)
            back = c.wait_state("smtp_nodes", "node2", lambda st: st == "UP", deadline(30))
            t_back = time.monotonic() - t_start
            check(back, "HAProxy never took node2 back: %s" % c.states())
            time.sleep(1.0)
        finally:
            stop.set()
            for t in threads:
                t.join(deadline(30))
        check(not any(t.is_alive() for t in threads), "some clients hung")
        # the idle sessions: those on the other nodes go on, those on node2 ended
        kept = ended = 0
        for s in idle:
            node = where[s.sock.getsockname()[1]]
            check(node is not None, "an idle session's node is not in the log")
            try:
                code, _ = s.cmd("NOOP")
            except (Closed, OSError):
                code = None
            if node == victim:
                check(code is None, "a session on the killed node answered %s" % code)
                ended += 1
            else:
                check(code == 250, "a session on node%d was disturbed: %s" % (node + 1, code))
                kept += 1
            s.close()
        check(kept > 0, "no idle session on the other nodes")
        found = {}
        for sub in ("new", "cur"):
            d = os.path.join(c.data, "mail", "bob", sub)
            for name in os.listdir(d) if os.path.isdir(d) else []:
                mk = _mark_of(os.path.join(d, name))
                check(mk in sent, "%s holds no message sent" % name)
                check(mk not in found, "message %s stored twice" % mk)
                found[mk] = name
                lib.check_stored(os.path.join(d, name), sent[mk])
        lost = [mk for mk in acked if mk not in found]
        check(not lost, "%d of %d acknowledged messages lost" % (len(lost), len(acked)))
        # node2's start-up clean left the other nodes' messages in progress
        # alone: none of their deliveries failed (a tmp/ file removed under a
        # writer fails its commit: 451)
        log = c.log()
        failed = [m.group(0) for m in
                  re.finditer(r"\] 127\.0\.0\.1\d:\d+ \S+ smtp \S+ S: 45\d .*", log)]
        check(not failed, "deliveries failed: %s" % failed[:3])
        cleaned = re.findall(r"removed (\d+) partial message", log)
        nodes = {m.group(1) for m in re.finditer(r"\.M\d+P\d+Q\d+R[0-9a-f]+\.(node\d)", " ".join(found.values()))}
        check(nodes == {"node1", "node2", "node3"}, "messages not named by every node: %s" % nodes)
        print("# 3 nodes, 50 clients: node2 SIGKILLed, HAProxy took it out after %.2f s and "
              "back %.2f s after its restart; %d messages acknowledged, each stored once "
              "(%d more stored whole without a 250); %d delivered during the 1 s node2 was down; "
              "idle sessions: %d on other nodes answered NOOP, %d on node2 ended; "
              "%d client errors retried; node2's restart removed %s of its own partial "
              "message(s) and no other node's delivery failed"
              % (t_out, t_back, len(acked), len(found) - len(acked), during, kept, ended,
                 len(errors), cleaned[-1] if cleaned else "0"), flush=True)


def _pop3_login(c, user, password, results, k):
    try:
        raw = socket.create_connection(("127.0.0.1", c.front["pop3"]), timeout=deadline(20))
        s = client_context(c.certs.crt).wrap_socket(raw, server_hostname="localhost")
        f = s.makefile("rb")
        f.readline()
        s.sendall(("USER %s\r\nPASS %s\r\n" % (user, password)).encode())
        f.readline()
        results[k] = (f.readline().decode().strip(), s, f, s.getsockname()[1])
    except OSError as e:
        results[k] = ("error %s" % e, None, None, None)


@timeout(120)
def test_cluster_one_pop3_session_per_mailbox_across_nodes():
    with Cluster() as c:
        results = [None] * 20
        threads = [threading.Thread(target=_pop3_login,
                                    args=(c, "bob", DEFAULT_USERS["bob"], results, k))
                   for k in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(deadline(60))
        replies = [r[0] for r in results]
        ok = [r for r in results if r[0].startswith("+OK")]
        in_use = [r for r in results if r[0].startswith("-ERR [IN-USE]")]
        check(len(ok) == 1 and len(in_use) == 19, "logins: %s" % replies)
        log = c.log()
        spread = {c.node_of("pop3", r[3], log) for r in results}
        check(len(spread) >= 2, "the 20 logins all went to one node: %s" % spread)
        holder = c.node_of("pop3", ok[0][3], log)
        check(holder is not None, "the holder's node is not in the log")
        for r in results:
            if r[1] is not None and r is not ok[0]:
                r[1].close()
        # the holder's node dies: its lock goes with it
        c.kill_node(holder)
        t0 = time.monotonic()
        again = [None]
        for _ in range(20):                     # until HAProxy routes to a live node
            _pop3_login(c, "bob", DEFAULT_USERS["bob"], again, 0)
            if again[0][0].startswith("+OK"):
                break
            check(not again[0][0].startswith("-ERR [IN-USE]"),
                  "the dead node's lock still held: %s" % again[0][0])
            time.sleep(0.1)
        took = time.monotonic() - t0
        check(again[0][0].startswith("+OK"), "no login after the kill: %s" % again[0][0])
        again[0][1].sendall(b"QUIT\r\n")
        again[0][1].close()
        ok[0][1].close()
        c.start_node(holder)
        print("# 20 simultaneous logins over %d nodes: 1 +OK, 19 -ERR [IN-USE]; the holder's "
              "node SIGKILLed: the next login succeeded after %.2f s" % (len(spread), took),
              flush=True)


def _stream(c, out, user="alice"):
    pw = lib.password_file(c.users[user])
    return popen([lib.seal_bin(), "--batch", "--cafile", c.certs.crt, "--user", user,
                  "--password-file", pw, "--output", out,
                  "rtsps://localhost:%d/tone.wav" % c.front["rtsp"]],
                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _status(c, i):
    r = run([sealed(), "--data-dir", c.data, "--node-name", "node%d" % (i + 1), "status"])
    check(r.returncode == 0, "status of node%d: %s" % (i + 1, tail(r.stderr)))
    return {k: int(v) for k, v in (l.split() for l in r.stdout.decode().splitlines())}


@timeout(120)
def test_cluster_rtsp_streams_spread_by_leastconn_and_a_kill_ends_only_its_own():
    with Cluster(media=True) as c:
        outs = [os.path.join(c.work, "s%d.wav" % k) for k in range(6)]
        procs = []
        for o in outs:
            procs.append(_stream(c, o))
            time.sleep(0.1)
        end = time.monotonic() + deadline(20)
        while time.monotonic() < end:
            active = [_status(c, i)["streams_active"] for i in range(3)]
            if sum(active) == 6:
                break
            time.sleep(0.1)
        check(sum(active) == 6, "streams active per node: %s" % active)
        check(max(active) - min(active) <= 1, "leastconn did not spread 6 streams: %s" % active)
        victim = active.index(max(active))
        c.kill_node(victim)
        # seal's last line says how each stream ended: an RTCP BYE at the
        # end of the WAV, or the connection closing (the node died)
        ends = [p.communicate(timeout=deadline(60))[0].decode("utf-8", "replace") for p in procs]
        bye = sum(1 for e in ends if "ended by RTCP BYE" in e)
        failed = len(ends) - bye
        check(failed == active[victim], "%d streams cut, node%d had %d: %s"
              % (failed, victim + 1, active[victim], [tail(e, 1) for e in ends]))
        c.start_node(victim)
        print("# 6 RTSP streams through HAProxy, per node %s (leastconn); node%d killed: its %d "
              "streams ended, the other %d played to the end" % (active, victim + 1, failed,
                                                                 6 - failed), flush=True)


def _holds(c, source):
    """A TLS connection through HAProxy from SOURCE that got its greeting;
    None when it was closed first."""
    try:
        s = _smtp(c, source=source, t=10)
    except (Closed, OSError, lib.ssl.SSLError):
        return None
    return s


@timeout(90)
def test_cluster_limits_count_the_real_client_address():
    with Cluster(node_args=["--max-conns-per-ip", "2"]) as c:
        mark = len(c.log())
        held = [_holds(c, "127.0.0.5") for _ in range(9)]
        got = [s for s in held if s is not None]
        check(len(got) <= 6, "%d connections from 127.0.0.5 served: the limit is 2 a node" % len(got))
        check(len(got) >= 3, "only %d connections from 127.0.0.5 served" % len(got))
        other = _holds(c, "127.0.0.6")
        check(other is not None, "127.0.0.6 refused while 127.0.0.5 is at its limit")
        log = c.log()[mark:]
        refused = re.findall(r"127\.0\.0\.5: connection via proxy 127\.0\.0\.1:\d+ refused: "
                             r"too many connections from this address", log)
        check(len(refused) == 9 - len(got), "%d refusals logged for %d refused"
              % (len(refused), 9 - len(got)))
        for s in got + [other]:
            s.close()
        # HAProxy's stick table: new connections per address, over the
        # three frontends (so across the cluster): CONN_RATE in 10 s pass
        def denied():
            return sum(int(r.get("dcon") or 0) for r in c.stat() if r["svname"] == "FRONTEND")
        before = denied()
        tries = CONN_RATE + 10
        for k in range(tries):
            port = c.front[SERVICES[k % 3]]
            try:
                sk = socket.create_connection(("127.0.0.1", port), timeout=5,
                                              source_address=("127.0.0.8", 0))
                sk.close()
            except ConnectionResetError:
                pass        # refused by the stick table before connect() returned
        end = time.monotonic() + deadline(10)
        while denied() - before < tries - CONN_RATE and time.monotonic() < end:
            time.sleep(0.05)
        rejected = denied() - before
        accepted = tries - rejected
        # (HAProxy's rate counters are exact for a fresh key; one either way
        # for a window edge)
        check(abs(rejected - (tries - CONN_RATE)) <= 1, "stick table: %d of %d denied "
              "(rate %d in 10 s)" % (rejected, tries, CONN_RATE))
        print("# behind HAProxy, --max-conns-per-ip 2 on 3 nodes: %d of 9 connections from "
              "127.0.0.5 served, the rest refused and logged as 127.0.0.5; 127.0.0.6 served; "
              "HAProxy's rate limit: %d of %d new connections from 127.0.0.8 accepted"
              % (len(got), accepted, accepted + rejected), flush=True)


_direct_seq = [0]


def _login_direct(c, i, user, password):
    """AUTH PLAIN on node I itself, with a PROXY v1 header (this test is the
    trusted 127.0.0.1) naming a fresh address each time, so that no address
    is slowed down: the reply code."""
    raw = socket.create_connection((NODE_ADDRS[i], c.node_ports["smtp"]), timeout=deadline(20))
    _direct_seq[0] += 1
    raw.sendall(b"PROXY TCP4 198.51.100.%d 192.0.2.1 40000 25\r\n" % (_direct_seq[0] % 250 + 1))
    s = client_context(c.certs.crt).wrap_socket(raw, server_hostname="localhost")
    f = s.makefile("rb")
    try:
        f.readline()
        s.sendall(b"EHLO t\r\nAUTH PLAIN " + lib.plain_blob(user, password).encode() + b"\r\n")
        line = f.readline()
        while line[3:4] == b"-" or line.startswith(b"250"):
            line = f.readline()
        return int(line[:3])
    finally:
        s.close()


@timeout(120)
def test_cluster_every_node_sees_admin_changes_to_users():
    with Cluster() as c:
        def codes(user, pw):
            return [_login_direct(c, i, user, pw) for i in range(3)]
        check(codes("carol", "carol-Secret-1") == [535] * 3, "carol before useradd")
        r = lib.useradd(c.data, "carol", "carol-Secret-1")
        check(r.returncode == 0, "useradd: %s" % tail(r.stderr))
        check(codes("carol", "carol-Secret-1") == [235] * 3, "carol after useradd")
        r = run([sealed(), "--data-dir", c.data, "passwd", "carol"], input="carol-Secret-2\n")
        check(r.returncode == 0, "passwd: %s" % tail(r.stderr))
        check(codes("carol", "carol-Secret-2") == [235] * 3, "new password after passwd")
        check(codes("carol", "carol-Secret-1") == [535] * 3, "old password after passwd")
        r = run([sealed(), "--data-dir", c.data, "userdel", "carol"])
        check(r.returncode == 0, "userdel: %s" % tail(r.stderr))
        check(codes("carol", "carol-Secret-2") == [535] * 3, "carol after userdel")
