"""Steps 6 and 7: the mail round trip (SMTP in, POP3 out, unchanged) and the
audio stream (RTSP behind a 401, PAUSE and PLAY, the audio equal to the
file). Each is SKIPPED, never passed, when this build of sealed does not
serve the protocol."""

import hashlib
import os
import re
import secrets
import sys
import wave

from lab import ROOT, Skip

HERE = os.path.dirname(os.path.abspath(__file__))
MKWAV = os.path.join(ROOT, "tools", "mkwav.py")
CLIP = "walkthrough.wav"
CLIP_SECONDS = 2


def _message(mark):
    """A message with its own Date and Message-ID (so the server adds only
    its trace headers, Return-Path: and Received:), an 8-bit line, trailing
    spaces and a leading dot."""
    return ["From: Ada <ada@localhost>", "To: Bob <bob@localhost>",
            "Subject: round trip %s" % mark, "Date: Sun, 22 Nov 2026 10:00:00 +0000",
            "Message-ID: <%s@walkthrough.example>" % mark, "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "",
            "The marker is %s." % mark, ".a line that starts with a dot",
            "trailing spaces   ", "\u00e9t\u00e9 \u2713 8-bit", "last line"]


def _why_not(step, server, service):
    """Shows what the server said at start-up about SERVICE."""
    step.command(server.lab.shown_cmd(server.cmd))
    step.evidence([l for l in server.stderr().splitlines()
                   if service in l or "ready" in l][-3:])


def _sha(lines):
    return hashlib.sha256("\r\n".join(lines).encode()).hexdigest()[:16]


def mail(step, lab):
    """6. A message sent over SMTP is fetched over POP3 intact."""
    server = lab.server()
    if not server.serves("pop3"):
        _why_not(step, server, "pop3")
        raise Skip("POP3 service not in this build")
    _, ada_file = lab.user(server, "ada")
    _, bob_file = lab.user(server, "bob")
    mark = "rt-" + secrets.token_hex(6)
    msg = _message(mark)
    stuffed = ["." + l if l.startswith(".") else l for l in msg]
    r = step.run([lab.seal, "--batch", "--cafile", lab.cafile, "--user", "ada",
                  "--password-file", ada_file, server.url()],
                 input="\n".join(["MAIL FROM:<ada@localhost>", "RCPT TO:<bob@localhost>",
                                  "DATA"] + stuffed + [".", "QUIT"]) + "\n",
                 show=r"^C: (MAIL|RCPT|DATA|Subject)|^S: (250 2|354)", limit=8)
    step.check(r.returncode == 0 and re.search(r"^S: 250 2\.0\.0", r.stdout, re.M),
               "sent over SMTP by ada to bob: 250, stored in bob's Maildir",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))
    r = step.run([lab.seal, "--batch", "--cafile", lab.cafile, "--user", "bob",
                  "--password-file", bob_file, server.url("pop3s")],
                 input="STAT\nRETR 1\nQUIT\n",
                 show=r"^C: |^S: [+-]|^S: (Return-Path|Received|Subject|The marker)", limit=12)
    if r.returncode == 2 and "pop3" in r.stderr.lower():
        raise Skip("seal has no POP3 client in this build: %s" % r.stderr.strip()[-120:])
    got = _retr(r.stdout)
    step.check(r.returncode == 0 and got is not None,
               "fetched over POP3 by bob (USER/PASS, STAT, RETR 1): +OK",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))
    if got is None:
        return
    added = got[:len(got) - len(msg)]
    same = got[len(got) - len(msg):] == msg
    step.evidence(["sent:    %d lines, sha256 %s" % (len(msg), _sha(msg)),
                   "fetched: %d lines = %d added header lines (%s) + %d lines, sha256 %s"
                   % (len(got), len(added), ", ".join(sorted({l.split(":")[0] for l in added
                                                              if re.match(r"^\S+:", l)})),
                      len(msg), _sha(got[len(got) - len(msg):]))])
    step.check(same, "the fetched message is the sent one, line for line (the dot line "
               "unstuffed, 8-bit text and trailing spaces kept)",
               "first difference: %s" % _first_diff(got, msg))
    step.check(added[:1] == ["Return-Path: <ada@localhost>"] and added[1:2] != [] and
               added[1].startswith("Received: from ") and
               all(re.match(r"^\s", l) for l in added[2:]),
               "the server only added its trace headers on top: Return-Path: <ada@localhost> "
               "(the envelope sender), then Received:",
               "added: %s" % added[:3])
    step.summary = "SMTP 250, POP3 RETR: %d lines identical (sha256 %s) after the trace " \
                   "headers (Return-Path:, Received:)" % (len(msg), _sha(msg))


def _retr(transcript):
    """The message lines of the RETR reply in a seal --batch transcript,
    byte-unstuffed; None when there is no +OK multi-line reply to RETR."""
    lines = transcript.splitlines()
    try:
        i = next(k for k, l in enumerate(lines) if l.startswith("C: RETR"))
    except StopIteration:
        return None
    if i + 1 >= len(lines) or not lines[i + 1].startswith("S: +OK"):
        return None
    out = []
    for l in lines[i + 2:]:
        if not l.startswith("S: "):
            return None
        body = l[3:]
        if body == ".":
            return out
        out.append(body[1:] if body.startswith(".") else body)
    return None


def _first_diff(got, want):
    tail = got[len(got) - len(want):]
    for a, b in zip(tail, want):
        if a != b:
            return "%r != %r" % (a, b)
    return "%d lines fetched, %d sent" % (len(got), len(want))


def _pcm(path):
    with wave.open(path, "rb") as w:
        return w.getframerate(), w.getnchannels(), w.readframes(w.getnframes())


def _media(step, lab, server):
    """The short clip in the server's media folder: made by tools/mkwav.py
    (the project's demo generator)."""
    media = os.path.join(server.data, "media")
    os.makedirs(media, exist_ok=True)
    path = os.path.join(media, CLIP)
    if not os.path.exists(path):
        r = step.run([sys.executable, MKWAV, path, "--seconds", str(CLIP_SECONDS)])
        step.check(r.returncode == 0 and os.path.exists(path),
                   "a %d-second clip in the media folder" % CLIP_SECONDS, r.out[-160:])
    return path


def streaming(step, lab):
    """7. RTSP: 401, login, DESCRIBE, SETUP, PLAY, PAUSE, PLAY, TEARDOWN; the
    audio received equals the file."""
    server = lab.server()
    if not server.serves("rtsp"):
        _why_not(step, server, "rtsp")
        raise Skip("RTSP service not in this build")
    if not os.path.exists(MKWAV):
        raise Skip("tools/mkwav.py (the demo WAV generator) is not in this checkout")
    _, pwfile = lab.user(server, "ada")
    path = _media(step, lab, server)
    rate, channels, want = _pcm(path)
    url = server.url("rtsps", "/" + CLIP)
    out = lab.path("rtsp", "seal.wav")
    r = step.run([lab.seal, "--batch", "--cafile", lab.cafile, "--user", "ada",
                  "--password-file", pwfile, "--output", out, url], timeout=60,
                 show=_once(r"^S: RTSP|^C: (DESCRIBE|SETUP|PLAY|TEARDOWN)|stream|a=rtpmap",
                            r"^C: Authorization"), limit=14)
    if r.returncode == 2 and "rtsp" in r.stderr.lower():
        raise Skip("seal has no RTSP client in this build: %s" % r.stderr.strip()[-120:])
    codes = re.findall(r"^S: RTSP/\d\.\d (\d{3})", r.stdout, re.M)
    step.check(r.returncode == 0 and codes[:1] == ["401"] and set(codes[1:]) == {"200"},
               "seal: 401 without credentials, then DESCRIBE, SETUP, PLAY and TEARDOWN: 200",
               "exit %d, codes %s: %s" % (r.returncode, codes, r.stderr.strip()[-160:]))
    step.check(os.path.exists(out) and _pcm(out) == (rate, channels, want),
               "the audio seal received equals the file: %d frames, %d Hz, %d channel(s)"
               % (len(want) // (2 * channels), rate, channels), _differs(out, want))
    out2 = lab.path("rtsp", "dialogue.wav")
    r = step.run([sys.executable, os.path.join(HERE, "rtsp_dialogue.py"), "--cafile",
                  lab.cafile, "--user", "ada", "--password-file", pwfile, "--output", out2,
                  url], timeout=60,
                 show=r"^[CS]: [A-Z]|^S:   WWW|SDP|arrived|received|rtsp_dialogue", limit=20)
    codes = re.findall(r"^S: RTSP/\d\.\d (\d{3})", r.stdout, re.M)
    step.check(r.returncode == 0 and codes == ["401", "200", "200", "200", "200", "200", "200"],
               "by hand: 401, DESCRIBE, SETUP, PLAY, PAUSE, PLAY, TEARDOWN all as expected",
               "exit %d, codes %s: %s" % (r.returncode, codes, r.stderr.strip()[-160:]))
    paused = re.search(r"(\d+) arrived during", r.stdout)
    step.check(paused and paused.group(1) == "0" and "sequence gaps: 0" in r.stdout,
               "nothing arrived while paused, and the RTP sequence ran on without a gap",
               (paused.group(0) if paused else "no pause report") + "; " +
               (re.search(r"sequence gaps: \d+", r.stdout) or ["?"])[0])
    step.check(os.path.exists(out2) and _pcm(out2) == (rate, channels, want),
               "the audio received across PAUSE and PLAY equals the file, sample for sample",
               _differs(out2, want))
    step.summary = "401 then 200s; %.1f s clip received twice (straight, and paused then " \
                   "resumed), both equal to the file" % (len(want) / (2 * channels * rate))


def _once(always, first):
    """A line filter: lines matching ALWAYS, and the first line matching FIRST."""
    seen = []

    def keep(line):
        if re.search(always, line):
            return True
        if not seen and re.search(first, line):
            seen.append(line)
            return True
        return False
    return keep


def _differs(path, want):
    if not os.path.exists(path):
        return "no WAV written"
    _, _, got = _pcm(path)
    n = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    return "%d bytes received, %d in the file; equal for the first %d" % (len(got), len(want), n)
