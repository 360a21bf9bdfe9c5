/* Section names to program types, as data: libbpf's conventions first, then the older ones
 * real objects still use (prefixes such as "xdp_prog" or "socket1"). One table serves bpfrt's
 * loader and the libbpf-compatible API. */
#include <linux/bpf.h>
#include <stddef.h>
#include <string.h>

#include "bpfrt/object.h"

/* One table, libbpf 1.1's (NAME+ also matches "NAME/anything"), with bpfrt's additions
 * flagged: rows libbpf does not have, and names that older objects use as prefixes
 * ("xdp_prog", "socket1", "tc/tail"). */
enum { LEGACY_PREFIX = 1, BPFRT_ONLY = 2 };

static const struct section_def {
    const char *name;
    uint32_t type;
    uint32_t attach;
    unsigned flags;
} defs[] = {
    {"socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, LEGACY_PREFIX},
    {"sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0},
    {"sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0},
    {"kprobe+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"uprobe+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"uprobe.s+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"kretprobe+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"uretprobe+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"uretprobe.s+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"kprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0},
    {"kretprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0},
    {"ksyscall+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"kretsyscall+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"usdt+", BPF_PROG_TYPE_KPROBE, 0, 0},
    {"tc", BPF_PROG_TYPE_SCHED_CLS, 0, LEGACY_PREFIX},
    {"classifier", BPF_PROG_TYPE_SCHED_CLS, 0, LEGACY_PREFIX},
    {"action", BPF_PROG_TYPE_SCHED_ACT, 0, LEGACY_PREFIX},
    {"tracepoint+", BPF_PROG_TYPE_TRACEPOINT, 0, 0},
    {"tp+", BPF_PROG_TYPE_TRACEPOINT, 0, 0},
    {"raw_tracepoint+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0},
    {"raw_tp+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0},
    {"raw_tracepoint.w+", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0},
    {"raw_tp.w+", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0},
    {"tp_btf+", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0},
    {"fentry+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0},
    {"fmod_ret+", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0},
    {"fexit+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0},
    {"fentry.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0},
    {"fmod_ret.s+", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0},
    {"fexit.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0},
    {"freplace+", BPF_PROG_TYPE_EXT, 0, 0},
    {"lsm+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0},
    {"lsm.s+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0},
    {"lsm_cgroup+", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, 0},
    {"iter+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0},
    {"iter.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0},
    {"syscall", BPF_PROG_TYPE_SYSCALL, 0, 0},
    {"xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0},
    {"xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0},
    {"xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0},
    {"xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0},
    {"xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, 0},
    {"xdp", BPF_PROG_TYPE_XDP, BPF_XDP, LEGACY_PREFIX},
    {"perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 0},
    {"lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 0},
    {"lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, 0},
    {"lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, 0},
    {"lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0},
    {"sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, LEGACY_PREFIX},
    {"sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0},
    {"sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0},
    {"sk_skb", BPF_PROG_TYPE_SK_SKB, 0, LEGACY_PREFIX},
    {"sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, LEGACY_PREFIX},
    {"lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0},
    {"flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0},
    {"cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0},
    {"cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0},
    {"cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 0},
    {"cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0},
    {"cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0},
    {"cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0},
    {"cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0},
    {"cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0},
    {"cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0},
    {"cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0},
    {"cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0},
    {"cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0},
    {"cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0},
    {"cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0},
    {"cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0},
    {"cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0},
    {"cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0},
    {"cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0},
    {"cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0},
    {"cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0},
    {"cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0},
    {"cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0},
    {"cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0},
    {"cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0},
    {"struct_ops+", BPF_PROG_TYPE_STRUCT_OPS, 0, 0},
    {"sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0},
    /* not in libbpf 1.1: newer names, and older conventions bpfrt also accepts */
    {"sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, BPFRT_ONLY},
    {"struct_ops.s+", BPF_PROG_TYPE_STRUCT_OPS, 0, BPFRT_ONLY},
    {"cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, 0, BPFRT_ONLY | LEGACY_PREFIX},
};

static bool libbpf_matches(const struct section_def *d, const char *sec)
{
    size_t n = strlen(d->name);
    if (d->name[n - 1] != '+')
        return strcmp(sec, d->name) == 0;
    n--;
    return strncmp(sec, d->name, n) == 0 && (sec[n] == 0 || sec[n] == '/');
}

static const struct section_def *lookup(const char *section, bool strict)
{
    /* libbpf's names never overlap, so the first match is the only one */
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
        if ((!strict || !(defs[i].flags & BPFRT_ONLY)) && libbpf_matches(&defs[i], section))
            return &defs[i];
    if (strict)
        return NULL;
    /* the older prefix forms ("kprobe_x", "xdp_prog", "tc/tail"): the longest prefix wins */
    const struct section_def *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
        size_t n = strlen(defs[i].name);
        bool plus = defs[i].name[n - 1] == '+';
        n -= plus;
        if ((plus || (defs[i].flags & LEGACY_PREFIX)) && strncmp(section, defs[i].name, n) == 0 &&
            n > best_len) {
            best = &defs[i];
            best_len = n;
        }
    }
    return best;
}

static bool section_type(const char *section, bool strict, uint32_t *type, uint32_t *attach_type)
{
    const struct section_def *d = lookup(section, strict);
    *type = d ? d->type : BPFRT_PROG_TYPE_UNSPEC;
    *attach_type = d ? d->attach : 0;
    return d != NULL;
}

bool bpfrt_section_prog_type(const char *section, uint32_t *type, uint32_t *attach_type)
{
    return section_type(section, false, type, attach_type);
}

bool bpfrt_section_prog_type_libbpf(const char *section, uint32_t *type, uint32_t *attach_type)
{
    return section_type(section, true, type, attach_type);
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
