/* Programs in sections of many types; each returns its own number. */
#include "bpf_test.h"

#define PROG(sec, name, n)                                                                         \
    SEC(sec) int name(void *ctx)                                                                   \
    {                                                                                              \
        return n;                                                                                  \
    }

PROG("xdp", sec_xdp, 1)
PROG("tc", sec_tc, 2)
PROG("socket", sec_socket, 3)
PROG("kprobe/do_unlinkat", sec_kprobe, 4)
PROG("tracepoint/syscalls/sys_enter_openat", sec_tracepoint, 5)
PROG("cgroup/connect4", sec_connect4, 6)
PROG("cgroup_skb/ingress", sec_cgroup_skb, 7)
PROG("sockops", sec_sockops, 8)
PROG("sk_skb/stream_verdict", sec_sk_skb, 9)
PROG("lwt_in", sec_lwt_in, 10)

char _license[] SEC("license") = "GPL";
