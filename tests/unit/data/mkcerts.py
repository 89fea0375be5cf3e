#!/usr/bin/env python3
"""Makes the fixed test certificates of test_certinfo.c and test_client_checks.c.
Run once by hand (python3-cryptography); the tests pin their fingerprints, so
re-running means updating the tests. Keys are thrown away."""
import datetime as dt, ipaddress
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

UTC = dt.timezone.utc

def name(cn, org=None):
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)

def sans(items):
    out = []
    for s in items:
        kind, val = s.split(":", 1)
        out.append(x509.IPAddress(ipaddress.ip_address(val)) if kind == "IP" else x509.DNSName(val))
    return x509.SubjectAlternativeName(out)

def make(path, subj, key, serial, nb, na, alt=None, ca=False, issuer=None, ikey=None, h=hashes.SHA256()):
    b = (x509.CertificateBuilder().subject_name(subj)
         .issuer_name(issuer or subj).public_key(key.public_key()).serial_number(serial)
         .not_valid_before(nb).not_valid_after(na)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
    if alt:
        b = b.add_extension(sans(alt), critical=False)
    cert = b.sign(ikey or key, h)
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))

d = lambda y, m, day: dt.datetime(y, m, day, tzinfo=UTC)
ec_key = ec.generate_private_key(ec.SECP256R1())
make("certinfo-ec.crt", name("localhost", "Sealed Lab"), ec_key, 0x01020304A0,
     d(2025, 1, 1), d(2035, 1, 1), ["DNS:localhost", "DNS:mail.localhost", "IP:127.0.0.1", "IP:::1"])
make("certinfo-rsa-cnonly.crt", name("cnonly.test"), rsa.generate_private_key(65537, 2048), 7,
     d(2025, 1, 1), d(2026, 1, 1))
ca_key = ec.generate_private_key(ec.SECP384R1())
make("certinfo-ca.crt", name("Sealed Test CA", "Sealed Lab"), ca_key, 1, d(2025, 1, 1), d(2045, 1, 1), ca=True,
     h=hashes.SHA384())
make("certinfo-leaf.crt", name("localhost"), ec.generate_private_key(ec.SECP256R1()), 2,
     d(2025, 1, 1), d(2035, 1, 1), ["DNS:other.test", "DNS:*.wild.test"], issuer=name("Sealed Test CA", "Sealed Lab"),
     ikey=ca_key, h=hashes.SHA384())
