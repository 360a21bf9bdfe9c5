/* Global data: .data, .rodata, .bss and a custom .data.foo section, reached by lddw. */
#include "bpf_test.h"

__u64 counter = 0x1122334455667788ULL;          /* .data */
volatile const __u32 limit = 1500;              /* .rodata */
volatile const char greeting[8] = "hello!";     /* .rodata */
__u64 zeroed[4];                                /* .bss */
__u32 foo_first SEC(".data.foo") = 0xfeedbeef;  /* .data.foo */
__u32 foo_second SEC(".data.foo") = 0x01020304; /* .data.foo */
static volatile __u32 foo_static SEC(".data.foo") = 0x5a5a5a5a;

SEC("tc")
int globals_prog(struct __sk_buff *skb)
{
    counter++;
    zeroed[2] = limit + skb->len;
    foo_second += foo_first;
    foo_static = skb->mark;
    return greeting[1] + (int)zeroed[3];
}

char _license[] SEC("license") = "Dual BSD/GPL";
