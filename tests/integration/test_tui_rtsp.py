"""The seal TUI's RTSP module (issue 5), driven in tmux against a real sealed
with an RTSP port and a 3-second WAV: OPTIONS without a login, DESCRIBE
answered 401 and the login form (the password never on screen), the player
beside the menu (the SDP's length, the session), PLAY with the progress bar
moving and the level meters lit, PAUSE holding the position, PLAY again to
the end and its RTCP BYE noted once, TEARDOWN, and --output holding the
source's samples exactly; then the automatic login (--user,
--password-file), a resize to 160x50 and back, and q asking before it
tears a playing session down.

The TUI runs in tui.Tui (its own tmux server on a unique -L socket,
HOME, LANG=C.UTF-8, killed in a finally; seal's stderr checked for
sanitizer reports, so `--bin build/san/bin` runs these under ASan); the
server is lib.RtspServer. Screens are polled with deadlines, never
read after fixed sleeps.
"""

import os
import re
import time

import lib
from lib import (RTSP_USERS as USERS, RtspServer, check, deadline, default_certs, password_file,
                 tail, timeout, tmpdir)
from holdproxy import HoldProxy
from media import STEREO, pcm_of
from tui import Tui, quit_seal

ALICE = USERS["alice"]
SECONDS = 3.0
HANDSHAKE_HOLD = 8.0     # seconds: both sides give a handshake 10
POSITION = re.compile(r"Position .*? (\d+):(\d\d)\.(\d) / 0:03\.0")
RECEIVED = re.compile(r"Received\s+(\d+) packets?")


def _url(s):
    return "rtsps://localhost:%d/%s" % (s.rtsp_port, STEREO)


def _position(screen):
    """The player's position in tenths of a second, or None."""
    m = POSITION.search(screen)
    return (int(m.group(1)) * 600 + int(m.group(2)) * 10 + int(m.group(3))) if m else None


def _packets(screen):
    m = RECEIVED.search(screen)
    return int(m.group(1)) if m else None


def _wait_position(tui, pred, what, seconds=15):
    """Polls until the position satisfies PRED; returns (position, screen)."""
    end = time.monotonic() + deadline(seconds)
    screen = ""
    while time.monotonic() < end:
        screen = tui.capture()
        pos = _position(screen)
        if pos is not None and pred(pos):
            return pos, screen
        time.sleep(0.05)
    raise lib.TestFailure("the position never %s; stderr: %s; last screen:\n%s"
                          % (what, tail(tui.stderr()), screen))


def _login_on_401(tui):
    """OPTIONS (no login needed), then DESCRIBE: 401 and the form."""
    tui.wait_for([r"RTSP commands", r"not logged in .*INIT", r"secure channel"])
    tui.send("o")
    tui.wait_for(r"S.C Public: .*DESCRIBE")
    tui.send("d")
    tui.wait_for([r"Log in: user and password", r"S.C WWW-Authenticate: Basic"])
    tui.type("alice")
    tui.send("Tab")
    tui.type(ALICE)
    screen = tui.wait_for(r"Password\s+\*{%d}" % len(ALICE))
    check(ALICE not in screen, "the password is drawn in the form")
    tui.send("Enter")
    return tui.wait_for([r"Stream tone\.wav", r"L16, 44100 Hz, stereo, 0:03\.0",
                         r"alice .*INIT, stream described", r"S.C a=range:npt=0-3\.000"])


def _play_and_watch(tui):
    """SETUP, PLAY: the bar moves (two positions, increasing), meters lit."""
    tui.send("s")
    tui.wait_for([r"\u2016 READY", r"Session\s+[0-9a-f]{16}, timeout 60 s",
                  r"alice .*READY"])
    tui.send("p")
    first, _ = _wait_position(tui, lambda p: p > 0, "moved after PLAY")
    second, screen = _wait_position(tui, lambda p: p > first + 2, "moved on")
    check(second < SECONDS * 10, "the stream ended before a second look")
    check(re.search(r"\u25b6 PLAYING", screen), "no PLAYING badge:\n%s" % screen)
    check(re.search(r"Level L\s+\u2588+.*-\d+\.\d dB", screen) and
          re.search(r"Level R\s+\u2588+.*-\d+\.\d dB", screen),
          "the level meters are not lit:\n%s" % screen)
    check(re.search(r"Lost\s+0 lost, 0 reordered", screen), "packets lost:\n%s" % screen)
    return second


def _pause_holds(tui):
    """PAUSE: READY, and neither the position nor the packet count moves."""
    tui.send("a")
    screen = tui.wait_for(r"alice .*READY, paused at \d:\d\d\.\d")
    time.sleep(0.3)                          # what was in flight has landed
    screen = tui.wait_for(r"Level L\s+\u2591+\s+silent")
    pos, packets = _position(screen), _packets(screen)
    time.sleep(0.8)
    later = tui.capture()
    check(_position(later) == pos and _packets(later) == packets,
          "the stream moved while paused: %s/%s then %s/%s"
          % (pos, packets, _position(later), _packets(later)))
    return pos


@timeout(120)
def test_tui_rtsp_login_play_pause_teardown_and_output():
    out = os.path.join(tmpdir("tuirtsp"), "out.wav")
    with RtspServer(name="tr-main", seconds=SECONDS) as s:
        tui = Tui(_url(s), default_certs().crt, x=80, y=24, args=["--output", out])
        try:
            _login_on_401(tui)
            tui.scroll_back_to([r"C.S DESCRIBE rtsps://", r"C.S Authorization: Basic \*{8}\s"])
            tui.send("End")
            _play_and_watch(tui)
            paused = _pause_holds(tui)
            tui.send("Space")                    # the player's key: PLAY goes on
            _wait_position(tui, lambda p: p > paused, "went on after PAUSE")
            screen = tui.wait_for([r"RTCP BYE: the server ended the stream at 0:03\.0",
                                   r"PLAYING, ended", r"alice .*stream ended"], seconds=20)
            check(_position(screen) == 30, "not at the end:\n%s" % screen)
            check(re.search(r"Received\s+150 packets, 529\.2 kB", screen) and
                  re.search(r"Level L\s+\u2591+\s+silent", screen),
                  "the player disagrees with the state:\n%s" % screen)
            check(screen.count("RTCP BYE: the server ended") == 1, "the BYE noted more than once")
            tui.send("t")
            tui.wait_for([r"S.C RTSP/1\.0 200 OK", r"out\.wav written: 0:03\.0 of",
                          r"alice .*INIT, stream described", r"\u25a0 INIT"])
            quit_seal(tui)
            rate, ch, got = pcm_of(out)
            _, _, want = pcm_of(os.path.join(s.media, STEREO))
            check((rate, ch) == (44100, 2), "WAV format %d Hz %d ch" % (rate, ch))
            check(got == want, "the WAV's samples differ from the source (%d vs %d bytes)"
                  % (len(got), len(want)))
            tui.check_hidden(ALICE)
        finally:
            tui.close()


def _all_areas(screen):
    return all(re.search(p, screen) for p in (
        r"seal \S+ rtsps://localhost:\d+/tone\.wav", r"Stream tone\.wav", r"RTSP commands",
        r"Position ", r"Level R", r"Transcript", r"alice \S+ PLAYING"))


@timeout(120)
def test_tui_rtsp_auto_login_resize_and_quit_question():
    with RtspServer(name="tr-auto", seconds=SECONDS) as s:
        pw = password_file(ALICE)
        tui = Tui(_url(s), default_certs().crt, x=80, y=24,
                  args=["--user", "alice", "--password-file", pw])
        try:
            tui.wait_for([r"RTSP commands", r"secure channel"])
            tui.send("d")                        # credentials go with it: no 401
            screen = tui.wait_for([r"Stream tone\.wav", r"alice .*INIT, stream described"])
            check(not re.search(r"(?<!\d)401(?!\d)", screen),    # not a port's digits
                  "a 401 despite --user:\n%s" % screen)
            tui.send("s")
            tui.wait_for(r"alice .*READY")
            tui.send("Space")
            _wait_position(tui, lambda p: p > 0, "moved after PLAY")
            for x, y in ((160, 50), (80, 24)):
                tui.resize(x, y)
                end = time.monotonic() + deadline(10)
                screen = tui.capture()
                while not _all_areas(screen) and time.monotonic() < end:
                    time.sleep(0.05)
                    screen = tui.capture()
                check(_all_areas(screen), "after a resize to %dx%d:\n%s" % (x, y, screen))
                check(max(len(l) for l in screen.split("\n")) <= x, "wider than %d" % x)
            tui.send("Space")
            tui.wait_for(r"alice .*READY, paused")
            tui.send("Space")
            tui.wait_for(r"alice .*PLAYING")
            tui.send("q")
            tui.wait_for(r"A session is open \(PLAYING\): quitting sends TEARDOWN")
            tui.send("y")
            rc = tui.wait_exit()
            check(rc == 0, "seal exit %d; stderr: %s" % (rc, tail(tui.stderr())))
            end = time.monotonic() + deadline(10)
            while time.monotonic() < end and "teardown session" not in s.log():
                time.sleep(0.05)
            check("teardown session" in s.log(), "q sent no TEARDOWN: %s" % tail(s.log()))
            tui.check_hidden(ALICE)
        finally:
            tui.close()



@timeout(120)
def test_tui_rtsp_a_command_typed_while_connecting_goes_once_up():
    """A hotkey pressed during the TLS handshake (the server's answer held
    back by a proxy) is kept, said so, and sent once the channel is up."""
    with RtspServer(name="tr-ahead", seconds=SECONDS) as s:
        proxy = HoldProxy(s.rtsp_port)
        pw = password_file(ALICE)
        try:
            proxy.hold(HANDSHAKE_HOLD)           # released by hand, well within 10 s
            tui = Tui("rtsps://localhost:%d/%s" % (proxy.port, STEREO), default_certs().crt,
                      x=100, y=30, args=["--user", "alice", "--password-file", pw])
            try:
                tui.wait_for([r"RTSP commands", r"TLS handshake"])
                tui.send("d")
                screen = tui.wait_for(r"still connecting: DESCRIBE goes once the secure "
                                      r"channel is up")
                check("INIT" not in screen, "described before the channel was up:\n%s" % screen)
                proxy.hold(0)
                tui.wait_for(r"alice .*INIT, stream described", seconds=20)
                described = re.findall(r"DESCRIBE rtsps://", s.log())
                check(len(described) == 1, "the server saw %d DESCRIBEs: %s"
                      % (len(described), tail(s.log())))
                quit_seal(tui)
            finally:
                tui.close()
        finally:
            proxy.close()


@timeout(120)
def test_tui_rtsp_a_command_typed_before_a_failed_handshake_is_dropped_with_a_reason():
    """The handshake never finishes (the proxy holds the server's answer past
    both sides' 10 s limit): the typed command is not sent later, and the
    notice says so."""
    with RtspServer(name="tr-ahead-fail", seconds=SECONDS) as s:
        proxy = HoldProxy(s.rtsp_port)
        try:
            proxy.hold(3600)
            tui = Tui("rtsps://localhost:%d/%s" % (proxy.port, STEREO), default_certs().crt,
                      x=100, y=30)
            try:
                tui.wait_for([r"RTSP commands", r"TLS handshake"])
                tui.send("d")
                tui.wait_for(r"still connecting: DESCRIBE goes once")
                tui.wait_for([r"DESCRIBE not sent: not connected",
                                       r"TLS handshake with localhost:\d+ failed"], seconds=40)
                check("DESCRIBE rtsps://" not in s.log(), "sent anyway: %s" % tail(s.log()))
                quit_seal(tui, want=3)            # the connection failed
            finally:
                tui.close()
        finally:
            proxy.close()
