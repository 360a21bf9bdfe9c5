/* The types bpfrt resolves CO-RE relocations against (its "kernel BTF"): the context structures
 * of the program types and the structures helpers take (linux/bpf.h), the kernel's x86-64
 * struct pt_regs (with the names vmlinux.h gives it), and the UAPI packet headers. Compiled with
 * clang -g -target bpf at build time; the .BTF section of the result is embedded in libbpfrt
 * (see src/CMakeLists.txt). A program whose CO-RE relocation names a type not declared here is
 * refused at load with a message naming the relocation, the type and the field. */
#include <linux/types.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

/* arch/x86/include/asm/ptrace.h (the UAPI struct pt_regs spells the registers differently) */
struct pt_regs {
    unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs,
        flags, sp, ss;
};

/* linux/bpf_perf_event.h, with the kernel's pt_regs */
struct bpf_perf_event_data {
    struct pt_regs regs;
    __u64 sample_period;
    __u64 addr;
};

/* One global of a structure holding each type by value makes clang emit all of them in full. */
struct bpfrt_core_types {
    /* program contexts */
    struct __sk_buff skb;
    struct xdp_md xdp;
    struct bpf_sock_addr sock_addr;
    struct bpf_sock_ops sock_ops;
    struct bpf_sock sock;
    struct sk_msg_md sk_msg;
    struct sk_reuseport_md sk_reuseport;
    struct bpf_sk_lookup sk_lookup;
    struct bpf_sockopt sockopt;
    struct bpf_sysctl sysctl;
    struct bpf_cgroup_dev_ctx cgroup_dev;
    struct bpf_flow_keys flow_keys;
    struct bpf_raw_tracepoint_args raw_tp;
    struct bpf_perf_event_data perf_event;
    struct pt_regs regs;
    /* structures helpers read or fill */
    struct bpf_tcp_sock tcp_sock;
    struct bpf_xdp_sock xdp_sock;
    struct bpf_sock_tuple sock_tuple;
    struct bpf_tunnel_key tunnel_key;
    struct bpf_xfrm_state xfrm_state;
    struct bpf_fib_lookup fib_lookup;
    struct bpf_redir_neigh redir_neigh;
    struct bpf_perf_event_value perf_event_value;
    struct bpf_pidns_info pidns_info;
    struct bpf_spin_lock spin_lock;
    struct bpf_timer timer;
    /* packet headers */
    struct ethhdr eth;
    struct iphdr ip;
    struct ipv6hdr ip6;
    struct tcphdr tcp;
    struct udphdr udp;
    struct in_addr in;
    struct in6_addr in6;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    /* enumerations */
    enum bpf_prog_type prog_type;
    enum bpf_map_type map_type;
    enum bpf_attach_type attach_type;
    enum bpf_func_id func_id;
    enum xdp_action xdp_action;
    enum sk_action sk_action;
    enum bpf_adj_room_mode adj_room_mode;
    enum bpf_hdr_start_off hdr_start_off;
    enum bpf_lwt_encap_mode lwt_encap_mode;
    enum bpf_ret_code ret_code;
} bpfrt_core_types;
