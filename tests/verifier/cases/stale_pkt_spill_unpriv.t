# after a helper that moves the packet, a spilled packet pointer is stale; unprivileged, its bytes
# must not be readable (they would leak the old address). Found by the soundness harness.
-- type sched_cls
-- unprivileged
-- expect reject uninitialised stack
-- asm
mov %r6, %r1
ldxw %r7, [%r6+76]
stxdw [%r10-48], %r7
mov %r1, %r6
mov %r2, 60
call 39
ldxw %r0, [%r10-48]
exit
