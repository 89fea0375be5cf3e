"""Steps 4 and 5: users (hashes only, right and wrong logins, the failure
limit, open registration) and the log of those exchanges (timestamps,
addresses, and no password in it)."""

import os
import re
import time

from harness import b64, plain_blob, read_text
from lab import Abort, Step

SHOW_AUTH = r"AUTH|^S: 235|^S: 535|^S: 421|^C: \*|closed|failed"
LOG_TS = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\]"
LOG_EXCHANGE = re.compile(LOG_TS + r" (\S+):(\d+) (\S+):(\d+) (\w+) (\S+) (C:|S:|\*)( .*)?$")
LOG_OTHER = re.compile(LOG_TS + r" (info|warning|error|notice|debug):")


def _seal_batch(lab, server, user=None, password_file=None):
    args = [lab.seal, "--batch", "--cafile", lab.cafile]
    if user:
        args += ["--user", user, "--password-file", password_file]
    return args + [server.url()]


def users(step, lab):
    """4. A user added (hash only); right login; wrong password 535; closed
    after the failure limit (421); --open-registration registers a newcomer."""
    t0 = time.time()
    lab.done["users_started"] = True
    server = lab.server()
    ada_pw, ada_file, _ = lab.useradd(server, "ada", step)
    grace_pw, grace_file, _ = lab.useradd(server, "grace")
    step.note("ada's password is %s (random); grace was added the same way" % ada_pw)
    users_file = os.path.join(server.data, "users")
    r = step.run(["cat", users_file])
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    hashed = [l for l in lines if re.match(r"^[a-z0-9._-]+:\$[0-9a-z]+\$\S+$", l)]
    step.check(lines and len(hashed) == len(lines),
               "the users file holds name:hash lines only (%s)" % _hash_kind(lines),
               "unexpected lines: %s" % [l for l in lines if l not in hashed][:2])
    text = read_text(users_file)
    step.check(all(n not in text for pw in (ada_pw, grace_pw) for n in (pw, b64(pw))),
               "neither password is in it, in clear or in base64")

    r = step.run(_seal_batch(lab, server, "ada", ada_file), input="QUIT\n", show=SHOW_AUTH)
    step.check(r.returncode == 0 and "S: 235" in r.stdout,
               "the right password logs in: 235, seal exits 0 (AUTH PLAIN)",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))
    r = step.run(_seal_batch(lab, server),
                 input="EHLO walkthrough\nAUTH LOGIN\n%s\n%s\nQUIT\n" % (b64("ada"), b64(ada_pw)),
                 shown_input="EHLO walkthrough\nAUTH LOGIN\n%s\n<base64 of the password>\nQUIT\n"
                 % b64("ada"), show=SHOW_AUTH)
    step.check(r.returncode == 0 and "S: 235" in r.stdout,
               "the right password logs in by AUTH LOGIN too: 235",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))

    wrong = lab.password("Wrong")
    r = step.run(_seal_batch(lab, server, "ada", lab.password_file(wrong)), input="QUIT\n",
                 show=SHOW_AUTH)
    step.check(r.returncode == 5 and "S: 535" in r.stdout,
               "a wrong password is refused: 535, seal exits 5 (authentication failed)",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))

    tries = [lab.password("Wrong") for _ in range(3)]
    dialogue = "EHLO walkthrough\n" + "".join("AUTH PLAIN %s\n" % plain_blob("grace", w)
                                              for w in tries) + "NOOP\n"
    shown = "EHLO walkthrough\n" + "AUTH PLAIN <grace, a wrong password>\n" * 3 + "NOOP\n"
    r = step.run(_seal_batch(lab, server), input=dialogue, shown_input=shown,
                 show=r"AUTH|^S: [45]\d\d|closed|NOOP", timeout=60)
    codes = re.findall(r"^S: (\d{3})", r.stdout, re.M)[-3:]
    closed = "closed the connection" in r.stderr and "S: 250" not in r.stdout.split("NOOP")[-1]
    step.check(codes == ["535", "535", "421"] and closed,
               "three wrong passwords on one connection: 535, 535, then 421 and the server "
               "closes it (--max-auth-failures 3; failures also slow down)",
               "replies %s, %s" % (codes, "closed" if closed else "still open"))

    reg = lab.start_server("open-registration", args=["--open-registration"])
    step.note("a second server, started with --open-registration")
    r = step.run([lab.sealed, "--data-dir", reg.data, "users"])
    step.check(r.returncode == 0 and "newcomer" not in r.stdout, "newcomer is not a user yet")
    new_pw = lab.password()
    new_file = lab.password_file(new_pw)
    r = step.run(_seal_batch(lab, reg, "newcomer", new_file), input="QUIT\n", show=SHOW_AUTH)
    step.check(r.returncode == 0 and "S: 235" in r.stdout,
               "an unknown user who logs in is accepted (235)",
               "exit %d: %s" % (r.returncode, r.out.strip()[-160:]))
    r = step.run([lab.sealed, "--data-dir", reg.data, "users"])
    reg_users = read_text(os.path.join(reg.data, "users"))
    step.check(r.returncode == 0 and "newcomer" in r.stdout.split()
               and re.search(r"^newcomer:\$", reg_users, re.M) and new_pw not in reg_users,
               "... and registered: newcomer is listed, stored as a hash",
               "users: %s" % r.stdout.strip())
    other = lab.password("Wrong")
    r = step.run(_seal_batch(lab, reg, "newcomer", lab.password_file(other)), input="QUIT\n",
                 show=SHOW_AUTH)
    step.check(r.returncode == 5 and "S: 535" in r.stdout,
               "with that password: another password for newcomer now gets 535",
               "exit %d" % r.returncode)
    lab.done["users"] = {"t0": t0, "t1": time.time(), "main": server, "reg": reg,
                         "logins": [("ada", ada_pw), ("ada", wrong), ("newcomer", new_pw),
                                    ("newcomer", other)] + [("grace", w) for w in tries]}
    step.summary = "users stored as %s; 235 right, 535 wrong, 421 and closed after 3 failures; " \
                   "newcomer registered" % _hash_kind(lines)


def _hash_kind(lines):
    kinds = {"y": "yescrypt", "6": "sha512crypt", "5": "sha256crypt", "2b": "bcrypt",
             "gy": "gost-yescrypt"}
    found = sorted({kinds.get(m.group(1), "$%s$" % m.group(1)) for l in lines
                    for m in [re.match(r"^[^:]+:\$([0-9a-z]+)\$", l)] if m})
    return "/".join(found) + " hashes" if found else "no hashes"


class _Quiet:
    """A display that shows nothing: step 5 run alone makes step 4's
    exchanges without showing them again."""

    def item(self, *a):
        pass


def _step4_exchanges(step, lab):
    if lab.done.get("users_started"):
        raise Abort("step 4 did not complete, so its exchanges are not all in the log")
    step.note("step 4 did not run in this walkthrough: its exchanges are made first")
    quiet = Step(4, "Users", "", lab, _Quiet())
    users(quiet, lab)
    if quiet.failures:
        raise Abort("step 4's exchanges failed: %s" % "; ".join(quiet.failures))
    return lab.done["users"]


def log(step, lab):
    """5. The log lines of step 4's exchanges (timestamps, addresses), and a
    search showing that no password is in the log."""
    info = lab.done.get("users") or _step4_exchanges(step, lab)
    main, reg = info["main"], info["reg"]
    if lab.fault == "log-password":
        _inject_leak(lab, main, info)
    r = step.run(["grep", "-E", r"C: AUTH|C: \*|S: (235|535|421)|auth failed",
                  main.log_path], limit=18)
    step.run(["grep", "-E", r"AUTH|S: 235|registered", reg.log_path], limit=4)
    text = main.log()
    lines = text.splitlines()
    exchange = [l for l in lines if LOG_EXCHANGE.match(l)]
    bad = [l for l in lines if not (LOG_EXCHANGE.match(l) or LOG_OTHER.match(l))]
    step.check(exchange and not bad,
               "all %d lines carry a timestamp to the microsecond; the %d exchange lines "
               "name the server's and the client's address and port, the service, the user "
               "and the direction (C:, S:, *)" % (len(lines), len(exchange)),
               "lines not in that form: %s" % bad[:2])
    wanted = [("C: AUTH PLAIN ********", "AUTH PLAIN's payload is logged as ********"),
              ("C: AUTH LOGIN", "AUTH LOGIN is logged ..."),
              ("smtp - C: ********", "... and its answers as ********"),
              ("S: 535", "the refused login (535)"),
              ("auth failed user=grace", "the failures, by user"),
              ("S: 421", "the 421 that closed the connection")]
    for needle, what in wanted:
        step.check(needle in text, "logged: %s" % what, "no line with %r" % needle)
    step.check("registered new user newcomer" in reg.log(),
               "logged: the open registration of newcomer (second server's log)")

    needles = _secrets(lab, info)
    needle_file = lab.path("log-search", "needles.txt")
    with open(needle_file, "w") as f:
        f.write("\n".join(needles) + "\n")
    step.note("needles.txt: %d strings: every password used (right or wrong) in clear and in "
              "base64 (as AUTH LOGIN sends it), and every AUTH PLAIN blob" % len(needles))
    files = [main.log_path, reg.log_path, main.stderr_path, reg.stderr_path]
    r = step.run(["grep", "-c", "-F", "-f", needle_file] + files)
    found = [l for l in r.stdout.splitlines() if not l.endswith(":0")]
    step.check(r.returncode == 1 and not found,
               "grep finds no password in the logs, nor on the servers' stderr",
               "found: %s" % _leaks(files, needles))
    step.summary = "%d log lines, each timestamped with both addresses; AUTH payloads as " \
                   "********; %d secrets searched, %s" % (
                       len(lines), len(needles), "none found" if not found else "FOUND")


def _secrets(lab, info):
    out = set()
    for pw in lab.secrets:
        out.update((pw, b64(pw)))
    for user, pw in info["logins"]:
        out.add(plain_blob(user, pw))
        out.add(b64("%s\0%s\0%s" % (user, user, pw)))      # with an authorization id
    return sorted(out)


def _leaks(files, needles):
    for path in files:
        for line in read_text(path).splitlines():
            for n in needles:
                if n in line:
                    return "%s in %s: %s" % (n[:12] + "...", os.path.basename(path), line[-120:])
    return "?"


def _inject_leak(lab, server, info):
    """FOR TESTS ONLY (--inject-fault log-password): writes the line a server
    that logs secrets would write, so the search below must find it."""
    user, pw = info["logins"][0]
    stamp = time.strftime("%Y-%m-%d %H:%M:%S") + ".000000"
    with open(server.log_path, "a") as f:
        f.write("[%s] 127.0.0.1:%d 127.0.0.1:40000 smtp - C: AUTH PLAIN %s\n"
                % (stamp, server.port, plain_blob(user, pw)))
