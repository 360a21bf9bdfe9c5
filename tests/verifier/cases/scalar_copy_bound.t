-- map m array 4 16 1
-- expect accept
-- asm
stw [%r10-4], 0
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_idx(0)
call 1
jeq %r0, 0, out
mov %r6, %r0
call 7
mov %r1, %r0
mov %r2, %r1
jgt %r2, 15, out
add %r6, %r1
ldxb %r0, [%r6+0]
exit
out:
mov %r0, 0
exit
