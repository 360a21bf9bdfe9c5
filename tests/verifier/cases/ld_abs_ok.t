-- type socket_filter
-- expect accept
-- asm
mov %r6, %r1
ldabsh 12
exit
