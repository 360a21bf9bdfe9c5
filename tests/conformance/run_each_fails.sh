#!/usr/bin/env bash
# Runs `bpfrt test-data` on every .data file in DIR, one file at a time, and checks that none
# of them passes: the last stdout line must be exactly "0 passed, 1 failed", the exit code 1,
# and the file must be named in the output.
#
# usage: run_each_fails.sh CLI MODE DIR
# When DIR does not exist the test is skipped (exit 77) with a reason.
set -u
cli=$1 mode=$2 dir=$3
if [ ! -d "$dir" ]; then
    echo "SKIP: test data not found at $dir"
    exit 77
fi
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
total=0 bad=0
for f in "$dir"/*.data; do
    [ -f "$f" ] || continue
    total=$((total + 1))
    "$cli" test-data --engine interp --mode "$mode" "$f" >"$out" 2>"$err"
    rc=$?
    last=$(tail -n 1 "$out")
    why=""
    if [ "$rc" -ge 128 ]; then
        why="crashed (exit code $rc)"
    elif grep -qE 'Sanitizer|runtime error:' "$err"; then
        why="sanitizer output"
    elif [ "$last" != "0 passed, 1 failed" ]; then
        why="last line '$last', expected '0 passed, 1 failed'"
    elif [ "$rc" -ne 1 ]; then
        why="exit code $rc, expected 1"
    elif ! grep -qF "$(basename "$f")" "$out" "$err"; then
        why="the failure report does not name the file"
    fi
    if [ -n "$why" ]; then
        bad=$((bad + 1))
        echo "FAIL $(basename "$f"): $why"
        echo "  command: $cli test-data --engine interp --mode $mode $f"
        sed 's/^/  stdout: /' "$out"
        sed 's/^/  stderr: /' "$err"
    fi
done
if [ "$total" -eq 0 ]; then
    echo "FAIL: no .data files in $dir"
    exit 1
fi
echo "$((total - bad)) of $total files correctly reported as failing ($mode mode)"
[ "$bad" -eq 0 ]
