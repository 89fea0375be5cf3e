#!/bin/sh
# run.sh: runs the libFuzzer harnesses built by tests/fuzz/fuzz.mk.
#
#   sh tests/fuzz/run.sh regress BIN_DIR [SECONDS]
#       `make test`'s stage: each harness runs every input of its committed
#       corpus (tests/fuzz/corpus/NAME), then fuzzes SECONDS more (default
#       3) into a scratch directory that is thrown away. One test a harness.
#   sh tests/fuzz/run.sh fuzz BIN_DIR SECONDS [NAME...]
#       `make fuzz`: each harness (or the NAMEs) fuzzes SECONDS from its
#       corpus and what earlier runs found (build/fuzz/found/NAME, git-ignored;
#       the committed corpus is never written).
#
# Crashes go to build/fuzz/crashes/NAME-*. Each harness prints one line with
# its executions and coverage (libFuzzer's cov: and ft:); the last line is
# 'N passed, N failed, N skipped' (none skips: a missing harness fails).
# SIGTERM (a deadline) stops the run: the harness under way and those not
# run count as failed, and the count line is printed all the same. Exit 0
# only if no harness failed. One harness runs at a time, in one process (no
# -jobs): the machine is shared.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

usage() {
    echo "usage: sh tests/fuzz/run.sh regress BIN_DIR [SECONDS]" >&2
    echo "       sh tests/fuzz/run.sh fuzz BIN_DIR SECONDS [NAME...]" >&2
    exit 2
}

[ $# -ge 2 ] || usage
mode=$1 bin=$2
shift 2
case $mode in
regress) seconds=${1:-3}; [ $# -le 1 ] || usage; shift $# ;;
fuzz) [ $# -ge 1 ] || usage; seconds=$1; shift ;;
*) usage ;;
esac
case $seconds in ''|*[!0-9]*) usage ;; esac

CORPUS=tests/fuzz/corpus
DICTS=tests/fuzz/dict
FOUND=build/fuzz/found
CRASHES=build/fuzz/crashes
SESSION_MAX_LEN=8192        # a whole session; parsers keep libFuzzer's default
TIMEOUT_S=10                # one input slower than this is a hang

scratch=$(mktemp -d "${TMPDIR:-/tmp}/sealed-fuzz-run.XXXXXX")
stopped=""
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT
trap 'stopped=SIGTERM' TERM
mkdir -p "$CRASHES"

names=$*
if [ -z "$names" ]; then
    for f in tests/fuzz/fuzz_*.c; do
        n=${f#tests/fuzz/fuzz_}
        names="$names ${n%.c}"
    done
fi

# The libFuzzer options of harness NAME beyond the common ones.
options() {
    o=""
    [ -f "$DICTS/$1.dict" ] && o="-dict=$DICTS/$1.dict"
    case $1 in *_session) o="$o -max_len=$SESSION_MAX_LEN" ;; esac
    echo "$o"
}

# stat NAME LOG: "execs=N cov=N ft=N" from libFuzzer's output.
stats() {
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$2" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$2" | tail -n 1 | cut -d' ' -f2)
    echo "execs=${execs:-?} cov=${cov:-?} ft=${ft:-?}"
}

passed=0 failed=0 i=0
for name in $names; do
    i=$((i + 1))
    if [ -n "$stopped" ]; then
        echo "not ok $i - $name: not run: stopped by $stopped"
        failed=$((failed + 1))
        continue
    fi
    exe=$bin/fuzz_$name
    log=$scratch/$name.log
    if [ ! -x "$exe" ]; then
        echo "not ok $i - $name: $exe is missing"
        failed=$((failed + 1))
        continue
    fi
    if [ "$mode" = regress ]; then
        out=$scratch/new-$name
    else
        out=$FOUND/$name
    fi
    mkdir -p "$out"
    # shellcheck disable=SC2046
    "$exe" -max_total_time="$seconds" -timeout="$TIMEOUT_S" -print_final_stats=1 \
        -artifact_prefix="$CRASHES/$name-" $(options "$name") \
        "$out" "$CORPUS/$name" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "ok $i - $name: $(stats "$name" "$log") time=${seconds}s"
        passed=$((passed + 1))
    else
        echo "not ok $i - $name: exit $rc, $(stats "$name" "$log")"
        grep -E 'ERROR: |runtime error:|invariant broken|SUMMARY:|^artifact_prefix|Test unit written' \
            "$log" | head -n 20 | sed 's/^/#   /'
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
