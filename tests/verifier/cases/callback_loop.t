-- expect accept
-- asm
stdw [%r10-8], 0
mov %r1, 10
lddw %r2, code_addr(7)
mov %r3, %r10
add %r3, -8
mov %r4, 0
call 181
mov %r0, 0
exit
ldxdw %r3, [%r2+0]
add %r3, 1
stxdw [%r2+0], %r3
mov %r0, 0
exit
