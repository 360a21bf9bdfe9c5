-- type xdp
-- expect reject are both pointers
-- asm
ldxw %r2, [%r1+0]
ldxw %r3, [%r1+4]
add %r2, %r3
mov %r0, 0
exit
