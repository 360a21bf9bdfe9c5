-- expect reject bpf_kptr_xchg
-- asm
mov %r1, 0
mov %r2, 0
call 194
mov %r0, 0
exit
