-- map rb ringbuf 0 0 4096
-- expect reject unreleased reference
-- asm
lddw %r1, map_by_idx(0)
mov %r2, 8
mov %r3, 0
call 131
mov %r0, 0
exit
