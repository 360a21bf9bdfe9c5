/* bpfrt instruction set: encoding, decoding, validity check, disassembler and assembler.
 * Everything here is derived from the table in isa_table.h. */
#ifndef BPFRT_ISA_H
#define BPFRT_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa_table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One 8-byte instruction slot, the layout of Linux's `struct bpf_insn` (little-endian host). */
struct bpfrt_insn {
    uint8_t code;
    uint8_t dst_reg : 4;
    uint8_t src_reg : 4;
    int16_t off;
    int32_t imm;
};

/* Largest program bpfrt accepts, in slots (Linux's limit for privileged programs). */
#define BPFRT_MAX_INSNS (1u << 20)
/* Stack bytes per frame and the deepest bpf-to-bpf call chain. */
#define BPFRT_STACK_SIZE 512
#define BPFRT_MAX_CALL_DEPTH 8

/* Every instruction form, numbered from 1 (0 means "not an instruction"). */
enum bpfrt_form {
    BPFRT_FORM_INVALID = 0,
#define BPFRT_X_ENUM(id, mn, opc, shape, grp, disc) BPFRT_FORM_##id,
    BPFRT_ISA_TABLE(BPFRT_X_ENUM)
#undef BPFRT_X_ENUM
        BPFRT_FORM_COUNT
};

/* Which fields an instruction uses; unused fields must be zero. */
enum bpfrt_shape {
    BPFRT_SHAPE_ALU_K,   /* op dst, imm */
    BPFRT_SHAPE_ALU_X,   /* op dst, src */
    BPFRT_SHAPE_ALU_NEG, /* op dst */
    BPFRT_SHAPE_ENDIAN,  /* op dst; imm = width */
    BPFRT_SHAPE_LDDW,    /* lddw dst, imm64; two slots, src = pseudo kind */
    BPFRT_SHAPE_LDABS,   /* r0 = packet[imm] */
    BPFRT_SHAPE_LDIND,   /* r0 = packet[src + imm] */
    BPFRT_SHAPE_LDX,     /* dst = *(src + off) */
    BPFRT_SHAPE_ST,      /* *(dst + off) = imm */
    BPFRT_SHAPE_STX,     /* *(dst + off) = src */
    BPFRT_SHAPE_ATOMIC,  /* lock op *(dst + off), src; imm = operation */
    BPFRT_SHAPE_JA,      /* goto +off */
    BPFRT_SHAPE_JA32,    /* goto +imm */
    BPFRT_SHAPE_JMP_K,   /* if dst op imm goto +off */
    BPFRT_SHAPE_JMP_X,   /* if dst op src goto +off */
    BPFRT_SHAPE_CALL,    /* call imm; src = helper / local / BTF id */
    BPFRT_SHAPE_CALLX,   /* call helper whose id is in dst */
    BPFRT_SHAPE_EXIT,
};

/* RFC 9669 conformance groups (plus the legacy packet loads and callx). */
enum bpfrt_group {
    BPFRT_GROUP_BASE32,
    BPFRT_GROUP_BASE64,
    BPFRT_GROUP_ATOMIC32,
    BPFRT_GROUP_ATOMIC64,
    BPFRT_GROUP_DIVMUL32,
    BPFRT_GROUP_DIVMUL64,
    BPFRT_GROUP_LEGACY,
    BPFRT_GROUP_CALLX,
};

/* What the table says about one form. */
struct bpfrt_form_info {
    const char *id;       /* "ADD32_K" */
    const char *mnemonic; /* "add32"; assembler and disassembler spelling */
    uint8_t opcode;
    enum bpfrt_shape shape;
    enum bpfrt_group group;
    int32_t discriminator; /* value of off/imm/src that selects this form */
};

/* A decoded instruction (an lddw's two slots are one instruction). */
struct bpfrt_decoded {
    enum bpfrt_form form;
    uint8_t dst, src;
    int16_t off;
    int32_t imm;
    uint64_t imm64; /* lddw: full 64-bit value (next_imm << 32 | imm) */
    uint8_t slots;  /* 1, or 2 for lddw */
    uint8_t shape;  /* enum bpfrt_shape of FORM (bpfrt_form_info(form)->shape) */
};

/* A diagnostic: one line naming the file, line or instruction and the problem. */
struct bpfrt_diag {
    char msg[512];
};

/* Description of form F (NULL for BPFRT_FORM_INVALID or out of range). */
const struct bpfrt_form_info *bpfrt_form_info(enum bpfrt_form f);

/* Decodes the instruction at insns[pc] into *out. Returns 0, or -1 with diag set when the
 * slot is not a valid instruction (unknown opcode, reserved field not zero, bad register,
 * lddw cut off at the end). Does not look at jump targets. */
int bpfrt_isa_decode(const struct bpfrt_insn *insns, size_t n, size_t pc, struct bpfrt_decoded *out,
                     struct bpfrt_diag *diag);

/* Checks a whole program: every instruction decodes, no write to r10, jumps and local calls land
 * on an instruction inside the program (not in the middle of an lddw), the last instruction
 * cannot fall through. Returns 0, or -1 with diag naming the instruction and the problem. */
int bpfrt_isa_validate(const struct bpfrt_insn *insns, size_t n, struct bpfrt_diag *diag);

/* Writes the text of the instruction at insns[pc] into buf (the assembler's syntax) and
 * returns the number of slots it takes (1 or 2), or 0 for an undecodable slot (then buf
 * holds a `.word 0x...` line with the raw slot). */
int bpfrt_disasm_insn(const struct bpfrt_insn *insns, size_t n, size_t pc, char *buf, size_t len);

/* Assembles TEXT (the conformance suite's syntax: labels, `#` comments, `+N` offsets).
 * NAME is used in messages ("NAME:LINE: ..."). On success returns 0 and a malloc'd array in
 * *out with its slot count in *n_out; on error returns -1 with diag set. */
int bpfrt_asm(const char *text, const char *name, struct bpfrt_insn **out, size_t *n_out,
              struct bpfrt_diag *diag);

/* As bpfrt_asm, for text that starts at line FIRST_LINE of file NAME (for embedded programs). */
int bpfrt_asm_at(const char *text, const char *name, int first_line, struct bpfrt_insn **out,
                 size_t *n_out, struct bpfrt_diag *diag);

/* Reads raw bytecode (little-endian 8-byte slots) from BYTES. Fails with a message when the
 * length is zero or not a multiple of 8, or the program is too large. *out is malloc'd. */
int bpfrt_insns_from_bytes(const void *bytes, size_t len, const char *name, struct bpfrt_insn **out,
                           size_t *n_out, struct bpfrt_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
