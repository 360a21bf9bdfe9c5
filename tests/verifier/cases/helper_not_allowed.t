-- type xdp
-- map s sockmap 4 4 4
-- expect reject not available to xdp
-- asm
mov %r2, %r1
lddw %r2, map_by_idx(0)
mov %r3, %r10
add %r3, -4
stw [%r10-4], 0
mov %r4, 0
call 53
mov %r0, 0
exit
