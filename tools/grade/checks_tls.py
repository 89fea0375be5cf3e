"""checks_tls.py: the grader's checks 1 to 4, on the TLS layer and the
certificate: protocol versions (and the suites and groups each accepts),
suites (forward-secret and AEAD only), the certificate, and whether a
client can verify it. Each is fn(step, lab) as the walkthrough's steps;
lab is a grade.Desk (lab.target: the graded server; lab.opts: the class-
wide options; lab.done: what one check learns for the next).
"""

import concurrent.futures
import os
import re
import sys
import time

import certs
from lab import Abort, Skip
from tlskit import probe

HERE = os.path.dirname(os.path.abspath(__file__))
DIALOGUE = os.path.join(HERE, "dialogue.py")
MAX_ROUNDS = 64         # suites or groups one version can be found to accept
PROBE_JOBS = 4          # default --probe-jobs: handshakes at a time in the searches
OLD = ("TLSv1.1", "TLSv1")
TLS12_GROUPS = ("X25519", "X448", "P-256", "P-384", "P-521")
STRONG_CURVES = ("P-256", "P-384", "P-521", "prime256v1", "secp384r1", "secp521r1",
                 "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1")
WEAK_SIGNATURE = re.compile(r"sha1|md5|md2", re.I)


def s_client(lab, *opts):
    """openssl s_client to the graded server (STARTTLS for smtp://), with
    the client certificate when one was given."""
    t = lab.target
    extra = ["-cert", t.client_cert, "-key", t.client_key] if t.client_cert else []
    return probe.s_client(t.host, t.port, *(list(opts) + extra), servername=t.host,
                          starttls=t.starttls)


def dialogue(lab, command, *args, url=None, client_cert=True):
    """tools/grade/dialogue.py COMMAND on the graded server (with the
    client certificate when one was given, unless CLIENT_CERT is False)."""
    t = lab.target
    extra = ["--cert", t.client_cert, "--key", t.client_key] \
        if t.client_cert and client_cert else []
    return [sys.executable, DIALOGUE, command, url or t.url] + list(args) + extra


def _args(lab, version, *opts):
    """The s_client command for one handshake at VERSION."""
    cipher = probe.OLD_CIPHERS if version in OLD else "ALL:@SECLEVEL=0"
    has_cipher = any(o == "-cipher" for o in opts)
    return s_client(lab, probe.VERSIONS[version], "-brief",
                    *(list(opts) + ([] if has_cipher else ["-cipher", cipher])))


def _try(lab, version, *opts):
    """One handshake at VERSION, not shown; what probe.handshake read, None
    when it failed."""
    r = lab.run(_args(lab, version, *opts), input="", timeout=20)
    h = probe.handshake(r.out)
    return h if h["protocol"] == version else None


def _suite_opts(version, names, found=()):
    """Offer NAMES but FOUND (TLS 1.2 and older: NAMES None is every suite)."""
    if version == "TLSv1.3":
        left = [s for s in names if s not in found]
        return ["-ciphersuites", ":".join(left)] if left else None
    if names is None:
        return ["-cipher", probe.EVERY_CIPHER + "".join(":!" + s for s in found)
                + ":@SECLEVEL=0"]
    left = [s for s in names if s not in found]
    return ["-cipher", ":".join(left) + ":@SECLEVEL=0"] if left else None


def _find_suites(lab, version, names):
    """Offer NAMES, take out the one the server picks, again until the
    handshake fails."""
    found = []
    for _ in range(MAX_ROUNDS):
        opts = _suite_opts(version, names, found)
        h = _try(lab, version, *opts) if opts else None
        if h is None or h["suite"] in found or h["suite"] not in names:
            break
        found.append(h["suite"])
    return found


def classes(lab):
    """probe.suite_classes, once a grading."""
    if "classes" not in lab.done:
        lab.done["classes"] = probe.suite_classes(lab.run)
    return lab.done["classes"]


def _find_groups13(lab):
    """TLS 1.3: offer every group, take out the one it picks, again until
    the handshake fails."""
    offer, found = list(probe.GROUPS), []
    while offer:
        h = _try(lab, "TLSv1.3", "-groups", ":".join(offer))
        if h is None or h["group"] not in offer:
            break
        found.append(h["group"])
        offer.remove(h["group"])
    return found


def _group12(lab, g):
    """TLS 1.2: does the server take curve G, offered alone with the ECDHE
    suites? (A server whose ECDSA key is on one curve may accept only that
    one there, as RFC 8422 lets it: taking curves out one by one would stop
    early.)"""
    h = _try(lab, "TLSv1.2", "-groups", g, "-cipher", "ECDHE:@SECLEVEL=0")
    return h is not None and h["group"] == g


def enumerate_version(lab, versions):
    """The suites and groups the server accepts at each of VERSIONS, found
    with at most --probe-jobs handshakes at a time (each search is a chain
    of handshakes; TLS 1.2 and older split the suites in that many parts,
    one chain each; the chains and the TLS 1.2 curves run side by side),
    into lab.done["suites"] and lab.done["groups"]."""
    suites = lab.done.setdefault("suites", {})
    groups = lab.done.setdefault("groups", {})
    jobs = lab.opts.probe_jobs
    older = [n for n in classes(lab) if n not in probe.TLS13_SUITES]
    parts = [older[i::jobs] for i in range(jobs)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        s_jobs = {v: [pool.submit(_find_suites, lab, v, list(probe.TLS13_SUITES))]
                  if v == "TLSv1.3" else [pool.submit(_find_suites, lab, v, p) for p in parts]
                  for v in versions if v not in suites}
        g13 = pool.submit(_find_groups13, lab) \
            if "TLSv1.3" in versions and "TLSv1.3" not in groups else None
        g12 = {g: pool.submit(_group12, lab, g) for g in TLS12_GROUPS} \
            if "TLSv1.2" in versions and "TLSv1.2" not in groups else None
        for v, jobs in s_jobs.items():
            got = {n for job in jobs for n in job.result()}
            order = list(probe.TLS13_SUITES) if v == "TLSv1.3" else older
            suites[v] = [n for n in order if n in got]
        if g13 is not None:
            groups["TLSv1.3"] = g13.result()
        if g12 is not None:
            groups["TLSv1.2"] = [g for g, job in g12.items() if job.result()]


def accepted_suites(step, lab, version):
    """The suites the server accepts at VERSION (the search's first command
    shown)."""
    step.command(lab.shown_cmd(_args(lab, version, *_suite_opts(
        version, list(probe.TLS13_SUITES) if version == "TLSv1.3" else None)))
        + " </dev/null   # again without each suite it picks, until the handshake fails%s"
        % ("" if version == "TLSv1.3" or lab.opts.probe_jobs == 1 else
           " (the suites in %d parts, side by side)" % lab.opts.probe_jobs))
    enumerate_version(lab, [version])
    return lab.done["suites"][version]


def accepted_groups(step, lab, version):
    """The key-exchange groups the server accepts at VERSION (the search's
    first command shown)."""
    if version == "TLSv1.3":
        step.command(lab.shown_cmd(_args(lab, version, "-groups", ":".join(probe.GROUPS)))
                     + " </dev/null   # again without each group it picks, until the "
                       "handshake fails")
    else:
        step.command(lab.shown_cmd(_args(lab, version, "-groups", TLS12_GROUPS[0], "-cipher",
                                         "ECDHE:@SECLEVEL=0"))
                     + " </dev/null   # and for each other curve alone: %s"
                     % " ".join(TLS12_GROUPS[1:]))
    enumerate_version(lab, [version])
    return lab.done["groups"][version]


def old_version(step, lab, version, show=True):
    """Does the server accept VERSION (1.1 or 1.0) from openssl at security
    level 0? Returns (accepted handshake or None, the output)."""
    args = s_client(lab, probe.VERSIONS[version], "-brief", "-cipher", probe.OLD_CIPHERS)
    if show:
        r = step.run(args, input="", timeout=20,
                     show=r"Protocol version|Ciphersuite|alert|error|no protocols")
    else:
        r = lab.run(args, input="", timeout=20)
    h = probe.handshake(r.out)
    return (h if h["protocol"] == version else None), r, h


def versions(step, lab):
    """1. TLS 1.3 and 1.2 accepted (their suites and groups named); TLS 1.1,
    1.0 and SSLv3 refused, to clients willing to speak them."""
    t = lab.target
    said, accepted = [], []
    for version in ("TLSv1.3", "TLSv1.2"):
        r = step.run(s_client(lab, probe.VERSIONS[version], "-brief", "-cipher",
                              "ALL:@SECLEVEL=0"), input="", timeout=20,
                     show=r"Protocol version|Ciphersuite|Temp Key|alert|error")
        h = probe.handshake(r.out)
        if step.check(h["protocol"] == version, "%s accepted: %s, key exchange %s"
                      % (version, h["suite"], h["kx"] or "?"),
                      "exit %d, %s" % (r.returncode, probe.last_error(r.out))):
            accepted.append(version)
    enumerate_version(lab, accepted)
    for version in ("TLSv1.3", "TLSv1.2"):
        if version not in accepted:
            said.append("TLS %s refused" % probe.version_number(version))
            continue
        suites = accepted_suites(step, lab, version)
        groups = accepted_groups(step, lab, version)
        step.evidence(["%s suites: %s" % (version, " ".join(suites) or "?"),
                       "%s groups: %s" % (version, " ".join(groups) or "none found")])
        said.append("TLS %s (%d suite%s; %s)" % (probe.version_number(version), len(suites),
                                                  "" if len(suites) == 1 else "s",
                                                  " ".join(groups) or "no group"))
    refused, bad = [], ["refuses TLS %s" % probe.version_number(v)
                        for v in ("TLSv1.3", "TLSv1.2") if v not in accepted]
    for version in OLD:
        h, r, raw = old_version(step, lab, version)
        step.check(raw["offered"], "openssl offered %s (SECLEVEL=0 lets it)" % version,
                   "the client itself refused: %s" % probe.last_error(r.out))
        lab.done.setdefault("old", {})[version] = h
        if step.check(h is None, "%s refused%s" % (version, ": alert " + " ".join(raw["alert"])
                                                    if raw["alert"] and h is None else ""),
                      "the server accepted %s with %s" % (version, h and h["suite"])):
            refused.append(probe.version_number(version))
        else:
            bad.append("accepts TLS %s (%s)" % (probe.version_number(version), h["suite"]))
    r = step.run(dialogue(lab, "hello"), timeout=30)
    verdict = re.search(r"^verdict: (.*)$", r.stdout, re.M)
    if step.check(r.returncode == 0 and verdict and verdict.group(1).startswith("refused"),
                  "SSLv3 %s (a hand-built SSLv3 ClientHello: this OpenSSL has no SSLv3)"
                  % (verdict.group(1) if verdict else "?"),
                  "exit %d: %s" % (r.returncode, verdict.group(1) if verdict
                                   else r.out.strip()[-160:])):
        refused.append("SSLv3")
    elif verdict and verdict.group(1).startswith("accepted"):
        bad.append("accepts SSLv3")
    step.summary = "%s; %s refused" % (", ".join(said), ", ".join(refused) or "nothing older")
    if t.scheme == "smtp":
        step.summary += " (after STARTTLS)"
    if bad:
        step.summary = "the server %s" % " and ".join(bad)


def suites(step, lab):
    """2. Every suite the server accepts, at every version it accepts, is
    forward-secret, AEAD and authenticated; any other is listed."""
    table = classes(lab)
    rows, bad = [], []
    for version in ("TLSv1.3", "TLSv1.2") + OLD:
        if version in OLD:
            h = lab.done.get("old", {}).get(version, "?")
            if h == "?":
                h = old_version(step, lab, version, show=False)[0]
            if h is None:
                continue
        elif version not in lab.done.get("suites", {}):
            if _try(lab, version) is None:
                continue
        for s in accepted_suites(step, lab, version):
            c = table.get(s, {"kx": "?", "au": "?", "enc": "?", "mac": "?", "fs": False,
                              "aead": False, "anon": False})
            why = [w for w, flaw in (("no forward secrecy", not c["fs"]),
                                     ("not AEAD", not c["aead"]),
                                     ("anonymous", c["anon"])) if flaw]
            rows.append("%-8s %-32s Kx=%-6s Au=%-6s Enc=%-22s %s"
                        % (version, s, c["kx"], c["au"], c["enc"],
                           "ok" if not why else ", ".join(why)))
            if why:
                bad.append("%s %s (%s)" % (version, s, ", ".join(why)))
    step.evidence(rows, limit=24)
    if not rows:
        step.check(False, "the server accepts some suite", "no handshake succeeded")
        return
    step.check(not bad, "all %d accepted suites are forward-secret and AEAD" % len(rows),
               "it also accepts %s" % "; ".join(bad))
    step.summary = "%d suites, all forward-secret and AEAD" % len(rows) if not bad else \
        "the server accepts %d suite%s that %s not forward-secret and AEAD: %s%s" % (
            len(bad), "" if len(bad) == 1 else "s", "is" if len(bad) == 1 else "are",
            ", ".join(bad[:3]), ", ..." if len(bad) > 3 else "")


def fetch_certificate(step, lab):
    """The chain the server sends: the leaf saved as $WT/cert/server.pem,
    the rest as chain.pem. Returns the leaf's path."""
    if "leaf" in lab.done:
        return lab.done["leaf"]
    r = step.run(s_client(lab, "-showcerts", "-cipher", "ALL:@SECLEVEL=0"), input="",
                 timeout=20, show=r"^\s*\d+ s:|^\s+i:|^\s+a:PKEY|^\s+v:NotBefore", limit=8,
                 fmt=str.strip)
    pems = re.findall(r"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n?",
                      r.stdout, re.S)
    if not pems:
        raise Abort("the server sent no certificate (openssl s_client exit %d: %s)"
                    % (r.returncode, probe.last_error(r.out)))
    leaf, chain = lab.path("cert", "server.pem"), lab.path("cert", "chain.pem")
    with open(leaf, "w") as f:
        f.write(pems[0].rstrip("\n") + "\n")
    with open(chain, "w") as f:
        f.write("".join(p.rstrip("\n") + "\n" for p in pems[1:]))
    lab.done["leaf"], lab.done["chain"] = leaf, chain if len(pems) > 1 else None
    return leaf


def trust(step, lab):
    """The trust anchor a client should use: the CA file given, else the
    server's own certificate (the lab's self-signed set-up)."""
    return lab.target.cafile or fetch_certificate(step, lab)


def names_host(info, host):
    """(True, how) when the certificate names HOST: a DNS subjectAltName
    (a wildcard matches one label) or an IP one; the CN counts only when
    there is no subjectAltName, as browsers and Python's ssl do."""
    ip = probe.is_ip(host)
    for san in info["sans"]:
        kind, _, value = san.partition(":")
        if ip and kind == "IP Address" and value.strip() == host:
            return True, "subjectAltName " + san
        if not ip and kind == "DNS":
            v = value.strip().lower()
            if v == host.lower() or (v.startswith("*.") and "." in host and
                                     host.lower().split(".", 1)[1] == v[2:]):
                return True, "subjectAltName " + san
    if not info["sans"] and info["cn"] and info["cn"].lower() == host.lower():
        return True, "CN (no subjectAltName)"
    return False, None


def key_strength(info, min_rsa):
    """(ok, text) for the certificate's key."""
    text = info["text"]
    key = info["key"]
    if key.startswith("RSA"):
        m = re.search(r"(\d+)", key)
        bits = int(m.group(1)) if m else 0
        return bits >= min_rsa, "RSA %d bits (at least %d wanted)" % (bits, min_rsa)
    if key.startswith("ECDSA"):
        curve = key.split(" ", 1)[1]
        return curve in STRONG_CURVES, "ECDSA %s (P-256 or better wanted)" % curve
    if re.search(r"ED25519|ED448", text, re.I):
        return True, re.search(r"(ED25519|ED448)", text, re.I).group(1)
    return False, "key %s: neither RSA, ECDSA nor EdDSA" % key


def certificate(step, lab):
    """3. Self-signed or issued by the given CA; names the host graded;
    inside its validity window; a strong enough key; not signed with SHA-1."""
    t, min_rsa = lab.target, lab.opts.min_rsa
    leaf = fetch_certificate(step, lab)
    step.run(certs.x509_text_args(leaf), show=certs.x509_shown_lines(),
             limit=16, fmt=str.strip)
    info = certs.read(lab, leaf)
    if info is None:
        raise Abort("openssl cannot read the certificate the server sent")
    chain = ["-untrusted", lab.done["chain"]] if lab.done.get("chain") else []
    bad = []
    if t.cafile:
        v = step.run(["openssl", "verify", "-no_check_time", "-CAfile", t.cafile] + chain
                     + [leaf])
        if not step.check(v.returncode == 0, "issued by %s and verified against %s"
                          % (info["issuer"], lab.shown(t.cafile)),
                          "openssl verify: %s" % v.out.strip().splitlines()[-1][-160:]):
            bad.append("it does not verify against the CA file given")
    else:
        v = step.run(["openssl", "verify", "-no_check_time", "-CAfile", leaf, leaf])
        if not step.check(info["subject"] == info["issuer"] and v.returncode == 0,
                          "self-signed: the issuer is the subject (%s) and the signature "
                          "verifies with its own key" % info["subject"],
                          "issuer %s, and no CA file was given to verify it with"
                          % info["issuer"]):
            bad.append("it is not self-signed and no CA file was given")
    named, how = names_host(info, t.host)
    if not step.check(named, "it names the host graded, %s: %s" % (t.host, how),
                      "CN %s, subjectAltName %s" % (info["cn"],
                                                    ", ".join(info["sans"]) or "none")):
        bad.append("it names %s, not %s" % (", ".join(info["sans"]) or "CN " + str(info["cn"]),
                                             t.host))
    now = time.time()
    days = int((info["not_after"] - now) // 86400)
    window = "from %s until %s" % (certs.when(info["not_before"])[:10],
                                   certs.when(info["not_after"])[:10])
    if now < info["not_before"]:
        step.check(False, "valid now", "%s: not valid yet" % window)
        bad.append("it is not valid until %s" % certs.when(info["not_before"])[:10])
    elif now > info["not_after"]:
        step.check(False, "valid now", "%s: expired %d days ago" % (window, -days))
        bad.append("it expired on %s" % certs.when(info["not_after"])[:10])
    else:
        step.check(True, "valid now, %s: %d days left" % (window, days))
    ok, key_text = key_strength(info, min_rsa)
    if not step.check(ok, "key: %s" % key_text, "too weak"):
        bad.append("its key is too weak: %s" % key_text)
    sig = re.search(r"Signature Algorithm: (\S+)", info["text"])
    sig = sig.group(1) if sig else "?"
    if not step.check(sig != "?" and not WEAK_SIGNATURE.search(sig),
                      "signature algorithm %s (not SHA-1)" % sig, "weak"):
        bad.append("it is signed with %s" % sig)
    lab.done["cert"] = info
    step.summary = "the certificate is wrong: %s" % "; ".join(bad) if bad else \
        "%s, CN=%s, %s, %s, until %s" % (
            "self-signed" if info["subject"] == info["issuer"] else "issued by " +
            info["issuer"], info["cn"], info["key"], sig, certs.when(info["not_after"])[:10])


def impostor(lab):
    """A self-signed certificate for the same host that the server's
    clients must not trust ('another CA')."""
    host = lab.target.host
    d = lab.dir("impostor")
    crt, key = os.path.join(d, "ca.crt"), os.path.join(d, "ca.key")
    san = ("IP:" if probe.is_ip(host) else "DNS:") + host
    r = lab.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                 "-subj", "/CN=%s" % host, "-addext", "subjectAltName=" + san], timeout=30)
    if r.returncode != 0:
        raise Abort("openssl req could not make the other CA: %s" % probe.last_error(r.out))
    return crt


def verification(step, lab):
    """4. A client verifies the server with the student's CA (seal
    --show-cert; for smtp://, Python's ssl) and refuses it with another."""
    t = lab.target
    anchor = trust(step, lab)
    other = impostor(lab)
    cert = ["--cert", t.client_cert, "--key", t.client_key] if t.client_cert else []
    if t.scheme == "smtp":
        step.note("seal speaks implicit TLS only: for this STARTTLS server, Python's ssl "
                  "module (the system OpenSSL) verifies instead: the chain to the trust "
                  "anchor, the host name, the dates")
        r = step.run(dialogue(lab, "verify", "--cafile", anchor), show=r"^\* |STARTTLS")
        good = r.returncode == 0
        why = r.stderr.strip()[-200:]
        r2 = step.run(dialogue(lab, "verify", "--cafile", other), show=r"^\* ")
        refused = r2.returncode == 4
        why2 = r2.stderr.strip()
    else:
        r = step.run([lab.seal, "--show-cert", "--cafile", anchor] + cert + [t.seal_url],
                     show=r"^Subject:|^SANs|^Valid until|^Key:|^TLS version|^Cipher|"
                          r"trusted chain|name match|dates", limit=10)
        good = r.returncode == 0
        why = "exit %d: %s" % (r.returncode, r.stderr.strip()[-200:])
        r2 = step.run([lab.seal, "--show-cert", "--cafile", other] + cert + [t.seal_url],
                      show=r"FAILED|rejected|untrusted", limit=3)
        refused = r2.returncode == 4
        why2 = r2.stderr.strip()
    lab.done["verified"] = good
    step.check(good, "with %s as trust anchor the client accepts the server"
               % lab.shown(anchor), why)
    step.check(refused, "with another CA (a self-signed certificate for %s) it refuses it: %s"
               % (t.host, why2.splitlines()[-1] if why2 else ""),
               "exit %d: %s" % (r2.returncode, why2[-160:] or r2.stdout.strip()[-160:]))
    said = (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
    bad = (["the client refuses the server with the student's trust anchor (%s)" % said]
           if not good else []) + \
        (["a client trusting another CA accepts it"] if not refused else [])
    step.summary = "; ".join(bad) or "accepted with the student's trust anchor, refused " \
                                     "with another CA"


def need_verified(step, lab):
    """Skip when check 4 found the certificate unverifiable: the clients
    below verify the server, so they cannot get in."""
    if "verified" not in lab.done:
        verification_quiet(step, lab)
    if not lab.done["verified"]:
        raise Skip("the client refuses the server's certificate (check 4), and this "
                   "check's client verifies it")


def verification_quiet(step, lab):
    """Check 4's first half, not shown: does the client accept the server?"""
    t = lab.target
    anchor = trust(step, lab)
    if t.scheme == "smtp":
        r = lab.run(dialogue(lab, "verify", "--cafile", anchor))
    else:
        cert = ["--cert", t.client_cert, "--key", t.client_key] if t.client_cert else []
        r = lab.run([lab.seal, "--show-cert", "--cafile", anchor] + cert + [t.seal_url])
    lab.done["verified"] = r.returncode == 0
