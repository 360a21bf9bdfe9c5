-- type xdp
-- expect reject context
-- asm
ldxdw %r2, [%r1+0]
mov %r0, 0
exit
