/* Program types as data: for each Linux program type (enum bpf_prog_type), the context the
 * program receives in r1 (its UAPI structure), which fields may be read or written and with what
 * sizes, what a load of each field gives (a scalar, or a packet/socket pointer), and the return
 * values allowed. The rules are Linux's *_is_valid_access functions (net/core/filter.c,
 * kernel/trace/bpf_trace.c, kernel/bpf/cgroup.c). */
#ifndef BPFRT_VERIFIER_PROGTYPES_H
#define BPFRT_VERIFIER_PROGTYPES_H

#include <stdbool.h>
#include <stdint.h>

/* What a context load gives. */
enum bpfrt_ctx_kind {
    BPFRT_CTX_SCALAR = 0,   /* a number */
    BPFRT_CTX_PKT,          /* pointer to the packet start (data) */
    BPFRT_CTX_PKT_END,      /* pointer one past the packet end (data_end) */
    BPFRT_CTX_PKT_META,     /* pointer to the metadata start (data_meta) */
    BPFRT_CTX_SOCK_OR_NULL, /* struct bpf_sock * or NULL (__sk_buff.sk, sock_ops.sk, ...) */
    BPFRT_CTX_SOCK,         /* struct bpf_sock *, never NULL (sk_lookup.sk is or-null) */
    BPFRT_CTX_FLOW_KEYS,    /* struct bpf_flow_keys * (flow dissector) */
    BPFRT_CTX_BTF_ID,       /* a kernel object pointer (e.g. sk_reuseport_md.migrating_sk) */
};

/* Result of checking one context access. */
struct bpfrt_ctx_access {
    uint8_t kind; /* enum bpfrt_ctx_kind of what is loaded */
    /* where the access lands in the UAPI field, for the runtime's rewrite: */
    uint16_t field_off, field_size;
};

struct bpfrt_prog_type_info {
    uint32_t type;        /* enum bpf_prog_type */
    const char *name;     /* "xdp", "sched_cls", ... (as bpftool names them) */
    uint32_t ctx_size;    /* size of the UAPI context structure */
    const char *ctx_name; /* "struct xdp_md" */
    bool ret_checked;     /* the return value must lie in [ret_min, ret_max] */
    int64_t ret_min, ret_max;
    bool packet;       /* direct packet access (data/data_end) */
    bool packet_write; /* packet bytes may be written */
};

/* The description of TYPE (enum bpf_prog_type) with expected attach type ATTACH (enum
 * bpf_attach_type; some rules depend on it), or NULL when bpfrt does not support the type.
 * Type 0 (unspecified) gives a read-only context of scalars, as the kernel treats a kprobe. */
const struct bpfrt_prog_type_info *bpfrt_prog_type_info(uint32_t type, uint32_t attach);

/* Checks a context access of SIZE bytes at OFF (load, or store when WRITE; ATOMIC for atomic
 * operations) for a program of TYPE/ATTACH. Returns NULL and fills OUT when it is allowed, or a
 * short reason ("write to read-only field data", "narrow load of a pointer field",
 * "offset 24 past the end of struct xdp_md (24 bytes)"). */
const char *bpfrt_ctx_access(uint32_t type, uint32_t attach, int64_t off, int size, bool write,
                             struct bpfrt_ctx_access *out);

#endif
