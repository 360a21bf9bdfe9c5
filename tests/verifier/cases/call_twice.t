# the same function called twice with the same state is not a loop (found by the soundness harness)
-- expect accept
-- asm
call 7
mov %r1, %r0
call local f
call 7
mov %r1, %r0
call local f
exit
f:
mov %r0, %r1
exit
