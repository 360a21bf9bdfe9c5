/* The interpreter's run loop, included twice by interp.c: once with VM_CHECKED 1 (memory
 * accesses bounded, budget counted) and once with VM_CHECKED 0 (trusted: no checks).
 * One handler per instruction form; the handler table is derived from the ISA table. */
#ifndef VM_CHECKED
#error "define VM_CHECKED before including interp_loop.h"
#endif

int VM_RUN_FN(const struct bpfrt_vm *vm, struct vm_run *run, uint64_t *result,
              struct vm_handlers *handlers)
{
#ifdef BPFRT_COMPUTED_GOTO
    static const void *const table[BPFRT_FORM_COUNT] = {[BPFRT_FORM_INVALID] = &&L_INVALID,
#define VM_X_LABEL(id, mn, opc, shape, grp, disc) [BPFRT_FORM_##id] = &&L_##id,
                                                        BPFRT_ISA_TABLE(VM_X_LABEL)
#undef VM_X_LABEL
    };
#if !VM_CHECKED
#include "vm/interp_fused_tables.h"
#endif
    if (!run) {
        memset(handlers, 0, sizeof(*handlers));
        handlers->forms = table;
#if !VM_CHECKED
        handlers->alu2 = fused_alu2;
        handlers->ldx_alu = fused_ldx_alu;
        handlers->add_jcc = fused_add_jcc;
#endif
        return 0;
    }
#define CASE(id) L_##id:
#define DISPATCH() goto * ip->h
#else
    if (!run) {
        memset(handlers, 0, sizeof(*handlers));
        return 0;
    }
#define CASE(id) case BPFRT_FORM_##id:
#define DISPATCH() goto dispatch
#endif

    const struct vm_op *const ops = vm->ops[VM_CHECKED ? 0 : 1];
    const struct vm_op *ip = ops;
    uint64_t r[11];
    uint8_t stack[BPFRT_STACK_SIZE * BPFRT_MAX_CALL_DEPTH] __attribute__((aligned(16)));
    struct vm_frame frames[BPFRT_MAX_CALL_DEPTH];
    int depth = 0;

    r[0] = 0;
    r[1] = (uint64_t)(uintptr_t)run->ctx;
    r[2] = run->ctx_len;
    r[3] = r[4] = r[5] = r[6] = r[7] = r[8] = r[9] = 0;
    r[10] = (uint64_t)(uintptr_t)(stack + sizeof(stack));
    run->stack_top = (uintptr_t)(stack + sizeof(stack));
#if VM_CHECKED
    /* Unverified programs may read stack they never wrote: give them zeros, not host data. */
    memset(stack + sizeof(stack) - BPFRT_STACK_SIZE, 0, BPFRT_STACK_SIZE);
    uint64_t budget = vm->budget ? vm->budget : UINT64_MAX;
    const uint64_t budget_start = budget;
#define PC() ((size_t)(ip - ops))
#define COUNT()                                                                                    \
    do {                                                                                           \
        if (BPFRT_UNLIKELY(--budget == 0))                                                         \
            goto budget_exhausted;                                                                 \
    } while (0)
#define ACCESS(addr, size, write)                                                                  \
    do {                                                                                           \
        if (BPFRT_UNLIKELY(!bpfrt_vm_access_ok(run, (uintptr_t)(addr), (size), (write),            \
                                               (uintptr_t)r[10] - BPFRT_STACK_SIZE))) {            \
            fault_size = (size);                                                                   \
            goto access_fault;                                                                     \
        }                                                                                          \
    } while (0)
#define ATOMIC_ACCESS(addr, size)                                                                  \
    do {                                                                                           \
        if (BPFRT_UNLIKELY((uintptr_t)(addr) % (size) != 0))                                       \
            goto misaligned_atomic;                                                                \
        ACCESS(addr, size, true);                                                                  \
    } while (0)
    size_t fault_size = 0;
#else
#define COUNT() ((void)0)
#define ACCESS(addr, size, write) ((void)0)
#define ATOMIC_ACCESS(addr, size) ((void)0)
#endif
#undef NEXT
#define NEXT()                                                                                     \
    do {                                                                                           \
        ip++;                                                                                      \
        COUNT();                                                                                   \
        DISPATCH();                                                                                \
    } while (0)
#define JUMP(rel)                                                                                  \
    do {                                                                                           \
        ip += (rel) + 1;                                                                           \
        COUNT();                                                                                   \
        DISPATCH();                                                                                \
    } while (0)

    /* ALU: OP is the C operator; 64-bit forms use the sign-extended immediate. */
#define ALU64(id, expr_k, expr_x)                                                                  \
    CASE(id##_K)                                                                                   \
    {                                                                                              \
        uint64_t a = r[ip->dst], b = (uint64_t)(int64_t)ip->imm;                                   \
        r[ip->dst] = (expr_k);                                                                     \
        NEXT();                                                                                    \
    }                                                                                              \
    CASE(id##_X)                                                                                   \
    {                                                                                              \
        uint64_t a = r[ip->dst], b = r[ip->src];                                                   \
        r[ip->dst] = (expr_x);                                                                     \
        NEXT();                                                                                    \
    }
#define ALU32(id, expr)                                                                            \
    CASE(id##_K)                                                                                   \
    {                                                                                              \
        uint32_t a = (uint32_t)r[ip->dst], b = (uint32_t)ip->imm;                                  \
        r[ip->dst] = (uint32_t)(expr);                                                             \
        NEXT();                                                                                    \
    }                                                                                              \
    CASE(id##_X)                                                                                   \
    {                                                                                              \
        uint32_t a = (uint32_t)r[ip->dst], b = (uint32_t)r[ip->src];                               \
        r[ip->dst] = (uint32_t)(expr);                                                             \
        NEXT();                                                                                    \
    }

#define JCC(id, T, expr)                                                                           \
    CASE(id##_K)                                                                                   \
    {                                                                                              \
        T a = (T)r[ip->dst], b = (T)(int64_t)ip->imm;                                              \
        if (expr)                                                                                  \
            JUMP(ip->off);                                                                         \
        NEXT();                                                                                    \
    }                                                                                              \
    CASE(id##_X)                                                                                   \
    {                                                                                              \
        T a = (T)r[ip->dst], b = (T)r[ip->src];                                                    \
        if (expr)                                                                                  \
            JUMP(ip->off);                                                                         \
        NEXT();                                                                                    \
    }

#define LOAD(id, T, CAST)                                                                          \
    CASE(id)                                                                                       \
    {                                                                                              \
        uintptr_t addr = (uintptr_t)(r[ip->src] + (uint64_t)(int64_t)ip->off);                     \
        ACCESS(addr, sizeof(T), false);                                                            \
        T v;                                                                                       \
        memcpy(&v, (const void *)addr, sizeof(T));                                                 \
        r[ip->dst] = (uint64_t)(CAST)v;                                                            \
        NEXT();                                                                                    \
    }
#define STORE(id, T, value)                                                                        \
    CASE(id)                                                                                       \
    {                                                                                              \
        uintptr_t addr = (uintptr_t)(r[ip->dst] + (uint64_t)(int64_t)ip->off);                     \
        ACCESS(addr, sizeof(T), true);                                                             \
        T v = (T)(value);                                                                          \
        memcpy((void *)addr, &v, sizeof(T));                                                       \
        NEXT();                                                                                    \
    }
    /* Atomics: sequentially consistent, as Linux's JITs (lock-prefixed) give. */
#define ATOMIC(id, T, FETCH, builtin)                                                              \
    CASE(id)                                                                                       \
    {                                                                                              \
        T *p = (T *)(uintptr_t)(r[ip->dst] + (uint64_t)(int64_t)ip->off);                          \
        ATOMIC_ACCESS(p, sizeof(T));                                                               \
        T old = builtin(p, (T)r[ip->src], __ATOMIC_SEQ_CST);                                       \
        if (FETCH)                                                                                 \
            r[ip->src] = (uint64_t)old;                                                            \
        NEXT();                                                                                    \
    }
#define ATOMIC_SET(SFX, T)                                                                         \
    ATOMIC(AADD##SFX, T, 0, __atomic_fetch_add)                                                    \
    ATOMIC(AFADD##SFX, T, 1, __atomic_fetch_add)                                                   \
    ATOMIC(AOR##SFX, T, 0, __atomic_fetch_or)                                                      \
    ATOMIC(AFOR##SFX, T, 1, __atomic_fetch_or)                                                     \
    ATOMIC(AAND##SFX, T, 0, __atomic_fetch_and)                                                    \
    ATOMIC(AFAND##SFX, T, 1, __atomic_fetch_and)                                                   \
    ATOMIC(AXOR##SFX, T, 0, __atomic_fetch_xor)                                                    \
    ATOMIC(AFXOR##SFX, T, 1, __atomic_fetch_xor)                                                   \
    ATOMIC(AXCHG##SFX, T, 1, __atomic_exchange_n)                                                  \
    CASE(ACMPXCHG##SFX)                                                                            \
    {                                                                                              \
        T *p = (T *)(uintptr_t)(r[ip->dst] + (uint64_t)(int64_t)ip->off);                          \
        ATOMIC_ACCESS(p, sizeof(T));                                                               \
        T expected = (T)r[0];                                                                      \
        __atomic_compare_exchange_n(p, &expected, (T)r[ip->src], false, __ATOMIC_SEQ_CST,          \
                                    __ATOMIC_SEQ_CST);                                             \
        r[0] = (uint64_t)expected; /* the old value, whether or not it was replaced */             \
        NEXT();                                                                                    \
    }

    /* Legacy packet loads read big-endian from the context memory; out of bounds ends the
     * program with r0 = 0, as on Linux. */
#define LDPKT(id, T, SWAP, INDIRECT)                                                               \
    CASE(id)                                                                                       \
    {                                                                                              \
        int64_t o = (int64_t)ip->imm + (INDIRECT ? (int64_t)(int32_t)r[ip->src] : 0);              \
        if (o < 0 || (uint64_t)o + sizeof(T) > run->ctx_len) {                                     \
            *result = 0;                                                                           \
            goto finish;                                                                           \
        }                                                                                          \
        T v;                                                                                       \
        memcpy(&v, run->ctx + o, sizeof(T));                                                       \
        r[0] = (uint64_t)SWAP(v);                                                                  \
        NEXT();                                                                                    \
    }
#define NOSWAP(v) (v)

#ifdef BPFRT_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    switch ((uintptr_t)ip->h) {
#endif

    CASE(INVALID)
    {
        /* Unreachable after validation: second slots of lddw are never jumped to. */
        return bpfrt_vm_fault(run, (size_t)(ip - ops), "not an instruction");
    }

    CASE(LDDW)
    {
        r[ip->dst] = ip[1].imm64;
        ip++;
        NEXT();
    }
    CASE(LDDW_MAP_FD)
    CASE(LDDW_MAP_VAL_FD)
    CASE(LDDW_VAR_ADDR)
    CASE(LDDW_CODE_ADDR)
    CASE(LDDW_MAP_IDX)
    CASE(LDDW_MAP_VAL_IDX)
    CASE(CALL_BTF)
    {
        return bpfrt_vm_fault(run, (size_t)(ip - ops), "needs relocation before it can run");
    }

    LDPKT(LDABSW, uint32_t, __builtin_bswap32, 0)
    LDPKT(LDABSH, uint16_t, __builtin_bswap16, 0)
    LDPKT(LDABSB, uint8_t, NOSWAP, 0)
    LDPKT(LDINDW, uint32_t, __builtin_bswap32, 1)
    LDPKT(LDINDH, uint16_t, __builtin_bswap16, 1)
    LDPKT(LDINDB, uint8_t, NOSWAP, 1)

    LOAD(LDXW, uint32_t, uint32_t)
    LOAD(LDXH, uint16_t, uint16_t)
    LOAD(LDXB, uint8_t, uint8_t)
    LOAD(LDXDW, uint64_t, uint64_t)
    LOAD(LDXSW, int32_t, int64_t)
    LOAD(LDXSH, int16_t, int64_t)
    LOAD(LDXSB, int8_t, int64_t)

    STORE(STW, uint32_t, ip->imm)
    STORE(STH, uint16_t, ip->imm)
    STORE(STB, uint8_t, ip->imm)
    STORE(STDW, uint64_t, (int64_t)ip->imm)
    STORE(STXW, uint32_t, r[ip->src])
    STORE(STXH, uint16_t, r[ip->src])
    STORE(STXB, uint8_t, r[ip->src])
    STORE(STXDW, uint64_t, r[ip->src])

    ATOMIC_SET(32, uint32_t)
    ATOMIC_SET(, uint64_t)

    /* 32-bit ALU: results are zero-extended into the 64-bit register. */
    ALU32(ADD32, a + b)
    ALU32(SUB32, a - b)
    ALU32(MUL32, a * b)
    ALU32(DIV32, b ? a / b : 0)
    ALU32(SDIV32, b == 0 ? 0 : (int32_t)b == -1 ? 0u - a : (uint32_t)((int32_t)a / (int32_t)b))
    ALU32(OR32, a | b)
    ALU32(AND32, a & b)
    ALU32(LSH32, a << (b & 31))
    ALU32(RSH32, a >> (b & 31))
    CASE(NEG32)
    {
        r[ip->dst] = (uint32_t)(0u - (uint32_t)r[ip->dst]);
        NEXT();
    }
    ALU32(MOD32, b ? a % b : a)
    ALU32(SMOD32, b == 0 ? a : (int32_t)b == -1 ? 0u : (uint32_t)((int32_t)a % (int32_t)b))
    ALU32(XOR32, a ^ b)
    ALU32(MOV32, ((void)a, b))
    ALU32(ARSH32, (uint32_t)((int32_t)a >> (b & 31)))
    CASE(MOVSX8_32)
    {
        r[ip->dst] = (uint32_t)(int32_t)(int8_t)r[ip->src];
        NEXT();
    }
    CASE(MOVSX16_32)
    {
        r[ip->dst] = (uint32_t)(int32_t)(int16_t)r[ip->src];
        NEXT();
    }

    ALU64(ADD, a + b, a + b)
    ALU64(SUB, a - b, a - b)
    ALU64(MUL, a * b, a * b)
    ALU64(DIV, b ? a / b : 0, b ? a / b : 0)
#define SDIV64(a, b)                                                                               \
    ((b) == 0 ? 0 : (int64_t)(b) == -1 ? 0 - (a) : (uint64_t)((int64_t)(a) / (int64_t)(b)))
#define SMOD64(a, b)                                                                               \
    ((b) == 0 ? (a) : (int64_t)(b) == -1 ? 0 : (uint64_t)((int64_t)(a) % (int64_t)(b)))
    ALU64(SDIV, SDIV64(a, b), SDIV64(a, b))
    ALU64(OR, a | b, a | b)
    ALU64(AND, a & b, a & b)
    ALU64(LSH, a << (b & 63), a << (b & 63))
    ALU64(RSH, a >> (b & 63), a >> (b & 63))
    CASE(NEG)
    {
        r[ip->dst] = 0 - r[ip->dst];
        NEXT();
    }
    ALU64(MOD, b ? a % b : a, b ? a % b : a)
    ALU64(SMOD, SMOD64(a, b), SMOD64(a, b))
    ALU64(XOR, a ^ b, a ^ b)
    ALU64(MOV, ((void)a, b), ((void)a, b))
    ALU64(ARSH, (uint64_t)((int64_t)a >> (b & 63)), (uint64_t)((int64_t)a >> (b & 63)))
    CASE(MOVSX8_64)
    {
        r[ip->dst] = (uint64_t)(int64_t)(int8_t)r[ip->src];
        NEXT();
    }
    CASE(MOVSX16_64)
    {
        r[ip->dst] = (uint64_t)(int64_t)(int16_t)r[ip->src];
        NEXT();
    }
    CASE(MOVSX32_64)
    {
        r[ip->dst] = (uint64_t)(int64_t)(int32_t)r[ip->src];
        NEXT();
    }

    CASE(LE16)
    {
        r[ip->dst] = (uint16_t)r[ip->dst];
        NEXT();
    }
    CASE(LE32)
    {
        r[ip->dst] = (uint32_t)r[ip->dst];
        NEXT();
    }
    CASE(LE64)
    {
        NEXT();
    }
    CASE(BE16)
    CASE(BSWAP16)
    {
        r[ip->dst] = __builtin_bswap16((uint16_t)r[ip->dst]);
        NEXT();
    }
    CASE(BE32)
    CASE(BSWAP32)
    {
        r[ip->dst] = __builtin_bswap32((uint32_t)r[ip->dst]);
        NEXT();
    }
    CASE(BE64)
    CASE(BSWAP64)
    {
        r[ip->dst] = __builtin_bswap64(r[ip->dst]);
        NEXT();
    }

    CASE(JA)
    {
        JUMP(ip->off);
    }
    CASE(JA32)
    {
        JUMP(ip->imm);
    }
    JCC(JEQ, uint64_t, a == b)
    JCC(JGT, uint64_t, a > b)
    JCC(JGE, uint64_t, a >= b)
    JCC(JSET, uint64_t, a & b)
    JCC(JNE, uint64_t, a != b)
    JCC(JSGT, int64_t, a > b)
    JCC(JSGE, int64_t, a >= b)
    JCC(JLT, uint64_t, a < b)
    JCC(JLE, uint64_t, a <= b)
    JCC(JSLT, int64_t, a < b)
    JCC(JSLE, int64_t, a <= b)
    JCC(JEQ32, uint32_t, a == b)
    JCC(JGT32, uint32_t, a > b)
    JCC(JGE32, uint32_t, a >= b)
    JCC(JSET32, uint32_t, a & b)
    JCC(JNE32, uint32_t, a != b)
    JCC(JSGT32, int32_t, a > b)
    JCC(JSGE32, int32_t, a >= b)
    JCC(JLT32, uint32_t, a < b)
    JCC(JLE32, uint32_t, a <= b)
    JCC(JSLT32, int32_t, a < b)
    JCC(JSLE32, int32_t, a <= b)

    {
        uint64_t helper_id;
        CASE(CALL)
        helper_id = (uint32_t)ip->imm;
        goto call_helper;
        CASE(CALLX)
        helper_id = r[ip->dst];
    call_helper:
        if (BPFRT_UNLIKELY(helper_id >= BPFRT_VM_MAX_HELPERS || !vm->helpers[helper_id]))
            return bpfrt_vm_fault(run, (size_t)(ip - ops), "call to unknown helper %llu",
                                  (unsigned long long)helper_id);
        r[0] = vm->helpers[helper_id](r[1], r[2], r[3], r[4], r[5]);
        if (BPFRT_UNLIKELY(run->exit_requested)) {
            *result = run->exit_r0;
            goto finish;
        }
        NEXT();
    }
    CASE(CALL_LOCAL)
    {
        if (BPFRT_UNLIKELY(depth + 1 >= BPFRT_MAX_CALL_DEPTH))
            return bpfrt_vm_fault(run, (size_t)(ip - ops),
                                  "call depth exceeds %d frames (stack overflow)",
                                  BPFRT_MAX_CALL_DEPTH);
        struct vm_frame *f = &frames[depth++];
        f->ret = ip + 1;
        f->saved[0] = r[6];
        f->saved[1] = r[7];
        f->saved[2] = r[8];
        f->saved[3] = r[9];
        r[10] -= BPFRT_STACK_SIZE;
#if VM_CHECKED
        memset((void *)(uintptr_t)(r[10] - BPFRT_STACK_SIZE), 0, BPFRT_STACK_SIZE);
#endif
        JUMP(ip->imm);
    }
    CASE(EXIT)
    {
        if (depth == 0) {
            *result = r[0];
            goto finish;
        }
        struct vm_frame *f = &frames[--depth];
        r[6] = f->saved[0];
        r[7] = f->saved[1];
        r[8] = f->saved[2];
        r[9] = f->saved[3];
        r[10] += BPFRT_STACK_SIZE;
        ip = f->ret;
        COUNT();
        DISPATCH();
    }
#if !VM_CHECKED && defined(BPFRT_COMPUTED_GOTO)
#include "vm/interp_fused.h"
#endif
#ifndef BPFRT_COMPUTED_GOTO
default: return bpfrt_vm_fault(run, (size_t)(ip - ops), "not an instruction");
}
#endif

finish :
#if VM_CHECKED
    run->executed = budget_start - budget + 1;
#endif
return 0;

#if VM_CHECKED
budget_exhausted : run->executed = budget_start;
return bpfrt_vm_fault(run, PC(), "instruction budget of %llu exhausted (runaway program?)",
                      (unsigned long long)budget_start);
misaligned_atomic
    : return bpfrt_vm_fault(run, PC(), "atomic access to misaligned address 0x%llx",
                            (unsigned long long)(r[ip->dst] + (uint64_t)(int64_t)ip->off));
access_fault:
{
    size_t size = fault_size;
    struct bpfrt_decoded d;
    bpfrt_isa_decode(vm->insns, vm->n, PC(), &d, NULL);
    enum bpfrt_shape shape = bpfrt_form_info(d.form)->shape;
    uint8_t base = shape == BPFRT_SHAPE_LDX ? d.src : d.dst;
    uintptr_t addr = (uintptr_t)(r[base] + (uint64_t)(int64_t)d.off);
    bool write = shape != BPFRT_SHAPE_LDX;
    return bpfrt_vm_fault(run, PC(), "%s of %zu byte%s at 0x%llx is outside the memory granted%s",
                          write ? "write" : "read", size, size == 1 ? "" : "s",
                          (unsigned long long)addr, addr < 4096 ? " (null pointer)" : "");
}
#endif

#undef CASE
#undef DISPATCH
#undef NEXT
#undef JUMP
#undef COUNT
#undef ACCESS
#undef ATOMIC_ACCESS
#undef PC
#undef ALU64
#undef ALU32
#undef JCC
#undef LOAD
#undef STORE
#undef ATOMIC
#undef ATOMIC_SET
#undef LDPKT
#undef NOSWAP
#undef SDIV64
#undef SMOD64
}
