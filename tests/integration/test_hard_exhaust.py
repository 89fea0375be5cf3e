"""Exhaustion and slow clients (issue 8, part 3).

- 5,000 connections that send nothing and 20 that trickle a ClientHello one
  byte every 2 s: the handshake timeout (10 s) reclaims every one; meanwhile a
  normal client completes a whole session and `sealed status` answers; the
  server's peak memory is reported. Heavy: only in the first stage.
- Under a descriptor limit of 256 the global limit refuses the excess (and
  logs it) while the server stays under the limit and `sealed status` works.
- A POP3 client that stops reading during a RETR and an RTSP client that
  stops reading its stream are dropped; memory stays bounded; another client
  on the same (only) worker is answered at once throughout.
- 100 wrong logins from 127.0.0.5 slow that address down, doubling to the cap,
  even for a guesser that hangs up early; a correct login from 127.0.0.6 is
  not slowed; every failure is logged with the address.
- User names and addresses are apart: failing as the user "127.0.0.5" does
  not slow the address 127.0.0.5. A success does not clear its address's
  failures (only the user's): a guesser who owns an account keeps its
  slow-down.

The per-address limit itself is tested from 127.0.0.2 in test_robust.py.
"""

import os
import re
import select
import socket
import statistics
import sys
import threading
import time

import lib
from hardlib import heavy, open_fds, raise_nofile, status, tls_client_hello, wait_for
from lib import (DEFAULT_USERS, Pop3, Rtsp, Server, Smtp, check, marker, message, plain_blob,
                 rss_kb, timeout)

sys.path.insert(0, os.path.join(lib.ROOT, "tools"))
import mkwav  # noqa: E402

HANDSHAKE_TIMEOUT_S = 10        # HANDSHAKE_TIMEOUT_MS in common/defaults.h
OUT_STALL_S = 30                # OUT_STALL_MAX_MS
SESSION_BOUND_S = 5.0           # a normal session during an attack (machines are noisy)
LATENCY_BOUND_S = 2.0           # one POP3 command beside a stalled reader
RSS_BOUND_MB = 40


def _session(port, source=None):
    """A whole SMTP session (handshake, login, one message, QUIT); its time."""
    t0 = time.monotonic()
    mk = marker()
    with Smtp(port, timeout=20, source=source) as c:
        code, lines = c.login("alice", DEFAULT_USERS["alice"])
        check(code == 235, "login: %r" % lines)
        code, lines = c.send_message(message(mk))
        check(code == 250, "end of DATA: %r" % lines)
        c.expect("QUIT", 221)
    return time.monotonic() - t0


def _closed_by_peer(sock):
    """True when the server has closed SOCK (EOF or reset), without waiting."""
    try:
        p = select.poll()                  # not select(): descriptors above 1024
        p.register(sock, select.POLLIN)
        if not p.poll(0):
            return False
        return sock.recv(4096) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except BlockingIOError:
        return False


@timeout(150)
def test_5000_silent_and_trickling_connections_are_reclaimed():
    heavy()
    n, trickling = 5000, 20
    raise_nofile(n + 2000)
    s = Server(name="flood", nofile=2 * n + 2000)
    s.start()
    silent, slow = [], []
    stop = threading.Event()
    try:
        hello = tls_client_hello(s.port)
        for _ in range(trickling):
            slow.append([socket.create_connection(("127.0.0.1", s.port), timeout=5), 0,
                         time.monotonic(), None])
        def trickle():                               # one byte each, every 2 s
            while not stop.wait(2.0):
                for t in slow:
                    if t[3] is None and t[1] < len(hello):
                        try:
                            t[0].sendall(hello[t[1]:t[1] + 1])
                            t[1] += 1
                        except OSError:
                            t[3] = time.monotonic()
        tr = threading.Thread(target=trickle, daemon=True)
        tr.start()
        t0 = time.monotonic()
        for i in range(n):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            c.setblocking(False)
            silent.append(c)
        opened = time.monotonic() - t0
        took = [_session(s.port)]
        st = status(s.data_dir)
        check(st["conns_open"] >= n, "status during the flood: %d open, want >= %d"
              % (st["conns_open"], n))
        peak = rss_kb(s.proc.pid, "VmHWM")
        fds = open_fds(s.proc.pid)
        time.sleep(2)
        took.append(_session(s.port))
        worst = max(took)
        check(worst < lib.deadline(SESSION_BOUND_S),
              "a session took %.2f s during the flood (bound %.0f s)"
              % (worst, lib.deadline(SESSION_BOUND_S)))
        # Reclaimed by the handshake timeout: the server closes every one.
        end = t0 + opened + HANDSHAKE_TIMEOUT_S + lib.deadline(10)
        left = wait_for(lambda: status(s.data_dir)["conns_open"] == 0, end - time.monotonic(),
                        0.5)
        st = status(s.data_dir)
        check(left, "%d connections still open %.0f s after the flood began"
              % (st["conns_open"], time.monotonic() - t0))
        not_closed = sum(not _closed_by_peer(c) for c in silent)
        check(not_closed == 0, "%d silent sockets not closed by the server" % not_closed)
        for t in slow:
            if t[3] is None and _closed_by_peer(t[0]):
                t[3] = time.monotonic()
        alive = [t for t in slow if t[3] is None]
        check(not alive, "%d trickling connections still open" % len(alive))
        spans = [t[3] - t[2] for t in slow]
        check(max(spans) < HANDSHAKE_TIMEOUT_S + 6,
              "a trickling ClientHello kept its connection %.1f s" % max(spans))
        check(st["handshakes_failed"] >= n + trickling, "handshakes_failed %d"
              % st["handshakes_failed"])
        check(s.log().count("tls handshake timed out") >= n + trickling,
              "not every reclaimed connection is logged")
        took.append(_session(s.port))
        print("# %d silent connections opened in %.1f s + %d trickling a ClientHello: "
              "sessions during the flood %s s (bound %.0f s); server peak RSS %.1f MB, %d fds; "
              "all reclaimed in %.1f s; trickling ones closed after %.1f-%.1f s"
              % (n, opened, trickling, "/".join("%.2f" % x for x in took), SESSION_BOUND_S,
                 peak / 1024, fds, time.monotonic() - t0 - 0, min(spans), max(spans)),
              flush=True)
    finally:
        stop.set()
        for c in silent:
            c.close()
        for t in slow:
            t[0].close()
        s.stop()


@timeout(60)
def test_global_limit_stays_under_the_fd_limit_and_status_answers():
    nofile = 256
    s = Server(name="fdlimit", nofile=nofile, args=["--workers", "2"])
    s.start()
    try:
        m = re.search(r"sealed ready: .* max_conns=(\d+) max_files=(\d+) fd_limit=(\d+)",
                      s.log())
        check(m and int(m.group(3)) == nofile, "no limit logged at start: %r" % s.log()[-300:])
        limit, files = int(m.group(1)), int(m.group(2))
        n = limit + 40
        check(limit + files < nofile, "limit %d + %d files under %d descriptors"
              % (limit, files, nofile))
        # an idle session costs one descriptor, not two
        check(limit > nofile // 2, "limit %d: descriptors kept for files nobody opened" % limit)
        # the start-up port probe is gone before we count
        wait_for(lambda: status(s.data_dir)["conns_open"] == 0, lib.deadline(5))
        socks = [socket.create_connection(("127.0.0.1", s.port), timeout=10) for _ in range(n)]
        time.sleep(1.0)
        refused = sum(_closed_by_peer(c) for c in socks)
        fds = open_fds(s.proc.pid)
        st = status(s.data_dir)                      # the control socket has room
        check(st["conns_open"] <= limit, "%d open over the limit %d" % (st["conns_open"], limit))
        check(refused == n - limit, "%d refused, want %d (%d open): %s" % (
            refused, n - limit, st["conns_open"], lib.tail(s.log(), 8)))
        check(st["conns_refused"] >= n - limit, "conns_refused %d" % st["conns_refused"])
        check(fds < nofile - 32, "server holds %d of %d descriptors" % (fds, nofile))
        check("refused: too many connections\n" in s.log() or
              re.search(r"refused: too many connections$", s.log(), re.M),
              "the refusal is not logged")
        for c in socks:
            c.close()
        took = wait_for(lambda: status(s.data_dir)["conns_open"] == 0, lib.deadline(5))
        check(took, "connections not released")
        _session(s.port)
        print("# ulimit -n %d: global limit %d; %d of %d connections refused and logged; "
              "server at %d fds; status answered" % (nofile, limit, refused, n, fds), flush=True)
    finally:
        s.stop()


def _rtsp_setup(port, media, c=None):
    """SETUP of MEDIA as alice on a new (or the given) connection: (Rtsp, status code)."""
    c = c or Rtsp(port)
    c.login("alice", DEFAULT_USERS["alice"])
    code, _, _, _ = c.cmd("SETUP", c.url(media) + "/trackID=0",
                          headers=["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"])
    return c, code


@timeout(90)
def test_file_slots_refuse_for_now_and_free_on_close():
    s = Server(name="files", pop3=True, rtsp=True, nofile=256, args=["--workers", "1"])
    media = os.path.join(s.data_dir, "media")
    os.makedirs(media)
    mkwav.write_wav(os.path.join(media, "a.wav"), 1.0, 8000, 1)
    s.start()
    new = os.path.join(s.data_dir, "mail", "bob", "new")
    with open(os.path.join(new, "1700000000.M1P1Q1.files"), "wb") as f:
        f.write(b"From: a@localhost\nSubject: one\n\nbody\n")
    socks = []
    pop = None
    try:
        files = int(re.search(r"sealed ready: .* max_files=(\d+)", s.log()).group(1))
        pop = Pop3(s.pop3_port)                   # its maildrop lock holds a slot
        pop.login("bob", DEFAULT_USERS["bob"])
        for _ in range(files - 1):                # each stream holds its WAV open
            t, code = _rtsp_setup(s.rtsp_port, "a.wav")
            check(code == 200, "SETUP %d of %d: %d" % (len(socks) + 1, files - 1, code))
            socks.append(t)
        spare, code = _rtsp_setup(s.rtsp_port, "a.wav")
        check(code == 503, "SETUP with every file slot taken: want 503, got %d" % code)
        with Pop3(s.pop3_port) as other:          # a maildrop lock needs a slot too
            other.ok("USER alice")
            r = other.cmd("PASS " + DEFAULT_USERS["alice"])
            check(r.startswith("-ERR [SYS/TEMP]"), "POP3 login with no file slot: %r" % r)
        with Smtp(s.port, timeout=20) as c:
            code, lines = c.login("alice", DEFAULT_USERS["alice"])
            check(code == 235, "login: %r" % lines)
            c.expect("MAIL FROM:<alice@localhost>", 250)
            c.expect("RCPT TO:<bob@localhost>", 250)
            code, lines = c.cmd("DATA")
            check(code == 451 and "4.3.2" in lines[0], "DATA with no file slot: %r" % lines)
            with pop:
                r = pop.cmd("RETR 1")
                check(r.startswith("-ERR [SYS/TEMP]"), "RETR with no file slot: %r" % r)
                socks.pop().close()               # a stream ends: its slot comes back
                check(wait_for(lambda: pop.cmd("RETR 1").startswith("+OK"), lib.deadline(5)),
                      "RETR never got the freed slot")
                while pop.line() != ".":
                    pass
            # the POP3 session ended: its slots are free again
            check(wait_for(lambda: c.cmd("DATA")[0] == 354, lib.deadline(5)),
                  "DATA never got a file slot")
            c.send(b"Subject: t\r\n\r\nslot\r\n.\r\n")
            code, lines = c.reply()
            check(code == 250, "end of DATA: %r" % lines)
        check(_rtsp_setup(s.rtsp_port, "a.wav", spare)[1] == 200, "SETUP after slots came back")
        socks.append(spare)
        check("file slots are taken" in s.log(), "the refusals are not logged")
        print("# ulimit -n 256: %d file slots; the next SETUP got 503, DATA 451 4.3.2, "
              "a POP3 login and RETR -ERR [SYS/TEMP], each served once a slot came back"
              % files, flush=True)
    finally:
        for t in socks:
            t.close()
        if pop is not None:
            pop.close()
        s.stop()


# --- slow readers ------------------------------------------------------------------

def _rtsp_stalled_play(port, media):
    """MEDIA played to a client with a small receive buffer that never reads."""
    c = Rtsp(port, rcvbuf=4096)
    c.login("alice", DEFAULT_USERS["alice"])
    c.setup(media)
    c.request("PLAY", c.url(media))
    return c                                       # and it never reads again


@timeout(150)
def test_stalled_readers_are_dropped_others_on_the_worker_are_not_delayed():
    env = {}
    if lib.SLOW > 1:
        env["ASAN_OPTIONS"] = ":".join(o for o in (os.environ.get("ASAN_OPTIONS"),
                                                   "quarantine_size_mb=16") if o)
    s = Server(name="stall", pop3=True, rtsp=True, args=["--workers", "1"], env=env)
    media = os.path.join(s.data_dir, "media")
    os.makedirs(media)
    mkwav.write_wav(os.path.join(media, "big.wav"), 20.0, 192000, 2)   # 15 MB, 768 kB/s
    body = "".join("%07d %s\n" % (i, "z" * 90) for i in range(200000)).encode()   # 20 MB
    new = os.path.join(s.data_dir, "mail", "bob", "new")
    s.start()
    with open(os.path.join(new, "1700000000.M1P1Q1.big"), "wb") as f:
        f.write(b"From: a@localhost\nSubject: big\n\n" + body)
    samples, lat = [], []
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            try:
                samples.append(rss_kb(s.proc.pid))
            except (OSError, lib.TestFailure):
                return
            time.sleep(0.05)

    try:
        with Pop3(s.pop3_port) as other:
            other.login("alice", DEFAULT_USERS["alice"])
            idle = rss_kb(s.proc.pid)
            th = threading.Thread(target=sampler, daemon=True)
            th.start()
            pop = Pop3(s.pop3_port, rcvbuf=4096)
            pop.login("bob", DEFAULT_USERS["bob"])
            pop.sock.sendall(b"RETR 1\r\n")        # and never reads again
            rtsp = _rtsp_stalled_play(s.rtsp_port, "big.wav")
            t0 = time.monotonic()
            dropped = {}
            end = t0 + OUT_STALL_S + lib.deadline(15)
            while time.monotonic() < end and len(dropped) < 2:
                a = time.monotonic()
                other.ok("NOOP")
                other.ok("STAT")
                lat.append(time.monotonic() - a)
                for svc in ("pop3", "rtsp"):
                    if svc not in dropped and re.search(
                            r" %s \S+ \* close slow reader" % svc, s.log()):
                        dropped[svc] = time.monotonic() - t0
                time.sleep(0.1)
            stop.set()
            th.join(5)
            pop.close()
            rtsp.close()
            other.ok("QUIT")
        check("rtsp" in dropped, "the RTSP client that stopped reading was not dropped")
        check("pop3" in dropped, "the POP3 client that stopped reading mid-RETR was not dropped "
              "within %d s" % (OUT_STALL_S + lib.deadline(15)))
        grown = (max(samples) - idle) / 1024
        check(grown < RSS_BOUND_MB, "server RSS grew by %.1f MB with two stalled readers "
              "(bound %d MB)" % (grown, RSS_BOUND_MB))
        lat.sort()
        worst = lat[-1]
        check(worst < lib.deadline(LATENCY_BOUND_S),
              "a client on the same worker waited %.2f s for NOOP+STAT" % worst)
        print("# --workers 1: RTSP stalled reader dropped after %.1f s, POP3 RETR stalled reader "
              "after %.1f s; the other client's NOOP+STAT over %d rounds: median %.1f ms, "
              "max %.1f ms; RSS growth at most %.1f MB"
              % (dropped["rtsp"], dropped["pop3"], len(lat), statistics.median(lat) * 1000,
                 worst * 1000, grown), flush=True)
        code = s.stop()
        check(code == 0, "exit %s after SIGTERM: %s" % (code, s.why()))
    finally:
        stop.set()
        s.stop()


# --- password guessing ------------------------------------------------------------

def _guess(port, source, user, password, result, hang_up=None):
    """One AUTH PLAIN from SOURCE; appends (code, seconds) to RESULT. With
    HANG_UP, gives up after that many seconds (an impatient guesser)."""
    try:
        with Smtp(port, timeout=60, source=source) as c:
            c.expect("EHLO guess.example", 250)
            if hang_up:
                c.send("AUTH PLAIN %s\r\n" % plain_blob(user, password))
                time.sleep(hang_up)
                result.append((None, hang_up))
                return
            t0 = time.monotonic()
            code, _ = c.cmd("AUTH PLAIN " + plain_blob(user, password))
            result.append((code, time.monotonic() - t0))
    except Exception as e:  # noqa: B902
        result.append((repr(e), 0))


def _failures(log, source):
    return [int(m.group(1)) for m in re.finditer(
        r"^.* %s:\d+ smtp \S+ \* auth failed user=\S+ delay=(\d+)ms$" % re.escape(source),
        log, re.M)]


@timeout(120)
def test_password_guessing_slows_the_address_not_a_correct_login_elsewhere():
    attacker, other, n = "127.0.0.5", "127.0.0.6", 100
    s = Server(name="guess", args=["--max-conns-per-ip", "200"])
    s.start()
    try:
        guesses = []
        threads = [threading.Thread(target=_guess, daemon=True,
                                    args=(s.port, attacker, "guess%03d" % i, "wrong-%d" % i,
                                          guesses)) for i in range(n)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        good = [_login_time(s.port, other)]          # during the attack
        for t in threads:
            t.join(lib.deadline(60))
        check(not any(t.is_alive() for t in threads), "guessers hung")
        codes = [g[0] for g in guesses]
        check(codes.count(535) == n, "want %d x 535, got %r" % (n, sorted(set(map(str, codes)))))
        good.append(_login_time(s.port, other))      # after it
        delays = _failures(s.log(), attacker)
        check(len(delays) == n, "%d of %d failures logged with the address %s"
              % (len(delays), n, attacker))
        check(min(delays) == 500 and max(delays) == 8000 and
              set(delays) <= {500, 1000, 2000, 4000, 8000} and delays.count(8000) >= n - 10,
              "delays do not double from 500 ms to the 8 s cap: %r" % sorted(set(delays)))
        waits = sorted(g[1] for g in guesses)
        # An impatient guesser that hangs up gains nothing: its guess is not
        # even checked before the address's slow-down has passed.
        impatient = []
        for i in range(5):
            _guess(s.port, attacker, "quick%d" % i, "wrong", impatient, hang_up=0.5)
        time.sleep(0.5)
        check(len(_failures(s.log(), attacker)) == n,
              "guesses from a slowed address were checked at once")
        t = _login_time(s.port, attacker)            # right password, slowed address
        check(t >= 7.0, "a login from the slowed address took only %.2f s" % t)
        check(max(good) < lib.deadline(SESSION_BOUND_S),
              "a correct login from %s took %.2f s (bound %.0f s)"
              % (other, max(good), lib.deadline(SESSION_BOUND_S)))
        print("# 100 wrong logins from %s: replies after %.1f-%.1f s (median %.1f s); "
              "logged delays 500->8000 ms (%d at the cap); 5 guesses that hung up after 0.5 s "
              "were never checked; a right password from %s then waited %.1f s; correct logins "
              "from %s took %s s" % (attacker, waits[0], waits[-1], statistics.median(waits),
                                     delays.count(8000), attacker, t, other,
                                     "/".join("%.2f" % x for x in good)), flush=True)
    finally:
        s.stop()


def _address_delays(log, source):
    """The slow-downs of SOURCE applied before a password check, in ms."""
    return [int(m.group(1)) for m in re.finditer(
        r"^.* %s:\d+ smtp \S+ \* auth delayed (\d+) ms: recent failures from %s$"
        % (re.escape(source), re.escape(source)), log, re.M)]


def _one_guess(port, source, user, password):
    result = []
    _guess(port, source, user, password, result)
    check(result and result[0][0] == 535, "a wrong login as %s from %s: %r"
          % (user, source or "127.0.0.1", result))


@timeout(60)
def test_a_user_named_like_an_address_does_not_slow_that_address():
    address = "127.0.0.5"
    s = Server(name="keys")
    s.start()
    try:
        for _ in range(2):                  # from 127.0.0.1, as the user "127.0.0.5"
            _one_guess(s.port, None, address, "wrong")
        user_delays = _failures(s.log(), "127.0.0.1")
        check(user_delays == [500, 1000], "the user's failures were not counted: %r"
              % user_delays)
        _login_time(s.port, address)        # bob, right password, from 127.0.0.5
        slowed = _address_delays(s.log(), address)
        check(slowed == [], "a login from %s was slowed by %r ms: the failures of the user "
              "named %s counted against the address" % (address, slowed, address))
        print("# 2 failures as the user %s (logged delays %r ms); a login from the address "
              "%s was not slowed" % (address, user_delays, address), flush=True)
    finally:
        s.stop()


@timeout(60)
def test_a_success_does_not_clear_the_address_slow_down():
    guesser = "127.0.0.8"
    s = Server(name="success")
    s.start()
    try:
        _one_guess(s.port, guesser, "nosuch1", "wrong")
        _one_guess(s.port, guesser, "nosuch2", "wrong")
        _login_time(s.port, guesser)        # the guesser's own account: bob
        _one_guess(s.port, guesser, "nosuch3", "wrong")
        log = s.log()
        failed, slowed = _failures(log, guesser), _address_delays(log, guesser)
        # The third failure is the address's third: 2 s (a fresh user alone
        # would be 0.5 s), and the guess after the success waited as long as
        # the success did.
        check(failed == [500, 1000, 2000], "logged failure delays %r, want [500, 1000, 2000]: "
              "the success cleared the address's failures" % failed)
        check(slowed == [500, 1000, 1000], "slow-downs before the checks %r, want "
              "[500, 1000, 1000]" % slowed)
        print("# from %s: 2 failures, bob's login, 1 failure: failure delays %r ms, "
              "slow-downs before each check %r ms" % (guesser, failed, slowed), flush=True)
    finally:
        s.stop()


def _login_time(port, source):
    t0 = time.monotonic()
    with Smtp(port, timeout=60, source=source) as c:
        code, lines = c.login("bob", DEFAULT_USERS["bob"])
        check(code == 235, "login from %s: %r" % (source, lines))
    return time.monotonic() - t0
