#!/usr/bin/env bash
# Assembles the fuzz_elf seed folder in the build tree (the compiled test programs and the .o
# files of the shared corpus, whichever exist), then runs the fuzzer with run_fuzz.sh.
# usage: fuzz_elf.sh RUN_FUZZ FUZZER SECONDS WORK_DIR OBJ_DIR CORPUS_DIR
set -u
run_fuzz=$1 fuzzer=$2 seconds=$3 work=$4 objs=$5 corpus=$6
seeds="$work-seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
for o in "$objs"/*.o; do
    [ -f "$o" ] && cp "$o" "$seeds/own-$(basename "$o")"
done
if [ -d "$corpus" ]; then
    # flatten corpus paths into file names; very large objects only slow the fuzzer down
    while IFS= read -r o; do
        rel=${o#"$corpus"/}
        cp "$o" "$seeds/corpus-${rel//\//_}"
    done < <(find "$corpus" -type f -name '*.o' -size -512k | sort)
else
    echo "note: shared corpus not found at $corpus; seeding with the test programs only"
fi
exec "$BASH" "$run_fuzz" "$fuzzer" "$seconds" "$work" "$seeds"
