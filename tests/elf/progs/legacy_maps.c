/* Legacy map definitions: struct bpf_map_def in the "maps" section. */
#include "bpf_test.h"

struct bpf_map_def SEC("maps") legacy_hash = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 128,
    .map_flags = BPF_F_NO_PREALLOC,
};

struct bpf_map_def SEC("maps") legacy_array = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = sizeof(__u32),
    .value_size = 16,
    .max_entries = 10,
};

SEC("socket")
int legacy_prog(struct __sk_buff *skb)
{
    __u32 key = skb->len;
    __u64 *v = bpf_map_lookup_elem(&legacy_hash, &key);
    if (v)
        return (int)*v;
    __u32 idx = 3;
    __u64 *a = bpf_map_lookup_elem(&legacy_array, &idx);
    return a ? (int)a[1] : 0;
}

char _license[] SEC("license") = "GPL";
unsigned int _version SEC("version") = 0x050a00; /* kernel 5.10, as old samples did */
