-- type kprobe
-- license proprietary
-- expect reject GPL-only
-- asm
mov %r1, %r10
add %r1, -8
mov %r2, 8
mov %r3, 0
call 113
mov %r0, 0
exit
