# each frame's stack counts against one 512-byte budget, also when it grows after the call
-- expect reject combined stack
-- asm
stdw [%r10-300], 1
call local f
exit
f:
stdw [%r10-300], 2
mov %r0, 0
exit
