/* The verifier's abstract state (registers, stack frames, references) and the environment the
 * stages share. A state describes every machine state a path can reach at one instruction. */
#ifndef BPFRT_VERIFIER_VSTATE_H
#define BPFRT_VERIFIER_VSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa.h"
#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "verifier/helpers.h"
#include "verifier/progtypes.h"
#include "verifier/scalar.h"

/* What a register holds. Pointers carry a fixed offset (off) and a variable one (the scalar s). */
enum vtype {
    V_NOT_INIT = 0,
    V_SCALAR,
    V_CTX,       /* the program's context */
    V_STACK,     /* a frame's stack: frameno; off is relative to that frame's r10 */
    V_MAP,       /* a map (lddw map_by_idx): map */
    V_MAP_VALUE, /* inside a value of map `map` (mem_size bytes) */
    V_MAP_KEY,   /* a key of map `map` (callback argument; read-only, mem_size bytes) */
    V_PKT,       /* packet data; `range` bytes from off 0 of its id group are proven present */
    V_PKT_END,   /* one past the packet end */
    V_PKT_META,  /* packet metadata start (data_meta); range as for V_PKT, bounded by data */
    V_SOCK,      /* struct bpf_sock */
    V_SOCK_COMMON,
    V_TCP_SOCK,
    V_MEM,       /* helper-returned memory (ring-buffer record, ...), mem_size bytes */
    V_BTF_ID,    /* a kernel object pointer: loads through it give scalars (probe reads) */
    V_FUNC,      /* address of subprogram `map` (a callback) */
    V_FLOW_KEYS, /* struct bpf_flow_keys */
};

struct vreg {
    uint8_t type;        /* enum vtype */
    bool maybe_null;     /* pointer that may be NULL until compared with 0 */
    uint8_t frameno;     /* V_STACK: which frame */
    bool precise;        /* V_SCALAR: its exact value matters (pruning compares it) */
    int32_t off;         /* fixed offset */
    uint32_t id;         /* copies of one pointer (null checks, packet ranges) share it */
    uint32_t ref;        /* acquired reference this pointer holds (0: none) */
    int32_t map;         /* V_MAP, V_MAP_VALUE, V_MAP_KEY: map index; V_FUNC: insn index */
    uint32_t mem_size;   /* V_MAP_VALUE, V_MAP_KEY, V_MEM: object size */
    int32_t range;       /* V_PKT, V_PKT_META: proven bytes */
    uint32_t pkt_len_id; /* V_SCALAR = data_end - (packet group pkt_len_id + pkt_len_off) */
    int32_t pkt_len_off;
    struct scalar s; /* V_SCALAR: the value; pointers: the variable offset */
};

/* Stack byte kinds (Linux's STACK_*). */
enum { SB_INVALID = 0, SB_MISC, SB_ZERO, SB_SPILL };

#define NSLOTS (BPFRT_STACK_SIZE / 8)

struct vslot {
    uint8_t bytes[8];  /* per byte, SB_*; bytes[i] is the byte at slot offset i */
    struct vreg spill; /* valid when every byte is SB_SPILL (8-byte spill of a register) */
};

struct vframe {
    struct vreg regs[11];
    int32_t callsite; /* instruction of the call that made this frame (-1: main) */
    int32_t subprog;  /* first instruction of this frame's function */
    int32_t depth;    /* deepest stack byte touched (bytes, positive) */
    uint64_t written; /* slots fully written since the last kept state on this path */
    int32_t nslots;   /* slots allocated (from the top: slot 0 = bytes -8..-1) */
    struct vslot *slots;
    /* callbacks: this frame is a callback invoked by a helper; its return range */
    bool callback;
    int64_t cb_ret_min, cb_ret_max;
    struct vreg cb_args[6]; /* the callback's arguments r1-r5, to call it again */
};

#define MAX_FRAMES BPFRT_MAX_CALL_DEPTH

/* One instruction a path executed, for precision backtracking: its stack slot when it loaded or
 * stored one at a fixed offset (slot -1: none, -2: several or a variable offset). */
struct hentry {
    int32_t pc;
    int16_t slot;
    uint8_t frame; /* frame of the stack slot */
    uint8_t depth; /* frames in the state when it ran */
};
#define MAX_REFS 32
#define PATH_LEN 12

struct vstate {
    int nframes;
    struct vframe *frames[MAX_FRAMES];
    uint32_t refs[MAX_REFS]; /* acquired references not yet released */
    int nrefs;
    int32_t lock_map; /* map index of a held spin lock, -1 when none */
    uint32_t lock_id;
    /* the latest branch decisions on this path, for messages */
    struct {
        int32_t pc;
        bool taken;
    } path[PATH_LEN];
    int npath;
    int branches;     /* count of branch decisions so far (path is a ring) */
    bool all_precise; /* compare every scalar exactly (precision backtracking gave up) */
    /* instructions run since the previous kept state on this path */
    struct hentry *hist;
    uint32_t nhist, chist;
};

/* One explored state kept at a pruning point. */
struct kept {
    struct kept *next;
    struct vstate *st;
    uint32_t hits, misses;
    struct kept *parent; /* the state kept before it on its path */
    uint32_t branches;   /* paths through it still being explored (0: proven safe) */
    uint32_t key;        /* state_key(): kinds of the live registers */
    bool wild;
    uint32_t hint; /* where vstate_covers() last failed */
    /* stack liveness: slots (per frame) some path from here reads before writing them; only
     * those are compared when pruning against this state */
    uint64_t live[MAX_FRAMES];
    uint64_t written_in[MAX_FRAMES]; /* slots written between the parent and this state */
    bool live_all;
};

/* Everything the verifier knows about the program being checked. */
#define POOL_CLASSES 1024 /* freed blocks kept per size up to 8 KiB */

/* What the states reaching a block start had in common (for the --dot picture). */
struct block_sum {
    bool seen;
    uint32_t visits;
    struct vreg regs[11]; /* joined: type V_NOT_INIT when the visits disagree ("mixed") */
    bool mixed[11];
};

struct venv {
    void *pool[POOL_CLASSES];
    struct chunk *chunks;     /* where small blocks are carved from (state.c) */
    struct block_sum *blocks; /* per instruction (block starts only), when a picture is asked */
    const struct bpfrt_insn *insns;
    size_t n;
    struct bpfrt_decoded *dec; /* decoded instruction per slot (form 0 for lddw second slots) */
    const struct bpfrt_map_spec *maps;
    size_t map_cnt;
    uint32_t prog_type, attach_type;
    const struct bpfrt_prog_type_info *pt;
    bool unprivileged;
    bool gpl;
    const struct bpfrt_verify_opts *opts;
    /* per instruction */
    uint8_t *prune;    /* 1: keep states here (jump targets, after calls) */
    uint16_t *live_in; /* registers read before written from here on (bit per register) */
    uint8_t *visited;
    uint8_t *leader;  /* 1: a basic block starts here */
    uint8_t *ctx_ptr; /* per instruction: 1 + enum bpfrt_ctx_kind of a 32-bit packet pointer load */
    uint8_t *cb_entry; /* 1: entry of a callback (pruning against its own iterations) */
    struct kept **kept;
    uint32_t next_id;
    /* exploration */
    uint64_t processed, jumps;
    uint64_t prev_add, prev_jumps; /* counts when a state was last kept */
    uint64_t kept_cnt, peak_kept;
    size_t mem, peak_mem;
    /* the error */
    bool failed;
    int32_t err_pc;
    char err[400];
    char regs_text[400];
    struct bpfrt_verify_result *res;
    struct vstate *res_state; /* the state where the error happened */
    int32_t max_stack;
    int16_t hist_slot; /* stack slot the instruction being checked accessed (see struct hentry) */
    uint8_t hist_frame;
    /* precision needs raised by the instruction being checked: registers and stack slots of
     * the innermost frame whose exact values matter */
    uint16_t need_regs;
    struct vstate *cur_state; /* the state being explored, and its nearest kept ancestor */
    struct kept *cur_last;
    int32_t cur_pc;
    uint8_t *mem_kind; /* per instruction: 1 context, 2 other memory (loads and stores) */
    uint64_t need_slots;
    uint8_t need_depth;
};

/* --- state.c --- */
/* The state allocator: N bytes counted in the statistics, freed blocks kept for reuse. */
void *vmalloc_acct(struct venv *env, size_t n);
void vfree_acct(struct venv *env, void *p, size_t n);
/* Frees the blocks the state allocator keeps for reuse (at the end of a verification). */
void vpool_release(struct venv *env);
struct vstate *vstate_new(struct venv *env);
struct vstate *vstate_copy(struct venv *env, const struct vstate *s);
void vstate_free(struct venv *env, struct vstate *s);
struct vframe *vframe_new(struct venv *env, int32_t callsite, int32_t subprog);
void vframe_free(struct venv *env, struct vframe *f);
/* Forgets the frame's stack contents (a new invocation of the same function). */
void vframe_reset_stack(struct venv *env, struct vframe *f);
/* Slot I of frame F, allocating up to it (NULL when out of memory). */
struct vslot *vframe_slot(struct venv *env, struct vframe *f, int i);
/* Every state OLD describes includes every state CUR describes, for registers live at PC. */
/* LIVE: stack slots per frame to compare (NULL: all). EXACT: compare every number exactly (OLD
 * is still being explored: its precision marks are not final). */
/* HINT: where the last comparison with OLD failed (0 at first), checked first, then updated. */
bool vstate_covers(const struct venv *env, const struct vstate *old, const struct vstate *cur,
                   int32_t pc, const uint64_t *live, bool exact, uint32_t *hint);
/* Same state exactly (loop detection). */
bool vstate_equal(const struct venv *env, const struct vstate *a, const struct vstate *b,
                  int32_t pc);
void vreg_scalar_unknown(struct vreg *r);
void vreg_scalar_const(struct vreg *r, uint64_t v);
void vreg_not_init(struct vreg *r);
bool vreg_is_ptr(const struct vreg *r);
const char *vtype_name(const struct vreg *r);
int vreg_format(const struct venv *env, const struct vreg *r, char *buf, size_t len);

/* --- verifier.c: stack liveness --- */
/* Stack bytes [LO, END) of frame F were read / fully written by the instruction being checked. */
void vlive_read(struct venv *env, const struct vframe *f, int64_t lo, int64_t end);
void vlive_write(struct venv *env, struct vframe *f, int64_t lo, int64_t end);

/* --- check.c --- */
/* Runs instruction PC on state S (the current frame's registers). Returns the next pc, or -1
 * when the path ends (exit of the main function), or -2 on error (env->failed set). For
 * conditional jumps, *BRANCH gets a state for the other edge when both are possible (and
 * *BRANCH_PC its pc). */
int32_t vcheck_insn(struct venv *env, struct vstate *s, int32_t pc, struct vstate **branch,
                    int32_t *branch_pc);

__attribute__((format(printf, 3, 4))) void verr(struct venv *env, int32_t pc, const char *fmt, ...);

#endif
