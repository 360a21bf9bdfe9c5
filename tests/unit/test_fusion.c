/* The trusted interpreter runs some adjacent instruction pairs as one superinstruction.
 * This test builds every pair of ALU64 forms, every load followed by an ALU64 X form, and every
 * add followed by a 64-bit conditional jump, with random registers and values, and checks that
 * the trusted loop (fused) and the checked loop (never fused) compute the same r0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/vm.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int failures, checks;

struct prog {
    struct bpfrt_insn insns[64];
    size_t n;
};

static void emit(struct prog *p, struct bpfrt_insn in)
{
    p->insns[p->n++] = in;
}

static void emit_lddw(struct prog *p, int reg, uint64_t v)
{
    emit(p, (struct bpfrt_insn){.code = 0x18, .dst_reg = (uint8_t)reg, .imm = (int32_t)v});
    emit(p, (struct bpfrt_insn){.imm = (int32_t)(v >> 32)});
}

/* Random values in r0..r9 (small ones sometimes, so shifts and compares hit edge cases). */
static void prologue(struct prog *p)
{
    /* stxdw [r10-8], r1: keep the memory pointer for the load tests */
    emit(p, (struct bpfrt_insn){.code = 0x7b, .dst_reg = 10, .src_reg = 1, .off = -8});
    for (int r = 0; r < 10; r++) {
        uint64_t v = rnd();
        if (rnd() % 3 == 0)
            v %= 70;
        emit_lddw(p, r, v);
    }
}

/* r0 ^= r1 ^ ... ^ r9 (plus a rotation so equal registers do not cancel), then exit. */
static void epilogue(struct prog *p)
{
    for (int r = 1; r < 10; r++) {
        emit(p, (struct bpfrt_insn){.code = 0x27, .dst_reg = 0, .imm = 31}); /* mul r0, 31 */
        emit(p, (struct bpfrt_insn){.code = 0xaf, .dst_reg = 0, .src_reg = (uint8_t)r});
    }
    emit(p, (struct bpfrt_insn){.code = 0x95});
}

static int run(struct prog *p, enum bpfrt_vm_mode mode, void *mem, size_t len, uint64_t *r0,
               char *err, size_t errlen)
{
    struct bpfrt_diag diag;
    struct bpfrt_vm *vm = bpfrt_vm_create(p->insns, p->n, &diag);
    if (!vm) {
        snprintf(err, errlen, "create: %s", diag.msg);
        return -1;
    }
    bpfrt_vm_set_mode(vm, mode);
    int rc = bpfrt_vm_run(vm, mem, len, r0, &diag);
    if (rc < 0)
        snprintf(err, errlen, "run: %s", diag.msg);
    bpfrt_vm_destroy(vm);
    return rc;
}

static void compare(struct prog *p, const char *what, void *mem, size_t len)
{
    uint64_t a = 0, b = 0;
    char err[600];
    checks++;
    /* Same memory for both runs: the programs only load from it, and r1 (its address) is
     * folded into r0. */
    if (run(p, BPFRT_VM_CHECKED, mem, len, &a, err, sizeof(err)) < 0 ||
        run(p, BPFRT_VM_TRUSTED, mem, len, &b, err, sizeof(err)) < 0) {
        printf("FAIL %s: %s\n", what, err);
        failures++;
    } else if (a != b) {
        printf("FAIL %s: checked r0 0x%llx, trusted r0 0x%llx\n", what, (unsigned long long)a,
               (unsigned long long)b);
        failures++;
    }
}

static bool is_alu64(const struct bpfrt_form_info *fi)
{
    return (fi->opcode & 7) == 7 &&
           (fi->shape == BPFRT_SHAPE_ALU_K || fi->shape == BPFRT_SHAPE_ALU_X);
}

static struct bpfrt_insn alu(const struct bpfrt_form_info *fi, int dst, int src)
{
    struct bpfrt_insn in = {.code = fi->opcode, .dst_reg = (uint8_t)dst};
    in.off = (int16_t)fi->discriminator;
    if (fi->shape == BPFRT_SHAPE_ALU_X)
        in.src_reg = (uint8_t)src;
    else
        in.imm = (int32_t)(rnd() % 4 == 0 ? rnd() % 70 : rnd());
    return in;
}

int main(void)
{
    uint8_t mem[64];
    const int trials = 12;
    for (int f1 = 1; f1 < BPFRT_FORM_COUNT; f1++) {
        const struct bpfrt_form_info *a = bpfrt_form_info((enum bpfrt_form)f1);
        for (int f2 = 1; f2 < BPFRT_FORM_COUNT; f2++) {
            const struct bpfrt_form_info *b = bpfrt_form_info((enum bpfrt_form)f2);
            char what[128];
            for (int t = 0; t < trials; t++) {
                struct prog p = {.n = 0};
                for (size_t i = 0; i < sizeof(mem); i++)
                    mem[i] = (uint8_t)rnd();
                prologue(&p);
                int d = (int)(rnd() % 10), s1 = (int)(rnd() % 10), s2 = (int)(rnd() % 10);
                if (is_alu64(a) && is_alu64(b)) {
                    /* Two ALU64 operations, often on the same destination. */
                    int d2 = rnd() % 4 ? d : (int)(rnd() % 10);
                    emit(&p, alu(a, d, s1));
                    emit(&p, alu(b, d2, s2));
                } else if (a->shape == BPFRT_SHAPE_LDX && is_alu64(b) &&
                           b->shape == BPFRT_SHAPE_ALU_X) {
                    /* r1 = mem; load into d; an ALU operation reading d (usually). */
                    if (d == 1)
                        d = 2;
                    int d2 = rnd() % 4 ? (d + 1 + (int)(rnd() % 8)) % 10 : d;
                    emit(&p, (struct bpfrt_insn){.code = 0x79,
                                                 .dst_reg = 1,
                                                 .src_reg = 10,
                                                 .off = -8}); /* r1 = saved mem pointer */
                    struct bpfrt_insn ld = {.code = a->opcode,
                                            .dst_reg = (uint8_t)d,
                                            .src_reg = 1,
                                            .off = (int16_t)(rnd() % 56)};
                    emit(&p, ld);
                    emit(&p, alu(b, d2, rnd() % 4 ? d : s2));
                } else if ((a == bpfrt_form_info(BPFRT_FORM_ADD_K) ||
                            a == bpfrt_form_info(BPFRT_FORM_ADD_X)) &&
                           (b->shape == BPFRT_SHAPE_JMP_K || b->shape == BPFRT_SHAPE_JMP_X) &&
                           (b->opcode & 7) == 5) {
                    /* add, then a jump comparing the sum; r0 tells which way it went. */
                    emit(&p, alu(a, d, s1));
                    int jd = rnd() % 2 ? d : s2, js = rnd() % 2 ? d : s1;
                    struct bpfrt_insn j = {.code = b->opcode, .dst_reg = (uint8_t)jd, .off = 2};
                    if (b->shape == BPFRT_SHAPE_JMP_X)
                        j.src_reg = (uint8_t)js;
                    else
                        j.imm = (int32_t)(rnd() % 2 ? rnd() % 70 : rnd());
                    emit(&p, j);
                    emit(&p, (struct bpfrt_insn){.code = 0xb7, .dst_reg = 0, .imm = 1111});
                    emit(&p, (struct bpfrt_insn){.code = 0x05, .off = 1});
                    emit(&p, (struct bpfrt_insn){.code = 0xb7, .dst_reg = 0, .imm = 2222});
                } else {
                    break;
                }
                epilogue(&p);
                snprintf(what, sizeof(what), "%s then %s (trial %d)", a->id, b->id, t);
                compare(&p, what, mem, sizeof(mem));
            }
        }
    }
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
