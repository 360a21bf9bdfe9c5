/* Section names to program types, as data: libbpf's conventions first, then the older ones
 * real objects still use (prefixes such as "xdp_prog" or "socket1"). */
#include <linux/bpf.h>
#include <stddef.h>
#include <string.h>

#include "bpfrt/object.h"

/* PREFIX: "NAME" also matches "NAME/anything" (libbpf's "NAME+"). */
enum match { EXACT, PREFIX };

static const struct section_def {
    const char *name;
    enum match match;
    uint32_t type;
    uint32_t attach;
} defs[] = {
    {"socket", PREFIX, BPF_PROG_TYPE_SOCKET_FILTER, 0},
    {"sk_reuseport/migrate", EXACT, BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE},
    {"sk_reuseport", EXACT, BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT},
    {"kprobe", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"uprobe", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"uprobe.s", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"kretprobe", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"uretprobe", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"uretprobe.s", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"kprobe.multi", PREFIX, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI},
    {"kretprobe.multi", PREFIX, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI},
    {"ksyscall", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"kretsyscall", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"usdt", PREFIX, BPF_PROG_TYPE_KPROBE, 0},
    {"tc", PREFIX, BPF_PROG_TYPE_SCHED_CLS, 0},
    {"classifier", PREFIX, BPF_PROG_TYPE_SCHED_CLS, 0},
    {"action", PREFIX, BPF_PROG_TYPE_SCHED_ACT, 0},
    {"tracepoint", PREFIX, BPF_PROG_TYPE_TRACEPOINT, 0},
    {"tp", PREFIX, BPF_PROG_TYPE_TRACEPOINT, 0},
    {"raw_tracepoint", PREFIX, BPF_PROG_TYPE_RAW_TRACEPOINT, 0},
    {"raw_tp", PREFIX, BPF_PROG_TYPE_RAW_TRACEPOINT, 0},
    {"raw_tracepoint.w", PREFIX, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0},
    {"raw_tp.w", PREFIX, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0},
    {"tp_btf", PREFIX, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP},
    {"fentry", PREFIX, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY},
    {"fmod_ret", PREFIX, BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN},
    {"fexit", PREFIX, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT},
    {"fentry.s", PREFIX, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY},
    {"fmod_ret.s", PREFIX, BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN},
    {"fexit.s", PREFIX, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT},
    {"freplace", PREFIX, BPF_PROG_TYPE_EXT, 0},
    {"lsm", PREFIX, BPF_PROG_TYPE_LSM, BPF_LSM_MAC},
    {"lsm.s", PREFIX, BPF_PROG_TYPE_LSM, BPF_LSM_MAC},
    {"lsm_cgroup", PREFIX, BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP},
    {"iter", PREFIX, BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER},
    {"iter.s", PREFIX, BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER},
    {"syscall", EXACT, BPF_PROG_TYPE_SYSCALL, 0},
    {"xdp.frags/devmap", EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP},
    {"xdp/devmap", EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP},
    {"xdp.frags/cpumap", EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP},
    {"xdp/cpumap", EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP},
    {"xdp.frags", EXACT, BPF_PROG_TYPE_XDP, BPF_XDP},
    {"xdp", PREFIX, BPF_PROG_TYPE_XDP, BPF_XDP},
    {"perf_event", EXACT, BPF_PROG_TYPE_PERF_EVENT, 0},
    {"lwt_in", EXACT, BPF_PROG_TYPE_LWT_IN, 0},
    {"lwt_out", EXACT, BPF_PROG_TYPE_LWT_OUT, 0},
    {"lwt_xmit", EXACT, BPF_PROG_TYPE_LWT_XMIT, 0},
    {"lwt_seg6local", EXACT, BPF_PROG_TYPE_LWT_SEG6LOCAL, 0},
    {"sockops", EXACT, BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS},
    {"sk_skb/stream_parser", EXACT, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER},
    {"sk_skb/stream_verdict", EXACT, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT},
    {"sk_skb/verdict", EXACT, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT},
    {"sk_skb", PREFIX, BPF_PROG_TYPE_SK_SKB, 0},
    {"sk_msg", EXACT, BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT},
    {"lirc_mode2", EXACT, BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2},
    {"flow_dissector", EXACT, BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR},
    {"cgroup_skb/ingress", EXACT, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS},
    {"cgroup_skb/egress", EXACT, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS},
    {"cgroup/skb", EXACT, BPF_PROG_TYPE_CGROUP_SKB, 0},
    {"cgroup/sock_create", EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE},
    {"cgroup/sock_release", EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE},
    {"cgroup/sock", EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE},
    {"cgroup/post_bind4", EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND},
    {"cgroup/post_bind6", EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND},
    {"cgroup/bind4", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND},
    {"cgroup/bind6", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND},
    {"cgroup/connect4", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT},
    {"cgroup/connect6", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT},
    {"cgroup/sendmsg4", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG},
    {"cgroup/sendmsg6", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG},
    {"cgroup/recvmsg4", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG},
    {"cgroup/recvmsg6", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG},
    {"cgroup/getpeername4", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME},
    {"cgroup/getpeername6", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME},
    {"cgroup/getsockname4", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME},
    {"cgroup/getsockname6", EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME},
    {"cgroup/sysctl", EXACT, BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL},
    {"cgroup/getsockopt", EXACT, BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT},
    {"cgroup/setsockopt", EXACT, BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT},
    {"cgroup/dev", EXACT, BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE},
    {"struct_ops", PREFIX, BPF_PROG_TYPE_STRUCT_OPS, 0},
    {"struct_ops.s", PREFIX, BPF_PROG_TYPE_STRUCT_OPS, 0},
    {"sk_lookup", EXACT, BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP},
    /* older conventions (bpf_load.c samples, iproute2) */
    {"cgroup_skb", PREFIX, BPF_PROG_TYPE_CGROUP_SKB, 0},
    {"sk_msg", PREFIX, BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT},
    {"sockops", PREFIX, BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS},
};

static bool matches(const struct section_def *d, const char *sec, bool sloppy)
{
    size_t n = strlen(d->name);
    if (strncmp(sec, d->name, n) != 0)
        return false;
    if (sec[n] == 0)
        return true;
    if (d->match == PREFIX && sec[n] == '/')
        return true;
    /* The older, sloppy form: any continuation of the name ("xdp_prog", "socket1"). */
    return sloppy && d->match == PREFIX;
}

bool bpfrt_section_prog_type(const char *section, uint32_t *type, uint32_t *attach_type)
{
    *type = BPFRT_PROG_TYPE_UNSPEC;
    *attach_type = 0;
    for (int sloppy = 0; sloppy < 2; sloppy++) {
        /* Longest matching name wins (so "xdp.frags" beats "xdp"). */
        const struct section_def *best = NULL;
        for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
            if (matches(&defs[i], section, sloppy) &&
                (!best || strlen(defs[i].name) > strlen(best->name)))
                best = &defs[i];
        if (best) {
            *type = best->type;
            *attach_type = best->attach;
            return true;
        }
    }
    return false;
}

static const char *const prog_type_names[] = {
    [BPF_PROG_TYPE_UNSPEC] = "unspec",
    [BPF_PROG_TYPE_SOCKET_FILTER] = "socket_filter",
    [BPF_PROG_TYPE_KPROBE] = "kprobe",
    [BPF_PROG_TYPE_SCHED_CLS] = "sched_cls",
    [BPF_PROG_TYPE_SCHED_ACT] = "sched_act",
    [BPF_PROG_TYPE_TRACEPOINT] = "tracepoint",
    [BPF_PROG_TYPE_XDP] = "xdp",
    [BPF_PROG_TYPE_PERF_EVENT] = "perf_event",
    [BPF_PROG_TYPE_CGROUP_SKB] = "cgroup_skb",
    [BPF_PROG_TYPE_CGROUP_SOCK] = "cgroup_sock",
    [BPF_PROG_TYPE_LWT_IN] = "lwt_in",
    [BPF_PROG_TYPE_LWT_OUT] = "lwt_out",
    [BPF_PROG_TYPE_LWT_XMIT] = "lwt_xmit",
    [BPF_PROG_TYPE_SOCK_OPS] = "sock_ops",
    [BPF_PROG_TYPE_SK_SKB] = "sk_skb",
    [BPF_PROG_TYPE_CGROUP_DEVICE] = "cgroup_device",
    [BPF_PROG_TYPE_SK_MSG] = "sk_msg",
    [BPF_PROG_TYPE_RAW_TRACEPOINT] = "raw_tracepoint",
    [BPF_PROG_TYPE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
    [BPF_PROG_TYPE_LWT_SEG6LOCAL] = "lwt_seg6local",
    [BPF_PROG_TYPE_LIRC_MODE2] = "lirc_mode2",
    [BPF_PROG_TYPE_SK_REUSEPORT] = "sk_reuseport",
    [BPF_PROG_TYPE_FLOW_DISSECTOR] = "flow_dissector",
    [BPF_PROG_TYPE_CGROUP_SYSCTL] = "cgroup_sysctl",
    [BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE] = "raw_tracepoint_writable",
    [BPF_PROG_TYPE_CGROUP_SOCKOPT] = "cgroup_sockopt",
    [BPF_PROG_TYPE_TRACING] = "tracing",
    [BPF_PROG_TYPE_STRUCT_OPS] = "struct_ops",
    [BPF_PROG_TYPE_EXT] = "ext",
    [BPF_PROG_TYPE_LSM] = "lsm",
    [BPF_PROG_TYPE_SK_LOOKUP] = "sk_lookup",
    [BPF_PROG_TYPE_SYSCALL] = "syscall",
};

const char *bpfrt_prog_type_name(uint32_t type)
{
    if (type < sizeof(prog_type_names) / sizeof(prog_type_names[0]) && prog_type_names[type])
        return prog_type_names[type];
    return "unknown";
}

static const char *const map_type_names[] = {
    [BPF_MAP_TYPE_UNSPEC] = "unspec",
    [BPF_MAP_TYPE_HASH] = "hash",
    [BPF_MAP_TYPE_ARRAY] = "array",
    [BPF_MAP_TYPE_PROG_ARRAY] = "prog_array",
    [BPF_MAP_TYPE_PERF_EVENT_ARRAY] = "perf_event_array",
    [BPF_MAP_TYPE_PERCPU_HASH] = "percpu_hash",
    [BPF_MAP_TYPE_PERCPU_ARRAY] = "percpu_array",
    [BPF_MAP_TYPE_STACK_TRACE] = "stack_trace",
    [BPF_MAP_TYPE_CGROUP_ARRAY] = "cgroup_array",
    [BPF_MAP_TYPE_LRU_HASH] = "lru_hash",
    [BPF_MAP_TYPE_LRU_PERCPU_HASH] = "lru_percpu_hash",
    [BPF_MAP_TYPE_LPM_TRIE] = "lpm_trie",
    [BPF_MAP_TYPE_ARRAY_OF_MAPS] = "array_of_maps",
    [BPF_MAP_TYPE_HASH_OF_MAPS] = "hash_of_maps",
    [BPF_MAP_TYPE_DEVMAP] = "devmap",
    [BPF_MAP_TYPE_SOCKMAP] = "sockmap",
    [BPF_MAP_TYPE_CPUMAP] = "cpumap",
    [BPF_MAP_TYPE_XSKMAP] = "xskmap",
    [BPF_MAP_TYPE_SOCKHASH] = "sockhash",
    [BPF_MAP_TYPE_CGROUP_STORAGE] = "cgroup_storage",
    [BPF_MAP_TYPE_REUSEPORT_SOCKARRAY] = "reuseport_sockarray",
    [BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE] = "percpu_cgroup_storage",
    [BPF_MAP_TYPE_QUEUE] = "queue",
    [BPF_MAP_TYPE_STACK] = "stack",
    [BPF_MAP_TYPE_SK_STORAGE] = "sk_storage",
    [BPF_MAP_TYPE_DEVMAP_HASH] = "devmap_hash",
    [BPF_MAP_TYPE_STRUCT_OPS] = "struct_ops",
    [BPF_MAP_TYPE_RINGBUF] = "ringbuf",
    [BPF_MAP_TYPE_INODE_STORAGE] = "inode_storage",
    [BPF_MAP_TYPE_TASK_STORAGE] = "task_storage",
    [BPF_MAP_TYPE_BLOOM_FILTER] = "bloom_filter",
    [BPF_MAP_TYPE_USER_RINGBUF] = "user_ringbuf",
};

const char *bpfrt_map_type_name(uint32_t type)
{
    if (type < sizeof(map_type_names) / sizeof(map_type_names[0]) && map_type_names[type])
        return map_type_names[type];
    return "unknown";
}
