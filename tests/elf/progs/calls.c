/* bpf-to-bpf calls. The programs that reach no map and no helper are run by test_elf in the
 * interpreter; the expected results are written out there (keep them in step). */
#include "bpf_test.h"

struct args {
    __u64 a, b;
};

/* A static function in the program's own section: the call needs no relocation record. Like
 * libbpf (static entry points), the loader also makes it a program of its own. */
SEC("tc") static __noinline __u64 same_sec_helper(__u64 x)
{
    return x * 3 + 1; /* same_sec_helper body */
}

SEC("tc")
int calls_static(struct args *in)
{
    return (int)(same_sec_helper(in->a) + 2);
}

/* A global function in .text, called from two programs. */
__noinline __u64 shared_add(__u64 a, __u64 b)
{
    return a + b * 2; /* shared_add body */
}

/* Three nested calls (no recursion). */
static __noinline __u64 depth3(__u64 x)
{
    return x ^ 0x55; /* depth3 body */
}

static __noinline __u64 depth2(__u64 x)
{
    return depth3(x + 1) * 2;
}

static __noinline __u64 depth1(__u64 x)
{
    return depth2(x + 2) + 7;
}

/* Two programs in one section. */
SEC("xdp")
int calls_shared(struct args *in)
{
    return (int)shared_add(in->a, in->b);
}

SEC("xdp")
int calls_nested(struct args *in)
{
    return (int)(depth1(in->a) + shared_add(in->b, 1));
}

/* A callback passed to bpf_loop: its address is an lddw. */
static int loop_cb(__u32 index, void *ctx)
{
    __u64 *sum = ctx;
    *sum += index * 5; /* loop_cb body */
    return 0;
}

SEC("socket")
int calls_loop(struct __sk_buff *skb)
{
    __u64 sum = skb->len;
    bpf_loop(10, loop_cb, &sum, 0);
    return (int)sum;
}

char _license[] SEC("license") = "GPL";
