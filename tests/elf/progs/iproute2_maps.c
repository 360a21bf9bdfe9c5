/* iproute2-style legacy maps (struct bpf_elf_map: id, pinning, inner_id, inner_idx), laid out
 * as iproute2's examples/bpf/bpf_map_in_map.c: the outer map names its inner map by id. */
#include "bpf_test.h"

#define MAP_INNER_ID 42

struct bpf_elf_map SEC("maps") map_inner = {
    .type = BPF_MAP_TYPE_ARRAY,
    .size_key = sizeof(__u32),
    .size_value = sizeof(__u32),
    .id = MAP_INNER_ID,
    .inner_idx = 0,
    .pinning = PIN_GLOBAL_NS,
    .max_elem = 1,
};

struct bpf_elf_map SEC("maps") map_outer = {
    .type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
    .size_key = sizeof(__u32),
    .size_value = sizeof(__u32),
    .inner_id = MAP_INNER_ID,
    .pinning = PIN_GLOBAL_NS,
    .max_elem = 1,
};

SEC("classifier")
int ip_prog(struct __sk_buff *skb)
{
    __u32 key = 0;
    void *inner = bpf_map_lookup_elem(&map_outer, &key);
    if (!inner)
        return 0;
    __u32 *v = bpf_map_lookup_elem(inner, &key);
    return v ? (int)(*v + skb->len) : 1;
}

char _license[] SEC("license") = "GPL";
