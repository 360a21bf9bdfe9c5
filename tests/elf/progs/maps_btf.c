/* BTF-defined maps of several types, all used by one program. */
#include "bpf_test.h"

struct flow_key {
    __u32 saddr, daddr;
    __u16 sport, dport;
    __u32 proto;
};

struct flow_stats {
    __u64 packets, bytes;
};

struct lpm_key {
    __u32 prefixlen;
    __u8 addr[4];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, struct flow_key);
    __type(value, struct flow_stats);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct flow_stats);
} scratch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 256);
    __type(key, __u64);
    __type(value, __u32);
} recent SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 64);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct lpm_key);
    __type(value, __u32);
} routes SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} jumps SEC(".maps");

SEC("xdp")
int maps_prog(struct xdp_md *ctx)
{
    __u32 zero = 0;
    __u64 *count = bpf_map_lookup_elem(&counters, &zero);
    if (count)
        *count += 1;
    struct flow_key fk = {.saddr = ctx->data, .daddr = ctx->data_end, .proto = 6};
    struct flow_stats *fs = bpf_map_lookup_elem(&flows, &fk);
    if (fs)
        fs->packets++;
    struct flow_stats *tmp = bpf_map_lookup_elem(&scratch, &zero);
    if (tmp)
        tmp->bytes = ctx->data_end - ctx->data;
    __u64 now = bpf_ktime_get_ns();
    __u32 seen = ctx->ingress_ifindex;
    bpf_map_update_elem(&recent, &now, &seen, BPF_ANY);
    struct lpm_key lk = {.prefixlen = 32, .addr = {10, 0, 0, 1}};
    __u32 *route = bpf_map_lookup_elem(&routes, &lk);
    if (route)
        seen = *route;
    bpf_ringbuf_output(&events, &seen, sizeof(seen), 0);
    bpf_tail_call(ctx, &jumps, 1);
    return 2;
}

char _license[] SEC("license") = "GPL";
