"""Steps 8 and 9: many clients at once (seal-load and the server's own
counters) and mutual TLS (refused without a client certificate, accepted
with one, named in the log)."""

import os
import re
import subprocess
import time

import certs
from tlskit.load import last_json as _json, summary_lines

CLIENTS = 100           # concurrent clients, one SMTP session each
HOLD_S = 2              # how long the idle clients stay connected at once
COUNTERS = ("conns_total", "handshakes_full", "handshakes_resumed", "logins_ok",
            "messages_delivered")


def many_clients(step, lab):
    """8. seal-load: 100 concurrent SMTP sessions; sealed status confirms the
    count; the rate and p99 are shown."""
    server = lab.server()
    _, pwfile = lab.user(server, "ada")
    new = os.path.join(server.data, "mail", "ada", "new")
    mails_before = _count(new)
    before = server.status()
    if not before:
        step.check(False, "sealed status answers", "no counters from %s" % server.data)
        return
    r = step.run([lab.seal_load, "smtp", "-c", str(CLIENTS), "-n", str(CLIENTS), "--json",
                  "--cafile", lab.cafile, "--user", "ada", "--password-file", pwfile,
                  "--rcpt", "ada@localhost", server.url()],
                 show=lambda l: not l.startswith("{"), timeout=120)
    res = _json(r.stdout)
    if res is None:
        step.check(False, "seal-load prints its summary", r.out.strip()[-200:])
        return
    lat = res.get("latency_ms", {})
    step.evidence(summary_lines(res))
    step.check(r.returncode == 0 and res.get("ok") == CLIENTS and res.get("failed") == 0
               and res.get("clients") == CLIENTS,
               "%d concurrent clients, %d SMTP sessions (TLS, AUTH, MAIL, RCPT, DATA, QUIT): "
               "all succeeded" % (CLIENTS, CLIENTS),
               "exit %d, ok %s, failed %s, first errors %s" % (
                   r.returncode, res.get("ok"), res.get("failed"), res.get("first_errors")))
    step.check("rate_per_s" in res and "p99" in lat,
               "rate %.1f sessions/s, p99 latency %.1f ms"
               % (res.get("rate_per_s", 0), lat.get("p99", 0)))
    r = step.run([lab.sealed, "--data-dir", server.data, "status"],
                 show=r"^(%s) " % "|".join(COUNTERS))
    after = _status(r.stdout)
    d = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    step.evidence(["since before the run: " + ", ".join(
        "%s %d -> %d (+%d)" % (k, before.get(k, 0), after.get(k, 0), d.get(k, 0))
        for k in COUNTERS if k in after)])
    step.check(d.get("conns_total") == CLIENTS and
               d.get("handshakes_full", 0) + d.get("handshakes_resumed", 0) == CLIENTS,
               "the server counted %d more connections and handshakes" % CLIENTS,
               "conns_total +%s, handshakes +%s" % (d.get("conns_total"),
                                                    d.get("handshakes_full", 0)
                                                    + d.get("handshakes_resumed", 0)))
    step.check(d.get("logins_ok") == CLIENTS and d.get("messages_delivered") == CLIENTS
               and _count(new) - mails_before == CLIENTS,
               "... %d more logins and %d more messages delivered; ada's Maildir new/ holds "
               "%d more files" % (CLIENTS, CLIENTS, CLIENTS),
               "logins_ok +%s, messages_delivered +%s, files +%d" % (
                   d.get("logins_ok"), d.get("messages_delivered"), _count(new) - mails_before))
    held = _hold_at_once(step, lab, server)
    step.summary = "%s/%d sessions ok, %.0f sessions/s, p99 %.1f ms; counters +%s; %s held " \
                   "at once" % (res.get("ok"), CLIENTS, res.get("rate_per_s", 0),
                                lat.get("p99", 0), d.get("conns_total"), held)


def _hold_at_once(step, lab, server):
    """seal-load idle keeps CLIENTS sessions open together while sealed status
    is asked: conns_open shows them all at the same time."""
    args = [lab.seal_load, "idle", "-c", str(CLIENTS), "-d", str(HOLD_S), "--json",
            "--cafile", lab.cafile, server.url()]
    step.command(lab.shown_cmd(args) + " &")
    out = lab.path("idle", "stdout")
    with open(out, "wb") as f:
        p = lab.spawn(args, stdout=f, stderr=f)
    best, seen = 0, ""
    end = time.monotonic() + lab.deadline(30)
    while p.poll() is None and time.monotonic() < end:
        r = lab.run([lab.sealed, "--data-dir", server.data, "status"], timeout=10)
        n = _status(r.stdout).get("conns_open", 0)
        if n > best:
            best = n
            seen = [l for l in r.stdout.splitlines() if l.startswith("conns_open")]
        if best >= CLIENTS:
            break
        time.sleep(0.1)
    step.command(lab.shown_cmd([lab.sealed, "--data-dir", server.data, "status"])
              + "   # while they are connected")
    step.evidence(seen or ["conns_open never above 0"])
    try:
        p.wait(lab.deadline(HOLD_S + 60))
    except subprocess.TimeoutExpired:
        pass                    # stopped below
    code = lab.stop(p)
    res = _json(open(out, "rb").read().decode("utf-8", "replace")) or {}
    step.evidence(["seal-load idle: %s held, exit %s" % (res.get("held"), code)])
    step.check(best >= CLIENTS and code == 0 and res.get("held") == CLIENTS,
               "%d sessions open at the same moment: the server's conns_open counter says %d"
               % (CLIENTS, best), "conns_open peaked at %d, seal-load exit %s" % (best, code))
    return best


def _count(d):
    try:
        return len(os.listdir(d))
    except FileNotFoundError:
        return 0


def _status(text):
    return {p[0]: int(p[1]) for p in (l.split() for l in text.splitlines())
            if len(p) == 2 and p[1].isdigit()}


def _client_pair(lab):
    """The client certificate: --client-cert/--client-key, else the pair that
    `make certs` writes beside the server certificate, else a fresh one."""
    if lab.client_pair:
        return lab.client_pair, "given"
    d = os.path.dirname(lab.cert)
    crt, key = os.path.join(d, "client.crt"), os.path.join(d, "client.key")
    if os.path.isfile(crt) and os.path.isfile(key):
        return (crt, key), "from make certs"
    return certs.make_client(lab, lab.dir("client-cert")), "made for this walkthrough"


def mutual_tls(step, lab):
    """9. With --require-client-cert: refused without a client certificate
    (seal exits 3), accepted with one, and the log names its subject."""
    (crt, key), origin = _client_pair(lab)
    info = certs.read(lab, crt)
    subject = info["subject"] if info else "?"
    m = lab.start_server("mutual-tls", args=["--client-ca", crt, "--require-client-cert"])
    step.note("a server started with --client-ca %s --require-client-cert (the client "
              "certificate %s, subject %s)" % (lab.shown(crt), origin, subject))
    base = [lab.seal, "--batch", "--cafile", lab.cafile]
    r = step.run(base + [m.url()], input="QUIT\n")
    step.check(r.returncode == 3 and "handshake" in r.stderr,
               "without a client certificate: the handshake is refused, seal exits 3",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))
    impostor, _ = certs.make_client(lab, lab.dir("impostor-client"))
    r = step.run(base + ["--cert", impostor, "--key", impostor[:-3] + "key", m.url()],
                 input="QUIT\n")
    step.check(r.returncode == 3,
               "with a client certificate the server does not trust: refused too (exit 3)",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))
    r = step.run(base + ["--cert", crt, "--key", key, m.url()], input="QUIT\n")
    step.check(r.returncode == 0 and "S: 220" in r.stdout and "S: 221" in r.stdout,
               "with the trusted client certificate: greeted (220), QUIT (221), exit 0",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))
    r = step.run(["grep", "-E", "client-cert|handshake failed|certificate", m.log_path])
    cn = info["cn"] if info else None
    named = [l for l in m.log().splitlines()
             if "client-cert=" in l and cn and re.search(r"CN ?= ?%s\b" % re.escape(cn), l)]
    step.check(named, "the log names the client certificate: %s"
               % (named[0].split(" * ", 1)[-1] if named else ""),
               "no line with client-cert= and CN=%s" % cn)
    refused = [l for l in m.log().splitlines() if "handshake failed" in l]
    step.check(len(refused) >= 2, "the log records both refused handshakes, with the reason",
               "%d refusal lines" % len(refused))
    m.stop()
    step.summary = "no certificate: refused (exit 3); untrusted one: refused; %s: accepted " \
                   "and logged" % subject
