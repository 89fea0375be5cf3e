#!/usr/bin/env python3
"""Makes tls-pair.crt and tls-pair.key, the server side of test_tls_step.c's
TLS sessions over a socketpair: a self-signed EC P-256 certificate for
localhost, valid 2000 to 2100, and its key (unencrypted; it protects nothing
and is published here). Run once by hand (python3-cryptography)."""
import datetime as dt
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

UTC = dt.timezone.utc
key = ec.generate_private_key(ec.SECP256R1())
subj = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
cert = (x509.CertificateBuilder().subject_name(subj).issuer_name(subj)
        .public_key(key.public_key()).serial_number(0x7E57)
        .not_valid_before(dt.datetime(2000, 1, 1, tzinfo=UTC))
        .not_valid_after(dt.datetime(2100, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256()))
with open("tls-pair.crt", "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
with open("tls-pair.key", "wb") as f:
    f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))
