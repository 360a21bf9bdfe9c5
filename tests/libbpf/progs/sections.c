/* Programs in several sections, in an order different from the symbol table's; '?' sections
 * (autoload off), strict and older (sloppy) section names, a .text subprogram. */
#include "progs.h"

char LICENSE[] SEC("license") = "GPL";

static __attribute__((noinline)) int helper(int x)
{
    return x * 3 + 1;
}

SEC("xdp") int xdp_second(void *ctx)
{
    return helper(2);
}

SEC("?xdp") int xdp_optional(void *ctx)
{
    return 1;
}

SEC("kprobe/do_sys_open") int probe_open(void *ctx)
{
    return helper(5);
}

SEC("xdp_prog") int sloppy_xdp(void *ctx)
{
    return 2;
}

SEC("socket1") int sloppy_socket(void *ctx)
{
    return 0;
}

SEC("?tc") int tc_optional(void *ctx)
{
    return 0;
}

SEC("cgroup_skb/ingress") int skb_in(void *ctx)
{
    return 1;
}

SEC("kprobe/do_sys_open") int probe_open_2(void *ctx)
{
    return helper(7) + 1;
}

SEC("tp/syscalls/sys_enter_write") int tp_write(void *ctx)
{
    return 0;
}

SEC("fentry/tcp_connect") int fentry_connect(void *ctx)
{
    return 0;
}

SEC("lsm/file_open") int lsm_open(void *ctx)
{
    return 0;
}
