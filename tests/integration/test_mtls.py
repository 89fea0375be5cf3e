"""Mutual TLS: --client-ca with --require-client-cert."""

import time

from lib import (DEFAULT_USERS, Server, Smtp, check, deadline, default_certs, make_certs,
                 password_file, seal, tail)

LIBRARY = True          # client certificates: run.py --library


def _mtls_server():
    c = default_certs()
    return Server(name="mtls", args=["--client-ca", c.client_crt, "--require-client-cert"])


def test_mtls_without_client_cert_fails():
    with _mtls_server() as s:
        r = seal(["--batch", "--cafile", default_certs().crt, s.url()], input="EHLO x\nQUIT\n")
        out = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 3, "seal without a client cert: exit %d, want 3; %s"
              % (r.returncode, tail(r.stderr)))
        check("S: 250" not in out, "a session ran without a client cert: %s" % tail(out))


def test_mtls_with_client_cert_works_and_is_logged():
    c = default_certs()
    with _mtls_server() as s:
        r = seal(["--batch", "--cafile", c.crt, "--cert", c.client_crt, "--key", c.client_key,
                  "--user", "alice", "--password-file", password_file(DEFAULT_USERS["alice"]),
                  s.url()], input="EHLO x\nNOOP\nQUIT\n")
        out = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 0, "seal with a client cert: exit %d; %s"
              % (r.returncode, tail(r.stderr)))
        check("S: 221" in out, "no 221 in the transcript: %s" % tail(out))
        end = time.monotonic() + deadline(3)
        while "seal-client" not in s.log() and time.monotonic() < end:
            time.sleep(0.1)
        check("seal-client" in s.log(), "sealed.log does not name the client cert (CN=seal-client)")


def test_mtls_python_client_cert_and_foreign_cert():
    """Python's ssl with the right client cert works; with a cert the server's
    --client-ca does not hold, no session."""
    c = default_certs()
    other = make_certs()
    with _mtls_server() as s:
        with Smtp(s.port, cert=c.client_crt, key=c.client_key) as sm:
            check(sm.greeting[0] == 220, "greeting: %r" % (sm.greeting,))
            sm.expect("NOOP", 250)
        try:
            with Smtp(s.port, cert=other.client_crt, key=other.client_key) as sm:
                code, lines = sm.cmd("NOOP")
                raise AssertionError("a foreign client cert got a session: %r" % lines)
        except AssertionError:
            raise
        except Exception:
            pass    # handshake failure or closed: expected
