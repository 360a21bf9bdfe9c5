/* Helper prototypes (src/verifier/helpers.c): every Linux helper id has a row named as in
 * linux/bpf.h, the rows are self-consistent, well-known prototypes are spelled out, and the
 * program types that may call each helper follow Linux (spot checks, plus every helper call of
 * the real-project objects of the shared corpus, which Linux loaded).
 *
 * usage: test_helpers [CORPUS_DIR]   (default: ../shared/corpus beside the source tree, or
 *                                     $BPFRT_CORPUS; the corpus part is skipped if missing) */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/object.h"
#include "testlib.h"
#include "verifier/helpers.h"

/* --- names, from the header's own list --- */

#define EXPECT_NAME(x)                                                                             \
    {                                                                                              \
        BPF_FUNC_##x, "bpf_" #x                                                                    \
    }
static const struct {
    uint32_t id;
    const char *name;
} expected_names[] = {__BPF_FUNC_MAPPER(EXPECT_NAME)};
#define N_EXPECTED (sizeof(expected_names) / sizeof(expected_names[0]))

static void test_names(void)
{
    CHECK(N_EXPECTED == __BPF_FUNC_MAX_ID, "mapper lists %zu helpers, enum has %d", N_EXPECTED,
          (int)__BPF_FUNC_MAX_ID);
    CHECK(bpfrt_helper_proto(0) == NULL, "id 0 (unspec) is not a helper");
    for (size_t i = 1; i < N_EXPECTED; i++) {
        uint32_t id = expected_names[i].id;
        CHECK(id == i, "mapper entry %zu has id %u", i, id);
        const struct bpfrt_helper_proto *h = bpfrt_helper_proto(id);
        if (!CHECK(h != NULL, "helper %u (%s) has no row", id, expected_names[i].name))
            continue;
        CHECK(h->id == id, "row %u says id %u", id, h->id);
        CHECK(h->name && strcmp(h->name, expected_names[i].name) == 0,
              "helper %u is named %s, linux/bpf.h says %s", id, h->name ? h->name : "(null)",
              expected_names[i].name);
    }
    /* the two helpers newer than the UAPI header bpfrt builds against */
    const struct bpfrt_helper_proto *g = bpfrt_helper_proto(210), *d = bpfrt_helper_proto(211);
    CHECK(g && strcmp(g->name, "bpf_cgrp_storage_get") == 0, "helper 210 is bpf_cgrp_storage_get");
    CHECK(d && strcmp(d->name, "bpf_cgrp_storage_delete") == 0,
          "helper 211 is bpf_cgrp_storage_delete");
    CHECK(bpfrt_helper_proto(212) == NULL, "no helper 212");
    CHECK(bpfrt_helper_proto(0xffffffffu) == NULL, "no helper 0xffffffff");
}

/* --- consistency of every row --- */

static bool is_mem(uint8_t a)
{
    return a == BPFRT_ARG_MEM || a == BPFRT_ARG_MEM_OR_NULL || a == BPFRT_ARG_UNINIT_MEM;
}

static bool is_size(uint8_t a)
{
    return a == BPFRT_ARG_SIZE || a == BPFRT_ARG_SIZE_OR_ZERO;
}

static bool has_arg(const struct bpfrt_helper_proto *h, uint8_t kind)
{
    for (int a = 0; a < 5; a++)
        if (h->args[a] == kind)
            return true;
    return false;
}

static void test_consistency(void)
{
    unsigned rows = 0;
    for (uint32_t id = 0; id < 1024; id++) {
        const struct bpfrt_helper_proto *h = bpfrt_helper_proto(id);
        if (!h)
            continue;
        rows++;
        const char *n = h->name;
        CHECK(h->id == id, "%s: id %u in row %u", n, h->id, id);
        CHECK(strncmp(n, "bpf_", 4) == 0, "%s: name without bpf_", n);
        CHECK(h->ret <= BPFRT_RET_MEM_OR_NULL, "%s: return kind %u", n, h->ret);
        CHECK((h->flags & ~0x7fu) == 0, "%s: unknown flags %#x", n, h->flags);
        bool ended = false;
        for (int a = 0; a < 5; a++) {
            uint8_t t = h->args[a];
            CHECK(t <= BPFRT_ARG_DYNPTR, "%s: r%d has kind %u", n, a + 1, t);
            if (t == BPFRT_ARG_NONE) {
                ended = true;
                continue;
            }
            CHECK(!ended, "%s: r%d follows an absent argument", n, a + 1);
            if (is_size(t))
                CHECK(a > 0 && is_mem(h->args[a - 1]), "%s: size r%d follows no memory argument", n,
                      a + 1);
            if (is_mem(t))
                CHECK(a < 4 && is_size(h->args[a + 1]), "%s: memory r%d has no size after it", n,
                      a + 1);
            if (t == BPFRT_ARG_MAP_KEY || t == BPFRT_ARG_MAP_VALUE ||
                t == BPFRT_ARG_MAP_VALUE_UNINIT) {
                bool map_before = false;
                for (int b = 0; b < a; b++)
                    map_before |= h->args[b] == BPFRT_ARG_MAP;
                CHECK(map_before, "%s: map key/value r%d without a map before it", n, a + 1);
            }
            if (t == BPFRT_ARG_STACK_OR_NULL)
                CHECK(has_arg(h, BPFRT_ARG_FUNC), "%s: callback context without a callback", n);
            if (t == BPFRT_ARG_ALLOC_SIZE)
                CHECK(h->ret == BPFRT_RET_ALLOC_MEM_OR_NULL || h->ret == BPFRT_RET_MEM_OR_NULL,
                      "%s: allocation size but no memory returned", n);
        }
        if (h->ret == BPFRT_RET_MAP_VALUE_OR_NULL)
            CHECK(has_arg(h, BPFRT_ARG_MAP), "%s: returns a map value without a map argument", n);
        if (h->ret == BPFRT_RET_ALLOC_MEM_OR_NULL)
            CHECK(has_arg(h, BPFRT_ARG_ALLOC_SIZE), "%s: allocates without a size argument", n);
        if (h->flags & BPFRT_HELPER_RELEASE)
            CHECK(has_arg(h, BPFRT_ARG_ALLOC_MEM) || has_arg(h, BPFRT_ARG_SOCK_COMMON) ||
                      has_arg(h, BPFRT_ARG_SOCKET) || has_arg(h, BPFRT_ARG_SOCKET_OR_NULL) ||
                      has_arg(h, BPFRT_ARG_BTF_ID),
                  "%s: releases but takes nothing that holds a reference", n);
        if (h->flags & BPFRT_HELPER_ACQUIRE)
            CHECK(h->ret != BPFRT_RET_INTEGER && h->ret != BPFRT_RET_VOID,
                  "%s: acquires but returns no pointer", n);
        CHECK(!(h->flags & BPFRT_HELPER_CALLBACK) == !has_arg(h, BPFRT_ARG_FUNC),
              "%s: CALLBACK flag and callback argument disagree", n);
        CHECK(!(h->flags & BPFRT_HELPER_TAIL_CALL) == (id != BPF_FUNC_tail_call),
              "%s: TAIL_CALL flag on the wrong helper", n);
        if (h->flags & BPFRT_HELPER_CHANGES_PKT_DATA)
            CHECK(h->args[0] == BPFRT_ARG_CTX, "%s: changes packet data but r1 is not the context",
                  n);
    }
    CHECK(rows == __BPF_FUNC_MAX_ID - 1 + 2, "%u rows, expected %d", rows,
          (int)__BPF_FUNC_MAX_ID - 1 + 2);
}

/* --- well-known prototypes --- */

struct known {
    uint32_t id;
    uint8_t ret;
    uint8_t args[5];
    uint32_t flags; /* compared under the mask below */
};

#define A(x) BPFRT_ARG_##x
#define R(x) BPFRT_RET_##x
#define MASK                                                                                       \
    (BPFRT_HELPER_ACQUIRE | BPFRT_HELPER_RELEASE | BPFRT_HELPER_TAIL_CALL |                        \
     BPFRT_HELPER_CALLBACK | BPFRT_HELPER_CHANGES_PKT_DATA)

static const struct known known[] = {
    {BPF_FUNC_map_lookup_elem, R(MAP_VALUE_OR_NULL), {A(MAP), A(MAP_KEY)}, 0},
    {BPF_FUNC_map_update_elem, R(INTEGER), {A(MAP), A(MAP_KEY), A(MAP_VALUE), A(ANYTHING)}, 0},
    {BPF_FUNC_map_delete_elem, R(INTEGER), {A(MAP), A(MAP_KEY)}, 0},
    {BPF_FUNC_map_push_elem, R(INTEGER), {A(MAP), A(MAP_VALUE), A(ANYTHING)}, 0},
    {BPF_FUNC_map_pop_elem, R(INTEGER), {A(MAP), A(MAP_VALUE_UNINIT)}, 0},
    {BPF_FUNC_map_peek_elem, R(INTEGER), {A(MAP), A(MAP_VALUE_UNINIT)}, 0},
    {BPF_FUNC_probe_read, R(INTEGER), {A(UNINIT_MEM), A(SIZE_OR_ZERO), A(ANYTHING)}, 0},
    {BPF_FUNC_probe_read_kernel, R(INTEGER), {A(UNINIT_MEM), A(SIZE_OR_ZERO), A(ANYTHING)}, 0},
    {BPF_FUNC_probe_read_user_str, R(INTEGER), {A(UNINIT_MEM), A(SIZE_OR_ZERO), A(ANYTHING)}, 0},
    {BPF_FUNC_ktime_get_ns, R(INTEGER), {A(NONE)}, 0},
    {BPF_FUNC_trace_printk, R(INTEGER), {A(MEM), A(SIZE)}, 0},
    {BPF_FUNC_get_current_pid_tgid, R(INTEGER), {A(NONE)}, 0},
    {BPF_FUNC_get_current_comm, R(INTEGER), {A(UNINIT_MEM), A(SIZE)}, 0},
    {BPF_FUNC_tail_call,
     R(INTEGER) /* the UAPI: an error when no tail call happens */,
     {A(CTX), A(MAP), A(ANYTHING)},
     BPFRT_HELPER_TAIL_CALL},
    {BPF_FUNC_skb_store_bytes,
     R(INTEGER),
     {A(CTX), A(ANYTHING), A(MEM), A(SIZE), A(ANYTHING)},
     BPFRT_HELPER_CHANGES_PKT_DATA},
    {BPF_FUNC_skb_load_bytes, R(INTEGER), {A(CTX), A(ANYTHING), A(UNINIT_MEM), A(SIZE)}, 0},
    {BPF_FUNC_skb_load_bytes_relative,
     R(INTEGER),
     {A(CTX), A(ANYTHING), A(UNINIT_MEM), A(SIZE), A(ANYTHING)},
     0},
    {BPF_FUNC_l3_csum_replace,
     R(INTEGER),
     {A(CTX), A(ANYTHING), A(ANYTHING), A(ANYTHING), A(ANYTHING)},
     BPFRT_HELPER_CHANGES_PKT_DATA},
    {BPF_FUNC_csum_diff,
     R(INTEGER),
     {A(MEM_OR_NULL), A(SIZE_OR_ZERO), A(MEM_OR_NULL), A(SIZE_OR_ZERO), A(ANYTHING)},
     0},
    {BPF_FUNC_redirect, R(INTEGER), {A(ANYTHING), A(ANYTHING)}, 0},
    {BPF_FUNC_redirect_map, R(INTEGER), {A(MAP), A(ANYTHING), A(ANYTHING)}, 0},
    {BPF_FUNC_perf_event_output,
     R(INTEGER),
     {A(CTX), A(MAP), A(ANYTHING), A(MEM), A(SIZE_OR_ZERO)},
     0},
    {BPF_FUNC_get_stackid, R(INTEGER), {A(CTX), A(MAP), A(ANYTHING)}, 0},
    {BPF_FUNC_get_stack, R(INTEGER), {A(CTX), A(UNINIT_MEM), A(SIZE_OR_ZERO), A(ANYTHING)}, 0},
    {BPF_FUNC_xdp_adjust_head, R(INTEGER), {A(CTX), A(ANYTHING)}, BPFRT_HELPER_CHANGES_PKT_DATA},
    {BPF_FUNC_xdp_adjust_tail, R(INTEGER), {A(CTX), A(ANYTHING)}, BPFRT_HELPER_CHANGES_PKT_DATA},
    {BPF_FUNC_skb_pull_data, R(INTEGER), {A(CTX), A(ANYTHING)}, BPFRT_HELPER_CHANGES_PKT_DATA},
    {BPF_FUNC_sock_map_update, R(INTEGER), {A(CTX), A(MAP), A(MAP_KEY), A(ANYTHING)}, 0},
    {BPF_FUNC_sk_redirect_map, R(INTEGER), {A(CTX), A(MAP), A(ANYTHING), A(ANYTHING)}, 0},
    {BPF_FUNC_sk_lookup_tcp,
     R(SOCKET_OR_NULL),
     {A(CTX), A(MEM), A(SIZE), A(ANYTHING), A(ANYTHING)},
     BPFRT_HELPER_ACQUIRE},
    {BPF_FUNC_skc_lookup_tcp,
     R(SOCK_COMMON_OR_NULL),
     {A(CTX), A(MEM), A(SIZE), A(ANYTHING), A(ANYTHING)},
     BPFRT_HELPER_ACQUIRE},
    {BPF_FUNC_sk_release, R(INTEGER), {A(SOCK_COMMON)}, BPFRT_HELPER_RELEASE},
    {BPF_FUNC_sk_fullsock, R(SOCKET_OR_NULL), {A(SOCK_COMMON)}, 0},
    {BPF_FUNC_tcp_sock, R(TCP_SOCK_OR_NULL), {A(SOCK_COMMON)}, 0},
    {BPF_FUNC_spin_lock, R(VOID), {A(SPIN_LOCK)}, 0},
    {BPF_FUNC_spin_unlock, R(VOID), {A(SPIN_LOCK)}, 0},
    {BPF_FUNC_ringbuf_reserve,
     R(ALLOC_MEM_OR_NULL),
     {A(MAP), A(ALLOC_SIZE), A(ANYTHING)},
     BPFRT_HELPER_ACQUIRE},
    {BPF_FUNC_ringbuf_submit, R(VOID), {A(ALLOC_MEM), A(ANYTHING)}, BPFRT_HELPER_RELEASE},
    {BPF_FUNC_ringbuf_discard, R(VOID), {A(ALLOC_MEM), A(ANYTHING)}, BPFRT_HELPER_RELEASE},
    {BPF_FUNC_ringbuf_output, R(INTEGER), {A(MAP), A(MEM), A(SIZE_OR_ZERO), A(ANYTHING)}, 0},
    {BPF_FUNC_for_each_map_elem,
     R(INTEGER),
     {A(MAP), A(FUNC), A(STACK_OR_NULL), A(ANYTHING)},
     BPFRT_HELPER_CALLBACK},
    {BPF_FUNC_loop,
     R(INTEGER),
     {A(ANYTHING), A(FUNC), A(STACK_OR_NULL), A(ANYTHING)},
     BPFRT_HELPER_CALLBACK},
    {BPF_FUNC_get_current_task_btf, R(BTF_ID), {A(NONE)}, 0},
    {BPF_FUNC_skc_to_tcp_sock, R(BTF_ID_OR_NULL), {A(SOCK_COMMON)}, 0},
    {BPF_FUNC_strtol, R(INTEGER), {A(MEM), A(SIZE), A(ANYTHING), A(LONG)}, 0},
    {BPF_FUNC_check_mtu, R(INTEGER), {A(CTX), A(ANYTHING), A(INT), A(ANYTHING), A(ANYTHING)}, 0},
    {BPF_FUNC_timer_init, R(INTEGER), {A(TIMER), A(MAP), A(ANYTHING)}, 0},
    {BPF_FUNC_snprintf,
     R(INTEGER),
     {A(MEM_OR_NULL), A(SIZE_OR_ZERO), A(CONST_STR), A(MEM_OR_NULL), A(SIZE_OR_ZERO)},
     0},
    {BPF_FUNC_get_netns_cookie, R(INTEGER), {A(CTX_OR_NULL)}, 0},
    {BPF_FUNC_setsockopt, R(INTEGER), {A(CTX), A(ANYTHING), A(ANYTHING), A(MEM), A(SIZE)}, 0},
    {BPF_FUNC_getsockopt,
     R(INTEGER),
     {A(CTX), A(ANYTHING), A(ANYTHING), A(UNINIT_MEM), A(SIZE)},
     0},
    {BPF_FUNC_bind, R(INTEGER), {A(CTX), A(MEM), A(SIZE)}, 0},
    {BPF_FUNC_per_cpu_ptr, R(MEM_OR_NULL), {A(PERCPU_BTF_ID), A(ANYTHING)}, 0},
    {BPF_FUNC_dynptr_read,
     R(INTEGER),
     {A(UNINIT_MEM), A(SIZE_OR_ZERO), A(DYNPTR), A(ANYTHING), A(ANYTHING)},
     0},
};

static void test_known(void)
{
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const struct known *k = &known[i];
        const struct bpfrt_helper_proto *h = bpfrt_helper_proto(k->id);
        if (!CHECK(h != NULL, "helper %u has no row", k->id))
            continue;
        CHECK(h->ret == k->ret, "%s returns kind %u, expected %u", h->name, h->ret, k->ret);
        for (int a = 0; a < 5; a++)
            CHECK(h->args[a] == k->args[a], "%s: r%d has kind %u, expected %u", h->name, a + 1,
                  h->args[a], k->args[a]);
        CHECK((h->flags & MASK) == k->flags, "%s: flags %#x, expected %#x", h->name,
              h->flags & MASK, k->flags);
    }
}

/* --- flag sets that Linux defines as lists --- */

static bool in(uint32_t id, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == id)
            return true;
    return false;
}

static void check_flag_set(uint32_t flag, const char *what, const uint32_t *list, size_t n)
{
    for (uint32_t id = 1; id < 1024; id++) {
        const struct bpfrt_helper_proto *h = bpfrt_helper_proto(id);
        if (!h)
            continue;
        bool want = in(id, list, n), have = (h->flags & flag) != 0;
        CHECK(want == have, "%s: %s is %s, Linux says %s", h->name, what, have ? "set" : "clear",
              want ? "set" : "clear");
    }
}

static void test_flag_sets(void)
{
    /* bpf_helper_changes_pkt_data() in net/core/filter.c */
    static const uint32_t changes[] = {
        BPF_FUNC_skb_vlan_push,       BPF_FUNC_skb_vlan_pop,    BPF_FUNC_skb_store_bytes,
        BPF_FUNC_skb_change_proto,    BPF_FUNC_skb_change_head, BPF_FUNC_skb_change_tail,
        BPF_FUNC_skb_adjust_room,     BPF_FUNC_skb_pull_data,   BPF_FUNC_clone_redirect,
        BPF_FUNC_l3_csum_replace,     BPF_FUNC_l4_csum_replace, BPF_FUNC_xdp_adjust_head,
        BPF_FUNC_xdp_adjust_meta,     BPF_FUNC_msg_pull_data,   BPF_FUNC_msg_push_data,
        BPF_FUNC_msg_pop_data,        BPF_FUNC_xdp_adjust_tail, BPF_FUNC_lwt_seg6_store_bytes,
        BPF_FUNC_lwt_seg6_adjust_srh, BPF_FUNC_lwt_seg6_action, BPF_FUNC_store_hdr_opt,
        BPF_FUNC_lwt_push_encap,
    };
    check_flag_set(BPFRT_HELPER_CHANGES_PKT_DATA, "CHANGES_PKT_DATA", changes,
                   sizeof(changes) / sizeof(changes[0]));
    /* the protos with .pkt_access = true */
    static const uint32_t pkt[] = {
        BPF_FUNC_map_lookup_elem,
        BPF_FUNC_map_update_elem,
        BPF_FUNC_map_delete_elem,
        BPF_FUNC_map_push_elem,
        BPF_FUNC_map_lookup_percpu_elem,
        BPF_FUNC_csum_diff,
        BPF_FUNC_sk_lookup_tcp,
        BPF_FUNC_sk_lookup_udp,
        BPF_FUNC_skc_lookup_tcp,
        BPF_FUNC_tcp_check_syncookie,
        BPF_FUNC_tcp_gen_syncookie,
        BPF_FUNC_tcp_raw_gen_syncookie_ipv4,
        BPF_FUNC_tcp_raw_gen_syncookie_ipv6,
        BPF_FUNC_tcp_raw_check_syncookie_ipv4,
        BPF_FUNC_tcp_raw_check_syncookie_ipv6,
        BPF_FUNC_sock_map_update,
        BPF_FUNC_sock_hash_update,
    };
    check_flag_set(BPFRT_HELPER_PKT_ACCESS, "PKT_ACCESS", pkt, sizeof(pkt) / sizeof(pkt[0]));
    /* a sample of .gpl_only: set and clear */
    static const uint32_t gpl[] = {
        BPF_FUNC_probe_read,           BPF_FUNC_trace_printk,     BPF_FUNC_perf_event_output,
        BPF_FUNC_get_stackid,          BPF_FUNC_get_current_task, BPF_FUNC_probe_read_kernel,
        BPF_FUNC_override_return,      BPF_FUNC_fib_lookup,       BPF_FUNC_timer_init,
        BPF_FUNC_get_current_task_btf,
    };
    static const uint32_t not_gpl[] = {
        BPF_FUNC_map_lookup_elem, BPF_FUNC_ktime_get_ns, BPF_FUNC_get_current_comm,
        BPF_FUNC_skb_load_bytes,  BPF_FUNC_redirect,     BPF_FUNC_ringbuf_output,
        BPF_FUNC_sk_lookup_tcp,   BPF_FUNC_tail_call,    BPF_FUNC_get_task_stack,
        BPF_FUNC_spin_lock,
    };
    for (size_t i = 0; i < sizeof(gpl) / sizeof(gpl[0]); i++)
        CHECK(bpfrt_helper_proto(gpl[i])->flags & BPFRT_HELPER_GPL_ONLY, "%s is GPL-only",
              bpfrt_helper_proto(gpl[i])->name);
    for (size_t i = 0; i < sizeof(not_gpl) / sizeof(not_gpl[0]); i++)
        CHECK(!(bpfrt_helper_proto(not_gpl[i])->flags & BPFRT_HELPER_GPL_ONLY),
              "%s is not GPL-only", bpfrt_helper_proto(not_gpl[i])->name);
}

/* --- program types --- */

static const struct {
    uint32_t id, type;
    bool allowed;
} pairs[] = {
    {BPF_FUNC_xdp_adjust_head, BPF_PROG_TYPE_XDP, true},
    {BPF_FUNC_xdp_adjust_head, BPF_PROG_TYPE_SOCKET_FILTER, false},
    {BPF_FUNC_xdp_adjust_head, BPF_PROG_TYPE_SCHED_CLS, false},
    {BPF_FUNC_sock_map_update, BPF_PROG_TYPE_SOCK_OPS, true},
    {BPF_FUNC_sock_map_update, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_sock_map_update, BPF_PROG_TYPE_SCHED_CLS, false},
    {BPF_FUNC_get_current_pid_tgid, BPF_PROG_TYPE_KPROBE, true},
    {BPF_FUNC_get_current_pid_tgid, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_FUNC_skb_load_bytes, BPF_PROG_TYPE_SCHED_CLS, true},
    {BPF_FUNC_skb_load_bytes, BPF_PROG_TYPE_SOCKET_FILTER, true},
    {BPF_FUNC_skb_load_bytes, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_skb_load_bytes, BPF_PROG_TYPE_KPROBE, false},
    {BPF_FUNC_skb_store_bytes, BPF_PROG_TYPE_SCHED_CLS, true},
    {BPF_FUNC_skb_store_bytes, BPF_PROG_TYPE_SOCKET_FILTER, false},
    {BPF_FUNC_skb_change_head, BPF_PROG_TYPE_SOCKET_FILTER, false},
    /* the legacy bpf_probe_read is for tracing programs only */
    {BPF_FUNC_probe_read, BPF_PROG_TYPE_KPROBE, true},
    {BPF_FUNC_probe_read, BPF_PROG_TYPE_TRACEPOINT, true},
    {BPF_FUNC_probe_read, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_probe_read, BPF_PROG_TYPE_SCHED_CLS, false},
    /* bpf_probe_read_kernel and bpf_trace_printk are in bpf_base_func_proto under CAP_PERFMON:
     * a privileged XDP program may call them (Linux 5.8+) */
    {BPF_FUNC_probe_read_kernel, BPF_PROG_TYPE_XDP, true},
    {BPF_FUNC_probe_read_kernel, BPF_PROG_TYPE_KPROBE, true},
    {BPF_FUNC_trace_printk, BPF_PROG_TYPE_XDP, true},
    {BPF_FUNC_trace_printk, BPF_PROG_TYPE_CGROUP_SOCK, true},
    {BPF_FUNC_get_stackid, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_get_stackid, BPF_PROG_TYPE_PERF_EVENT, true},
    {BPF_FUNC_override_return, BPF_PROG_TYPE_KPROBE, true},
    {BPF_FUNC_override_return, BPF_PROG_TYPE_TRACEPOINT, false},
    {BPF_FUNC_perf_prog_read_value, BPF_PROG_TYPE_PERF_EVENT, true},
    {BPF_FUNC_perf_prog_read_value, BPF_PROG_TYPE_KPROBE, false},
    {BPF_FUNC_redirect_map, BPF_PROG_TYPE_XDP, true},
    {BPF_FUNC_redirect_map, BPF_PROG_TYPE_SCHED_CLS, false},
    {BPF_FUNC_redirect, BPF_PROG_TYPE_SCHED_CLS, true},
    {BPF_FUNC_redirect, BPF_PROG_TYPE_LWT_XMIT, true},
    {BPF_FUNC_redirect, BPF_PROG_TYPE_LWT_OUT, false},
    {BPF_FUNC_lwt_push_encap, BPF_PROG_TYPE_LWT_IN, true},
    {BPF_FUNC_lwt_push_encap, BPF_PROG_TYPE_LWT_OUT, false},
    {BPF_FUNC_skb_vlan_push, BPF_PROG_TYPE_SCHED_CLS, true},
    {BPF_FUNC_skb_vlan_push, BPF_PROG_TYPE_SK_SKB, false},
    {BPF_FUNC_sk_redirect_map, BPF_PROG_TYPE_SK_SKB, true},
    {BPF_FUNC_msg_redirect_map, BPF_PROG_TYPE_SK_MSG, true},
    {BPF_FUNC_msg_redirect_map, BPF_PROG_TYPE_SK_SKB, false},
    {BPF_FUNC_setsockopt, BPF_PROG_TYPE_SOCK_OPS, true},
    {BPF_FUNC_setsockopt, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_FUNC_setsockopt, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_bind, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_FUNC_bind, BPF_PROG_TYPE_CGROUP_SOCK, false},
    {BPF_FUNC_get_socket_cookie, BPF_PROG_TYPE_CGROUP_SOCK, true},
    {BPF_FUNC_get_netns_cookie, BPF_PROG_TYPE_CGROUP_SOCK, true},
    {BPF_FUNC_get_netns_cookie, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_get_local_storage, BPF_PROG_TYPE_CGROUP_SKB, true},
    {BPF_FUNC_get_local_storage, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_get_retval, BPF_PROG_TYPE_CGROUP_SOCKOPT, true},
    {BPF_FUNC_get_retval, BPF_PROG_TYPE_CGROUP_SKB, false},
    {BPF_FUNC_sysctl_get_name, BPF_PROG_TYPE_CGROUP_SYSCTL, true},
    {BPF_FUNC_sysctl_get_name, BPF_PROG_TYPE_CGROUP_DEVICE, false},
    {BPF_FUNC_sk_lookup_tcp, BPF_PROG_TYPE_SCHED_CLS, true},
    {BPF_FUNC_sk_lookup_tcp, BPF_PROG_TYPE_XDP, true},
    {BPF_FUNC_sk_lookup_tcp, BPF_PROG_TYPE_KPROBE, false},
    {BPF_FUNC_sk_assign, BPF_PROG_TYPE_SK_LOOKUP, true},
    {BPF_FUNC_sk_select_reuseport, BPF_PROG_TYPE_SK_REUSEPORT, true},
    {BPF_FUNC_skc_to_tcp_sock, BPF_PROG_TYPE_TRACING, true},
    {BPF_FUNC_skc_to_tcp_sock, BPF_PROG_TYPE_SCHED_CLS, true},
    {BPF_FUNC_skc_to_tcp_sock, BPF_PROG_TYPE_CGROUP_SOCK, false},
    {BPF_FUNC_d_path, BPF_PROG_TYPE_TRACING, true},
    {BPF_FUNC_d_path, BPF_PROG_TYPE_KPROBE, false},
    {BPF_FUNC_rc_keydown, BPF_PROG_TYPE_LIRC_MODE2, true},
    {BPF_FUNC_rc_keydown, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_sys_bpf, BPF_PROG_TYPE_SYSCALL, true},
    {BPF_FUNC_sys_bpf, BPF_PROG_TYPE_KPROBE, false},
    {BPF_FUNC_bprm_opts_set, BPF_PROG_TYPE_LSM, true},
    {BPF_FUNC_copy_from_user, BPF_PROG_TYPE_LSM, true},
    {BPF_FUNC_copy_from_user, BPF_PROG_TYPE_XDP, false},
    {BPF_FUNC_tcp_send_ack, BPF_PROG_TYPE_STRUCT_OPS, true},
    {BPF_FUNC_ringbuf_reserve, BPF_PROG_TYPE_SOCKET_FILTER, true},
    {BPF_FUNC_loop, BPF_PROG_TYPE_XDP, true},
    {BPF_FUNC_spin_lock, BPF_PROG_TYPE_SCHED_CLS, true},
    {BPF_FUNC_tail_call, BPF_PROG_TYPE_CGROUP_DEVICE, true},
};

static void test_allowed(void)
{
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const struct bpfrt_helper_proto *h = bpfrt_helper_proto(pairs[i].id);
        CHECK(bpfrt_helper_allowed(pairs[i].id, pairs[i].type) == pairs[i].allowed,
              "%s for %s: expected %s", h ? h->name : "?", bpfrt_prog_type_name(pairs[i].type),
              pairs[i].allowed ? "allowed" : "refused");
    }
    /* every program type may use the map helpers; type 0 may use everything known */
    for (uint32_t t = 1; t <= BPF_PROG_TYPE_SYSCALL; t++) {
        CHECK(bpfrt_helper_allowed(BPF_FUNC_map_lookup_elem, t), "map_lookup_elem for %s",
              bpfrt_prog_type_name(t));
        CHECK(bpfrt_helper_allowed(BPF_FUNC_map_update_elem, t), "map_update_elem for %s",
              bpfrt_prog_type_name(t));
    }
    for (uint32_t id = 1; id < 212; id++)
        CHECK(bpfrt_helper_allowed(id, BPF_PROG_TYPE_UNSPEC), "helper %u for unspec", id);
    CHECK(!bpfrt_helper_allowed(212, BPF_PROG_TYPE_UNSPEC), "unknown helper 212");
    CHECK(!bpfrt_helper_allowed(0, BPF_PROG_TYPE_XDP), "helper 0");
    CHECK(!bpfrt_helper_allowed(BPF_FUNC_map_lookup_elem, 200), "unknown program type 200");
    /* every helper is available to some program type */
    for (uint32_t id = 1; id < 212; id++) {
        bool some = false;
        for (uint32_t t = 1; t <= 40 && !some; t++)
            some = bpfrt_helper_allowed(id, t);
        CHECK(some, "helper %u (%s) is available to no program type", id,
              bpfrt_helper_proto(id)->name);
    }
}

/* --- the corpus: every helper call of programs Linux loaded --- */

/* Sections whose names carry no type by libbpf's rules: the types their loaders used. */
static const struct {
    const char *object, *section_prefix;
    uint32_t type;
} legacy_types[] = {
    {"sock_flags_kern.o", "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK},
    {"tc_l2_redirect_kern.o", "", BPF_PROG_TYPE_SCHED_CLS},
    {"tcbpf1_kern.o", "", BPF_PROG_TYPE_SCHED_CLS},
    {"test_cgrp2_tc_kern.o", "", BPF_PROG_TYPE_SCHED_CLS},
    {"datapath.o", "", BPF_PROG_TYPE_SCHED_CLS}, /* ovs: tc ingress/egress */
    {"tc_bench01_redirect_kern.o", "", BPF_PROG_TYPE_SCHED_CLS},
    {"lwt_len_hist_kern.o", "", BPF_PROG_TYPE_LWT_OUT},
    /* suricata: AF_PACKET socket filters and the PACKET_FANOUT_EBPF load balancer */
    {"bypass_filter.o", "", BPF_PROG_TYPE_SOCKET_FILTER},
    {"filter.o", "", BPF_PROG_TYPE_SOCKET_FILTER},
    {"vlan_filter.o", "", BPF_PROG_TYPE_SOCKET_FILTER},
    {"lb.o", "", BPF_PROG_TYPE_SOCKET_FILTER},
};

static uint32_t prog_type_of(const char *path, const struct bpfrt_prog_spec *p)
{
    if (p->type != BPF_PROG_TYPE_UNSPEC)
        return p->type;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof(legacy_types) / sizeof(legacy_types[0]); i++)
        if (strcmp(base, legacy_types[i].object) == 0 &&
            strncmp(p->section, legacy_types[i].section_prefix,
                    strlen(legacy_types[i].section_prefix)) == 0)
            return legacy_types[i].type;
    return BPF_PROG_TYPE_UNSPEC;
}

/* Calls helper ID from a program of the object at PATH (section SECTION), or -1 if unused. */
static int find_call(const char *path, const char *section, uint32_t id, uint32_t *type)
{
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    struct bpfrt_object *obj = bpfrt_object_open_file(path, &diag);
    if (!obj)
        return -1;
    int found = -1;
    for (size_t p = 0; p < obj->prog_cnt && found < 0; p++) {
        const struct bpfrt_prog_spec *ps = &obj->progs[p];
        if (strcmp(ps->section, section) != 0)
            continue;
        for (size_t i = 0; i < ps->insn_cnt; i++)
            if (ps->insns[i].code == 0x85 && ps->insns[i].src_reg == 0 &&
                (uint32_t)ps->insns[i].imm == id) {
                *type = prog_type_of(path, ps);
                found = 1;
                break;
            }
    }
    bpfrt_object_close(obj);
    return found;
}

static void test_corpus(const char *corpus)
{
    static const char *const dirs[] = {"linux", "prototype-kernel", "suricata",
                                       "ovs",   "cilium-core",      "cilium-examples"};
    unsigned objects = 0, progs = 0, calls = 0, untyped = 0;
    /* (helper, type) pairs seen, for the summary */
    static bool seen[256][40];
    memset(seen, 0, sizeof seen);
    for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", corpus, dirs[d]);
        char **files = NULL;
        int n = tl_list_dir(dir, ".o", &files);
        if (!CHECK(n > 0, "no objects in %s", dir))
            continue;
        for (int f = 0; f < n; f++) {
            struct bpfrt_diag diag;
            memset(&diag, 0, sizeof diag);
            struct bpfrt_object *obj = bpfrt_object_open_file(files[f], &diag);
            if (!CHECK(obj != NULL, "%s does not open: %s", files[f], diag.msg))
                continue;
            objects++;
            for (size_t p = 0; p < obj->prog_cnt; p++) {
                const struct bpfrt_prog_spec *ps = &obj->progs[p];
                uint32_t type = prog_type_of(files[f], ps);
                progs++;
                if (type == BPF_PROG_TYPE_UNSPEC) {
                    printf("note: %s section %s: no program type, not checked\n", files[f],
                           ps->section);
                    untyped++;
                    continue;
                }
                for (size_t i = 0; i < ps->insn_cnt; i++) {
                    const struct bpfrt_insn *in = &ps->insns[i];
                    if (in->code != 0x85 || in->src_reg != 0)
                        continue; /* not a helper call (bpf-to-bpf, kfunc) */
                    uint32_t id = (uint32_t)in->imm;
                    calls++;
                    const struct bpfrt_helper_proto *h = bpfrt_helper_proto(id);
                    CHECK(h && bpfrt_helper_allowed(id, type),
                          "%s section %s (%s) calls %s (%u): Linux loaded it, bpfrt refuses",
                          files[f], ps->section, bpfrt_prog_type_name(type),
                          h ? h->name : "an unknown helper", id);
                    if (id < 256 && type < 40)
                        seen[id][type] = true;
                }
            }
            bpfrt_object_close(obj);
        }
        tl_free_list(files, n);
    }
    unsigned npairs = 0;
    for (int id = 0; id < 256; id++)
        for (int t = 0; t < 40; t++)
            npairs += seen[id][t];
    printf("corpus: %u objects, %u programs (%u untyped), %u helper calls, %u (helper, type) "
           "pairs allowed\n",
           objects, progs, untyped, calls, npairs);
    CHECK(objects >= 80, "only %u corpus objects opened", objects);
    CHECK(untyped == 0, "%u corpus programs without a type", untyped);

    /* the two purpose-written programs about bpf_sock_map_update */
    char path[1024];
    uint32_t type = 0;
    snprintf(path, sizeof path, "%s/build/wronghelper.o", corpus);
    if (CHECK(find_call(path, "xdp", BPF_FUNC_sock_map_update, &type) == 1,
              "wronghelper.o calls bpf_sock_map_update from xdp"))
        CHECK(type == BPF_PROG_TYPE_XDP && !bpfrt_helper_allowed(BPF_FUNC_sock_map_update, type),
              "wronghelper.o: bpf_sock_map_update must be refused for xdp");
    snprintf(path, sizeof path, "%s/build/ctxoffset.o", corpus);
    if (CHECK(find_call(path, "sockops", BPF_FUNC_sock_map_update, &type) == 1,
              "ctxoffset.o calls bpf_sock_map_update from sockops"))
        CHECK(type == BPF_PROG_TYPE_SOCK_OPS &&
                  bpfrt_helper_allowed(BPF_FUNC_sock_map_update, type),
              "ctxoffset.o: bpf_sock_map_update must be allowed for sock_ops");
}

static const char *default_corpus(void)
{
    static char path[1024];
    const char *env = getenv("BPFRT_CORPUS");
    if (env && *env)
        return env;
    /* this file is SRC/tests/verifier/test_helpers.c; the corpus is SRC/../shared/corpus */
    snprintf(path, sizeof path, "%s", __FILE__);
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(path, '/');
        if (!slash)
            return "../shared/corpus";
        *slash = 0;
    }
    size_t len = strlen(path);
    snprintf(path + len, sizeof path - len, "/../shared/corpus");
    return path;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_names();
    test_consistency();
    test_known();
    test_flag_sets();
    test_allowed();
    const char *corpus = argc > 1 ? argv[1] : default_corpus();
    if (tl_is_dir(corpus))
        test_corpus(corpus);
    else
        printf("corpus %s not found: corpus checks skipped\n", corpus);
    return tl_summary();
}
