/* Linux helper prototypes as data: one row per helper id of linux/bpf.h (enum bpf_func_id), with
 * the argument and return contracts the verifier checks and the program types that may call it
 * (Linux's per-type func_proto tables: net/core/filter.c, kernel/trace/bpf_trace.c,
 * kernel/bpf/helpers.c, kernel/bpf/cgroup.c). */
#ifndef BPFRT_VERIFIER_HELPERS_H
#define BPFRT_VERIFIER_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

/* What an argument register must hold (Linux's enum bpf_arg_type, simplified). */
enum bpfrt_arg {
    BPFRT_ARG_NONE = 0,         /* no argument in this position or after */
    BPFRT_ARG_ANYTHING,         /* any initialised value */
    BPFRT_ARG_MAP,              /* a map (lddw src 1 / map_by_idx) */
    BPFRT_ARG_MAP_KEY,          /* readable memory of the map's key_size (map: earlier arg) */
    BPFRT_ARG_MAP_VALUE,        /* readable memory of the map's value_size */
    BPFRT_ARG_MAP_VALUE_UNINIT, /* writable memory of the map's value_size (pop/peek) */
    BPFRT_ARG_MEM,              /* readable initialised memory; size in the next argument */
    BPFRT_ARG_MEM_OR_NULL,      /* as MEM, or NULL (then the size must be 0) */
    BPFRT_ARG_UNINIT_MEM,       /* writable memory, may be uninitialised; size next */
    BPFRT_ARG_SIZE,             /* size of the previous memory argument: known range, > 0 */
    BPFRT_ARG_SIZE_OR_ZERO,     /* as SIZE, 0 allowed */
    BPFRT_ARG_CTX,              /* the program's context pointer, unmodified */
    BPFRT_ARG_CTX_OR_NULL,      /* the context or NULL */
    BPFRT_ARG_FUNC,             /* a callback: lddw src 4 (address of a subprogram) */
    BPFRT_ARG_STACK_OR_NULL,    /* a stack pointer (callback context) or NULL */
    BPFRT_ARG_SOCK_COMMON,      /* a socket pointer (any of the socket kinds), non-NULL */
    BPFRT_ARG_SOCKET,           /* a full socket (bpf_sock from sk_lookup/ctx), non-NULL */
    BPFRT_ARG_SOCKET_OR_NULL,   /* as SOCKET, or NULL */
    BPFRT_ARG_BTF_ID,           /* a kernel object pointer (task_struct, ...), non-NULL */
    BPFRT_ARG_ALLOC_MEM,        /* a ring-buffer record from reserve (the reference is released) */
    BPFRT_ARG_ALLOC_SIZE,       /* a known constant size (ring-buffer reserve) */
    BPFRT_ARG_SPIN_LOCK,        /* address of a struct bpf_spin_lock inside a map value */
    BPFRT_ARG_TIMER,            /* address of a struct bpf_timer inside a map value */
    BPFRT_ARG_LONG,             /* writable 8 bytes (aligned) */
    BPFRT_ARG_INT,              /* writable 4 bytes (aligned) */
    BPFRT_ARG_CONST_STR,        /* NUL-terminated string in a read-only map value */
    BPFRT_ARG_PERCPU_BTF_ID,    /* a per-CPU kernel variable (ksym) */
    BPFRT_ARG_DYNPTR,           /* a struct bpf_dynptr on the stack */
};

/* What r0 holds after the call (Linux's enum bpf_return_type, simplified). */
enum bpfrt_ret {
    BPFRT_RET_INTEGER = 0,         /* a scalar */
    BPFRT_RET_VOID,                /* nothing: r0 is uninitialised after the call */
    BPFRT_RET_MAP_VALUE_OR_NULL,   /* a value of the map argument, or NULL */
    BPFRT_RET_SOCKET_OR_NULL,      /* struct bpf_sock *, or NULL */
    BPFRT_RET_TCP_SOCK_OR_NULL,    /* struct bpf_tcp_sock *, or NULL */
    BPFRT_RET_SOCK_COMMON_OR_NULL, /* struct bpf_sock * (common fields), or NULL */
    BPFRT_RET_ALLOC_MEM_OR_NULL,   /* ring-buffer record of the size argument, or NULL */
    BPFRT_RET_BTF_ID_OR_NULL,      /* a kernel object pointer, or NULL */
    BPFRT_RET_BTF_ID,              /* a kernel object pointer */
    BPFRT_RET_MEM_OR_NULL,         /* readable memory of unknown size (per-CPU ptr), or NULL */
};

/* Row flags. */
#define BPFRT_HELPER_PKT_ACCESS 0x1u       /* memory arguments may point into the packet */
#define BPFRT_HELPER_CHANGES_PKT_DATA 0x2u /* invalidates every packet pointer */
#define BPFRT_HELPER_ACQUIRE 0x4u          /* r0 (when not NULL) holds a reference to release */
#define BPFRT_HELPER_RELEASE 0x8u          /* releases the reference of its pointer argument */
#define BPFRT_HELPER_GPL_ONLY 0x10u        /* only for GPL-compatible licenses */
#define BPFRT_HELPER_TAIL_CALL 0x20u       /* bpf_tail_call */
#define BPFRT_HELPER_CALLBACK 0x40u        /* calls its BPFRT_ARG_FUNC argument */

struct bpfrt_helper_proto {
    uint32_t id;       /* Linux helper id (BPF_FUNC_*) */
    const char *name;  /* "bpf_map_lookup_elem" */
    uint8_t ret;       /* enum bpfrt_ret */
    uint8_t args[5];   /* enum bpfrt_arg, r1..r5 */
    uint32_t flags;    /* BPFRT_HELPER_* */
    uint32_t ret_size; /* RET_ALLOC_MEM: 0 (the size argument), RET_MEM_OR_NULL: size if known */
};

/* The prototype of helper ID, or NULL when bpfrt does not know it. */
const struct bpfrt_helper_proto *bpfrt_helper_proto(uint32_t id);

/* Whether a program of Linux type PROG_TYPE (enum bpf_prog_type) may call helper ID; type 0
 * (unspecified) may call every helper bpfrt knows. */
bool bpfrt_helper_allowed(uint32_t id, uint32_t prog_type);

#endif
