/* The interpreter: pre-decodes validated bytecode into handler addresses once, then runs it
 * in checked or trusted mode (the run loop is in interp_loop.h, instantiated twice). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa_internal.h"
#include "vm/vm_internal.h"

static _Thread_local struct vm_run *current_run;
static _Thread_local uint64_t last_insn_count;

int bpfrt_vm_fault(struct vm_run *run, size_t pc, const char *fmt, ...)
{
    char reason[320], text[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    bpfrt_disasm_insn(run->vm->insns, run->vm->n, pc, text, sizeof(text));
    bpfrt_diag_set(run->diag, "insn %zu (%s): %s", pc, text, reason);
    return -1;
}

static bool in_region(const struct vm_region *rg, uintptr_t addr, size_t size, bool write)
{
    return addr >= rg->base && size <= rg->len && addr - rg->base <= rg->len - size &&
           (!write || rg->writable);
}

bool bpfrt_vm_access_ok(const struct vm_run *run, uintptr_t addr, size_t size, bool write,
                        uintptr_t frame_low)
{
    if (addr >= frame_low && addr + size <= run->stack_top && addr + size > addr)
        return true;
    if (run->ctx && addr >= (uintptr_t)run->ctx && size <= run->ctx_len &&
        addr - (uintptr_t)run->ctx <= run->ctx_len - size)
        return true;
    for (int i = 0; i < run->vm->n_grants; i++)
        if (in_region(&run->vm->grants[i], addr, size, write))
            return true;
    for (int i = 0; i < run->n_regions; i++)
        if (in_region(&run->regions[i], addr, size, write))
            return true;
    return false;
}

#define VM_CHECKED 1
#define VM_RUN_FN bpfrt_vm_run_checked
#include "vm/interp_loop.h"
#undef VM_CHECKED
#undef VM_RUN_FN

#define VM_CHECKED 0
#define VM_RUN_FN bpfrt_vm_run_trusted
#include "vm/interp_loop.h"
#undef VM_CHECKED
#undef VM_RUN_FN

static int fuse_alu_index(enum bpfrt_form f)
{
    switch (f) {
#define VM_X_CASE(n, op, kx, ...)                                                                  \
    case BPFRT_FORM_##n: return VM_FA_##n;
        VM_FUSE_ALU(VM_X_CASE, ~)
#undef VM_X_CASE
    default: return -1;
    }
}

static int fuse_ldx_index(enum bpfrt_form f)
{
    switch (f) {
#define VM_X_CASE(n, t, ...)                                                                       \
    case BPFRT_FORM_##n: return VM_FL_##n;
        VM_FUSE_LDX(VM_X_CASE, ~)
#undef VM_X_CASE
    default: return -1;
    }
}

/* 64-bit conditional jump index, and whether it compares with a register. */
static int fuse_jcc_index(enum bpfrt_form f, bool *is_x)
{
    switch (f) {
#define VM_X_CASE(n, t, op, ...)                                                                   \
    case BPFRT_FORM_##n##_K: *is_x = false; return VM_FJ_##n;                                      \
    case BPFRT_FORM_##n##_X: *is_x = true; return VM_FJ_##n;
        VM_FUSE_JCC(VM_X_CASE, ~)
#undef VM_X_CASE
    default: return -1;
    }
}

enum fuse_kind { FUSE_NONE, FUSE_ALU2, FUSE_LDX_ALU, FUSE_ADD_JCC };

/* The superinstruction for the pair (a, b), or NULL. See vm_internal.h. */
static const void *fuse_pair(const struct vm_handlers *h, const struct bpfrt_decoded *a,
                             const struct bpfrt_decoded *b, enum fuse_kind *kind)
{
    *kind = FUSE_NONE;
    const struct bpfrt_form_info *fb = bpfrt_form_info(b->form);
    bool b_is_x = fb->shape == BPFRT_SHAPE_ALU_X;
    int ia = fuse_alu_index(a->form), ib = fuse_alu_index(b->form);
    /* Same destination, and the second does not read it as its source. */
    if (ia >= 0 && ib >= 0 && b->dst == a->dst && !(b_is_x && b->src == a->dst)) {
        *kind = FUSE_ALU2;
        return h->alu2[ia][ib];
    }
    int il = fuse_ldx_index(a->form);
    if (il >= 0 && ib >= 0 && b_is_x && b->src == a->dst && b->dst != a->dst) {
        *kind = FUSE_LDX_ALU;
        return h->ldx_alu[il][ib];
    }
    bool jx;
    int ij = fuse_jcc_index(b->form, &jx);
    int first = a->form == BPFRT_FORM_ADD_K ? 0 : a->form == BPFRT_FORM_ADD_X ? 1 : -1;
    if (first >= 0 && ij >= 0) {
        *kind = FUSE_ADD_JCC;
        if (b->dst == a->dst)
            return h->add_jcc[first][ij][jx ? VM_FS_XL : VM_FS_KL];
        if (jx && b->src == a->dst)
            return h->add_jcc[first][ij][VM_FS_XR];
        *kind = FUSE_NONE;
    }
    return NULL;
}

static struct vm_op *predecode(const struct bpfrt_vm *vm, const struct vm_handlers *h)
{
    struct vm_op *ops = calloc(vm->n, sizeof(*ops));
    if (!ops)
        return NULL;
    const void *const *labels = h->forms;
    struct bpfrt_decoded d, prev = {0};
    size_t prev_pc = SIZE_MAX;
    for (size_t pc = 0; pc < vm->n; pc += d.slots) {
        bpfrt_isa_decode(vm->insns, vm->n, pc, &d, NULL);
        struct vm_op *op = &ops[pc];
        op->h = labels ? labels[d.form] : (const void *)(uintptr_t)d.form;
        op->dst = d.dst;
        op->src = d.src;
        op->off = d.off;
        op->imm = d.imm;
        if (d.slots == 2) {
            ops[pc + 1].h = labels ? labels[BPFRT_FORM_INVALID] : (const void *)0;
            ops[pc + 1].imm64 = d.imm64;
        }
        if (h->alu2 && prev_pc + 1 == pc) {
            enum fuse_kind kind, next_kind = FUSE_NONE;
            const void *fused = fuse_pair(h, &prev, &d, &kind);
            /* A load's use that also heads a chain on its own register: fusing the chain keeps
             * the (usually loop-carried) register in a host register, which matters more. */
            struct bpfrt_decoded next;
            if (kind == FUSE_LDX_ALU && d.slots == 1 &&
                bpfrt_isa_decode(vm->insns, vm->n, pc + 1, &next, NULL) == 0)
                fuse_pair(h, &d, &next, &next_kind);
            if (fused && next_kind != FUSE_ALU2)
                ops[prev_pc].h = fused;
        }
        prev = d;
        prev_pc = d.slots == 1 ? pc : SIZE_MAX;
    }
    return ops;
}

struct bpfrt_vm *bpfrt_vm_create(const struct bpfrt_insn *insns, size_t n, struct bpfrt_diag *diag)
{
    if (bpfrt_isa_validate(insns, n, diag) < 0)
        return NULL;
    /* Forms that only make sense after the loader has relocated them. */
    struct bpfrt_decoded d;
    for (size_t pc = 0; pc < n; pc += d.slots) {
        bpfrt_isa_decode(insns, n, pc, &d, NULL);
        const struct bpfrt_form_info *fi = bpfrt_form_info(d.form);
        if ((fi->shape == BPFRT_SHAPE_LDDW && d.src != 0) || d.form == BPFRT_FORM_CALL_BTF) {
            char text[96];
            bpfrt_disasm_insn(insns, n, pc, text, sizeof(text));
            bpfrt_diag_set(
                diag, "insn %zu (%s): %s needs relocation by the loader before it can run", pc,
                text,
                d.form == BPFRT_FORM_CALL_BTF ? "a call by BTF id" : "a map or global reference");
            return NULL;
        }
    }
    struct bpfrt_vm *vm = calloc(1, sizeof(*vm));
    if (!vm) {
        bpfrt_diag_set(diag, "out of memory");
        return NULL;
    }
    vm->insns = malloc(n * sizeof(*insns));
    if (!vm->insns) {
        free(vm);
        bpfrt_diag_set(diag, "out of memory");
        return NULL;
    }
    memcpy(vm->insns, insns, n * sizeof(*insns));
    vm->n = n;
    vm->mode = BPFRT_VM_CHECKED;
    struct vm_handlers h;
    bpfrt_vm_run_checked(vm, NULL, NULL, &h);
    vm->ops[0] = predecode(vm, &h);
    bpfrt_vm_run_trusted(vm, NULL, NULL, &h);
    vm->ops[1] = predecode(vm, &h);
    if (!vm->ops[0] || !vm->ops[1]) {
        bpfrt_vm_destroy(vm);
        bpfrt_diag_set(diag, "out of memory");
        return NULL;
    }
    return vm;
}

void bpfrt_vm_destroy(struct bpfrt_vm *vm)
{
    if (!vm)
        return;
    free(vm->ops[0]);
    free(vm->ops[1]);
    free(vm->insns);
    free(vm);
}

int bpfrt_vm_set_helper(struct bpfrt_vm *vm, uint32_t id, bpfrt_helper_fn fn)
{
    if (id >= BPFRT_VM_MAX_HELPERS)
        return -1;
    vm->helpers[id] = fn;
    return 0;
}

void bpfrt_vm_set_mode(struct bpfrt_vm *vm, enum bpfrt_vm_mode mode)
{
    vm->mode = mode;
}

void bpfrt_vm_set_budget(struct bpfrt_vm *vm, uint64_t budget)
{
    vm->budget = budget;
}

int bpfrt_vm_grant(struct bpfrt_vm *vm, void *base, size_t len, bool writable)
{
    if (vm->n_grants == VM_MAX_REGIONS)
        return -1;
    vm->grants[vm->n_grants++] = (struct vm_region){(uintptr_t)base, len, writable};
    return 0;
}

int bpfrt_vm_run(struct bpfrt_vm *vm, void *ctx, size_t ctx_len, uint64_t *result,
                 struct bpfrt_diag *diag)
{
    /* Field by field: zeroing the region table (most of the struct) on every run would cost
     * more than running a small program. */
    struct vm_run run;
    run.vm = vm;
    run.ctx = ctx;
    run.ctx_len = ctx ? ctx_len : 0;
    run.stack_top = 0;
    run.n_regions = 0;
    run.exit_requested = false;
    run.exit_r0 = 0;
    run.executed = 0;
    run.diag = diag;
    struct vm_run *outer = current_run; /* helpers may run programs themselves */
    current_run = &run;
    uint64_t r0 = 0;
    int rc = vm->mode == BPFRT_VM_TRUSTED ? bpfrt_vm_run_trusted(vm, &run, &r0, NULL)
                                          : bpfrt_vm_run_checked(vm, &run, &r0, NULL);
    current_run = outer;
    last_insn_count = run.executed;
    if (rc == 0 && result)
        *result = r0;
    return rc;
}

uint64_t bpfrt_vm_last_insn_count(void)
{
    return last_insn_count;
}

int bpfrt_vm_grant_current(void *base, size_t len, bool writable)
{
    struct vm_run *run = current_run;
    if (!run || run->n_regions == VM_MAX_REGIONS)
        return -1;
    run->regions[run->n_regions++] = (struct vm_region){(uintptr_t)base, len, writable};
    return 0;
}

int bpfrt_vm_request_exit(uint64_t r0)
{
    struct vm_run *run = current_run;
    if (!run)
        return -1;
    run->exit_requested = true;
    run->exit_r0 = r0;
    return 0;
}
