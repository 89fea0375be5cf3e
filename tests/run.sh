#!/bin/sh
# run.sh BIN_DIR [SAN_BIN_DIR [OTHER_BIN_DIR [FUZZ_BIN_DIR]]]: the whole test
# suite, as `make test` runs it.
#
# Stages: BIN_DIR/unit-tests, the integration tests against BIN_DIR, both again
# against OTHER_BIN_DIR (the same code linked with Debian's own wolfSSL), then
# against SAN_BIN_DIR (an ASan+UBSan build) with the sanitizers set to report,
# then the libFuzzer harnesses in FUZZ_BIN_DIR over their corpora (one test
# each, tests/fuzz/run.sh regress), then static analysis (make lint; LINT=0
# skips it). Each stage must end with a line '... N passed, N failed'; a stage that
# crashes, exits non-zero or prints no count counts as a failure. Prints a
# summary per stage and, last, one line 'N passed, N failed' (the sums).
# Exit 0 only if every stage ran and nothing failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

if [ $# -lt 1 ] || [ $# -gt 4 ]; then
    echo "usage: sh tests/run.sh BIN_DIR [SAN_BIN_DIR [OTHER_BIN_DIR [FUZZ_BIN_DIR]]]" >&2
    exit 2
fi
BIN=$1
SAN_BIN=${2:-}
OTHER_BIN=${3:-}
FUZZ_BIN=${4:-}

PY=${PYTHON:-python3}
out=$(mktemp -d "${TMPDIR:-/tmp}/sealed-tests.XXXXXX")
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

summary=""
total_pass=0
total_fail=0
bad_stage=0
n=0

# stage NAME LIMIT CMD...: runs CMD (killed after LIMIT seconds), shows its
# output as it comes, and records its count.
stage() {
    name=$1 limit=$2; shift 2
    n=$((n + 1))
    log=$out/stage$n.log
    echo "=== $name: $*"
    # The exit status of CMD, not of tee, through a file.
    { timeout --kill-after=30 "$limit" "$@" 2>&1; echo $? >"$out/rc$n"; } | tee "$log"
    rc=$(cat "$out/rc$n" 2>/dev/null || echo 1)
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed[[:space:]]*$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        p=0; f=0
        note="no 'N passed, N failed' line (exit $rc): counted as a failure"
        bad_stage=1
        f=1
    else
        counts=$(printf '%s\n' "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed, ([0-9]+) failed[[:space:]]*$/\2 \3/')
        p=${counts% *}
        f=${counts#* }
        note="$p passed, $f failed"
        if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            note="$note, then killed after its time limit: counted as a failure"
            bad_stage=1
            f=$((f + 1))
        elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            note="$note, but exit $rc: counted as a failure"
            bad_stage=1
            f=1
        fi
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    summary="$summary$(printf '  %-28s %s' "$name" "$note")
"
}

missing() {
    n=$((n + 1))
    echo "=== $1: $2 is missing"
    summary="$summary$(printf '  %-28s %s' "$1" "not run: $2 is missing")
"
    total_fail=$((total_fail + 1))
    bad_stage=1
}

run_pair() {
    label=$1 dir=$2
    if [ -x "$dir/unit-tests" ]; then
        stage "unit ($label)" 600 "$dir/unit-tests"
    else
        missing "unit ($label)" "$dir/unit-tests"
    fi
    if [ -x "$dir/sealed" ]; then
        stage "integration ($label)" 1500 "$PY" tests/integration/run.py --bin "$dir"
    else
        missing "integration ($label)" "$dir/sealed"
    fi
}

run_pair "$BIN" "$BIN"
[ -n "$OTHER_BIN" ] && run_pair "$OTHER_BIN" "$OTHER_BIN"

if [ -n "$SAN_BIN" ]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    export ASAN_OPTIONS UBSAN_OPTIONS
    # The integration harness always fails a test whose server printed a
    # sanitizer report ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer").
    run_pair "$SAN_BIN, ASan+UBSan" "$SAN_BIN"
fi

if [ -n "$FUZZ_BIN" ]; then
    # A crash or sanitizer report fails its harness; each has a few seconds.
    if [ -d "$FUZZ_BIN" ]; then
        stage "fuzz regression" 300 sh tests/fuzz/run.sh regress "$FUZZ_BIN"
    else
        missing "fuzz regression" "$FUZZ_BIN"
    fi
fi

# Static analysis: `make lint` (cppcheck, clang-tidy's clang-analyzer-*),
# one test per tool. LINT=0 leaves it out.
if [ "${LINT:-1}" != 0 ]; then
    stage "lint" 1200 make --no-print-directory lint
fi

echo "=== summary"
printf '%s' "$summary"
echo "$total_pass passed, $total_fail failed"
if [ "$total_fail" -eq 0 ] && [ "$bad_stage" -eq 0 ]; then
    exit 0
fi
exit 1
