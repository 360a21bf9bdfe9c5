# a tracing argument may be NULL: both branches are checked (reported by review)
-- type tracing
-- expect reject outside the stack
-- asm
ldxdw %r2, [%r1+0]
jne %r2, 0, ok
stdw [%r10-600], 1
ok:
mov %r0, 0
exit
