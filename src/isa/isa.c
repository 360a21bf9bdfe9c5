/* Instruction table lookups, decoding and the program validity check.
 * All knowledge of field usage comes from the shapes in isa_table.h. */
#include "isa/isa_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

_Static_assert(sizeof(struct bpfrt_insn) == 8, "bpf_insn layout");

static const struct bpfrt_form_info forms[BPFRT_FORM_COUNT] = {
    [BPFRT_FORM_INVALID] = {"INVALID", "?", 0, 0, 0, 0},
#define BPFRT_X_INFO(id, mn, opc, shape, grp, disc)                                                \
    [BPFRT_FORM_##id] = {#id, mn, opc, BPFRT_SHAPE_##shape, BPFRT_GROUP_##grp, disc},
    BPFRT_ISA_TABLE(BPFRT_X_INFO)
#undef BPFRT_X_INFO
};

const struct bpfrt_form_info *bpfrt_form_info(enum bpfrt_form f)
{
    if (f <= BPFRT_FORM_INVALID || f >= BPFRT_FORM_COUNT)
        return NULL;
    return &forms[f];
}

/* Per opcode, the forms that use it (at most 10: the atomics), built once. */
#define MAX_FORMS_PER_OPCODE 12
static uint8_t by_opcode[256][MAX_FORMS_PER_OPCODE];
static uint8_t by_opcode_count[256];
static once_flag by_opcode_once = ONCE_FLAG_INIT;

static void build_by_opcode(void)
{
    for (int f = 1; f < BPFRT_FORM_COUNT; f++) {
        uint8_t opc = forms[f].opcode;
        by_opcode[opc][by_opcode_count[opc]++] = (uint8_t)f;
    }
}

_Static_assert(BPFRT_FORM_COUNT < 256, "form ids fit a byte");

void bpfrt_diag_set(struct bpfrt_diag *diag, const char *fmt, ...)
{
    if (!diag)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
    va_end(ap);
}

enum discriminated_field { FIELD_NONE, FIELD_OFF, FIELD_IMM, FIELD_SRC };

static enum discriminated_field shape_discriminator(enum bpfrt_shape s)
{
    switch (s) {
    case BPFRT_SHAPE_ALU_K:
    case BPFRT_SHAPE_ALU_X: return FIELD_OFF;
    case BPFRT_SHAPE_ENDIAN:
    case BPFRT_SHAPE_ATOMIC: return FIELD_IMM;
    case BPFRT_SHAPE_LDDW:
    case BPFRT_SHAPE_CALL: return FIELD_SRC;
    default: return FIELD_NONE;
    }
}

struct bpfrt_field_use bpfrt_shape_fields(enum bpfrt_shape s)
{
    struct bpfrt_field_use u = {0};
    switch (s) {
    case BPFRT_SHAPE_ALU_K: u.dst = u.imm = true; break;
    case BPFRT_SHAPE_ALU_X: u.dst = u.src = true; break;
    case BPFRT_SHAPE_ALU_NEG:
    case BPFRT_SHAPE_ENDIAN:
    case BPFRT_SHAPE_CALLX: u.dst = true; break;
    case BPFRT_SHAPE_LDDW: u.dst = u.imm = true; break;
    case BPFRT_SHAPE_LDABS: u.imm = true; break;
    case BPFRT_SHAPE_LDIND: u.src = u.imm = true; break;
    case BPFRT_SHAPE_LDX:
    case BPFRT_SHAPE_STX:
    case BPFRT_SHAPE_ATOMIC: u.dst = u.src = u.off = true; break;
    case BPFRT_SHAPE_ST: u.dst = u.off = u.imm = true; break;
    case BPFRT_SHAPE_JA: u.off = true; break;
    case BPFRT_SHAPE_JA32: u.imm = true; break;
    case BPFRT_SHAPE_JMP_K: u.dst = u.imm = u.off = true; break;
    case BPFRT_SHAPE_JMP_X: u.dst = u.src = u.off = true; break;
    case BPFRT_SHAPE_CALL: u.imm = true; break;
    case BPFRT_SHAPE_EXIT: break;
    }
    return u;
}

static int32_t field_value(const struct bpfrt_insn *in, enum discriminated_field f)
{
    switch (f) {
    case FIELD_OFF: return in->off;
    case FIELD_IMM: return in->imm;
    case FIELD_SRC: return in->src_reg;
    default: return 0;
    }
}

static const char *const field_names[] = {"", "offset", "immediate", "source register"};

int bpfrt_isa_decode(const struct bpfrt_insn *insns, size_t n, size_t pc, struct bpfrt_decoded *out,
                     struct bpfrt_diag *diag)
{
    call_once(&by_opcode_once, build_by_opcode);
    memset(out, 0, sizeof(*out));
    if (pc >= n) {
        bpfrt_diag_set(diag, "insn %zu: past the end of the program (%zu slots)", pc, n);
        return -1;
    }
    const struct bpfrt_insn *in = &insns[pc];
    unsigned cnt = by_opcode_count[in->code];
    if (cnt == 0) {
        bpfrt_diag_set(diag, "insn %zu: unknown opcode 0x%02x", pc, in->code);
        return -1;
    }
    const struct bpfrt_form_info *fi = &forms[by_opcode[in->code][0]];
    enum discriminated_field df = shape_discriminator(fi->shape);
    int32_t dv = field_value(in, df);
    enum bpfrt_form form = BPFRT_FORM_INVALID;
    for (unsigned i = 0; i < cnt; i++) {
        const struct bpfrt_form_info *cand = &forms[by_opcode[in->code][i]];
        if (df == FIELD_NONE || cand->discriminator == dv) {
            form = (enum bpfrt_form)by_opcode[in->code][i];
            fi = cand;
            break;
        }
    }
    if (form == BPFRT_FORM_INVALID) {
        bpfrt_diag_set(diag, "insn %zu: opcode 0x%02x (%s) with invalid %s %d", pc, in->code,
                       fi->mnemonic, field_names[df], dv);
        return -1;
    }
    struct bpfrt_field_use use = bpfrt_shape_fields(fi->shape);
    if (!use.dst && in->dst_reg != 0) {
        bpfrt_diag_set(diag, "insn %zu: %s: unused destination register field is %d, must be 0", pc,
                       fi->mnemonic, in->dst_reg);
        return -1;
    }
    if (!use.src && df != FIELD_SRC && in->src_reg != 0) {
        bpfrt_diag_set(diag, "insn %zu: %s: unused source register field is %d, must be 0", pc,
                       fi->mnemonic, in->src_reg);
        return -1;
    }
    if (!use.off && df != FIELD_OFF && in->off != 0) {
        bpfrt_diag_set(diag, "insn %zu: %s: unused offset field is %d, must be 0", pc, fi->mnemonic,
                       in->off);
        return -1;
    }
    if (!use.imm && df != FIELD_IMM && in->imm != 0) {
        bpfrt_diag_set(diag, "insn %zu: %s: unused immediate field is %d, must be 0", pc,
                       fi->mnemonic, in->imm);
        return -1;
    }
    if (use.dst && in->dst_reg > 10) {
        bpfrt_diag_set(diag, "insn %zu: %s: invalid destination register r%d", pc, fi->mnemonic,
                       in->dst_reg);
        return -1;
    }
    if (use.src && in->src_reg > 10) {
        bpfrt_diag_set(diag, "insn %zu: %s: invalid source register r%d", pc, fi->mnemonic,
                       in->src_reg);
        return -1;
    }
    out->form = form;
    out->shape = (uint8_t)fi->shape;
    out->dst = in->dst_reg;
    out->src = in->src_reg;
    out->off = in->off;
    out->imm = in->imm;
    out->slots = 1;
    out->imm64 = (uint64_t)(int64_t)in->imm;
    if (fi->shape == BPFRT_SHAPE_LDDW) {
        if (pc + 1 >= n) {
            bpfrt_diag_set(diag, "insn %zu: lddw is cut off: its second slot is missing", pc);
            return -1;
        }
        const struct bpfrt_insn *hi = &insns[pc + 1];
        if (hi->code != 0 || hi->dst_reg != 0 || hi->src_reg != 0 || hi->off != 0) {
            bpfrt_diag_set(diag,
                           "insn %zu: second slot of lddw must have opcode, registers and "
                           "offset 0 (found opcode 0x%02x)",
                           pc + 1, hi->code);
            return -1;
        }
        out->imm64 = (uint64_t)(uint32_t)in->imm | ((uint64_t)(uint32_t)hi->imm << 32);
        out->slots = 2;
    }
    return 0;
}

/* Does this form write DST (so dst must not be r10)? */
static bool writes_dst(enum bpfrt_shape s)
{
    return s == BPFRT_SHAPE_ALU_K || s == BPFRT_SHAPE_ALU_X || s == BPFRT_SHAPE_ALU_NEG ||
           s == BPFRT_SHAPE_ENDIAN || s == BPFRT_SHAPE_LDDW || s == BPFRT_SHAPE_LDX;
}

bool bpfrt_form_writes_src(enum bpfrt_form f)
{
    const struct bpfrt_form_info *fi = bpfrt_form_info(f);
    /* Atomic fetch variants and xchg write the old value back to src; cmpxchg writes r0. */
    return fi && fi->shape == BPFRT_SHAPE_ATOMIC && (fi->discriminator & 1) &&
           fi->discriminator != 0xf1;
}

int bpfrt_isa_validate(const struct bpfrt_insn *insns, size_t n, struct bpfrt_diag *diag)
{
    if (n == 0) {
        bpfrt_diag_set(diag, "empty program");
        return -1;
    }
    if (n > BPFRT_MAX_INSNS) {
        bpfrt_diag_set(diag, "program has %zu instructions, more than the limit of %u", n,
                       BPFRT_MAX_INSNS);
        return -1;
    }
    /* Pass 1: decode everything and mark the second slots of lddw. */
    uint8_t *second = calloc(n, 1);
    if (!second) {
        bpfrt_diag_set(diag, "out of memory");
        return -1;
    }
    int rc = -1;
    struct bpfrt_decoded d;
    size_t last = 0;
    for (size_t pc = 0; pc < n; pc += d.slots) {
        if (bpfrt_isa_decode(insns, n, pc, &d, diag) < 0)
            goto out;
        const struct bpfrt_form_info *fi = bpfrt_form_info(d.form);
        if (writes_dst(fi->shape) && d.dst == 10) {
            bpfrt_diag_set(diag, "insn %zu: %s writes to r10, the read-only frame pointer", pc,
                           fi->mnemonic);
            goto out;
        }
        if (bpfrt_form_writes_src(d.form) && d.src == 10) {
            bpfrt_diag_set(diag, "insn %zu: %s writes to r10, the read-only frame pointer", pc,
                           fi->mnemonic);
            goto out;
        }
        if (d.slots == 2)
            second[pc + 1] = 1;
        last = pc;
    }
    /* Pass 2: jump and call targets. */
    for (size_t pc = 0; pc < n; pc += d.slots) {
        bpfrt_isa_decode(insns, n, pc, &d, NULL);
        const struct bpfrt_form_info *fi = bpfrt_form_info(d.form);
        int64_t rel;
        switch (fi->shape) {
        case BPFRT_SHAPE_JA:
        case BPFRT_SHAPE_JMP_K:
        case BPFRT_SHAPE_JMP_X: rel = d.off; break;
        case BPFRT_SHAPE_JA32: rel = d.imm; break;
        case BPFRT_SHAPE_CALL:
            if (d.form != BPFRT_FORM_CALL_LOCAL)
                continue;
            rel = d.imm;
            break;
        default: continue;
        }
        int64_t target = (int64_t)pc + 1 + rel;
        if (target < 0 || target >= (int64_t)n) {
            bpfrt_diag_set(diag, "insn %zu: %s target %lld is outside the program (0..%zu)", pc,
                           fi->mnemonic, (long long)target, n - 1);
            goto out;
        }
        if (second[target]) {
            bpfrt_diag_set(diag, "insn %zu: %s target %lld is the second slot of an lddw", pc,
                           fi->mnemonic, (long long)target);
            goto out;
        }
    }
    /* The last instruction must not fall through past the end. */
    bpfrt_isa_decode(insns, n, last, &d, NULL);
    enum bpfrt_shape ls = bpfrt_form_info(d.form)->shape;
    if (ls != BPFRT_SHAPE_EXIT && ls != BPFRT_SHAPE_JA && ls != BPFRT_SHAPE_JA32) {
        bpfrt_diag_set(diag, "insn %zu: %s is the last instruction and falls through past the end",
                       last, bpfrt_form_info(d.form)->mnemonic);
        goto out;
    }
    rc = 0;
out:
    free(second);
    return rc;
}

int bpfrt_insns_from_bytes(const void *bytes, size_t len, const char *name, struct bpfrt_insn **out,
                           size_t *n_out, struct bpfrt_diag *diag)
{
    *out = NULL;
    *n_out = 0;
    if (len == 0) {
        bpfrt_diag_set(diag, "%s: empty file, no instructions", name);
        return -1;
    }
    if (len % 8 != 0) {
        bpfrt_diag_set(diag,
                       "%s: %zu bytes is not a whole number of 8-byte instructions (%zu left "
                       "over; truncated file?)",
                       name, len, len % 8);
        return -1;
    }
    if (len / 8 > BPFRT_MAX_INSNS) {
        bpfrt_diag_set(diag, "%s: %zu instructions, more than the limit of %u", name, len / 8,
                       BPFRT_MAX_INSNS);
        return -1;
    }
    struct bpfrt_insn *p = malloc(len);
    if (!p) {
        bpfrt_diag_set(diag, "%s: out of memory", name);
        return -1;
    }
    memcpy(p, bytes, len);
    *out = p;
    *n_out = len / 8;
    return 0;
}

int bpfrt_next_line(struct bpfrt_lines *r)
{
    if (!*r->next)
        return 0;
    const char *eol = strchr(r->next, '\n');
    size_t len = eol ? (size_t)(eol - r->next) : strlen(r->next);
    if (len + 1 > r->cap) {
        char *nl = realloc(r->line, len + 1);
        if (!nl)
            return -1;
        r->line = nl;
        r->cap = len + 1;
    }
    memcpy(r->line, r->next, len);
    r->line[len] = 0;
    r->next += len + (eol ? 1 : 0);
    return 1;
}
