"""seal-load against a real server: smtp sessions that each deliver a message,
handshakes, a wrong trust anchor counted as handshake failures, and the exit
statuses for bad usage and an unreachable server. Each test starts its own
server: many handshakes in one server thread is what these tests are for, and
a sanitizer report from that server then fails the test that caused it."""

from lib import (DEFAULT_USERS, Server, check, default_certs, free_port, password_file,
                 library, seal_load, timeout, why)


@timeout(120)
def test_seal_load_smtp_40_sessions_each_delivered():
    with Server(name="seal-load-smtp") as s:
        pw = password_file(DEFAULT_USERS["alice"])
        r, j = seal_load(["smtp", "-c", "8", "-n", "40", "-s", "1024", "--json",
                      "--user", "alice", "--password-file", pw, "--rcpt", "bob@localhost",
                      "--cafile", s.certs.crt, s.url()])
        check(r.returncode == 0, "seal-load smtp: " + why(r))
        check(j is not None, "no JSON summary: " + why(r))
        check(j["mode"] == "smtp", "mode %r" % j.get("mode"))
        check(j["ok"] == 40 and j["failed"] == 0,
              "want 40 ok, 0 failed; got %s ok, %s failed (%s)"
              % (j["ok"], j["failed"], j.get("first_errors")))
        check(all(v == 0 for v in j["failures"].values()), "failures %r" % j["failures"])
        check(j["tls"]["version"] in ("TLSv1.3", "TLSv1.2"), "tls %r" % j["tls"])
        files = s.messages("bob")
        check(len(files) == 40, "want 40 files in bob's new/, found %d" % len(files))
        with open(files[0], "rb") as f:
            body = f.read()
        check(b"Subject: seal-load" in body and len(body) > 1024,
              "a stored message is not seal-load's (%d bytes)" % len(body))


@library
@timeout(90)
def test_seal_load_handshake_20():
    with Server(name="seal-load-handshake") as s:
        r, j = seal_load(["handshake", "-c", "4", "-n", "20", "--json",
                      "--cafile", s.certs.crt, s.url()])
    check(r.returncode == 0, "seal-load handshake: " + why(r))
    check(j is not None and j["ok"] == 20 and j["failed"] == 0,
          "want 20 ok, 0 failed: %s" % (j if j else why(r)))
    check(j["connected"] == 20, "want 20 connections, got %s" % j["connected"])
    check(s.stop() == 0, "server exit status %s after SIGTERM" % s.exit_code)


@library
@timeout(90)
def test_seal_load_wrong_cafile_counts_handshake_failures():
    other = default_certs().client_crt     # a certificate, but not the server's
    with Server(name="seal-load-cafile") as s:
        r, j = seal_load(["handshake", "-c", "2", "-n", "6", "--json", "--cafile", other,
                      s.url()])
    check(r.returncode != 0, "seal-load trusted the wrong anchor: " + why(r))
    check(j is not None, "no JSON summary: " + why(r))
    check(j["ok"] == 0, "%s sessions succeeded with the wrong anchor" % j["ok"])
    check(j["failures"]["handshake"] == 6 and j["failed"] == 6,
          "want 6 handshake failures, got %r" % j["failures"])
    check("handshake" in j["first_errors"] and "untrusted" in j["first_errors"]["handshake"],
          "no reason given: %r" % j["first_errors"])


def test_seal_load_unreachable_exit_3_and_bad_mode_exit_2():
    crt = default_certs().crt
    r, j = seal_load(["handshake", "-n", "3", "--json", "--cafile", crt,
                  "smtps://localhost:%d" % free_port()])
    check(r.returncode == 3, "nothing listening: want exit 3, " + why(r))
    check(j is not None and j["failures"]["connect"] >= 1, "connect failures not counted")
    for args in (["pop3", "smtps://localhost:1"], ["nonsense", "smtps://localhost:1"],
                 ["smtp", "smtps://localhost:1"], ["handshake", "-c", "0", "smtps://localhost:1"]):
        r, _ = seal_load(args)
        check(r.returncode == 2, "%s: want exit 2, %s" % (" ".join(args), why(r)))
