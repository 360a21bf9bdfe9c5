/* Global data in .data/.rodata/.bss (global and static variables: BPF_F_MMAPABLE only with a
 * global one), custom .data.* / .rodata.* / .bss.* sections, BTF maps including map-in-map, a ring
 * buffer and a program array. */
#include "progs.h"

char LICENSE[] SEC("license") = "GPL";

int counter = 1;                /* .data, global */
static volatile int hidden = 2; /* .data, static */
const volatile int config = 42; /* .rodata, global */
static volatile long zeroed;    /* .bss, static only */
int custom_data SEC(".data.custom") = 7;
const volatile char custom_ro[5] SEC(".rodata.custom") = "abcd";
int custom_bss SEC(".bss.custom");

struct inner {
    __uint(type, MAP_ARRAY);
    __uint(max_entries, 4);
    __type(key, int);
    __type(value, long);
};

struct {
    __uint(type, MAP_HASH);
    __uint(max_entries, 128);
    __uint(map_flags, F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct inner);
} hash_map SEC(".maps");

struct {
    __uint(type, MAP_ARRAY_OF_MAPS);
    __uint(max_entries, 2);
    __type(key, int);
    __array(values, struct inner);
} outer SEC(".maps");

struct {
    __uint(type, MAP_RINGBUF);
    __uint(max_entries, 4096);
} ring SEC(".maps");

struct {
    __uint(type, MAP_PROG_ARRAY);
    __uint(max_entries, 8);
    __type(key, int);
    __type(value, int);
} jumps SEC(".maps");

SEC("xdp") int use_everything(void *ctx)
{
    int key = 0;
    void *inner = bpf_map_lookup_elem(&outer, &key);
    void *v = bpf_map_lookup_elem(&hash_map, &key);
    bpf_tail_call(ctx, &jumps, 0);
    (void)bpf_map_lookup_elem(&ring, &key);
    return counter + hidden + config + (int)zeroed + custom_data + custom_ro[1] + custom_bss +
           (inner != 0) + (v != 0);
}
