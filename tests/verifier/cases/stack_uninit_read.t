-- expect reject uninitialised stack
-- asm
ldxdw %r0, [%r10-8]
exit
