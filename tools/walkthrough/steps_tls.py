"""Steps 1 to 3: the certificate, the TLS versions, and the client's checks of
the server (with the four refusals)."""

import os
import re
import time

import certs
from tlskit.probe import AEAD, last_error as _last_error, version_number as _v


def certificate(step, lab):
    """1. The server certificate: self-signed, subject CN, SANs, key type and
    validity window."""
    r = step.run(certs.x509_text_args(lab.cert), show=certs.x509_shown_lines(),
                 limit=16, fmt=str.strip)
    info = certs.read(lab, lab.cert)
    if r.returncode != 0 or info is None:
        step.check(False, "the certificate can be read", r.stderr.strip()[-200:])
        return
    if lab.cafile == lab.cert:
        v = step.run(["openssl", "verify", "-no_check_time", "-CAfile", lab.cert, lab.cert])
        step.check(info["subject"] == info["issuer"] and v.returncode == 0,
                   "self-signed: the issuer is the subject (%s) and the signature verifies "
                   "with the certificate's own key" % info["subject"],
                   "issuer %s, openssl verify: %s" % (info["issuer"], v.out.strip()[-120:]))
    else:
        v = step.run(["openssl", "verify", "-no_check_time", "-CAfile", lab.cafile, lab.cert])
        step.check(v.returncode == 0, "issued by %s and its chain verifies against %s"
                   % (info["issuer"], lab.shown(lab.cafile)), v.out.strip()[-120:])
    step.check(info["cn"], "subject CN: %s" % info["cn"], "the subject has no CN")
    step.check(info["sans"], "subjectAltName: %s" % ", ".join(info["sans"]),
               "no subjectAltName extension")
    step.check(info["key"] != "unknown", "key: %s" % info["key"])
    now = time.time()
    days = int((info["not_after"] - now) // 86400)
    window = "from %s until %s" % (certs.when(info["not_before"]), certs.when(info["not_after"]))
    if info["not_before"] <= now <= info["not_after"]:
        step.check(True, "valid now: %s (%d days left)" % (window, days))
    else:
        step.check(False, "valid now", "%s: %s" % (
            window, "expired" if now > info["not_after"] else "not yet valid"))
    a = lab.run(["openssl", "x509", "-in", lab.cert, "-noout", "-pubkey"])
    b = lab.run(["openssl", "pkey", "-in", lab.key, "-pubout"])
    step.check(a.returncode == 0 and a.stdout == b.stdout,
               "the key file %s holds this certificate's key (openssl pkey -pubout = "
               "openssl x509 -pubkey)" % lab.shown(lab.key), b.stderr.strip()[-160:])
    mode = os.stat(lab.key).st_mode & 0o777
    step.note("key file mode %04o%s; the walkthrough's clients connect to localhost, "
              "which this certificate %s" % (mode, "" if mode & 0o077 == 0 else
                                             " (readable by others!)",
                                             "names" if certs.names_host(info, "localhost")
                                             else "does NOT name"))
    step.summary = "%s, CN=%s, %s, %s, valid until %s" % (
        "self-signed" if info["subject"] == info["issuer"] else "issued by " + info["issuer"],
        info["cn"], " ".join(info["sans"]), info["key"], certs.when(info["not_after"])[:10])


def _s_client(lab, port, *opts):
    return ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
            "-servername", "localhost"] + list(opts)


def tls_versions(step, lab):
    """2. TLS 1.3 and 1.2 succeed (suite named); 1.1 and 1.0 are refused, with
    a client willing to speak them."""
    port = lab.server().port
    got = []
    for flag, name in (("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2")):
        r = step.run(_s_client(lab, port, flag, "-CAfile", lab.cafile,
                               "-verify_return_error", "-brief"),
                     input="", show=r"Protocol version|Ciphersuite|Server Temp Key|Verification|"
                                    r"error|alert")
        proto = re.search(r"Protocol version: (\S+)", r.out)
        suite = re.search(r"Ciphersuite: (\S+)", r.out)
        ok = r.returncode == 0 and proto and proto.group(1) == name and suite
        step.check(ok, "%s handshake succeeds: %s" % (name, suite.group(1) if suite else "?"),
                   "exit %d, %s" % (r.returncode, _last_error(r.out)))
        if suite:
            kx = re.search(r"Server Temp Key: (.*)", r.out)
            step.check(AEAD.search(suite.group(1)) and kx and re.search(r"X25519|X448|ECDH|P-",
                                                                      kx.group(1)),
                       "%s is an AEAD suite, with an ephemeral elliptic-curve key exchange "
                       "(%s)" % (suite.group(1), kx.group(1) if kx else "?"))
            got.append("%s %s" % (_v(name), suite.group(1)))
    refused = []
    for flag, name in (("-tls1_1", "TLSv1.1"), ("-tls1", "TLSv1")):
        r = step.run(_s_client(lab, port, flag, "-cipher", "DEFAULT@SECLEVEL=0",
                               "-CAfile", lab.cafile),
                     input="", show=r"alert|Protocol\s+:|written|no protocols|Cipher is")
        offered = re.search(r"Protocol\s+: %s\b" % re.escape(name), r.out) and \
            "no protocols available" not in r.out
        alert = re.search(r"alert ([a-z ]+?)[:\n].*?alert number (\d+)", r.out)
        step.check(offered, "openssl offered %s (SECLEVEL=0 lets it)" % name,
                   "the client itself refused: %s" % _last_error(r.out))
        ok = r.returncode != 0 and alert and "Cipher is (NONE)" in r.out
        step.check(ok, "%s refused by the server: alert '%s' (%s)"
                   % (name, alert.group(1) if alert else "?", alert.group(2) if alert else "?"),
                   "exit %d, %s" % (r.returncode, _last_error(r.out)))
        if ok:
            refused.append(_v(name))
    step.summary = "%s; TLS %s refused" % (", ".join("TLS " + g for g in got),
                                          " and ".join(refused) or "none")


SEAL_CHECKS = ("trusted chain", "name match", "dates")
REFUSALS = {
    "untrusted": ("an untrusted certificate (a self-signed impostor named localhost)",
                  r"untrusted"),
    "wrongname": ("a certificate for another name (other.example)", r"name mismatch"),
    "expired": ("an expired certificate (ended yesterday)", r"expired"),
    "notyet": ("a certificate not yet valid (starts in 10 days)", r"not valid until|not yet valid"),
}


def client_checks(step, lab):
    """3. seal --show-cert names its three checks; then it refuses four bad
    servers, each with a one-line reason and exit code 4."""
    server = lab.server()
    r = step.run([lab.seal, "--show-cert", "--cafile", lab.cafile, server.url()],
                 show=r"^Subject:|^SANs|^Valid|^TLS version|^Cipher|Checks|" +
                 "|".join(SEAL_CHECKS), limit=12)
    step.check(r.returncode == 0, "seal accepts the server (exit 0)",
               "exit %d: %s" % (r.returncode, r.stderr.strip()[-200:]))
    for name in SEAL_CHECKS:
        m = re.search(r"^\s*%s\s+(.*)$" % name, r.stdout, re.M)
        step.check(m and m.group(1).strip() == "ok", "check '%s': ok" % name,
                   m.group(1).strip() if m else "not in the report")
    ok = 0
    for kind in certs.BAD_KINDS:
        what, reason = REFUSALS[kind]
        crt, key = certs.make_bad(lab, kind, lab.dir("bad-" + kind, "certs"))
        bad = lab.start_server("bad-" + kind, cert=crt, key=key)
        step.note("a server with %s, made with openssl (ca -selfsign for the dates)" % what)
        anchor = lab.cafile if kind == "untrusted" else crt
        r = step.run([lab.seal, "--show-cert", "--cafile", anchor, bad.url()],
                     show=r"FAILED|rejected", limit=4)
        err = [l for l in r.stderr.splitlines() if l.strip()]
        fine = r.returncode == 4 and len(err) == 1 and re.search(reason, err[0])
        step.check(fine, "refused, exit 4: %s" % (err[0] if err else ""),
                   "exit %d, stderr: %s" % (r.returncode, " | ".join(err)[-240:] or "(empty)"))
        ok += bool(fine)
        bad.stop()
    step.summary = "chain, name and dates checked by name; %d of 4 bad servers refused " \
                   "with exit 4" % ok
