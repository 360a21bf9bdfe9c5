/* Disassembler: one syntax (the assembler's), used by every message bpfrt prints. */
#include <inttypes.h>
#include <stdio.h>

#include "isa/isa_internal.h"

const char *const bpfrt_lddw_kind_names[7] = {
    "", "map_by_fd", "map_val_by_fd", "var_addr", "code_addr", "map_by_idx", "map_val_by_idx",
};

static void mem_operand(char *buf, size_t len, int reg, int off)
{
    snprintf(buf, len, "[%%r%d%c%d]", reg, off < 0 ? '-' : '+', off < 0 ? -off : off);
}

int bpfrt_disasm_insn(const struct bpfrt_insn *insns, size_t n, size_t pc, char *buf, size_t len)
{
    struct bpfrt_decoded d;
    if (bpfrt_isa_decode(insns, n, pc, &d, NULL) < 0) {
        uint64_t raw = 0;
        if (pc < n) {
            const uint8_t *b = (const uint8_t *)&insns[pc];
            for (int i = 7; i >= 0; i--)
                raw = raw << 8 | b[i];
        }
        snprintf(buf, len, ".word 0x%016" PRIx64, raw);
        return 0;
    }
    const struct bpfrt_form_info *fi = bpfrt_form_info(d.form);
    const char *mn = fi->mnemonic;
    char mem[32];
    switch (fi->shape) {
    case BPFRT_SHAPE_ALU_K: snprintf(buf, len, "%s %%r%d, %d", mn, d.dst, d.imm); break;
    case BPFRT_SHAPE_ALU_X: snprintf(buf, len, "%s %%r%d, %%r%d", mn, d.dst, d.src); break;
    case BPFRT_SHAPE_ALU_NEG:
    case BPFRT_SHAPE_ENDIAN:
    case BPFRT_SHAPE_CALLX: snprintf(buf, len, "%s %%r%d", mn, d.dst); break;
    case BPFRT_SHAPE_LDDW: {
        int32_t next = (int32_t)(uint32_t)(d.imm64 >> 32);
        if (d.src == 0)
            snprintf(buf, len, "%s %%r%d, 0x%" PRIx64, mn, d.dst, d.imm64);
        else if (next != 0)
            snprintf(buf, len, "%s %%r%d, %s(%d)%+d", mn, d.dst, bpfrt_lddw_kind_names[d.src],
                     d.imm, next);
        else
            snprintf(buf, len, "%s %%r%d, %s(%d)", mn, d.dst, bpfrt_lddw_kind_names[d.src], d.imm);
        break;
    }
    case BPFRT_SHAPE_LDABS: snprintf(buf, len, "%s %d", mn, d.imm); break;
    case BPFRT_SHAPE_LDIND: snprintf(buf, len, "%s %%r%d, %d", mn, d.src, d.imm); break;
    case BPFRT_SHAPE_LDX:
        mem_operand(mem, sizeof(mem), d.src, d.off);
        snprintf(buf, len, "%s %%r%d, %s", mn, d.dst, mem);
        break;
    case BPFRT_SHAPE_ST:
        mem_operand(mem, sizeof(mem), d.dst, d.off);
        snprintf(buf, len, "%s %s, %d", mn, mem, d.imm);
        break;
    case BPFRT_SHAPE_STX:
    case BPFRT_SHAPE_ATOMIC:
        mem_operand(mem, sizeof(mem), d.dst, d.off);
        snprintf(buf, len, "%s %s, %%r%d", mn, mem, d.src);
        break;
    case BPFRT_SHAPE_JA: snprintf(buf, len, "%s %+d", mn, d.off); break;
    case BPFRT_SHAPE_JA32: snprintf(buf, len, "%s %+d", mn, d.imm); break;
    case BPFRT_SHAPE_JMP_K: snprintf(buf, len, "%s %%r%d, %d, %+d", mn, d.dst, d.imm, d.off); break;
    case BPFRT_SHAPE_JMP_X:
        snprintf(buf, len, "%s %%r%d, %%r%d, %+d", mn, d.dst, d.src, d.off);
        break;
    case BPFRT_SHAPE_CALL:
        if (d.form == BPFRT_FORM_CALL_LOCAL)
            snprintf(buf, len, "%s %+d", mn, d.imm);
        else
            snprintf(buf, len, "%s %d", mn, d.imm);
        break;
    case BPFRT_SHAPE_EXIT: snprintf(buf, len, "%s", mn); break;
    }
    return d.slots;
}
