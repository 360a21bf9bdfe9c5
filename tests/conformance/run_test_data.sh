#!/usr/bin/env bash
# Runs `bpfrt test-data` on PATH... and checks its summary line exactly.
#
# usage: run_test_data.sh CLI MODE EXPECT PATH...
#   EXPECT  the exact last line expected on stdout ("313 passed, 0 failed"), or "all" for
#           "<number of .data files under PATH...> passed, 0 failed".
# The first PATH must exist; when it does not, the test is skipped (exit 77) with a reason.
set -u
cli=$1 mode=$2 expect=$3
shift 3
if [ ! -e "$1" ]; then
    echo "SKIP: test data not found at $1"
    exit 77
fi
if [ "$expect" = all ]; then
    n=0
    for p in "$@"; do
        if [ -d "$p" ]; then
            c=$(find "$p" -maxdepth 1 -name '*.data' -type f | wc -l)
        else
            c=1
        fi
        n=$((n + c))
    done
    if [ "$n" -eq 0 ]; then
        echo "FAIL: no .data files in $*"
        exit 1
    fi
    expect="$n passed, 0 failed"
fi

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$cli" test-data --engine interp --mode "$mode" "$@" >"$out" 2>"$err"
rc=$?
fail=0
last=$(tail -n 1 "$out")
if [ "$rc" -ge 128 ]; then
    echo "FAIL: bpfrt crashed (exit code $rc)"
    fail=1
fi
if grep -qE 'Sanitizer|runtime error:|Segmentation fault|Aborted' "$err"; then
    echo "FAIL: sanitizer or crash output on stderr"
    fail=1
fi
if [ "$last" != "$expect" ]; then
    echo "FAIL: last line is '$last', expected '$expect'"
    fail=1
fi
case "$expect" in
*" 0 failed"*) want_rc=0 ;;
*) want_rc=1 ;;
esac
if [ "$rc" -ne "$want_rc" ] && [ "$rc" -lt 128 ]; then
    echo "FAIL: exit code $rc, expected $want_rc"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "--- command: $cli test-data --engine interp --mode $mode $*"
    echo "--- stdout:"
    cat "$out"
    echo "--- stderr:"
    cat "$err"
    exit 1
fi
echo "ok: $last ($mode mode)"
exit 0
