-- expect reject r0 is not set
-- asm
exit
