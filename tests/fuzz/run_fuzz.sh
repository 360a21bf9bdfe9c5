#!/usr/bin/env bash
# Runs a libFuzzer target for a fixed time from a seed corpus.
# usage: run_fuzz.sh FUZZER SECONDS WORK_DIR SEED_DIR [CLI]
#   With CLI, the .s seeds are first assembled into .bin seeds (for fuzz_vm); seeds that do
#   not assemble are left out.
set -u
fuzzer=$1 seconds=$2 work=$3 seeds=$4 cli=${5:-}
rm -rf "$work"
mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
if [ -n "$cli" ]; then
    for s in "$seeds"/*.s; do
        [ -f "$s" ] || continue
        "$cli" asm "$s" -o "$work/seeds/$(basename "${s%.s}").bin" >/dev/null 2>&1 ||
            rm -f "$work/seeds/$(basename "${s%.s}").bin"
    done
else
    cp "$seeds"/* "$work/seeds/" 2>/dev/null
fi
echo "seeds: $(find "$work/seeds" -type f | wc -l) files"
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds" 2>&1 | tail -n 40
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
    echo "FAIL: $(basename "$fuzzer") exited with $rc; reproducers in $work/artifacts:"
    ls -l "$work/artifacts"
fi
exit "$rc"
