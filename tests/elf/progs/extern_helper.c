/* A helper declared as an extern function (not as a pointer to id): the loader resolves the
 * call by name to the helper's id. */
#include "bpf_test.h"

extern __u32 bpf_get_prandom_u32(void);
extern __u64 bpf_get_current_pid_tgid(void);

SEC("kprobe/do_nanosleep")
int extern_helper_prog(void *ctx)
{
    return (int)(bpf_get_prandom_u32() + bpf_get_current_pid_tgid());
}

char _license[] SEC("license") = "GPL";
