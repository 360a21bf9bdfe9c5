-- type xdp
-- expect reject atomic operation
-- asm
mov %r2, 1
lock add32 [%r1+16], %r2
mov %r0, 0
exit
