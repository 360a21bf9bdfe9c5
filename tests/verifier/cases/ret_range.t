-- type cgroup_skb
-- expect reject outside the range
-- asm
mov %r0, 2
exit
