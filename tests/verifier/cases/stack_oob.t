-- expect reject outside the stack
-- asm
stdw [%r10-520], 7
mov %r0, 0
exit
