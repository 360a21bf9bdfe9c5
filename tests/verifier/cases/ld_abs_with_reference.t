-- type socket_filter
-- map rb ringbuf 0 0 4096
-- expect reject unreleased reference
-- asm
mov %r6, %r1
lddw %r1, map_by_idx(0)
mov %r2, 8
mov %r3, 0
call 131
jeq %r0, 0, out
mov %r7, %r0
ldabsb 12
mov %r1, %r7
mov %r2, 0
call 133
out:
mov %r0, 0
exit
