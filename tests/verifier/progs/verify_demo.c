/* Two XDP programs for the `bpfrt verify` CLI test: one safe, one reading past the bytes its
 * bounds check proved (the classic off-by-one). */
#include "../../elf/progs/bpf_test.h"

SEC("xdp")
int safe_parse(struct xdp_md *ctx)
{
    unsigned char *data = (unsigned char *)(long)ctx->data;
    unsigned char *end = (unsigned char *)(long)ctx->data_end;
    if (data + 14 > end)
        return 1; /* XDP_DROP */
    return data[12] == 0x08 ? 2 : 1;
}

SEC("xdp")
int off_by_one(struct xdp_md *ctx)
{
    unsigned char *data = (unsigned char *)(long)ctx->data;
    unsigned char *end = (unsigned char *)(long)ctx->data_end;
    if (data + 14 > end)
        return 1;
    return data[14] == 0x45 ? 2 : 1; /* byte 14 was not checked */
}

char _license[] SEC("license") = "GPL";
