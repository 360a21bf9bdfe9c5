# regression: a state whose copies of a number are linked (refined together) must not cover one
# where they are not; before the fix this program was accepted
-- map m array 4 16 1
-- expect reject unbounded value
-- asm
call 7
mov %r6, %r0
call 7
mov %r7, %r0
call 7
jeq %r0, 0, other
mov %r8, %r6
ja merge
other:
mov %r8, %r7
merge:
mov %r9, 0
jgt %r8, 9, out
stw [%r10-4], 0
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_idx(0)
call 1
jeq %r0, 0, out
add %r0, %r6
ldxb %r0, [%r0+0]
exit
out:
mov %r0, 0
exit
