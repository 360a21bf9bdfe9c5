-- expect reject r2 is read before it is written
-- asm
mov %r0, %r2
exit
