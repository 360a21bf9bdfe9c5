# context accesses are rewritten for the runtime, so one instruction cannot reach both the context
# and other memory (reported by review; Linux refuses it too)
-- type xdp
-- expect reject same instruction accesses the context
-- asm
mov %r6, %r1
stw [%r10-8], 0
call 7
mov %r2, %r6
jeq %r0, 0, load
mov %r2, %r10
add %r2, -8
load:
ldxw %r0, [%r2+0]
exit
