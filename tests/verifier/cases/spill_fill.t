-- map m hash 4 8 16
-- expect accept
-- asm
stw [%r10-4], 0
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_idx(0)
call 1
stxdw [%r10-16], %r0
ldxdw %r1, [%r10-16]
jeq %r1, 0, out
ldxdw %r0, [%r1+0]
exit
out:
mov %r0, 0
exit
