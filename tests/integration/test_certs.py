"""The client's certificate checks: seal refuses an expired, a not-yet-valid, a
wrong-name and an untrusted server certificate (exit 4, one clear line on
stderr), accepts the right one, and --show-cert reports the certificate."""

import re
import time

from lib import (Server, check, default_certs, fingerprint_pem, make_bad_cert,
                 openssl, seal, shared, tail)


def _refused(kind, reason_re, cafile_of_own=True):
    bad = make_bad_cert(kind)
    cafile = bad.crt if cafile_of_own else default_certs().crt
    with Server(certs=bad, name="cert-" + kind) as s:
        r = seal(["--batch", "--cafile", cafile, s.url()], input="QUIT\n")
    out = r.stdout.decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace")
    lines = [l for l in err.splitlines() if l.strip()]
    check(r.returncode == 4, "%s certificate: seal exit %d, want 4; stderr: %s"
          % (kind, r.returncode, tail(err)))
    check(len(lines) == 1, "%s: want one line on stderr, got %d: %s"
          % (kind, len(lines), tail(err, 5)))
    check(re.search(reason_re, lines[0], re.I),
          "%s: reason %r does not match /%s/" % (kind, lines[0], reason_re))
    check("S: 220" not in out and "S: 221" not in out,
          "%s: seal talked SMTP over a refused connection: %s" % (kind, tail(out)))


def test_refuses_expired_cert():
    _refused("expired", r"expired")


def test_refuses_not_yet_valid_cert():
    _refused("notyet", r"not (yet )?valid|valid yet|future|before")


def test_refuses_wrong_name_cert():
    _refused("wrongname", r"name|mismatch|other\.example|localhost")


def test_refuses_untrusted_cert():
    _refused("untrusted", r"trust|signer|unknown|issuer|self.signed|verif", cafile_of_own=False)


def test_accepts_right_cert():
    good = make_bad_cert("good")
    with Server(certs=good, name="cert-good") as s:
        r = seal(["--batch", "--cafile", good.crt, s.url()], input="QUIT\n")
    out = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0, "seal exit %d: %s" % (r.returncode, tail(r.stderr)))
    check("S: 220" in out and "S: 221" in out, "no 220/221 in transcript: %s" % tail(out, 6))


def test_expect_cn_other_name_refused():
    """--expect-cn overrides the URL host; a name the cert lacks is refused."""
    s = shared()
    r = seal(["--batch", "--cafile", default_certs().crt, "--expect-cn", "mail.other.example",
              s.url()], input="QUIT\n")
    check(r.returncode == 4, "seal --expect-cn mail.other.example exit %d, want 4: %s"
          % (r.returncode, tail(r.stderr)))


def _x509_dates(path):
    r = openssl(["x509", "-in", path, "-noout", "-startdate", "-enddate"])
    d = dict(l.split("=", 1) for l in r.stdout.decode().strip().splitlines())
    fmt = "%b %d %H:%M:%S %Y GMT"
    return (time.strptime(" ".join(d["notBefore"].split()), fmt),
            time.strptime(" ".join(d["notAfter"].split()), fmt))


def _has_date(text, t):
    """TEXT shows the date T in some common form (ISO, or as openssl prints it)."""
    flat = " ".join(text.split())
    forms = [time.strftime("%Y-%m-%d", t), time.strftime("%d %b %Y", t),
             time.strftime("%b ", t) + str(t.tm_mday) + " " + str(t.tm_year)]
    if any(f in flat for f in forms):
        return True
    openssl_form = r"%s\s+0?%d\s+\d\d:\d\d:\d\d\s+%d" % (
        time.strftime("%b", t), t.tm_mday, t.tm_year)
    return re.search(openssl_form, flat) is not None


def test_show_cert_report():
    s = shared()
    crt = default_certs().crt
    r = seal(["--show-cert", s.url(), "--cafile", crt])
    out = r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")
    check(r.returncode == 0, "seal --show-cert exit %d: %s" % (r.returncode, tail(out)))
    check(re.search(r"CN\s*[=:]\s*localhost|common name\W+localhost", out, re.I),
          "no CN=localhost in the report")
    check(re.search(r"issuer", out, re.I), "no issuer in the report")
    nb, na = _x509_dates(crt)
    check(_has_date(out, nb), "notBefore %s not in the report" % time.strftime("%Y-%m-%d", nb))
    check(_has_date(out, na), "notAfter %s not in the report" % time.strftime("%Y-%m-%d", na))
    fp = fingerprint_pem(crt)
    flat = re.sub(r"[^0-9A-F]", "", out.upper())
    check(fp.replace(":", "") in flat, "SHA-256 fingerprint %s not in the report" % fp)
    check(re.search(r"TLS\s?v?1\.[23]", out), "no TLS version in the report")
    check(re.search(r"AES[-_]?(128|256)[-_]GCM|CHACHA20", out, re.I), "no cipher in the report")
