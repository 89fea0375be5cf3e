#!/bin/bash
# profile.sh MODE [BINDIR]: one server, one seal-load run, the server's own
# CPU time per session (utime+stime from /proc/PID/stat around the run), and
# with PERF=1 a `perf record -g` of the server into build/profile-MODE.data.
#
#   pop3  N (default 20) sessions retrieving one 30 MiB message
#   smtp  -c 16 for D (default 5) seconds: AUTH + 1 KiB + fsynced Maildir
#
# Everything lives in a temporary directory under $TMPDIR (removed at the
# end); the server listens on 127.0.0.1 only and is stopped by its pid.
# Used for the "where the time goes" notes in README (Performance).
set -eu
mode=${1:-}; bin=${2:-bin}
N=${N:-20}; D=${D:-5}; MSG=$((30 << 20))
case $mode in pop3|smtp) ;; *) echo "usage: tools/profile.sh pop3|smtp [BINDIR]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sealed-profile.XXXXXX")
pid=""; perf_pid=""
cleanup() {
    [ -n "$perf_pid" ] && kill -INT "$perf_pid" 2>/dev/null || true
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

mkdir -m 700 "$tmp/data"
CERTS_DIR="$tmp/certs" sh "$root/certs/mkcerts.sh" >/dev/null 2>&1
echo "profile-password" > "$tmp/pw"
for u in load retr; do "$bin/sealed" --data-dir "$tmp/data" useradd $u < "$tmp/pw" >/dev/null; done
smtp=$(free_port); pop3=$(free_port)
"$bin/sealed" --data-dir "$tmp/data" --listen 127.0.0.1 --smtp-port "$smtp" --pop3-port "$pop3" \
    --rtsp-port 0 --cert "$tmp/certs/server.crt" --key "$tmp/certs/server.key" 2>"$tmp/stderr" &
pid=$!
for _ in $(seq 50); do grep -q "sealed ready" "$tmp/stderr" 2>/dev/null && break; sleep 0.1; done
common=(--password-file "$tmp/pw" --cafile "$tmp/certs/server.crt" --json)
if [ "$mode" = pop3 ]; then
    "$bin/seal-load" smtp -c 1 -n 1 -s $MSG --user load --rcpt retr@localhost "${common[@]}" \
        "smtps://localhost:$smtp" >/dev/null
    run=("$bin/seal-load" pop3 -c 1 -n "$N" --user retr "${common[@]}" "pop3s://localhost:$pop3")
else
    run=("$bin/seal-load" smtp -c 16 -d "$D" -s 1024 --user load --rcpt load@localhost \
         "${common[@]}" "smtps://localhost:$smtp")
fi
if [ -n "${PERF:-}" ]; then
    mkdir -p "$root/build"
    perf record -g -p "$pid" -o "$root/build/profile-$mode.data" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.3
fi
t0=$(cpu_ticks "$pid")
"${run[@]}" > "$tmp/out.json"
t1=$(cpu_ticks "$pid")
python3 - "$tmp/out.json" "$((t1 - t0))" "$(getconf CLK_TCK)" "$mode" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cpu = int(sys.argv[2]) / int(sys.argv[3])
ok = d["ok"]
line = "%s: %d ok, %d failed; server CPU %.2f s = %.2f ms a session" % (
    sys.argv[4], ok, d["failed"], cpu, 1000 * cpu / ok if ok else float("nan"))
if sys.argv[4] == "pop3" and cpu:
    line += ", %.0f MB per CPU second" % (ok * (30 << 20) / cpu / 1e6)
print(line)
PY
if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; perf_pid=""
    echo "perf data: build/profile-$mode.data (perf report -i build/profile-$mode.data --no-children)"
fi
