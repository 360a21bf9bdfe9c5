/* A .kconfig extern: bpfrt has no kernel configuration, so the loader must refuse it. */
#include "bpf_test.h"

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

SEC("tracepoint/sched/sched_switch")
int kconfig_prog(void *ctx)
{
    return LINUX_KERNEL_VERSION > 0x050a00 ? 1 : 0;
}

char _license[] SEC("license") = "GPL";
