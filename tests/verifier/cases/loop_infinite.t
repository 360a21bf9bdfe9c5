-- expect reject infinite loop
-- asm
mov %r0, 0
loop:
ja loop
