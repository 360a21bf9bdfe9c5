# nested constant-bounded loops: 4,000,000 iterations, more than the budget
-- expect reject more than 1000000 instructions
-- memory-below 8
-- asm
mov %r0, 0
mov %r1, 0
outer:
mov %r2, 0
inner:
add %r0, %r2
add %r2, 1
jlt %r2, 2000, inner
add %r1, 1
jlt %r1, 2000, outer
exit
