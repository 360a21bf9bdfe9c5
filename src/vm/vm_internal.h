/* Interpreter internals shared by the two instantiations of the run loop. */
#ifndef BPFRT_VM_INTERNAL_H
#define BPFRT_VM_INTERNAL_H

#include "bpfrt/vm.h"

/* Computed goto where the compiler has it (define BPFRT_SWITCH_DISPATCH to test the portable
 * switch instead; it has no superinstructions). */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(BPFRT_SWITCH_DISPATCH)
#define BPFRT_COMPUTED_GOTO 1
#endif
#if defined(__GNUC__) || defined(__clang__)
#define BPFRT_LIKELY(x) __builtin_expect(!!(x), 1)
#define BPFRT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define BPFRT_LIKELY(x) (x)
#define BPFRT_UNLIKELY(x) (x)
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "bpfrt's interpreter assumes a little-endian host"
#endif

/* A pre-decoded instruction: the handler to jump to and the operands, 16 bytes. */
struct vm_op {
    const void *h; /* label address (computed goto) or form id (switch) */
    union {
        struct {
            int32_t imm;
            int16_t off;
            uint8_t dst, src;
        };
        uint64_t imm64; /* in the second slot of an lddw */
    };
};

#define VM_MAX_REGIONS 16

struct vm_region {
    uintptr_t base;
    size_t len;
    bool writable;
};

/* Saved state of a bpf-to-bpf caller. */
struct vm_frame {
    const struct vm_op *ret;
    uint64_t saved[4]; /* r6..r9 */
};

/* One run of a program on one thread: what helpers can see through the thread-local pointer. */
struct vm_run {
    const struct bpfrt_vm *vm;
    uint8_t *ctx;
    size_t ctx_len;
    uintptr_t stack_top;
    struct vm_region regions[VM_MAX_REGIONS];
    int n_regions;
    bool exit_requested;
    uint64_t exit_r0;
    uint64_t executed;
    struct bpfrt_diag *diag;
};

struct bpfrt_vm {
    struct bpfrt_insn *insns;
    size_t n;
    struct vm_op *ops[2]; /* per mode: checked, trusted */
    enum bpfrt_vm_mode mode;
    uint64_t budget;
    struct vm_region grants[VM_MAX_REGIONS];
    int n_grants;
    bpfrt_helper_fn helpers[BPFRT_VM_MAX_HELPERS];
};

/*
 * Superinstructions (trusted mode only). Values passed between eBPF instructions through the
 * in-memory register file pay a store-to-load forwarding delay on every dependent step; these
 * handlers run two adjacent instructions and keep the value in a host register between them.
 * Fusing never changes semantics: the second instruction keeps its own handler for jumps to it.
 */
/* ALU64 operations that fuse, with their K (immediate) and X (register) forms. */
#define VM_FUSE_ALU(F, ...)                                                                        \
    F(ADD_K, ADD, K, __VA_ARGS__)                                                                  \
    F(ADD_X, ADD, X, __VA_ARGS__)                                                                  \
    F(SUB_K, SUB, K, __VA_ARGS__)                                                                  \
    F(SUB_X, SUB, X, __VA_ARGS__)                                                                  \
    F(MUL_K, MUL, K, __VA_ARGS__)                                                                  \
    F(MUL_X, MUL, X, __VA_ARGS__)                                                                  \
    F(OR_K, OR, K, __VA_ARGS__)                                                                    \
    F(OR_X, OR, X, __VA_ARGS__)                                                                    \
    F(AND_K, AND, K, __VA_ARGS__)                                                                  \
    F(AND_X, AND, X, __VA_ARGS__)                                                                  \
    F(XOR_K, XOR, K, __VA_ARGS__)                                                                  \
    F(XOR_X, XOR, X, __VA_ARGS__)                                                                  \
    F(LSH_K, LSH, K, __VA_ARGS__)                                                                  \
    F(LSH_X, LSH, X, __VA_ARGS__)                                                                  \
    F(RSH_K, RSH, K, __VA_ARGS__)                                                                  \
    F(RSH_X, RSH, X, __VA_ARGS__)                                                                  \
    F(ARSH_K, ARSH, K, __VA_ARGS__)                                                                \
    F(ARSH_X, ARSH, X, __VA_ARGS__)                                                                \
    F(MOV_K, MOV, K, __VA_ARGS__)                                                                  \
    F(MOV_X, MOV, X, __VA_ARGS__)
/* The same list again: a macro cannot expand itself when nested. */
#define VM_FUSE_ALU2(F, ...)                                                                       \
    F(ADD_K, ADD, K, __VA_ARGS__)                                                                  \
    F(ADD_X, ADD, X, __VA_ARGS__)                                                                  \
    F(SUB_K, SUB, K, __VA_ARGS__)                                                                  \
    F(SUB_X, SUB, X, __VA_ARGS__)                                                                  \
    F(MUL_K, MUL, K, __VA_ARGS__)                                                                  \
    F(MUL_X, MUL, X, __VA_ARGS__)                                                                  \
    F(OR_K, OR, K, __VA_ARGS__)                                                                    \
    F(OR_X, OR, X, __VA_ARGS__)                                                                    \
    F(AND_K, AND, K, __VA_ARGS__)                                                                  \
    F(AND_X, AND, X, __VA_ARGS__)                                                                  \
    F(XOR_K, XOR, K, __VA_ARGS__)                                                                  \
    F(XOR_X, XOR, X, __VA_ARGS__)                                                                  \
    F(LSH_K, LSH, K, __VA_ARGS__)                                                                  \
    F(LSH_X, LSH, X, __VA_ARGS__)                                                                  \
    F(RSH_K, RSH, K, __VA_ARGS__)                                                                  \
    F(RSH_X, RSH, X, __VA_ARGS__)                                                                  \
    F(ARSH_K, ARSH, K, __VA_ARGS__)                                                                \
    F(ARSH_X, ARSH, X, __VA_ARGS__)                                                                \
    F(MOV_K, MOV, K, __VA_ARGS__)                                                                  \
    F(MOV_X, MOV, X, __VA_ARGS__)

enum vm_fuse_alu {
#define VM_X_FA(n, op, kx, ...) VM_FA_##n,
    VM_FUSE_ALU(VM_X_FA, ~)
#undef VM_X_FA
        VM_FA_COUNT
};

/* Unsigned loads that fuse with a following ALU64 X operation using the loaded value. */
#define VM_FUSE_LDX(F, ...)                                                                        \
    F(LDXB, uint8_t, __VA_ARGS__)                                                                  \
    F(LDXH, uint16_t, __VA_ARGS__)                                                                 \
    F(LDXW, uint32_t, __VA_ARGS__)                                                                 \
    F(LDXDW, uint64_t, __VA_ARGS__)
enum vm_fuse_ldx {
#define VM_X_FL(n, t, ...) VM_FL_##n,
    VM_FUSE_LDX(VM_X_FL, ~)
#undef VM_X_FL
        VM_FL_COUNT
};

/* 64-bit conditional jumps that fuse after an add (the loop counter idiom). */
#define VM_FUSE_JCC(F, ...)                                                                        \
    F(JEQ, uint64_t, ==, __VA_ARGS__)                                                              \
    F(JGT, uint64_t, >, __VA_ARGS__)                                                               \
    F(JGE, uint64_t, >=, __VA_ARGS__)                                                              \
    F(JSET, uint64_t, &, __VA_ARGS__)                                                              \
    F(JNE, uint64_t, !=, __VA_ARGS__)                                                              \
    F(JSGT, int64_t, >, __VA_ARGS__)                                                               \
    F(JSGE, int64_t, >=, __VA_ARGS__)                                                              \
    F(JLT, uint64_t, <, __VA_ARGS__)                                                               \
    F(JLE, uint64_t, <=, __VA_ARGS__)                                                              \
    F(JSLT, int64_t, <, __VA_ARGS__)                                                               \
    F(JSLE, int64_t, <=, __VA_ARGS__)
enum vm_fuse_jcc {
#define VM_X_FJ(n, t, op, ...) VM_FJ_##n,
    VM_FUSE_JCC(VM_X_FJ, ~)
#undef VM_X_FJ
        VM_FJ_COUNT
};
/* Where the added register appears in the jump: dst vs imm, dst vs src, or src. */
enum vm_fuse_side { VM_FS_KL, VM_FS_XL, VM_FS_XR, VM_FS_COUNT };

/* A run loop's handler addresses: one per form, and the superinstruction tables (NULL when the
 * loop has none, as the checked loop, which counts every instruction). */
struct vm_handlers {
    const void *const *forms;
    const void *const (*alu2)[VM_FA_COUNT];                 /* [first][second] */
    const void *const (*ldx_alu)[VM_FA_COUNT];              /* [load][alu] */
    const void *const (*add_jcc)[VM_FJ_COUNT][VM_FS_COUNT]; /* [ADD_K, ADD_X][jump][side] */
};

/* The run loops; with run == NULL they fill *handlers instead of running. */
int bpfrt_vm_run_checked(const struct bpfrt_vm *vm, struct vm_run *run, uint64_t *r0,
                         struct vm_handlers *handlers);
int bpfrt_vm_run_trusted(const struct bpfrt_vm *vm, struct vm_run *run, uint64_t *r0,
                         struct vm_handlers *handlers);

/* Checked mode: is [addr, addr+size) inside a region the run may access? */
bool bpfrt_vm_access_ok(const struct vm_run *run, uintptr_t addr, size_t size, bool write,
                        uintptr_t frame_low);

/* Records a fault at instruction PC and returns -1. */
int bpfrt_vm_fault(struct vm_run *run, size_t pc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
