/* Program types as data (see progtypes.h). The access rules mirror Linux's *_is_valid_access
 * functions (net/core/filter.c, kernel/trace/bpf_trace.c, kernel/bpf/cgroup.c), the packet rules
 * its may_access_direct_pkt_data and the return ranges its check_return_code
 * (kernel/bpf/verifier.c). Every offset and size comes from the UAPI structures of linux/bpf.h
 * and linux/bpf_perf_event.h through offsetof/sizeof. */
#include "verifier/progtypes.h"

#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* ---- context layouts: the named fields of each UAPI structure ---- */

struct field {
    const char *name;
    uint16_t off, size;
    uint8_t elem; /* element size of an array field (accesses land in elements); 0: scalar */
};

struct layout {
    const char *name;           /* "struct xdp_md" */
    uint32_t size;              /* bytes a program may address */
    const struct field *fields; /* NULL: no named fields (raw memory: tracepoint record) */
    size_t nfields;
};

#define SIZEOF_FIELD(S, f) sizeof(((S *)0)->f)
#define FIELD(S, f)                                                                                \
    {                                                                                              \
#f, offsetof(S, f), SIZEOF_FIELD(S, f), 0                                                  \
    }
#define ARRAY(S, f)                                                                                \
    {                                                                                              \
#f, offsetof(S, f), SIZEOF_FIELD(S, f), SIZEOF_FIELD(S, f[0])                              \
    }
/* __bpf_md_ptr fields: a pointer in a union padded to 8 bytes whatever the host's pointer size */
#define MDPTR(S, f)                                                                                \
    {                                                                                              \
#f, offsetof(S, f), sizeof(__u64), 0                                                       \
    }

static const struct field skb_fields[] = {
    FIELD(struct __sk_buff, len),         FIELD(struct __sk_buff, pkt_type),
    FIELD(struct __sk_buff, mark),        FIELD(struct __sk_buff, queue_mapping),
    FIELD(struct __sk_buff, protocol),    FIELD(struct __sk_buff, vlan_present),
    FIELD(struct __sk_buff, vlan_tci),    FIELD(struct __sk_buff, vlan_proto),
    FIELD(struct __sk_buff, priority),    FIELD(struct __sk_buff, ingress_ifindex),
    FIELD(struct __sk_buff, ifindex),     FIELD(struct __sk_buff, tc_index),
    ARRAY(struct __sk_buff, cb),          FIELD(struct __sk_buff, hash),
    FIELD(struct __sk_buff, tc_classid),  FIELD(struct __sk_buff, data),
    FIELD(struct __sk_buff, data_end),    FIELD(struct __sk_buff, napi_id),
    FIELD(struct __sk_buff, family),      FIELD(struct __sk_buff, remote_ip4),
    FIELD(struct __sk_buff, local_ip4),   ARRAY(struct __sk_buff, remote_ip6),
    ARRAY(struct __sk_buff, local_ip6),   FIELD(struct __sk_buff, remote_port),
    FIELD(struct __sk_buff, local_port),  FIELD(struct __sk_buff, data_meta),
    MDPTR(struct __sk_buff, flow_keys),   FIELD(struct __sk_buff, tstamp),
    FIELD(struct __sk_buff, wire_len),    FIELD(struct __sk_buff, gso_segs),
    MDPTR(struct __sk_buff, sk),          FIELD(struct __sk_buff, gso_size),
    FIELD(struct __sk_buff, tstamp_type), FIELD(struct __sk_buff, hwtstamp),
};

static const struct field xdp_fields[] = {
    FIELD(struct xdp_md, data),           FIELD(struct xdp_md, data_end),
    FIELD(struct xdp_md, data_meta),      FIELD(struct xdp_md, ingress_ifindex),
    FIELD(struct xdp_md, rx_queue_index), FIELD(struct xdp_md, egress_ifindex),
};

static const struct field sock_addr_fields[] = {
    FIELD(struct bpf_sock_addr, user_family), FIELD(struct bpf_sock_addr, user_ip4),
    ARRAY(struct bpf_sock_addr, user_ip6),    FIELD(struct bpf_sock_addr, user_port),
    FIELD(struct bpf_sock_addr, family),      FIELD(struct bpf_sock_addr, type),
    FIELD(struct bpf_sock_addr, protocol),    FIELD(struct bpf_sock_addr, msg_src_ip4),
    ARRAY(struct bpf_sock_addr, msg_src_ip6), MDPTR(struct bpf_sock_addr, sk),
};

static const struct field sock_ops_fields[] = {
    FIELD(struct bpf_sock_ops, op),
    FIELD(struct bpf_sock_ops, reply), /* aliases args[0] and replylong[0]: matched first */
    ARRAY(struct bpf_sock_ops, args),
    FIELD(struct bpf_sock_ops, family),
    FIELD(struct bpf_sock_ops, remote_ip4),
    FIELD(struct bpf_sock_ops, local_ip4),
    ARRAY(struct bpf_sock_ops, remote_ip6),
    ARRAY(struct bpf_sock_ops, local_ip6),
    FIELD(struct bpf_sock_ops, remote_port),
    FIELD(struct bpf_sock_ops, local_port),
    FIELD(struct bpf_sock_ops, is_fullsock),
    FIELD(struct bpf_sock_ops, snd_cwnd),
    FIELD(struct bpf_sock_ops, srtt_us),
    FIELD(struct bpf_sock_ops, bpf_sock_ops_cb_flags),
    FIELD(struct bpf_sock_ops, state),
    FIELD(struct bpf_sock_ops, rtt_min),
    FIELD(struct bpf_sock_ops, snd_ssthresh),
    FIELD(struct bpf_sock_ops, rcv_nxt),
    FIELD(struct bpf_sock_ops, snd_nxt),
    FIELD(struct bpf_sock_ops, snd_una),
    FIELD(struct bpf_sock_ops, mss_cache),
    FIELD(struct bpf_sock_ops, ecn_flags),
    FIELD(struct bpf_sock_ops, rate_delivered),
    FIELD(struct bpf_sock_ops, rate_interval_us),
    FIELD(struct bpf_sock_ops, packets_out),
    FIELD(struct bpf_sock_ops, retrans_out),
    FIELD(struct bpf_sock_ops, total_retrans),
    FIELD(struct bpf_sock_ops, segs_in),
    FIELD(struct bpf_sock_ops, data_segs_in),
    FIELD(struct bpf_sock_ops, segs_out),
    FIELD(struct bpf_sock_ops, data_segs_out),
    FIELD(struct bpf_sock_ops, lost_out),
    FIELD(struct bpf_sock_ops, sacked_out),
    FIELD(struct bpf_sock_ops, sk_txhash),
    FIELD(struct bpf_sock_ops, bytes_received),
    FIELD(struct bpf_sock_ops, bytes_acked),
    MDPTR(struct bpf_sock_ops, sk),
    MDPTR(struct bpf_sock_ops, skb_data),
    MDPTR(struct bpf_sock_ops, skb_data_end),
    FIELD(struct bpf_sock_ops, skb_len),
    FIELD(struct bpf_sock_ops, skb_tcp_flags),
};

static const struct field sock_fields[] = {
    FIELD(struct bpf_sock, bound_dev_if), FIELD(struct bpf_sock, family),
    FIELD(struct bpf_sock, type),         FIELD(struct bpf_sock, protocol),
    FIELD(struct bpf_sock, mark),         FIELD(struct bpf_sock, priority),
    FIELD(struct bpf_sock, src_ip4),      ARRAY(struct bpf_sock, src_ip6),
    FIELD(struct bpf_sock, src_port),     FIELD(struct bpf_sock, dst_port),
    FIELD(struct bpf_sock, dst_ip4),      ARRAY(struct bpf_sock, dst_ip6),
    FIELD(struct bpf_sock, state),        FIELD(struct bpf_sock, rx_queue_mapping),
};

static const struct field sk_msg_fields[] = {
    MDPTR(struct sk_msg_md, data),       MDPTR(struct sk_msg_md, data_end),
    FIELD(struct sk_msg_md, family),     FIELD(struct sk_msg_md, remote_ip4),
    FIELD(struct sk_msg_md, local_ip4),  ARRAY(struct sk_msg_md, remote_ip6),
    ARRAY(struct sk_msg_md, local_ip6),  FIELD(struct sk_msg_md, remote_port),
    FIELD(struct sk_msg_md, local_port), FIELD(struct sk_msg_md, size),
    MDPTR(struct sk_msg_md, sk),
};

static const struct field reuseport_fields[] = {
    MDPTR(struct sk_reuseport_md, data),         MDPTR(struct sk_reuseport_md, data_end),
    FIELD(struct sk_reuseport_md, len),          FIELD(struct sk_reuseport_md, eth_protocol),
    FIELD(struct sk_reuseport_md, ip_protocol),  FIELD(struct sk_reuseport_md, bind_inany),
    FIELD(struct sk_reuseport_md, hash),         MDPTR(struct sk_reuseport_md, sk),
    MDPTR(struct sk_reuseport_md, migrating_sk),
};

/* the zero padding after bpf_sk_lookup.remote_port, which Linux lets programs read */
#define SK_LOOKUP_PAD_OFF                                                                          \
    (offsetof(struct bpf_sk_lookup, remote_port) + SIZEOF_FIELD(struct bpf_sk_lookup, remote_port))
#define SK_LOOKUP_PAD_SIZE (offsetof(struct bpf_sk_lookup, local_ip4) - SK_LOOKUP_PAD_OFF)

static const struct field sk_lookup_fields[] = {
    MDPTR(struct bpf_sk_lookup, sk), /* union with cookie */
    FIELD(struct bpf_sk_lookup, family),
    FIELD(struct bpf_sk_lookup, protocol),
    FIELD(struct bpf_sk_lookup, remote_ip4),
    ARRAY(struct bpf_sk_lookup, remote_ip6),
    FIELD(struct bpf_sk_lookup, remote_port),
    {"remote_port padding", SK_LOOKUP_PAD_OFF, SK_LOOKUP_PAD_SIZE, 0},
    FIELD(struct bpf_sk_lookup, local_ip4),
    ARRAY(struct bpf_sk_lookup, local_ip6),
    FIELD(struct bpf_sk_lookup, local_port),
    FIELD(struct bpf_sk_lookup, ingress_ifindex),
};

static const struct field sockopt_fields[] = {
    MDPTR(struct bpf_sockopt, sk),         MDPTR(struct bpf_sockopt, optval),
    MDPTR(struct bpf_sockopt, optval_end), FIELD(struct bpf_sockopt, level),
    FIELD(struct bpf_sockopt, optname),    FIELD(struct bpf_sockopt, optlen),
    FIELD(struct bpf_sockopt, retval),
};

static const struct field sysctl_fields[] = {
    FIELD(struct bpf_sysctl, write),
    FIELD(struct bpf_sysctl, file_pos),
};

static const struct field cgroup_dev_fields[] = {
    FIELD(struct bpf_cgroup_dev_ctx, access_type),
    FIELD(struct bpf_cgroup_dev_ctx, major),
    FIELD(struct bpf_cgroup_dev_ctx, minor),
};

static const struct field perf_event_fields[] = {
    {"regs", offsetof(struct bpf_perf_event_data, regs),
     SIZEOF_FIELD(struct bpf_perf_event_data, regs), sizeof(__u64)},
    FIELD(struct bpf_perf_event_data, sample_period),
    FIELD(struct bpf_perf_event_data, addr),
};

/* kprobe (and unspecified) programs see the registers: 8-byte slots */
static const struct field pt_regs_fields[] = {
    {"regs", 0, sizeof(bpf_user_pt_regs_t), sizeof(__u64)},
};

/* Raw tracepoints and BTF-typed programs (fentry/fexit/LSM) see the arguments as u64 slots;
 * Linux bounds them by MAX_BPF_FUNC_ARGS (kernel-internal, include/linux/bpf.h). */
#define MAX_BPF_FUNC_ARGS 12
#define ARGS_SIZE (sizeof(__u64) * MAX_BPF_FUNC_ARGS)
static const struct field args_fields[] = {
    {"args", 0, ARGS_SIZE, sizeof(__u64)},
};

/* Tracepoint records: Linux's PERF_MAX_TRACE_SIZE (include/linux/trace_events.h, 8192 since
 * Linux 6.7, 2048 before); the first 8 bytes hold the common fields, which are off limits. */
#define TRACEPOINT_SIZE 8192
#define TRACEPOINT_COMMON sizeof(__u64)

/* name and size of each context, as constants for the rows below */
#define skb_NAME "struct __sk_buff"
#define skb_SIZE sizeof(struct __sk_buff)
#define xdp_NAME "struct xdp_md"
#define xdp_SIZE sizeof(struct xdp_md)
#define sock_addr_NAME "struct bpf_sock_addr"
#define sock_addr_SIZE sizeof(struct bpf_sock_addr)
#define sock_ops_NAME "struct bpf_sock_ops"
#define sock_ops_SIZE sizeof(struct bpf_sock_ops)
#define sock_NAME "struct bpf_sock"
#define sock_SIZE sizeof(struct bpf_sock)
#define sk_msg_NAME "struct sk_msg_md"
#define sk_msg_SIZE sizeof(struct sk_msg_md)
#define reuseport_NAME "struct sk_reuseport_md"
#define reuseport_SIZE sizeof(struct sk_reuseport_md)
#define sk_lookup_NAME "struct bpf_sk_lookup"
#define sk_lookup_SIZE sizeof(struct bpf_sk_lookup)
#define sockopt_NAME "struct bpf_sockopt"
#define sockopt_SIZE sizeof(struct bpf_sockopt)
#define sysctl_NAME "struct bpf_sysctl"
#define sysctl_SIZE sizeof(struct bpf_sysctl)
#define cgroup_dev_NAME "struct bpf_cgroup_dev_ctx"
#define cgroup_dev_SIZE sizeof(struct bpf_cgroup_dev_ctx)
#define perf_event_NAME "struct bpf_perf_event_data"
#define perf_event_SIZE sizeof(struct bpf_perf_event_data)
#define pt_regs_NAME "struct pt_regs"
#define pt_regs_SIZE sizeof(bpf_user_pt_regs_t)
#define raw_tp_NAME "struct bpf_raw_tracepoint_args"
#define raw_tp_SIZE ARGS_SIZE
#define btf_args_NAME "__u64 args[]"
#define btf_args_SIZE ARGS_SIZE
#define tracepoint_NAME "tracepoint record"
#define tracepoint_SIZE TRACEPOINT_SIZE

#define LAYOUT(c, t)                                                                               \
    static const struct layout c##_ctx = {c##_NAME, c##_SIZE, t, sizeof(t) / sizeof(t[0])}
LAYOUT(skb, skb_fields);
LAYOUT(xdp, xdp_fields);
LAYOUT(sock_addr, sock_addr_fields);
LAYOUT(sock_ops, sock_ops_fields);
LAYOUT(sock, sock_fields);
LAYOUT(sk_msg, sk_msg_fields);
LAYOUT(reuseport, reuseport_fields);
LAYOUT(sk_lookup, sk_lookup_fields);
LAYOUT(sockopt, sockopt_fields);
LAYOUT(sysctl, sysctl_fields);
LAYOUT(cgroup_dev, cgroup_dev_fields);
LAYOUT(perf_event, perf_event_fields);
LAYOUT(pt_regs, pt_regs_fields);
LAYOUT(raw_tp, args_fields);
LAYOUT(btf_args, args_fields);
static const struct layout tracepoint_ctx = {tracepoint_NAME, tracepoint_SIZE, NULL, 0};

/* ---- one access being checked ---- */

struct req {
    const struct bpfrt_prog_type_info *pt;
    uint32_t attach;
    int64_t off;
    int size;
    bool write;
    const struct field *f; /* the field OFF lands in (NULL: raw memory) */
    uint8_t kind;          /* enum bpfrt_ctx_kind of what a load gives */
};

static _Thread_local char reason[192];

static const char *fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return reason;
}

static const char *fname(const struct req *r)
{
    return r->f ? r->f->name : "(raw)";
}

static const char *no_access(const struct req *r)
{
    return fail("field %s is not accessible to %s programs", fname(r), r->pt->name);
}

static const char *read_only(const struct req *r)
{
    return fail("write to read-only field %s", fname(r));
}

/* The access must be exactly WANT bytes. */
static const char *exact(const struct req *r, int want)
{
    if (r->size == want)
        return NULL;
    return fail("%s of %d bytes at field %s (must be %d)", r->write ? "store" : "load", r->size,
                fname(r), want);
}

/* Loads of MAX bytes or narrower (Linux's bpf_ctx_narrow_access_ok; sizes are powers of 2). */
static const char *narrow(const struct req *r, int max)
{
    if (r->size <= max)
        return NULL;
    return fail("load of %d bytes from field %s (at most %d)", r->size, fname(r), max);
}

/* A read of a pointer field: full size only. */
static const char *ptr_load(struct req *r, uint8_t kind, int want)
{
    r->kind = kind;
    if (r->write)
        return read_only(r);
    if (r->size < want)
        return fail("narrow load of a pointer field %s", fname(r));
    if (r->size > want)
        return fail("load of %d bytes from pointer field %s (must be %d)", r->size, fname(r), want);
    return NULL;
}

/* offset tests, as Linux's bpf_ctx_range / bpf_ctx_range_ptr / exact offsetof case labels */
#define OFF(S, f) ((int64_t)offsetof(S, f))
#define END(S, f) ((int64_t)(offsetof(S, f) + SIZEOF_FIELD(S, f)))
#define IN(S, f) (r->off >= OFF(S, f) && r->off < END(S, f))
#define IN_PTR(S, f) (r->off >= OFF(S, f) && r->off < OFF(S, f) + (int64_t)sizeof(__u64))
#define AT(S, f) (r->off == OFF(S, f))
#define IN_RANGE(S, a, b) (r->off >= OFF(S, a) && r->off < END(S, b))

#define U32 ((int)sizeof(__u32))
#define U64 ((int)sizeof(__u64))

/* ---- struct __sk_buff (bpf_skb_is_valid_access and its per-type wrappers) ---- */

typedef struct __sk_buff SKB;

static const char *skb_common(struct req *r)
{
    if (IN(SKB, cb)) {
        if (r->off + r->size > END(SKB, cb))
            return fail("access of %d bytes at offset %lld crosses the end of cb", r->size,
                        (long long)r->off);
        return NULL;
    }
    if (IN(SKB, data))
        return ptr_load(r, BPFRT_CTX_PKT, U32);
    if (IN(SKB, data_end))
        return ptr_load(r, BPFRT_CTX_PKT_END, U32);
    if (IN(SKB, data_meta))
        return ptr_load(r, BPFRT_CTX_PKT_META, U32);
    if (IN(SKB, remote_ip6) || IN(SKB, local_ip6) || IN(SKB, remote_ip4) || IN(SKB, local_ip4))
        return exact(r, U32);
    if (IN_PTR(SKB, flow_keys))
        return no_access(r);
    if (IN(SKB, hwtstamp)) {
        if (r->write)
            return read_only(r);
        return exact(r, U64);
    }
    if (IN(SKB, tstamp))
        return exact(r, U64);
    if (IN_PTR(SKB, sk))
        return ptr_load(r, BPFRT_CTX_SOCK_OR_NULL, U64);
    if (IN(SKB, tstamp_type))
        return no_access(r);
    if (r->write)
        return exact(r, U32);
    return narrow(r, U32);
}

/* the socket fields family .. local_port (sk_skb and cgroup_skb only) */
#define SKB_SOCK_FIELDS IN_RANGE(SKB, family, local_port)

static const char *check_sk_filter(struct req *r)
{
    if (IN(SKB, tc_classid) || IN(SKB, data) || IN(SKB, data_meta) || IN(SKB, data_end) ||
        SKB_SOCK_FIELDS || IN(SKB, tstamp) || IN(SKB, wire_len) || IN(SKB, hwtstamp))
        return no_access(r);
    if (r->write && !IN(SKB, cb))
        return read_only(r);
    return skb_common(r);
}

static const char *check_tc(struct req *r)
{
    if (r->write &&
        !(IN(SKB, mark) || IN(SKB, tc_index) || IN(SKB, priority) || IN(SKB, tc_classid) ||
          IN(SKB, cb) || IN(SKB, tstamp) || IN(SKB, queue_mapping)))
        return read_only(r);
    if (SKB_SOCK_FIELDS)
        return no_access(r);
    if (AT(SKB, tstamp_type))
        return exact(r, (int)SIZEOF_FIELD(SKB, tstamp_type));
    return skb_common(r);
}

static const char *check_cg_skb(struct req *r)
{
    if (IN(SKB, tc_classid) || IN(SKB, data_meta) || IN(SKB, wire_len))
        return no_access(r);
    if (r->write && !(IN(SKB, mark) || IN(SKB, priority) || IN(SKB, cb) || IN(SKB, tstamp)))
        return read_only(r);
    return skb_common(r);
}

static const char *check_lwt(struct req *r)
{
    if (IN(SKB, tc_classid) || SKB_SOCK_FIELDS || IN(SKB, data_meta) || IN(SKB, tstamp) ||
        IN(SKB, wire_len) || IN(SKB, hwtstamp))
        return no_access(r);
    if (r->write && !(IN(SKB, mark) || IN(SKB, priority) || IN(SKB, cb)))
        return read_only(r);
    return skb_common(r);
}

static const char *check_sk_skb(struct req *r)
{
    if (IN(SKB, tc_classid) || IN(SKB, data_meta) || IN(SKB, tstamp) || IN(SKB, wire_len) ||
        IN(SKB, hwtstamp))
        return no_access(r);
    if (r->write && !(IN(SKB, tc_index) || IN(SKB, priority)))
        return read_only(r);
    if (IN(SKB, mark))
        return no_access(r);
    return skb_common(r);
}

static const char *check_flow_dissector(struct req *r)
{
    if (IN(SKB, data))
        return ptr_load(r, BPFRT_CTX_PKT, U32);
    if (IN(SKB, data_end))
        return ptr_load(r, BPFRT_CTX_PKT_END, U32);
    if (IN_PTR(SKB, flow_keys))
        return ptr_load(r, BPFRT_CTX_FLOW_KEYS, U64);
    if (r->write)
        return read_only(r);
    return no_access(r);
}

/* ---- struct xdp_md ---- */

static const char *check_xdp(struct req *r)
{
    typedef struct xdp_md X;
    if (AT(X, egress_ifindex) && r->attach != BPF_XDP_DEVMAP)
        return fail("field egress_ifindex needs the xdp devmap attach type");
    if (IN(X, data))
        return ptr_load(r, BPFRT_CTX_PKT, U32);
    if (IN(X, data_end))
        return ptr_load(r, BPFRT_CTX_PKT_END, U32);
    if (IN(X, data_meta))
        return ptr_load(r, BPFRT_CTX_PKT_META, U32);
    if (r->write)
        return read_only(r);
    return exact(r, U32);
}

/* ---- struct bpf_sock_addr (cgroup/connect4, bind6, sendmsg4, ...) ---- */

/* Linux's bpf_ctx_wide_access_ok: an aligned 8-byte access inside [start, end). */
static bool wide_ok(const struct req *r, int64_t start, int64_t end)
{
    return r->size == U64 && r->off >= start && r->off + U64 <= end && r->off % U64 == 0;
}

static const char *check_sock_addr(struct req *r)
{
    typedef struct bpf_sock_addr A;
    uint32_t at = r->attach;
    if (IN(A, user_ip4) &&
        !(at == BPF_CGROUP_INET4_BIND || at == BPF_CGROUP_INET4_CONNECT ||
          at == BPF_CGROUP_INET4_GETPEERNAME || at == BPF_CGROUP_INET4_GETSOCKNAME ||
          at == BPF_CGROUP_UDP4_SENDMSG || at == BPF_CGROUP_UDP4_RECVMSG))
        return fail("field user_ip4 needs an IPv4 attach type");
    if (IN(A, user_ip6) &&
        !(at == BPF_CGROUP_INET6_BIND || at == BPF_CGROUP_INET6_CONNECT ||
          at == BPF_CGROUP_INET6_GETPEERNAME || at == BPF_CGROUP_INET6_GETSOCKNAME ||
          at == BPF_CGROUP_UDP6_SENDMSG || at == BPF_CGROUP_UDP6_RECVMSG))
        return fail("field user_ip6 needs an IPv6 attach type");
    if (IN(A, msg_src_ip4) && at != BPF_CGROUP_UDP4_SENDMSG)
        return fail("field msg_src_ip4 needs the udp4 sendmsg attach type");
    if (IN(A, msg_src_ip6) && at != BPF_CGROUP_UDP6_SENDMSG)
        return fail("field msg_src_ip6 needs the udp6 sendmsg attach type");

    if (IN(A, user_ip4) || IN(A, user_ip6) || IN(A, msg_src_ip4) || IN(A, msg_src_ip6) ||
        IN(A, user_port)) {
        if (wide_ok(r, OFF(A, user_ip6), END(A, user_ip6)) ||
            wide_ok(r, OFF(A, msg_src_ip6), END(A, msg_src_ip6)))
            return NULL;
        return r->write ? exact(r, U32) : narrow(r, U32);
    }
    if (IN_PTR(A, sk))
        return ptr_load(r, BPFRT_CTX_SOCK, U64);
    if (IN(A, user_family) || IN(A, family) || IN(A, type) || IN(A, protocol)) {
        if (r->write)
            return read_only(r);
        return exact(r, U32);
    }
    return no_access(r);
}

/* ---- struct bpf_sock_ops ---- */

static const char *check_sock_ops(struct req *r)
{
    typedef struct bpf_sock_ops O;
    if (r->write) {
        if (AT(O, reply) || AT(O, sk_txhash))
            return exact(r, U32);
        return read_only(r);
    }
    if (IN_RANGE(O, bytes_received, bytes_acked))
        return exact(r, U64);
    if (IN_PTR(O, sk))
        return ptr_load(r, BPFRT_CTX_SOCK_OR_NULL, U64);
    if (IN_PTR(O, skb_data))
        return ptr_load(r, BPFRT_CTX_PKT, U64);
    if (IN_PTR(O, skb_data_end))
        return ptr_load(r, BPFRT_CTX_PKT_END, U64);
    if (AT(O, skb_tcp_flags))
        return narrow(r, U32);
    return exact(r, U32);
}

/* ---- struct bpf_sock (cgroup/sock_create, post_bind4, ...) ---- */

static const char *check_cg_sock(struct req *r)
{
    typedef struct bpf_sock K;
    /* Linux loads a cgroup/sock program without an expected attach type as sock_create */
    uint32_t at = r->attach == 0 ? (uint32_t)BPF_CGROUP_INET_SOCK_CREATE : r->attach;
    const char *why;

    /* bpf_sock_is_valid_access: sizes */
    if (IN(K, state) || IN(K, family) || IN(K, type) || IN(K, protocol) || IN(K, src_port) ||
        IN(K, rx_queue_mapping)) {
        /* exact case labels in Linux: narrow loads only at the field's start */
        if (r->off != r->f->off)
            return fail("load of %d bytes inside field %s", r->size, fname(r));
        why = narrow(r, U32);
    } else if (IN(K, src_ip4) || IN(K, src_ip6) || IN(K, dst_ip4) || IN(K, dst_ip6)) {
        why = narrow(r, U32);
    } else if (IN(K, dst_port)) {
        /* a 4-byte load covers the zero padding after it; narrower ones are 2-byte narrow */
        why = r->size == U32 ? (AT(K, dst_port) ? NULL : exact(r, U32))
                             : narrow(r, (int)SIZEOF_FIELD(K, dst_port));
    } else {
        why = exact(r, U32);
    }
    if (why)
        return why;

    /* __sock_filter_check_attach_type */
    if (AT(K, bound_dev_if) || AT(K, mark) || AT(K, priority)) {
        if (at == BPF_CGROUP_INET_SOCK_CREATE || at == BPF_CGROUP_INET_SOCK_RELEASE)
            return NULL;
        return fail("field %s needs the sock_create or sock_release attach type", fname(r));
    }
    if (IN(K, src_ip4) && at != BPF_CGROUP_INET4_POST_BIND)
        return fail("field src_ip4 needs the post_bind4 attach type");
    if (IN(K, src_ip6) && at != BPF_CGROUP_INET6_POST_BIND)
        return fail("field src_ip6 needs the post_bind6 attach type");
    if (IN(K, src_port) && at != BPF_CGROUP_INET4_POST_BIND && at != BPF_CGROUP_INET6_POST_BIND)
        return fail("field src_port needs a post_bind attach type");
    if (r->write)
        return read_only(r);
    return NULL;
}

/* ---- struct sk_msg_md ---- */

static const char *check_sk_msg(struct req *r)
{
    typedef struct sk_msg_md M;
    if (r->write)
        return fail("write to read-only field %s (the sk_msg context is read-only)", fname(r));
    if (IN_PTR(M, data))
        return ptr_load(r, BPFRT_CTX_PKT, U64);
    if (IN_PTR(M, data_end))
        return ptr_load(r, BPFRT_CTX_PKT_END, U64);
    if (IN_PTR(M, sk))
        return ptr_load(r, BPFRT_CTX_SOCK, U64);
    return exact(r, U32);
}

/* ---- struct sk_reuseport_md ---- */

static const char *check_reuseport(struct req *r)
{
    typedef struct sk_reuseport_md R;
    if (r->write)
        return read_only(r);
    if (IN_PTR(R, data))
        return ptr_load(r, BPFRT_CTX_PKT, U64);
    if (IN_PTR(R, data_end))
        return ptr_load(r, BPFRT_CTX_PKT_END, U64);
    if (IN_PTR(R, sk))
        return ptr_load(r, BPFRT_CTX_SOCK, U64);
    /* Linux: PTR_TO_SOCK_COMMON_OR_NULL, a kernel socket that may be a request socket */
    if (IN_PTR(R, migrating_sk))
        return ptr_load(r, BPFRT_CTX_BTF_ID, U64);
    if (IN(R, hash))
        return exact(r, U32);
    /* eth_protocol is the 2-byte skb->protocol: no 1-byte loads */
    if (IN(R, eth_protocol) && r->size < (int)sizeof(__u16))
        return fail("load of %d bytes from field eth_protocol (at least %d)", r->size,
                    (int)sizeof(__u16));
    return narrow(r, U32);
}

/* ---- struct bpf_sk_lookup ---- */

static const char *check_sk_lookup(struct req *r)
{
    typedef struct bpf_sk_lookup L;
    if (r->write)
        return read_only(r);
    if (IN_PTR(L, sk))
        return ptr_load(r, BPFRT_CTX_SOCK_OR_NULL, U64);
    if (IN(L, remote_port)) {
        /* 4-byte loads kept for programs written when the field was a u32 */
        if (r->size == U32)
            return NULL;
        return narrow(r, (int)SIZEOF_FIELD(L, remote_port));
    }
    if (r->off >= (int64_t)SK_LOOKUP_PAD_OFF && r->off < OFF(L, local_ip4))
        return narrow(r, (int)SK_LOOKUP_PAD_SIZE);
    return narrow(r, U32);
}

/* ---- kernel/bpf/cgroup.c: device, sysctl, sockopt ---- */

static const char *check_cgroup_dev(struct req *r)
{
    typedef struct bpf_cgroup_dev_ctx D;
    if (r->write)
        return read_only(r);
    if (IN(D, access_type))
        return narrow(r, U32);
    return exact(r, U32);
}

static const char *check_sysctl(struct req *r)
{
    typedef struct bpf_sysctl Y;
    if (IN(Y, write) && r->write)
        return read_only(r);
    if (r->write)
        return exact(r, U32);
    return narrow(r, U32);
}

static const char *check_sockopt(struct req *r)
{
    typedef struct bpf_sockopt P;
    if (r->write) {
        if (AT(P, retval)) {
            if (r->attach != BPF_CGROUP_GETSOCKOPT)
                return fail("field retval needs the getsockopt attach type");
            return exact(r, U32);
        }
        if (AT(P, optname) || AT(P, level)) {
            if (r->attach != BPF_CGROUP_SETSOCKOPT)
                return fail("writes to field %s need the setsockopt attach type", fname(r));
            return exact(r, U32);
        }
        if (AT(P, optlen))
            return exact(r, U32);
        return read_only(r);
    }
    if (IN_PTR(P, sk))
        return ptr_load(r, BPFRT_CTX_SOCK, U64);
    if (IN_PTR(P, optval))
        return ptr_load(r, BPFRT_CTX_PKT, U64);
    if (IN_PTR(P, optval_end))
        return ptr_load(r, BPFRT_CTX_PKT_END, U64);
    if (AT(P, retval) && r->attach != BPF_CGROUP_GETSOCKOPT)
        return fail("field retval needs the getsockopt attach type");
    return exact(r, U32);
}

/* ---- kernel/trace/bpf_trace.c ---- */

/* kprobe: aligned loads of any size inside struct pt_regs */
static const char *check_kprobe(struct req *r)
{
    if (r->write)
        return fail("write to the %s context (read-only)", r->pt->name);
    return NULL;
}

static const char *check_tracepoint(struct req *r)
{
    if (r->write)
        return fail("write to the tracepoint context (read-only)");
    if (r->off < (int64_t)TRACEPOINT_COMMON)
        return fail("offset %lld is in the tracepoint record's common fields", (long long)r->off);
    return NULL;
}

static const char *check_raw_tp(struct req *r)
{
    if (r->write)
        return fail("write to the %s context (read-only)", r->pt->name);
    return NULL;
}

static const char *check_raw_tp_writable(struct req *r)
{
    if (r->off == 0) {
        /* Linux: PTR_TO_TP_BUFFER, the tracepoint's writable buffer */
        if (r->write)
            return read_only(r);
        r->kind = BPFRT_CTX_BTF_ID;
        return exact(r, U64);
    }
    return check_raw_tp(r);
}

static const char *check_perf_event(struct req *r)
{
    typedef struct bpf_perf_event_data E;
    if (r->write)
        return fail("write to the perf_event context (read-only)");
    if (IN(E, sample_period) || IN(E, addr))
        return narrow(r, U64);
    return exact(r, U64); /* registers: full longs */
}

/* fentry/fexit/LSM without BTF: u64 argument slots (btf_ctx_access wants 8-aligned offsets) */
static const char *check_btf_args(struct req *r)
{
    if (r->write)
        return fail("write to the %s context (read-only)", r->pt->name);
    if (r->off % U64 != 0)
        return fail("offset %lld is not a multiple of 8", (long long)r->off);
    /* Without the attach target's BTF the slot may be a pointer: it loads as a kernel object
     * pointer, which can be used as a number or read through (Linux's probe reads). */
    if (r->size == U64)
        r->kind = BPFRT_CTX_BTF_ID;
    return NULL;
}

/* ---- the program types ---- */

struct ptype {
    struct bpfrt_prog_type_info info;
    const struct layout *ctx;
    const char *(*check)(struct req *r);
};

#define UNCHECKED false, 0, 0
#define RANGE(lo, hi) true, lo, hi
#define NOPKT false, false
#define PKT_RO true, false
#define PKT_RW true, true
#define PT(t, n, c, ret, pkt, fn)                                                                  \
    {                                                                                              \
        {t, n, c##_SIZE, c##_NAME, ret, pkt}, &c##_ctx, fn                                         \
    }

static const struct ptype types[] = {
    PT(BPF_PROG_TYPE_UNSPEC, "unspec", pt_regs, UNCHECKED, NOPKT, check_kprobe),
    PT(BPF_PROG_TYPE_SOCKET_FILTER, "socket_filter", skb, UNCHECKED, NOPKT, check_sk_filter),
    PT(BPF_PROG_TYPE_KPROBE, "kprobe", pt_regs, UNCHECKED, NOPKT, check_kprobe),
    PT(BPF_PROG_TYPE_SCHED_CLS, "sched_cls", skb, UNCHECKED, PKT_RW, check_tc),
    PT(BPF_PROG_TYPE_SCHED_ACT, "sched_act", skb, UNCHECKED, PKT_RW, check_tc),
    PT(BPF_PROG_TYPE_TRACEPOINT, "tracepoint", tracepoint, UNCHECKED, NOPKT, check_tracepoint),
    PT(BPF_PROG_TYPE_XDP, "xdp", xdp, UNCHECKED, PKT_RW, check_xdp),
    PT(BPF_PROG_TYPE_PERF_EVENT, "perf_event", perf_event, UNCHECKED, NOPKT, check_perf_event),
    PT(BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb", skb, RANGE(0, 1), PKT_RO, check_cg_skb),
    PT(BPF_PROG_TYPE_CGROUP_SOCK, "cgroup_sock", sock, RANGE(0, 1), NOPKT, check_cg_sock),
    PT(BPF_PROG_TYPE_LWT_IN, "lwt_in", skb, UNCHECKED, PKT_RO, check_lwt),
    PT(BPF_PROG_TYPE_LWT_OUT, "lwt_out", skb, UNCHECKED, PKT_RO, check_lwt),
    PT(BPF_PROG_TYPE_LWT_XMIT, "lwt_xmit", skb, UNCHECKED, PKT_RW, check_lwt),
    PT(BPF_PROG_TYPE_SOCK_OPS, "sock_ops", sock_ops, RANGE(0, 1), PKT_RO, check_sock_ops),
    PT(BPF_PROG_TYPE_SK_SKB, "sk_skb", skb, UNCHECKED, PKT_RW, check_sk_skb),
    PT(BPF_PROG_TYPE_CGROUP_DEVICE, "cgroup_device", cgroup_dev, RANGE(0, 1), NOPKT,
       check_cgroup_dev),
    PT(BPF_PROG_TYPE_SK_MSG, "sk_msg", sk_msg, UNCHECKED, PKT_RW, check_sk_msg),
    PT(BPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tracepoint", raw_tp, UNCHECKED, NOPKT, check_raw_tp),
    PT(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup_sock_addr", sock_addr, RANGE(0, 1), NOPKT,
       check_sock_addr),
    PT(BPF_PROG_TYPE_LWT_SEG6LOCAL, "lwt_seg6local", skb, UNCHECKED, PKT_RO, check_lwt),
    PT(BPF_PROG_TYPE_SK_REUSEPORT, "sk_reuseport", reuseport, UNCHECKED, PKT_RO, check_reuseport),
    PT(BPF_PROG_TYPE_FLOW_DISSECTOR, "flow_dissector", skb, UNCHECKED, PKT_RO,
       check_flow_dissector),
    PT(BPF_PROG_TYPE_CGROUP_SYSCTL, "cgroup_sysctl", sysctl, RANGE(0, 1), NOPKT, check_sysctl),
    PT(BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, "raw_tracepoint_writable", raw_tp, UNCHECKED, NOPKT,
       check_raw_tp_writable),
    PT(BPF_PROG_TYPE_CGROUP_SOCKOPT, "cgroup_sockopt", sockopt, RANGE(0, 1), PKT_RW, check_sockopt),
    PT(BPF_PROG_TYPE_TRACING, "tracing", btf_args, UNCHECKED, NOPKT, check_btf_args),
    PT(BPF_PROG_TYPE_LSM, "lsm", btf_args, UNCHECKED, NOPKT, check_btf_args),
    PT(BPF_PROG_TYPE_SK_LOOKUP, "sk_lookup", sk_lookup, RANGE(0, 1), NOPKT, check_sk_lookup),
};

/* rows whose return range depends on the attach type (check_return_code) */
static const struct ptype cg_skb_egress =
    PT(BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb", skb, RANGE(0, 3), PKT_RO, check_cg_skb);
static const struct ptype sock_addr_bind = PT(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup_sock_addr",
                                              sock_addr, RANGE(0, 3), NOPKT, check_sock_addr);
static const struct ptype sock_addr_name = PT(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup_sock_addr",
                                              sock_addr, RANGE(1, 1), NOPKT, check_sock_addr);
static const struct ptype tracing_fentry =
    PT(BPF_PROG_TYPE_TRACING, "tracing", btf_args, RANGE(0, 0), NOPKT, check_btf_args);
static const struct ptype tracing_iter =
    PT(BPF_PROG_TYPE_TRACING, "tracing", btf_args, RANGE(0, 1), NOPKT, check_btf_args);
static const struct ptype lsm_cgroup =
    PT(BPF_PROG_TYPE_LSM, "lsm", btf_args, RANGE(0, 1), NOPKT, check_btf_args);

static const struct ptype *find(uint32_t type, uint32_t attach)
{
    const struct ptype *base = NULL;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (types[i].info.type == type)
            base = &types[i];
    if (!base)
        return NULL;
    switch (type) {
    case BPF_PROG_TYPE_CGROUP_SKB:
        if (attach == BPF_CGROUP_INET_EGRESS)
            return &cg_skb_egress;
        break;
    case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
        switch (attach) {
        case BPF_CGROUP_INET4_BIND:
        case BPF_CGROUP_INET6_BIND: return &sock_addr_bind;
        case BPF_CGROUP_UDP4_RECVMSG:
        case BPF_CGROUP_UDP6_RECVMSG:
        case BPF_CGROUP_INET4_GETPEERNAME:
        case BPF_CGROUP_INET6_GETPEERNAME:
        case BPF_CGROUP_INET4_GETSOCKNAME:
        case BPF_CGROUP_INET6_GETSOCKNAME: return &sock_addr_name;
        default: break;
        }
        break;
    case BPF_PROG_TYPE_TRACING:
        if (attach == BPF_TRACE_FENTRY || attach == BPF_TRACE_FEXIT)
            return &tracing_fentry;
        if (attach == BPF_TRACE_ITER)
            return &tracing_iter;
        break;
    case BPF_PROG_TYPE_LSM:
        if (attach == BPF_LSM_CGROUP)
            return &lsm_cgroup;
        break;
    default: break;
    }
    return base;
}

const struct bpfrt_prog_type_info *bpfrt_prog_type_info(uint32_t type, uint32_t attach)
{
    const struct ptype *p = find(type, attach);
    return p ? &p->info : NULL;
}

static const struct field *find_field(const struct layout *l, int64_t off)
{
    for (size_t i = 0; i < l->nfields; i++)
        if (off >= l->fields[i].off && off < (int64_t)l->fields[i].off + l->fields[i].size)
            return &l->fields[i];
    return NULL;
}

const char *bpfrt_ctx_access(uint32_t type, uint32_t attach, int64_t off, int size, bool write,
                             struct bpfrt_ctx_access *out)
{
    const struct ptype *p = find(type, attach);
    if (!p)
        return fail("program type %u is not supported", type);
    const struct layout *l = p->ctx;
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return fail("invalid access size %d", size);
    if (off < 0)
        return fail("negative offset %lld into %s", (long long)off, l->name);
    if (off >= l->size)
        return fail("offset %lld past the end of %s (%u bytes)", (long long)off, l->name, l->size);
    if (off + size > l->size)
        return fail("access of %d bytes at offset %lld crosses the end of %s (%u bytes)", size,
                    (long long)off, l->name, l->size);
    if (off % size != 0)
        return fail("misaligned access of %d bytes at offset %lld", size, (long long)off);

    struct req r = {&p->info, attach, off, size, write, NULL, BPFRT_CTX_SCALAR};
    if (l->fields) {
        r.f = find_field(l, off);
        if (!r.f)
            return fail("access to padding at offset %lld of %s", (long long)off, l->name);
    }
    const char *why = p->check(&r);
    if (why)
        return why;

    if (out) {
        out->kind = r.kind;
        if (!r.f) {
            out->field_off = (uint16_t)off;
            out->field_size = (uint16_t)size;
        } else if (r.f->elem) {
            /* the array elements the access covers */
            int64_t rel = off - r.f->off, e = r.f->elem;
            int64_t first = rel / e * e, end = (rel + size + e - 1) / e * e;
            if (end > r.f->size)
                end = r.f->size;
            out->field_off = (uint16_t)(r.f->off + first);
            out->field_size = (uint16_t)(end - first);
        } else {
            out->field_off = r.f->off;
            out->field_size = r.f->size;
        }
    }
    return NULL;
}
