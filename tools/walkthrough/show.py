"""show.py: how the walkthrough looks: plain text on stdout as it runs (colored
on a terminal, never with NO_COLOR or in a pipe), the Enter prompt between
steps (PAUSE=1, only when stdin is a terminal), and the Markdown report.
"""

import os
import sys

RESET, BOLD, DIM = "\033[0m", "\033[1m", "\033[2m"
RED, GREEN, YELLOW, CYAN = "\033[31m", "\033[32m", "\033[33m", "\033[36m"
RESULT_COLOR = {"PASS": GREEN, "FAIL": RED, "SKIPPED": YELLOW}


def want_color(stream):
    """Colors only on a terminal, and never with NO_COLOR set (no-color.org)
    or TERM=dumb."""
    return (stream.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM", "") != "dumb")


class Display:
    def __init__(self, out=sys.stdout, color=None, pause=False, total=10):
        self.out = out
        self.color = want_color(out) if color is None else color
        self.pause = pause
        self.total = total
        self.told_no_pause = False

    def _c(self, code, text):
        return "%s%s%s" % (code, text, RESET) if self.color else text

    def say(self, text=""):
        self.out.write(text + "\n")
        self.out.flush()

    def header(self, lab, versions, numbers):
        self.say(self._c(BOLD, "sealed: the grading walkthrough")
                 + " (%s)" % ("all %d steps" % self.total if len(numbers) == self.total
                              else "step " + ", ".join(map(str, numbers))))
        self.say("Its own servers on free loopback ports; temporary files in $WT = %s" % lab.tmp)
        for name, text in versions:
            self.say("  %-8s %s" % (name, text))

    def step_start(self, step):
        self.say()
        self.say(self._c(BOLD, "[%d/%d] %s" % (step.number, self.total, step.title)))
        self.say("  The handout asks: %s" % step.asks)

    def item(self, step, kind, payload):
        if kind == "cmd":
            self.say("  " + self._c(CYAN, "$ " + payload))
        elif kind == "out":
            for line in payload:
                self.say(self._c(DIM, "      " + line) if self.color else "      " + line)
        elif kind == "check":
            ok, text = payload
            self.say("  %s  %s" % (self._c(GREEN, "ok  ") if ok else self._c(RED, "FAIL"), text))
        elif kind == "note":
            self.say("  note: " + payload)

    def step_end(self, step):
        line = "%s  %d. %s" % (self._c(BOLD + RESULT_COLOR[step.result], "%-7s" % step.result),
                               step.number, step.title)
        if step.result != "PASS" and step.reason:
            line += ": " + step.reason
        self.say(line)

    def wait(self, next_step):
        """PAUSE=1: waits for Enter before NEXT_STEP (a title), only when
        stdin is a terminal."""
        if not self.pause:
            return
        if not sys.stdin.isatty():
            if not self.told_no_pause:
                self.say("  (PAUSE ignored: stdin is not a terminal)")
                self.told_no_pause = True
            return
        try:
            input(self._c(YELLOW, "\nPress Enter for %s ... " % next_step))
        except EOFError:
            self.pause = False

    def summary(self, steps, problems, report_path):
        self.say()
        self.say(self._c(BOLD, "Summary"))
        for s in steps:
            self.say("  %s  %2d. %-34s %s" % (self._c(RESULT_COLOR[s.result], "%-7s" % s.result),
                                              s.number, s.title, s.summary or s.reason))
        for p in problems:
            self.say("  %s  %s" % (self._c(RED, "FAIL   "), p))
        counts = count(steps)
        self.say("%d passed, %d failed, %d skipped; report: %s"
                 % (counts["PASS"], counts["FAIL"], counts["SKIPPED"], report_path))


def count(steps):
    c = {"PASS": 0, "FAIL": 0, "SKIPPED": 0}
    for s in steps:
        c[s.result] += 1
    return c


def fence(lines):
    """A Markdown code block that no line of LINES can close early."""
    tick = "```"
    while any(l.startswith(tick) for l in lines):
        tick += "`"
    return [tick + "text"] + lines + [tick]


def report(path, lab, meta, steps, problems, title="sealed: grading walkthrough report",
           who="walkthrough"):
    """Writes the Markdown report: date, versions, the result table, then
    each step with its commands, evidence and checks (TITLE heads it; WHO
    owns the temporary directory)."""
    c = count(steps)
    md = ["# " + title, ""]
    for name, text in meta:
        md.append("- **%s**: %s" % (name, text))
    md += ["", "**Result: %d passed, %d failed, %d skipped%s.**"
           % (c["PASS"], c["FAIL"], c["SKIPPED"],
              "" if not problems else "; " + "; ".join(problems)), ""]
    md += ["| Step | Result | Evidence |", "|---|---|---|"]
    for s in steps:
        md.append("| %d. %s | %s | %s |" % (s.number, s.title, s.result,
                                             (s.summary or s.reason).replace("|", "\\|")))
    md += ["", "Commands are shown as run; `$WT` is the %s's temporary "
           "directory, removed at the end." % who, ""]
    for s in steps:
        md += ["## %d. %s: %s" % (s.number, s.title, s.result), "",
               "*The handout asks:* %s" % s.asks, ""]
        if s.result != "PASS" and s.reason:
            md += ["**%s:** %s" % ("Skipped" if s.result == "SKIPPED" else "Failed", s.reason), ""]
        block = []
        for kind, payload in s.items:
            if kind == "cmd":
                block.append("$ " + payload)
            elif kind == "out":
                block += ["    " + l for l in payload]
            else:
                if block:
                    md += fence(block) + [""]
                    block = []
                if kind == "check":
                    ok, text = payload
                    md.append("- %s %s" % ("ok:" if ok else "**FAIL:**", text))
                else:
                    md += ["", "_%s_" % payload, ""]
                continue
            if md[-1] != "" and len(block) == 1 and kind == "cmd":
                md.append("")
        if block:
            md += fence(block)
        md.append("")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(md).replace("\n\n\n", "\n\n") + "\n")
    os.replace(tmp, path)
