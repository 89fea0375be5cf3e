"""Start-up errors: a port in use, a certificate that does not match its key,
a missing certificate and a bad flag each give one line on stderr and a
non-zero exit; the demo certificate script behaves as the contract says."""

import os
import re
import socket
import stat
import subprocess

from lib import (MKCERTS, TestFailure, check, deadline, default_certs, free_port, library,
                 make_certs, openssl, popen, run, sealed, stop_proc, tail, tmpdir)


def _start_fails(args, what):
    d = tmpdir("startup")
    c = default_certs()
    cmd = [sealed(), "--pop3-port", "0", "--rtsp-port", "0", "--data-dir", d,
           "--cert", c.crt, "--key", c.key] + args
    r = run(cmd, timeout=20)
    err = r.stderr.decode("utf-8", "replace")
    lines = [l for l in err.splitlines() if l.strip()]
    check(r.returncode != 0, "%s: sealed exit 0" % what)
    check(len(lines) == 1, "%s: want one line on stderr, got %d: %s"
          % (what, len(lines), tail(err, 4)))
    return lines[0]


def test_port_in_use_one_line_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        line = _start_fails(["--smtp-port", str(port)], "port in use")
    check(str(port) in line or "in use" in line.lower(), "reason does not name the port: %r" % line)


def _exits(cmd, what, secs=5):
    """Runs CMD, which must exit by itself (non-zero, one stderr line) within
    SECS; a server that starts serving instead is stopped and fails the test."""
    err_path = os.path.join(tmpdir("startup"), "stderr")
    with open(err_path, "wb") as err:
        p = popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    try:
        p.wait(deadline(secs))
    except subprocess.TimeoutExpired:
        stop_proc(p)
        raise TestFailure("%s: sealed started serving instead of refusing" % what)
    lines = [l for l in open(err_path, errors="replace").read().splitlines() if l.strip()]
    check(p.returncode != 0, "%s: exit 0" % what)
    check(len(lines) == 1, "%s: want one stderr line, got %r" % (what, lines[:4]))
    return lines[0]


@library
def test_mismatched_cert_and_key_one_line_error():
    other = make_certs()
    d = tmpdir("startup")
    line = _exits([sealed(), "--smtp-port", str(free_port()), "--pop3-port", "0",
                   "--rtsp-port", "0", "--data-dir", d, "--cert", default_certs().crt,
                   "--key", other.key], "a key that does not match the cert")
    check(re.search(r"key|match|cert", line, re.I), "reason: %r" % line)


@library
def test_missing_cert_one_line_error():
    d = tmpdir("startup")
    r = run([sealed(), "--smtp-port", str(free_port()), "--pop3-port", "0", "--rtsp-port", "0",
             "--data-dir", d, "--cert", os.path.join(d, "nope.crt"),
             "--key", default_certs().key], timeout=20)
    lines = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    check(r.returncode != 0, "a missing cert: exit 0")
    check(len(lines) == 1 and "nope.crt" in lines[0], "want one line naming the file: %r"
          % lines[:4])


def test_bad_flag_one_line_error():
    r = run([sealed(), "--no-such-flag"], timeout=20)
    lines = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    check(r.returncode != 0, "a bad flag: exit 0")
    check(len(lines) >= 1 and "no-such-flag" in lines[0], "stderr: %r" % lines[:3])


def test_mkcerts_contract():
    d = tmpdir("mkcerts")
    c = make_certs(cn="mail.example", d=d)
    for key in (c.key, c.client_key):
        mode = stat.S_IMODE(os.stat(key).st_mode)
        check(mode == 0o600, "%s mode %o, want 600" % (os.path.basename(key), mode))
        check(b"ENCRYPTED" not in open(key, "rb").read(), "key is encrypted")
    text = openssl(["x509", "-in", c.crt, "-noout", "-text"]).stdout.decode()
    check("CN = mail.example" in text, "subject CN")
    for san in ("DNS:mail.example", "DNS:localhost", "IP Address:127.0.0.1"):
        check(san in text, "SAN %s missing" % san)
    check("prime256v1" in text or "P-256" in text, "not an EC P-256 key")
    check("CA:TRUE" in text, "server cert is not its own trust anchor (CA:TRUE)")
    ctext = openssl(["x509", "-in", c.client_crt, "-noout", "-text"]).stdout.decode()
    check("CN = seal-client" in ctext and "TLS Web Client Authentication" in ctext,
          "client cert subject / clientAuth")
    r = openssl(["verify", "-CAfile", c.crt, "-purpose", "sslserver", c.crt])
    check(b": OK" in r.stdout, "server cert does not verify against itself")

    # Never overwrites.
    before = open(c.crt, "rb").read()
    r = run(["sh", MKCERTS, "mail.example", "ec", "365"], env={"CERTS_DIR": d})
    check(r.returncode == 0, "second run exit %d" % r.returncode)
    check(open(c.crt, "rb").read() == before, "server.crt overwritten")
    check(b"server.crt exists, kept" in r.stdout, "no 'server.crt exists, kept': %r" % r.stdout)

    # A bad KEY: one line, exit 2, nothing written.
    e = tmpdir("mkcerts-bad")
    r = run(["sh", MKCERTS, "localhost", "dsa", "365"], env={"CERTS_DIR": e})
    lines = [l for l in r.stderr.decode().splitlines() if l.strip()]
    check(r.returncode == 2 and len(lines) == 1, "bad KEY: exit %d, stderr %r"
          % (r.returncode, lines))
    check(os.listdir(e) == [], "bad KEY left files: %r" % os.listdir(e))


def test_mkcerts_rsa4096():
    c = make_certs(key="rsa4096", days=30)
    text = openssl(["x509", "-in", c.crt, "-noout", "-text"]).stdout.decode()
    check("Public-Key: (4096 bit)" in text and "rsaEncryption" in text, "not RSA 4096")
    end = openssl(["x509", "-in", c.crt, "-noout", "-checkend", str(29 * 86400)])
    check(end.returncode == 0, "valid for less than 29 days")
    r = subprocess.run(["openssl", "x509", "-in", c.crt, "-noout", "-checkend",
                        str(31 * 86400)], capture_output=True)
    check(r.returncode != 0, "DAYS=30 cert valid for more than 31 days")
