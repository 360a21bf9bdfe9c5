/* Interpreter internals shared by the two instantiations of the run loop. */
#ifndef BPFRT_VM_INTERNAL_H
#define BPFRT_VM_INTERNAL_H

#include "bpfrt/vm.h"

#if defined(__GNUC__) || defined(__clang__)
#define BPFRT_COMPUTED_GOTO 1
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

/* The run loops; with run == NULL they return their handler table in *labels instead. */
int bpfrt_vm_run_checked(const struct bpfrt_vm *vm, struct vm_run *run, uint64_t *r0,
                         const void *const **labels);
int bpfrt_vm_run_trusted(const struct bpfrt_vm *vm, struct vm_run *run, uint64_t *r0,
                         const void *const **labels);

/* Checked mode: is [addr, addr+size) inside a region the run may access? */
bool bpfrt_vm_access_ok(const struct vm_run *run, uintptr_t addr, size_t size, bool write,
                        uintptr_t frame_low);

/* Records a fault at instruction PC and returns -1. */
int bpfrt_vm_fault(struct vm_run *run, size_t pc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
