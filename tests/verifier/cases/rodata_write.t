-- map ro array 4 16 1 80
-- expect reject read-only
-- asm
lddw %r1, map_val_by_idx(0)+0
stw [%r1+0], 1
mov %r0, 0
exit
