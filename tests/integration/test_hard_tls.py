"""The TLS surface, scanned (issue 8, part 4).

- testssl.sh (Debian's `testssl`, offline: --ip 127.0.0.1, --nodns none, no
  --phone-out, our certificate given with --add-ca) against the SMTP port
  (implicit TLS: no STARTTLS): only TLS 1.2 and 1.3; only forward-secret
  ECDHE and AEAD suites; no vulnerability flagged; no compression. About
  35 s: heavy, so only in the first stage of `make test`.
- sslscan against all three ports, and every TLS 1.2 suite Python's OpenSSL
  knows tried one by one: no SSLv2/SSLv3/TLS 1.0/1.1, no non-ECDHE or
  non-AEAD suite, no Heartbleed, no insecure renegotiation, no compression.
  sslscan's own TLS 1.2 probe offers 344 cipher suites, more than the 150
  wolfSSL 5.5 reads (it answers decode_error), and its TLS 1.3 probe sends
  a fixed random X25519 share whose top bit wolfSSL refuses half the time:
  sslscan then calls those versions "disabled"; they are proved offered by
  real handshakes here (and by testssl.sh).
"""

import json
import os
import re
import shutil
import socket
import ssl
import time
import xml.etree.ElementTree as ET

import lib
from hardlib import heavy
from lib import Server, check, run, tail, timeout, tmpdir

LIBRARY = True          # the versions and suites the library offers: run.py --library

AEAD = re.compile(r"(GCM|CHACHA20|POLY1305|CCM)")
TESTSSL_IDS_OK = (   # each must be severity OK or INFO, and say "not" where noted
    "heartbleed", "CCS", "ticketbleed", "ROBOT", "secure_renego", "secure_client_renego",
    "CRIME_TLS", "POODLE_SSL", "fallback_SCSV", "SWEET32", "FREAK", "DROWN", "LOGJAM",
    "LOGJAM-common_primes", "BEAST", "LUCKY13", "RC4")
NOT_OFFERED = ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "cipherlist_NULL", "cipherlist_aNULL",
               "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA",
               "cipherlist_AVERAGE")
OFFERED = ("TLS1_2", "TLS1_3", "cipherlist_STRONG", "PFS")
# A self-signed lab certificate has neither CRL nor OCSP URI: testssl rates
# that HIGH; it is the certificate's, not the TLS surface's.
CERT_ONLY = ("cert_revocation",)


def _server():
    s = Server(name="tlsscan", pop3=True, rtsp=True)
    return s.start()


@timeout(180)
def test_testssl_smtp_port_only_modern_tls_no_vulnerability():
    heavy()
    check(shutil.which("testssl"), "testssl is missing (make deps installs testssl.sh)")
    s = _server()
    try:
        out = os.path.join(tmpdir("testssl"), "out.json")
        t0 = time.monotonic()
        # -p protocols, -s cipher categories, -f forward secrecy, -U every
        # vulnerability check, -S server defaults. Offline: --ip, --nodns none,
        # and no --phone-out (no CRL or OCSP fetches).
        r = run(["testssl", "--quiet", "--color", "0", "--warnings", "off", "--nodns", "none",
                 "--ip", "127.0.0.1", "--add-ca", s.certs.crt, "--openssl-timeout", "5",
                 "--jsonfile", out, "-p", "-s", "-f", "-U", "-S",
                 "localhost:%d" % s.port], timeout=170)
        took = time.monotonic() - t0
        check(os.path.exists(out), "testssl wrote no JSON (exit %d): %s"
              % (r.returncode, tail(r.stdout, 5)))
        with open(out) as f:
            found = {e["id"]: e for e in json.load(f)}
        for i in NOT_OFFERED:
            check(i in found and found[i]["finding"].startswith("not offered"),
                  "%s: %r" % (i, found.get(i)))
        for i in OFFERED:
            check(i in found and found[i]["finding"].startswith("offered"),
                  "%s: %r" % (i, found.get(i)))
        ciphers = found["PFS_ciphers"]["finding"].split()
        bad = [c for c in ciphers if not (c.startswith("TLS_") or c.startswith("ECDHE-"))
               or not AEAD.search(c)]
        check(not bad, "suites that are not ECDHE+AEAD: %s" % bad)
        for i in TESTSSL_IDS_OK:
            check(i in found and found[i]["severity"] in ("OK", "INFO"),
                  "testssl flags %s: %r" % (i, found.get(i)))
        check("not vulnerable" in found["CRIME_TLS"]["finding"], "TLS compression (CRIME)")
        flagged = [(i, e["severity"], e["finding"]) for i, e in found.items()
                   if e["severity"] in ("LOW", "MEDIUM", "HIGH", "CRITICAL")
                   and i not in CERT_ONLY]
        check(not flagged, "testssl flags: %s" % flagged)
        print("# testssl %.0f s: TLS 1.2 + 1.3 only; suites %s; all %d vulnerability checks "
              "OK (only the lab certificate's missing CRL/OCSP is rated)"
              % (took, " ".join(ciphers), len(TESTSSL_IDS_OK)), flush=True)
    finally:
        s.stop()


def _sslscan(port, *opts):
    r = run(["sslscan", "--no-colour", "--sni-name=localhost", "--xml=-"] + list(opts)
            + ["127.0.0.1:%d" % port], timeout=60)
    check(r.returncode == 0, "sslscan exit %d: %s" % (r.returncode, tail(r.stderr)))
    text = r.stdout.decode("utf-8", "replace")
    return ET.fromstring(text[text.index("<?xml"):]).find("ssltest")


def _tls12_suites(port):
    """Every TLS 1.2 suite of the local OpenSSL tried alone: the accepted ones."""
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.set_ciphers("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    names = sorted({c["name"] for c in probe.get_ciphers() if c["protocol"] != "TLSv1.3"})
    accepted = []
    for name in names:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        try:
            ctx.set_ciphers(name + ":@SECLEVEL=0")
        except ssl.SSLError:
            continue
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            try:
                with ctx.wrap_socket(raw, server_hostname="localhost") as t:
                    accepted.append(t.cipher()[0])
                    check(t.compression() is None, "compression %s" % t.compression())
            except (ssl.SSLError, ConnectionError, OSError):
                pass
    return names, accepted


def _tls13_suites(port):
    accepted = []
    for suite in ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                  "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
                  "TLS_AES_128_CCM_8_SHA256"):
        r = run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3",
                 "-ciphersuites", suite, "-servername", "localhost"], input="", timeout=20)
        if "Cipher is " + suite in r.stdout.decode("utf-8", "replace"):
            accepted.append(suite)
    return accepted


def _old_versions_refused(port):
    for v in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("ALL:@SECLEVEL=0")
        ctx.minimum_version = ctx.maximum_version = v
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            try:
                with ctx.wrap_socket(raw, server_hostname="localhost"):
                    raise lib.TestFailure("%s accepted on port %d" % (v.name, port))
            except (ssl.SSLError, ConnectionError):
                pass


@timeout(120)
def test_sslscan_and_suite_sweep_on_all_three_ports():
    check(shutil.which("sslscan"), "sslscan is missing (make deps installs it)")
    s = _server()
    summary = []
    try:
        for name, port in (("smtp", s.port), ("pop3", s.pop3_port), ("rtsp", s.rtsp_port)):
            x = _sslscan(port)
            protos = {(p.get("type"), p.get("version")): p.get("enabled")
                      for p in x.findall("protocol")}
            for old in (("ssl", "2"), ("ssl", "3"), ("tls", "1.0"), ("tls", "1.1")):
                check(protos.get(old) == "0", "%s: sslscan finds %s %s enabled: %r"
                      % (name, old[0], old[1], protos))
            ciphers = [(c.get("sslversion"), c.get("cipher")) for c in x.findall("cipher")]
            for _ in range(4):      # its TLS 1.3 probe passes when its random share does
                if ciphers:         # (seeded by the clock: a new second, a new share)
                    break
                time.sleep(1.05)
                ciphers = [(c.get("sslversion"), c.get("cipher"))
                           for c in _sslscan(port, "--tls13").findall("cipher")]
            for ver, c in ciphers:
                check(ver in ("TLSv1.2", "TLSv1.3") and AEAD.search(c) and
                      (ver == "TLSv1.3" or c.startswith("ECDHE-")),
                      "%s: sslscan lists %s %s" % (name, ver, c))
            for hb in x.findall("heartbleed"):
                check(hb.get("vulnerable") == "0", "%s: Heartbleed on %s" % (name, hb.get(
                    "sslversion")))
            reneg = x.find("renegotiation")
            check(reneg is not None and (reneg.get("supported") == "0" or
                                         reneg.get("secure") == "1"),
                  "%s: insecure renegotiation" % name)
            comp = x.find("compression")
            check(comp is None or comp.get("supported") == "0", "%s: compression" % name)
            fallback = x.find("fallback")
            # Real handshakes for what sslscan's raw probes cannot see (above).
            _old_versions_refused(port)
            tried, t12 = _tls12_suites(port)
            check(t12, "%s: no TLS 1.2 suite accepted" % name)
            bad = [c for c in t12 if not (c.startswith("ECDHE-") and AEAD.search(c))]
            check(not bad, "%s: TLS 1.2 suites that are not ECDHE+AEAD: %s" % (name, bad))
            t13 = _tls13_suites(port)
            check(t13 and all(AEAD.search(c) for c in t13), "%s: TLS 1.3 suites %s" % (name, t13))
            summary.append("%s: sslscan old protocols off, %d suites listed, heartbleed %s, "
                           "renegotiation %s%s; TLS 1.2 %s (of %d tried); TLS 1.3 %s"
                           % (name, len(ciphers), "no" if x.findall("heartbleed") else "n/a",
                              "off" if reneg.get("supported") == "0" else "secure",
                              ", fallback SCSV" if fallback is not None and
                              fallback.get("supported") == "1" else "",
                              " ".join(t12), len(tried), " ".join(t13)))
        for line in summary:
            print("# " + line, flush=True)
    finally:
        s.stop()
