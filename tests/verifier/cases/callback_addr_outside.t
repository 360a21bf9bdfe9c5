-- expect reject function address
-- asm
lddw %r2, code_addr(100)
mov %r0, 0
exit
