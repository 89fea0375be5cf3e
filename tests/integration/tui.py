"""tui.py: one `seal` TUI in tmux, for the test_tui*.py files.

  - Tui: seal in a detached tmux session of its own (a unique -L socket, its
    own HOME, LANG and TERM; killed in close(), and at exit at the latest):
    capture(), wait_for() a pattern with a deadline, send() keys, type()
    text, resize(), wait_exit(), scroll_back_to() in the transcript;
    check_hidden() a password was never
    shown; its stderr is checked for sanitizer reports
  - quit_seal(): q, then seal's exit status
"""

import atexit
import os
import re
import shlex
import subprocess
import time
import uuid

import lib
from lib import check, deadline, tail, tmpdir

REDRAW_S = 2            # seconds for seal to redraw after a key
_SOCKETS = []           # every tmux server started here, killed at exit at the latest


def _tmux_kill(sock):
    """Kills the tmux server on SOCK and removes its socket file (tmux leaves it)."""
    _tmux(sock, "kill-server", check_rc=False)
    path = os.path.join(os.environ.get("TMUX_TMPDIR") or "/tmp", "tmux-%d" % os.getuid(), sock)
    try:
        os.unlink(path)
    except OSError:
        pass
    if sock in _SOCKETS:
        _SOCKETS.remove(sock)


def _kill_all_tmux():
    for sock in list(_SOCKETS):
        _tmux_kill(sock)


atexit.register(_kill_all_tmux)


def _tmux(sock, *args, check_rc=True):
    r = subprocess.run(["tmux", "-L", sock, "-f", "/dev/null"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    if check_rc:
        check(r.returncode == 0, "tmux %s failed: %s" % (args[0], tail(r.stderr)))
    return r.stdout.decode("utf-8", "replace")


class Tui:
    """One `seal` TUI in a detached tmux session of X x Y cells."""

    def __init__(self, url, cafile, args=(), home=None, x=100, y=30,
                 term="xterm-256color", lang="C.UTF-8"):
        self.sock = "sealtui-%d-%s" % (os.getpid(), uuid.uuid4().hex[:10])
        self.dir = tmpdir("tui")
        self.home = home or os.path.join(self.dir, "home")
        os.makedirs(self.home, exist_ok=True)
        self.err_path = os.path.join(self.dir, "stderr")
        self.rc_path = os.path.join(self.dir, "rc")
        self.screens = []
        argv = [lib.seal_bin(), "--cafile", cafile] + list(args) + [url]
        env = ["env", "-u", "XDG_CONFIG_HOME", "-u", "LC_ALL", "HOME=" + self.home,
               "LANG=" + lang, "TERM=" + term]
        # The shell outlives a Ctrl-C sent to the pane (a trap, unlike an
        # ignored signal, is not inherited by seal) and records the status.
        script = "trap : INT; %s 2>%s; echo $? >%s.tmp && mv %s.tmp %s" % (
            " ".join(shlex.quote(a) for a in env + argv), shlex.quote(self.err_path),
            shlex.quote(self.rc_path), shlex.quote(self.rc_path), shlex.quote(self.rc_path))
        _SOCKETS.append(self.sock)
        _tmux(self.sock, "new-session", "-d", "-s", "t", "-x", str(x), "-y", str(y),
              "sh -c %s" % shlex.quote(script))

    @property
    def pins(self):
        return os.path.join(self.home, ".config", "seal", "known_servers")

    def capture(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"] + (["-e"] if escapes else [])
        screen = _tmux(self.sock, *args, check_rc=False)
        self.screens.append(screen)
        return screen

    def wait_for(self, pattern, seconds=15, gone=False):
        """Polls the screen until PATTERN (a regex, or a list of regexes that
        must all be on one screen: curses may be caught half-way through a
        redraw) is on it (or, with GONE, is not); returns that screen. Fails
        with the last screen after the deadline."""
        pats = [pattern] if isinstance(pattern, str) else list(pattern)
        end = time.monotonic() + deadline(seconds)
        screen = ""
        while time.monotonic() < end:
            screen = self.capture()
            if all(bool(re.search(p, screen)) != gone for p in pats):
                return screen
            if self.exited():
                break
            time.sleep(0.05)
        raise lib.TestFailure("screen never %s %s; stderr: %s; last screen:\n%s"
                              % ("lost" if gone else "showed",
                                 " and ".join("/%s/" % p for p in pats),
                                 tail(self.stderr()), screen))

    def send(self, *keys):
        _tmux(self.sock, "send-keys", "-t", "t", *keys)

    def type(self, text):
        _tmux(self.sock, "send-keys", "-t", "t", "-l", text)

    def resize(self, x, y):
        _tmux(self.sock, "resize-window", "-t", "t", "-x", str(x), "-y", str(y))

    def exited(self):
        return os.path.exists(self.rc_path)

    def wait_exit(self, seconds=15):
        end = time.monotonic() + deadline(seconds)
        while time.monotonic() < end:
            if self.exited():
                with open(self.rc_path) as f:
                    return int(f.read().strip() or "-1")
            time.sleep(0.05)
        raise lib.TestFailure("seal did not exit; screen:\n%s" % self.capture())

    def quit(self):
        """q, and y when seal asks about the open session; the exit status."""
        self.send("q")
        end = time.monotonic() + deadline(10)
        while time.monotonic() < end and not self.exited():
            if "quitting sends TEARDOWN" in self.capture():
                self.send("y")
            time.sleep(0.05)
        return self.wait_exit()

    def stderr(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def scroll_back_to(self, pats, pages=30):
        """PgUp in the transcript until PATS are all on one screen (at most
        PAGES times); that screen. Each PgUp is followed by a wait for the
        redraw, so the screens captured on the way (self.screens) cover the
        transcript without a gap. (Not Home: tmux sends it as ESC [ 1 ~,
        which this system's xterm-256color entry lacks.)"""
        screen = self.capture()
        for _ in range(pages):
            if all(re.search(p, screen) for p in pats):
                return screen
            self.send("PPage")
            screen = self._changed(screen)
        return self.wait_for(pats, seconds=1)

    def _changed(self, before, seconds=REDRAW_S):
        """The screen once it differs from BEFORE (or after SECONDS: at the
        top of the transcript PgUp changes nothing)."""
        end = time.monotonic() + deadline(seconds)
        screen = self.capture()
        while screen == before and time.monotonic() < end:
            time.sleep(0.02)
            screen = self.capture()
        return screen

    def check_hidden(self, *secrets):
        """Fails when one of SECRETS (a password, its base64) was on any
        screen captured so far, or is in seal's stderr."""
        for shot in self.screens:
            check(not any(x in shot for x in secrets), "the password was on screen:\n%s" % shot)
        check(not any(x in self.stderr() for x in secrets), "the password reached stderr")

    def close(self):
        _tmux_kill(self.sock)
        err = self.stderr()
        for mark in lib.SANITIZER_MARKS:
            check(mark not in err, "sanitizer report from the TUI: %s" % tail(err, 8))


def quit_seal(tui, want=0):
    """Presses q and checks that seal exits with WANT."""
    tui.send("q")
    rc = tui.wait_exit()
    check(rc == want, "seal exit %d, want %d; stderr: %s" % (rc, want, tail(tui.stderr())))
    return rc
