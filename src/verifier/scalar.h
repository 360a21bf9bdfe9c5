/* The verifier's scalar domain: what is known about a 64-bit value. Known bits (a tnum, as
 * Linux's include/linux/tnum.h) and signed/unsigned 64- and 32-bit ranges, kept consistent with
 * each other after every operation (Linux's reg_bounds_sync). Every function is sound: the
 * abstract result contains every concrete result of the concrete operation on any values the
 * arguments contain. */
#ifndef BPFRT_VERIFIER_SCALAR_H
#define BPFRT_VERIFIER_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Known bits: a bit is unknown where MASK is 1; known bits have their value in VALUE (and
 * VALUE & MASK == 0). */
struct tnum {
    uint64_t value, mask;
};

struct tnum tnum_const(uint64_t v);
struct tnum tnum_unknown(void);
/* The smallest tnum containing every value of [MIN, MAX] (unsigned). */
struct tnum tnum_range(uint64_t min, uint64_t max);
bool tnum_is_const(struct tnum a);
/* Every value of B is a value of A. */
bool tnum_in(struct tnum a, struct tnum b);
/* Values in both (A and B must overlap). */
struct tnum tnum_intersect(struct tnum a, struct tnum b);
/* The low SIZE bytes (1, 2, 4, 8), zero-extended. */
struct tnum tnum_cast(struct tnum a, unsigned size);

/* A scalar value. Invariant (after scalar_sync): each of the five views contains every value
 * the others allow, and none is empty. */
struct scalar {
    struct tnum var;
    int64_t smin, smax;
    uint64_t umin, umax;
    int32_t s32_min, s32_max;
    uint32_t u32_min, u32_max;
};

void scalar_const(struct scalar *r, uint64_t v);
/* Any 64-bit value. */
void scalar_unknown(struct scalar *r);
/* Any value in [MIN, MAX] (unsigned 64-bit). */
void scalar_urange(struct scalar *r, uint64_t min, uint64_t max);
/* True when R holds exactly one value (stored in *V if V is not NULL). */
bool scalar_is_const(const struct scalar *r, uint64_t *v);
/* Tightens every view from the others (Linux's reg_bounds_sync). Returns false when R is empty
 * (the views contradict each other: the state is unreachable). */
bool scalar_sync(struct scalar *r);

/* DST = DST op SRC for one ALU instruction: CODE is the opcode byte (class BPF_ALU or BPF_ALU64,
 * any BPF_OP including BPF_NEG, BPF_MOV, BPF_END, BPF_DIV/BPF_MOD), OFF and IMM the instruction's
 * fields (OFF 1: signed division/modulo; for BPF_MOV, OFF 8/16/32: sign extension (movsx); for
 * BPF_END, IMM 16/32/64 and BPF_SRC bit to_le/to_be, class ALU64: bswap). SRC is the second
 * operand (the immediate already turned into a scalar, sign-extended as the ISA says). 32-bit
 * operations zero the upper half. Division and modulo by zero follow RFC 9669 (x/0 = 0,
 * x%0 = x). Shifts by the operand width or more: the ISA masks the shift amount. */
void scalar_alu(struct scalar *dst, const struct scalar *src, uint8_t code, int16_t off,
                int32_t imm);

/* For a conditional jump `if DST op SRC` (CODE: class BPF_JMP or BPF_JMP32, BPF_OP one of
 * JEQ..JSLE, JSET): 1 when it is taken for every value, 0 when never, -1 when it depends. */
int scalar_branch(const struct scalar *dst, const struct scalar *src, uint8_t code);

/* Narrows DST and SRC to the values for which the jump is taken (TAKEN) or not. Returns false
 * when no values remain (that edge is infeasible). */
bool scalar_refine(struct scalar *dst, struct scalar *src, uint8_t code, bool taken);

/* Every value of CUR is a value of OLD (state pruning). */
bool scalar_within(const struct scalar *old, const struct scalar *cur);

/* A scalar containing every value of A and of B. */
void scalar_join(struct scalar *a, const struct scalar *b);

/* Readable form: "42", "0x...", or "scalar(smin=..,smax=..,umin=..,umax=..,var=(v;m))" with only
 * the views that say something. Returns the length needed (as snprintf). */
int scalar_format(const struct scalar *r, char *buf, size_t len);

#endif
