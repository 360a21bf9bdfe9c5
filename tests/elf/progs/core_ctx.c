/* CO-RE against bpfrt's own target types: partial local copies of Linux's context structures
 * and packet headers (as a program built from a trimmed vmlinux.h has), flavoured names, field
 * existence and size, bitfields, type and enum relocations. Each program holds the relocation
 * its name describes as its first CO-RE record; test_elf.c checks the values bpfrt gives. */
#include "bpf_test.h"

#define __core __attribute__((preserve_access_index))

/* enum bpf_field_info_kind, bpf_type_info_kind, bpf_enum_value_kind (clang's builtins) */
#define FIELD_BYTE_OFFSET 0
#define FIELD_BYTE_SIZE 1
#define FIELD_EXISTS 2
#define FIELD_SIGNED 3
#define FIELD_LSHIFT_U64 4
#define FIELD_RSHIFT_U64 5
#define TYPE_EXISTS 0
#define TYPE_SIZE 1
#define ENUMVAL_EXISTS 0
#define ENUMVAL_VALUE 1

/* Only three members, so the compiled offsets (0, 4, 8) are not Linux's (0, 20, 64). */
struct bpf_sock_ops {
    __u32 op;
    __u32 family;
    __u32 remote_port;
} __core;

/* A flavour: matched to struct xdp_md by its name without "___mine"; data_end declared wider. */
struct xdp_md___mine {
    __u32 data;
    __u64 data_end;
    __u32 not_in_linux;
} __core;

struct iphdr {
    __u8 ihl : 4, version : 4;
    __u8 tos;
} __core;

struct __sk_buff___partial {
    __u32 len;
    __u32 no_such_field;
} __core;

struct task_like {
    int pid;
    int tgid;
} __core;

enum xdp_action___local { XDP_PASS___local = 7, XDP_NOT_IN_LINUX___local = 9 };

SEC("sockops")
int sockops_remote_port(struct bpf_sock_ops *ctx)
{
    return ctx->remote_port; /* field_byte_offset: compiled 8, Linux 64 */
}

SEC("sockops")
int sockops_family(struct bpf_sock_ops *ctx)
{
    return ctx->family; /* compiled 4, Linux 20 */
}

SEC("xdp")
int xdp_data_end_narrowed(struct xdp_md___mine *ctx)
{
    return (int)ctx->data_end; /* compiled 8 (u64 load), Linux 4 (u32) */
}

SEC("xdp")
int xdp_field_exists(struct xdp_md___mine *ctx)
{
    return __builtin_preserve_field_info(ctx->data, FIELD_EXISTS);
}

SEC("xdp")
int xdp_field_missing(struct xdp_md___mine *ctx)
{
    return __builtin_preserve_field_info(ctx->not_in_linux, FIELD_EXISTS);
}

SEC("xdp")
int xdp_field_size(struct xdp_md___mine *ctx)
{
    return __builtin_preserve_field_info(ctx->data_end, FIELD_BYTE_SIZE); /* 8 here, 4 there */
}

SEC("xdp")
int ip_version_lshift(struct iphdr *ip)
{
    return __builtin_preserve_field_info(ip->version, FIELD_LSHIFT_U64);
}

SEC("xdp")
int ip_version_rshift(struct iphdr *ip)
{
    return __builtin_preserve_field_info(ip->version, FIELD_RSHIFT_U64);
}

SEC("xdp")
int ip_tos_signed(struct iphdr *ip)
{
    return __builtin_preserve_field_info(ip->tos, FIELD_SIGNED);
}

SEC("xdp")
int iphdr_size(void *ctx)
{
    return __builtin_preserve_type_info(*(struct iphdr *)0, TYPE_SIZE); /* 2 here, 20 there */
}

SEC("xdp")
int task_exists(void *ctx)
{
    return __builtin_preserve_type_info(*(struct task_like *)0, TYPE_EXISTS);
}

SEC("xdp")
int xdp_pass_value(void *ctx)
{
    return __builtin_preserve_enum_value(*(enum xdp_action___local *)XDP_PASS___local,
                                         ENUMVAL_VALUE); /* 7 here, 2 there */
}

SEC("xdp")
int enum_missing(void *ctx)
{
    return __builtin_preserve_enum_value(*(enum xdp_action___local *)XDP_NOT_IN_LINUX___local,
                                         ENUMVAL_EXISTS);
}

SEC("tc")
int skb_missing_field(struct __sk_buff___partial *skb)
{
    return skb->no_such_field; /* refused: struct __sk_buff has no such field (matched by its
                                  essential name) */
}

SEC("kprobe/x")
int unknown_type(struct task_like *t)
{
    return t->tgid; /* refused: struct task_like is not known */
}

char _license[] SEC("license") = "GPL";
