-- map m array 4 8 1
-- expect accept
-- asm
stw [%r10-4], 0
mov %r6, %r1
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_idx(0)
call 1
jeq %r0, 0, out
stxdw [%r0+0], %r6
out:
mov %r0, 0
exit
