"""The seal TUI, driven in tmux against a real sealed: the certificate panel
(CN, issuer, dates, each check) and the first-use pin, help and the full
report; logging in through the AUTH form without the password ever on
screen; Compose delivering to a Maildir (after the automatic login); an
out-of-order command answered 503 (in red) and q asking before it abandons a
transaction; every area drawn again after resizes to 80x24 and 160x50; a
stopped server reported as a lost connection, then a reconnect with r once
it is back on the same port; an expired certificate and a changed pin each
refused with the reason on screen (exit 4); plain ASCII on a terminal
without colors.

Each TUI runs in its own tmux server (a unique -L socket), killed in a
finally. Screens are polled with deadlines, never read after fixed sleeps.
seal's stderr goes to a file that is checked for sanitizer reports, so the
ASan+UBSan stage of `make test` runs the TUI under ASan (leaks included).
"""

import os
import re
import stat
import time

import lib
from lib import (Server, check, deadline, default_certs, find_messages, fingerprint_pem,
                 library, make_bad_cert, marker, password_file, shared, tail, timeout, tmpdir)
from tui import Tui, quit_seal

ALICE_PW = lib.DEFAULT_USERS["alice"]
COLOR_SGR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|9[0-7]|38;5;\d+)m")


def _login_form(tui, user, password):
    tui.send("e")
    tui.wait_for(r"EHLO: introduce")
    tui.send("Enter")
    tui.wait_for(r"S.C 250 HELP")
    tui.send("a")
    tui.wait_for(r"AUTH PLAIN: log in")
    tui.type(user)
    tui.send("Tab")
    tui.type(password)
    screen = tui.wait_for(r"Password\s+\*{%d}" % len(password))
    check(password not in screen, "the password is drawn in the form")
    tui.send("Enter")
    return tui.wait_for([r"S.C 235 ", r"C.S AUTH PLAIN \*{8}\s"])


def _menu_item(colored, label):
    """What a screen captured with escapes draws between the menu's left
    border and LABEL (the hotkey and the attributes)."""
    line = next((l for l in colored.splitlines() if label in l), "")
    at = line.find(label)
    return line[line.rfind("\u2502", 0, at):at]


@library
@timeout(90)
def test_tui_certificate_panel_and_first_pin():
    s = shared()
    crt = default_certs().crt
    tui = Tui(s.url(), crt)
    try:
        screen = tui.wait_for([
            r"S.C 220 ", r"Subject\s+localhost", r"Issuer\s+localhost",
            r"From\s+\d{4}-\d\d-\d\d", r"Until\s+\d{4}-\d\d-\d\d .*\d+ days left",
            r"SHA-256\s+[0-9A-F]{2}:", r"TLS\s+TLSv1\.[23]", "\u2713 trusted chain",
            "\u2713 name match", "\u2713 dates", "\u2713 pin", "SMTP commands", "Compose",
            "Transcript", r"F1/\? help", "q quit", "certificate verified \u2713"])
        fp = fingerprint_pem(crt)
        check(fp[:47] in screen.replace("\n", " "), "fingerprint %s not shown" % fp[:47])
        colored = tui.capture(escapes=True)
        check("90m" in _menu_item(colored, "MAIL FROM"), "MAIL FROM is not greyed before EHLO")
        check("90m" not in _menu_item(colored, "EHLO\u2026"), "EHLO is greyed after the greeting")
        tui.send("F2")
        tui.wait_for(r"\d\d:\d\d:\d\d S.C 220 ")
        with open(tui.pins) as f:
            pins = f.read()
        check(pins == "localhost:%d %s\n" % (s.port, fp), "known_servers holds %r" % pins)
        check(stat.S_IMODE(os.stat(tui.pins).st_mode) == 0o600, "known_servers is not 0600")
        check(stat.S_IMODE(os.stat(os.path.dirname(tui.pins)).st_mode) == 0o700,
              "the pin directory is not 0700")
        tui.send("?")
        tui.wait_for([r"Help: every key", "PgUp", "reconnect", "Compose", "Tab", "F2",
                      "RCPT TO"])
        tui.send("End")
        tui.wait_for(r"known_servers")
        tui.send("Escape")
        tui.wait_for(r"Help: every key", gone=True)
        tui.send("v")
        tui.wait_for([r"Server certificate report", "SHA-256 fingerprint:", "trusted chain"])
        tui.send("q")
        tui.wait_for(r"SMTP commands")
        quit_seal(tui)
    finally:
        tui.close()


@timeout(90)
def test_tui_auth_form_never_shows_the_password():
    s = shared()
    tui = Tui(s.url(), default_certs().crt)
    try:
        tui.wait_for(r"S.C 220 ")
        _login_form(tui, "alice", ALICE_PW)
        tui.wait_for(r"alice .*authenticated")
        quit_seal(tui)
        tui.check_hidden(ALICE_PW, lib.plain_blob("alice", ALICE_PW))
    finally:
        tui.close()


@timeout(120)
def test_tui_compose_sends_a_message_after_automatic_login():
    s = shared()
    mark = marker()
    pw = password_file(ALICE_PW)
    tui = Tui(s.url(), default_certs().crt, args=["--user", "alice", "--password-file", pw])
    try:
        tui.wait_for(r"S.C 235 ")
        tui.wait_for(r"alice .*authenticated")
        tui.send("c")
        tui.wait_for([r"Compose a message", r"From\s+alice@localhost"])   # prefilled
        tui.type("bob@localhost")
        tui.send("Enter")
        tui.type("tui " + mark)
        tui.send("Enter")
        for line in ("hello from the TUI", ".a line with a leading dot", "marker " + mark):
            tui.type(line)
            tui.send("Enter")
        tui.wait_for(re.escape("marker " + mark))
        tui.send("C-d")
        tui.wait_for(r"S.C 250 2\.0\.0 .*queued")
        tui.send("PPage")
        tui.wait_for(r"lines? above")
        tui.scroll_back_to([r"C.S MAIL FROM:<alice@localhost>"])   # every page on the way
        seen = "\n".join(tui.screens)
        for want in (r"C.S MAIL FROM:<alice@localhost>", r"C.S RCPT TO:<bob@localhost>",
                     r"C.S DATA", r"S.C 354 ", r"C.S \.\.a line with a leading dot"):
            check(re.search(want, seen), "transcript lacks /%s/" % want)
        end = time.monotonic() + deadline(10)
        found = []
        while not found and time.monotonic() < end:
            found = find_messages(s, mark, "bob")
            time.sleep(0.05)
        check(len(found) == 1, "want one message with %s in bob's new/, found %d"
              % (mark, len(found)))
        with open(found[0], "rb") as f:
            body = f.read().decode("utf-8", "replace").replace("\r\n", "\n")
        check("Subject: tui %s\n" % mark in body, "no Subject header: %r" % body[:400])
        check("From: alice@localhost\n" in body, "no From header")
        check("\n.a line with a leading dot\n" in body, "dot-stuffing was not undone: %r"
              % body[-200:])
        quit_seal(tui)
    finally:
        tui.close()


@timeout(120)
def test_tui_out_of_order_command_gets_503_and_quit_asks():
    s = shared()
    pw = password_file(ALICE_PW)
    tui = Tui(s.url(), default_certs().crt, args=["--user", "alice", "--password-file", pw])
    try:
        tui.wait_for(r"S.C 235 ")
        tui.send("t")
        tui.wait_for(r"RCPT TO: add a recipient")
        tui.type("bob@localhost")
        tui.send("Enter")
        tui.wait_for([r"S.C 503 ", r"RCPT TO is out of order"])
        colored = tui.capture(escapes=True)
        line = next((l for l in colored.splitlines() if "503 " in l), "")
        before = line[:line.find("503 ")]
        check(re.search(r"\x1b\[[0-9;]*31m", before), "the 503 reply is not red: %r" % line)
        tui.send("m")
        tui.wait_for(r"MAIL FROM: start a transaction")
        tui.send("Enter")
        tui.wait_for(r"S.C 250 2\.1\.0 ")
        tui.wait_for(r"in transaction")
        tui.send("q")
        tui.wait_for(r"quit anyway")
        tui.send("n")
        tui.wait_for(r"quit anyway", gone=True)
        check(not tui.exited(), "q quit without asking in a transaction")
        mark = marker()
        tui.send("t")
        tui.wait_for(r"RCPT TO: add a recipient")
        tui.type("bob@localhost")
        tui.send("Enter")
        tui.wait_for(r"S.C 250 2\.1\.5 ")
        tui.send("d")
        tui.wait_for(r"DATA: the message text")       # opened by itself after 354
        tui.type("Subject: by hand " + mark)
        tui.send("Enter", "Enter")
        tui.type(".hidden dot")
        tui.send("F10")
        tui.wait_for(r"S.C 250 2\.0\.0 .*queued")
        tui.wait_for(r"alice . authenticated\s")
        found = find_messages(s, mark, "bob")
        check(len(found) == 1, "the DATA typed by hand did not arrive")
        with open(found[0], "rb") as f:
            check(b"\n.hidden dot" in f.read().replace(b"\r\n", b"\n"), "dot-stuffing lost")
        tui.send("q")                                 # no transaction: no question
        rc = tui.wait_exit()
        check(rc == 0, "exit %d after quitting: %s" % (rc, tail(tui.stderr())))
    finally:
        tui.close()


def _all_areas(screen, x, y):
    lines = screen.split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if len(lines) != y:
        return False
    wanted = ("seal \u00b7 smtps://", "Server certificate", "SMTP commands", "Transcript",
              "\u2713 trusted chain", "S\u2192C 220", "F1/? help")
    return all(w in screen for w in wanted) and \
        all(len(l) <= x for l in lines) and \
        lines[-2].startswith("\u2514") and lines[-2].endswith("\u2518") and \
        len(lines[-2]) == x and lines[1].endswith("\u2510")


@timeout(90)
def test_tui_resize_redraws_every_area():
    s = shared()
    tui = Tui(s.url(), default_certs().crt)
    try:
        tui.wait_for(r"S.C 220 ")
        for x, y in ((80, 24), (160, 50), (100, 30)):
            tui.resize(x, y)
            end = time.monotonic() + deadline(10)
            screen = ""
            while time.monotonic() < end:
                screen = tui.capture()
                if _all_areas(screen, x, y):
                    break
                time.sleep(0.05)
            check(_all_areas(screen, x, y), "at %dx%d an area is missing:\n%s" % (x, y, screen))
        quit_seal(tui)
    finally:
        tui.close()


@timeout(150)
def test_tui_lost_connection_then_reconnect():
    s = Server(name="tui-lost").start()
    tui = Tui(s.url(), default_certs().crt)
    try:
        tui.wait_for(r"S.C 220 ")
        tui.send("e")
        tui.wait_for(r"EHLO: introduce")
        s.stop()
        tui.wait_for([r"CONNECTION LOST", r"S.C 421 ", "connection lost: ",
                      "EHLO: introduce"])                 # the form stays open
        tui.send("Escape")
        tui.wait_for(r"EHLO: introduce", gone=True)
        tui.send("r")
        tui.wait_for(r"NOT CONNECTED")
        tui.wait_for(r"Connection refused")
        s.start()
        tui.send("r")
        tui.wait_for([r"certificate verified", r"greeted: say EHLO",
                      r"S.C 220 (.|\n)*reconnecting(.|\n)*S.C 220 "])
        tui.send("e", "Enter")
        tui.wait_for(r"S.C 250 HELP")
        quit_seal(tui)
    finally:
        tui.close()
        s.stop()


@library
@timeout(120)
def test_tui_refuses_an_expired_certificate():
    bad = make_bad_cert("expired")
    with Server(certs=bad, name="tui-expired") as s:
        tui = Tui(s.url(), bad.crt)
        try:
            screen = tui.wait_for([
                "REJECTED", "\u2717 dates", r"dates: certificate expired on \d{4}-",
                r"REFUSED: certificate expired", r"expired \d+ days? ago", r"r reconnect"])
            check(not re.search(r"S.C 220", screen), "talked SMTP over a refused session")
            tui.send("e")
            tui.wait_for(r"not connected: press r")
            quit_seal(tui, want=4)
            check("expired" in tui.stderr(), "no reason on stderr: %s" % tail(tui.stderr()))
            check(not os.path.exists(tui.pins), "a refused certificate was pinned")
        finally:
            tui.close()


@library
@timeout(200)
def test_tui_refuses_wrong_name_and_untrusted_certificates():
    """The certificate panel shows each check on its own: a wrong name under
    the trusted anchor keeps the chain mark green; under another anchor both
    marks are red."""
    for kind, cafile_own, wants in (
            ("wrongname", True, ("\u2717 name match", r"name mismatch: certificate is for",
                                 "other.example", "\u2713 trusted chain")),
            ("untrusted", False, ("\u2717 trusted chain", r"trusted chain: untrusted")),
            ("wrongname", False, ("\u2717 trusted chain", "\u2717 name match",
                                  r"trusted chain: untrusted", r"name mismatch"))):
        bad = make_bad_cert(kind)
        with Server(certs=bad, name="tui-" + kind) as s:
            tui = Tui(s.url(), bad.crt if cafile_own else default_certs().crt)
            try:
                screen = tui.wait_for(["REJECTED", r"r reconnect"] + list(wants))
                check(not re.search(r"S.C 220", screen), "%s: talked SMTP" % kind)
                quit_seal(tui, want=4)
            finally:
                tui.close()


@library
@timeout(120)
def test_tui_changed_pin_refused_until_replaced():
    s = shared()
    real = fingerprint_pem(default_certs().crt)
    fake = ("00" if not real.startswith("00") else "11") + real[2:]
    home = tmpdir("pinhome")
    os.makedirs(os.path.join(home, ".config", "seal"), mode=0o700)
    pins = os.path.join(home, ".config", "seal", "known_servers")
    with open(pins, "w") as f:
        f.write("# test\nlocalhost:%d %s\n" % (s.port, fake))
    tui = Tui(s.url(), default_certs().crt, home=home)
    try:
        screen = tui.wait_for([r"SERVER CERTIFICATE CHANGED", r"P  trust it", r"P replace pin"])
        flat = re.sub(r"\s+", "", screen.replace("\u2502", ""))
        check(fake.replace(":", "")[:40] in flat.replace(":", ""), "old fingerprint not shown")
        check(real.replace(":", "")[:40] in flat.replace(":", ""), "new fingerprint not shown")
        check(not re.search(r"S.C 220", screen), "talked SMTP before the pin was settled")
        quit_seal(tui, want=4)
        check("changed" in tui.stderr(), "no reason on stderr: %s" % tail(tui.stderr()))
        with open(pins) as f:
            check(fake in f.read(), "the pin changed without the user's say")
    finally:
        tui.close()
    tui = Tui(s.url(), default_certs().crt, home=home)
    try:
        tui.wait_for(r"SERVER CERTIFICATE CHANGED")
        tui.send("P")
        tui.wait_for([r"S.C 220 ", "pin: replaced by you"])
        with open(pins) as f:
            text = f.read()
        check(text == "# test\nlocalhost:%d %s\n" % (s.port, real),
              "known_servers after replacing: %r" % text)
        quit_seal(tui)
    finally:
        tui.close()


@timeout(90)
def test_tui_plain_terminal_without_colors():
    s = shared()
    tui = Tui(s.url(), default_certs().crt, x=80, y=24, term="vt100", lang="C")
    try:
        tui.wait_for([r"S< 220 ", "ok trusted chain", "ok name match", "ok dates", "ok pin",
                      "seal / smtps://"])
        check(not COLOR_SGR.search(tui.capture(escapes=True)), "colors on a vt100")
        tui.send("e", "Enter")
        tui.wait_for(r"C> EHLO seal")
        tui.send("C-c")
        rc = tui.wait_exit()
        check(rc == 0, "Ctrl-C: exit %d; stderr: %s" % (rc, tail(tui.stderr())))
    finally:
        tui.close()
