#!/usr/bin/env bash
# CLI robustness on assembly errors: one line on stderr naming FILE:LINE, non-zero exit, no
# crash; for `asm`, `run` and `test-data` alike.
. "$(dirname "$0")/lib.sh"

n=0
bad() { # DESC LINE3-TEXT: writes a file whose third line is the bad one
    n=$((n + 1))
    local f="bad$n.s"
    printf '# test %s\nmov %%r0, 0\n%s\nexit\n' "$1" "$2" >"$f"
    expect_error "asm: $1" "$f:3" -- asm "$f" -o "out$n.bin"
    expect_error "run: $1" "$f:3" -- run "$f"
    if [ -e "out$n.bin" ] && [ -s "out$n.bin" ]; then
        checks=$((checks + 1))
        fail "asm: $1: wrote output despite the error"
    fi
}

bad "bad mnemonic" "ldxq %r0, %r1"
bad "bad register" "or %r0, %r50"
bad "register 11" "mov %r11, 1"
bad "too few operands" "lddw %r0"
bad "too many operands" "add %r0, 1, 2"
bad "lock without operands" "lock"
bad "imm 2147483648" "mov32 %r0, 2147483648"
bad "imm 0x100000000" "mov32 %r0, 0x100000000"
bad "offset 0x10000" "ldxb %r0, [%r1+0x10000]"
bad "offset -32769" "stxb [%r1-32769], %r0"
bad "undefined label" "ja NOT_A_LABEL"
bad "memory operand without brackets" "ldxb %r0, %r1"
bad "unterminated memory operand" "ldxb %r0, [%r1+4"
bad "junk characters" "mov %r0, \$\$\$"

printf 'mov %%r0, 0\ndup:\ndup:\nexit\n' >dup.s
expect_error "asm: duplicate label" "dup.s:3" -- asm dup.s

: >empty.s
expect_error "asm: empty file" empty.s -- asm empty.s
expect_error "run: empty file" empty.s -- run empty.s
printf '# only a comment\n\n   \n' >comments.s
expect_error "asm: only comments" comments.s -- asm comments.s

printf 'mov %%r0, 0\n\x01\xff\xfe garbage\nexit\n' >binary.s
expect_error "asm: binary junk" binary.s:2 -- asm binary.s
# a NUL byte must not silently end the file: the text after it would be dropped unchecked
printf 'mov %%r0, 1\nexit\n\x00this is not assembly\n' >nul.s
expect_error "asm: NUL byte in the source" nul.s -- asm nul.s -o nul.bin
expect_error "run: NUL byte in the source" nul.s -- run nul.s

{
    printf 'mov %%r0, 0\nmov %%r0, '
    head -c 100000 /dev/zero | tr '\0' '9'
    printf '\nexit\n'
} >longline.s
expect_error "asm: 100000-digit immediate" "longline.s:2" -- asm longline.s

{
    printf 'mov %%r0, 0\n'
    head -c 100000 /dev/zero | tr '\0' 'a'
    printf ':\nexit\n'
} >longlabel.s
checks=$((checks + 1))
run_cli asm longlabel.s -o longlabel.bin
no_crash "asm: 100000-character label" || show asm longlabel.s

printf 'mov %%r0, 1\nexit\n' >ok.s
expect_error "asm: unwritable output" "/nonexistent-dir/out.bin" -- asm ok.s -o /nonexistent-dir/out.bin

# the test-data runner reports an unassemblable file as a failure naming it
cat >bad.data <<'DATA'
-- asm
mov %r0, 1
ldxq %r0, %r1
exit
-- result
0x1
DATA
checks=$((checks + 1))
run_cli test-data bad.data
if ! no_crash "test-data bad.data" || [ "$rc" -ne 1 ] || [ "$(tail -n 1 .out)" != "0 passed, 1 failed" ] ||
    ! grep -qF bad.data .out .err; then
    fail "test-data on an unassemblable file: expected a failure naming bad.data, '0 passed, 1 failed', exit 1"
    show test-data bad.data
fi

finish
