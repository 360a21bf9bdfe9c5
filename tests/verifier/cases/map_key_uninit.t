-- map m hash 4 8 16
-- expect reject uninitialised stack
-- unprivileged
-- asm
sth [%r10-4], 0
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_idx(0)
call 1
mov %r0, 0
exit
