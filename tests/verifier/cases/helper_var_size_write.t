# a helper writing a variable number of bytes initialises only the smallest number for sure
# (found by the soundness harness)
-- type kprobe
-- expect reject uninitialised stack
-- asm
call 7
and %r0, 7
mov %r2, %r0
mov %r1, %r10
add %r1, -16
mov %r3, 0
call 113
ldxb %r0, [%r10-9]
exit
