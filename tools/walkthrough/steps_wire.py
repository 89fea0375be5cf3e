"""Step 10: the wire. tshark captures one SMTP session on the server's
loopback port; the capture holds the TLS handshake and then only Application
Data; the password, its base64 forms and a marker from the message body are
searched in the raw capture and not found; then the same capture, decrypted
with the session's key log, shows the SMTP commands and the marker."""

import os
import re
import secrets
import shutil
import signal
import time

from harness import b64, free_port, plain_blob
from lab import Skip
from tlskit import capture
from tlskit.capture import start as _start_capture, records as _records, \
    tshark_read as _tshark_read

NEEDS_CALLBACK = "HAVE_SECRET_CALLBACK"
COMMANDS = ("EHLO", "AUTH", "MAIL FROM", "RCPT TO", "DATA", "QUIT")


def _seal_keylogs(lab):
    """True when this seal writes key logs: the probe asks for one against a
    closed port; a seal built without the secret callback refuses at once."""
    r = lab.run([lab.seal, "--batch", "--keylog", lab.path("wire", "probe.keys"),
                 "--cafile", lab.cafile, "smtps://localhost:%d" % free_port()], input="")
    return not (r.returncode == 2 and NEEDS_CALLBACK in r.stderr)


def _session(step, lab, server, pw, pwfile, keys, marker):
    """One SMTP session (login, a message with MARKER in its body) that
    writes its TLS secrets to KEYS: seal --keylog, or openssl s_client
    -keylogfile when this seal's wolfSSL has no key-log callback."""
    body = ["Subject: the wire", "", "The body marker is %s." % marker, "."]
    head = ["MAIL FROM:<ada@localhost>", "RCPT TO:<ada@localhost>", "DATA"]
    if _seal_keylogs(lab):
        return _with(False, step.run([lab.seal, "--batch", "--keylog", keys, "--cafile", lab.cafile,
                         "--user", "ada", "--password-file", pwfile, server.url()],
                        input="\n".join(head + body + ["QUIT"]) + "\n",
                        show=r"^C: (AUTH|MAIL|RCPT|DATA|QUIT)|^S: (235|250 2\.0|221)"))
    step.note("this seal is linked with a wolfSSL without the key-log callback (%s): "
              "openssl s_client drives the session and writes its key log instead"
              % NEEDS_CALLBACK)
    blob = plain_blob("ada", pw)
    lines = ["EHLO walkthrough", "AUTH PLAIN " + blob] + head + body + ["QUIT"]
    shown = "\r\n".join(["EHLO walkthrough", "AUTH PLAIN <ada, her password>"] + head + body
                        + ["QUIT"]) + "\r\n"
    return _with(True, step.run(["openssl", "s_client", "-quiet", "-ign_eof", "-connect",
                     "127.0.0.1:%d" % server.port, "-servername", "localhost",
                     "-CAfile", lab.cafile, "-verify_return_error", "-keylogfile", keys],
                    input="\r\n".join(lines) + "\r\n", shown_input=shown,
                    show=r"^(235|250 2\.0|221)"))


def _with(pipelined, r):
    """(R, PIPELINED): openssl sends the whole dialogue at once, before the
    greeting, which tshark's SMTP dissector does not split into commands."""
    return r, pipelined


def wire(step, lab):
    """10. tshark: handshake then only Application Data; no password or
    marker in the raw capture; decrypted with the key log, the commands."""
    if not shutil.which("tshark"):
        raise Skip("tshark is not installed (make deps installs it: apt-get install tshark)")
    server = lab.server()
    pw, pwfile = lab.user(server, "ada")
    port = server.port
    cap, keys = lab.path("wire", "capture.pcapng"), lab.path("wire", "session.keys")
    marker = "wire-marker-" + secrets.token_hex(6)
    tshark = _start_capture(step, lab, port, cap)
    try:
        r, pipelined = _session(step, lab, server, pw, pwfile, keys, marker)
        sent = r.returncode == 0 and re.search(r"250 2\.0\.0", r.stdout)
        step.check(sent, "one SMTP session: ada logs in and sends a message whose body holds "
                   "the marker %s" % marker, "exit %d: %s" % (r.returncode, r.out[-160:]))
        time.sleep(0.5)                         # the last packets reach the file
    finally:
        lab.stop(tshark, signal.SIGTERM, 10)
    step.note("tshark stopped by its pid (%d); the capture is %d bytes"
              % (tshark.pid, os.path.getsize(cap) if os.path.exists(cap) else 0))
    _records(step, lab, cap, port)
    _raw_search(step, lab, cap, pw, marker)
    _decrypted(step, lab, cap, keys, port, pw, marker, pipelined)
    step.summary = "handshake then only Application Data; password and marker not in the " \
                   "raw capture; decrypted with the key log: %s" % (
                       "the SMTP commands and the marker" if not step.failures else "see checks")


def _raw_search(step, lab, cap, pw, marker):
    """grep on the raw capture file for each secret and for the marker."""
    capture.search(step, cap, [
        ("ada's password", pw), ("the password in base64 (AUTH LOGIN)", b64(pw)),
        ("the AUTH PLAIN blob", plain_blob("ada", pw)), ("the body marker", marker),
        ("the command text MAIL FROM", "MAIL FROM")])


def _decrypted(step, lab, cap, keys, port, pw, marker, pipelined):
    """The same capture with the key log: the SMTP commands, the marker, and
    the AUTH PLAIN blob that carries the password."""
    blob = plain_blob("ada", pw)
    mask = lambda l: l.replace(blob, blob[:8] + "...")
    r = step.run(["cut", "-d", " ", "-f", "1", keys])
    step.check(r.returncode == 0 and re.search(r"TRAFFIC_SECRET|CLIENT_RANDOM", r.stdout),
               "the session's key log holds its secrets (one line per secret, NSS format)",
               r.out.strip()[-120:] or "empty")
    keylog = ["-o", "tls.keylog_file:" + keys]
    seen = []
    if not pipelined:
        r = step.run(_tshark_read(cap, port, *keylog, "-d", "tls.port==%d,smtp" % port,
                                  "-Y", "smtp", "-T", "fields", "-e", "_ws.col.Info"),
                     show=r"^C: ", fmt=mask, limit=10)
        seen += [l[3:] for l in r.stdout.splitlines() if l.startswith("C: ")]
    r = step.run(_tshark_read(cap, port, *keylog, "-q", "-z", "follow,tls,ascii,0"),
                 show=r"^AUTH PLAIN|marker" if seen else r"^(EHLO|AUTH|MAIL|RCPT|DATA|QUIT)|marker",
                 fmt=mask, limit=10)
    seen += r.stdout.splitlines()
    missing = [c for c in COMMANDS if not any(l.upper().startswith(c) for l in seen)]
    step.check(not missing, "decrypted with the key log, the capture shows the SMTP commands: "
               + ", ".join(COMMANDS), "missing: %s" % ", ".join(missing))
    step.check(marker in r.stdout and blob in r.stdout,
               "... and the message text with the marker, and the AUTH PLAIN blob that holds "
               "the password: the content was there, encrypted",
               "marker %s, blob %s" % ("found" if marker in r.stdout else "not found",
                                       "found" if blob in r.stdout else "not found"))
