"""certs.py: the certificates the walkthrough reads and makes, with the openssl
tool: what a certificate says (subject, names, key, dates), the four bad
server certificates a client must refuse, and a client certificate for
mutual TLS when none sits beside the server's.
"""

import calendar
import os
import re
import time
import uuid

BAD_KINDS = ("untrusted", "wrongname", "expired", "notyet")


def openssl_time(text):
    """'Nov 22 00:56:55 2026 GMT' -> seconds since the epoch."""
    return calendar.timegm(time.strptime(text.strip(), "%b %d %H:%M:%S %Y %Z"))


def read(lab, cert):
    """What CERT says, as a dict: subject, issuer, cn, sans (list), not_before,
    not_after (epoch seconds), key (e.g. 'ECDSA P-256'), text (openssl -text)."""
    r = lab.run(["openssl", "x509", "-in", cert, "-noout", "-text", "-nameopt", "RFC2253"])
    if r.returncode != 0:
        return None
    t = r.stdout
    info = {"text": t}
    info["subject"] = _field(t, r"Subject: (.*)")
    info["issuer"] = _field(t, r"Issuer: (.*)")
    m = re.search(r"CN=([^,]+)", info["subject"] or "")
    info["cn"] = m.group(1) if m else None
    m = re.search(r"X509v3 Subject Alternative Name:.*\n\s*(.*)", t)
    info["sans"] = [s.strip() for s in m.group(1).split(",")] if m else []
    info["not_before"] = openssl_time(_field(t, r"Not Before\s*: (.*)"))
    info["not_after"] = openssl_time(_field(t, r"Not After\s*: (.*)"))
    bits = _field(t, r"Public-Key: \((\d+) bit\)")
    if "id-ecPublicKey" in t:
        curve = _field(t, r"NIST CURVE: (\S+)") or _field(t, r"ASN1 OID: (\S+)")
        info["key"] = "ECDSA %s" % (curve or "(%s bit)" % bits)
    elif "rsaEncryption" in t:
        info["key"] = "RSA %s bit" % bits
    else:
        info["key"] = _field(t, r"Public Key Algorithm: (.*)") or "unknown"
    return info


# The lines of `openssl x509 -text` worth showing a reader of the report.
X509_SHOWN = (r"Subject:|Issuer:|Not Before|Not After|Public Key Algorithm|Public-Key:|"
              r"NIST CURVE|Signature Algorithm|Alternative Name|DNS:|IP Address:")


def x509_text_args(cert):
    """The openssl command that prints CERT as text (names as in RFC 2253)."""
    return ["openssl", "x509", "-in", cert, "-noout", "-text", "-nameopt", "RFC2253"]


def x509_shown_lines():
    """A filter for step.run(show=...): the X509_SHOWN lines, each once
    (openssl repeats the signature algorithm at the end)."""
    seen = set()

    def keep(line):
        if re.search(X509_SHOWN, line) and line.strip() not in seen:
            seen.add(line.strip())
            return True
        return False
    return keep


def _field(text, pattern):
    m = re.search(pattern, text)
    return m.group(1).strip() if m else None


def names_host(info, host):
    """True when the certificate names HOST (a DNS SAN, else the CN)."""
    dns = [s[4:] for s in info["sans"] if s.startswith("DNS:")]
    return host in dns if dns else info["cn"] == host


def when(seconds):
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def bad_kind(kind, now=None):
    """(cn, san, start, end) of a self-signed server certificate a client must
    refuse: untrusted (right name and dates, but not the certificate the
    client trusts), wrongname (CN and SAN other.example), expired (ended
    yesterday), notyet (starts in 10 days); any other KIND: as untrusted.
    START and END in seconds since the epoch."""
    now = time.time() if now is None else now
    cn = "other.example" if kind == "wrongname" else "localhost"
    san = "DNS:other.example" if kind == "wrongname" else "DNS:localhost, IP:127.0.0.1"
    start, end = {"expired": (now - 30 * 86400, now - 86400),
                  "notyet": (now + 10 * 86400, now + 40 * 86400)}.get(
                      kind, (now - 3600, now + 30 * 86400))
    return cn, san, start, end


def selfsign(openssl, d, cn, san, start, end, crt, key):
    """A self-signed EC P-256 server certificate CRT (key KEY, made 0600) for
    CN and SAN, valid from START to END (seconds since the epoch): dates that
    `openssl req` cannot set come from `openssl ca -selfsign` with
    -startdate/-enddate, its database and configuration in D. OPENSSL(args)
    runs the openssl tool and raises when it fails."""
    os.makedirs(os.path.join(d, "newcerts"), exist_ok=True)
    fmt = lambda t: time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("%s\n" % uuid.uuid4().hex[:16].upper())
    cnf = os.path.join(d, "ca.cnf")
    with open(cnf, "w") as f:
        f.write(CA_CNF.format(d=d, cn=cn, san=san))
    old = os.umask(0o077)
    try:
        openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-out", key])
    finally:
        os.umask(old)
    csr = os.path.join(d, "req.csr")
    openssl(["req", "-new", "-key", key, "-out", csr, "-config", cnf])
    openssl(["ca", "-batch", "-selfsign", "-config", cnf, "-keyfile", key, "-in", csr,
             "-out", crt, "-startdate", fmt(start), "-enddate", fmt(end),
             "-extensions", "ext", "-notext"])


def make_bad(lab, kind, d):
    """A server certificate of KIND (bad_kind()) in D. Returns (cert, key)."""
    crt, key = os.path.join(d, "server.crt"), os.path.join(d, "server.key")
    selfsign(lambda args: _openssl(lab, args), d, *bad_kind(kind), crt, key)
    return crt, key


def make_client(lab, d):
    """A self-signed EC P-256 client certificate (CN=walkthrough-client) in D."""
    crt, key = os.path.join(d, "client.crt"), os.path.join(d, "client.key")
    os.makedirs(d, exist_ok=True)
    _openssl(lab, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                   "-nodes", "-keyout", key, "-out", crt, "-days", "30",
                   "-subj", "/CN=walkthrough-client",
                   "-addext", "extendedKeyUsage=clientAuth"])
    return crt, key


def _openssl(lab, args):
    r = lab.run(["openssl"] + args, timeout=60)
    if r.returncode != 0:
        from lab import Abort
        raise Abort("openssl %s failed: %s" % (args[0], r.stderr.strip().splitlines()[-1:]))
    return r


CA_CNF = """[ca]
default_ca = ca_any
[ca_any]
dir = {d}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
CN = {cn}
[ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = {san}
"""
