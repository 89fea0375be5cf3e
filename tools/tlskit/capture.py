"""tlskit/capture.py: a tshark capture of one TCP port, started before the
session it must see (a canary proves it is live), the TLS records it holds
in order, and a search of the raw file for what must never be in clear.
Skip when tshark cannot capture here (not installed, no right to capture).
"""

import re
import secrets
import shutil
import socket
import subprocess
import time

from harness import read_text
from lab import Abort, Skip


def start(step, lab, port, path, iface="lo", host="127.0.0.1"):
    """A capture on IFACE of PORT, in the background: dumpcap (tshark's own
    capture engine, which starts in milliseconds where tshark takes a
    second), else tshark. It says 'Capturing on' a moment before packets
    reach the file, so the capture also takes a UDP port nobody uses, and
    counts as live once a canary datagram sent there (to HOST, so that it
    crosses IFACE) is in the file (the TLS views never show it). Returns
    the Popen; Skip when it cannot capture."""
    if not shutil.which("tshark"):
        raise Skip("tshark is not installed (make deps installs it: apt-get install tshark)")
    tool = "dumpcap" if shutil.which("dumpcap") else "tshark"
    err_path = lab.path("wire", "tshark.stderr")
    canary_port = free_udp_port()
    args = [tool, "-i", iface, "-f", "tcp port %d or udp port %d" % (port, canary_port),
            "-w", path]
    step.command(lab.shown_cmd(args) + " &")
    with open(err_path, "wb") as err:
        p = lab.spawn(args, stdout=subprocess.DEVNULL, stderr=err)
    canary = ("capture-canary-%s" % secrets.token_hex(6)).encode()
    end = time.monotonic() + lab.deadline(20)
    sent = 0.0
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as udp:
        while canary not in read_bytes(path):
            if p.poll() is not None:
                raise Skip("%s cannot capture on %s here: %s"
                           % (tool, iface, _why(read_text(err_path), tool, p.returncode)))
            if time.monotonic() > end:
                lab.stop(p)
                raise Abort("%s did not start capturing within 20 s" % tool)
            if "Capturing on" in read_text(err_path) and time.monotonic() - sent > 0.1:
                udp.sendto(canary, (host, canary_port))
                sent = time.monotonic()
            time.sleep(0.02)
    step.evidence([l for l in read_text(err_path).splitlines() if "Capturing on" in l] +
                  ["(live: a canary datagram to udp port %d is in the file)" % canary_port])
    p.canary = (host, canary_port)
    return p


def flush(lab, p, path):
    """Waits until the capture P has written all it saw so far: a last
    canary datagram, sent now, is in PATH (at most 5 s)."""
    canary = ("capture-canary-%s" % secrets.token_hex(6)).encode()
    family = socket.AF_INET6 if ":" in p.canary[0] else socket.AF_INET
    end = time.monotonic() + lab.deadline(5)
    with socket.socket(family, socket.SOCK_DGRAM) as udp:
        udp.sendto(canary, p.canary)
        while canary not in read_bytes(path) and time.monotonic() < end and p.poll() is None:
            time.sleep(0.02)


def _why(err, tool, code):
    """The line of TOOL's stderr that says why it stopped: its first own
    error line (with the system's reason, in brackets on the next line),
    else its last line."""
    lines = [l.strip() for l in err.splitlines() if l.strip()]
    for i, l in enumerate(lines):
        if l.startswith(tool + ":"):
            more = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].startswith("(") else ""
            return (l[len(tool) + 1:].strip() + " " + more).strip()
    return lines[-1] if lines else "exit %s" % code


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def tshark_read(cap, port, *opts, decode="tls"):
    """tshark reading CAP with PORT decoded as DECODE (tls; smtp for a
    STARTTLS session, whose dissector hands over to TLS at STARTTLS)."""
    return ["tshark", "-r", cap, "-d", "tcp.port==%d,%s" % (port, decode)] + list(opts)


def records(step, lab, cap, port, decode="tls"):
    """The TLS records in order, each way: the handshake first, then only
    Application Data. Two checks; returns the number of Application Data
    records."""
    def fmt(line):
        f = line.split("\t")
        if len(f) < 5:
            return line
        way = "client -> server" if f[1] != str(port) else "server -> client"
        return "frame %-4s %s  %s" % (f[0], way, f[4])

    r = step.run(tshark_read(cap, port, "-Y", "tls", "-T", "fields", "-e", "frame.number",
                             "-e", "tcp.srcport", "-e", "tls.record.content_type",
                             "-e", "tls.record.opaque_type", "-e", "_ws.col.Info",
                             decode=decode),
                 show=lambda l: "\t" in l, fmt=fmt, limit=8)
    seqs, hs = {"client": [], "server": []}, set()
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 5:
            continue
        side = "server" if f[1] == str(port) else "client"
        seqs[side] += [int(t) for t in (f[2].split(",") + f[3].split(","))
                       if t.strip().isdigit()]
        hs.update(n for n in ("Client Hello", "Server Hello") if n in f[4])
    before, after = [], []
    for types in seqs.values():             # each direction: handshake, then data
        first = types.index(23) if 23 in types else len(types)
        before += types[:first]
        after += types[first:]
    step.check(hs == {"Client Hello", "Server Hello"} and set(before) <= {20, 22},
               "first the handshake records in clear: Client Hello, Server Hello "
               "(TLS 1.3 encrypts the rest of the handshake)",
               "records before the first Application Data: %s" % before)
    step.check(after and set(after) == {23},
               "then, each way, only Application Data: %d records, nothing else" % len(after),
               "record types after the handshake: %s" % sorted(set(after)))
    return len(after)


def search(step, cap, needles):
    """grep on the raw capture file for each (what, text) of NEEDLES: one
    check each, which holds when grep finds nothing."""
    found = []
    for what, needle in needles:
        r = step.run(["grep", "-c", "-a", "-F", "--", needle, cap])
        ok = step.check(r.returncode == 1 and r.stdout.strip() == "0",
                        "not in the raw capture: %s" % what,
                        "grep found it %s time(s)" % r.stdout.strip())
        if not ok:
            found.append(what)
    return found


def interface_for(lab, host):
    """The interface packets to HOST leave by: lo for a loopback address,
    else what `ip route get` says (None when it cannot tell)."""
    if host in ("localhost",) or re.match(r"^(127\.|::1$)", host):
        return "lo"
    r = lab.run(["ip", "-o", "route", "get", host], timeout=10)
    m = re.search(r"\bdev (\S+)", r.stdout)
    return m.group(1) if r.returncode == 0 and m else None
