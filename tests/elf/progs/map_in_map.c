/* Map-in-map: outer maps whose values are described by __array(values, ...). */
#include "bpf_test.h"

struct inner_map {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 8);
    __type(key, __u32);
    __array(values, struct inner_map);
} outer_arr SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
    __uint(max_entries, 2);
    __type(key, __u32);
    __array(
        values, struct {
            __uint(type, BPF_MAP_TYPE_HASH);
            __uint(max_entries, 32);
            __type(key, __u64);
            __type(value, __u32);
        });
} outer_hash SEC(".maps");

SEC("tc")
int mim_prog(struct __sk_buff *skb)
{
    __u32 key = skb->mark;
    void *inner = bpf_map_lookup_elem(&outer_arr, &key);
    if (!inner)
        return 0;
    __u64 *v = bpf_map_lookup_elem(inner, &key);
    if (!v)
        return 1;
    void *inner2 = bpf_map_lookup_elem(&outer_hash, &key);
    if (!inner2)
        return 2;
    __u64 k2 = *v;
    __u32 *w = bpf_map_lookup_elem(inner2, &k2);
    return w ? *w : 3;
}

char _license[] SEC("license") = "GPL";
