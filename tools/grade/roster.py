"""roster.py: grading a class. The roster (one student a line: name, URL,
CA file, user, password file, notes), one grade.py process a student, at
most --jobs at a time, each stopped by pid past --timeout; then the class
summary from their JSON results: summary.md, summary.csv (one row a
student, one column a check, PASS/FAIL/SKIPPED, and the totals) and
summary.html (one self-contained page: no network resource, a strict
Content-Security-Policy; the matrix coloured, each cell a link to that
student's section below it, sortable by total).
"""

import concurrent.futures
import csv
import datetime
import html
import json
import os
import re
import signal
import subprocess
import sys
import time

import harness
import lab as labmod

FIELDS = ("name", "url", "cafile", "user", "password_file", "notes")
RESULTS = ("PASS", "FAIL", "SKIPPED")
STOP_GRACE_S = 30       # a grading told to stop writes its report within this


class Student:
    def __init__(self, line, fields, base):
        f = dict(zip(FIELDS, [x.strip() for x in fields] + [""] * len(FIELDS)))
        self.line = line
        self.name, self.url, self.notes = f["name"], f["url"], f["notes"]
        self.user = f["user"] or None
        path = lambda p: os.path.normpath(os.path.join(base, p)) if p else None
        self.cafile, self.password_file = path(f["cafile"]), path(f["password_file"])
        self.slug = None
        self.result = None      # what its JSON says, or a stand-in


def read_roster(path, target_class):
    """The students of the roster at PATH; ValueError naming the line of
    the first problem. TARGET_CLASS parses (and so checks) each URL."""
    base = os.path.dirname(os.path.abspath(path))
    students, slugs = [], set()
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    for n, row in enumerate(rows, 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if not students and len(row) > 1 and row[0].strip().lower() == "name" and \
                row[1].strip().lower() == "url":
            continue                            # the header line
        where = "%s line %d" % (path, n)
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ValueError("%s: want 'name,URL[,CA file,user,password file,notes]'" % where)
        if len(row) > len(FIELDS):
            raise ValueError("%s: %d fields, at most %d (quote a note with commas)"
                             % (where, len(row), len(FIELDS)))
        s = Student(n, row, base)
        try:
            target_class(s.url)
        except ValueError as e:
            raise ValueError("%s: %s" % (where, e))
        for what, p in (("CA file", s.cafile), ("password file", s.password_file)):
            if p and not os.path.isfile(p):
                raise ValueError("%s: %s %s: no such file" % (where, what, p))
        if bool(s.user) != bool(s.password_file):
            raise ValueError("%s: a user and a password file go together" % where)
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", s.name).strip("-.") or "student"
        k, base_slug = 2, slug
        while slug.lower() in slugs:
            slug, k = "%s-%d" % (base_slug, k), k + 1
        slugs.add(slug.lower())
        s.slug = slug
        students.append(s)
    if not students:
        raise ValueError("%s: no student in it" % path)
    return students


def _command(a, s, grade_py):
    out = os.path.abspath(a.out)
    cmd = [sys.executable, os.path.abspath(grade_py), s.url, "--name", s.name,
           "--report", os.path.join(out, s.slug + ".md"),
           "--json", os.path.join(out, s.slug + ".json"),
           "--bin", a.bin, "--clients", str(a.clients), "--min-rsa", str(a.min_rsa),
           "--probe-jobs", str(a.probe_jobs)]
    for opt, value in (("--cafile", s.cafile), ("--user", s.user),
                       ("--password-file", s.password_file), ("--notes", s.notes),
                       ("--checks", a.checks), ("--send", a.send), ("--expect", a.expect),
                       ("--client-cert", a.client_cert), ("--client-key", a.client_key)):
        if value:
            cmd += [opt, value]
    return cmd + (["--keep"] if a.keep else [])


def _grade(a, s, grade_py):
    """Runs one student's grading; (exit status, seconds, why it stopped early)."""
    log = os.path.join(a.out, s.slug + ".log")
    t0 = time.monotonic()
    with open(log, "wb") as f:
        p = subprocess.Popen(_command(a, s, grade_py), stdin=subprocess.DEVNULL, stdout=f,
                             stderr=subprocess.STDOUT, preexec_fn=labmod._die_with_parent)
        why = None
        try:
            p.wait(a.timeout)
        except subprocess.TimeoutExpired:
            why = "stopped after %g s" % a.timeout
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    return p.returncode, time.monotonic() - t0, why


def _load(a, s, code, why):
    """The student's JSON results, or a stand-in saying why there are none."""
    path = os.path.join(a.out, s.slug + ".json")
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        log = harness.read_text(os.path.join(a.out, s.slug + ".log"))
        data = {"name": s.name, "url": s.url, "notes": s.notes, "checks": [],
                "problems": ["the grading %s (exit %s): %s" % (
                    why or "ended without results", code, harness.last_line(log))]}
    if why:
        data.setdefault("problems", []).append("the grading was %s" % why)
    data["slug"], data["exit"] = s.slug, code
    return data


def counts(data):
    c = {r: 0 for r in RESULTS}
    for ch in data.get("checks", []):
        c[ch["result"]] += 1
    return c


def failed(data):
    return counts(data)["FAIL"] > 0 or bool(data.get("problems")) or data.get("exit") not in (0, 1)


def grade_class(a, grade_py, checks_table, target_class):
    """Grades every student of a.roster (GRADE_PY: the grader to run for
    each; CHECKS_TABLE: its checks; TARGET_CLASS: its URL parser). The exit
    status: 0 when no student has a FAIL, 1 otherwise, 2 for a bad roster."""
    try:
        students = read_roster(a.roster, target_class)
    except (OSError, ValueError) as e:
        sys.stderr.write("grade.py: error: %s\n" % e)
        return 2
    os.makedirs(a.out, exist_ok=True)
    jobs = min(a.jobs, len(students))
    print("Grading %d student%s from %s, %d at a time; reports in %s/"
          % (len(students), "" if len(students) == 1 else "s", a.roster, jobs, a.out), flush=True)
    started = datetime.datetime.now().astimezone()
    t0 = time.monotonic()
    own = 0.0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_grade, a, s, grade_py): s for s in students}
        for fut in concurrent.futures.as_completed(futures):
            s = futures[fut]
            code, took, why = fut.result()
            own += took
            s.result = _load(a, s, code, why)
            c = counts(s.result)
            print("  %-7s %-16s %-34s %d passed, %d failed, %d skipped (%.1f s)%s"
                  % ("FAIL" if failed(s.result) else "PASS", s.name, s.url, c["PASS"],
                     c["FAIL"], c["SKIPPED"], took,
                     "; " + "; ".join(s.result["problems"]) if s.result.get("problems")
                     else ""), flush=True)
    wall = time.monotonic() - t0
    checks = [(n, title, short) for n, title, short, *_ in checks_table if n in a.numbers]
    timing = "graded in %.1f s, %d at a time (their own times add up to %.1f s)" \
        % (wall, jobs, own)
    meta = {"date": started.strftime("%Y-%m-%d %H:%M:%S %Z"), "roster": a.roster,
            "timing": timing}
    rows = [s.result for s in students]
    md = markdown(rows, checks, meta)
    _write(os.path.join(a.out, "summary.md"), md)
    _write(os.path.join(a.out, "summary.csv"), table_csv(rows, checks))
    _write(os.path.join(a.out, "summary.html"), page(rows, checks, meta))
    print()
    print("\n".join(md.splitlines()[md.splitlines().index("") + 1:]))
    bad = sum(1 for r in rows if failed(r))
    print("%d student%s, %d with a FAIL; %s; summary: %s"
          % (len(rows), "" if len(rows) == 1 else "s", bad, timing,
             os.path.join(a.out, "summary.{md,csv,html}")))
    return 1 if bad else 0


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def _cell(data, number):
    for ch in data.get("checks", []):
        if ch["number"] == number:
            return ch
    return None


def _total(data):
    c = counts(data)
    return "%d/%d" % (c["PASS"], c["PASS"] + c["FAIL"])


def markdown(rows, checks, meta):
    """The class summary in Markdown: the matrix, then every FAIL's sentence."""
    md = ["# Class summary: %s" % os.path.basename(meta["roster"]), "",
          "%s; %d students, %s." % (meta["date"], len(rows), meta["timing"]), "",
          "| Student | Server | %s | Total |" % " | ".join("%d. %s" % (n, t) for n, t, _ in checks),
          "|---|---|%s---|" % ("---|" * len(checks))]
    for r in rows:
        cells = []
        for n, _, _ in checks:
            ch = _cell(r, n)
            cells.append(ch["result"] if ch else "-")
        md.append("| [%s](%s.md) | %s | %s | %s |" % (
            _md(r["name"]), r["slug"], _md(r["url"]), " | ".join(cells), _total(r)))
    fails = [(r, ch) for r in rows for ch in r.get("checks", []) if ch["result"] == "FAIL"]
    problems = [(r, p) for r in rows for p in r.get("problems", [])]
    if fails or problems:
        md += ["", "What failed:", ""]
        md += ["- %s, %d. %s: %s" % (_md(r["name"]), ch["number"], ch["title"], _md(ch["reason"]))
               for r, ch in fails]
        md += ["- %s: %s" % (_md(r["name"]), _md(p)) for r, p in problems]
    return "\n".join(md) + "\n"


def _md(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_csv(rows, checks):
    """One row a student, one column a check, then the totals."""
    import io
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["name", "url"] + [short for _, _, short in checks] +
               ["passed", "failed", "skipped", "total", "report"])
    for r in rows:
        c = counts(r)
        w.writerow([r["name"], r["url"]] +
                   [(_cell(r, n) or {"result": "-"})["result"] for n, _, _ in checks] +
                   [c["PASS"], c["FAIL"], c["SKIPPED"], _total(r), r["slug"] + ".md"])
    return out.getvalue()


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1f2328}
table.matrix{border-collapse:collapse;margin:1em 0}
.matrix th,.matrix td{border:1px solid #d0d7de;padding:4px 8px;text-align:center}
.matrix td.name,.matrix td.url{text-align:left}
.matrix th.sort{cursor:pointer;text-decoration:underline dotted}
td.PASS,.PASS>a{background:#dafbe1;color:#116329}
td.FAIL,.FAIL>a{background:#ffebe9;color:#a40e26;font-weight:bold}
td.SKIPPED,.SKIPPED>a{background:#f6f8fa;color:#57606a}
td a{display:block;text-decoration:none}
h3.PASS{color:#116329}h3.FAIL{color:#a40e26}h3.SKIPPED{color:#57606a}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;font-size:12px}
li.fail{color:#a40e26;font-weight:bold}
section.student{border-top:2px solid #d0d7de;margin-top:2em}
"""

SORT_JS = """
(function () {
  var body = document.querySelector('#matrix tbody');
  var th = document.getElementById('total');
  var dir = 1;
  function sortBy(d) {
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var k = (+a.dataset.passed - +b.dataset.passed) || (+b.dataset.failed - +a.dataset.failed);
      return d * k || (+a.dataset.order - +b.dataset.order);
    });
    rows.forEach(function (r) { body.appendChild(r); });
    th.setAttribute('aria-sort', d < 0 ? 'descending' : 'ascending');
  }
  th.addEventListener('click', function () { dir = -dir; sortBy(dir); });
  if (location.hash === '#by-total') { dir = -1; sortBy(dir); }
})();
"""


def page(rows, checks, meta):
    """The class summary as one self-contained HTML page."""
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'; script-src \'unsafe-inline\'">',
           "<title>Class summary: %s</title>" % e(os.path.basename(meta["roster"])),
           "<style>%s</style></head><body>" % CSS,
           "<h1>Class summary: %s</h1>" % e(os.path.basename(meta["roster"])),
           "<p>%s; %d students, %s. A cell links to that check in the student's report "
           "below; click <em>Total</em> to sort.</p>" % (e(meta["date"]), len(rows),
                                                          e(meta["timing"])),
           '<table class="matrix" id="matrix"><thead><tr><th>Student</th><th>Server</th>']
    out += ["<th>%d. %s</th>" % (n, e(t)) for n, t, _ in checks]
    out.append('<th class="sort" id="total" title="sort by total">Total</th></tr></thead><tbody>')
    for i, r in enumerate(rows):
        c = counts(r)
        out.append('<tr data-order="%d" data-passed="%d" data-failed="%d">'
                   '<td class="name"><a href="#s-%s">%s</a></td><td class="url">%s</td>'
                   % (i, c["PASS"], c["FAIL"], e(r["slug"]), e(r["name"]), e(r["url"])))
        for n, _, _ in checks:
            ch = _cell(r, n)
            if ch is None:
                out.append("<td>-</td>")
                continue
            out.append('<td class="%s"><a href="#s-%s-%d" title="%s">%s</a></td>'
                       % (ch["result"], e(r["slug"]), n,
                          e(ch["reason"] or ch["summary"] or ch["result"]), ch["result"]))
        out.append("<td>%s</td></tr>" % _total(r))
    out.append("</tbody></table>")
    for r in rows:
        out += section(r)
    out.append("<script>%s</script></body></html>" % SORT_JS)
    return "\n".join(out) + "\n"


def section(r):
    """One student's report: the results, then each check's commands,
    evidence and checks (as the Markdown report has them)."""
    e = html.escape
    out = ['<section class="student" id="s-%s"><h2>%s: %s</h2>'
           % (e(r["slug"]), e(r["name"]), e(r["url"]))]
    if r.get("notes"):
        out.append("<p>Notes: %s</p>" % e(r["notes"]))
    for k, v in r.get("meta", []):
        if k in ("Trust anchor", "Credentials", "Date"):
            out.append("<p>%s: %s</p>" % (e(k), e(v)))
    for p in r.get("problems", []):
        out.append('<p class="FAIL"><strong>%s</strong></p>' % e(p))
    for ch in r.get("checks", []):
        out.append('<h3 id="s-%s-%d" class="%s">%d. %s: %s</h3>'
                   % (e(r["slug"]), ch["number"], ch["result"], ch["number"], e(ch["title"]),
                      ch["result"]))
        out.append("<p><em>The handout asks:</em> %s</p>" % e(ch["asks"]))
        if ch["result"] != "PASS" and ch["reason"]:
            out.append("<p><strong>%s:</strong> %s</p>" % (
                "Skipped" if ch["result"] == "SKIPPED" else "Failed", e(ch["reason"])))
        block = []
        for kind, payload in ch["items"]:
            if kind == "cmd":
                block.append("$ " + payload)
            elif kind == "out":
                block += ["    " + l for l in payload]
            else:
                if block:
                    out.append("<pre>%s</pre>" % e("\n".join(block)))
                    block = []
                if kind == "check":
                    ok, text = payload
                    out.append('<ul><li class="%s">%s %s</li></ul>'
                               % ("ok" if ok else "fail", "ok:" if ok else "FAIL:", e(text)))
                else:
                    out.append("<p><em>%s</em></p>" % e(payload))
        if block:
            out.append("<pre>%s</pre>" % e("\n".join(block)))
    out.append("</section>")
    return out
