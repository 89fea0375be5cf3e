"""Concurrency: 50 clients at once each deliver once; 200 idle TLS connections
do not stop a new client from being served."""

import smtplib
import socket
import ssl
import threading
import time

from lib import (DEFAULT_USERS, Server, Smtp, check, client_context, deadline, find_messages,
                 malformed_log_lines, marker, message, timeout)


@timeout(120)
def test_50_concurrent_clients_each_delivered_once():
    n = 50
    with Server(name="concurrent") as s:
        marks = [marker() for _ in range(n)]
        errors = []
        start = threading.Barrier(n)

        def client(mk):
            try:
                start.wait(deadline(30))
                with smtplib.SMTP_SSL("localhost", s.port, context=client_context(),
                                      timeout=deadline(60)) as c:
                    c.login("alice", DEFAULT_USERS["alice"])
                    c.sendmail("alice@localhost", ["bob@localhost"], message(mk))
            except Exception as e:  # noqa: B902
                errors.append("%s: %s" % (type(e).__name__, e))

        threads = [threading.Thread(target=client, args=(mk,), daemon=True) for mk in marks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(deadline(90))
        check(not any(t.is_alive() for t in threads), "some clients hung")
        check(not errors, "%d of %d clients failed, e.g. %s" % (len(errors), n, errors[0]
                                                                if errors else ""))
        files = s.messages()
        check(len(files) == n, "want exactly %d files in new/, found %d" % (n, len(files)))
        for mk in marks:
            found = find_messages(s, mk)
            check(len(found) == 1, "marker %s found %d times" % (mk, len(found)))
        # 50 sessions logged from 2 workers at once: no line is torn or mixed.
        bad = malformed_log_lines(s.log())
        check(not bad, "%d malformed log lines after concurrent sessions, e.g. %r"
              % (len(bad), bad[:1]))


@timeout(120)
def test_200_idle_connections_do_not_block_a_new_client():
    n = 200
    with Server(name="idle") as s:
        ctx = client_context()
        idle = []
        try:
            for i in range(n):
                raw = socket.create_connection(("localhost", s.port), timeout=deadline(20))
                try:
                    idle.append(ctx.wrap_socket(raw, server_hostname="localhost"))
                except (ssl.SSLError, OSError) as e:
                    raw.close()
                    raise AssertionError("idle connection %d: handshake failed: %s" % (i, e))
            # All handshaken and silent. A new client must be served promptly.
            t0 = time.monotonic()
            mk = marker()
            with Smtp(s.port, timeout=10) as c:
                check(c.greeting[0] == 220, "greeting: %r" % (c.greeting,))
                code, lines = c.login("alice", DEFAULT_USERS["alice"])
                check(code == 235, "login: %r" % lines)
                code, lines = c.send_message(message(mk))
                check(code == 250, "end of DATA: %r" % lines)
                c.expect("QUIT", 221)
            took = time.monotonic() - t0
            check(took < deadline(10), "new client took %.1f s with %d idle" % (took, n))
            check(len(find_messages(s, mk)) == 1, "message not delivered")
            # The idle ones are still there: the first still gets its greeting.
            idle[0].settimeout(deadline(5))
            data = idle[0].recv(512)
            check(data.startswith(b"220"), "an idle connection got %r, not a greeting" % data[:40])
            check(s.alive(), "server died")
        finally:
            for c in idle:
                try:
                    c.close()
                except OSError:
                    pass
