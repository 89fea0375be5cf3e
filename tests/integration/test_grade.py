"""The grader (issue 16): tools/grade/grade.py grades a student's server
against the handout, or a class from a roster.

sealed itself passes every check on its three schemes (and mutual TLS when
it requires client certificates); a well-behaved STARTTLS server written in
Python's ssl passes too. Servers flawed on purpose (flawed_servers.py) each
get exactly the FAILs they deserve and PASS the rest: TLS 1.0 and CBC
suites (checks 1, 2), an expired certificate and one naming another host
(3, 4: then the checks whose client verifies are SKIPPED), a 1024-bit RSA
key (3 only; graded as tls:// with a --send/--expect exchange), AUTH before
STARTTLS and any password (5). A roster of five of them is graded in
parallel: the summary (Markdown, CSV, HTML) is right, and the time is set
against one-by-one (printed, never asserted). Chromium (headless) opens the
HTML summary: its text, its sort, a screenshot, and nothing loaded from
outside. Everything on 127.0.0.1; no name is looked up but localhost.
"""

import csv
import json
import os
import re
import shutil
import sys
import tempfile
import time

import flawed_servers as fs
import lib
from lib import check, tail, timeout, tmpdir

GRADE = os.path.join(lib.ROOT, "tools", "grade", "grade.py")
DIALOGUE = os.path.join(lib.ROOT, "tools", "grade", "dialogue.py")
CLIENTS = "4"           # check 7's sessions at once: small, to stay quick
COLUMNS = ["versions", "suites", "certificate", "verification", "login", "wire", "load",
           "mtls"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  # Chromium's own background requests (time, updates, accounts) go
                  # nowhere: no name resolves, and the proxy is a closed loopback port.
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                  "--enable-logging=stderr", "--v=0"]


def _grade(args, seconds):
    return lib.run([sys.executable, GRADE, "--bin", lib.BIN, "--clients", CLIENTS] + args,
                   timeout=seconds)


def _results(path):
    """{check number: (result, reason)} from a grading's JSON."""
    with open(path) as f:
        data = json.load(f)
    return {c["number"]: (c["result"], c["reason"]) for c in data["checks"]}


def _roster(students, extra=()):
    d = tmpdir("roster")
    path = os.path.join(d, "roster.csv")
    with open(path, "w") as f:
        f.write("name,url,CA file,user,password file,notes\n")
        f.write("".join(line + "\n" for line in students))
        f.writelines(extra)
    return path, os.path.join(d, "out")


def _table(out):
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        return {row["name"]: row for row in csv.DictReader(f)}


def _want(row, fails, skips=()):
    """ROW (a summary.csv row) has FAIL in exactly the columns FAILS,
    SKIPPED in SKIPS (and mtls), PASS in the rest."""
    skips = set(skips) | {"mtls"}
    want = {c: "FAIL" if c in fails else "SKIPPED" if c in skips else "PASS" for c in COLUMNS}
    got = {c: row[c] for c in COLUMNS}
    check(got == want, "%s: want %s, got %s" % (row["name"], want, got))


def _first_stage():
    """The one-by-one timing run repeats the parallel one: it runs in make
    test's first stage (bin/, no sanitizer) only, or with SEALED_HEAVY=1."""
    if os.environ.get("SEALED_HEAVY") in ("0", "1"):
        return os.environ["SEALED_HEAVY"] == "1"
    return lib.SLOW == 1 and \
        os.path.realpath(lib.BIN) == os.path.realpath(os.path.join(lib.ROOT, "bin"))


@timeout(80)
def test_grade_sealed_every_scheme_passes():
    """sealed on smtps, pop3s and rtsps, and a well-behaved STARTTLS server:
    checks 1 to 7 PASS (8 SKIPPED: no client certificate given), exit 0."""
    pop3, rtsp = lib.free_port(), lib.free_port()
    # One user a scheme: sealed slows a user's failed logins down, and each
    # grading tries one wrong password.
    users = {"ann": "ann-Secret-1", "bea": "bea-Secret-2", "cyd": "cyd-Secret-3"}
    with lib.Server(name="grade-sealed", users=users,
                    args=["--pop3-port", str(pop3), "--rtsp-port", str(rtsp)]) as s:
        good = fs.start("good-starttls")
        try:
            ca = s.certs.crt
            pw = {u: lib.password_file(p) for u, p in users.items()}
            path, out = _roster(["sealed-smtps,smtps://127.0.0.1:%d,%s,ann,%s"
                                 % (s.port, ca, pw["ann"]),
                                 "sealed-pop3s,pop3s://127.0.0.1:%d,%s,bea,%s"
                                 % (pop3, ca, pw["bea"]),
                                 "sealed-rtsps,rtsps://127.0.0.1:%d/clip.wav,%s,cyd,%s"
                                 % (rtsp, ca, pw["cyd"]),
                                 good.roster_line("python-starttls")])
            r = _grade(["--roster", path, "--out", out, "--jobs", "4"], 70)
        finally:
            fs.stop([good])
    out_text = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0, "exit %d, want 0: %s | %s" % (r.returncode, tail(out_text, 12),
                                                           tail(r.stderr)))
    table = _table(out)
    check(sorted(table) == ["python-starttls", "sealed-pop3s", "sealed-rtsps", "sealed-smtps"],
          "summary rows: %s" % sorted(table))
    for row in table.values():
        _want(row, ())
        check(row["total"] == "7/7" and row["skipped"] == "1", "%s: total %s"
              % (row["name"], row["total"]))
    report = open(os.path.join(out, "sealed-rtsps.md")).read()
    check("## 5. Login: PASS" in report and "RTSP/1.0 401" in report,
          "the rtsps report does not show the 401 before the login")
    report = open(os.path.join(out, "python-starttls.md")).read()
    for needle in ("530 5.7.0", "Python's ssl module", "-d tcp.port==%s,smtp"
                   % good.url.rsplit(":", 1)[1], "Python threads"):
        check(needle in report, "python-starttls.md lacks %r" % needle)


@timeout(60)
def test_grade_mutual_tls():
    """sealed with --require-client-cert, graded with --client-cert: every
    client uses it, check 8 PASSes (7 SKIPPED: seal-load has no client
    certificate); the same certificate given for a server that does not
    require one: check 8 FAILs."""
    c = lib.default_certs()
    with lib.Server(name="grade-mtls", args=["--client-ca", c.client_crt,
                                              "--require-client-cert"]) as s:
        js = os.path.join(tmpdir("grade"), "r.json")
        r = _grade(["smtps://127.0.0.1:%d" % s.port, "--cafile", c.crt, "--user", "alice",
                    "--password-file", lib.password_file("alice-Secret-1"),
                    "--client-cert", c.client_crt, "--client-key", c.client_key,
                    "--report", js[:-4] + "md", "--json", js], 50)
        res = _results(js)
        want = {n: "PASS" for n in range(1, 9)}
        want[7] = "SKIPPED"
        check(r.returncode == 0 and {n: v[0] for n, v in res.items()} == want,
              "exit %d, results %s" % (r.returncode, res))
        check("client-certificate option" in res[7][1], "check 7's reason: %s" % res[7][1])
    plain = lib.shared()
    js = os.path.join(tmpdir("grade"), "r.json")
    r = _grade(["smtps://127.0.0.1:%d" % plain.port, "--cafile", c.crt, "--checks", "8",
                "--client-cert", c.client_crt, "--client-key", c.client_key,
                "--report", js[:-4] + "md", "--json", js], 30)
    res = _results(js)
    check(r.returncode == 1 and res == {8: ("FAIL", "a client without a certificate is let in")},
          "a server that lets anyone in: exit %d, %s" % (r.returncode, res))


@timeout(120)
def test_grade_roster_of_flawed_servers():
    """Five flawed students graded at once (all five gradings under way
    together): each gets exactly its FAILs, the Markdown, CSV and HTML
    summaries say so, exit 1; then one by one (first stage only) for the
    time ratio, printed, not asserted."""
    kinds = ["tls10", "expired", "wrongname", "auth-before-starttls", "any-password"]
    students = [fs.start(k) for k in kinds]
    try:
        path, out = _roster([s.roster_line() for s in students],
                            extra=["# a comment line, then a blank one\n", "\n"])
        t0 = time.monotonic()
        r = _grade(["--roster", path, "--out", out, "--jobs", "5"], 100)
        parallel = time.monotonic() - t0
        text = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 1, "exit %d, want 1 (students failed): %s | %s"
              % (r.returncode, tail(text, 12), tail(r.stderr)))
        table = _table(out)
        check(list(table) == kinds, "rows %s, want %s (roster order)" % (list(table), kinds))
        _want(table["tls10"], ("versions", "suites"))
        for k in ("expired", "wrongname"):
            _want(table[k], ("certificate", "verification"), ("login", "load"))
        _want(table["auth-before-starttls"], ("login",))
        _want(table["any-password"], ("login",))
        check([table[k]["total"] for k in kinds] == ["5/7", "3/5", "3/5", "6/7", "6/7"],
              "totals: %s" % [table[k]["total"] for k in kinds])
        md = open(os.path.join(out, "summary.md")).read()
        for needle in ("| [tls10](tls10.md) | smtps://127.0.0.1:",
                       "tls10, 1. Protocol versions: the server accepts TLS 1.1 (",
                       "and accepts TLS 1.0 (",
                       "tls10, 2. Cipher suites: the server accepts ",
                       "(not AEAD)", "expired, 3. Certificate: the certificate is wrong: it "
                       "expired on ", "wrongname, 3. Certificate: the certificate is wrong: "
                       "it names DNS:other.example, not 127.0.0.1",
                       "the client refuses the server with the student's trust anchor (seal: ",
                       "auth-before-starttls, 5. Login: EHLO offers AUTH before STARTTLS; AUTH "
                       "before STARTTLS gets 535, not 530",
                       "any-password, 5. Login: a wrong password logs in"):
            check(needle in md, "summary.md lacks %r" % needle)
        check("| tls10 | " not in text and "| [tls10](tls10.md) |" in text,
              "the summary table is not on stdout")
        page = open(os.path.join(out, "summary.html")).read()
        for k in kinds:
            check('id="s-%s"' % k in page and 'href="#s-%s-5"' % k in page,
                  "summary.html: no section or link for %s" % k)
        check(page.count('<td class="FAIL">') == 8, "summary.html: %d FAIL cells, want 8"
              % page.count('<td class="FAIL">'))
        for k in kinds:
            check(os.path.isfile(os.path.join(out, k + ".md")), "no report for %s" % k)
        spans = [(d["started"], d["finished"]) for d in
                 (json.load(open(os.path.join(out, k + ".json"))) for k in kinds)]
        check(max(a for a, _ in spans) < min(b for _, b in spans),
              "the five gradings did not all run at once: %s" % spans)
        if not _first_stage():
            print("# parallel (5 at a time): %.1f s; one-by-one skipped: not the first stage "
                  "(SEALED_HEAVY=1 forces it)" % parallel, flush=True)
            return
        t0 = time.monotonic()
        r1 = _grade(["--roster", path, "--out", out + "-1", "--jobs", "1"], 100)
        serial = time.monotonic() - t0
        check(r1.returncode == 1 and _table(out + "-1") == table,
              "one by one, the summary differs: %s" % tail(r1.stdout, 8))
        print("# 5 flawed students: %.1f s 5 at a time, %.1f s one by one: %.2fx faster "
              "(2 cores)" % (parallel, serial, serial / parallel), flush=True)
    finally:
        fs.stop(students)


@timeout(60)
def test_grade_rsa1024_as_a_line_protocol():
    """A server with a 1024-bit RSA key graded as tls:// with a --send and
    --expect exchange: only check 3 FAILs (and says why), exit 1; the same
    with the handout's --min-rsa 4096 on sealed's P-256 key still passes."""
    s = fs.start("rsa1024")
    try:
        port = s.url.rsplit(":", 1)[1]
        d = tmpdir("grade")
        js = os.path.join(d, "r.json")
        r = _grade(["tls://127.0.0.1:%s" % port, "--cafile", s.cafile, "--send", "NOOP",
                    "--expect", "^250 ", "--name", "rsa-student", "--report",
                    os.path.join(d, "r.md"), "--json", js], 50)
    finally:
        fs.stop([s])
    res = _results(js)
    got = {n: v[0] for n, v in res.items()}
    want = dict({n: "PASS" for n in range(1, 8)})
    want.update({3: "FAIL", 8: "SKIPPED"})
    check(r.returncode == 1 and got == want, "exit %d, %s, want %s" % (r.returncode, got, want))
    check(res[3][1] == "the certificate is wrong: its key is too weak: RSA 1024 bits (at "
          "least 2048 wanted)", "check 3's reason: %s" % res[3][1])
    report = open(os.path.join(d, "r.md")).read()
    check(report.startswith("# Grade: rsa-student: tls://127.0.0.1:") and
          "## 3. Certificate: FAIL" in report and "C: NOOP" in report,
          "the report: %s" % report[:300])


def test_grade_sslv3_hello_and_usage():
    """dialogue.py hello says 'accepted' to a server that answers SSLv3
    (hand-made: no OpenSSL here speaks it) and exits 1; bad usage of
    grade.py exits 2 with one line; --help exits 0."""
    port = fs.sslv3_server()
    r = lib.run([sys.executable, DIALOGUE, "hello", "tls://127.0.0.1:%d" % port], timeout=20)
    out = r.stdout.decode()
    check(r.returncode == 1 and "verdict: accepted SSLv3" in out and
          "ServerHello version 3.0, suite 0x002f" in out, "exit %d: %s" % (r.returncode, out))
    d = tmpdir("usage")
    bad_roster = os.path.join(d, "bad.csv")
    with open(bad_roster, "w") as f:
        f.write("name,url\nann,smtps://127.0.0.1:1\nbob,ftp://127.0.0.1:21\n")
    for args, needle in ((["ftp://127.0.0.1:21"], "scheme"),
                         (["tls://127.0.0.1"], "needs a port"),
                         (["smtps://127.0.0.1:1", "--cafile", os.path.join(d, "none")],
                          "no such file"),
                         (["smtps://127.0.0.1:1", "--user", "x"], "go together"),
                         (["smtps://127.0.0.1:1", "--checks", "9"], "--checks"),
                         (["--roster", bad_roster], "bad.csv line 3"),
                         (["--roster", bad_roster, "--notes", "x"], "the roster gives that"),
                         ([], "one server URL or --roster")):
        r = lib.run([sys.executable, GRADE] + args, timeout=20)
        err = r.stderr.decode().strip().splitlines()
        check(r.returncode == 2 and err and needle in err[-1],
              "%s: exit %d, stderr %s" % (args, r.returncode, err[-1:]))
    r = lib.run([sys.executable, GRADE, "--help"], timeout=20)
    check(r.returncode == 0 and b"smtp://HOST[:587]" in r.stdout and b"--roster" in r.stdout,
          "--help: exit %d" % r.returncode)


def test_grade_wire_skipped_without_the_right_to_capture():
    """Run as nobody (setpriv; the system's python3), the grader cannot
    capture: check 6 is SKIPPED with dumpcap's own reason, not FAILED or
    passed, and the exit status is 0."""
    if os.geteuid() != 0:
        print("# skipped: not root, so no other user to become", flush=True)
        return
    d = tempfile.mkdtemp(prefix="grade-nobody.")       # outside the 0700 run dir
    try:
        os.chmod(d, 0o777)
        ca = os.path.join(d, "ca.pem")
        shutil.copy(lib.default_certs().crt, ca)
        os.chmod(ca, 0o644)
        r = lib.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                     "/usr/bin/python3", GRADE, "--bin", lib.BIN, "--checks", "6",
                     "smtps://127.0.0.1:%d" % lib.shared().port, "--cafile", ca,
                     "--report", os.path.join(d, "r.md"), "--json", os.path.join(d, "r.json")],
                    timeout=40, cwd=d)
        check(r.returncode == 0, "exit %d: %s | %s" % (r.returncode, tail(r.stdout),
                                                       tail(r.stderr)))
        res = _results(os.path.join(d, "r.json"))
        check(res[6][0] == "SKIPPED" and "cannot capture on lo here: You do not have "
              "permission" in res[6][1], "check 6 as nobody: %s" % (res[6],))
    finally:
        shutil.rmtree(d, ignore_errors=True)


@timeout(60)
def test_grade_summary_page_in_chromium():
    """The HTML summary in headless Chromium (Debian's): the matrix and the
    sections are there, #by-total sorts the rows, the screenshot is drawn,
    and the page loads nothing: no URL outside it, and no load blocked by
    its Content-Security-Policy (a copy with an outside image is, which shows
    the console would say so)."""
    chromium = shutil.which("chromium")
    check(chromium, "chromium is missing (make deps installs Debian's chromium)")
    s = fs.start("expired")
    try:
        # good-student gives no CA file: its certificate must be self-signed
        # and is its own trust anchor.
        path, out = _roster([s.roster_line("late-student"),
                             "good-student,smtps://127.0.0.1:%d" % lib.shared().port])
        r = _grade(["--roster", path, "--out", out, "--checks", "3,4"], 40)
    finally:
        fs.stop([s])
    check(r.returncode == 1, "exit %d: %s" % (r.returncode, tail(r.stdout, 8)))
    check("- ok: self-signed: the issuer is the subject" in
          open(os.path.join(out, "good-student.md")).read(),
          "good-student.md does not say its certificate is self-signed")
    page = os.path.join(out, "summary.html")
    text = open(page).read()
    check("Content-Security-Policy\" content=\"default-src 'none';" in text,
          "no strict Content-Security-Policy")
    dom, log = _chromium(chromium, ["--dump-dom"], page + "#by-total")
    names = re.findall(r'<td class="name"><a href="#s-([^"]+)"', dom)
    check(names == ["good-student", "late-student"], "sorted by total: %s" % names)
    for needle in ('<td class="FAIL"><a href="#s-late-student-3"', 'id="s-late-student-3"',
                   '<td class="PASS"><a href="#s-good-student-4"', "Class summary: roster.csv",
                   "2/2</td>", "0/2</td>"):
        check(needle in dom, "the page as Chromium built it lacks %r" % needle)
    urls = re.findall(r"""(?:src|href|action)\s*=\s*["']?\s*([a-z][a-z0-9+.-]*:[^"'\s>]*)""",
                      dom, re.I) + re.findall(r"url\(\s*['\"]?([^)'\"]+)", dom)
    check(not urls, "the page names resources outside it: %s" % urls[:3])
    check("Content Security Policy" not in log, "Chromium blocked a load: %s"
          % [l for l in log.splitlines() if "Content Security Policy" in l][:1])
    control = os.path.join(out, "control.html")
    with open(control, "w") as f:
        f.write(text.replace("<h1>", '<img src="http://192.0.2.1/x.png"><h1>', 1))
    _, clog = _chromium(chromium, ["--dump-dom"], control)
    check("Content Security Policy" in clog and "192.0.2.1" in clog,
          "the control page's outside image was not reported as blocked")
    shot = os.path.join(out, "summary.png")
    _chromium(chromium, ["--screenshot=" + shot, "--window-size=1280,800"], page)
    png = open(shot, "rb").read() if os.path.exists(shot) else b""
    check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000,
          "no screenshot (%d bytes)" % len(png))
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    print("# Chromium drew the summary: %dx%d PNG, %d bytes" % (w, h, len(png)), flush=True)


def _chromium(chromium, args, page):
    """Headless Chromium on PAGE (a file) with its own new profile; (what
    it printed on stdout, its log)."""
    profile = tmpdir("chromium")
    r = lib.run([chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args +
                ["file://" + page], timeout=40, cwd=profile)
    return r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
