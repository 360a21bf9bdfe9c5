# a counter compared with an unknown bound: every iteration is a new state; the budgets (states
# kept per instruction, history, instructions) end it in about a second and a few MiB
-- expect reject too complex
-- memory-below 8
-- asm
call 7
mov %r6, %r0
mov %r1, 0
loop:
add %r1, 1
jlt %r1, %r6, loop
mov %r0, 0
exit
