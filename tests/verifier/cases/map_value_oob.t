-- map m array 4 8 16
-- expect reject outside the map value
-- asm
stw [%r10-4], 0
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_idx(0)
call 1
jeq %r0, 0, out
ldxdw %r0, [%r0+4]
exit
out:
mov %r0, 0
exit
