# a packet walk bounded only by the packet: Linux's limit of 8192 pending branches ends it
-- type xdp
-- expect reject more than 8192 branches wait
-- memory-below 64
-- asm
ldxw %r2, [%r1+0]
ldxw %r3, [%r1+4]
ldxw %r6, [%r1+12]
mov %r7, 0
mov %r0, 0
loop:
mov %r4, %r2
add %r4, 1
jgt %r4, %r3, out
ldxb %r5, [%r2+0]
add %r0, %r5
add %r2, 1
add %r7, 1
jlt %r7, %r6, loop
out:
mov %r0, 2
exit
