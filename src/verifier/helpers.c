/* Linux helper prototypes and their availability per program type, as data.
 *
 * The prototypes follow the kernel's struct bpf_func_proto definitions (kernel/bpf/helpers.c,
 * net/core/filter.c, kernel/trace/bpf_trace.c, kernel/bpf/ringbuf.c, kernel/bpf/stackmap.c,
 * kernel/bpf/cgroup.c, net/core/sock_map.c, net/core/bpf_sk_storage.c, kernel/bpf/bpf_lsm.c,
 * kernel/bpf/syscall.c, drivers/media/rc/bpf-lirc.c), mapped onto helpers.h's simplified kinds.
 * Several helpers have one prototype per program type in Linux (bpf_perf_event_output,
 * bpf_setsockopt, bpf_get_socket_cookie, ...); one row must serve them all, so the row follows
 * the variant most programs use and, where the variants disagree, the stricter one. Rows marked
 * "approx:" cannot be expressed exactly and say which safe approximation was taken.
 *
 * Availability follows the per-program-type *_func_proto functions of Linux 6.18 for a
 * privileged loader (CAP_BPF and CAP_PERFMON: bpfrt verifies as root by default). Each of those
 * functions is one group below (the helpers its own switch adds); a program type lists the
 * groups its function falls through to, ending with bpf_base_func_proto's. Where Linux also
 * looks at the expected attach type or at sleepability, the type-level answer is documented at
 * the group. */
#include "verifier/helpers.h"

#include <linux/bpf.h>
#include <stddef.h>

/* Helpers newer than the UAPI header bpfrt builds against (Linux 6.2+). */
#define BPFRT_FUNC_cgrp_storage_get 210
#define BPFRT_FUNC_cgrp_storage_delete 211
#define HELPER_LIMIT 212 /* one past the largest helper id Linux defines */

/* Program types newer than the UAPI header. */
#define BPFRT_PROG_TYPE_NETFILTER 32
#define PROG_TYPE_LIMIT 33

/* Short names for the table. */
enum {
    NONE = BPFRT_ARG_NONE,
    ANY = BPFRT_ARG_ANYTHING,
    MAP = BPFRT_ARG_MAP,
    KEY = BPFRT_ARG_MAP_KEY,
    VALUE = BPFRT_ARG_MAP_VALUE,
    VALUE_OUT = BPFRT_ARG_MAP_VALUE_UNINIT,
    MEM = BPFRT_ARG_MEM,
    MEM_NULL = BPFRT_ARG_MEM_OR_NULL,
    OUT = BPFRT_ARG_UNINIT_MEM,
    SIZE = BPFRT_ARG_SIZE,
    SIZE0 = BPFRT_ARG_SIZE_OR_ZERO,
    CTX = BPFRT_ARG_CTX,
    CTX_NULL = BPFRT_ARG_CTX_OR_NULL,
    FUNC = BPFRT_ARG_FUNC,
    STACK_NULL = BPFRT_ARG_STACK_OR_NULL,
    SKC = BPFRT_ARG_SOCK_COMMON,
    SK = BPFRT_ARG_SOCKET,
    SK_NULL = BPFRT_ARG_SOCKET_OR_NULL,
    BTF = BPFRT_ARG_BTF_ID,
    ALLOC = BPFRT_ARG_ALLOC_MEM,
    ALLOC_SIZE = BPFRT_ARG_ALLOC_SIZE,
    LOCK = BPFRT_ARG_SPIN_LOCK,
    TIMER = BPFRT_ARG_TIMER,
    LONG = BPFRT_ARG_LONG,
    INT = BPFRT_ARG_INT,
    CSTR = BPFRT_ARG_CONST_STR,
    PERCPU = BPFRT_ARG_PERCPU_BTF_ID,
    DYNPTR = BPFRT_ARG_DYNPTR,
};

#define PKT BPFRT_HELPER_PKT_ACCESS
#define CHG BPFRT_HELPER_CHANGES_PKT_DATA
#define ACQ BPFRT_HELPER_ACQUIRE
#define REL BPFRT_HELPER_RELEASE
#define GPL BPFRT_HELPER_GPL_ONLY
#define TAIL BPFRT_HELPER_TAIL_CALL
#define CB BPFRT_HELPER_CALLBACK

/* One row: H(name, return kind, flags, r1..r5 kinds (the rest NONE)). */
#define ROW(id_, name_, ret_, flags_, ...)                                                         \
    [id_] = {.id = (id_),                                                                          \
             .name = (name_),                                                                      \
             .ret = BPFRT_RET_##ret_,                                                              \
             .args = {__VA_ARGS__},                                                                \
             .flags = (flags_),                                                                    \
             .ret_size = 0}
#define H(fn, ret, flags, ...) ROW(BPF_FUNC_##fn, "bpf_" #fn, ret, flags, __VA_ARGS__)

static const struct bpfrt_helper_proto protos[HELPER_LIMIT] = {
    H(map_lookup_elem, MAP_VALUE_OR_NULL, PKT, MAP, KEY),
    H(map_update_elem, INTEGER, PKT, MAP, KEY, VALUE, ANY),
    H(map_delete_elem, INTEGER, PKT, MAP, KEY),
    H(probe_read, INTEGER, GPL, OUT, SIZE0, ANY),
    H(ktime_get_ns, INTEGER, 0, NONE),
    /* r3-r5 are ARG_DONTCARE in Linux (format arguments, used only as numbers) */
    H(trace_printk, INTEGER, GPL, MEM, SIZE),
    H(get_prandom_u32, INTEGER, 0, NONE),
    H(get_smp_processor_id, INTEGER, 0, NONE),
    H(skb_store_bytes, INTEGER, CHG, CTX, ANY, MEM, SIZE, ANY),
    H(l3_csum_replace, INTEGER, CHG, CTX, ANY, ANY, ANY, ANY),
    H(l4_csum_replace, INTEGER, CHG, CTX, ANY, ANY, ANY, ANY),
    /* approx: Linux declares it void (r0 unreadable after it); the UAPI says it returns an error
     * when the tail call does not happen, and bpfrt's runtime returns one */
    H(tail_call, INTEGER, TAIL, CTX, MAP, ANY),
    H(clone_redirect, INTEGER, CHG, CTX, ANY, ANY),
    H(get_current_pid_tgid, INTEGER, 0, NONE),
    H(get_current_uid_gid, INTEGER, 0, NONE),
    H(get_current_comm, INTEGER, 0, OUT, SIZE),
    /* approx: the variant of the cgroup hooks and of the base set takes no argument; the skb
     * one (tc, lwt) reads r1 as the skb, so r1 must be the context */
    H(get_cgroup_classid, INTEGER, 0, CTX),
    H(skb_vlan_push, INTEGER, CHG, CTX, ANY, ANY),
    H(skb_vlan_pop, INTEGER, CHG, CTX),
    H(skb_get_tunnel_key, INTEGER, 0, CTX, OUT, SIZE, ANY),
    H(skb_set_tunnel_key, INTEGER, 0, CTX, MEM, SIZE, ANY),
    H(perf_event_read, INTEGER, GPL, MAP, ANY),
    H(redirect, INTEGER, 0, ANY, ANY),
    H(get_route_realm, INTEGER, 0, CTX),
    /* every variant (skb, xdp, tracing, cgroup) has this shape */
    H(perf_event_output, INTEGER, GPL, CTX, MAP, ANY, MEM, SIZE0),
    H(skb_load_bytes, INTEGER, 0, CTX, ANY, OUT, SIZE),
    H(get_stackid, INTEGER, GPL, CTX, MAP, ANY),
    H(csum_diff, INTEGER, PKT, MEM_NULL, SIZE0, MEM_NULL, SIZE0, ANY),
    H(skb_get_tunnel_opt, INTEGER, 0, CTX, OUT, SIZE),
    H(skb_set_tunnel_opt, INTEGER, 0, CTX, MEM, SIZE),
    H(skb_change_proto, INTEGER, CHG, CTX, ANY, ANY),
    H(skb_change_type, INTEGER, 0, CTX, ANY),
    H(skb_under_cgroup, INTEGER, 0, CTX, MAP, ANY),
    H(get_hash_recalc, INTEGER, 0, CTX),
    H(get_current_task, INTEGER, GPL, NONE),
    H(probe_write_user, INTEGER, GPL, ANY, MEM, SIZE),
    H(current_task_under_cgroup, INTEGER, 0, MAP, ANY),
    H(skb_change_tail, INTEGER, CHG, CTX, ANY, ANY),
    H(skb_pull_data, INTEGER, CHG, CTX, ANY),
    H(csum_update, INTEGER, 0, CTX, ANY),
    H(set_hash_invalid, INTEGER, 0, CTX),
    H(get_numa_node_id, INTEGER, 0, NONE),
    H(skb_change_head, INTEGER, CHG, CTX, ANY, ANY),
    H(xdp_adjust_head, INTEGER, CHG, CTX, ANY),
    H(probe_read_str, INTEGER, GPL, OUT, SIZE0, ANY),
    /* approx: sk_reuseport and tracing programs pass a socket pointer instead of the context */
    H(get_socket_cookie, INTEGER, 0, CTX),
    H(get_socket_uid, INTEGER, 0, CTX),
    H(set_hash, INTEGER, 0, CTX, ANY),
    /* approx: the sock_ops/sock_addr variant; sockopt, tracing, lsm and struct_ops programs pass
     * a socket pointer instead of the context */
    H(setsockopt, INTEGER, 0, CTX, ANY, ANY, MEM, SIZE),
    H(skb_adjust_room, INTEGER, CHG, CTX, ANY, ANY, ANY),
    H(redirect_map, INTEGER, 0, MAP, ANY, ANY),
    H(sk_redirect_map, INTEGER, 0, CTX, MAP, ANY, ANY),
    H(sock_map_update, INTEGER, PKT, CTX, MAP, KEY, ANY),
    H(xdp_adjust_meta, INTEGER, CHG, CTX, ANY),
    H(perf_event_read_value, INTEGER, GPL, MAP, ANY, OUT, SIZE),
    H(perf_prog_read_value, INTEGER, GPL, CTX, OUT, SIZE),
    /* approx: as bpf_setsockopt */
    H(getsockopt, INTEGER, 0, CTX, ANY, ANY, OUT, SIZE),
    H(override_return, INTEGER, GPL, CTX, ANY),
    H(sock_ops_cb_flags_set, INTEGER, 0, CTX, ANY),
    H(msg_redirect_map, INTEGER, 0, CTX, MAP, ANY, ANY),
    H(msg_apply_bytes, INTEGER, 0, CTX, ANY),
    H(msg_cork_bytes, INTEGER, 0, CTX, ANY),
    H(msg_pull_data, INTEGER, CHG, CTX, ANY, ANY, ANY),
    H(bind, INTEGER, 0, CTX, MEM, SIZE),
    H(xdp_adjust_tail, INTEGER, CHG, CTX, ANY),
    H(skb_get_xfrm_state, INTEGER, 0, CTX, ANY, OUT, SIZE, ANY),
    H(get_stack, INTEGER, GPL, CTX, OUT, SIZE0, ANY),
    H(skb_load_bytes_relative, INTEGER, 0, CTX, ANY, OUT, SIZE, ANY),
    /* the parameters are read and the results written back (ARG_PTR_TO_MEM, writable) */
    H(fib_lookup, INTEGER, GPL, CTX, MEM, SIZE, ANY),
    H(sock_hash_update, INTEGER, PKT, CTX, MAP, KEY, ANY),
    H(msg_redirect_hash, INTEGER, 0, CTX, MAP, KEY, ANY),
    H(sk_redirect_hash, INTEGER, 0, CTX, MAP, KEY, ANY),
    H(lwt_push_encap, INTEGER, CHG, CTX, ANY, MEM, SIZE),
    H(lwt_seg6_store_bytes, INTEGER, CHG, CTX, ANY, MEM, SIZE),
    H(lwt_seg6_adjust_srh, INTEGER, CHG, CTX, ANY, ANY),
    H(lwt_seg6_action, INTEGER, CHG, CTX, ANY, MEM, SIZE),
    H(rc_repeat, INTEGER, GPL, CTX),
    H(rc_keydown, INTEGER, GPL, CTX, ANY, ANY, ANY),
    H(skb_cgroup_id, INTEGER, 0, CTX),
    H(get_current_cgroup_id, INTEGER, 0, NONE),
    /* approx: Linux returns a map value that is never NULL (RET_PTR_TO_MAP_VALUE); a NULL check
     * is required here */
    H(get_local_storage, MAP_VALUE_OR_NULL, 0, MAP, ANY),
    H(sk_select_reuseport, INTEGER, 0, CTX, MAP, KEY, ANY),
    H(skb_ancestor_cgroup_id, INTEGER, 0, CTX, ANY),
    H(sk_lookup_tcp, SOCKET_OR_NULL, PKT | ACQ, CTX, MEM, SIZE, ANY, ANY),
    H(sk_lookup_udp, SOCKET_OR_NULL, PKT | ACQ, CTX, MEM, SIZE, ANY, ANY),
    H(sk_release, INTEGER, REL, SKC),
    H(map_push_elem, INTEGER, PKT, MAP, VALUE, ANY),
    H(map_pop_elem, INTEGER, 0, MAP, VALUE_OUT),
    H(map_peek_elem, INTEGER, 0, MAP, VALUE_OUT),
    H(msg_push_data, INTEGER, CHG, CTX, ANY, ANY, ANY),
    H(msg_pop_data, INTEGER, CHG, CTX, ANY, ANY, ANY),
    H(rc_pointer_rel, INTEGER, GPL, CTX, ANY, ANY),
    H(spin_lock, VOID, 0, LOCK),
    H(spin_unlock, VOID, 0, LOCK),
    H(sk_fullsock, SOCKET_OR_NULL, 0, SKC),
    H(tcp_sock, TCP_SOCK_OR_NULL, 0, SKC),
    H(skb_ecn_set_ce, INTEGER, 0, CTX),
    H(get_listener_sock, SOCKET_OR_NULL, 0, SKC),
    H(skc_lookup_tcp, SOCK_COMMON_OR_NULL, PKT | ACQ, CTX, MEM, SIZE, ANY, ANY),
    H(tcp_check_syncookie, INTEGER, GPL | PKT, SKC, MEM, SIZE, MEM, SIZE),
    /* the name buffer is written (ARG_PTR_TO_MEM, writable) */
    H(sysctl_get_name, INTEGER, 0, CTX, MEM, SIZE, ANY),
    H(sysctl_get_current_value, INTEGER, 0, CTX, OUT, SIZE),
    H(sysctl_get_new_value, INTEGER, 0, CTX, OUT, SIZE),
    H(sysctl_set_new_value, INTEGER, 0, CTX, MEM, SIZE),
    H(strtol, INTEGER, 0, MEM, SIZE, ANY, LONG),
    H(strtoul, INTEGER, 0, MEM, SIZE, ANY, LONG),
    /* approx: Linux accepts NULL for the initial value (ARG_PTR_TO_MAP_VALUE_OR_NULL); and
     * cgroup/sock programs pass the context as the socket */
    H(sk_storage_get, MAP_VALUE_OR_NULL, 0, MAP, SKC, VALUE, ANY),
    /* approx: cgroup/sock programs pass the context as the socket */
    H(sk_storage_delete, INTEGER, 0, MAP, SKC),
    H(send_signal, INTEGER, 0, ANY),
    H(tcp_gen_syncookie, INTEGER, GPL | PKT, SKC, MEM, SIZE, MEM, SIZE),
    H(skb_output, INTEGER, GPL, BTF, MAP, ANY, MEM, SIZE0),
    H(probe_read_user, INTEGER, GPL, OUT, SIZE0, ANY),
    H(probe_read_kernel, INTEGER, GPL, OUT, SIZE0, ANY),
    H(probe_read_user_str, INTEGER, GPL, OUT, SIZE0, ANY),
    H(probe_read_kernel_str, INTEGER, GPL, OUT, SIZE0, ANY),
    H(tcp_send_ack, INTEGER, 0, BTF, ANY),
    H(send_signal_thread, INTEGER, 0, ANY),
    H(jiffies64, INTEGER, 0, NONE),
    /* the buffer is written (ARG_PTR_TO_MEM_OR_NULL, writable) */
    H(read_branch_records, INTEGER, GPL, CTX, MEM_NULL, SIZE0, ANY),
    H(get_ns_current_pid_tgid, INTEGER, 0, ANY, ANY, OUT, SIZE),
    H(xdp_output, INTEGER, GPL, BTF, MAP, ANY, MEM, SIZE0),
    H(get_netns_cookie, INTEGER, 0, CTX_NULL),
    H(get_current_ancestor_cgroup_id, INTEGER, 0, ANY),
    /* approx: tc takes any socket, sk_lookup a full socket or NULL: a full socket fits both */
    H(sk_assign, INTEGER, 0, CTX, SK, ANY),
    H(ktime_get_boot_ns, INTEGER, 0, NONE),
    H(seq_printf, INTEGER, GPL, BTF, MEM, SIZE, MEM_NULL, SIZE0),
    H(seq_write, INTEGER, GPL, BTF, MEM, SIZE0),
    H(sk_cgroup_id, INTEGER, 0, SKC),
    H(sk_ancestor_cgroup_id, INTEGER, 0, SKC, ANY),
    H(ringbuf_output, INTEGER, 0, MAP, MEM, SIZE0, ANY),
    H(ringbuf_reserve, ALLOC_MEM_OR_NULL, ACQ, MAP, ALLOC_SIZE, ANY),
    H(ringbuf_submit, VOID, REL, ALLOC, ANY),
    H(ringbuf_discard, VOID, REL, ALLOC, ANY),
    H(ringbuf_query, INTEGER, 0, MAP, ANY),
    H(csum_level, INTEGER, 0, CTX, ANY),
    H(skc_to_tcp6_sock, BTF_ID_OR_NULL, 0, SKC),
    H(skc_to_tcp_sock, BTF_ID_OR_NULL, 0, SKC),
    H(skc_to_tcp_timewait_sock, BTF_ID_OR_NULL, 0, SKC),
    H(skc_to_tcp_request_sock, BTF_ID_OR_NULL, 0, SKC),
    H(skc_to_udp6_sock, BTF_ID_OR_NULL, 0, SKC),
    H(get_task_stack, INTEGER, 0, BTF, OUT, SIZE0, ANY),
    /* the search buffer is read and the option written back (ARG_PTR_TO_MEM, writable) */
    H(load_hdr_opt, INTEGER, 0, CTX, MEM, SIZE, ANY),
    H(store_hdr_opt, INTEGER, CHG, CTX, MEM, SIZE, ANY),
    H(reserve_hdr_opt, INTEGER, 0, CTX, ANY, ANY),
    /* approx: Linux accepts NULL for the inode and for the initial value */
    H(inode_storage_get, MAP_VALUE_OR_NULL, 0, MAP, BTF, VALUE, ANY),
    /* approx: Linux accepts NULL for the inode (and for the task/cgroup below) */
    H(inode_storage_delete, INTEGER, 0, MAP, BTF),
    /* the buffer is written (ARG_PTR_TO_MEM, writable) */
    H(d_path, INTEGER, 0, BTF, MEM, SIZE0),
    H(copy_from_user, INTEGER, 0, OUT, SIZE0, ANY),
    /* the output string is written (ARG_PTR_TO_MEM, writable) */
    H(snprintf_btf, INTEGER, 0, MEM, SIZE, MEM, SIZE, ANY),
    H(seq_printf_btf, INTEGER, GPL, BTF, MEM, SIZE0, ANY),
    H(skb_cgroup_classid, INTEGER, 0, CTX),
    H(redirect_neigh, INTEGER, 0, ANY, MEM_NULL, SIZE0, ANY),
    /* RET_PTR_TO_MEM_OR_BTF_ID: the size comes from the ksym's BTF type */
    H(per_cpu_ptr, MEM_OR_NULL, 0, PERCPU, ANY),
    /* approx: never NULL in Linux */
    H(this_cpu_ptr, MEM_OR_NULL, 0, PERCPU),
    H(redirect_peer, INTEGER, 0, ANY, ANY),
    /* approx: Linux accepts NULL for the task and for the initial value */
    H(task_storage_get, MAP_VALUE_OR_NULL, 0, MAP, BTF, VALUE, ANY),
    H(task_storage_delete, INTEGER, 0, MAP, BTF),
    H(get_current_task_btf, BTF_ID, GPL, NONE),
    H(bprm_opts_set, INTEGER, 0, BTF, ANY),
    H(ktime_get_coarse_ns, INTEGER, 0, NONE),
    H(ima_inode_hash, INTEGER, 0, BTF, OUT, SIZE),
    H(sock_from_file, BTF_ID_OR_NULL, 0, BTF),
    H(check_mtu, INTEGER, GPL, CTX, ANY, INT, ANY, ANY),
    H(for_each_map_elem, INTEGER, CB, MAP, FUNC, STACK_NULL, ANY),
    /* the output string is written (ARG_PTR_TO_MEM_OR_NULL, writable) */
    H(snprintf, INTEGER, GPL, MEM_NULL, SIZE0, CSTR, MEM_NULL, SIZE0),
    H(sys_bpf, INTEGER, 0, ANY, MEM, SIZE),
    H(btf_find_by_name_kind, INTEGER, 0, MEM, SIZE, ANY, ANY),
    H(sys_close, INTEGER, 0, ANY),
    H(timer_init, INTEGER, GPL, TIMER, MAP, ANY),
    /* the callback runs later, from the timer, with (map, key, value) */
    H(timer_set_callback, INTEGER, GPL | CB, TIMER, FUNC),
    H(timer_start, INTEGER, GPL, TIMER, ANY, ANY),
    H(timer_cancel, INTEGER, GPL, TIMER),
    H(get_func_ip, INTEGER, GPL, CTX),
    H(get_attach_cookie, INTEGER, 0, CTX),
    H(task_pt_regs, BTF_ID, GPL, BTF),
    /* r3 (flags) is ARG_DONTCARE in Linux */
    H(get_branch_snapshot, INTEGER, GPL, OUT, SIZE0),
    H(trace_vprintk, INTEGER, GPL, MEM, SIZE, MEM_NULL, SIZE0),
    H(skc_to_unix_sock, BTF_ID_OR_NULL, 0, SKC),
    H(kallsyms_lookup_name, INTEGER, 0, MEM, SIZE0, ANY, LONG),
    /* the callback gets (task, vma, ctx) */
    H(find_vma, INTEGER, CB, BTF, ANY, FUNC, STACK_NULL, ANY),
    H(loop, INTEGER, CB, ANY, FUNC, STACK_NULL, ANY),
    H(strncmp, INTEGER, 0, MEM, SIZE, CSTR),
    H(get_func_arg, INTEGER, 0, CTX, ANY, LONG),
    H(get_func_ret, INTEGER, 0, CTX, LONG),
    H(get_func_arg_cnt, INTEGER, 0, CTX),
    H(get_retval, INTEGER, 0, NONE),
    H(set_retval, INTEGER, 0, ANY),
    H(xdp_get_buff_len, INTEGER, 0, CTX),
    H(xdp_load_bytes, INTEGER, 0, CTX, ANY, OUT, SIZE),
    /* Linux 5.18-6.0 declared the source ARG_PTR_TO_UNINIT_MEM; it is read: readable memory */
    H(xdp_store_bytes, INTEGER, 0, CTX, ANY, MEM, SIZE),
    H(copy_from_user_task, INTEGER, GPL, OUT, SIZE0, ANY, BTF, ANY),
    H(skb_set_tstamp, INTEGER, 0, CTX, ANY, ANY),
    H(ima_file_hash, INTEGER, 0, BTF, OUT, SIZE),
    /* approx: r1 must be a kptr field of a map value (ARG_KPTR_XCHG_DEST) and r2 a referenced
     * object or NULL; helpers.h has no kinds for them. The verifier must not accept this helper
     * unless it models kptr fields. */
    H(kptr_xchg, BTF_ID_OR_NULL, ACQ | REL, BTF, BTF),
    H(map_lookup_percpu_elem, MAP_VALUE_OR_NULL, PKT, MAP, KEY, ANY),
    H(skc_to_mptcp_sock, BTF_ID_OR_NULL, 0, SKC),
    /* the dynptr rows: the reference a ring-buffer dynptr holds lives in the dynptr, not in
     * r0, so ringbuf_reserve_dynptr/submit_dynptr/discard_dynptr carry no ACQUIRE/RELEASE */
    H(dynptr_from_mem, INTEGER, 0, OUT, SIZE0, ANY, DYNPTR),
    H(ringbuf_reserve_dynptr, INTEGER, 0, MAP, ANY, ANY, DYNPTR),
    H(ringbuf_submit_dynptr, VOID, 0, DYNPTR, ANY),
    H(ringbuf_discard_dynptr, VOID, 0, DYNPTR, ANY),
    H(dynptr_read, INTEGER, 0, OUT, SIZE0, DYNPTR, ANY, ANY),
    H(dynptr_write, INTEGER, 0, DYNPTR, ANY, MEM, SIZE0, ANY),
    /* RET_PTR_TO_DYNPTR_MEM_OR_NULL of r3 bytes (ARG_CONST_ALLOC_SIZE_OR_ZERO) */
    H(dynptr_data, MEM_OR_NULL, 0, DYNPTR, ANY, ALLOC_SIZE),
    /* approx: r1 (and r2 of the check helpers) is a fixed-size header (ARG_PTR_TO_FIXED_SIZE_MEM
     * of sizeof(struct iphdr/ipv6hdr/tcphdr)), which helpers.h cannot express; requiring a
     * kernel object (at least that large) rejects every stack or packet pointer */
    H(tcp_raw_gen_syncookie_ipv4, INTEGER, GPL | PKT, BTF, MEM, SIZE),
    H(tcp_raw_gen_syncookie_ipv6, INTEGER, GPL | PKT, BTF, MEM, SIZE),
    H(tcp_raw_check_syncookie_ipv4, INTEGER, GPL | PKT, BTF, BTF),
    H(tcp_raw_check_syncookie_ipv6, INTEGER, GPL | PKT, BTF, BTF),
    H(ktime_get_tai_ns, INTEGER, 0, NONE),
    /* the callback gets (dynptr, ctx) */
    H(user_ringbuf_drain, INTEGER, CB, MAP, FUNC, STACK_NULL, ANY),
    /* approx: Linux accepts NULL for the cgroup and for the initial value */
    ROW(BPFRT_FUNC_cgrp_storage_get, "bpf_cgrp_storage_get", MAP_VALUE_OR_NULL, 0, MAP, BTF, VALUE,
        ANY),
    ROW(BPFRT_FUNC_cgrp_storage_delete, "bpf_cgrp_storage_delete", INTEGER, 0, MAP, BTF),
};

_Static_assert(__BPF_FUNC_MAX_ID <= HELPER_LIMIT, "linux/bpf.h knows helpers this table lacks");

const struct bpfrt_helper_proto *bpfrt_helper_proto(uint32_t id)
{
    if (id >= HELPER_LIMIT || !protos[id].name)
        return NULL;
    return &protos[id];
}

/* --- which program types may call which helpers --- */

struct group {
    const uint16_t *ids;
    size_t n;
};
#define GROUP(g, ...)                                                                              \
    static const uint16_t g##_ids[] = {__VA_ARGS__};                                               \
    static const struct group g = {g##_ids, sizeof(g##_ids) / sizeof(g##_ids[0])}
#define F(fn) BPF_FUNC_##fn

/* bpf_base_func_proto (kernel/bpf/helpers.c): every program type ends here. */
GROUP(g_base,
      /* no capability needed */
      F(map_lookup_elem), F(map_update_elem), F(map_delete_elem), F(map_push_elem), F(map_pop_elem),
      F(map_peek_elem), F(map_lookup_percpu_elem), F(get_prandom_u32), F(get_smp_processor_id),
      F(get_numa_node_id), F(tail_call), F(ktime_get_ns), F(ktime_get_boot_ns), F(ktime_get_tai_ns),
      F(ringbuf_output), F(ringbuf_reserve), F(ringbuf_submit), F(ringbuf_discard),
      F(ringbuf_query), F(strncmp), F(strtol), F(strtoul), F(get_current_pid_tgid),
      F(get_ns_current_pid_tgid), F(get_current_uid_gid),
      /* CAP_BPF */
      F(spin_lock), F(spin_unlock), F(jiffies64), F(per_cpu_ptr), F(this_cpu_ptr), F(timer_init),
      F(timer_set_callback), F(timer_start), F(timer_cancel), F(kptr_xchg), F(for_each_map_elem),
      F(loop), F(user_ringbuf_drain), F(ringbuf_reserve_dynptr), F(ringbuf_submit_dynptr),
      F(ringbuf_discard_dynptr), F(dynptr_from_mem), F(dynptr_read), F(dynptr_write),
      F(dynptr_data), BPFRT_FUNC_cgrp_storage_get, BPFRT_FUNC_cgrp_storage_delete,
      F(get_current_cgroup_id), F(get_current_ancestor_cgroup_id), F(current_task_under_cgroup),
      F(task_storage_get), F(task_storage_delete),
      /* CAP_PERFMON */
      F(trace_printk), F(get_current_task), F(get_current_task_btf), F(get_current_comm),
      F(probe_read_user), F(probe_read_kernel), F(probe_read_user_str), F(probe_read_kernel_str),
      F(snprintf_btf), F(snprintf), F(task_pt_regs), F(trace_vprintk), F(perf_event_read_value),
      F(perf_event_read), F(send_signal), F(send_signal_thread), F(get_task_stack),
      F(get_branch_snapshot), F(find_vma));

/* bpf_copy_from_user{,_task} are in the base set too, but only sleepable programs may call them
 * (might_sleep): kept for the types that can be sleepable (uprobe.s, fentry.s, lsm.s, iter.s,
 * syscall, struct_ops). */
GROUP(g_sleepable, F(copy_from_user), F(copy_from_user_task));

/* bpf_sk_base_func_proto (net/core/filter.c) */
GROUP(g_sk_base, F(skc_to_tcp6_sock), F(skc_to_tcp_sock), F(skc_to_tcp_timewait_sock),
      F(skc_to_tcp_request_sock), F(skc_to_udp6_sock), F(skc_to_unix_sock), F(skc_to_mptcp_sock),
      F(ktime_get_coarse_ns));

/* sk_filter_func_proto */
GROUP(g_sk_filter, F(skb_load_bytes), F(skb_load_bytes_relative), F(get_socket_cookie),
      F(get_socket_uid), F(perf_event_output));

/* cg_skb_func_proto (and cgroup_common_func_proto's bpf_get_local_storage: get/set_retval are
 * not available to the inet ingress/egress hooks) */
GROUP(g_cg_skb, F(get_local_storage), F(sk_fullsock), F(sk_storage_get), F(sk_storage_delete),
      F(perf_event_output), F(skb_cgroup_id), F(skb_ancestor_cgroup_id), F(sk_cgroup_id),
      F(sk_ancestor_cgroup_id), F(sk_lookup_tcp), F(sk_lookup_udp), F(sk_release),
      F(skc_lookup_tcp), F(tcp_sock), F(get_listener_sock), F(skb_ecn_set_ce));

/* tc_cls_act_func_proto */
GROUP(g_tc, F(skb_store_bytes), F(skb_load_bytes), F(skb_load_bytes_relative), F(skb_pull_data),
      F(csum_diff), F(csum_update), F(csum_level), F(l3_csum_replace), F(l4_csum_replace),
      F(clone_redirect), F(get_cgroup_classid), F(skb_vlan_push), F(skb_vlan_pop),
      F(skb_change_proto), F(skb_change_type), F(skb_adjust_room), F(skb_change_tail),
      F(skb_change_head), F(skb_get_tunnel_key), F(skb_set_tunnel_key), F(skb_get_tunnel_opt),
      F(skb_set_tunnel_opt), F(redirect), F(redirect_neigh), F(redirect_peer), F(get_route_realm),
      F(get_hash_recalc), F(set_hash_invalid), F(set_hash), F(perf_event_output),
      F(get_smp_processor_id), F(skb_under_cgroup), F(get_socket_cookie), F(get_socket_uid),
      F(fib_lookup), F(check_mtu), F(sk_fullsock), F(sk_storage_get), F(sk_storage_delete),
      F(skb_get_xfrm_state), F(skb_cgroup_classid), F(skb_cgroup_id), F(skb_ancestor_cgroup_id),
      F(sk_lookup_tcp), F(sk_lookup_udp), F(sk_release), F(tcp_sock), F(get_listener_sock),
      F(skc_lookup_tcp), F(tcp_check_syncookie), F(skb_ecn_set_ce), F(tcp_gen_syncookie),
      F(sk_assign), F(skb_set_tstamp), F(tcp_raw_gen_syncookie_ipv4), F(tcp_raw_gen_syncookie_ipv6),
      F(tcp_raw_check_syncookie_ipv4), F(tcp_raw_check_syncookie_ipv6));

/* xdp_func_proto */
GROUP(g_xdp, F(perf_event_output), F(get_smp_processor_id), F(csum_diff), F(xdp_adjust_head),
      F(xdp_adjust_meta), F(redirect), F(redirect_map), F(xdp_adjust_tail), F(xdp_get_buff_len),
      F(xdp_load_bytes), F(xdp_store_bytes), F(fib_lookup), F(check_mtu), F(sk_lookup_udp),
      F(sk_lookup_tcp), F(sk_release), F(skc_lookup_tcp), F(tcp_check_syncookie),
      F(tcp_gen_syncookie), F(tcp_raw_gen_syncookie_ipv4), F(tcp_raw_gen_syncookie_ipv6),
      F(tcp_raw_check_syncookie_ipv4), F(tcp_raw_check_syncookie_ipv6));

/* sock_ops_func_proto (with cgroup_common_func_proto's bpf_get_local_storage; get/set_retval
 * are not available to BPF_CGROUP_SOCK_OPS) */
GROUP(g_sock_ops, F(get_local_storage), F(setsockopt), F(getsockopt), F(sock_ops_cb_flags_set),
      F(sock_map_update), F(sock_hash_update), F(get_socket_cookie), F(perf_event_output),
      F(sk_storage_get), F(sk_storage_delete), F(get_netns_cookie), F(load_hdr_opt),
      F(store_hdr_opt), F(reserve_hdr_opt), F(tcp_sock));

/* sk_msg_func_proto */
GROUP(g_sk_msg, F(msg_redirect_map), F(msg_redirect_hash), F(msg_apply_bytes), F(msg_cork_bytes),
      F(msg_pull_data), F(msg_push_data), F(msg_pop_data), F(perf_event_output),
      F(get_current_uid_gid), F(get_current_pid_tgid), F(sk_storage_get), F(sk_storage_delete),
      F(get_netns_cookie), F(get_current_cgroup_id), F(get_current_ancestor_cgroup_id),
      F(get_cgroup_classid));

/* sk_skb_func_proto */
GROUP(g_sk_skb, F(skb_store_bytes), F(skb_load_bytes), F(skb_pull_data), F(skb_change_tail),
      F(skb_change_head), F(skb_adjust_room), F(get_socket_cookie), F(get_socket_uid),
      F(sk_redirect_map), F(sk_redirect_hash), F(perf_event_output), F(sk_lookup_tcp),
      F(sk_lookup_udp), F(sk_release), F(skc_lookup_tcp));

/* flow_dissector_func_proto */
GROUP(g_flow_dissector, F(skb_load_bytes));

/* lwt_out_func_proto; lwt_in adds bpf_lwt_push_encap, lwt_xmit and lwt_seg6local more */
GROUP(g_lwt_out, F(skb_load_bytes), F(skb_pull_data), F(csum_diff), F(get_cgroup_classid),
      F(get_route_realm), F(get_hash_recalc), F(perf_event_output), F(get_smp_processor_id),
      F(skb_under_cgroup));
GROUP(g_lwt_in, F(lwt_push_encap));
GROUP(g_lwt_xmit, F(skb_get_tunnel_key), F(skb_set_tunnel_key), F(skb_get_tunnel_opt),
      F(skb_set_tunnel_opt), F(redirect), F(clone_redirect), F(skb_change_tail), F(skb_change_head),
      F(skb_store_bytes), F(csum_update), F(csum_level), F(l3_csum_replace), F(l4_csum_replace),
      F(set_hash_invalid), F(lwt_push_encap));
GROUP(g_lwt_seg6local, F(lwt_seg6_store_bytes), F(lwt_seg6_action), F(lwt_seg6_adjust_srh));

/* sk_reuseport_func_proto */
GROUP(g_sk_reuseport, F(sk_select_reuseport), F(skb_load_bytes), F(skb_load_bytes_relative),
      F(get_socket_cookie), F(ktime_get_coarse_ns));

/* sk_lookup_func_proto */
GROUP(g_sk_lookup, F(perf_event_output), F(sk_assign), F(sk_release));

/* cgroup_common_func_proto and cgroup_current_func_proto (kernel/bpf/cgroup.c), for the
 * cgroup hooks that run in process context. bpf_get_retval/bpf_set_retval are refused by
 * Linux for the recvmsg/getpeername/getsockname attach points of cgroup/sock_addr programs;
 * type-level, they are allowed. */
GROUP(g_cgroup, F(get_local_storage), F(get_retval), F(set_retval), F(get_cgroup_classid));

/* sock_filter_func_proto (cgroup/sock) */
GROUP(g_cg_sock, F(get_socket_cookie), F(get_netns_cookie), F(perf_event_output), F(sk_storage_get),
      F(ktime_get_coarse_ns));

/* sock_addr_func_proto. bpf_bind is available to the connect4/connect6 attach points only, and
 * bpf_{set,get}sockopt not to the unix ones; type-level, they are allowed. */
GROUP(g_sock_addr, F(bind), F(get_socket_cookie), F(get_netns_cookie), F(perf_event_output),
      F(sk_lookup_tcp), F(sk_lookup_udp), F(sk_release), F(skc_lookup_tcp), F(sk_storage_get),
      F(sk_storage_delete), F(setsockopt), F(getsockopt));

/* cgroup_dev_func_proto */
GROUP(g_cg_dev, F(perf_event_output));

/* sysctl_func_proto */
GROUP(g_sysctl, F(sysctl_get_name), F(sysctl_get_current_value), F(sysctl_get_new_value),
      F(sysctl_set_new_value), F(ktime_get_coarse_ns), F(perf_event_output));

/* cg_sockopt_func_proto (bpf_{set,get}sockopt only for BPF_CGROUP_SETSOCKOPT) */
GROUP(g_cg_sockopt, F(sk_storage_get), F(sk_storage_delete), F(setsockopt), F(getsockopt),
      F(tcp_sock), F(perf_event_output), F(get_netns_cookie));

/* bpf_tracing_func_proto (kernel/trace/bpf_trace.c): what every tracing type adds to the base
 * set (the rest of its list moved to bpf_base_func_proto in Linux 6.16) */
GROUP(g_tracing, F(probe_write_user), F(probe_read), F(probe_read_str), F(get_func_ip));

/* kprobe_prog_func_proto (bpf_override_return needs CONFIG_BPF_KPROBE_OVERRIDE) */
GROUP(g_kprobe, F(perf_event_output), F(get_stackid), F(get_stack), F(override_return),
      F(get_func_ip), F(get_attach_cookie));

/* tp_prog_func_proto */
GROUP(g_tracepoint, F(perf_event_output), F(get_stackid), F(get_stack), F(get_attach_cookie));

/* pe_prog_func_proto */
GROUP(g_perf_event, F(perf_event_output), F(get_stackid), F(get_stack), F(perf_prog_read_value),
      F(read_branch_records), F(get_attach_cookie));

/* raw_tp_prog_func_proto (BPF cookies for raw tracepoints since Linux 6.10) */
GROUP(g_raw_tp, F(perf_event_output), F(get_stackid), F(get_stack), F(get_attach_cookie));

/* tracing_prog_func_proto (fentry/fexit/fmod_ret/tp_btf/iter). The seq_* helpers are for
 * iterators only, bpf_d_path for an allow-list of attach points, get_func_arg* for programs
 * with a trampoline; bpf_{set,get}sockopt come from the tcp/udp iterators. Type-level, all are
 * allowed. */
GROUP(g_tracing_prog, F(skb_output), F(xdp_output), F(skc_to_tcp6_sock), F(skc_to_tcp_sock),
      F(skc_to_tcp_timewait_sock), F(skc_to_tcp_request_sock), F(skc_to_udp6_sock),
      F(skc_to_unix_sock), F(skc_to_mptcp_sock), F(sk_storage_get), F(sk_storage_delete),
      F(sock_from_file), F(get_socket_cookie), F(xdp_get_buff_len), F(seq_printf), F(seq_write),
      F(seq_printf_btf), F(d_path), F(get_func_arg), F(get_func_ret), F(get_func_arg_cnt),
      F(get_attach_cookie), F(setsockopt), F(getsockopt));

/* bpf_lsm_func_proto (kernel/bpf/bpf_lsm.c). bpf_ima_*_hash are for sleepable programs; the
 * cgroup helpers and bpf_{set,get}sockopt for BPF_LSM_CGROUP. */
GROUP(g_lsm, F(inode_storage_get), F(inode_storage_delete), F(sk_storage_get), F(sk_storage_delete),
      F(spin_lock), F(spin_unlock), F(bprm_opts_set), F(ima_inode_hash), F(ima_file_hash),
      F(get_attach_cookie), F(get_local_storage), F(get_retval), F(set_retval), F(setsockopt),
      F(getsockopt));

/* syscall_prog_func_proto (kernel/bpf/syscall.c) */
GROUP(g_syscall, F(sys_bpf), F(btf_find_by_name_kind), F(sys_close), F(kallsyms_lookup_name));

/* bpf_tcp_ca_get_func_proto (net/ipv4/bpf_tcp_ca.c), the struct_ops with helpers of its own */
GROUP(g_struct_ops, F(tcp_send_ack), F(sk_storage_get), F(sk_storage_delete), F(setsockopt),
      F(getsockopt), F(ktime_get_coarse_ns));

/* lirc_mode2_func_proto (drivers/media/rc/bpf-lirc.c) */
GROUP(g_lirc, F(rc_repeat), F(rc_keydown), F(rc_pointer_rel));

/* The groups of each program type, as its *_func_proto function chains them. */
#define TYPE(t, ...)                                                                               \
    [t] = (const struct group *const[])                                                            \
    {                                                                                              \
        __VA_ARGS__, NULL                                                                          \
    }
#define TRACING_BASE &g_tracing, &g_base
static const struct group *const *const type_groups[PROG_TYPE_LIMIT] = {
    TYPE(BPF_PROG_TYPE_SOCKET_FILTER, &g_sk_filter, &g_sk_base, &g_base),
    /* uprobe.s programs are sleepable */
    TYPE(BPF_PROG_TYPE_KPROBE, &g_kprobe, TRACING_BASE, &g_sleepable),
    TYPE(BPF_PROG_TYPE_SCHED_CLS, &g_tc, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_SCHED_ACT, &g_tc, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_TRACEPOINT, &g_tracepoint, TRACING_BASE),
    TYPE(BPF_PROG_TYPE_XDP, &g_xdp, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_PERF_EVENT, &g_perf_event, TRACING_BASE),
    TYPE(BPF_PROG_TYPE_CGROUP_SKB, &g_cg_skb, &g_sk_filter, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_CGROUP_SOCK, &g_cgroup, &g_cg_sock, &g_base),
    TYPE(BPF_PROG_TYPE_LWT_IN, &g_lwt_in, &g_lwt_out, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_LWT_OUT, &g_lwt_out, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_LWT_XMIT, &g_lwt_xmit, &g_lwt_out, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_SOCK_OPS, &g_sock_ops, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_SK_SKB, &g_sk_skb, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_CGROUP_DEVICE, &g_cgroup, &g_cg_dev, &g_base),
    TYPE(BPF_PROG_TYPE_SK_MSG, &g_sk_msg, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_RAW_TRACEPOINT, &g_raw_tp, TRACING_BASE),
    TYPE(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, &g_cgroup, &g_sock_addr, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_LWT_SEG6LOCAL, &g_lwt_seg6local, &g_lwt_out, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_LIRC_MODE2, &g_lirc, &g_base),
    TYPE(BPF_PROG_TYPE_SK_REUSEPORT, &g_sk_reuseport, &g_base),
    TYPE(BPF_PROG_TYPE_FLOW_DISSECTOR, &g_flow_dissector, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_CGROUP_SYSCTL, &g_cgroup, &g_sysctl, &g_base),
    TYPE(BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, &g_raw_tp, TRACING_BASE),
    TYPE(BPF_PROG_TYPE_CGROUP_SOCKOPT, &g_cgroup, &g_cg_sockopt, &g_base),
    TYPE(BPF_PROG_TYPE_TRACING, &g_tracing_prog, &g_raw_tp, TRACING_BASE, &g_sleepable),
    TYPE(BPF_PROG_TYPE_STRUCT_OPS, &g_struct_ops, &g_base, &g_sleepable),
    /* freplace programs get the helpers of the program they extend, which bpfrt does not know
     * here: the base set, which every type has */
    TYPE(BPF_PROG_TYPE_EXT, &g_base),
    TYPE(BPF_PROG_TYPE_LSM, &g_lsm, &g_tracing_prog, &g_raw_tp, TRACING_BASE, &g_sleepable),
    TYPE(BPF_PROG_TYPE_SK_LOOKUP, &g_sk_lookup, &g_sk_base, &g_base),
    TYPE(BPF_PROG_TYPE_SYSCALL, &g_syscall, &g_tracing_prog, &g_raw_tp, TRACING_BASE, &g_sleepable),
    TYPE(BPFRT_PROG_TYPE_NETFILTER, &g_base),
};

bool bpfrt_helper_allowed(uint32_t id, uint32_t prog_type)
{
    if (!bpfrt_helper_proto(id))
        return false;
    if (prog_type == BPF_PROG_TYPE_UNSPEC)
        return true;
    if (prog_type >= PROG_TYPE_LIMIT || !type_groups[prog_type])
        return false;
    for (const struct group *const *g = type_groups[prog_type]; *g; g++)
        for (size_t i = 0; i < (*g)->n; i++)
            if ((*g)->ids[i] == id)
                return true;
    return false;
}
