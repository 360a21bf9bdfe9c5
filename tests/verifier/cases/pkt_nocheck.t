-- type xdp
-- expect reject compare the pointer with data_end first
-- asm
ldxw %r2, [%r1+0]
ldxb %r0, [%r2+0]
exit
