"""checks_session.py: the grader's checks 5 to 8, on sessions: login (and,
for a STARTTLS server, nothing of it before STARTTLS), the wire (a capture
of one session), many clients at once, and mutual TLS. fn(step, lab) as in
checks_tls.
"""

import base64
import re
import secrets
import signal
import socket

from harness import b64, plain_blob
from lab import Skip
from tlskit import capture, load
import certs
from checks_tls import dialogue, fetch_certificate, need_verified, trust

LOGIN_ERROR = {"smtps": "535", "smtp": "535", "pop3s": "-ERR", "rtsps": "401"}
PLAIN_REFUSALS = (530, 538, 502, 503, 504)     # AUTH refused before STARTTLS, unread
HOLD_S = 0.5            # seal-load idle: how long the sessions stay open together
IP_UNMATCHABLE = "cannot match IP address"     # seal-load linked with Debian's wolfSSL


def _creds(lab):
    t = lab.target
    return (t.user, t.password_file) if t.user and t.password_file else (None, None)


def _before_starttls(step, lab):
    """smtp://: EHLO in clear offers STARTTLS and not AUTH; AUTH before
    STARTTLS is refused unread (530 and its kin), not answered 535 or 334."""
    r = step.run(dialogue(lab, "plain"), timeout=30)
    m = re.search(r"^\* before STARTTLS: EHLO offers (.*); AUTH got (-?\d+)$", r.stdout, re.M)
    if not step.check(r.returncode == 0 and m, "a plain-text SMTP dialogue: EHLO, then AUTH",
                      "exit %d: %s" % (r.returncode, r.stderr.strip()[-160:])):
        return ["the plain-text SMTP dialogue failed"]
    words, code = m.group(1).split(), int(m.group(2))
    bad = []
    if not step.check("STARTTLS" in words, "EHLO in clear offers STARTTLS",
                      "it offers %s" % " ".join(words)):
        bad.append("EHLO does not offer STARTTLS")
    if not step.check("AUTH" not in words, "EHLO in clear does not offer AUTH",
                      "it offers AUTH before STARTTLS"):
        bad.append("EHLO offers AUTH before STARTTLS")
    if not step.check(code in PLAIN_REFUSALS, "AUTH before STARTTLS is refused unread (%d)"
                      % code, "it got %d: the server %s" % (
                          code, "read the credentials sent in clear"
                          if code in (235, 535, 334) else "did not refuse it with 530")):
        bad.append("AUTH before STARTTLS gets %d, not 530%s" % (
            code, ": the server reads credentials sent in clear" if code in (235, 535, 334)
            else ""))
    return bad


def login(step, lab):
    """5. The right password logs in, a wrong one gets the protocol's error;
    smtp://: no AUTH before STARTTLS; tls://: the --send/--expect exchange."""
    t = lab.target
    user, pwfile = _creds(lab)
    if t.scheme == "tls":
        if not (lab.opts.send and lab.opts.expect):
            raise Skip("tls:// names no login protocol; --send LINE --expect REGEX gives an "
                       "exchange to check instead")
        need_verified(step, lab)
        r = step.run(dialogue(lab, "exchange", "--cafile", trust(step, lab), "--send",
                              lab.opts.send, "--expect", lab.opts.expect), timeout=30)
        step.check(r.returncode == 0, "sent %r, the answer matches %s"
                   % (lab.opts.send, lab.opts.expect),
                   "exit %d: %s" % (r.returncode, r.stderr.strip()[-160:]))
        step.summary = "sent %r, the answer matched" % lab.opts.send if r.returncode == 0 \
            else "no answer to %r matched %s" % (lab.opts.send, lab.opts.expect)
        return
    bad = _before_starttls(step, lab) if t.scheme == "smtp" else []
    if t.scheme == "smtp" and (not user or not lab.done.get("verified", True)):
        step.note("no credentials given: the right and the wrong password are not tried"
                  if not user else "the client refuses the server's certificate (check 4): "
                  "no login tried")
        step.summary = "; ".join(bad) or "nothing of AUTH before STARTTLS; no login tried"
        return
    if not user:
        raise Skip("no credentials given (--user and --password-file; USER= PASSWORD_FILE=)")
    need_verified(step, lab)
    anchor = trust(step, lab)
    wrong = lab.password_file(lab.password("Wrong"))
    results = []
    for pw, right in ((pwfile, True), (wrong, False)):
        if t.scheme in ("smtps", "pop3s"):
            cert = ["--cert", t.client_cert, "--key", t.client_key] if t.client_cert else []
            r = step.run([lab.seal, "--batch", "--cafile", anchor, "--user", user,
                          "--password-file", pw] + cert + [t.url], input="QUIT\n",
                         show=r"AUTH|PASS|^S: (235|535|\+OK|-ERR)|USER")
            said = r.stdout
        else:
            r = step.run(dialogue(lab, "login", "--cafile", anchor, "--user", user,
                                  "--password-file", pw), timeout=30,
                         show=r"^C: (STARTTLS|AUTH|DESCRIBE|Authorization)|"
                              r"^S: (235|535|RTSP/)|^\* ")
            said = r.stdout
        err = LOGIN_ERROR[t.scheme]
        if right:
            ok = step.check(r.returncode == 0, "the right password logs %s in" % user,
                            "exit %d: %s" % (r.returncode, r.stderr.strip()[-160:]))
        else:
            refused = r.returncode == 5 and (err in said if t.scheme != "rtsps"
                                             else re.search(r"RTSP/\S+ 401", said))
            ok = step.check(refused, "a wrong password is refused with %s" % err,
                            "exit %d%s" % (r.returncode, ": it logged in" if r.returncode == 0
                                           else ", " + r.stderr.strip()[-160:]))
        results.append(ok)
    if not results[0]:
        bad.append("the right password is refused")
    if not results[1]:
        bad.append("a wrong password logs in" if r.returncode == 0
                   else "a wrong password does not get %s" % LOGIN_ERROR[t.scheme])
    step.summary = "; ".join(bad) or "%sright password accepted, wrong one refused with %s" % (
        "nothing of AUTH before STARTTLS; " if t.scheme == "smtp" else "",
        LOGIN_ERROR[t.scheme])


def _wire_session(step, lab, marker):
    """One session under the capture; returns its needles: (what, text)."""
    t = lab.target
    user, pwfile = _creds(lab)
    if user:
        pw = open(pwfile).readline().rstrip("\r\n")
        step.note("the session logs in as %s with the password given" % user)
    else:
        user = "grader-wire"
        pw = lab.password("Wire")
        pwfile = lab.password_file(pw)
        step.note("no credentials given: the session sends a made-up user and password "
                  "(refused, but on the wire all the same)")
    r = step.run(dialogue(lab, "session", "--user", user, "--password-file", pwfile,
                          "--marker", marker) + (["--send", lab.opts.send]
                                                 if lab.opts.send else []),
                 timeout=30, show=r"^C: |^\* TLS", limit=10)
    if not step.check(r.returncode == 0, "one session: TLS, the login, a command holding "
                      "the marker", "exit %d: %s" % (r.returncode, r.stderr.strip()[-160:])):
        lab.done["wire_session"] = "the session under the capture failed: %s" % (
            r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
    needles = [("the password", pw), ("the password in base64", b64(pw)),
               ("the marker", marker)]
    if t.scheme in ("smtp", "smtps"):
        needles.insert(2, ("the AUTH PLAIN blob", plain_blob(user, pw)))
    elif t.scheme == "rtsps":
        needles.insert(2, ("the Basic credentials",
                           base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()))
    return needles


def wire(step, lab):
    """6. A capture of one session: the handshake, then only Application
    Data; the password and a marker never in clear."""
    t = lab.target
    iface = capture.interface_for(lab, t.host)
    if iface is None:
        raise Skip("cannot tell which interface reaches %s (ip route get)" % t.host)
    try:
        addr = "127.0.0.1" if t.host == "localhost" else \
            socket.getaddrinfo(t.host, t.port, proto=socket.IPPROTO_TCP)[0][4][0]
    except OSError as e:
        raise Skip("cannot resolve %s: %s" % (t.host, e))
    cap = lab.path("wire", "capture.pcapng")
    marker = "grader-marker-" + secrets.token_hex(6)
    tshark = capture.start(step, lab, t.port, cap, iface=iface, host=addr)
    try:
        needles = _wire_session(step, lab, marker)
        capture.flush(lab, tshark, cap)         # the last packets reach the file
    finally:
        lab.stop(tshark, signal.SIGTERM, 10)
    before = len(step.failures)
    n = capture.records(step, lab, cap, t.port, decode="smtp" if t.scheme == "smtp" else "tls")
    records_ok = len(step.failures) == before
    found = capture.search(step, cap, needles)
    bad = ([lab.done["wire_session"]] if "wire_session" in lab.done else []) + \
        (["the capture holds more than a handshake and Application Data"]
         if not records_ok else []) + \
        (["in clear on the wire: %s" % ", ".join(found)] if found else [])
    step.summary = "; ".join(bad) or "handshake%s, then %d Application Data records; " \
        "password and marker not in clear" % (" after STARTTLS" if t.scheme == "smtp" else "", n)


def _cert_name(step, lab):
    """A DNS name the server's certificate carries (its first DNS
    subjectAltName, else its CN), or None."""
    info = lab.done.get("cert") or certs.read(lab, fetch_certificate(step, lab))
    dns = [san[4:] for san in (info or {}).get("sans", []) if san.startswith("DNS:")]
    return dns[0] if dns else (info or {}).get("cn")


def _load_run(step, lab, args, n, what):
    """One load run: its summary shown, one check that all N succeeded
    (and were held together, when the run holds them). The summary. A
    seal-load linked with a wolfSSL that cannot match an IP address
    (Debian's) is told the certificate's DNS name instead: check 3 has
    matched the address."""
    r = step.run(args, timeout=120, show=lambda l: not l.startswith("{"))
    if IP_UNMATCHABLE in r.out and lab.target.ip_host and _cert_name(step, lab):
        name = _cert_name(step, lab)
        step.note("this seal-load cannot match an IP address: it checks the name %s that the "
                  "certificate carries instead (check 3 matches the address)" % name)
        r = step.run(args[:-1] + ["--expect-cn", name, args[-1]], timeout=120,
                     show=lambda l: not l.startswith("{"))
    res = load.last_json(r.stdout)
    if res is None:
        step.check(False, "the load run prints its summary", r.out.strip()[-200:])
        return None
    step.evidence(load.summary_lines(res) + (["held at once: %s" % res["held"]]
                                             if "held" in res else []))
    step.check(res.get("ok") == n and res.get("failed") == 0 and res.get("held", n) == n,
               "%d %s at once: all succeeded%s" % (n, what, ", held together"
                                                   if "held" in res else ""),
               "%s ok, %s failed, %s held; first errors %s" % (
                   res.get("ok"), res.get("failed"), res.get("held", "-"),
                   res.get("first_errors")))
    return res


def many_clients(step, lab):
    """7. N sessions at once: how many succeeded, the rate and the 99th
    percentile (seal-load handshake: connect, verified handshake, close);
    for a protocol that greets, seal-load idle also holds N sessions open
    together, each greeted; for STARTTLS, Python threads do both."""
    t = lab.target
    n = lab.opts.clients
    if t.client_cert and t.scheme != "smtp":
        raise Skip("seal-load has no client-certificate option, and this server wants one")
    need_verified(step, lab)
    anchor = trust(step, lab)
    if t.scheme == "smtp":
        step.note("seal-load speaks implicit TLS only: %d Python threads open STARTTLS "
                  "sessions at once instead (each verified, held until all are in)" % n)
        res = _load_run(step, lab, dialogue(lab, "load", "-c", str(n), "--json", "--cafile",
                                            anchor), n, "STARTTLS sessions")
    else:
        res = _load_run(step, lab, [lab.seal_load, "handshake", "-c", str(n), "-n", str(n),
                                    "--json", "--cafile", anchor, t.seal_url], n, "handshakes")
        if t.scheme in ("smtps", "pop3s"):
            _load_run(step, lab, [lab.seal_load, "idle", "-c", str(n), "-d", str(HOLD_S), "--json",
                             "--cafile", anchor, t.url], n, "greeted sessions")
    if res is None:
        return
    lat = res.get("latency_ms", {})
    step.check("rate_per_s" in res and "p99" in lat,
               "rate %.1f sessions/s, p99 %.1f ms" % (res.get("rate_per_s", 0),
                                                      lat.get("p99", 0)))
    step.summary = "%s/%d ok, %.0f sessions/s, p99 %.1f ms" % (
        res.get("ok"), n, res.get("rate_per_s", 0), lat.get("p99", 0))
    if step.failures:
        step.summary = "not all %d sessions at once succeeded: %s" % (n, step.failures[0])


def mutual_tls(step, lab):
    """8. With a client certificate given: refused without one, let in with it."""
    t = lab.target
    if not t.client_cert:
        raise Skip("no client certificate given (--client-cert/--client-key): the server "
                   "is not said to require one")
    r = step.run(dialogue(lab, "mtls", client_cert=False) + (["--send", lab.opts.send] if lab.opts.send
                                              else []), timeout=30)
    refused = step.check(r.returncode == 3, "without a client certificate: refused",
                         "exit %d: the server let the client in" % r.returncode
                         if r.returncode == 0 else "exit %d: %s"
                         % (r.returncode, r.stderr.strip()[-160:]))
    r = step.run(dialogue(lab, "mtls") + (["--send", lab.opts.send] if lab.opts.send
                                          else []), timeout=30)
    let_in = step.check(r.returncode == 0, "with the client certificate %s: let in"
                        % lab.shown(t.client_cert),
                        "exit %d: %s" % (r.returncode, r.stderr.strip()[-160:]))
    bad = (["a client without a certificate is let in"] if not refused else []) + \
        (["a client with the certificate is refused"] if not let_in else [])
    step.summary = "; ".join(bad) or "refused without a client certificate, let in with it"
