# r0 after a helper that returns nothing (ringbuf_submit) is uninitialised, as in Linux: an
# embedder's helper may leave anything there
-- map rb ringbuf 0 0 4096
-- expect reject r0
-- asm
lddw %r1, map_by_idx(0)
mov %r2, 8
mov %r3, 0
call 131
jeq %r0, 0, out
mov %r1, %r0
mov %r2, 0
call 132
exit
out:
mov %r0, 0
exit
