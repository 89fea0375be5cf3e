"""The client's certificate checks: seal refuses an expired, a not-yet-valid, a
wrong-name and an untrusted server certificate (exit 4, one clear line on
stderr), accepts the right one, and --show-cert reports the certificate.
Each named check is decided on its own: a certificate with two defects
shows two FAILED checks (wolfSSL reports one error for the leaf, and a
name error hid a missing trust anchor)."""

import os
import re
import time

from lib import (Certs, Server, check, default_certs, fingerprint_pem, make_bad_cert,
                 make_self_signed, openssl, seal, shared, tail, tmpdir)

LIBRARY = True          # seal's certificate checks: run.py --library


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


def _self_signed(name, cn, san, start_days, end_days):
    """A self-signed EC P-256 server certificate (CN, SAN) valid from
    START_DAYS to END_DAYS relative to now (negative: in the past)."""
    now = time.time()
    return make_self_signed(cn, san, now + start_days * 86400, now + end_days * 86400,
                            tmpdir("cert-" + name))


def _checks(certs, cafile, name):
    """seal --show-cert against a server with CERTS, trusting CAFILE: the
    exit status, {check label: 'ok' or the FAILED reason}, the stderr lines."""
    with Server(certs=certs, name=name) as s:
        r = seal(["--show-cert", "--cafile", cafile, s.url()])
    out = r.stdout.decode("utf-8", "replace")
    err = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    got = {}
    for label in ("trusted chain", "name match", "dates"):
        m = re.search(r"^\s+%s\s+(ok|FAILED: .*)$" % label, out, re.M)
        check(m, "%s: no '%s' line in the report: %s" % (name, label, tail(out, 6)))
        got[label] = m.group(1)
    return r.returncode, got, err


def _want_checks(name, certs, cafile, want, reason_re):
    """The checks of _checks() are WANT (label: True for ok), the exit status
    is 4 and stderr is one line matching REASON_RE."""
    rc, got, err = _checks(certs, cafile, name)
    print("%s: %s" % (name, ", ".join("%s %s" % (k, "ok" if v == "ok" else "FAILED")
                                     for k, v in got.items())))
    for label, ok in want.items():
        check((got[label] == "ok") == ok, "%s: %s is %r, want %s"
              % (name, label, got[label], "ok" if ok else "FAILED"))
    check(rc == 4, "%s: seal --show-cert exit %d, want 4" % (name, rc))
    check(len(err) == 1 and re.search(reason_re, err[0]),
          "%s: want one stderr line matching /%s/, got %s" % (name, reason_re, err))


def test_show_cert_untrusted_and_wrong_name_fails_both_checks():
    """Not signed by the trust anchor AND for another name: the name error
    wolfSSL reports must not turn the chain check green."""
    bad = make_bad_cert("wrongname")
    _want_checks("untrusted+wrongname", bad, default_certs().crt,
                 {"trusted chain": False, "name match": False, "dates": True},
                 r"^seal: server certificate rejected: untrusted")


def test_show_cert_trusted_but_wrong_name_keeps_chain_ok():
    bad = make_bad_cert("wrongname")
    _want_checks("trusted+wrongname", bad, bad.crt,
                 {"trusted chain": True, "name match": False, "dates": True},
                 r"^seal: server certificate rejected: name mismatch")


def test_show_cert_expired_and_untrusted_fails_both_checks():
    """Expired and untrusted, with and without a wrong name as well; the
    issuer is a name the trust anchor does not have (no signer at all)."""
    for name, cn, san, want_name in (
            ("expired+untrusted", "localhost", "DNS:localhost, IP:127.0.0.1", True),
            ("expired+untrusted+wrongname", "other.example", "DNS:other.example", False)):
        bad = _self_signed(name, cn, san, -30, -1)
        _want_checks(name, bad, default_certs().crt,
                     {"trusted chain": False, "name match": want_name, "dates": False},
                     r"^seal: server certificate rejected: untrusted")


def test_show_cert_expired_but_trusted_keeps_chain_ok():
    bad = make_bad_cert("expired")
    _want_checks("expired+trusted", bad, bad.crt,
                 {"trusted chain": True, "name match": True, "dates": False},
                 r"^seal: server certificate rejected: certificate expired")


def _chain(name, leaf_cn):
    """A root CA, an intermediate CA it signs and a server certificate for
    LEAF_CN the intermediate signs (EC P-256, openssl req and x509 -req).
    Returns (Certs whose crt is the leaf then the intermediate, root path)."""
    d = tmpdir("chain-" + name)
    p = lambda f: os.path.join(d, f)
    ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
    leaf_ext = ("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n" % leaf_cn)
    for f, text in (("ca.ext", ca_ext), ("leaf.ext", leaf_ext)):
        with open(p(f), "w") as fh:
            fh.write(text)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl(["req", "-x509"] + ec + ["-keyout", p("root.key"), "-out", p("root.crt"),
             "-days", "30", "-subj", "/CN=seal test root " + name,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    for who, cn, signer, ext in (("int", "seal test intermediate " + name, "root", "ca.ext"),
                                 ("leaf", leaf_cn, "int", "leaf.ext")):
        openssl(["req", "-new"] + ec + ["-keyout", p(who + ".key"), "-out", p(who + ".csr"),
                 "-subj", "/CN=" + cn])
        openssl(["x509", "-req", "-in", p(who + ".csr"), "-CA", p(signer + ".crt"),
                 "-CAkey", p(signer + ".key"), "-CAcreateserial", "-days", "20",
                 "-extfile", p(ext), "-out", p(who + ".crt")])
    c = Certs(d)
    with open(c.crt, "w") as out:
        for f in ("leaf.crt", "int.crt"):
            with open(p(f)) as fh:
                out.write(fh.read())
    os.replace(p("leaf.key"), c.key)
    return c, p("root.crt")


def test_show_cert_chain_through_an_intermediate_judged_apart_from_the_name():
    """Leaf and intermediate sent by the server, the root in --cafile: a
    wrong name leaves the chain check ok; with another trust anchor both
    fail (the intermediates are verified before they count)."""
    certs, root = _chain("wrongname", "other.example")
    _want_checks("intermediate+wrongname", certs, root,
                 {"trusted chain": True, "name match": False, "dates": True},
                 r"^seal: server certificate rejected: name mismatch")
    _want_checks("intermediate+untrusted+wrongname", certs, default_certs().crt,
                 {"trusted chain": False, "name match": False, "dates": True},
                 r"^seal: server certificate rejected: untrusted")
