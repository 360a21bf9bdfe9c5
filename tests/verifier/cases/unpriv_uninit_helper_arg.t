-- map rb ringbuf 0 0 4096
-- unprivileged
-- expect reject uninitialised stack
-- asm
lddw %r1, map_by_idx(0)
mov %r2, %r10
add %r2, -8
mov %r3, 8
mov %r4, 0
call 130
mov %r0, 0
exit
