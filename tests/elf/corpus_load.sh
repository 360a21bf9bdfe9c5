#!/usr/bin/env bash
# Every object of ../shared/corpus loads with `bpfrt objdump`, except the ones EXPECTED.tsv
# marks load-error, which must be refused with one line on stderr; and every program's own
# instruction count equals what llvm-objdump -d shows for that function (independent check).
# usage: corpus_load.sh BPFRT CORPUS_DIR LLVM_OBJDUMP
set -u
bpfrt=$1 corpus=$2 objdump=$3
if [ ! -d "$corpus" ]; then
    echo "SKIP: shared corpus not found at $corpus"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 objects=0 programs=0 refused=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Slots per function as llvm-objdump shows them: "SECTION NAME COUNT" lines.
llvm_counts() {
    "$objdump" -d -t --triple=bpfel "$1" 2>/dev/null | awk '
        /^SYMBOL TABLE:/ { in_syms = 1; next }
        /^Disassembly of section / { in_syms = 0; flush(); sec = $4; sub(/:$/, "", sec); next }
        in_syms && $3 == "F" { isfunc[$4 " " $NF] = 1; next }
        /^[0-9a-f]+ <.*>:$/ {
            name = $2; sub(/^</, "", name); sub(/>:$/, "", name)
            if ((sec " " name) in isfunc) { flush(); cur = name; start = -1 }
            next
        }
        /^ *[0-9]+:\t/ {
            split($0, f, "\t"); idx = f[1]; sub(/:$/, "", idx); idx += 0
            n = split(f[2], bytes, " ")
            if (cur != "" && start < 0) start = idx
            end = idx + n / 8
            next
        }
        function flush() { if (cur != "" && start >= 0) print sec, cur, end - start; cur = "" }
        END { flush() }'
}

while IFS= read -r obj; do
    rel=${obj#"$corpus"/}
    objects=$((objects + 1))
    expected_error=$(awk -F'\t' -v o="$rel" '$1 == o && $4 == "load-error" { print "yes"; exit }' \
        "$corpus/EXPECTED.tsv")
    "$bpfrt" objdump --no-disasm "$obj" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "$rc" -ge 128 ] || grep -q 'Sanitizer\|runtime error' "$work/err"; then
        fail "$rel: crashed (exit $rc): $(head -c 300 "$work/err")"
        continue
    fi
    if [ "$expected_error" = yes ]; then
        if [ "$rc" -eq 0 ]; then
            fail "$rel: EXPECTED.tsv says load-error, but it loaded"
        elif [ "$(wc -l <"$work/err")" -ne 1 ] || ! grep -q "$rel" "$work/err"; then
            fail "$rel: refused without exactly one line naming the file: $(cat "$work/err")"
        else
            refused=$((refused + 1))
        fi
        continue
    fi
    if [ "$rc" -ne 0 ]; then
        fail "$rel: did not load: $(cat "$work/err")"
        continue
    fi
    llvm_counts "$obj" >"$work/llvm"
    while read -r _ name _ section _ _ _ _ _ _ _ own; do
        programs=$((programs + 1))
        want=$(awk -v s="$section" -v n="$name" '$1 == s && $2 == n { print $3; exit }' "$work/llvm")
        own=${own%)}
        if [ -z "$want" ]; then
            # a section without function symbols: llvm-objdump shows the whole section
            want=$(awk -v s="$section" '$1 == s { t += $3 } END { print t + 0 }' "$work/llvm")
            [ "$want" -eq 0 ] && want=$(
                "$objdump" -d --triple=bpfel -j "$section" "$obj" 2>/dev/null | awk -F'\t' '
                    /^ *[0-9]+:\t/ { i = $1; sub(/:$/, "", i); n = split($2, b, " "); e = i + n / 8 }
                    END { print e + 0 }')
        fi
        [ "$own" = "$want" ] || fail "$rel: program $name in $section: $own instructions, llvm-objdump shows $want"
    done < <(grep '^program ' "$work/out")
done < <(find "$corpus" -type f \( -name '*.o' -o -path '*/invalid/*' \) ! -name '*.json' | sort)

echo "objects: $objects, programs checked: $programs, refused as expected: $refused"
echo "$((objects + programs - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
