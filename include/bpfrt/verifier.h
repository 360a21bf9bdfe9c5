/* bpfrt verifier: proves a program safe to run (memory safety, termination, helper contracts)
 * before any engine runs it, or says why not: the instruction, its source line, the reason with
 * the numbers involved, the registers and the branch decisions on the path that led there. */
#ifndef BPFRT_VERIFIER_H
#define BPFRT_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa.h"
#include "bpfrt/object.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfrt_verify_opts {
    size_t sz;            /* sizeof(struct bpfrt_verify_opts) */
    bool set_type;        /* check as PROG_TYPE/ATTACH_TYPE instead of the program's own */
    uint32_t prog_type;   /* Linux enum bpf_prog_type */
    uint32_t attach_type; /* Linux enum bpf_attach_type */
    bool unprivileged;    /* also forbid pointer leaks and uninitialised stack to helpers */
    bool gpl;             /* the license is GPL-compatible (GPL-only helpers allowed) */
    /* -v: every instruction with the registers it changed, through LOG (one line per call) */
    void (*log)(void *log_ctx, const char *line);
    void *log_ctx;
    uint64_t insn_limit; /* instructions processed before giving up (0: 1,000,000) */
    /* when not NULL: receives the control-flow graph in Graphviz form, each block with the
     * registers the states reaching it agree on (malloc'd; the caller frees it) */
    char **dot;
    /* when not NULL and the program is accepted: receives a copy of the instructions rewritten
     * for bpfrt's runtime context (see below; malloc'd, the caller frees it) */
    struct bpfrt_insn **rewritten;
    size_t mem_limit; /* bytes of abstract states alive at once before giving up (0: 64 MiB) */
};

struct bpfrt_verify_stats {
    uint64_t insns_processed; /* instructions checked over all paths */
    uint64_t states_kept;     /* states stored at pruning points */
    uint64_t peak_states;
    size_t peak_memory; /* bytes of abstract states alive at the peak */
    uint64_t time_ns;
    uint32_t unreachable; /* instructions no path reaches (reported, not an error) */
    uint32_t stack_depth; /* deepest stack use over a call chain, bytes */
};

struct bpfrt_verify_result {
    bool accepted;
    int64_t pc;          /* rejected: the instruction (-1 when not one instruction) */
    char reason[400];    /* rejected: the reason in plain words, with the numbers */
    char insn_text[128]; /* its disassembly */
    char source[300];    /* "file.c:LINE: text" when the object has line info, else "" */
    char regs[400];      /* the registers involved */
    char path[300];      /* branch decisions on the path ("12 taken, 30 not taken, ...") */
    char message[1600];  /* everything above, one paragraph */
    char note[300];      /* accepted with a remark (CO-RE left unresolved, ...) */
    struct bpfrt_verify_stats stats;
};

/* Verifies program PROG of OBJ (CO-RE relocations are applied first against bpfrt's target
 * types when they resolve). Returns 0 when accepted, 1 when rejected (RES says why), or
 * -EINVAL when the program cannot be checked (RES->message says why). */
int bpfrt_verify_program(struct bpfrt_object *obj, size_t prog,
                         const struct bpfrt_verify_opts *opts, struct bpfrt_verify_result *res);

/* Verifies raw instructions whose map references (lddw src 5/6) index MAPS. Same results. */
int bpfrt_verify_insns(const struct bpfrt_insn *insns, size_t n, const struct bpfrt_map_spec *maps,
                       size_t map_cnt, const struct bpfrt_verify_opts *opts,
                       struct bpfrt_verify_result *res);

/* The runtime context of every program type is its UAPI structure (r1 points at it), followed,
 * at the next multiple of 8, by full 64-bit pointers for the packet: the UAPI's 32-bit `data`,
 * `data_end` and `data_meta` fields (xdp_md, __sk_buff) cannot hold a host pointer, so the
 * verifier rewrites their loads into 8-byte loads of these slots (as Linux rewrites context
 * accesses to its own structures). Offset of slot SLOT for a context of CTX_SIZE bytes: */
enum bpfrt_ctx_ptr_slot { BPFRT_CTX_DATA = 0, BPFRT_CTX_DATA_END = 1, BPFRT_CTX_DATA_META = 2 };
static inline uint32_t bpfrt_ctx_ptr_offset(uint32_t ctx_size, enum bpfrt_ctx_ptr_slot slot)
{
    return ((ctx_size + 7u) & ~7u) + 8u * (uint32_t)slot;
}

/* Name of a Linux program type as bpftool spells it ("xdp"), or NULL. */
const char *bpfrt_verifier_prog_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif
#endif
