/* Unit test of the program-type descriptions (src/verifier/progtypes.c): for every supported
 * Linux program type, tables of context accesses spelled with offsetof on the UAPI structures,
 * the type rows (names, context sizes, return ranges, packet access), and a real object whose
 * context accesses were written for another platform's xdp_md. */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bpfrt/isa.h"
#include "bpfrt/object.h"
#include "testlib.h"
#include "verifier/progtypes.h"

#define OFF(S, f) ((int64_t)offsetof(S, f))
#define SZ(S, f) ((int)sizeof(((S *)0)->f))
#define END(S, f) (OFF(S, f) + SZ(S, f))

#define ANY (-1) /* don't check the kind */

static void check_access(int line, uint32_t type, uint32_t attach, int64_t off, int size,
                         bool write, bool ok, int kind)
{
    struct bpfrt_ctx_access a = {0xff, 0xffff, 0xffff};
    const char *why = bpfrt_ctx_access(type, attach, off, size, write, &a);
    const char *op = write ? "store" : "load";
    if (!ok) {
        CHECK(why != NULL && why[0] != '\0',
              "line %d: type %u attach %u: %s of %d at %lld allowed, expected refused", line, type,
              attach, op, size, (long long)off);
        return;
    }
    if (!CHECK(why == NULL, "line %d: type %u attach %u: %s of %d at %lld refused: %s", line, type,
               attach, op, size, (long long)off, why))
        return;
    if (kind != ANY)
        CHECK(a.kind == kind, "line %d: type %u: %s of %d at %lld gives kind %u, expected %d", line,
              type, op, size, (long long)off, a.kind, kind);
    /* the reported field contains the access's first byte */
    CHECK(a.field_size > 0 && a.field_off <= off && off < (int64_t)a.field_off + a.field_size,
          "line %d: type %u: %s of %d at %lld lands in field [%u, +%u)", line, type, op, size,
          (long long)off, a.field_off, a.field_size);
}

/* the field an allowed access reports */
static void check_field(int line, uint32_t type, uint32_t attach, int64_t off, int size, bool write,
                        int64_t foff, int fsize)
{
    struct bpfrt_ctx_access a = {0xff, 0xffff, 0xffff};
    const char *why = bpfrt_ctx_access(type, attach, off, size, write, &a);
    if (!CHECK(why == NULL, "line %d: access at %lld refused: %s", line, (long long)off, why))
        return;
    CHECK(a.field_off == foff && a.field_size == fsize,
          "line %d: access of %d at %lld: field [%u, +%u), expected [%lld, +%d)", line, size,
          (long long)off, a.field_off, a.field_size, (long long)foff, fsize);
}

#define RD(t, a, off, sz, kind) check_access(__LINE__, t, a, off, sz, false, true, kind)
#define WR(t, a, off, sz) check_access(__LINE__, t, a, off, sz, true, true, ANY)
#define NO_RD(t, a, off, sz) check_access(__LINE__, t, a, off, sz, false, false, ANY)
#define NO_WR(t, a, off, sz) check_access(__LINE__, t, a, off, sz, true, false, ANY)
#define FIELD(t, a, off, sz, w, foff, fsz) check_field(__LINE__, t, a, off, sz, w, foff, fsz)

enum {
    SCALAR = BPFRT_CTX_SCALAR,
    PKT = BPFRT_CTX_PKT,
    PKT_END = BPFRT_CTX_PKT_END,
    PKT_META = BPFRT_CTX_PKT_META,
    SOCK_OR_NULL = BPFRT_CTX_SOCK_OR_NULL,
    SOCK = BPFRT_CTX_SOCK,
    FLOW_KEYS = BPFRT_CTX_FLOW_KEYS,
    BTF_ID = BPFRT_CTX_BTF_ID,
};

/* ---- the type rows ---- */

struct row {
    uint32_t type, attach;
    const char *name;
    uint32_t ctx_size;
    bool ret_checked;
    int64_t ret_min, ret_max;
    bool packet, packet_write;
};

static const struct row rows[] = {
    {BPF_PROG_TYPE_UNSPEC, 0, "unspec", sizeof(bpf_user_pt_regs_t), false, 0, 0, false, false},
    {BPF_PROG_TYPE_SOCKET_FILTER, 0, "socket_filter", sizeof(struct __sk_buff), false, 0, 0, false,
     false},
    {BPF_PROG_TYPE_KPROBE, 0, "kprobe", sizeof(bpf_user_pt_regs_t), false, 0, 0, false, false},
    {BPF_PROG_TYPE_SCHED_CLS, 0, "sched_cls", sizeof(struct __sk_buff), false, 0, 0, true, true},
    {BPF_PROG_TYPE_SCHED_ACT, 0, "sched_act", sizeof(struct __sk_buff), false, 0, 0, true, true},
    {BPF_PROG_TYPE_TRACEPOINT, 0, "tracepoint", 0, false, 0, 0, false, false},
    {BPF_PROG_TYPE_XDP, 0, "xdp", sizeof(struct xdp_md), false, 0, 0, true, true},
    {BPF_PROG_TYPE_PERF_EVENT, 0, "perf_event", sizeof(struct bpf_perf_event_data), false, 0, 0,
     false, false},
    {BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, "cgroup_skb", sizeof(struct __sk_buff),
     true, 0, 1, true, false},
    {BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, "cgroup_skb", sizeof(struct __sk_buff), true,
     0, 3, true, false},
    {BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, "cgroup_sock", sizeof(struct bpf_sock),
     true, 0, 1, false, false},
    {BPF_PROG_TYPE_LWT_IN, 0, "lwt_in", sizeof(struct __sk_buff), false, 0, 0, true, false},
    {BPF_PROG_TYPE_LWT_OUT, 0, "lwt_out", sizeof(struct __sk_buff), false, 0, 0, true, false},
    {BPF_PROG_TYPE_LWT_XMIT, 0, "lwt_xmit", sizeof(struct __sk_buff), false, 0, 0, true, true},
    {BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, "lwt_seg6local", sizeof(struct __sk_buff), false, 0, 0, true,
     false},
    {BPF_PROG_TYPE_SOCK_OPS, 0, "sock_ops", sizeof(struct bpf_sock_ops), true, 0, 1, true, false},
    {BPF_PROG_TYPE_SK_SKB, 0, "sk_skb", sizeof(struct __sk_buff), false, 0, 0, true, true},
    {BPF_PROG_TYPE_CGROUP_DEVICE, 0, "cgroup_device", sizeof(struct bpf_cgroup_dev_ctx), true, 0, 1,
     false, false},
    {BPF_PROG_TYPE_SK_MSG, 0, "sk_msg", sizeof(struct sk_msg_md), false, 0, 0, true, true},
    {BPF_PROG_TYPE_RAW_TRACEPOINT, 0, "raw_tracepoint", 12 * sizeof(__u64), false, 0, 0, false,
     false},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, "cgroup_sock_addr",
     sizeof(struct bpf_sock_addr), true, 0, 1, false, false},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, "cgroup_sock_addr",
     sizeof(struct bpf_sock_addr), true, 0, 1, false, false},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, "cgroup_sock_addr",
     sizeof(struct bpf_sock_addr), true, 0, 3, false, false},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, "cgroup_sock_addr",
     sizeof(struct bpf_sock_addr), true, 0, 3, false, false},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, "cgroup_sock_addr",
     sizeof(struct bpf_sock_addr), true, 1, 1, false, false},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, "cgroup_sock_addr",
     sizeof(struct bpf_sock_addr), true, 1, 1, false, false},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, "cgroup_sock_addr",
     sizeof(struct bpf_sock_addr), true, 1, 1, false, false},
    {BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, "sk_reuseport",
     sizeof(struct sk_reuseport_md), false, 0, 0, true, false},
    {BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, "flow_dissector", sizeof(struct __sk_buff),
     false, 0, 0, true, false},
    {BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, "cgroup_sysctl", sizeof(struct bpf_sysctl),
     true, 0, 1, false, false},
    {BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, "raw_tracepoint_writable", 12 * sizeof(__u64), false,
     0, 0, false, false},
    {BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, "cgroup_sockopt",
     sizeof(struct bpf_sockopt), true, 0, 1, true, true},
    {BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "tracing", 12 * sizeof(__u64), true, 0, 0, false,
     false},
    {BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "tracing", 12 * sizeof(__u64), true, 0, 0, false,
     false},
    {BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, "tracing", 12 * sizeof(__u64), true, 0, 1, false,
     false},
    {BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, "tracing", 12 * sizeof(__u64), false, 0, 0, false,
     false},
    {BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "tracing", 12 * sizeof(__u64), false, 0, 0, false,
     false},
    {BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "lsm", 12 * sizeof(__u64), false, 0, 0, false, false},
    {BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, "lsm", 12 * sizeof(__u64), true, 0, 1, false, false},
    {BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, "sk_lookup", sizeof(struct bpf_sk_lookup), true, 0, 1,
     false, false},
};

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *w = &rows[i];
        const struct bpfrt_prog_type_info *pt = bpfrt_prog_type_info(w->type, w->attach);
        if (!CHECK(pt != NULL, "type %u (%s) not supported", w->type, w->name))
            continue;
        CHECK(pt->type == w->type, "%s: type %u", w->name, pt->type);
        CHECK(pt->name && !strcmp(pt->name, w->name), "type %u: name %s, expected %s", w->type,
              pt->name, w->name);
        if (w->type != BPF_PROG_TYPE_UNSPEC)
            CHECK(!strcmp(pt->name, bpfrt_prog_type_name(w->type)),
                  "type %u: name %s, the loader says %s", w->type, pt->name,
                  bpfrt_prog_type_name(w->type));
        if (w->ctx_size)
            CHECK(pt->ctx_size == w->ctx_size, "%s: ctx_size %u, expected %u", w->name,
                  pt->ctx_size, w->ctx_size);
        else
            CHECK(pt->ctx_size >= 2048, "%s: ctx_size %u", w->name, pt->ctx_size);
        CHECK(pt->ctx_name && pt->ctx_name[0], "%s: no ctx_name", w->name);
        CHECK(pt->ret_checked == w->ret_checked, "%s attach %u: ret_checked %d", w->name, w->attach,
              pt->ret_checked);
        if (w->ret_checked)
            CHECK(pt->ret_min == w->ret_min && pt->ret_max == w->ret_max,
                  "%s attach %u: return range [%lld, %lld], expected [%lld, %lld]", w->name,
                  w->attach, (long long)pt->ret_min, (long long)pt->ret_max, (long long)w->ret_min,
                  (long long)w->ret_max);
        CHECK(pt->packet == w->packet && pt->packet_write == w->packet_write,
              "%s: packet %d/%d, expected %d/%d", w->name, pt->packet, pt->packet_write, w->packet,
              w->packet_write);
    }
    /* names as bpftool prints them */
    CHECK(!strcmp(bpfrt_prog_type_info(BPF_PROG_TYPE_XDP, 0)->ctx_name, "struct xdp_md"),
          "xdp ctx_name %s", bpfrt_prog_type_info(BPF_PROG_TYPE_XDP, 0)->ctx_name);
    /* types bpfrt does not describe */
    const uint32_t unsupported[] = {BPF_PROG_TYPE_LIRC_MODE2, BPF_PROG_TYPE_STRUCT_OPS,
                                    BPF_PROG_TYPE_EXT, BPF_PROG_TYPE_SYSCALL, 1000};
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
        CHECK(bpfrt_prog_type_info(unsupported[i], 0) == NULL, "type %u described", unsupported[i]);
        struct bpfrt_ctx_access a;
        CHECK(bpfrt_ctx_access(unsupported[i], 0, 0, 4, false, &a) != NULL,
              "type %u: access allowed", unsupported[i]);
    }
}

/* ---- struct __sk_buff ---- */

typedef struct __sk_buff SKB;

static void test_socket_filter(void)
{
    const uint32_t t = BPF_PROG_TYPE_SOCKET_FILTER;
    RD(t, 0, OFF(SKB, len), 4, SCALAR);
    RD(t, 0, OFF(SKB, len), 1, SCALAR); /* narrow loads of scalars */
    RD(t, 0, OFF(SKB, len) + 3, 1, SCALAR);
    RD(t, 0, OFF(SKB, len) + 2, 2, SCALAR);
    FIELD(t, 0, OFF(SKB, len) + 3, 1, false, OFF(SKB, len), 4);
    NO_RD(t, 0, OFF(SKB, len), 8); /* wider than the field */
    RD(t, 0, OFF(SKB, mark), 4, SCALAR);
    RD(t, 0, OFF(SKB, priority), 4, SCALAR);
    RD(t, 0, OFF(SKB, protocol), 2, SCALAR);
    RD(t, 0, OFF(SKB, hash), 4, SCALAR);
    RD(t, 0, OFF(SKB, napi_id), 4, SCALAR);
    RD(t, 0, OFF(SKB, gso_segs), 4, SCALAR);
    RD(t, 0, OFF(SKB, gso_size), 4, SCALAR);
    RD(t, 0, OFF(SKB, ifindex), 4, SCALAR);
    RD(t, 0, OFF(SKB, tc_index), 4, SCALAR);
    /* no direct packet access, no tc or socket fields */
    NO_RD(t, 0, OFF(SKB, data), 4);
    NO_RD(t, 0, OFF(SKB, data_end), 4);
    NO_RD(t, 0, OFF(SKB, data_meta), 4);
    NO_RD(t, 0, OFF(SKB, tc_classid), 4);
    NO_RD(t, 0, OFF(SKB, family), 4);
    NO_RD(t, 0, OFF(SKB, remote_ip4), 4);
    NO_RD(t, 0, OFF(SKB, local_port), 4);
    NO_RD(t, 0, OFF(SKB, tstamp), 8);
    NO_RD(t, 0, OFF(SKB, wire_len), 4);
    NO_RD(t, 0, OFF(SKB, hwtstamp), 8);
    NO_RD(t, 0, OFF(SKB, flow_keys), 8);
    NO_RD(t, 0, OFF(SKB, tstamp_type), 1);
    NO_RD(t, 0, OFF(SKB, tstamp_type) + 1, 1); /* padding */
    /* the socket, full-size only */
    RD(t, 0, OFF(SKB, sk), 8, SOCK_OR_NULL);
    NO_RD(t, 0, OFF(SKB, sk), 4);
    NO_WR(t, 0, OFF(SKB, sk), 8);
    /* writes: cb[] only, any size inside it */
    WR(t, 0, OFF(SKB, cb[0]), 4);
    WR(t, 0, OFF(SKB, cb[0]), 8);
    WR(t, 0, OFF(SKB, cb[4]), 4);
    WR(t, 0, OFF(SKB, cb[1]) + 1, 1);
    WR(t, 0, OFF(SKB, cb[2]) + 2, 2);
    RD(t, 0, OFF(SKB, cb[3]), 4, SCALAR);
    RD(t, 0, OFF(SKB, cb[0]), 8, SCALAR);
    FIELD(t, 0, OFF(SKB, cb[0]), 8, true, OFF(SKB, cb[0]), 8);
    FIELD(t, 0, OFF(SKB, cb[2]) + 2, 2, true, OFF(SKB, cb[2]), 4);
    NO_WR(t, 0, OFF(SKB, cb[4]), 8); /* past cb[] (and misaligned) */
    NO_WR(t, 0, OFF(SKB, mark), 4);
    NO_WR(t, 0, OFF(SKB, priority), 4);
    NO_WR(t, 0, OFF(SKB, len), 4);
    NO_WR(t, 0, OFF(SKB, tc_index), 4);
    /* bounds and alignment */
    NO_RD(t, 0, -4, 4);
    NO_RD(t, 0, -1, 1);
    NO_RD(t, 0, sizeof(SKB), 4);
    NO_RD(t, 0, sizeof(SKB) - 4, 8);
    NO_RD(t, 0, 1000000, 4);
    NO_RD(t, 0, OFF(SKB, mark) + 2, 4); /* misaligned */
    NO_RD(t, 0, OFF(SKB, mark) + 1, 2);
    NO_RD(t, 0, OFF(SKB, mark), 3); /* not a load size */
    NO_RD(t, 0, OFF(SKB, mark), 0);
}

static void test_tc(uint32_t t)
{
    RD(t, 0, OFF(SKB, data), 4, PKT);
    RD(t, 0, OFF(SKB, data_end), 4, PKT_END);
    RD(t, 0, OFF(SKB, data_meta), 4, PKT_META);
    FIELD(t, 0, OFF(SKB, data), 4, false, OFF(SKB, data), 4);
    NO_RD(t, 0, OFF(SKB, data), 1); /* narrow loads of pointers */
    NO_RD(t, 0, OFF(SKB, data), 2);
    NO_RD(t, 0, OFF(SKB, data) + 2, 2);
    NO_RD(t, 0, OFF(SKB, data_end), 8);
    NO_RD(t, 0, OFF(SKB, data_meta), 2);
    NO_WR(t, 0, OFF(SKB, data), 4);
    RD(t, 0, OFF(SKB, len), 1, SCALAR);
    RD(t, 0, OFF(SKB, tc_classid), 4, SCALAR);
    RD(t, 0, OFF(SKB, wire_len), 4, SCALAR);
    RD(t, 0, OFF(SKB, tstamp), 8, SCALAR);
    NO_RD(t, 0, OFF(SKB, tstamp), 4);
    RD(t, 0, OFF(SKB, hwtstamp), 8, SCALAR);
    NO_WR(t, 0, OFF(SKB, hwtstamp), 8);
    RD(t, 0, OFF(SKB, tstamp_type), 1, SCALAR);
    NO_RD(t, 0, OFF(SKB, tstamp_type), 2);
    NO_WR(t, 0, OFF(SKB, tstamp_type), 1);
    RD(t, 0, OFF(SKB, sk), 8, SOCK_OR_NULL);
    NO_RD(t, 0, OFF(SKB, flow_keys), 8);
    /* writable fields */
    WR(t, 0, OFF(SKB, mark), 4);
    WR(t, 0, OFF(SKB, tc_index), 4);
    WR(t, 0, OFF(SKB, priority), 4);
    WR(t, 0, OFF(SKB, tc_classid), 4);
    WR(t, 0, OFF(SKB, queue_mapping), 4);
    WR(t, 0, OFF(SKB, tstamp), 8);
    WR(t, 0, OFF(SKB, cb[1]), 4);
    NO_WR(t, 0, OFF(SKB, mark), 2); /* writes are full-size */
    NO_WR(t, 0, OFF(SKB, mark), 1);
    NO_WR(t, 0, OFF(SKB, tstamp), 4);
    NO_WR(t, 0, OFF(SKB, len), 4);
    NO_WR(t, 0, OFF(SKB, hash), 4);
    NO_WR(t, 0, OFF(SKB, protocol), 4);
    /* no socket fields */
    NO_RD(t, 0, OFF(SKB, family), 4);
    NO_RD(t, 0, OFF(SKB, remote_ip4), 4);
    NO_RD(t, 0, OFF(SKB, remote_ip6[2]), 4);
    NO_RD(t, 0, OFF(SKB, local_port), 4);
}

static void test_cg_skb(void)
{
    const uint32_t t = BPF_PROG_TYPE_CGROUP_SKB;
    for (uint32_t a = BPF_CGROUP_INET_INGRESS; a <= BPF_CGROUP_INET_EGRESS; a++) {
        RD(t, a, OFF(SKB, data), 4, PKT);
        RD(t, a, OFF(SKB, data_end), 4, PKT_END);
        NO_RD(t, a, OFF(SKB, data_meta), 4);
        NO_RD(t, a, OFF(SKB, tc_classid), 4);
        NO_RD(t, a, OFF(SKB, wire_len), 4);
        RD(t, a, OFF(SKB, family), 4, SCALAR);
        RD(t, a, OFF(SKB, remote_ip4), 4, SCALAR);
        NO_RD(t, a, OFF(SKB, remote_ip4), 2); /* addresses: 4 bytes only */
        RD(t, a, OFF(SKB, local_ip6[3]), 4, SCALAR);
        FIELD(t, a, OFF(SKB, local_ip6[3]), 4, false, OFF(SKB, local_ip6[3]), 4);
        NO_RD(t, a, OFF(SKB, local_ip6[0]), 8);
        RD(t, a, OFF(SKB, remote_port), 2, SCALAR);
        RD(t, a, OFF(SKB, local_port), 4, SCALAR);
        RD(t, a, OFF(SKB, tstamp), 8, SCALAR);
        RD(t, a, OFF(SKB, hwtstamp), 8, SCALAR);
        WR(t, a, OFF(SKB, mark), 4);
        WR(t, a, OFF(SKB, priority), 4);
        WR(t, a, OFF(SKB, cb[0]), 4);
        WR(t, a, OFF(SKB, tstamp), 8);
        NO_WR(t, a, OFF(SKB, tc_index), 4);
        NO_WR(t, a, OFF(SKB, queue_mapping), 4);
        NO_WR(t, a, OFF(SKB, data), 4);
    }
}

static void test_lwt(void)
{
    const uint32_t types[] = {BPF_PROG_TYPE_LWT_IN, BPF_PROG_TYPE_LWT_OUT, BPF_PROG_TYPE_LWT_XMIT,
                              BPF_PROG_TYPE_LWT_SEG6LOCAL};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint32_t t = types[i];
        RD(t, 0, OFF(SKB, data), 4, PKT);
        RD(t, 0, OFF(SKB, data_end), 4, PKT_END);
        NO_RD(t, 0, OFF(SKB, data_meta), 4);
        NO_RD(t, 0, OFF(SKB, tc_classid), 4);
        NO_RD(t, 0, OFF(SKB, family), 4);
        NO_RD(t, 0, OFF(SKB, tstamp), 8);
        NO_RD(t, 0, OFF(SKB, wire_len), 4);
        NO_RD(t, 0, OFF(SKB, hwtstamp), 8);
        RD(t, 0, OFF(SKB, mark), 4, SCALAR);
        RD(t, 0, OFF(SKB, sk), 8, SOCK_OR_NULL);
        WR(t, 0, OFF(SKB, mark), 4);
        WR(t, 0, OFF(SKB, priority), 4);
        WR(t, 0, OFF(SKB, cb[4]), 4);
        NO_WR(t, 0, OFF(SKB, tc_index), 4);
        NO_WR(t, 0, OFF(SKB, tstamp), 8);
    }
}

static void test_sk_skb(void)
{
    const uint32_t t = BPF_PROG_TYPE_SK_SKB;
    const uint32_t a = BPF_SK_SKB_STREAM_VERDICT;
    RD(t, a, OFF(SKB, data), 4, PKT);
    RD(t, a, OFF(SKB, data_end), 4, PKT_END);
    NO_RD(t, a, OFF(SKB, data_meta), 4);
    NO_RD(t, a, OFF(SKB, mark), 4); /* not even readable */
    NO_WR(t, a, OFF(SKB, mark), 4);
    NO_RD(t, a, OFF(SKB, tc_classid), 4);
    NO_RD(t, a, OFF(SKB, tstamp), 8);
    RD(t, a, OFF(SKB, family), 4, SCALAR);
    RD(t, a, OFF(SKB, remote_ip4), 4, SCALAR);
    RD(t, a, OFF(SKB, remote_ip6[1]), 4, SCALAR);
    RD(t, a, OFF(SKB, remote_port), 4, SCALAR);
    RD(t, a, OFF(SKB, local_port), 4, SCALAR);
    WR(t, a, OFF(SKB, tc_index), 4);
    WR(t, a, OFF(SKB, priority), 4);
    NO_WR(t, a, OFF(SKB, cb[0]), 4);
    RD(t, a, OFF(SKB, cb[0]), 4, SCALAR);
}

static void test_flow_dissector(void)
{
    const uint32_t t = BPF_PROG_TYPE_FLOW_DISSECTOR;
    const uint32_t a = BPF_FLOW_DISSECTOR;
    RD(t, a, OFF(SKB, data), 4, PKT);
    RD(t, a, OFF(SKB, data_end), 4, PKT_END);
    RD(t, a, OFF(SKB, flow_keys), 8, FLOW_KEYS);
    FIELD(t, a, OFF(SKB, flow_keys), 8, false, OFF(SKB, flow_keys), 8);
    NO_RD(t, a, OFF(SKB, flow_keys), 4);
    NO_RD(t, a, OFF(SKB, data), 2);
    NO_RD(t, a, OFF(SKB, data_meta), 4);
    NO_RD(t, a, OFF(SKB, len), 4);
    NO_RD(t, a, OFF(SKB, mark), 4);
    NO_RD(t, a, OFF(SKB, sk), 8);
    NO_WR(t, a, OFF(SKB, cb[0]), 4);
    NO_WR(t, a, OFF(SKB, data), 4);
}

/* ---- struct xdp_md ---- */

static void test_xdp(void)
{
    typedef struct xdp_md X;
    const uint32_t t = BPF_PROG_TYPE_XDP;
    RD(t, 0, OFF(X, data), 4, PKT);
    RD(t, 0, OFF(X, data_end), 4, PKT_END);
    RD(t, 0, OFF(X, data_meta), 4, PKT_META);
    RD(t, BPF_XDP, OFF(X, data), 4, PKT);
    FIELD(t, 0, OFF(X, data_end), 4, false, OFF(X, data_end), 4);
    RD(t, 0, OFF(X, ingress_ifindex), 4, SCALAR);
    RD(t, 0, OFF(X, rx_queue_index), 4, SCALAR);
    /* pointers are 4-byte fields that load as pointers: no 8-byte or narrow loads */
    NO_RD(t, 0, OFF(X, data), 8);
    NO_RD(t, 0, OFF(X, data_meta), 8);
    NO_RD(t, 0, OFF(X, data), 2);
    NO_RD(t, 0, OFF(X, data_end), 1);
    NO_RD(t, 0, OFF(X, ingress_ifindex), 2); /* 4-byte loads only */
    NO_RD(t, 0, OFF(X, ingress_ifindex), 8);
    /* egress_ifindex: devmap programs only */
    NO_RD(t, 0, OFF(X, egress_ifindex), 4);
    NO_RD(t, BPF_XDP, OFF(X, egress_ifindex), 4);
    RD(t, BPF_XDP_DEVMAP, OFF(X, egress_ifindex), 4, SCALAR);
    /* read-only */
    NO_WR(t, 0, OFF(X, data), 4);
    NO_WR(t, 0, OFF(X, rx_queue_index), 4);
    NO_WR(t, 0, OFF(X, ingress_ifindex), 4);
    /* bounds */
    NO_RD(t, 0, sizeof(X), 4);
    NO_RD(t, 0, sizeof(X) - 4, 8);
    NO_RD(t, 0, -4, 4);
    NO_RD(t, 0, OFF(X, data) + 2, 4);
}

/* ---- struct bpf_sock_addr ---- */

static void test_sock_addr(void)
{
    typedef struct bpf_sock_addr A;
    const uint32_t t = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
    const uint32_t c4 = BPF_CGROUP_INET4_CONNECT, c6 = BPF_CGROUP_INET6_CONNECT;
    RD(t, c4, OFF(A, user_ip4), 4, SCALAR);
    RD(t, c4, OFF(A, user_ip4), 1, SCALAR);
    RD(t, c4, OFF(A, user_ip4) + 2, 2, SCALAR);
    WR(t, c4, OFF(A, user_ip4), 4);
    NO_WR(t, c4, OFF(A, user_ip4), 2);
    NO_RD(t, c4, OFF(A, user_ip6[0]), 4); /* the other family */
    NO_WR(t, c4, OFF(A, user_ip6[0]), 4);
    RD(t, c4, OFF(A, user_port), 4, SCALAR);
    RD(t, c4, OFF(A, user_port), 2, SCALAR);
    WR(t, c4, OFF(A, user_port), 4);
    NO_WR(t, c4, OFF(A, user_port), 2);
    NO_RD(t, c4, OFF(A, msg_src_ip4), 4); /* sendmsg only */
    RD(t, c4, OFF(A, user_family), 4, SCALAR);
    RD(t, c4, OFF(A, family), 4, SCALAR);
    RD(t, c4, OFF(A, type), 4, SCALAR);
    RD(t, c4, OFF(A, protocol), 4, SCALAR);
    NO_RD(t, c4, OFF(A, family), 2);
    NO_WR(t, c4, OFF(A, family), 4);
    NO_WR(t, c4, OFF(A, user_family), 4);
    RD(t, c4, OFF(A, sk), 8, SOCK);
    NO_RD(t, c4, OFF(A, sk), 4);
    NO_WR(t, c4, OFF(A, sk), 8);
    NO_RD(t, c4, END(A, msg_src_ip6), 4); /* padding before sk */
    NO_RD(t, c4, sizeof(A), 4);

    /* IPv6: 4-byte and aligned 8-byte accesses of user_ip6 */
    RD(t, c6, OFF(A, user_ip6[0]), 4, SCALAR);
    RD(t, c6, OFF(A, user_ip6[3]), 1, SCALAR);
    WR(t, c6, OFF(A, user_ip6[0]), 4);
    WR(t, c6, OFF(A, user_ip6[3]), 4);
    WR(t, c6, OFF(A, user_ip6[0]), 8);
    WR(t, c6, OFF(A, user_ip6[2]), 8);
    RD(t, c6, OFF(A, user_ip6[2]), 8, SCALAR);
    FIELD(t, c6, OFF(A, user_ip6[2]), 8, false, OFF(A, user_ip6[2]), 8);
    FIELD(t, c6, OFF(A, user_ip6[1]) + 1, 1, false, OFF(A, user_ip6[1]), 4);
    NO_WR(t, c6, OFF(A, user_ip6[1]), 2);
    NO_RD(t, c6, OFF(A, user_ip4), 4);
    NO_WR(t, c6, OFF(A, user_ip4), 4);
    WR(t, c6, OFF(A, user_port), 4);

    /* the attach types of each family */
    const uint32_t v4[] = {BPF_CGROUP_INET4_BIND,        BPF_CGROUP_INET4_CONNECT,
                           BPF_CGROUP_INET4_GETPEERNAME, BPF_CGROUP_INET4_GETSOCKNAME,
                           BPF_CGROUP_UDP4_SENDMSG,      BPF_CGROUP_UDP4_RECVMSG};
    const uint32_t v6[] = {BPF_CGROUP_INET6_BIND,        BPF_CGROUP_INET6_CONNECT,
                           BPF_CGROUP_INET6_GETPEERNAME, BPF_CGROUP_INET6_GETSOCKNAME,
                           BPF_CGROUP_UDP6_SENDMSG,      BPF_CGROUP_UDP6_RECVMSG};
    for (size_t i = 0; i < 6; i++) {
        RD(t, v4[i], OFF(A, user_ip4), 4, SCALAR);
        WR(t, v4[i], OFF(A, user_ip4), 4);
        NO_RD(t, v4[i], OFF(A, user_ip6[0]), 4);
        RD(t, v6[i], OFF(A, user_ip6[1]), 4, SCALAR);
        WR(t, v6[i], OFF(A, user_ip6[1]), 4);
        NO_RD(t, v6[i], OFF(A, user_ip4), 4);
    }
    /* sendmsg: the source address */
    RD(t, BPF_CGROUP_UDP4_SENDMSG, OFF(A, msg_src_ip4), 4, SCALAR);
    WR(t, BPF_CGROUP_UDP4_SENDMSG, OFF(A, msg_src_ip4), 4);
    NO_RD(t, BPF_CGROUP_UDP4_SENDMSG, OFF(A, msg_src_ip6[0]), 4);
    NO_RD(t, BPF_CGROUP_UDP4_RECVMSG, OFF(A, msg_src_ip4), 4);
    RD(t, BPF_CGROUP_UDP6_SENDMSG, OFF(A, msg_src_ip6[3]), 4, SCALAR);
    WR(t, BPF_CGROUP_UDP6_SENDMSG, OFF(A, msg_src_ip6[0]), 4);
    RD(t, BPF_CGROUP_UDP6_SENDMSG, OFF(A, msg_src_ip6[1]), 8, SCALAR); /* 8-aligned pair */
    WR(t, BPF_CGROUP_UDP6_SENDMSG, OFF(A, msg_src_ip6[1]), 8);
    NO_RD(t, BPF_CGROUP_UDP6_SENDMSG, OFF(A, msg_src_ip4), 4);
    NO_RD(t, BPF_CGROUP_UDP6_RECVMSG, OFF(A, msg_src_ip6[0]), 4);
    /* no attach type: neither family's address */
    NO_RD(t, 0, OFF(A, user_ip4), 4);
    NO_RD(t, 0, OFF(A, user_ip6[0]), 4);
    RD(t, 0, OFF(A, user_port), 4, SCALAR);
}

/* ---- struct bpf_sock_ops ---- */

static void test_sock_ops(void)
{
    typedef struct bpf_sock_ops O;
    const uint32_t t = BPF_PROG_TYPE_SOCK_OPS;
    const uint32_t a = BPF_CGROUP_SOCK_OPS;
    RD(t, a, OFF(O, sk), 8, SOCK_OR_NULL);
    RD(t, a, OFF(O, skb_data), 8, PKT);
    RD(t, a, OFF(O, skb_data_end), 8, PKT_END);
    NO_RD(t, a, OFF(O, sk), 4);
    NO_RD(t, a, OFF(O, sk) + 4, 4);
    NO_RD(t, a, OFF(O, skb_data), 4);
    RD(t, a, OFF(O, op), 4, SCALAR);
    NO_RD(t, a, OFF(O, op), 2); /* no narrow loads but skb_tcp_flags */
    RD(t, a, OFF(O, args[2]), 4, SCALAR);
    RD(t, a, OFF(O, family), 4, SCALAR);
    RD(t, a, OFF(O, remote_ip6[3]), 4, SCALAR);
    RD(t, a, OFF(O, snd_cwnd), 4, SCALAR);
    RD(t, a, OFF(O, sk_txhash), 4, SCALAR);
    RD(t, a, OFF(O, skb_len), 4, SCALAR);
    RD(t, a, OFF(O, skb_tcp_flags), 1, SCALAR);
    RD(t, a, OFF(O, skb_tcp_flags), 2, SCALAR);
    RD(t, a, OFF(O, bytes_received), 8, SCALAR);
    RD(t, a, OFF(O, bytes_acked), 8, SCALAR);
    NO_RD(t, a, OFF(O, bytes_received), 4);
    NO_RD(t, a, OFF(O, bytes_acked) + 4, 4);
    WR(t, a, OFF(O, reply), 4);
    WR(t, a, OFF(O, sk_txhash), 4);
    NO_WR(t, a, OFF(O, reply), 2);
    NO_WR(t, a, OFF(O, replylong[1]), 4);
    NO_WR(t, a, OFF(O, op), 4);
    NO_WR(t, a, OFF(O, snd_cwnd), 4);
    NO_WR(t, a, OFF(O, sk), 8);
    NO_RD(t, a, sizeof(O), 4);
}

/* ---- struct bpf_sock (cgroup/sock) ---- */

static void test_cg_sock(void)
{
    typedef struct bpf_sock K;
    const uint32_t t = BPF_PROG_TYPE_CGROUP_SOCK;
    const uint32_t create = BPF_CGROUP_INET_SOCK_CREATE, release = BPF_CGROUP_INET_SOCK_RELEASE;
    const uint32_t pb4 = BPF_CGROUP_INET4_POST_BIND, pb6 = BPF_CGROUP_INET6_POST_BIND;
    /* sock_create/release: bound_dev_if, mark, priority read and written */
    const uint32_t full[] = {create, release, 0 /* Linux loads it as sock_create */};
    for (size_t i = 0; i < 3; i++) {
        WR(t, full[i], OFF(K, bound_dev_if), 4);
        WR(t, full[i], OFF(K, mark), 4);
        WR(t, full[i], OFF(K, priority), 4);
        RD(t, full[i], OFF(K, mark), 4, SCALAR);
        NO_WR(t, full[i], OFF(K, mark), 2);
        NO_RD(t, full[i], OFF(K, mark), 2);
        NO_RD(t, full[i], OFF(K, src_ip4), 4);
        NO_RD(t, full[i], OFF(K, src_ip6[0]), 4);
        NO_RD(t, full[i], OFF(K, src_port), 4);
    }
    RD(t, create, OFF(K, family), 4, SCALAR);
    RD(t, create, OFF(K, family), 1, SCALAR);
    NO_RD(t, create, OFF(K, family) + 1, 1); /* Linux: narrow loads at the start only */
    RD(t, create, OFF(K, type), 2, SCALAR);
    RD(t, create, OFF(K, protocol), 4, SCALAR);
    RD(t, create, OFF(K, state), 4, SCALAR);
    RD(t, create, OFF(K, rx_queue_mapping), 4, SCALAR);
    NO_WR(t, create, OFF(K, family), 4);
    NO_WR(t, create, OFF(K, protocol), 4);
    RD(t, create, OFF(K, dst_ip4), 4, SCALAR);
    RD(t, create, OFF(K, dst_ip4) + 3, 1, SCALAR);
    RD(t, create, OFF(K, dst_ip6[3]), 2, SCALAR);
    RD(t, create, OFF(K, dst_port), 4, SCALAR);
    RD(t, create, OFF(K, dst_port), 2, SCALAR);
    RD(t, create, OFF(K, dst_port) + 1, 1, SCALAR);
    FIELD(t, create, OFF(K, dst_port), 4, false, OFF(K, dst_port), SZ(K, dst_port));
    NO_RD(t, create, END(K, dst_port), 2); /* padding */
    /* post_bind: the bound address, read-only; not the create-time fields */
    RD(t, pb4, OFF(K, src_ip4), 4, SCALAR);
    RD(t, pb4, OFF(K, src_ip4) + 3, 1, SCALAR);
    RD(t, pb4, OFF(K, src_port), 4, SCALAR);
    NO_WR(t, pb4, OFF(K, src_ip4), 4);
    NO_RD(t, pb4, OFF(K, src_ip6[0]), 4);
    NO_RD(t, pb4, OFF(K, mark), 4);
    NO_WR(t, pb4, OFF(K, mark), 4);
    RD(t, pb6, OFF(K, src_ip6[2]), 4, SCALAR);
    RD(t, pb6, OFF(K, src_port), 4, SCALAR);
    NO_RD(t, pb6, OFF(K, src_ip4), 4);
    NO_RD(t, pb6, OFF(K, bound_dev_if), 4);
    NO_RD(t, create, sizeof(K), 4);
}

/* ---- struct sk_msg_md, sk_reuseport_md, bpf_sk_lookup ---- */

static void test_sk_msg(void)
{
    typedef struct sk_msg_md M;
    const uint32_t t = BPF_PROG_TYPE_SK_MSG;
    const uint32_t a = BPF_SK_MSG_VERDICT;
    RD(t, a, OFF(M, data), 8, PKT);
    RD(t, a, OFF(M, data_end), 8, PKT_END);
    RD(t, a, OFF(M, sk), 8, SOCK);
    NO_RD(t, a, OFF(M, data), 4);
    NO_RD(t, a, OFF(M, data_end) + 4, 4);
    RD(t, a, OFF(M, family), 4, SCALAR);
    RD(t, a, OFF(M, remote_ip6[2]), 4, SCALAR);
    RD(t, a, OFF(M, local_port), 4, SCALAR);
    RD(t, a, OFF(M, size), 4, SCALAR);
    NO_RD(t, a, OFF(M, family), 1);
    NO_WR(t, a, OFF(M, family), 4);
    NO_WR(t, a, OFF(M, size), 4);
    NO_WR(t, a, OFF(M, data), 8);
    NO_RD(t, a, sizeof(M), 4);
}

static void test_reuseport(void)
{
    typedef struct sk_reuseport_md R;
    const uint32_t t = BPF_PROG_TYPE_SK_REUSEPORT;
    const uint32_t a = BPF_SK_REUSEPORT_SELECT_OR_MIGRATE;
    RD(t, a, OFF(R, data), 8, PKT);
    RD(t, a, OFF(R, data_end), 8, PKT_END);
    RD(t, a, OFF(R, sk), 8, SOCK);
    RD(t, a, OFF(R, migrating_sk), 8, BTF_ID);
    NO_RD(t, a, OFF(R, data), 4);
    NO_RD(t, a, OFF(R, sk) + 4, 4);
    RD(t, a, OFF(R, len), 4, SCALAR);
    RD(t, a, OFF(R, len), 1, SCALAR);
    RD(t, a, OFF(R, ip_protocol), 1, SCALAR);
    RD(t, a, OFF(R, bind_inany), 4, SCALAR);
    RD(t, a, OFF(R, eth_protocol), 2, SCALAR);
    RD(t, a, OFF(R, eth_protocol), 4, SCALAR);
    NO_RD(t, a, OFF(R, eth_protocol), 1);
    RD(t, a, OFF(R, hash), 4, SCALAR);
    NO_RD(t, a, OFF(R, hash), 2);
    NO_RD(t, a, END(R, hash), 4); /* padding before sk */
    NO_WR(t, a, OFF(R, len), 4);
    NO_WR(t, a, OFF(R, hash), 4);
}

static void test_sk_lookup(void)
{
    typedef struct bpf_sk_lookup L;
    const uint32_t t = BPF_PROG_TYPE_SK_LOOKUP;
    const uint32_t a = BPF_SK_LOOKUP;
    RD(t, a, OFF(L, sk), 8, SOCK_OR_NULL);
    NO_RD(t, a, OFF(L, sk), 4);
    NO_RD(t, a, OFF(L, cookie) + 4, 4);
    RD(t, a, OFF(L, family), 4, SCALAR);
    RD(t, a, OFF(L, family), 2, SCALAR);
    RD(t, a, OFF(L, protocol), 1, SCALAR);
    RD(t, a, OFF(L, remote_ip4), 4, SCALAR);
    RD(t, a, OFF(L, remote_ip6[3]), 4, SCALAR);
    RD(t, a, OFF(L, local_ip4) + 2, 2, SCALAR);
    RD(t, a, OFF(L, local_ip6[0]), 4, SCALAR);
    RD(t, a, OFF(L, local_port), 4, SCALAR);
    RD(t, a, OFF(L, ingress_ifindex), 4, SCALAR);
    NO_RD(t, a, OFF(L, remote_ip6[0]), 8);
    /* remote_port: a 2-byte field, 4-byte loads still allowed; then zero padding */
    RD(t, a, OFF(L, remote_port), 2, SCALAR);
    RD(t, a, OFF(L, remote_port), 1, SCALAR);
    RD(t, a, OFF(L, remote_port), 4, SCALAR);
    FIELD(t, a, OFF(L, remote_port), 4, false, OFF(L, remote_port), SZ(L, remote_port));
    RD(t, a, END(L, remote_port), 2, SCALAR);
    NO_RD(t, a, END(L, remote_port), 4);
    NO_RD(t, a, END(L, ingress_ifindex), 4); /* tail padding */
    NO_WR(t, a, OFF(L, family), 4);
    NO_WR(t, a, OFF(L, sk), 8);
}

/* ---- kernel/bpf/cgroup.c contexts ---- */

static void test_cgroup_misc(void)
{
    typedef struct bpf_cgroup_dev_ctx D;
    uint32_t t = BPF_PROG_TYPE_CGROUP_DEVICE, a = BPF_CGROUP_DEVICE;
    RD(t, a, OFF(D, access_type), 4, SCALAR);
    RD(t, a, OFF(D, access_type), 2, SCALAR);
    RD(t, a, OFF(D, access_type) + 3, 1, SCALAR);
    RD(t, a, OFF(D, major), 4, SCALAR);
    RD(t, a, OFF(D, minor), 4, SCALAR);
    NO_RD(t, a, OFF(D, major), 2);
    NO_WR(t, a, OFF(D, minor), 4);
    NO_RD(t, a, sizeof(D), 4);
    NO_RD(t, a, OFF(D, minor), 8);

    typedef struct bpf_sysctl Y;
    t = BPF_PROG_TYPE_CGROUP_SYSCTL;
    a = BPF_CGROUP_SYSCTL;
    RD(t, a, OFF(Y, write), 4, SCALAR);
    RD(t, a, OFF(Y, write), 1, SCALAR);
    NO_WR(t, a, OFF(Y, write), 4);
    RD(t, a, OFF(Y, file_pos), 2, SCALAR);
    WR(t, a, OFF(Y, file_pos), 4);
    NO_WR(t, a, OFF(Y, file_pos), 2);
    NO_RD(t, a, 0, 8);
    NO_RD(t, a, sizeof(Y), 4);

    typedef struct bpf_sockopt P;
    t = BPF_PROG_TYPE_CGROUP_SOCKOPT;
    const uint32_t get = BPF_CGROUP_GETSOCKOPT, set = BPF_CGROUP_SETSOCKOPT;
    for (uint32_t at = get; at <= set; at++) {
        RD(t, at, OFF(P, sk), 8, SOCK);
        RD(t, at, OFF(P, optval), 8, PKT);
        RD(t, at, OFF(P, optval_end), 8, PKT_END);
        NO_RD(t, at, OFF(P, optval), 4);
        NO_WR(t, at, OFF(P, optval), 8);
        RD(t, at, OFF(P, level), 4, SCALAR);
        RD(t, at, OFF(P, optname), 4, SCALAR);
        RD(t, at, OFF(P, optlen), 4, SCALAR);
        NO_RD(t, at, OFF(P, optlen), 2);
        WR(t, at, OFF(P, optlen), 4);
        NO_WR(t, at, OFF(P, optlen), 2);
    }
    RD(t, get, OFF(P, retval), 4, SCALAR);
    WR(t, get, OFF(P, retval), 4);
    NO_WR(t, get, OFF(P, level), 4);
    NO_WR(t, get, OFF(P, optname), 4);
    NO_RD(t, set, OFF(P, retval), 4);
    NO_WR(t, set, OFF(P, retval), 4);
    WR(t, set, OFF(P, level), 4);
    WR(t, set, OFF(P, optname), 4);
}

/* ---- tracing contexts ---- */

static void test_tracing(void)
{
    const uint32_t regs_size = sizeof(bpf_user_pt_regs_t);
    /* kprobe and unspecified programs: aligned loads of any size inside pt_regs */
    const uint32_t kp[] = {BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_UNSPEC};
    for (size_t i = 0; i < 2; i++) {
        uint32_t t = kp[i];
        RD(t, 0, 0, 8, SCALAR);
        RD(t, 0, regs_size - 8, 8, SCALAR);
        RD(t, 0, regs_size - 4, 4, SCALAR);
        RD(t, 0, regs_size - 1, 1, SCALAR);
        RD(t, 0, 14, 2, SCALAR);
        FIELD(t, 0, regs_size - 4, 4, false, regs_size - 8, 8);
        NO_RD(t, 0, regs_size, 1);
        NO_RD(t, 0, regs_size - 4, 8);
        NO_RD(t, 0, 4, 8); /* misaligned */
        NO_RD(t, 0, -8, 8);
        NO_WR(t, 0, 0, 8);
        NO_WR(t, 0, 16, 4);
    }
#if defined(__x86_64__)
    CHECK(regs_size == 168, "x86-64 pt_regs is %u bytes", regs_size);
#endif

    /* tracepoints: past the common fields, read-only */
    uint32_t t = BPF_PROG_TYPE_TRACEPOINT;
    NO_RD(t, 0, 0, 8);
    NO_RD(t, 0, 4, 4);
    RD(t, 0, 8, 8, SCALAR);
    RD(t, 0, 12, 4, SCALAR);
    RD(t, 0, 2047, 1, SCALAR);
    FIELD(t, 0, 12, 4, false, 12, 4);
    NO_RD(t, 0, 10, 4);
    NO_WR(t, 0, 8, 8);
    uint32_t tp_size = bpfrt_prog_type_info(t, 0)->ctx_size;
    NO_RD(t, 0, tp_size, 1);

    /* raw tracepoints: 12 u64 arguments */
    const int64_t args = 12 * sizeof(__u64);
    t = BPF_PROG_TYPE_RAW_TRACEPOINT;
    RD(t, 0, 0, 8, SCALAR);
    RD(t, 0, args - 8, 8, SCALAR);
    RD(t, 0, 4, 4, SCALAR);
    NO_RD(t, 0, args, 8);
    NO_WR(t, 0, 0, 8);
    t = BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE;
    RD(t, 0, 0, 8, BTF_ID); /* the writable tracepoint buffer */
    NO_RD(t, 0, 0, 4);
    NO_WR(t, 0, 0, 8);
    RD(t, 0, 8, 8, SCALAR);

    /* perf events: registers as longs, sample_period and addr narrow */
    typedef struct bpf_perf_event_data E;
    t = BPF_PROG_TYPE_PERF_EVENT;
    RD(t, 0, OFF(E, regs), 8, SCALAR);
    RD(t, 0, OFF(E, regs) + regs_size - 8, 8, SCALAR);
    NO_RD(t, 0, OFF(E, regs), 4);
    RD(t, 0, OFF(E, sample_period), 8, SCALAR);
    RD(t, 0, OFF(E, sample_period), 4, SCALAR);
    RD(t, 0, OFF(E, addr) + 7, 1, SCALAR);
    NO_WR(t, 0, OFF(E, sample_period), 8);
    NO_RD(t, 0, sizeof(E), 8);

    /* fentry/fexit/LSM: u64 argument slots, which may hold kernel pointers (no BTF of the target
     * here): they load as kernel object pointers */
    const uint32_t bt[][2] = {{BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY},
                              {BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT},
                              {BPF_PROG_TYPE_LSM, BPF_LSM_MAC}};
    for (size_t i = 0; i < 3; i++) {
        RD(bt[i][0], bt[i][1], 0, 8, BTF_ID);
        RD(bt[i][0], bt[i][1], args - 8, 8, BTF_ID);
        FIELD(bt[i][0], bt[i][1], 16, 8, false, 16, 8);
        NO_RD(bt[i][0], bt[i][1], args, 8);
        NO_RD(bt[i][0], bt[i][1], 4, 4); /* not an argument slot */
        NO_WR(bt[i][0], bt[i][1], 0, 8);
    }
}

/* ---- a real object: eBPF-for-Windows's xdp_md layout read through Linux's ---- */

#define EFW_XDP "662b334a22904023c13f11008e072076a4f4d215"

static void test_efw_xdp(const char *corpus)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/invalid/%s", corpus, EFW_XDP);
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("note: %s absent; the corpus check is skipped\n", path);
        return;
    }
    struct bpfrt_diag diag;
    struct bpfrt_object *obj = bpfrt_object_open_file(path, &diag);
    if (!obj) {
        printf("note: %s does not open (%s); the corpus check is skipped\n", path, diag.msg);
        return;
    }
    int found = 0;
    for (size_t p = 0; p < obj->prog_cnt; p++) {
        const struct bpfrt_prog_spec *ps = &obj->progs[p];
        if (strcmp(ps->section, "xdp") != 0)
            continue;
        CHECK(ps->type == BPF_PROG_TYPE_XDP, "%s: type %u", ps->name, ps->type);
        /* registers holding the context along the straight-line code: r1, then its copies */
        bool ctx[11] = {false};
        ctx[1] = true;
        for (size_t i = 0; i < ps->own_insn_cnt; i++) {
            const struct bpfrt_insn *in = &ps->insns[i];
            uint8_t cls = in->code & 7, mode = in->code & 0xe0;
            if (cls == 1 /* LDX */ && mode == 0x60 /* MEM */ && ctx[in->src_reg]) {
                static const int sizes[4] = {4, 2, 1, 8};
                int size = sizes[(in->code >> 3) & 3];
                struct bpfrt_ctx_access a;
                const char *why = bpfrt_ctx_access(BPF_PROG_TYPE_XDP, ps->expected_attach_type,
                                                   in->off, size, false, &a);
                CHECK(why != NULL, "%s insn %zu: load of %d at ctx+%d allowed for xdp", ps->name, i,
                      size, in->off);
                if (why)
                    printf("  %s insn %zu: ctx+%d (%d bytes): %s\n", ps->name, i, in->off, size,
                           why);
                found++;
            }
            /* track copies (mov64 reg) and clobbers */
            if (in->code == 0xbf) {
                ctx[in->dst_reg] = ctx[in->src_reg];
            } else if (in->code == 0x85) {
                for (int r = 0; r <= 5; r++)
                    ctx[r] = false;
            } else if (cls == 1 || cls == 4 || cls == 7 || cls == 0) {
                if (in->dst_reg <= 10)
                    ctx[in->dst_reg] = false;
            }
        }
    }
    CHECK(found == 3, "%d context loads found in the EfW xdp program, expected 3", found);
    bpfrt_object_close(obj);

    /* the same accesses spelled out: ctx+24 (4 bytes), 64-bit ctx+0 and ctx+8 */
    NO_RD(BPF_PROG_TYPE_XDP, 0, 24, 4);
    NO_RD(BPF_PROG_TYPE_XDP, 0, 0, 8);
    NO_RD(BPF_PROG_TYPE_XDP, 0, 8, 8);
}

int main(int argc, char **argv)
{
    const char *corpus = getenv("BPFRT_CORPUS_DIR");
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--corpus") && i + 1 < argc)
            corpus = argv[++i];
    if (!corpus)
        corpus = "/work/shared/corpus";

    test_rows();
    test_socket_filter();
    test_tc(BPF_PROG_TYPE_SCHED_CLS);
    test_tc(BPF_PROG_TYPE_SCHED_ACT);
    test_cg_skb();
    test_lwt();
    test_sk_skb();
    test_flow_dissector();
    test_xdp();
    test_sock_addr();
    test_sock_ops();
    test_cg_sock();
    test_sk_msg();
    test_reuseport();
    test_sk_lookup();
    test_cgroup_misc();
    test_tracing();
    test_efw_xdp(corpus);

    /* reasons name the problem */
    const char *why = bpfrt_ctx_access(BPF_PROG_TYPE_XDP, 0, 24, 4, false, NULL);
    CHECK(why && strstr(why, "struct xdp_md"), "reason: %s", why ? why : "(none)");
    why = bpfrt_ctx_access(BPF_PROG_TYPE_SOCKET_FILTER, 0, OFF(SKB, mark), 4, true, NULL);
    CHECK(why && strstr(why, "mark"), "reason: %s", why ? why : "(none)");
    CHECK(bpfrt_ctx_access(BPF_PROG_TYPE_XDP, 0, 0, 4, false, NULL) == NULL,
          "an allowed access with no OUT");
    return tl_summary();
}
