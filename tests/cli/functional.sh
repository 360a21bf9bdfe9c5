#!/usr/bin/env bash
# CLI behaviour: asm/disasm round trip, run on .s and .bin, --mem, --repeat, --budget, --mode,
# test-data output and exit codes.
. "$(dirname "$0")/lib.sh"

r0_of() { # prints r0 from .out as a decimal (two's complement) number
    local line
    line=$(grep -E '^r0 0x[0-9a-fA-F]+$' .out | head -n 1)
    [ -n "$line" ] || return 1
    echo $((${line#r0 }))
}

expect_r0() { # DESC VALUE ARGS...
    local desc=$1 want=$2 got
    shift 2
    expect_ok "$desc" "$@" || return
    checks=$((checks + 1))
    if ! got=$(r0_of); then
        fail "$desc: no 'r0 0x...' line on stdout"
        show "$@"
    elif [ "$got" != "$((want))" ]; then
        fail "$desc: r0 = $got, expected $((want))"
        show "$@"
    fi
}

cat >prog.s <<'S'
# a bit of everything: lddw, a loop, a local call, the stack, memory
mov %r6, %r1
mov %r7, %r2
lddw %r0, 0x100000000
mov %r3, 0
loop:
ldxb %r4, [%r6+0]
add %r3, %r4
add %r6, 1
sub %r7, 1
jne %r7, 0, loop
stxdw [%r10-8], %r3
call local f
ldxdw %r3, [%r10-8]
add %r0, %r3
exit
f:
mov %r0, 0x1000
exit
S
printf '\x01\x02\x03\x04\x05' >mem.bin

expect_ok "asm prog.s" asm prog.s -o prog.bin
size=$(wc -c <prog.bin)
[ "$size" -gt 0 ] && [ $((size % 8)) -eq 0 ]
check "asm: output size $size is not a positive multiple of 8"

expect_ok "disasm prog.bin" disasm prog.bin
cp .out prog.lst
checks=$((checks + 1))
grep -vqE '^ *[0-9]+: [a-z]' prog.lst && fail "disasm: lines not of the form '   N: insn'" && cat prog.lst
# the lddw at slot 2 takes two slots: the next line is numbered 4
grep -qE '^ *2: lddw' prog.lst && grep -qE '^ *4: ' prog.lst && ! grep -qE '^ *3: ' prog.lst
check "disasm: lddw numbering (expected lines 2: lddw, then 4:)" || cat prog.lst
sed -E 's/^ *[0-9]+: //' prog.lst >re.s
expect_ok "reassemble the disassembly" asm re.s -o re.bin
cmp -s prog.bin re.bin
check "asm -> disasm -> asm: bytes differ" || cat prog.lst

want=$((0x1000 + 15))
expect_r0 "run prog.s --mem" "$want" run --mem mem.bin prog.s
expect_r0 "run prog.bin --mem" "$want" run --mem mem.bin prog.bin
expect_r0 "run --mode trusted" "$want" run --mode trusted --mem mem.bin prog.bin
expect_r0 "run --engine interp --mode checked" "$want" run --engine interp --mode checked --mem mem.bin prog.bin
expect_r0 "run --budget large" "$want" run --budget 100000 --mem mem.bin prog.bin

expect_r0 "run --repeat" "$want" run --repeat 50 --mem mem.bin prog.bin
grep -qE '^time [0-9]+(\.[0-9]+)? ns per run$' .out
check "run --repeat: no 'time T ns per run' line" || show run --repeat 50 --mem mem.bin prog.bin

# r2 is the memory length; memory is writable
printf 'mov %%r0, %%r2\nstb [%%r1+0], 9\nldxb %%r3, [%%r1+0]\nadd %%r0, %%r3\nexit\n' >len.s
expect_r0 "run: r2 = memory length" 14 run --mem mem.bin len.s

printf 'lddw %%r0, 0xfedcba9876543210\nexit\n' >big.s
expect_r0 "run: 64-bit r0" 0xfedcba9876543210 run big.s

printf 'mov32 %%r0, -1\nexit\n' >neg.s
expect_r0 "run: mov32 -1 is zero-extended" 0xffffffff run neg.s

printf 'mov %%r0, 0\nloop:\nadd %%r0, 1\nja loop\nexit\n' >inf.s
expect_error "run --budget on an infinite loop" inf.s -- run --budget 1000 inf.s
expect_error "run --mode checked --budget on an infinite loop" inf.s -- run --mode checked --budget 1000 inf.s

printf 'mov %%r1, 0\nldxdw %%r0, [%%r1+0]\nexit\n' >null.s
expect_error "run: null load in checked mode" null.s -- run --mode checked null.s
printf 'ldxb %%r0, [%%r1+5]\nexit\n' >past.s
expect_error "run: load just past --mem" past.s -- run --mem mem.bin past.s

printf 'mov %%r0, 0x77\nldabsb 5\nmov %%r0, 9\nexit\n' >ldabs.s
expect_r0 "run: ldabs out of bounds gives r0 = 0" 0 run --mem mem.bin ldabs.s

# test-data: summary line and exit codes
mkdir -p td
cat >td/pass.data <<'D'
-- asm
mov %r0, 3
exit
-- result
0x3
D
cat >td/fail.data <<'D'
-- asm
mov %r0, 3
exit
-- result
0x4
D
for mode in checked trusted; do
    expect_ok "test-data ($mode) one passing file" test-data --mode $mode td/pass.data
    [ "$(tail -n 1 .out)" = "1 passed, 0 failed" ]
    check "test-data ($mode) one passing file: last line '$(tail -n 1 .out)'"
    checks=$((checks + 1))
    run_cli test-data --mode $mode td
    if ! no_crash "test-data ($mode) td" || [ "$rc" -ne 1 ] || [ "$(tail -n 1 .out)" != "1 passed, 1 failed" ] ||
        ! grep -qF fail.data .out || grep -qF pass.data .out; then
        fail "test-data ($mode) on a folder with one failing file: expected 'fail.data' reported, '1 passed, 1 failed', exit 1"
        show test-data --mode $mode td
    fi
    run_cli test-data --mode $mode td/pass.data td/fail.data td/pass.data
    [ "$rc" -eq 1 ] && [ "$(tail -n 1 .out)" = "2 passed, 1 failed" ]
    check "test-data ($mode) with three paths: expected '2 passed, 1 failed'" || show test-data td/pass.data td/fail.data td/pass.data
done

finish
