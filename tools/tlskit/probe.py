"""tlskit/probe.py: TLS handshakes with the openssl tool and what they say.

s_client() builds the command line, handshake() reads what `openssl
s_client -brief` (or its long form) printed, and suite_classes() names the
key exchange, authentication and encryption of every suite the local
OpenSSL knows (`openssl ciphers -v`), so that a suite a server accepts can be
called forward-secret and AEAD, or not. Debian 12's OpenSSL 3.0 refuses to
speak TLS 1.0 and 1.1 at its default security level: OLD_CIPHERS lowers it
for the probes that must offer them. It has no SSLv3 at all (no-ssl3): the
grader's hello.py builds that ClientHello by hand.
"""

import ipaddress
import re

AEAD = re.compile(r"GCM|CHACHA20")      # the suites sealed negotiates
OLD_CIPHERS = "DEFAULT@SECLEVEL=0"      # lets openssl offer TLS 1.0 and 1.1
EVERY_CIPHER = "ALL:COMPLEMENTOFALL"    # every TLS 1.2-and-older suite it knows
TLS13_SUITES = ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256",
                "TLS_AES_128_CCM_8_SHA256")
# Groups a client may offer (the server picks); ffdhe2048 stands for the
# finite-field groups, whose larger sizes cost each side a long key generation.
GROUPS = ("X25519", "X448", "P-256", "P-384", "P-521", "ffdhe2048")
# s_client flag and the name it prints, per protocol version.
VERSIONS = {"TLSv1.3": "-tls1_3", "TLSv1.2": "-tls1_2", "TLSv1.1": "-tls1_1",
            "TLSv1": "-tls1"}
# openssl's "Server Temp Key" curve names -> the names -groups takes.
CURVES = {"prime256v1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


def is_ip(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def s_client(host, port, *opts, servername=None, starttls=None):
    """The openssl s_client command for HOST:PORT (SNI SERVERNAME when
    given and not an address; STARTTLS with the protocol named)."""
    where = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
    args = ["openssl", "s_client", "-connect", where]
    if servername and not is_ip(servername):
        args += ["-servername", servername]
    if starttls:
        args += ["-starttls", starttls]
    return args + list(opts)


def handshake(out):
    """What s_client printed about its handshake, as a dict: protocol,
    suite, kx (the Server Temp Key line), group (kx as -groups names it),
    alert ((name, number) of a TLS alert it received, else None),
    offered (False when the client itself had no protocol to offer)."""
    proto = _first(out, r"Protocol version: (\S+)", r"^\s*Protocol\s*: (\S+)")
    suite = _first(out, r"Ciphersuite: (\S+)", r"Cipher is (\S+)", r"^\s*Cipher\s*: (\S+)")
    if suite in ("(NONE)", "0000"):
        suite = None
    kx = _first(out, r"(?:Server|Peer) Temp Key: (.*)")
    alert = re.search(r"alert ([a-z ]+?)[:\n].*?alert number (\d+)", out) or \
        re.search(r"tlsv\d+ alert ([a-z ]+)", out)
    established = "CONNECTION ESTABLISHED" in out or \
        (suite is not None and "New, (NONE)" not in out)
    return {"protocol": proto if established and suite else None, "suite": suite,
            "kx": kx.strip() if kx else None, "group": group_of(kx),
            "alert": (alert.group(1), alert.group(2) if alert.lastindex > 1 else "?")
            if alert else None,
            "offered": "no protocols available" not in out}


def _first(text, *patterns):
    for p in patterns:
        m = re.search(p, text, re.M)
        if m:
            return m.group(1).strip()
    return None


def group_of(kx):
    """'X25519, 253 bits' -> 'X25519'; 'ECDH, prime256v1, 256 bits' ->
    'P-256'; 'DH, 2048 bits' -> 'ffdhe2048'; None when there is none."""
    if not kx:
        return None
    parts = [p.strip() for p in kx.split(",")]
    if parts[0] in ("X25519", "X448"):
        return parts[0]
    if parts[0] == "ECDH" and len(parts) > 1:
        return CURVES.get(parts[1], parts[1])
    m = re.match(r"DH, (\d+) bits", kx)
    return "ffdhe%s" % m.group(1) if m else parts[0]


def last_error(text):
    lines = [l for l in text.splitlines() if "error" in l or "alert" in l]
    return lines[-1][-160:] if lines else (text.strip().splitlines() or ["no output"])[-1]


def version_number(name):
    """'TLSv1.3' -> '1.3', 'TLSv1' -> '1.0'."""
    v = name[4:]
    return v if "." in v else v + ".0"


def suite_classes(run):
    """{suite: {kx, au, enc, mac, fs, aead, anon}} for every suite the local
    openssl knows (RUN: a function that runs a command and returns a
    CompletedProcess with str stdout). TLS 1.3 suites are all
    forward-secret and AEAD."""
    table = {s: {"kx": "any", "au": "any", "enc": s, "mac": "AEAD", "fs": True,
                 "aead": True, "anon": False} for s in TLS13_SUITES}
    r = run(["openssl", "ciphers", "-v", EVERY_CIPHER + ":@SECLEVEL=0"])
    for line in r.stdout.splitlines():
        f = line.split()
        kv = dict(x.split("=", 1) for x in f[2:] if "=" in x)
        if len(f) < 5 or f[0] in table:
            continue
        kx, au = kv.get("Kx", "?"), kv.get("Au", "?")
        table[f[0]] = {"kx": kx, "au": au, "enc": kv.get("Enc", "?"),
                       "mac": kv.get("Mac", "?"),
                       "fs": kx in ("ECDH", "DH", "ECDHEPSK", "DHEPSK", "any"),
                       "aead": kv.get("Mac") == "AEAD", "anon": au == "None"}
    return table
