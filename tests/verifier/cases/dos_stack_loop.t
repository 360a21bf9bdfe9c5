# as dos_packet_loop.t with 512 bytes of stack in every pending state: the memory budget ends it
-- type xdp
-- expect reject states take more than 64 MiB
-- memory-below 65
-- asm
ldxw %r2, [%r1+0]
ldxw %r3, [%r1+4]
mov %r6, 0
stdw [%r10-8], 0
stdw [%r10-512], 0
stdw [%r10-256], 0
loop:
ldxdw %r7, [%r10-8]
add %r7, 1
stxdw [%r10-8], %r7
mov %r4, %r2
add %r4, 1
jgt %r4, %r3, out
add %r2, 1
ja loop
out:
mov %r0, 2
exit
