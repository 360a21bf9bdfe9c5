-- map m hash 4 8 16
-- expect reject may be NULL
-- asm
stw [%r10-4], 0
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_idx(0)
call 1
ldxdw %r0, [%r0+0]
exit
