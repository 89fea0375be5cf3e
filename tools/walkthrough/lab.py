"""lab.py: the walkthrough's machinery (Python 3.11 stdlib only).

What the steps get from here:
  - Lab: the temporary directory, the binaries, the trust anchor, free
    loopback ports, the servers (started lazily, each with its own data
    directory, stopped by pid), users with random passwords, and every
    process the walkthrough starts (stopped by pid at the end, and sent
    SIGTERM by the kernel if the walkthrough itself dies first).
  - Step: one step's record: the commands it ran, what they printed
    (trimmed), the checks and their outcome; it prints each item as it
    happens through the Display it was given.
  - Skip: raised by a step that cannot run (the reason is reported).

Nothing here talks to anything but 127.0.0.1.
"""

import ctypes
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile

import harness
from harness import last_line, port_open

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
                   "WARNING: ThreadSanitizer")
EVIDENCE_LINES = 12         # default number of output lines shown per command


class Skip(Exception):
    """The step cannot run here; the message says why."""


class Abort(Exception):
    """The step cannot go on (a server did not start, ...): it fails with this."""


def _die_with_parent():
    """In a child before exec: SIGTERM when the walkthrough dies, so that a
    walkthrough killed by a test's deadline leaves no server behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)           # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Step:
    """One step of the walkthrough, as it runs and as the report shows it."""

    def __init__(self, number, title, asks, lab, display):
        self.number = number
        self.title = title
        self.asks = asks
        self.lab = lab
        self.display = display
        self.items = []         # (kind, payload): cmd, out, check, note
        self.result = None      # PASS, FAIL or SKIPPED
        self.reason = ""        # why it failed or was skipped
        self.summary = ""       # one line for the report's table
        self.failures = []

    def _add(self, kind, payload):
        self.items.append((kind, payload))
        self.display.item(self, kind, payload)

    def note(self, text):
        self._add("note", text)

    def command(self, shown):
        """Shows a command that the step runs by other means (in the
        background, say)."""
        self._add("cmd", shown)

    def evidence(self, lines, limit=EVIDENCE_LINES):
        """Shows LINES (a string or a list), trimmed to LIMIT lines."""
        if isinstance(lines, str):
            lines = lines.splitlines()
        lines = [self.lab.shown(l.rstrip()) for l in lines]
        if len(lines) > limit:
            more = len(lines) - limit
            lines = lines[:limit] + ["... (%d more line%s)" % (more, "" if more == 1 else "s")]
        if lines:
            self._add("out", lines)

    def check(self, ok, text, why=""):
        """Records a check: TEXT says what holds when OK; WHY what was seen
        instead. Returns OK."""
        ok = bool(ok)
        self._add("check", (ok, text if ok or not why else "%s: %s" % (text, why)))
        if not ok:
            self.failures.append(text if not why else "%s (%s)" % (text, why))
        return ok

    def run(self, args, input=None, shown_input=None, show=None, limit=EVIDENCE_LINES,
            timeout=30, env=None, fmt=None):
        """Runs ARGS to completion and shows the command, then what it
        printed: the lines SHOW keeps (a regular expression, or a function of
        one line; None keeps them all), each rewritten by FMT when given,
        trimmed to LIMIT, then its exit status. INPUT goes to stdin;
        SHOWN_INPUT is how the display writes it (secrets masked). A
        sanitizer report in its output fails the step. Returns a
        CompletedProcess with str .stdout, .stderr and .out (both, in that
        order)."""
        self._add("cmd", self.lab.shown_cmd(args, shown_input if shown_input is not None
                                            else input))
        r = self.lab.run(args, input=input, timeout=timeout, env=env)
        report = next((l.strip() for l in r.out.splitlines()
                       if any(m in l for m in SANITIZER_MARKS)), None)
        if report:
            self.check(False, "no sanitizer report from %s" % os.path.basename(args[0]), report)
        lines = r.out.splitlines()
        if isinstance(show, str):
            pat = re.compile(show)
            lines = [l for l in lines if pat.search(l)]
        elif show is not None:
            lines = [l for l in lines if show(l)]
        if fmt is not None:
            lines = [fmt(l) for l in lines]
        if len(lines) > limit:
            more = len(lines) - limit
            lines = lines[:limit] + ["... (%d more line%s)" % (more, "" if more == 1 else "s")]
        self.evidence(lines + ["(exit %s%s)" % (r.returncode, ", timed out" if r.timed_out
                                                else "")], limit + 2)
        return r


class Server(harness.Sealed):
    """One sealed process with its own data directory on free loopback ports
    (harness.Sealed), started and stopped through the Lab."""

    def __init__(self, lab, name, cert, key, args=(), pop3=False, rtsp=False):
        self.lab = lab
        self.name = name
        self.failed_start = False
        data = lab.path(name, "data")
        os.makedirs(data, mode=0o700, exist_ok=True)
        super().__init__(lab.sealed, cert, key, data, lab.path(name, "stderr"), args,
                         pop3=pop3, rtsp=rtsp, slow=lab.slow)

    @property
    def data(self):
        return self.data_dir

    def spawn(self, cmd, env):
        with open(self.stderr_path, "ab") as err:
            return self.lab.spawn(cmd, stdout=err, stderr=err,
                                  env=dict(os.environ, **env) if env else None)

    def failed(self, code, why):
        self.failed_start = True
        return Abort("the %s server did not start (exit %s): %s" % (self.name, code, why))

    def url(self, scheme="smtps", path=""):
        port = self.ports[{"smtps": "smtp", "pop3s": "pop3", "rtsps": "rtsp"}[scheme]]
        return "%s://localhost:%d%s" % (scheme, port, path)

    def serves(self, service):
        """True when this build serves SERVICE: its ready line names it (else,
        for a build that prints none, its port accepts connections)."""
        if not self.ports.get(service):
            return False
        line = self.ready_line()
        if line is not None:
            return re.search(r"\b%s=" % service, line) is not None
        return port_open(self.ports[service])

    def sanitizer_report(self):
        for line in self.stderr().splitlines():
            if any(m in line for m in SANITIZER_MARKS):
                return line.strip()
        return None

    def status(self):
        """`sealed status` as a dict of counters (empty when it fails)."""
        r = self.lab.run([self.lab.sealed, "--data-dir", self.data, "status"], timeout=15)
        return parse_status(r.stdout) if r.returncode == 0 else {}


def parse_status(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


class Lab:
    """Everything one walkthrough run owns: paths, processes, servers, users."""

    def __init__(self, bin_dir, cert, key, cafile=None, keep=False, fault=None,
                 prefix="walkthrough."):
        self.bin = os.path.abspath(bin_dir)
        self.sealed = os.path.join(self.bin, "sealed")
        self.seal = os.path.join(self.bin, "seal")
        self.seal_load = os.path.join(self.bin, "seal-load")
        self.cert = os.path.abspath(cert)
        self.key = os.path.abspath(key)
        self.cafile = os.path.abspath(cafile) if cafile else self.cert
        self.keep = keep
        self.fault = fault
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.tmp, 0o700)
        self.procs = []
        self.servers = []
        self.users = {}         # (server name, user) -> password
        self.secrets = set()    # every password used, right or wrong
        self.done = {}          # facts one step leaves for a later one
        self.slow = 3.0 if (os.environ.get("ASAN_OPTIONS") or os.environ.get("UBSAN_OPTIONS")
                            or "san" in os.path.basename(os.path.dirname(self.bin))) else 1.0
        self._main = None

    # --- paths and display --------------------------------------------------

    def path(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def dir(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(p, exist_ok=True)
        return p

    def shown(self, text):
        """TEXT with the temp dir written $WT and paths under the checkout
        made relative, so commands read as one would type them."""
        text = text.replace(self.tmp, "$WT")
        return text.replace(ROOT + os.sep, "")

    def shown_cmd(self, args, input=None):
        args = ["python3" if i == 0 and a == sys.executable else a for i, a in enumerate(args)]
        cmd = " ".join(shlex.quote(a) for a in args)
        if input:
            if isinstance(input, bytes):
                input = input.decode("utf-8", "replace")
            cmd = "printf %s | %s" % (shlex.quote(input.replace("\r\n", "\n")
                                                  .replace("\n", "\\n")), cmd)
        return self.shown(cmd)

    def deadline(self, seconds):
        return seconds * self.slow

    # --- processes ----------------------------------------------------------

    def spawn(self, args, **kw):
        """Popen with the walkthrough's rules: recorded, stopped by pid later,
        and killed by the kernel if the walkthrough dies."""
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("cwd", ROOT)
        p = subprocess.Popen(args, preexec_fn=_die_with_parent, **kw)
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=15):
        """Stops P by its pid: SIG, then SIGKILL after TIMEOUT. Its exit status."""
        return harness.stop_proc(p, sig, self.deadline(timeout))

    def run(self, args, input=None, timeout=30, env=None):
        """Runs ARGS to completion; killed after TIMEOUT (times the sanitizer
        factor). A CompletedProcess with str stdout, stderr, out and timed_out."""
        if isinstance(input, str):
            input = input.encode()
        e = dict(os.environ)
        e.pop("SSLKEYLOGFILE", None)
        if env:
            e.update(env)
        p = self.spawn(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=e)
        timed_out = False
        try:
            out, err = p.communicate(input, timeout=self.deadline(timeout))
        except subprocess.TimeoutExpired:
            self.stop(p, signal.SIGKILL, 5)
            out, err = p.communicate()
            timed_out = True
        r = subprocess.CompletedProcess(args, p.returncode, out.decode("utf-8", "replace"),
                                        err.decode("utf-8", "replace"))
        r.out = r.stdout + ("\n" if r.stdout and r.stderr and not r.stdout.endswith("\n")
                            else "") + r.stderr
        r.timed_out = timed_out
        self.procs.remove(p)
        return r

    # --- servers ------------------------------------------------------------

    def server(self):
        """The main server (SMTP, POP3 and RTSP ports), started on first use."""
        if self._main is None or not self._main.alive():
            self._main = self.start_server("main", pop3=True, rtsp=True)
        return self._main

    def start_server(self, name, cert=None, key=None, args=(), **services):
        s = Server(self, name, cert or self.cert, key or self.key, args, **services)
        self.servers.append(s)
        return s.start()

    # --- users --------------------------------------------------------------

    def password(self, prefix="Wt"):
        """A fresh random password (letters, digits, '-' and '_')."""
        pw = "%s-%s" % (prefix, secrets.token_urlsafe(12))
        self.secrets.add(pw)
        return pw

    def password_file(self, password):
        p = self.path("pw", secrets.token_hex(4))
        with open(p, "w") as f:
            f.write(password + "\n")
        os.chmod(p, 0o600)
        return p

    def useradd(self, server, name, step=None):
        """Adds NAME to SERVER's users with a random password (shown through
        STEP when given); returns (password, password file, result)."""
        pw = self.password()
        args = [self.sealed, "--data-dir", server.data, "useradd", name]
        if step is not None:
            r = step.run(args, input=pw + "\n", shown_input="%s\n" % pw)
        else:
            r = self.run(args, input=pw + "\n")
        if r.returncode != 0:
            raise Abort("useradd %s failed (exit %d): %s"
                        % (name, r.returncode, last_line(r.stderr)))
        self.users[(server.name, name)] = pw
        return pw, self.password_file(pw), r

    def user(self, server, name):
        """NAME's password on SERVER; adds the user first when needed.
        Returns (password, password file)."""
        key = (server.name, name)
        if key not in self.users:
            self.useradd(server, name)
        pw = self.users[key]
        return pw, self.password_file(pw)

    # --- the end ------------------------------------------------------------

    def shutdown(self):
        """Stops every server, then anything else still running, by pid.
        Returns a list of problems: servers that did not exit 0 after SIGTERM
        or printed a sanitizer report."""
        problems = []
        for s in self.servers:
            if s.proc is None or s.failed_start:
                continue
            code = s.stop()
            report = s.sanitizer_report()
            if report:
                problems.append("the %s server printed a sanitizer report: %s" % (s.name, report))
            elif code != 0:
                problems.append("the %s server %s: %s"
                                % (s.name, ("exited %s after SIGTERM" if s.stopped
                                            else "died (exit %s)") % code, last_line(s.stderr())))
        for p in list(self.procs):
            self.stop(p, signal.SIGTERM, 5)
        self.procs.clear()
        return problems

    def cleanup(self):
        if not self.keep:
            import shutil
            shutil.rmtree(self.tmp, ignore_errors=True)
