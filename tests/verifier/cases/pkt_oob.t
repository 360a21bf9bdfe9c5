-- type xdp
-- expect reject outside the proven packet range
-- asm
ldxw %r2, [%r1+0]
ldxw %r3, [%r1+4]
mov %r4, %r2
add %r4, 14
jgt %r4, %r3, drop
ldxb %r0, [%r2+14]
exit
drop:
mov %r0, 1
exit
