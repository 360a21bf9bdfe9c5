/* bpfrt interpreter: runs validated bytecode, checked (every memory access bounded by the
 * regions granted to the run) or trusted (no run-time checks, for verified programs). */
#ifndef BPFRT_VM_H
#define BPFRT_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Linux helper calling convention: five 64-bit arguments, one 64-bit result. */
typedef uint64_t (*bpfrt_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                    uint64_t r5);

/* Helper ids accepted by bpfrt_vm_set_helper (0 .. BPFRT_VM_MAX_HELPERS-1). */
#define BPFRT_VM_MAX_HELPERS 1024

enum bpfrt_vm_mode {
    BPFRT_VM_CHECKED, /* bounds-check every load, store and atomic; honour the budget */
    BPFRT_VM_TRUSTED, /* no run-time memory checks: only for verified programs */
};

struct bpfrt_vm;

/* Validates and pre-decodes a program. Returns NULL with diag set when the bytecode is invalid,
 * uses an lddw kind that needs relocation (maps, globals) or a call by BTF id. */
struct bpfrt_vm *bpfrt_vm_create(const struct bpfrt_insn *insns, size_t n, struct bpfrt_diag *diag);

/* Frees a program made by bpfrt_vm_create (NULL is fine). */
void bpfrt_vm_destroy(struct bpfrt_vm *vm);

/* Registers helper ID for calls from the program (fn NULL unregisters). Returns 0 or -1. */
int bpfrt_vm_set_helper(struct bpfrt_vm *vm, uint32_t id, bpfrt_helper_fn fn);

/* Sets the run mode (default checked). */
void bpfrt_vm_set_mode(struct bpfrt_vm *vm, enum bpfrt_vm_mode mode);

/* Checked mode: stop a run with an error after BUDGET instructions (0 = unlimited). */
void bpfrt_vm_set_budget(struct bpfrt_vm *vm, uint64_t budget);

/* Grants the program access to [base, base+len) in every run (checked mode). Up to 16. */
int bpfrt_vm_grant(struct bpfrt_vm *vm, void *base, size_t len, bool writable);

/* Runs the program with r1 = ctx and r2 = ctx_len; [ctx, ctx+ctx_len) is granted read/write.
 * Returns 0 with r0 in *result, or -1 with diag naming the instruction and the fault. */
int bpfrt_vm_run(struct bpfrt_vm *vm, void *ctx, size_t ctx_len, uint64_t *result,
                 struct bpfrt_diag *diag);

/* Instructions executed by the last run on this thread if it was checked (0 after a trusted
 * run, which does not count); for benchmarks and budgets. */
uint64_t bpfrt_vm_last_insn_count(void);

/* --- For helpers, while a program runs on the calling thread --- */

/* Grants the running program access to [base, base+len) until the run ends. Returns 0, or -1
 * when no program is running or the region table is full. */
int bpfrt_vm_grant_current(void *base, size_t len, bool writable);

/* Ends the running program after the current helper returns, with r0 = R0 (used for tail
 * calls and unwinding). Returns 0, or -1 when no program is running. */
int bpfrt_vm_request_exit(uint64_t r0);

#ifdef __cplusplus
}
#endif
#endif
