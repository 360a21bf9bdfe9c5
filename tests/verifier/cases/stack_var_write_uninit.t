# a store at a variable offset may miss bytes: they stay uninitialised (reported by review)
-- expect reject uninitialised stack
-- asm
call 7
and %r0, 7
mov %r1, %r10
add %r1, -8
add %r1, %r0
stb [%r1+0], 1
ldxdw %r0, [%r10-8]
exit
