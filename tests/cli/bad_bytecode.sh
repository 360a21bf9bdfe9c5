#!/usr/bin/env bash
# CLI robustness on bad bytecode files and missing files: one line on stderr naming the file
# (and the instruction where there is one), a non-zero exit code, no crash.
. "$(dirname "$0")/lib.sh"

EXIT="95 00 00 00 00 00 00 00"
MOV0="b7 00 00 00 00 00 00 00"

hexbytes trunc5.bin b7 00 00 00 00
hexbytes odd12.bin $MOV0 95 00 00 00
: >empty.bin
hexbytes opcode.bin $MOV0 ff 00 00 00 00 00 00 00 $EXIT
hexbytes reserved.bin $MOV0 $MOV0 04 00 01 00 01 00 00 00 $EXIT
hexbytes register.bin $MOV0 $MOV0 b7 0b 00 00 01 00 00 00 $EXIT
hexbytes r10.bin $MOV0 b7 0a 00 00 00 00 00 00 $EXIT
hexbytes jump.bin $MOV0 05 00 0a 00 00 00 00 00 $EXIT
hexbytes lddw-mid.bin 05 00 01 00 00 00 00 00 18 00 00 00 01 00 00 00 00 00 00 00 02 00 00 00 $EXIT
hexbytes lddw-cut.bin $MOV0 $EXIT 18 00 00 00 01 00 00 00
hexbytes fallthrough.bin $MOV0 $MOV0
hexbytes garbage.bin 3c 11 42 9a ff 7e 01 80 de ad be ef 00 11 22 33 c3 c3 c3 c3 c3 c3 c3 c3

for cmd in run disasm; do
    expect_error "$cmd: 5-byte file" trunc5.bin -- $cmd trunc5.bin
    expect_error "$cmd: 12-byte file" odd12.bin -- $cmd odd12.bin
    expect_error "$cmd: empty file" empty.bin -- $cmd empty.bin
    expect_error "$cmd: nonexistent file" no-such-file.bin -- $cmd no-such-file.bin
    expect_error "$cmd: a directory" "$WORK" -- $cmd "$WORK"
done
for mode in checked trusted; do
    expect_error "run ($mode): unknown opcode at 1" opcode.bin '~[^0-9]1([^0-9]|$)' -- \
        run --mode $mode opcode.bin
    expect_error "run ($mode): reserved off field at 2" reserved.bin '~[^0-9]2([^0-9]|$)' -- \
        run --mode $mode reserved.bin
    expect_error "run ($mode): register 11 at 2" register.bin '~[^0-9]2([^0-9]|$)' -- \
        run --mode $mode register.bin
    expect_error "run ($mode): write to r10 at 1" r10.bin '~[^0-9]1([^0-9]|$)' -- \
        run --mode $mode r10.bin
    expect_error "run ($mode): jump out of range at 1" jump.bin '~[^0-9]1([^0-9]|$)' -- \
        run --mode $mode jump.bin
    expect_error "run ($mode): jump into lddw at 0" lddw-mid.bin '~[^0-9]0([^0-9]|$)' -- \
        run --mode $mode lddw-mid.bin
    expect_error "run ($mode): lddw cut off at 2" lddw-cut.bin '~[^0-9]2([^0-9]|$)' -- \
        run --mode $mode lddw-cut.bin
    expect_error "run ($mode): falls through at 1" fallthrough.bin '~[^0-9]1([^0-9]|$)' -- \
        run --mode $mode fallthrough.bin
    expect_error "run ($mode): garbage" garbage.bin -- run --mode $mode garbage.bin
done

# disasm need not reject undecodable slots (it may print .word), but must not crash
for f in opcode reserved register garbage lddw-cut; do
    checks=$((checks + 1))
    run_cli disasm $f.bin
    no_crash "disasm $f.bin" || show disasm $f.bin
    if [ "$rc" -ne 0 ] && [ "$(grep -c '' .err)" -ne 1 ]; then
        fail "disasm $f.bin: failed without exactly one line on stderr"
        show disasm $f.bin
    fi
done

expect_error "asm: nonexistent file" no-such-file.s -- asm no-such-file.s
expect_error "run: nonexistent .s" no-such-file.s -- run no-such-file.s
# test-data may report a missing path as a usage error (one line on stderr) or as a failed
# file (a line naming it, then "0 passed, 1 failed"); either way exit 1-127, no crash.
checks=$((checks + 1))
run_cli test-data no-such-dir
if ! no_crash "test-data: nonexistent path" || [ "$rc" -eq 0 ] ||
    ! grep -qF no-such-dir .out .err ||
    { [ "$(grep -c '' .err)" -ne 1 ] && [ "$(tail -n 1 .out)" != "0 passed, 1 failed" ]; }; then
    fail "test-data: nonexistent path not reported"
    show test-data no-such-dir
fi
printf 'mov %%r0, 1\nexit\n' >ok.s
expect_error "run: nonexistent --mem file" no-such-mem.bin -- run --mem no-such-mem.bin ok.s

finish
