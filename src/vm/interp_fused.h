/* Superinstruction handlers (see vm_internal.h), included in the trusted run loop.
 * The pre-decoder only fuses pairs whose second instruction does not read the register the
 * first one wrote through memory, so each handler can forward the value in a host register. */
#define VM_OP_ADD(a, b) ((a) + (b))
#define VM_OP_SUB(a, b) ((a) - (b))
#define VM_OP_MUL(a, b) ((a) * (b))
#define VM_OP_OR(a, b) ((a) | (b))
#define VM_OP_AND(a, b) ((a) & (b))
#define VM_OP_XOR(a, b) ((a) ^ (b))
#define VM_OP_LSH(a, b) ((a) << ((b)&63))
#define VM_OP_RSH(a, b) ((a) >> ((b)&63))
#define VM_OP_ARSH(a, b) ((uint64_t)((int64_t)(a) >> ((b)&63)))
#define VM_OP_MOV(a, b) ((void)(a), (b))
#define VM_OPERAND_K(op) ((uint64_t)(int64_t)(op)->imm)
#define VM_OPERAND_X(op) (r[(op)->src])

/* Two ALU64 operations on the same destination. */
#define VM_F2_BODY(n2, op2, kx2, n1, op1, kx1)                                                     \
    L_F2_##n1##_##n2:                                                                              \
    {                                                                                              \
        uint64_t acc = r[ip->dst];                                                                 \
        acc = VM_OP_##op1(acc, VM_OPERAND_##kx1(ip));                                              \
        acc = VM_OP_##op2(acc, VM_OPERAND_##kx2(ip + 1));                                          \
        r[ip->dst] = acc;                                                                          \
        ip += 2;                                                                                   \
        DISPATCH();                                                                                \
    }
#define VM_F2_ROW(n1, op1, kx1, ...) VM_FUSE_ALU2(VM_F2_BODY, n1, op1, kx1)
VM_FUSE_ALU(VM_F2_ROW, ~)

/* A load, then an ALU64 X operation whose source is the loaded register. */
#define VM_FL_BODY(n2, op2, kx2, l, T)                                                             \
    L_FL_##l##_##n2:                                                                               \
    {                                                                                              \
        T v;                                                                                       \
        memcpy(&v, (const void *)(uintptr_t)(r[ip->src] + (uint64_t)(int64_t)ip->off), sizeof(T)); \
        r[ip->dst] = (uint64_t)v;                                                                  \
        r[ip[1].dst] = VM_OP_##op2(r[ip[1].dst], (uint64_t)v);                                     \
        ip += 2;                                                                                   \
        DISPATCH();                                                                                \
    }
#define VM_FL_ROW(l, T, ...) VM_FUSE_ALU(VM_FL_BODY, l, T)
VM_FUSE_LDX(VM_FL_ROW, ~)

/* An add, then a conditional jump comparing the sum (KL: sum vs imm, XL: sum vs src,
 * XR: dst vs sum). */
#define VM_FJ_TAKE(expr)                                                                           \
    do {                                                                                           \
        if (expr)                                                                                  \
            ip += ip[1].off; /* target = (ip + 1) + 1 + off */                                     \
        ip += 2;                                                                                   \
        DISPATCH();                                                                                \
    } while (0)
#define VM_FJ_BODY(j, T, cmp, a, kx)                                                               \
    L_FJ_##a##_##j##_KL:                                                                           \
    {                                                                                              \
        uint64_t sum = r[ip->dst] + VM_OPERAND_##kx(ip);                                           \
        r[ip->dst] = sum;                                                                          \
        VM_FJ_TAKE((T)sum cmp(T)(int64_t) ip[1].imm);                                              \
    }                                                                                              \
    L_FJ_##a##_##j##_XL:                                                                           \
    {                                                                                              \
        uint64_t sum = r[ip->dst] + VM_OPERAND_##kx(ip);                                           \
        r[ip->dst] = sum;                                                                          \
        VM_FJ_TAKE((T)sum cmp(T) r[ip[1].src]);                                                    \
    }                                                                                              \
    L_FJ_##a##_##j##_XR:                                                                           \
    {                                                                                              \
        uint64_t sum = r[ip->dst] + VM_OPERAND_##kx(ip);                                           \
        r[ip->dst] = sum;                                                                          \
        VM_FJ_TAKE((T)r[ip[1].dst] cmp(T) sum);                                                    \
    }
VM_FUSE_JCC(VM_FJ_BODY, ADD_K, K)
VM_FUSE_JCC(VM_FJ_BODY, ADD_X, X)

#undef VM_OP_ADD
#undef VM_OP_SUB
#undef VM_OP_MUL
#undef VM_OP_OR
#undef VM_OP_AND
#undef VM_OP_XOR
#undef VM_OP_LSH
#undef VM_OP_RSH
#undef VM_OP_ARSH
#undef VM_OP_MOV
#undef VM_OPERAND_K
#undef VM_OPERAND_X
#undef VM_F2_BODY
#undef VM_F2_ROW
#undef VM_FL_BODY
#undef VM_FL_ROW
#undef VM_FJ_TAKE
#undef VM_FJ_BODY
