#!/bin/sh
# run.sh: the whole test suite, as `make test` runs it: installs what is
# missing, builds, runs every stage and prints one summary.
#
#   sh tests/run.sh
#
# The stages (PLAN below) run in lanes. First, one after the other: deps
# (make deps) and the build of bin/ (both cores: make -j$JOBS). Then six
# lanes at once, each running its stages in order:
#   bin, bin2  unit and integration tests against bin/ (the heaviest tests
#           run only here), the integration tests split in two halves
#           (run.py --shard 1/2 and 2/2, balanced by their deadlines)
#   sys     once build/system is built, its unit tests and the integration
#           tests that can differ with the library (run.py --library: TLS,
#           certificates, the key log, the client's checks) against
#           build/system/bin/, the same code linked with Debian's own wolfSSL
#   san, san2  the ASan+UBSan build, then its unit tests and the two halves
#           of its integration tests with the sanitizers set to report, at
#           nice 10: the bin lanes' tests, some of which bound how long a
#           session may take under attack, come first when both want the CPU
#           (the sanitizer stage's bounds are three times longer)
#   idle    at the lowest CPU priority (nice 19: only what the test lanes
#           leave): the build against Debian's wolfSSL, the libFuzzer build,
#           each fuzz harness over its corpus (tests/fuzz/run.sh regress),
#           then static analysis (make lint; LINT=0 leaves it out)
# The integration tests mostly wait on sockets, timers and child processes
# (a quarter of a core on average), so four runners share two cores; the
# san lanes (the build, then the slowest suite) are the longest. A stage
# may wait for a stage of another lane (san2 for the san build).
#
# A test stage must end with a line '... N passed, N failed[, N skipped]';
# one that crashes, exits non-zero or prints no count counts as a failure. A
# step (deps, a build) counts only when it fails. A stage that needs another
# (NEEDS) does not run when that one failed: it counts as one failure.
#
# One global deadline: SEALED_TEST_DEADLINE seconds (default 4800: 80
# minutes, well inside CI's 90) from SEALED_TEST_START (epoch seconds,
# default: when this script starts). Each stage gets the smaller of its own
# limit and the time left; one cut short is stopped with SIGTERM (the test
# runners then count what was cut as failed and print their count line); a
# stage the deadline leaves no time for is 'not run: global deadline' and
# counts as one failure. The summary and the last line are always printed.
#
# Each stage's output goes to SEALED_TEST_LOGS/NN-name.log (default
# build/test-logs/, kept) and is printed whole when the stage ends. The last
# line is 'N passed, N failed, N skipped' (the sums). Exit 0 only if nothing
# failed. SEALED_TEST_PLAN=FILE runs the stages of FILE instead (lines
# 'LANE|KIND|NAME|LIMIT|NEEDS|COMMAND', as PLAN below): for testing this
# script.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

if [ $# -ne 0 ]; then
    echo "usage: sh tests/run.sh (no arguments; SEALED_TEST_DEADLINE, LINT=0, JOBS=N)" >&2
    exit 2
fi

START=${SEALED_TEST_START:-$(date +%s)}
DEADLINE=${SEALED_TEST_DEADLINE:-4800}
LOGS=${SEALED_TEST_LOGS:-build/test-logs}
POLL_S=1        # how often a stage looks whether the stage it needs is done
for v in "$START" "$DEADLINE"; do
    case $v in ''|*[!0-9]*) echo "run.sh: SEALED_TEST_START and SEALED_TEST_DEADLINE must be" \
                                 "whole seconds" >&2; exit 2 ;; esac
done
# Seconds between SIGTERM and SIGKILL for a stage cut short (15), and kept
# back at the deadline for that and the summary (25); less for a short
# deadline.
GRACE=$((DEADLINE / 16 < 15 ? DEADLINE / 16 : 15))
[ "$GRACE" -ge 1 ] || GRACE=1
RESERVE=$((DEADLINE / 8 < 25 ? DEADLINE / 8 : 25))
[ "$RESERVE" -gt "$GRACE" ] || RESERVE=$((GRACE + 1))
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
PY=${PYTHON:-python3}
SAN_ENV="ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
MK="make --no-print-directory"

# LANE|KIND|NAME|LIMIT|NEEDS|COMMAND. LANE 0 runs first, in order; the other
# lanes then run at once. KIND: step (counts when it fails) or test (prints a
# count line). LIMIT: seconds. NEEDS: the NAME of a stage that must have
# succeeded first, or -.
plan() {
    cat <<EOF
0|step|deps|1800|-|$MK deps
0|step|build (bin)|900|deps|$MK -j$JOBS all bin/unit-tests
san|step|build (san)|900|deps|nice -n 10 $MK -j$JOBS BUILD=build/san SAN=address,undefined all build/san/bin/unit-tests
idle|step|build (system)|900|deps|nice -n 19 $MK -j$JOBS BUILD=build/system WOLFSSL=system all build/system/bin/unit-tests
idle|step|build (fuzz)|900|deps|nice -n 19 $MK -j$JOBS -f tests/fuzz/fuzz.mk
bin|test|unit (bin)|300|build (bin)|bin/unit-tests
bin|test|integration (bin, 1/2)|1500|build (bin)|$PY tests/integration/run.py --bin bin --shard 1/2
bin2|test|integration (bin, 2/2)|1500|build (bin)|$PY tests/integration/run.py --bin bin --shard 2/2
sys|test|unit (system)|300|build (system)|build/system/bin/unit-tests
sys|test|integration (system, library)|900|build (system)|$PY tests/integration/run.py --bin build/system/bin --library
san|test|unit (san)|300|build (san)|nice -n 10 env $SAN_ENV build/san/bin/unit-tests
san|test|integration (san, 1/2)|1800|build (san)|nice -n 10 env $SAN_ENV $PY tests/integration/run.py --bin build/san/bin --shard 1/2
san2|test|integration (san, 2/2)|1800|build (san)|nice -n 10 env $SAN_ENV $PY tests/integration/run.py --bin build/san/bin --shard 2/2
idle|test|fuzz regression|600|build (fuzz)|nice -n 19 sh tests/fuzz/run.sh regress build/fuzz/bin
EOF
    [ "${LINT:-1}" = 0 ] || echo "idle|test|lint|1200|deps|nice -n 19 $MK lint"
}

out=$(mktemp -d "${TMPDIR:-/tmp}/sealed-tests.XXXXXX") || exit 1
mkdir -p "$LOGS" || exit 1
rm -f "$LOGS"/[0-9][0-9]-*.log
# SIGINT or SIGTERM: every lane stops its stage (the runners count what was
# cut), then the summary is printed all the same.
lanes="" interrupted=""
stop_lanes() {
    for p in $lanes; do kill -TERM "$p" 2>/dev/null; done
}
wait_lanes() {
    for p in $lanes; do
        while kill -0 "$p" 2>/dev/null; do wait "$p"; done
    done
    lanes=""
}
trap 'rm -rf "$out"' EXIT
trap 'interrupted=SIGINT; stop_lanes' INT
trap 'interrupted=SIGTERM; stop_lanes' TERM

if [ -n "${SEALED_TEST_PLAN:-}" ]; then
    grep -v '^[[:space:]]*\(#\|$\)' "$SEALED_TEST_PLAN" >"$out/plan" || exit 2
else
    plan >"$out/plan"
fi

now() { date +%s; }

# say FILE: prints FILE whole, never in the middle of another lane's output.
say() {
    flock "$out/print.lock" cat "$1"
}

# index NAME: the stage number of NAME in the plan (empty if none).
index() {
    awk -F'|' -v n="$1" '$3 == n { print NR; exit }' "$out/plan"
}

# record N PASSED FAILED SKIPPED NOTE: the result of stage N, for the
# summary and for the stages that need it.
record() {
    printf '%s %s %s %s\n' "$2" "$3" "$4" "$5" >"$out/result.$1.tmp"
    mv "$out/result.$1.tmp" "$out/result.$1"
}

# counts LOG: "PASSED FAILED SKIPPED" from the last count line of LOG, or
# nothing when there is none.
counts() {
    grep -E '[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?[[:space:]]*$' "$1" | tail -n 1 |
        sed -E 's/^(.*[^0-9])?([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?[[:space:]]*$/\2 \3 \5/' |
        awk 'NF { print $1, $2, ($3 == "" ? 0 : $3) }'
}

# await N: waits until stage N has a result (or the deadline passes); 0
# when it succeeded.
await() {
    while [ ! -f "$out/result.$1" ]; do
        [ "$(now)" -ge $((START + DEADLINE - RESERVE)) ] && return 1
        sleep "$POLL_S"
    done
    read -r _ f _ _ <"$out/result.$1"
    [ "$f" -eq 0 ]
}

# stage N KIND NAME LIMIT NEEDS COMMAND: runs one stage and records it.
stage() {
    n=$1 kind=$2 name=$3 limit=$4 needs=$5 cmd=$6
    nn=$(printf '%02d' "$n")
    log="$LOGS/$nn-$(printf '%s' "$name" | tr -c 'A-Za-z0-9\n' '-' | tr -s '-' | sed 's/-$//').log"
    box="$out/box.$n"
    if [ "$needs" != - ]; then
        dep=$(index "$needs")
        if [ -z "$dep" ]; then
            record "$n" 0 1 0 "not run: it needs '$needs', which is not in the plan"
            return
        fi
        if ! await "$dep"; then
            if [ -f "$out/result.$dep" ]; then
                record "$n" 0 1 0 "not run: it needs '$needs', which failed"
            else
                record "$n" 0 1 0 "not run: global deadline (waiting for '$needs')"
            fi
            return
        fi
    fi
    left=$((START + DEADLINE - RESERVE - $(now)))
    if [ -n "$stopped" ]; then
        record "$n" 0 1 0 "not run: stopped by $stopped"
        return
    elif [ "$left" -le 0 ]; then
        record "$n" 0 1 0 "not run: global deadline"
        return
    fi
    lim=$limit cut="its own limit of $limit s"
    if [ "$left" -lt "$limit" ]; then
        lim=$left cut="the global deadline"
    fi
    t0=$(now)
    echo "=== $name: started at +$((t0 - START)) s (limit ${lim} s; log $log)" >"$box"
    say "$box"
    timeout --kill-after="$GRACE" "$lim" sh -c "$cmd" >"$log" 2>&1 &
    child=$!
    wait "$child"
    rc=$?
    while kill -0 "$child" 2>/dev/null; do     # a signal came: wait for the end
        wait "$child"
        rc=$?
    done
    child=""
    took=$(($(now) - t0))
    c=$(counts "$log")
    if [ "$kind" = step ]; then
        p=0 f=0 s=0 note="ok"
        [ "$rc" -ne 0 ] && f=1 note="failed (exit $rc)"
    elif [ -z "$c" ]; then
        p=0 f=1 s=0 note="no 'N passed, N failed' line (exit $rc): counted as a failure"
    else
        set -- $c
        p=$1 f=$2 s=$3 note="$1 passed, $2 failed, $3 skipped"
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            f=1 note="$note, but exit $rc: counted as a failure"
        fi
    fi
    [ -n "$stopped" ] && cut="$stopped"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] || [ -n "$stopped" ]; then
        note="$note; cut short by $cut"
        [ -z "$c" ] || [ "$kind" = step ] || [ "$f" -gt 0 ] || f=1
    fi
    note="$note ($took s, from +$((t0 - START)) s)"
    record "$n" "$p" "$f" "$s" "$note"
    { echo "=== $name: $cmd"; cat "$log"; echo "--- $name: $note"; } >"$box"
    say "$box"
}

# lane NAME: runs the stages of lane NAME in order (in a subshell of its
# own: SIGTERM stops its stage and the rest of the lane does not run).
lane() {
    child="" stopped=""
    trap 'stopped=SIGTERM; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM
    n=0
    while IFS='|' read -r l kind name limit needs cmd; do
        n=$((n + 1))
        [ "$l" = "$1" ] || continue
        stage "$n" "$kind" "$name" "$limit" "$needs" "$cmd"
    done <"$out/plan"
}

lane 0 &
lanes=$!
wait_lanes
if [ -z "$interrupted" ]; then
    for l in $(awk -F'|' '$1 != "0" && !seen[$1]++ { print $1 }' "$out/plan"); do
        lane "$l" &
        lanes="$lanes $!"
    done
    wait_lanes
fi

total_p=0 total_f=0 total_s=0 n=0
{
    echo "=== summary: $(($(now) - START)) s (global deadline $DEADLINE s); logs in $LOGS/"
    while IFS='|' read -r _ _ name _ _ _; do
        n=$((n + 1))
        if [ -f "$out/result.$n" ]; then
            read -r p f s note <"$out/result.$n"
        elif [ -n "$interrupted" ]; then
            p=0 f=1 s=0 note="not run: stopped by $interrupted"
        else
            p=0 f=1 s=0 note="not run: global deadline"
        fi
        total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
        printf '  %-36s %s\n' "$name" "$note"
    done <"$out/plan"
    echo "$total_p passed, $total_f failed, $total_s skipped"
} >"$out/summary"
cat "$out/summary"
total_f=$(tail -n 1 "$out/summary" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
[ "$total_f" -eq 0 ]
