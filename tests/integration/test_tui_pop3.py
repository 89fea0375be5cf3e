"""The seal TUI's POP3 module, driven in tmux against a real sealed with a
POP3 port: logging in through the USER/PASS form (the password never on
screen), the mailbox list with From, Subject (RFC 2047 decoded) and Date
from TOP n 0, a message opened in the viewer with its body un-stuffed,
marking one for deletion and QUIT removing exactly that file from the
Maildir (new/ and cur/); then the automatic login (--user,
--password-file), a long list scrolled at 80x24, the RSET question (RSET
unmarks all), a resize to 160x50 and back, and q asking before a QUIT that
deletes.

Mail arrives through SMTP (lib.send_mail to a lib.Server with POP3 on);
the TUI runs in tui.Tui (its own tmux server on a unique -L socket, HOME, LANG,
killed in a finally; seal's stderr checked for sanitizer reports, so
`--bin build/san/bin` runs these under ASan). Screens are polled with
deadlines, never read after fixed sleeps.
"""

import re
import time

import lib
from lib import (DEFAULT_USERS, Server, check, deadline, default_certs, marker, password_file,
                 send_mail, timeout)
from tui import Tui, quit_seal

BOB = DEFAULT_USERS["bob"]
SUBJECTS = ("Lunch on Friday?", "Caf\u00e9 tonight", "Minutes of Monday")


def _mail(mark, subject, encoded=None, day=5):
    """A short message to bob whose body holds MARK and a dot-stuffed line."""
    lines = [
        "From: Alice Example <alice@localhost>",
        "To: Bob <bob@localhost>",
        "Subject: %s" % (encoded or subject),
        "Message-ID: <%s@test.example>" % mark,
        "Date: Tue, %d Mar 2024 14:02:11 +0000" % day,
        "",
        "Hello Bob,",
        ".a line that starts with a dot",
        "marker %s" % mark,
        "",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _deliver(s, n=None):
    """The three messages of SUBJECTS (or N numbered ones); their markers."""
    marks, msgs = [], []
    if n is None:
        for i, subject in enumerate(SUBJECTS):
            marks.append(marker())
            enc = "=?UTF-8?Q?Caf=C3=A9?=\r\n =?UTF-8?Q?_tonight?=" if i == 1 else None
            msgs.append(("bob", _mail(marks[-1], subject, enc, day=5 + i)))
    else:
        for i in range(n):
            marks.append(marker())
            msgs.append(("bob", _mail(marks[-1], "note %02d" % (i + 1))))
    send_mail(s.port, msgs)
    return marks


def _url(s):
    return "pop3s://localhost:%d" % s.pop3_port


def _wait_files(s, want, seconds=10):
    end = time.monotonic() + deadline(seconds)
    while time.monotonic() < end and len(s.files()) != want:
        time.sleep(0.05)
    return s.files()


def _scroll_to_newest(tui, pages=20):
    """PgDn until the transcript follows the newest line again."""
    for _ in range(pages):
        if "follows the newest" not in tui.capture():
            return
        tui.send("NPage")
        time.sleep(0.05)
    tui.wait_for(r"follows the newest", gone=True, seconds=1)


def _row(screen, num):
    """The mailbox row of message NUM, or ''."""
    return next((l for l in screen.splitlines()
                 if re.match(r"^\u2502 [D ] +%d +\S+ " % num, l)), "")


@timeout(120)
def test_tui_pop3_login_list_read_deletequit():
    with Server(pop3=True, name="tp-main") as s:
        marks = _deliver(s)
        check(len(s.files()) == 3, "want 3 messages delivered, have %r" % s.files())
        tui = Tui(_url(s), default_certs().crt)
        try:
            tui.wait_for([r"S.C \+OK ", "POP3 commands", r"USER/PASS", "authorization"])
            tui.send("u")
            tui.wait_for(r"USER and PASS: log in")
            tui.type("bob")
            tui.send("Tab")
            tui.type(BOB)
            screen = tui.wait_for(r"Password\s+\*{%d}" % len(BOB))
            check(BOB not in screen, "the password is drawn in the form")
            tui.send("Enter")
            screen = tui.wait_for([r"Mailbox of bob: 3 messages"] +
                                  [re.escape(x) for x in SUBJECTS] +
                                  [r"2024-03-05 14:02", r"Alice Example",
                                   r"bob .*transaction: 3 messages"])
            check("to go" not in screen or tui.wait_for(r"to go", gone=True),
                  "headers never all fetched")
            check(re.search(r"#\s+Size\s+From\s+Subject\s+Date", screen), "no column headings")
            tui.send("Tab")                       # the menu side: the transcript scrolls
            tui.wait_for(r"POP3 commands")
            tui.scroll_back_to([r"C.S USER bob", r"C.S PASS \*{8}\s"])
            _scroll_to_newest(tui)
            tui.send("Tab")
            tui.wait_for(r"Mailbox of bob")
            tui.send("Down")
            tui.send("Enter")
            screen = tui.wait_for([r"Message 2 of 3, [\d.]+K? octets: Caf\u00e9 tonight",
                                   r"Subject: =\?UTF-8\?Q\?Caf=C3=A9\?=",
                                   re.escape("marker " + marks[1]), r"Hello Bob,"])
            check(re.search(r"\u2502 \.a line that starts with a dot", screen),
                  "the viewer does not show the line un-stuffed:\n%s" % screen)
            tui.send("q")
            tui.wait_for(r"Mailbox of bob")
            tui.send("d")
            screen = tui.wait_for([r"1 marked for deletion", r"RSET unmarks all"])
            check(_row(screen, 2).startswith("\u2502 D"), "message 2 not marked:\n%s" % screen)
            check(not _row(screen, 1).startswith("\u2502 D"), "message 1 marked too")
            tui.send("x")
            tui.wait_for([r"C.S QUIT", r"S.C \+OK .*signing off", r"session ended"])
            left = _wait_files(s, 2)
            check(len(left) == 2, "after QUIT: %r" % left)
            check(s.files_with(marks[1]) == [], "the deleted message is still there")
            for mk in (marks[0], marks[2]):
                check(len(s.files_with(mk)) == 1, "a kept message is gone")
            check(any(f.startswith("cur/") for f in left), "RETR moved nothing to cur/")
            quit_seal(tui)
            tui.check_hidden(BOB)
        finally:
            tui.close()


def _all_areas(screen):
    return all(re.search(p, screen) for p in (
        r"seal \S+ pop3s://", r"Mailbox of bob", r"#\s+Size\s+From", r"Transcript",
        r"bob \S+ transaction"))


@timeout(150)
def test_tui_pop3_auto_login_long_list_rset_and_quit_question():
    with Server(pop3=True, name="tp-long") as s:
        marks = _deliver(s, 30)
        pw = password_file(BOB)
        tui = Tui(_url(s), default_certs().crt, x=80, y=24,
                  args=["--user", "bob", "--password-file", pw])
        try:
            tui.wait_for([r"Mailbox of bob: 30 messages", r"note 01", r"bob .*transaction"],
                         seconds=30)
            screen = tui.wait_for(r"to go", gone=True, seconds=30)
            check("30 of 30" not in screen and "note 30" not in screen, "not a long list?")
            for _ in range(4):                    # Home and End: see Tui.scroll_back_to
                tui.send("NPage")
            screen = tui.wait_for([r"note 30", r"22-30 of 30"])
            check("note 01" not in screen, "the list did not scroll")
            tui.send("PPage")                     # the selection to the top row
            tui.send("PPage")                     # then a page up
            tui.wait_for(r"14-22 of 30")
            tui.send("NPage")
            tui.send("NPage")
            tui.send("d")
            screen = tui.wait_for([r"1 marked for deletion", r"C.S DELE 30"])
            check(_row(screen, 30).startswith("\u2502 D"), "30 not marked:\n%s" % screen)
            tui.send("d")                         # on a marked one: the RSET question
            tui.wait_for(r"RSET unmarks ALL 1")
            tui.send("y")
            screen = tui.wait_for([r"S.C \+OK maildrop has 30", r"RSET sent"])
            check(not _row(screen, 30).startswith("\u2502 D"), "RSET left a mark")
            tui.send("d")
            tui.wait_for(r"1 marked for deletion")
            for x, y in ((160, 50), (80, 24)):
                tui.resize(x, y)
                screen = tui.wait_for(r"Mailbox of bob")
                end = time.monotonic() + deadline(10)
                while not _all_areas(screen) and time.monotonic() < end:
                    time.sleep(0.05)
                    screen = tui.capture()
                check(_all_areas(screen), "after a resize to %dx%d:\n%s" % (x, y, screen))
                lines = screen.split("\n")
                check(max(len(l) for l in lines) <= x, "wider than %d" % x)
            tui.send("q")
            tui.wait_for(r"1 message is marked for deletion: quitting sends QUIT")
            tui.send("y")
            rc = tui.wait_exit()
            check(rc == 0, "seal exit %d; stderr: %s" % (rc, lib.tail(tui.stderr())))
            left = _wait_files(s, 29)
            check(len(left) == 29 and s.files_with(marks[29]) == [],
                  "q's QUIT did not delete message 30: %d left" % len(left))
            tui.check_hidden(BOB)
        finally:
            tui.close()
