# shellcheck shell=bash
# Shared by the CLI tests (sourced). CTest sets BPFRT (the CLI binary) and WORK (a scratch
# directory, emptied here). Every check prints FAIL lines with the command and its stderr.
set -u
: "${BPFRT:?BPFRT must name the bpfrt binary}" "${WORK:?WORK must name a scratch directory}"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

checks=0
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run_cli ARGS...: runs bpfrt; sets rc, and leaves stdout in .out and stderr in .err.
run_cli() {
    "$BPFRT" "$@" >.out 2>.err
    rc=$?
}

show() {
    echo "  command: bpfrt $*"
    sed 's/^/  stdout: /' .out | head -20
    sed 's/^/  stderr: /' .err | head -20
}

no_crash() { # DESC
    local ok=1
    if [ "$rc" -ge 128 ]; then
        fail "$1: crashed (exit code $rc)"
        ok=0
    fi
    if grep -qE 'Sanitizer|runtime error:|LeakSanitizer' .err; then
        fail "$1: sanitizer output on stderr"
        ok=0
    fi
    [ "$ok" = 1 ]
}

# expect_error DESC [FRAGMENT...] -- ARGS...
# bpfrt ARGS must exit non-zero (< 128) with exactly one line on stderr containing every
# FRAGMENT. A FRAGMENT starting with ~ is an extended regex instead of a fixed string.
expect_error() {
    local desc=$1 ok=1 f lines
    shift
    local frags=()
    while [ "$1" != "--" ]; do
        frags+=("$1")
        shift
    done
    shift
    checks=$((checks + 1))
    run_cli "$@"
    no_crash "$desc" || ok=0
    if [ "$rc" -eq 0 ]; then
        fail "$desc: exit code 0"
        ok=0
    fi
    lines=$(grep -c '' .err)
    if [ "$lines" -ne 1 ]; then
        fail "$desc: $lines lines on stderr, expected exactly 1"
        ok=0
    fi
    for f in ${frags[@]+"${frags[@]}"}; do
        if [ "${f#\~}" != "$f" ]; then
            grep -qE -- "${f#\~}" .err || {
                fail "$desc: stderr does not match /${f#\~}/"
                ok=0
            }
        else
            grep -qF -- "$f" .err || {
                fail "$desc: stderr does not mention '$f'"
                ok=0
            }
        fi
    done
    [ "$ok" = 1 ] || show "$@"
}

# expect_ok DESC ARGS...: exit code 0, nothing from the sanitizers.
expect_ok() {
    local desc=$1
    shift
    checks=$((checks + 1))
    run_cli "$@"
    if ! no_crash "$desc" || [ "$rc" -ne 0 ]; then
        [ "$rc" -ne 0 ] && fail "$desc: exit code $rc"
        show "$@"
        return 1
    fi
    return 0
}

# check COND-STATUS DESC: records a check on the status of the previous command.
check() {
    local st=$? desc=$1
    checks=$((checks + 1))
    [ "$st" -eq 0 ] || fail "$desc"
    return "$st"
}

# hexbytes FILE HEX...: writes the bytes.
hexbytes() {
    local f=$1
    shift
    local s=""
    for b in "$@"; do s="$s\\x$b"; done
    printf "$s" >"$f"
}

finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
}
