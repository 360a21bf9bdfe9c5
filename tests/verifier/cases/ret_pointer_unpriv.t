-- unprivileged
-- expect reject leaks its address
-- asm
mov %r0, %r10
exit
