/* The transfer function and the safety checks of each instruction: what an instruction does to
 * the abstract state, and the proof obligations it raises (memory inside its object, helper
 * contracts, pointer rules). Linux's verifier is the reference for what is allowed. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa_internal.h"
#include "verifier/vstate.h"

#define MAX_PACKET_OFF 0xffff
#define MAX_VAR_OFF (1 << 29)

void verr(struct venv *env, int32_t pc, const char *fmt, ...)
{
    if (env->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(env->err, sizeof(env->err), fmt, ap);
    va_end(ap);
    env->failed = true;
    env->err_pc = pc;
}

static struct vframe *cur(struct vstate *s)
{
    return s->frames[s->nframes - 1];
}

static void note_reg(struct venv *env, struct vstate *s, int r)
{
    char buf[200];
    size_t n = strlen(env->regs_text);
    if (n >= sizeof(env->regs_text) - 8)
        return;
    vreg_format(env, &cur(s)->regs[r], buf, sizeof(buf));
    snprintf(env->regs_text + n, sizeof(env->regs_text) - n, "%sr%d=%s", n ? ", " : "", r, buf);
}

/* The exact value of register R (a scalar) matters for the check being made. */
static void need_precise(struct venv *env, struct vstate *s, int r)
{
    if (cur(s)->regs[r].type == V_SCALAR) {
        env->need_regs |= (uint16_t)(1u << r);
        env->need_depth = (uint8_t)s->nframes; /* the frame they belong to (a callback's exit
                                                  pops it before the marks are made) */
    }
}

static uint32_t new_id(struct venv *env)
{
    return ++env->next_id;
}

/* Applies F to every register and spilled register of every frame. */
#define FOR_EACH_REG(s, r, body)                                                                   \
    for (int fi_ = 0; fi_ < (s)->nframes; fi_++) {                                                 \
        struct vframe *f_ = (s)->frames[fi_];                                                      \
        for (int ri_ = 0; ri_ < 11 + f_->nslots; ri_++) {                                          \
            struct vreg *r;                                                                        \
            if (ri_ < 11)                                                                          \
                r = &f_->regs[ri_];                                                                \
            else if (f_->slots[ri_ - 11].bytes[0] == SB_SPILL)                                     \
                r = &f_->slots[ri_ - 11].spill;                                                    \
            else                                                                                   \
                continue;                                                                          \
            body                                                                                   \
        }                                                                                          \
    }

static bool map_type_has_values(uint32_t t);

/* --- ALU --- */

static bool scalar_of_src(struct vstate *s, const struct bpfrt_decoded *d, uint8_t code,
                          struct scalar *out)
{
    if (BPF_SRC(code) == BPF_K) {
        /* 64-bit operations sign-extend the immediate; 32-bit ones use its low half */
        scalar_const(out, BPF_CLASS(code) == BPF_ALU64 || BPF_CLASS(code) == BPF_JMP
                              ? (uint64_t)(int64_t)d->imm
                              : (uint64_t)(uint32_t)d->imm);
        return true;
    }
    *out = cur(s)->regs[d->src].s;
    return cur(s)->regs[d->src].type == V_SCALAR;
}

static bool ptr_arith_ok(const struct vreg *p)
{
    switch (p->type) {
    case V_STACK:
    case V_MAP_VALUE:
    case V_MAP_KEY:
    case V_PKT:
    case V_PKT_META:
    case V_MEM:
    case V_CTX:
    case V_BTF_ID:
    case V_FLOW_KEYS: return !p->maybe_null;
    default: return false;
    }
}

/* dst (a pointer) += or -= the scalar V. */
static bool ptr_add(struct venv *env, int32_t pc, struct vreg *dst, const struct scalar *v,
                    bool sub)
{
    uint64_t c;
    if (scalar_is_const(v, &c)) {
        int64_t add = sub ? -(int64_t)c : (int64_t)c;
        int64_t off = (int64_t)dst->off + add;
        if (off <= -MAX_VAR_OFF || off >= MAX_VAR_OFF || add <= -MAX_VAR_OFF ||
            add >= MAX_VAR_OFF) {
            verr(env, pc, "pointer offset %lld out of the allowed range", (long long)off);
            return false;
        }
        dst->off = (int32_t)off;
        return true;
    }
    if (dst->type == V_CTX) {
        verr(env, pc, "variable offset added to the context pointer");
        return false;
    }
    if (v->smin <= -MAX_VAR_OFF || v->smax >= MAX_VAR_OFF) {
        char t[160];
        scalar_format(v, t, sizeof(t));
        verr(env, pc, "unbounded value %s added to a %s pointer (bound it with a comparison first)",
             t, dst->type == V_PKT ? "packet" : "memory");
        return false;
    }
    struct scalar r = *v;
    scalar_alu(&dst->s, &r, (uint8_t)(BPF_ALU64 | (sub ? BPF_SUB : BPF_ADD) | BPF_X), 0, 0);
    if (dst->s.smin <= -MAX_VAR_OFF || dst->s.smax >= MAX_VAR_OFF) {
        /* many additions can add up: the variable part must stay bounded */
        char t[160];
        scalar_format(&dst->s, t, sizeof(t));
        verr(env, pc, "pointer's variable offset %s is out of the allowed range", t);
        return false;
    }
    if (dst->type == V_PKT || dst->type == V_PKT_META) {
        /* a new variable part: nothing is proven for it yet */
        dst->id = new_id(env);
        dst->range = 0;
    }
    return true;
}

static bool check_alu(struct venv *env, struct vstate *s, int32_t pc, const struct bpfrt_decoded *d)
{
    uint8_t code = env->insns[pc].code;
    uint8_t op = BPF_OP(code);
    bool is64 = BPF_CLASS(code) == BPF_ALU64;
    struct vframe *f = cur(s);
    struct vreg *dst = &f->regs[d->dst];
    struct vreg *src = BPF_SRC(code) == BPF_X ? &f->regs[d->src] : NULL;
    if (src && src->type == V_NOT_INIT && op != BPF_END && op != BPF_NEG) {
        verr(env, pc, "r%u is read before it is written", d->src);
        return false;
    }
    if (op == BPF_MOV) {
        if (src && vreg_is_ptr(src)) {
            if (is64 && d->off == 0) {
                *dst = *src;
                return true;
            }
            if (env->unprivileged) {
                verr(env, pc, "partial copy of a pointer (r%u) leaks its address", d->src);
                return false;
            }
            vreg_scalar_unknown(dst);
            if (!is64 || d->off == 32)
                scalar_urange(&dst->s, 0, is64 ? UINT64_MAX : UINT32_MAX);
            return true;
        }
        if (src && is64 && d->off == 0) {
            /* a plain copy: both registers are the same number (refined together) */
            if (!src->id)
                src->id = new_id(env);
            *dst = *src;
            return true;
        }
        struct scalar v;
        scalar_of_src(s, d, code, &v);
        vreg_scalar_unknown(dst);
        scalar_const(&dst->s, 0);
        scalar_alu(&dst->s, &v, code, d->off, d->imm);
        return true;
    }
    if (dst->type == V_NOT_INIT) {
        verr(env, pc, "r%u is read before it is written", d->dst);
        return false;
    }
    if (vreg_is_ptr(dst) || (src && vreg_is_ptr(src))) {
        bool dptr = vreg_is_ptr(dst), sptr = src && vreg_is_ptr(src);
        if (!is64) {
            if (env->unprivileged || dptr) {
                if (dptr && !env->unprivileged) {
                    /* 32-bit arithmetic on a pointer: the result is a number (Linux: leak) */
                    vreg_scalar_unknown(dst);
                    scalar_urange(&dst->s, 0, UINT32_MAX);
                    return true;
                }
                verr(env, pc, "32-bit arithmetic on a pointer");
                return false;
            }
            vreg_scalar_unknown(dst);
            scalar_urange(&dst->s, 0, UINT32_MAX);
            return true;
        }
        if (dptr && sptr) {
            if (op == BPF_SUB && dst->type == V_PKT_END && src->type == V_PKT &&
                scalar_is_const(&src->s, NULL) && src->s.umin == 0) {
                /* data_end - (data + off): the bytes left from that point; a later bound on it
                 * proves packet range, as a comparison of the pointers would */
                uint32_t id = src->id;
                int32_t off = src->off;
                vreg_scalar_unknown(dst);
                if (off == 0)
                    scalar_urange(&dst->s, 0, MAX_PACKET_OFF);
                dst->pkt_len_id = id;
                dst->pkt_len_off = off;
                return true;
            }
            if (op == BPF_SUB && !env->unprivileged) {
                vreg_scalar_unknown(dst); /* a distance between two pointers */
                return true;
            }
            verr(env, pc, "%s %s pointer: r%u (%s) and r%u (%s) are both pointers",
                 op == BPF_ADD   ? "pointer +="
                 : op == BPF_SUB ? "pointer -="
                                 : "operation on",
                 "a", d->dst, vtype_name(dst), d->src, vtype_name(src));
            return false;
        }
        if ((op != BPF_ADD && op != BPF_SUB) && !env->unprivileged &&
            ((dptr && dst->type == V_BTF_ID) || (sptr && src->type == V_BTF_ID))) {
            vreg_scalar_unknown(dst); /* a kernel value that may be a number */
            return true;
        }
        if (op != BPF_ADD && op != BPF_SUB) {
            verr(env, pc, "%s on a pointer (r%u is %s): only + and - are allowed",
                 bpfrt_form_info(d->form)->mnemonic, dptr ? d->dst : d->src,
                 vtype_name(dptr ? dst : src));
            return false;
        }
        if (sptr) {
            /* scalar + pointer */
            if (op == BPF_SUB) {
                verr(env, pc, "scalar minus pointer (r%u is %s)", d->src, vtype_name(src));
                return false;
            }
            struct scalar v = dst->s;
            need_precise(env, s, d->dst);
            if (!ptr_arith_ok(src)) {
                verr(env, pc, "arithmetic on %s%s (r%u) is not allowed%s", vtype_name(src),
                     src->maybe_null ? "_or_null" : "", d->src,
                     src->maybe_null ? ": check it against NULL first" : "");
                return false;
            }
            *dst = *src;
            return ptr_add(env, pc, dst, &v, false);
        }
        if (!ptr_arith_ok(dst)) {
            verr(env, pc, "arithmetic on %s%s (r%u) is not allowed%s", vtype_name(dst),
                 dst->maybe_null ? "_or_null" : "", d->dst,
                 dst->maybe_null ? ": check it against NULL first" : "");
            return false;
        }
        struct scalar v;
        scalar_of_src(s, d, code, &v);
        if (src)
            need_precise(env, s, d->src);
        return ptr_add(env, pc, dst, &v, op == BPF_SUB);
    }
    struct scalar v;
    scalar_of_src(s, d, code, &v);
    dst->id = 0;
    dst->pkt_len_id = 0;
    scalar_alu(&dst->s, &v, code, d->off, d->imm);
    return true;
}

/* --- memory --- */

/* Bounds of a pointer's total offset for an access at insn offset OFF (saturated: a variable
 * part is bounded by ptr_add, but a kernel pointer's need not be). */
static void access_bounds(const struct vreg *p, int16_t off, int64_t *lo, int64_t *hi)
{
    int64_t base = (int64_t)p->off + off;
    *lo = p->s.smin < INT64_MIN / 2 ? INT64_MIN / 2 : base + p->s.smin;
    *hi = p->s.smax > INT64_MAX / 2 ? INT64_MAX / 2 : base + p->s.smax;
}

/* Checks [lo, hi+size) within [0, limit) for an object WHAT. */
static bool check_region(struct venv *env, int32_t pc, const char *what, int64_t lo, int64_t hi,
                         int size, int64_t limit)
{
    if (lo < 0 || hi + size > limit) {
        if (lo == hi)
            verr(env, pc, "%s access at offset %lld, %d bytes, outside the %s [0,%lld)", what,
                 (long long)lo, size, what, (long long)limit);
        else
            verr(env, pc, "%s access at offsets %lld..%lld, %d bytes, may leave the %s [0,%lld)",
                 what, (long long)lo, (long long)hi, size, what, (long long)limit);
        return false;
    }
    return true;
}

/* Reads SIZE bytes of stack at [lo, hi] (frame-relative offsets) into DST (a register, or NULL
 * for helper reads). ALLOW_UNINIT: helper arguments in privileged mode. */
static bool stack_read(struct venv *env, int32_t pc, struct vframe *f, int64_t lo, int64_t hi,
                       int size, struct vreg *dst, bool allow_uninit, const char *who)
{
    if (lo < -BPFRT_STACK_SIZE || hi + size > 0) {
        verr(env, pc, "stack access at offset %lld, %d bytes, outside the stack [-512,0)",
             (long long)(lo < -BPFRT_STACK_SIZE ? lo : hi), size);
        return false;
    }
    vlive_read(env, f, lo, hi + size);
    /* a fixed, aligned 8-byte read of a spilled register gives the register back */
    if (dst && lo == hi && size == 8 && (-lo) % 8 == 0) {
        int slot = (int)((-lo) / 8) - 1;
        if (slot < f->nslots && f->slots[slot].bytes[0] == SB_SPILL &&
            memchr(f->slots[slot].bytes, SB_INVALID, 8) == NULL) {
            bool all = true;
            for (int b = 0; b < 8; b++)
                all &= f->slots[slot].bytes[b] == SB_SPILL;
            if (all) {
                *dst = f->slots[slot].spill;
                return true;
            }
        }
    }
    bool all_zero = true, any_ptr = false;
    for (int64_t o = lo; o < hi + size; o++) {
        int slot = (int)((-o - 1) / 8), byte = (int)(o - (-(int64_t)(slot + 1) * 8));
        uint8_t k = slot < f->nslots ? f->slots[slot].bytes[byte] : SB_INVALID;
        if (k == SB_INVALID) {
            if (allow_uninit && !env->unprivileged)
                continue;
            verr(env, pc, "%s reads uninitialised stack at fp%lld (%d bytes from fp%+lld)", who,
                 (long long)o, size, (long long)lo);
            return false;
        }
        if (k != SB_ZERO)
            all_zero = false;
        if (k == SB_SPILL && vreg_is_ptr(&f->slots[slot].spill))
            any_ptr = true;
    }
    if (any_ptr && env->unprivileged) {
        verr(env, pc, "%s reads part of a spilled pointer at fp%lld (leaks its address)", who,
             (long long)lo);
        return false;
    }
    if (!dst)
        return true;
    if (all_zero) {
        vreg_scalar_const(dst, 0);
        return true;
    }
    /* part of a spilled constant: its bytes */
    if (lo == hi) {
        int slot = (int)((-lo - 1) / 8), byte = (int)(lo + (int64_t)(slot + 1) * 8);
        uint64_t c;
        if (byte + size <= 8 && slot < f->nslots && f->slots[slot].bytes[byte] == SB_SPILL &&
            f->slots[slot].spill.type == V_SCALAR && scalar_is_const(&f->slots[slot].spill.s, &c)) {
            uint64_t v = c >> (8 * byte);
            if (size < 8)
                v &= (1ull << (8 * size)) - 1;
            vreg_scalar_const(dst, v);
            return true;
        }
    }
    vreg_scalar_unknown(dst);
    if (size < 8)
        scalar_urange(&dst->s, 0, (1ull << (8 * size)) - 1);
    return true;
}

/* The stack of every frame in the call chain counts against one 512-byte budget (Linux rounds
 * each frame to 32 bytes). Checked whenever a frame grows. */
static void stack_total_check(struct venv *env, const struct vframe *grown)
{
    struct vstate *s = env->cur_state;
    if (!s || s->nframes < 2)
        return;
    int32_t total = 0;
    for (int i = 0; i < s->nframes; i++)
        total += (s->frames[i]->depth + 31) & ~31;
    if (total > env->max_stack)
        env->max_stack = total;
    if (total > BPFRT_STACK_SIZE)
        verr(env, env->cur_pc,
             "combined stack of the call chain is %d bytes, more than %d (this frame uses %d)",
             total, BPFRT_STACK_SIZE, grown->depth);
}

/* Stack bytes [FROM, TO) may be written, [CFROM, CTO) certainly are: those get KIND; bytes only
 * possibly written stay uninitialised if they were, since a read could see the old garbage. */
static void stack_mark_range(struct venv *env, struct vframe *f, int64_t from, int64_t to,
                             int64_t cfrom, int64_t cto, uint8_t kind)
{
    if (cfrom < cto)
        vlive_write(env, f, cfrom, cto);
    for (int64_t o = from; o < to; o++) {
        int slot = (int)((-o - 1) / 8), byte = (int)(o + (int64_t)(slot + 1) * 8);
        struct vslot *sl = vframe_slot(env, f, slot);
        if (!sl)
            continue;
        if (sl->bytes[byte] == SB_SPILL) {
            /* a spill partly overwritten: its other bytes stay data; a pointer's bytes are only
             * readable as numbers by root (unprivileged they would leak its address) */
            uint8_t rest = env->unprivileged && vreg_is_ptr(&sl->spill) ? SB_INVALID : SB_MISC;
            for (int b = 0; b < 8; b++)
                if (sl->bytes[b] == SB_SPILL)
                    sl->bytes[b] = rest;
        }
        if (o >= cfrom && o < cto)
            sl->bytes[byte] = kind;
        else if (sl->bytes[byte] != SB_INVALID)
            sl->bytes[byte] = SB_MISC;
    }
    if (-from > f->depth)
        f->depth = (int32_t)-from;
    stack_total_check(env, f);
}

/* A store of SIZE bytes at [lo, hi] (LO == HI: exactly [lo, lo+size)). */
static void stack_mark(struct venv *env, struct vframe *f, int64_t lo, int64_t hi, int size,
                       uint8_t kind)
{
    stack_mark_range(env, f, lo, hi + size, hi, lo + size, kind);
}

static bool stack_write(struct venv *env, int32_t pc, struct vframe *f, int64_t lo, int64_t hi,
                        int size, const struct vreg *val)
{
    if (lo < -BPFRT_STACK_SIZE || hi + size > 0) {
        verr(env, pc, "stack access at offset %lld, %d bytes, outside the stack [-512,0)",
             (long long)(lo < -BPFRT_STACK_SIZE ? lo : hi), size);
        return false;
    }
    if (val && vreg_is_ptr(val)) {
        if (size != 8 || lo != hi) {
            verr(env, pc, "%d-byte store of a pointer to the stack (spills must be 8 bytes)", size);
            return false;
        }
        if ((-lo) % 8) {
            verr(env, pc, "misaligned spill of a pointer at fp%lld", (long long)lo);
            return false;
        }
    }
    if (val && lo == hi && size == 8 && (-lo) % 8 == 0) {
        int slot = (int)((-lo) / 8) - 1;
        struct vslot *sl = vframe_slot(env, f, slot);
        if (!sl) {
            verr(env, pc, "out of memory");
            return false;
        }
        memset(sl->bytes, SB_SPILL, 8);
        sl->spill = *val;
        vlive_write(env, f, lo, lo + 8);
        if (-lo > f->depth)
            f->depth = (int32_t)-lo;
        stack_total_check(env, f);
        return !env->failed;
    }
    uint64_t c;
    uint8_t kind =
        (val && val->type == V_SCALAR && scalar_is_const(&val->s, &c) && c == 0 && lo == hi)
            ? SB_ZERO
            : SB_MISC;
    stack_mark(env, f, lo, hi, size, kind);
    return !env->failed;
}

/* The frame a stack pointer points into. */
static struct vframe *stack_frame(struct vstate *s, const struct vreg *p)
{
    return p->frameno < s->nframes ? s->frames[p->frameno] : NULL;
}

static bool map_writable(const struct venv *env, int map)
{
    return !(env->maps[map].map_flags & BPF_F_RDONLY_PROG);
}

/* One load or store: pointer register P at insn offset OFF, SIZE bytes. For a load DST receives
 * the value; for a store VAL is what is stored (NULL for an unknown value). */
static bool mem_access(struct venv *env, struct vstate *s, int32_t pc, int preg, int16_t off,
                       int size, bool write, struct vreg *dst, const struct vreg *val, bool atomic)
{
    struct vreg *p = &cur(s)->regs[preg];
    int64_t lo, hi;
    char what[64];
    if (p->type == V_NOT_INIT) {
        verr(env, pc, "r%d is read before it is written", preg);
        return false;
    }
    if (p->maybe_null) {
        note_reg(env, s, preg);
        verr(env, pc, "r%d is %s_or_null: it may be NULL here; compare it with 0 before the %s",
             preg, vtype_name(p), write ? "store" : "load");
        return false;
    }
    if (val && vreg_is_ptr(val) && p->type != V_STACK) {
        if (env->unprivileged || p->type == V_CTX || atomic) {
            verr(env, pc, "pointer (%s) stored into %s memory leaks its address", vtype_name(val),
                 vtype_name(p));
            return false;
        }
    }
    if (env->mem_kind) {
        /* one instruction, one kind of memory where the context is involved: context accesses
         * are rewritten for the runtime, so the same instruction cannot also reach other memory
         * (Linux refuses this too) */
        uint8_t k = p->type == V_CTX ? 1 : 2;
        if (env->mem_kind[pc] && env->mem_kind[pc] != k) {
            verr(env, pc,
                 "the same instruction accesses the context on one path and other memory on "
                 "another (r%d is %s here)",
                 preg, vtype_name(p));
            return false;
        }
        env->mem_kind[pc] = k;
    }
    access_bounds(p, off, &lo, &hi);
    switch (p->type) {
    case V_STACK: {
        struct vframe *f = stack_frame(s, p);
        if (!f) {
            verr(env, pc, "stack pointer to a frame that has returned");
            return false;
        }
        /* which slot, for precision backtracking */
        if (lo == hi && (-lo - 1) / 8 == (-(lo + size - 1) - 1) / 8)
            env->hist_slot = (int16_t)((-lo - 1) / 8);
        else
            env->hist_slot = -2;
        env->hist_frame = p->frameno;
        if (write)
            return stack_write(env, pc, f, lo, hi, size, val);
        return stack_read(env, pc, f, lo, hi, size, dst, false, "load");
    }
    case V_CTX: {
        if (p->off != 0 || !scalar_is_const(&p->s, NULL) || p->s.umin != 0) {
            note_reg(env, s, preg);
            verr(env, pc, "context access through a modified context pointer (r%d%+d)", preg,
                 p->off);
            return false;
        }
        struct bpfrt_ctx_access ca;
        const char *why = bpfrt_ctx_access(env->prog_type, env->attach_type, off, size, write, &ca);
        if (why) {
            verr(env, pc, "context (%s) %s of %d bytes at offset %d: %s", env->pt->ctx_name,
                 write ? "store" : "load", size, off, why);
            return false;
        }
        if (atomic) {
            verr(env, pc, "atomic operation on the context");
            return false;
        }
        if (write)
            return true;
        if (env->ctx_ptr && ca.field_size == 4 &&
            (ca.kind == BPFRT_CTX_PKT || ca.kind == BPFRT_CTX_PKT_END ||
             ca.kind == BPFRT_CTX_PKT_META))
            env->ctx_ptr[pc] = (uint8_t)(ca.kind + 1); /* rewritten to the runtime's pointer */
        vreg_scalar_unknown(dst);
        switch (ca.kind) {
        case BPFRT_CTX_PKT: dst->type = V_PKT; break;
        case BPFRT_CTX_PKT_END: dst->type = V_PKT_END; break;
        case BPFRT_CTX_PKT_META: dst->type = V_PKT_META; break;
        case BPFRT_CTX_SOCK_OR_NULL:
            dst->type = V_SOCK;
            dst->maybe_null = true;
            break;
        case BPFRT_CTX_SOCK: dst->type = V_SOCK; break;
        case BPFRT_CTX_FLOW_KEYS: dst->type = V_FLOW_KEYS; break;
        case BPFRT_CTX_BTF_ID: dst->type = V_BTF_ID; break;
        default:
            if (size < 8)
                scalar_urange(&dst->s, 0, (1ull << (8 * size)) - 1);
            return true;
        }
        scalar_const(&dst->s, 0);
        dst->id = new_id(env);
        return true;
    }
    case V_MAP_VALUE:
    case V_MAP_KEY:
    case V_MEM:
        snprintf(what, sizeof(what), "%s",
                 p->type == V_MAP_VALUE ? "map value"
                 : p->type == V_MAP_KEY ? "map key"
                                        : "memory");
        if (write && p->type == V_MAP_KEY) {
            verr(env, pc, "store into a map key (read-only)");
            return false;
        }
        if (write && p->type == V_MAP_VALUE && !map_writable(env, p->map)) {
            verr(env, pc, "store into read-only map '%s'", env->maps[p->map].name);
            return false;
        }
        if (!check_region(env, pc, what, lo, hi, size, p->mem_size)) {
            note_reg(env, s, preg);
            return false;
        }
        break;
    case V_PKT:
    case V_PKT_META: {
        if (write && !env->pt->packet_write) {
            verr(env, pc, "store into the packet: not allowed for %s programs", env->pt->name);
            return false;
        }
        if (atomic) {
            verr(env, pc, "atomic operation on packet data");
            return false;
        }
        if (p->s.smin < 0) {
            note_reg(env, s, preg);
            verr(env, pc, "packet pointer r%d has a variable offset that may be negative", preg);
            return false;
        }
        int64_t a = (int64_t)p->off + off;
        if (a < 0 || a + size > p->range) {
            note_reg(env, s, preg);
            verr(env, pc,
                 "packet access at offset %lld, %d bytes, outside the proven packet range "
                 "[0,%d)%s",
                 (long long)a, size, p->range,
                 p->range == 0 ? ": compare the pointer with data_end first" : "");
            return false;
        }
        if ((uint64_t)p->off + (uint64_t)off + p->s.umax > MAX_PACKET_OFF) {
            verr(env, pc, "packet offset may exceed %d", MAX_PACKET_OFF);
            return false;
        }
        break;
    }
    case V_SOCK:
    case V_SOCK_COMMON:
    case V_TCP_SOCK: {
        int64_t limit = p->type == V_TCP_SOCK ? (int64_t)sizeof(struct bpf_tcp_sock)
                                              : (int64_t)sizeof(struct bpf_sock);
        if (write || atomic) {
            verr(env, pc, "store into a socket (read-only)");
            return false;
        }
        if (!scalar_is_const(&p->s, NULL) || lo % size)
            return verr(env, pc, "socket field access must be at a fixed, aligned offset"), false;
        if (!check_region(env, pc, vtype_name(p), lo, hi, size, limit))
            return false;
        break;
    }
    case V_FLOW_KEYS:
        if (!check_region(env, pc, "flow keys", lo, hi, size, sizeof(struct bpf_flow_keys)))
            return false;
        break;
    case V_BTF_ID:
        if (write || atomic) {
            verr(env, pc, "store through a kernel object pointer");
            return false;
        }
        break;
    default:
        note_reg(env, s, preg);
        verr(env, pc, "%s through r%d, which holds a %s, not a pointer to memory",
             write ? "store" : "load", preg, vtype_name(p));
        return false;
    }
    if (!write && dst) {
        vreg_scalar_unknown(dst);
        if (size < 8)
            scalar_urange(&dst->s, 0, (1ull << (8 * size)) - 1);
        /* a read-only map's contents are fixed when the program is loaded (.rodata: frozen
         * before load), so a load at a known offset gives the known value, as in Linux */
        const struct bpfrt_map_spec *m = p->type == V_MAP_VALUE ? &env->maps[p->map] : NULL;
        if (m && (m->map_flags & BPF_F_RDONLY_PROG) && m->initial && lo == hi && lo >= 0 &&
            (uint64_t)lo + (uint64_t)size <= m->initial_size && !atomic) {
            uint64_t v = 0;
            memcpy(&v, m->initial + lo, (size_t)size); /* little-endian host and target */
            vreg_scalar_const(dst, v);
        }
    }
    return true;
}

static bool check_ldx(struct venv *env, struct vstate *s, int32_t pc, const struct bpfrt_decoded *d)
{
    uint8_t code = env->insns[pc].code;
    int size = bpfrt_access_size(code);
    struct vreg v;
    vreg_not_init(&v);
    if (!mem_access(env, s, pc, d->src, d->off, size, false, &v, NULL, false))
        return false;
    if (BPF_MODE(code) == 0x80 /* BPF_MEMSX (RFC 9669 sign-extending load) */ &&
        v.type == V_SCALAR) {
        /* sign-extending load: the value sign-extended from SIZE bytes */
        struct scalar z;
        scalar_const(&z, 0);
        uint64_t c;
        if (scalar_is_const(&v.s, &c)) {
            int sh = 64 - 8 * size;
            scalar_const(&v.s, (uint64_t)(((int64_t)(c << sh)) >> sh));
        } else {
            scalar_unknown(&v.s);
            int64_t m = (int64_t)1 << (8 * size - 1);
            v.s.smin = -m;
            v.s.smax = m - 1;
            scalar_sync(&v.s);
        }
    }
    v.id = vreg_is_ptr(&v) ? v.id : 0;
    cur(s)->regs[d->dst] = v;
    return true;
}

static bool check_stx(struct venv *env, struct vstate *s, int32_t pc, const struct bpfrt_decoded *d)
{
    uint8_t code = env->insns[pc].code;
    int size = bpfrt_access_size(code);
    struct vreg val;
    if (BPF_CLASS(code) == BPF_ST) {
        vreg_scalar_const(&val, (uint64_t)(int64_t)d->imm);
    } else {
        val = cur(s)->regs[d->src];
        if (val.type == V_NOT_INIT) {
            verr(env, pc, "r%u is read before it is written", d->src);
            return false;
        }
        if (vreg_is_ptr(&val) && size < 8 && env->unprivileged) {
            verr(env, pc, "partial store of a pointer (r%u) leaks its address", d->src);
            return false;
        }
        if (val.type == V_SCALAR && size < 8) {
            /* only the low SIZE bytes are stored */
            struct scalar mask;
            scalar_const(&mask, size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1);
            scalar_alu(&val.s, &mask, BPF_ALU64 | BPF_AND | BPF_X, 0, 0);
            val.id = 0;
        }
    }
    return mem_access(env, s, pc, d->dst, d->off, size, true, NULL, &val, false);
}

static bool check_atomic(struct venv *env, struct vstate *s, int32_t pc,
                         const struct bpfrt_decoded *d)
{
    uint8_t code = env->insns[pc].code;
    int size = bpfrt_access_size(code);
    struct vframe *f = cur(s);
    struct vreg *p = &f->regs[d->dst];
    if (f->regs[d->src].type == V_NOT_INIT) {
        verr(env, pc, "r%u is read before it is written", d->src);
        return false;
    }
    if (vreg_is_ptr(&f->regs[d->src])) {
        verr(env, pc, "atomic operation with a pointer operand (r%u) leaks its address", d->src);
        return false;
    }
    if (p->type != V_STACK && p->type != V_MAP_VALUE && p->type != V_MEM) {
        verr(env, pc, "atomic operation on %s memory: only the stack and map values allow it",
             p->type == V_NOT_INIT ? "uninitialised" : vtype_name(p));
        return false;
    }
    /* atomic operations need an address aligned to their size (Linux: strict alignment) */
    int64_t total_off = (int64_t)p->off + d->off;
    if (total_off % size != 0 || (p->s.var.mask | p->s.var.value) & (uint64_t)(size - 1)) {
        note_reg(env, s, d->dst);
        verr(env, pc,
             "misaligned atomic operation: offset %lld (and variable part) is not a "
             "multiple of %d",
             (long long)total_off, size);
        return false;
    }
    struct vreg old;
    vreg_not_init(&old);
    if (!mem_access(env, s, pc, d->dst, d->off, size, false, &old, NULL, true))
        return false;
    struct vreg unk;
    vreg_scalar_unknown(&unk);
    if (!mem_access(env, s, pc, d->dst, d->off, size, true, NULL, &unk, true))
        return false;
    int32_t op = d->imm;
    if (op == BPF_CMPXCHG) {
        vreg_scalar_unknown(&f->regs[0]);
        if (size == 4)
            scalar_urange(&f->regs[0].s, 0, UINT32_MAX);
    } else if (op & BPF_FETCH) {
        vreg_scalar_unknown(&f->regs[d->src]);
        if (size == 4)
            scalar_urange(&f->regs[d->src].s, 0, UINT32_MAX);
    }
    return true;
}

/* Why Linux would refuse to create map M (the common rules of its map_alloc_check functions), or
 * NULL. */
static const char *map_spec_problem(const struct bpfrt_map_spec *m)
{
    static char why[160];
    switch (m->type) {
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
        /* loaders give a perf event array 4-byte keys and values (cilium/ebpf drops the value
         * type an object declares for documentation) */
        if (m->key_size && m->key_size != 4) {
            snprintf(why, sizeof(why), "perf event array '%s' needs 4-byte keys", m->name);
            return why;
        }
        return NULL;
    case BPF_MAP_TYPE_ARRAY:
    case BPF_MAP_TYPE_PERCPU_ARRAY:
    case BPF_MAP_TYPE_PROG_ARRAY:
    case BPF_MAP_TYPE_CGROUP_ARRAY:
    case BPF_MAP_TYPE_ARRAY_OF_MAPS:
    case BPF_MAP_TYPE_XSKMAP:
        if (m->key_size != 4) {
            snprintf(why, sizeof(why), "an array map needs 4-byte keys, '%s' has %u", m->name,
                     m->key_size);
            return why;
        }
        break;
    case BPF_MAP_TYPE_RINGBUF:
        /* key and value types, when the object gives them, are dropped by loaders (cilium/ebpf,
         * libbpf warns): only the size matters */
        if (!m->max_entries || (m->max_entries & (m->max_entries - 1)) || m->max_entries % 4096) {
            snprintf(why, sizeof(why),
                     "ring buffer '%s' needs a power-of-2 size that is a multiple of 4096 (has "
                     "%u)",
                     m->name, m->max_entries);
            return why;
        }
        return NULL;
    case BPF_MAP_TYPE_QUEUE:
    case BPF_MAP_TYPE_STACK:
        if (m->key_size) {
            snprintf(why, sizeof(why), "queue/stack map '%s' takes no key (key size %u)", m->name,
                     m->key_size);
            return why;
        }
        break;
    default:
        if (m->type != BPF_MAP_TYPE_BLOOM_FILTER && m->key_size == 0 &&
            m->type != BPF_MAP_TYPE_CGROUP_STORAGE && m->type != BPF_MAP_TYPE_SK_STORAGE &&
            m->type != BPF_MAP_TYPE_INODE_STORAGE && m->type != BPF_MAP_TYPE_TASK_STORAGE &&
            m->type != BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE) {
            snprintf(why, sizeof(why), "map '%s' has a key size of 0", m->name);
            return why;
        }
        break;
    }
    if ((m->type == BPF_MAP_TYPE_PROG_ARRAY || m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
         m->type == BPF_MAP_TYPE_HASH_OF_MAPS || m->type == BPF_MAP_TYPE_CGROUP_ARRAY) &&
        m->value_size != 4) {
        snprintf(why, sizeof(why), "map '%s' (%s) needs 4-byte values, it has %u", m->name,
                 bpfrt_map_type_name(m->type), m->value_size);
        return why;
    }
    if (map_type_has_values(m->type) && m->value_size == 0 &&
        m->type != BPF_MAP_TYPE_BLOOM_FILTER) {
        snprintf(why, sizeof(why), "map '%s' has a value size of 0", m->name);
        return why;
    }
    return NULL;
}

/* --- jumps --- */

static bool is_zero_const(const struct vreg *r)
{
    uint64_t c;
    return r->type == V_SCALAR && scalar_is_const(&r->s, &c) && c == 0;
}

/* After a null check: registers sharing ID become NULL (scalar 0) or not-NULL pointers. */
static void mark_null(struct vstate *s, uint32_t id, bool is_null)
{
    uint32_t ref = 0;
    FOR_EACH_REG(s, r, {
        if (r->maybe_null && r->id == id) {
            if (is_null) {
                if (r->ref ==
                    r->id) /* NULL holds no reference; a derived NULL leaves its parent's */
                    ref = r->ref;
                vreg_scalar_const(r, 0);
            } else {
                r->maybe_null = false;
            }
        }
    });
    if (is_null && ref) {
        /* a NULL result holds no reference */
        for (int i = 0; i < s->nrefs; i++)
            if (s->refs[i] == ref) {
                s->refs[i] = s->refs[--s->nrefs];
                break;
            }
    }
}

/* Packet pointers of group ID now have at least RANGE bytes proven. */
static void mark_pkt_range(struct vstate *s, uint8_t type, uint32_t id, int32_t range)
{
    FOR_EACH_REG(s, r, {
        if (r->type == type && r->id == id && r->range < range)
            r->range = range;
    });
}

/* Refines copies of a scalar (same id) after DST was refined; a bound on data_end - data
 * proves packet range. */
static void sync_scalar_copies(struct vstate *s, const struct vreg *dst)
{
    if (dst->pkt_len_id && dst->s.smin > 0 && dst->s.smin <= MAX_PACKET_OFF &&
        (int64_t)dst->pkt_len_off + dst->s.smin > 0)
        mark_pkt_range(s, V_PKT, dst->pkt_len_id, (int32_t)(dst->pkt_len_off + dst->s.smin));
    if (!dst->id)
        return;
    FOR_EACH_REG(s, r, {
        if (r != dst && r->type == V_SCALAR && r->id == dst->id)
            r->s = dst->s;
    });
}

/* What a packet comparison proves: P (pointer of TYPE) vs its end E. Returns the range proven on
 * the edge (-1: nothing). P_LEFT: P is the left operand. */
static int32_t pkt_cmp_range(uint8_t op, bool p_left, bool taken, int32_t off)
{
    /* normalise to P op' E */
    if (!p_left) {
        switch (op) {
        case BPF_JGT: op = BPF_JLT; break;
        case BPF_JGE: op = BPF_JLE; break;
        case BPF_JLT: op = BPF_JGT; break;
        case BPF_JLE: op = BPF_JGE; break;
        default: return -1;
        }
    }
    /* which edge tells P <= E (range off) or P < E (range off + 1) */
    bool le = false, lt = false;
    switch (op) {
    case BPF_JGT: le = !taken; break; /* not (P > E) */
    case BPF_JGE: lt = !taken; break; /* not (P >= E) */
    case BPF_JLT: lt = taken; break;
    case BPF_JLE: le = taken; break;
    default: return -1;
    }
    if (le)
        return off;
    if (lt)
        return off + 1;
    return -1;
}

/* A conditional jump. Returns 1 taken only, 0 fall through only, 2 both (S then describes the
 * fall-through and *OTHER the taken edge), -1 error. */
static int check_cond_jump(struct venv *env, struct vstate *s, int32_t pc,
                           const struct bpfrt_decoded *d, struct vstate **other)
{
    uint8_t code = env->insns[pc].code;
    uint8_t op = BPF_OP(code);
    bool is32 = BPF_CLASS(code) == BPF_JMP32;
    struct vframe *f = cur(s);
    struct vreg *dst = &f->regs[d->dst];
    struct vreg imm, *src;
    if (BPF_SRC(code) == BPF_K) {
        vreg_scalar_const(&imm, is32 ? (uint64_t)(uint32_t)d->imm : (uint64_t)(int64_t)d->imm);
        src = &imm;
    } else {
        src = &f->regs[d->src];
    }
    if (dst->type == V_NOT_INIT || src->type == V_NOT_INIT) {
        verr(env, pc, "r%u is read before it is written",
             dst->type == V_NOT_INIT ? d->dst : d->src);
        return -1;
    }
    *other = NULL;
    /* null checks */
    if ((op == BPF_JEQ || op == BPF_JNE) && !is32 &&
        ((vreg_is_ptr(dst) && is_zero_const(src)) || (vreg_is_ptr(src) && is_zero_const(dst)))) {
        struct vreg *p = vreg_is_ptr(dst) ? dst : src;
        if (!p->maybe_null && p->type != V_BTF_ID)
            return op == BPF_JNE ? 1 : 0; /* a valid pointer is never NULL */
        if (!p->maybe_null) {
            /* a kernel pointer argument may be NULL: both ways (nothing to mark) */
            struct vstate *t0 = vstate_copy(env, s);
            if (!t0) {
                verr(env, pc, "out of memory");
                return -1;
            }
            *other = t0;
            return 2;
        }
        uint32_t id = p->id;
        struct vstate *t = vstate_copy(env, s);
        if (!t) {
            verr(env, pc, "out of memory");
            return -1;
        }
        /* taken edge: JEQ -> NULL, JNE -> not NULL */
        mark_null(t, id, op == BPF_JEQ);
        mark_null(s, id, op != BPF_JEQ);
        *other = t;
        return 2;
    }
    if (vreg_is_ptr(dst) || vreg_is_ptr(src)) {
        /* packet bounds */
        struct vreg *a = dst, *b = src;
        bool done = false;
        int32_t r_taken = -1, r_fall = -1;
        struct vreg *pk = NULL;
        uint8_t pk_type = 0;
        if (!is32 && ((a->type == V_PKT && b->type == V_PKT_END) ||
                      (a->type == V_PKT_META && b->type == V_PKT))) {
            pk = a;
            pk_type = a->type;
            r_taken = pkt_cmp_range(op, true, true, a->off);
            r_fall = pkt_cmp_range(op, true, false, a->off);
            done = true;
        } else if (!is32 && ((b->type == V_PKT && a->type == V_PKT_END) ||
                             (b->type == V_PKT_META && a->type == V_PKT))) {
            pk = b;
            pk_type = b->type;
            r_taken = pkt_cmp_range(op, false, true, b->off);
            r_fall = pkt_cmp_range(op, false, false, b->off);
            done = true;
        }
        if (!done && env->unprivileged && !(a->type == b->type && vreg_is_ptr(a))) {
            verr(env, pc, "comparison of a pointer (%s) with %s",
                 vtype_name(vreg_is_ptr(a) ? a : b), vtype_name(vreg_is_ptr(a) ? b : a));
            return -1;
        }
        uint32_t id = pk ? pk->id : 0;
        bool pk_ok = pk && pk->s.smin >= 0;
        struct vstate *t = vstate_copy(env, s);
        if (!t) {
            verr(env, pc, "out of memory");
            return -1;
        }
        if (pk_ok && r_taken > 0)
            mark_pkt_range(t, pk_type, id, r_taken);
        if (pk_ok && r_fall > 0)
            mark_pkt_range(s, pk_type, id, r_fall);
        *other = t;
        return 2;
    }
    /* two scalars */
    int taken = scalar_branch(&dst->s, &src->s, code);
    if (taken == 1 || taken == 0) {
        /* a decision made from the values: they must match exactly where this is reused */
        need_precise(env, s, d->dst);
        if (BPF_SRC(code) == BPF_X)
            need_precise(env, s, d->src);
        return taken;
    }
    struct vstate *t = vstate_copy(env, s);
    if (!t) {
        verr(env, pc, "out of memory");
        return -1;
    }
    struct vframe *tf = cur(t);
    struct vreg *tdst = &tf->regs[d->dst];
    struct vreg timm = imm, *tsrc = BPF_SRC(code) == BPF_K ? &timm : &tf->regs[d->src];
    bool t_ok = scalar_refine(&tdst->s, &tsrc->s, code, true);
    bool f_ok = scalar_refine(&dst->s, &src->s, code, false);
    if (t_ok) {
        sync_scalar_copies(t, tdst);
        if (BPF_SRC(code) == BPF_X)
            sync_scalar_copies(t, tsrc);
    }
    if (f_ok) {
        sync_scalar_copies(s, dst);
        if (BPF_SRC(code) == BPF_X)
            sync_scalar_copies(s, src);
    }
    if (t_ok && f_ok) {
        *other = t;
        return 2;
    }
    vstate_free(env, t);
    need_precise(env, s, d->dst);
    if (BPF_SRC(code) == BPF_X)
        need_precise(env, s, d->src);
    if (t_ok) {
        /* only the taken edge is feasible: S must describe it */
        bool ok2 = scalar_refine(&dst->s, &src->s, code, true);
        (void)ok2;
        return 1;
    }
    return 0;
}

/* --- helper calls --- */

/* Checks that register R points to SIZE readable (or writable) bytes; for the stack, writes mark
 * the bytes initialised. SIZE_MAX_ZERO: the size may be 0. */
static bool check_mem_arg(struct venv *env, struct vstate *s, int32_t pc, int r, uint64_t size,
                          uint64_t min_size, bool write, bool pkt_ok, const char *what)
{
    struct vreg *p = &cur(s)->regs[r];
    if (size == 0)
        return true;
    if (p->maybe_null) {
        verr(env, pc, "r%d (%s) is %s_or_null: check it against NULL first", r, what,
             vtype_name(p));
        return false;
    }
    int64_t lo, hi;
    access_bounds(p, 0, &lo, &hi);
    if (size > (1u << 29)) {
        verr(env, pc, "r%d: %s of %llu bytes is too large", r, what, (unsigned long long)size);
        return false;
    }
    switch (p->type) {
    case V_STACK: {
        struct vframe *f = stack_frame(s, p);
        if (!f)
            return verr(env, pc, "stack pointer to a returned frame"), false;
        if (write) {
            if (lo < -BPFRT_STACK_SIZE || hi + (int64_t)size > 0) {
                verr(env, pc, "r%d (%s): %llu bytes at fp%lld do not fit in the stack [-512,0)", r,
                     what, (unsigned long long)size, (long long)lo);
                return false;
            }
            /* a helper writes the size it is given: only the smallest certainly */
            stack_mark_range(env, f, lo, hi + (int64_t)size, hi, lo + (int64_t)min_size, SB_MISC);
            return !env->failed;
        }
        char who[96];
        snprintf(who, sizeof(who), "helper argument r%d (%s)", r, what);
        return stack_read(env, pc, f, lo, hi, (int)size, NULL, true, who);
    }
    case V_MAP_VALUE:
    case V_MEM:
    case V_MAP_KEY:
        if (write && p->type == V_MAP_VALUE && !map_writable(env, p->map)) {
            verr(env, pc, "r%d (%s): helper would write into read-only map '%s'", r, what,
                 env->maps[p->map].name);
            return false;
        }
        if (write && p->type == V_MAP_KEY) {
            verr(env, pc, "r%d (%s): helper would write into a map key", r, what);
            return false;
        }
        return check_region(env, pc, p->type == V_MAP_VALUE ? "map value" : "memory", lo, hi,
                            (int)size, p->mem_size);
    case V_PKT:
    case V_PKT_META:
        if (!pkt_ok) {
            verr(env, pc, "r%d (%s): this helper does not take packet pointers", r, what);
            return false;
        }
        if (p->s.smin < 0 || (int64_t)p->off < 0 || (int64_t)p->off + (int64_t)size > p->range) {
            verr(env, pc,
                 "r%d (%s): %llu bytes at packet offset %d outside the proven packet range "
                 "[0,%d)",
                 r, what, (unsigned long long)size, p->off, p->range);
            return false;
        }
        return true;
    case V_CTX:
        verr(env, pc, "r%d (%s): the context is not memory a helper may %s", r, what,
             write ? "write" : "read");
        return false;
    default:
        verr(env, pc, "r%d (%s) must point to memory, it holds %s", r, what, vtype_name(p));
        return false;
    }
}

static bool map_type_has_values(uint32_t t)
{
    switch (t) {
    case BPF_MAP_TYPE_PROG_ARRAY:
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
    case BPF_MAP_TYPE_RINGBUF:
    case BPF_MAP_TYPE_USER_RINGBUF:
    case BPF_MAP_TYPE_STACK_TRACE:
    case BPF_MAP_TYPE_CGROUP_ARRAY:
    case BPF_MAP_TYPE_DEVMAP:
    case BPF_MAP_TYPE_DEVMAP_HASH:
    case BPF_MAP_TYPE_CPUMAP:
    case BPF_MAP_TYPE_XSKMAP:
    case BPF_MAP_TYPE_SOCKMAP:
    case BPF_MAP_TYPE_SOCKHASH:
    case BPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
    case BPF_MAP_TYPE_QUEUE:
    case BPF_MAP_TYPE_STACK:
    case BPF_MAP_TYPE_BLOOM_FILTER: return false;
    default: return true;
    }
}

/* Helper-specific map rules (Linux's check_map_func_compatibility, the common part). */
static const char *map_func_mismatch(const struct bpfrt_map_spec *m, uint32_t helper)
{
    if ((m->map_flags & BPF_F_RDONLY_PROG) &&
        (helper == BPF_FUNC_map_update_elem || helper == BPF_FUNC_map_delete_elem ||
         helper == BPF_FUNC_map_push_elem || helper == BPF_FUNC_map_pop_elem))
        return "the map is read-only for programs";
    switch (helper) {
    case BPF_FUNC_map_lookup_elem:
        if (!map_type_has_values(m->type) && m->type != BPF_MAP_TYPE_SOCKMAP &&
            m->type != BPF_MAP_TYPE_SOCKHASH && m->type != BPF_MAP_TYPE_XSKMAP &&
            m->type != BPF_MAP_TYPE_DEVMAP && m->type != BPF_MAP_TYPE_DEVMAP_HASH &&
            m->type != BPF_MAP_TYPE_CPUMAP)
            return "lookups are not allowed in this map type";
        break;
    case BPF_FUNC_tail_call:
        if (m->type != BPF_MAP_TYPE_PROG_ARRAY)
            return "bpf_tail_call needs a program array";
        break;
    case BPF_FUNC_perf_event_output:
    case BPF_FUNC_perf_event_read:
    case BPF_FUNC_perf_event_read_value:
    case BPF_FUNC_skb_output:
        if (m->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
            return "needs a perf event array";
        break;
    case BPF_FUNC_ringbuf_output:
    case BPF_FUNC_ringbuf_reserve:
    case BPF_FUNC_ringbuf_query:
        if (m->type != BPF_MAP_TYPE_RINGBUF)
            return "needs a ring buffer map";
        break;
    case BPF_FUNC_get_stackid:
        if (m->type != BPF_MAP_TYPE_STACK_TRACE)
            return "needs a stack trace map";
        break;
    case BPF_FUNC_sock_map_update:
    case BPF_FUNC_msg_redirect_map:
    case BPF_FUNC_sk_redirect_map:
        if (m->type != BPF_MAP_TYPE_SOCKMAP)
            return "needs a sockmap";
        break;
    case BPF_FUNC_sock_hash_update:
    case BPF_FUNC_msg_redirect_hash:
    case BPF_FUNC_sk_redirect_hash:
        if (m->type != BPF_MAP_TYPE_SOCKHASH)
            return "needs a sockhash";
        break;
    case BPF_FUNC_redirect_map:
        if (m->type != BPF_MAP_TYPE_DEVMAP && m->type != BPF_MAP_TYPE_DEVMAP_HASH &&
            m->type != BPF_MAP_TYPE_CPUMAP && m->type != BPF_MAP_TYPE_XSKMAP)
            return "needs a devmap, cpumap or xskmap";
        break;
    case BPF_FUNC_map_push_elem:
    case BPF_FUNC_map_pop_elem:
    case BPF_FUNC_map_peek_elem:
        if (m->type != BPF_MAP_TYPE_QUEUE && m->type != BPF_MAP_TYPE_STACK &&
            !(helper == BPF_FUNC_map_peek_elem && m->type == BPF_MAP_TYPE_BLOOM_FILTER) &&
            !(helper == BPF_FUNC_map_push_elem && m->type == BPF_MAP_TYPE_BLOOM_FILTER))
            return "needs a queue or stack map";
        break;
    case BPF_FUNC_map_update_elem:
    case BPF_FUNC_map_delete_elem:
        if (m->type == BPF_MAP_TYPE_PROG_ARRAY || m->type == BPF_MAP_TYPE_RINGBUF ||
            m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY || m->type == BPF_MAP_TYPE_STACK_TRACE)
            return "not allowed on this map type from a program";
        break;
    default: break;
    }
    return NULL;
}

static bool release_ref(struct vstate *s, uint32_t ref)
{
    for (int i = 0; i < s->nrefs; i++)
        if (s->refs[i] == ref) {
            s->refs[i] = s->refs[--s->nrefs];
            /* every copy of the released pointer is gone */
            FOR_EACH_REG(s, r, {
                if (r->ref == ref)
                    vreg_not_init(r);
            });
            return true;
        }
    return false;
}

struct call_ctx {
    const struct bpfrt_map_spec *map; /* the map argument */
    int map_idx;
    int32_t func; /* callback instruction */
    int cb_arg;   /* register holding the callback's context argument */
};

/* Returns the next pc: pc + 1, or the callback's entry when the helper calls one. */
static int32_t check_helper(struct venv *env, struct vstate *s, int32_t pc,
                            const struct bpfrt_decoded *d)
{
    uint32_t id = (uint32_t)d->imm;
    const struct bpfrt_helper_proto *h = bpfrt_helper_proto(id);
    struct vframe *f = cur(s);
    if (!h) {
        verr(env, pc, "call to unknown helper %u", id);
        return -2;
    }
    if (id == BPF_FUNC_kptr_xchg) {
        verr(env, pc, "bpf_kptr_xchg: kernel pointers stored in maps are not supported");
        return -2;
    }
    if (!bpfrt_helper_allowed(id, env->prog_type)) {
        verr(env, pc, "helper %s (%u) is not available to %s programs", h->name, id, env->pt->name);
        return -2;
    }
    if ((h->flags & BPFRT_HELPER_GPL_ONLY) && !env->gpl) {
        verr(env, pc, "helper %s is GPL-only and the program's license is not GPL-compatible",
             h->name);
        return -2;
    }
    struct call_ctx cc = {.map = NULL, .map_idx = -1, .func = -1, .cb_arg = 0};
    /* a socket derived from a referenced one (sk_fullsock, tcp_sock, skc_to_*) lives as long as
     * that reference */
    uint32_t arg1_ref = vreg_is_ptr(&f->regs[1]) ? f->regs[1].ref : 0;
    uint32_t release = 0;
    uint64_t alloc_size = 0;
    for (int a = 0; a < 5 && h->args[a] != BPFRT_ARG_NONE; a++) {
        int r = a + 1;
        struct vreg *v = &f->regs[r];
        uint8_t t = h->args[a];
        if (v->type == V_NOT_INIT) {
            verr(env, pc, "%s: argument r%d is not initialised", h->name, r);
            return -2;
        }
        uint64_t size;
        switch (t) {
        case BPFRT_ARG_ANYTHING:
            if (vreg_is_ptr(v) && env->unprivileged) {
                verr(env, pc, "%s: r%d is a pointer (%s) passed as a number: leaks its address",
                     h->name, r, vtype_name(v));
                return -2;
            }
            break;
        case BPFRT_ARG_MAP:
            if (v->type != V_MAP || v->off != 0) {
                note_reg(env, s, r);
                verr(env, pc, "%s: r%d must be a map, it holds %s%s", h->name, r, vtype_name(v),
                     v->type == V_MAP ? " with an offset" : "");
                return -2;
            }
            cc.map = &env->maps[v->map];
            cc.map_idx = v->map;
            {
                const char *why = map_func_mismatch(cc.map, id);
                if (why) {
                    verr(env, pc, "%s on map '%s' (%s): %s", h->name, cc.map->name,
                         bpfrt_map_type_name(cc.map->type), why);
                    return -2;
                }
            }
            break;
        case BPFRT_ARG_MAP_KEY:
        case BPFRT_ARG_MAP_VALUE:
        case BPFRT_ARG_MAP_VALUE_UNINIT:
            if (!cc.map) {
                verr(env, pc, "%s: r%d needs a map argument before it", h->name, r);
                return -2;
            }
            size = t == BPFRT_ARG_MAP_KEY ? cc.map->key_size : cc.map->value_size;
            if (!check_mem_arg(env, s, pc, r, size, size, t == BPFRT_ARG_MAP_VALUE_UNINIT,
                               h->flags & BPFRT_HELPER_PKT_ACCESS,
                               t == BPFRT_ARG_MAP_KEY ? "map key" : "map value"))
                return -2;
            if (vreg_is_ptr(v) && v->type == V_STACK && t != BPFRT_ARG_MAP_VALUE_UNINIT) {
                /* fine */
            }
            break;
        case BPFRT_ARG_MEM:
        case BPFRT_ARG_MEM_OR_NULL:
        case BPFRT_ARG_UNINIT_MEM: {
            struct vreg *sz = &f->regs[r + 1];
            if (a + 1 >= 5 ||
                (h->args[a + 1] != BPFRT_ARG_SIZE && h->args[a + 1] != BPFRT_ARG_SIZE_OR_ZERO)) {
                verr(env, pc, "%s: internal: memory argument r%d without a size", h->name, r);
                return -2;
            }
            if (sz->type != V_SCALAR) {
                verr(env, pc, "%s: size argument r%d must be a number, it is %s", h->name, r + 1,
                     vtype_name(sz));
                return -2;
            }
            bool zero_ok = h->args[a + 1] == BPFRT_ARG_SIZE_OR_ZERO;
            need_precise(env, s, r + 1);
            if (sz->s.smin < 0) {
                note_reg(env, s, r + 1);
                verr(env, pc, "%s: size argument r%d may be negative", h->name, r + 1);
                return -2;
            }
            if (!zero_ok && sz->s.umin == 0) {
                note_reg(env, s, r + 1);
                verr(env, pc, "%s: size argument r%d may be 0", h->name, r + 1);
                return -2;
            }
            if (t == BPFRT_ARG_MEM_OR_NULL && is_zero_const(v))
                break;
            if (is_zero_const(v) && zero_ok && sz->s.umax == 0)
                break;
            if (sz->s.umax > (1u << 29)) {
                note_reg(env, s, r + 1);
                verr(env, pc, "%s: size argument r%d is not bounded (umax %llu)", h->name, r + 1,
                     (unsigned long long)sz->s.umax);
                return -2;
            }
            if (!check_mem_arg(env, s, pc, r, sz->s.umax, sz->s.umin, t == BPFRT_ARG_UNINIT_MEM,
                               h->flags & BPFRT_HELPER_PKT_ACCESS,
                               t == BPFRT_ARG_UNINIT_MEM ? "output buffer" : "input buffer"))
                return -2;
            break;
        }
        case BPFRT_ARG_SIZE:
        case BPFRT_ARG_SIZE_OR_ZERO: break; /* checked with the memory argument */
        case BPFRT_ARG_CTX:
        case BPFRT_ARG_CTX_OR_NULL:
            if (t == BPFRT_ARG_CTX_OR_NULL && is_zero_const(v))
                break;
            if (v->type != V_CTX || v->off != 0 || !scalar_is_const(&v->s, NULL) ||
                v->s.umin != 0) {
                note_reg(env, s, r);
                verr(env, pc, "%s: r%d must be the context pointer, it holds %s%s", h->name, r,
                     vtype_name(v), v->type == V_CTX ? " with an offset" : "");
                return -2;
            }
            break;
        case BPFRT_ARG_FUNC:
            if (v->type != V_FUNC) {
                verr(env, pc, "%s: r%d must be a callback function, it holds %s", h->name, r,
                     vtype_name(v));
                return -2;
            }
            cc.func = v->map;
            break;
        case BPFRT_ARG_STACK_OR_NULL:
            if (!is_zero_const(v) && v->type != V_STACK) {
                verr(env, pc, "%s: r%d must be a stack pointer or NULL, it holds %s", h->name, r,
                     vtype_name(v));
                return -2;
            }
            cc.cb_arg = r;
            break;
        case BPFRT_ARG_SOCK_COMMON:
        case BPFRT_ARG_SOCKET:
        case BPFRT_ARG_SOCKET_OR_NULL:
            if (t == BPFRT_ARG_SOCKET_OR_NULL && is_zero_const(v))
                break;
            if ((v->type != V_SOCK && v->type != V_SOCK_COMMON && v->type != V_TCP_SOCK &&
                 v->type != V_BTF_ID) ||
                v->maybe_null) {
                verr(env, pc, "%s: r%d must be a socket%s, it holds %s%s", h->name, r,
                     t == BPFRT_ARG_SOCKET_OR_NULL ? " or NULL" : "", vtype_name(v),
                     v->maybe_null ? "_or_null (check it against NULL first)" : "");
                return -2;
            }
            if (h->flags & BPFRT_HELPER_RELEASE)
                release = v->ref;
            break;
        case BPFRT_ARG_BTF_ID:
        case BPFRT_ARG_PERCPU_BTF_ID:
            if (v->type != V_BTF_ID && v->type != V_SOCK && v->type != V_SOCK_COMMON &&
                v->type != V_TCP_SOCK && v->type != V_CTX) {
                verr(env, pc, "%s: r%d must be a kernel object pointer, it holds %s", h->name, r,
                     vtype_name(v));
                return -2;
            }
            break;
        case BPFRT_ARG_ALLOC_MEM:
            if (v->type != V_MEM || !v->ref || v->off != 0 || v->maybe_null ||
                !scalar_is_const(&v->s, NULL) || v->s.umin != 0) {
                verr(env, pc,
                     "%s: r%d must be a ring-buffer record from bpf_ringbuf_reserve%s, "
                     "it holds %s%s",
                     h->name, r, v->maybe_null ? " checked against NULL" : "", vtype_name(v),
                     v->maybe_null ? "_or_null"
                     : v->off      ? " with an offset"
                                   : "");
                return -2;
            }
            release = v->ref;
            break;
        case BPFRT_ARG_ALLOC_SIZE: {
            uint64_t c;
            if (v->type != V_SCALAR || !scalar_is_const(&v->s, &c)) {
                verr(env, pc, "%s: size argument r%d must be a known constant", h->name, r);
                return -2;
            }
            need_precise(env, s, r);
            alloc_size = c;
            break;
        }
        case BPFRT_ARG_SPIN_LOCK:
        case BPFRT_ARG_TIMER:
            if (v->type != V_MAP_VALUE || v->maybe_null) {
                verr(env, pc, "%s: r%d must point into a map value, it holds %s", h->name, r,
                     vtype_name(v));
                return -2;
            }
            if (!check_mem_arg(env, s, pc, r, t == BPFRT_ARG_SPIN_LOCK ? 4 : 16,
                               t == BPFRT_ARG_SPIN_LOCK ? 4 : 16, false, false,
                               t == BPFRT_ARG_SPIN_LOCK ? "spin lock" : "timer"))
                return -2;
            if (t == BPFRT_ARG_SPIN_LOCK) {
                if (id == BPF_FUNC_spin_lock) {
                    if (s->lock_map >= 0) {
                        verr(env, pc, "bpf_spin_lock while a spin lock is already held");
                        return -2;
                    }
                    s->lock_map = v->map;
                    s->lock_id = v->id;
                } else {
                    if (s->lock_map < 0) {
                        verr(env, pc, "bpf_spin_unlock without a held spin lock");
                        return -2;
                    }
                    if (s->lock_map != v->map || s->lock_id != v->id) {
                        verr(env, pc, "bpf_spin_unlock of a different lock than the one held");
                        return -2;
                    }
                    s->lock_map = -1;
                }
            }
            break;
        case BPFRT_ARG_LONG:
        case BPFRT_ARG_INT:
            if (!check_mem_arg(env, s, pc, r, t == BPFRT_ARG_LONG ? 8 : 4,
                               t == BPFRT_ARG_LONG ? 8 : 4, true, false, "result pointer"))
                return -2;
            break;
        case BPFRT_ARG_CONST_STR:
            if (v->type != V_MAP_VALUE || map_writable(env, v->map) || v->maybe_null) {
                verr(env, pc, "%s: r%d must point to a constant string in a read-only map", h->name,
                     r);
                return -2;
            }
            break;
        case BPFRT_ARG_DYNPTR:
            if (v->type != V_STACK) {
                verr(env, pc, "%s: r%d must point to a bpf_dynptr on the stack", h->name, r);
                return -2;
            }
            if (!check_mem_arg(env, s, pc, r, 16, 16, true, false, "dynptr"))
                return -2;
            break;
        default:
            verr(env, pc, "%s: argument r%d of a kind bpfrt does not check", h->name, r);
            return -2;
        }
    }
    if (s->lock_map >= 0 && id != BPF_FUNC_spin_lock && id != BPF_FUNC_spin_unlock) {
        verr(env, pc, "%s called while a spin lock is held", h->name);
        return -2;
    }
    if ((h->flags & BPFRT_HELPER_TAIL_CALL) && (s->nrefs || s->lock_map >= 0 || s->nframes > 1)) {
        /* a successful tail call never comes back: nothing may be left to release, and the
         * callee frames would be lost */
        verr(env, pc, "bpf_tail_call %s",
             s->nrefs           ? "with an unreleased reference (it would leak)"
             : s->lock_map >= 0 ? "while a spin lock is held"
                                : "from a bpf-to-bpf function (Linux allows it only with limits "
                                  "bpfrt does not track)");
        return -2;
    }
    if (release && !release_ref(s, release)) {
        verr(env, pc, "%s: the reference was already released", h->name);
        return -2;
    }
    if (h->flags & BPFRT_HELPER_CHANGES_PKT_DATA) {
        /* the packet may have moved: every pointer into it is stale. Root may still read the
         * old value as a number (Linux); otherwise it is unusable, so its bits cannot leak. */
        for (int fi = 0; fi < s->nframes; fi++) {
            struct vframe *fr = s->frames[fi];
            for (int r = 0; r < 11; r++) {
                struct vreg *v = &fr->regs[r];
                if (v->type == V_PKT || v->type == V_PKT_END || v->type == V_PKT_META) {
                    if (env->unprivileged)
                        vreg_not_init(v);
                    else
                        vreg_scalar_unknown(v);
                }
            }
            for (int i = 0; i < fr->nslots; i++) {
                struct vslot *sl = &fr->slots[i];
                struct vreg *v = &sl->spill;
                if (sl->bytes[0] != SB_SPILL ||
                    (v->type != V_PKT && v->type != V_PKT_END && v->type != V_PKT_META))
                    continue;
                if (env->unprivileged)
                    memset(sl->bytes, SB_INVALID, sizeof(sl->bytes));
                else
                    vreg_scalar_unknown(v);
            }
        }
    }
    struct vreg saved_ctx;
    if (cc.cb_arg)
        saved_ctx = f->regs[cc.cb_arg];
    else
        vreg_scalar_const(&saved_ctx, 0);
    /* the call clobbers r1-r5 */
    for (int r = 1; r <= 5; r++)
        vreg_not_init(&f->regs[r]);
    struct vreg *r0 = &f->regs[0];
    vreg_scalar_unknown(r0);
    switch (h->ret) {
    case BPFRT_RET_VOID: /* nothing to read (Linux: NOT_INIT) */ vreg_not_init(r0); break;
    case BPFRT_RET_MAP_VALUE_OR_NULL:
        if (!cc.map) {
            verr(env, pc, "%s: returns a map value but has no map argument", h->name);
            return -2;
        }
        if (cc.map->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
            cc.map->type == BPF_MAP_TYPE_HASH_OF_MAPS) {
            if (cc.map->inner_map < 0) {
                verr(env, pc, "lookup in map-in-map '%s' whose inner map is not described",
                     cc.map->name);
                return -2;
            }
            r0->type = V_MAP;
            r0->map = cc.map->inner_map;
        } else if (!map_type_has_values(cc.map->type)) {
            r0->type = V_SOCK; /* sockmap/xskmap lookups give sockets */
        } else {
            r0->type = V_MAP_VALUE;
            r0->map = cc.map_idx;
            r0->mem_size = cc.map->value_size;
        }
        r0->maybe_null = true;
        r0->id = new_id(env);
        scalar_const(&r0->s, 0);
        break;
    case BPFRT_RET_SOCKET_OR_NULL:
    case BPFRT_RET_TCP_SOCK_OR_NULL:
    case BPFRT_RET_SOCK_COMMON_OR_NULL:
        r0->type = h->ret == BPFRT_RET_TCP_SOCK_OR_NULL      ? V_TCP_SOCK
                   : h->ret == BPFRT_RET_SOCK_COMMON_OR_NULL ? V_SOCK_COMMON
                                                             : V_SOCK;
        r0->maybe_null = true;
        r0->id = new_id(env);
        scalar_const(&r0->s, 0);
        break;
    case BPFRT_RET_ALLOC_MEM_OR_NULL:
        r0->type = V_MEM;
        r0->mem_size = (uint32_t)alloc_size;
        r0->maybe_null = true;
        r0->id = new_id(env);
        scalar_const(&r0->s, 0);
        break;
    case BPFRT_RET_BTF_ID_OR_NULL:
    case BPFRT_RET_BTF_ID:
        r0->type = V_BTF_ID;
        r0->maybe_null = h->ret == BPFRT_RET_BTF_ID_OR_NULL;
        r0->id = new_id(env);
        scalar_const(&r0->s, 0);
        break;
    case BPFRT_RET_MEM_OR_NULL:
        r0->type = V_MEM;
        r0->mem_size = h->ret_size;
        r0->maybe_null = true;
        r0->id = new_id(env);
        scalar_const(&r0->s, 0);
        break;
    default: break;
    }
    if (!(h->flags & BPFRT_HELPER_ACQUIRE) && arg1_ref &&
        (r0->type == V_SOCK || r0->type == V_SOCK_COMMON || r0->type == V_TCP_SOCK ||
         r0->type == V_BTF_ID))
        r0->ref = arg1_ref;
    if (h->flags & BPFRT_HELPER_ACQUIRE) {
        if (s->nrefs == MAX_REFS) {
            verr(env, pc, "too many references held (%d)", MAX_REFS);
            return -2;
        }
        /* the reference is the pointer's own id: a pointer owns its reference when they are
         * equal (derived pointers carry their parent's) */
        if (!r0->id)
            r0->id = new_id(env);
        r0->ref = r0->id;
        s->refs[s->nrefs++] = r0->ref;
    }
    if ((h->flags & BPFRT_HELPER_CALLBACK) && cc.func >= 0) {
        /* run the callback now, as a call from here; its exit comes back to pc + 1 */
        if (s->nframes == MAX_FRAMES) {
            verr(env, pc, "callback nests calls deeper than %d frames", MAX_FRAMES);
            return -2;
        }
        struct vframe *cf = vframe_new(env, pc, cc.func);
        if (!cf) {
            verr(env, pc, "out of memory");
            return -2;
        }
        cf->callback = true;
        cf->cb_ret_min = 0;
        cf->cb_ret_max = 1;
        vreg_not_init(&cf->regs[10]);
        cf->regs[10].type = V_STACK;
        cf->regs[10].frameno = (uint8_t)s->nframes;
        scalar_const(&cf->regs[10].s, 0);
        /* arguments per helper */
        for (int r = 1; r <= 5; r++)
            vreg_scalar_unknown(&cf->regs[r]);
        if (id == BPF_FUNC_for_each_map_elem && cc.map) {
            cf->regs[4] = saved_ctx;
            cf->regs[1].type = V_MAP;
            cf->regs[1].map = cc.map_idx;
            scalar_const(&cf->regs[1].s, 0);
            cf->regs[2].type = V_MAP_KEY;
            cf->regs[2].map = cc.map_idx;
            cf->regs[2].mem_size = cc.map->key_size;
            scalar_const(&cf->regs[2].s, 0);
            cf->regs[3].type = V_MAP_VALUE;
            cf->regs[3].map = cc.map_idx;
            cf->regs[3].mem_size = cc.map->value_size;
            scalar_const(&cf->regs[3].s, 0);
        } else if (id == BPF_FUNC_loop) {
            scalar_urange(&cf->regs[1].s, 0, UINT32_MAX);
            cf->regs[2] = saved_ctx;
        } else if (id == BPF_FUNC_find_vma) {
            /* callback(task, vma, ctx) */
            for (int r = 1; r <= 2; r++) {
                vreg_not_init(&cf->regs[r]);
                cf->regs[r].type = V_BTF_ID;
                scalar_const(&cf->regs[r].s, 0);
            }
            cf->regs[3] = saved_ctx;
        } else if (id == BPF_FUNC_user_ringbuf_drain) {
            cf->regs[2] = saved_ctx; /* callback(dynptr, ctx); the dynptr is not modelled */
        }
        /* other callbacks (timers): unknown numbers, never a known 0 */
        for (int r = 1; r <= 5; r++)
            cf->cb_args[r] = cf->regs[r];
        s->frames[s->nframes++] = cf;
        return cc.func;
    }
    return pc + 1;
}

/* --- calls and exits --- */

static int32_t check_local_call(struct venv *env, struct vstate *s, int32_t pc,
                                const struct bpfrt_decoded *d)
{
    int32_t target = pc + 1 + d->imm;
    if (s->nframes == MAX_FRAMES) {
        verr(env, pc, "calls nest deeper than %d frames", MAX_FRAMES);
        return -2;
    }
    if (s->lock_map >= 0) {
        verr(env, pc, "function call while a spin lock is held");
        return -2;
    }
    struct vframe *caller = cur(s);
    struct vframe *f = vframe_new(env, pc, target);
    if (!f) {
        verr(env, pc, "out of memory");
        return -2;
    }
    for (int r = 1; r <= 5; r++)
        f->regs[r] = caller->regs[r];
    f->regs[10].type = V_STACK;
    f->regs[10].frameno = (uint8_t)s->nframes;
    scalar_const(&f->regs[10].s, 0);
    s->frames[s->nframes++] = f;
    /* the combined stack of the call chain */
    int32_t total = 0;
    for (int i = 0; i < s->nframes; i++)
        total += (s->frames[i]->depth + 31) & ~31;
    if (total > env->max_stack)
        env->max_stack = total;
    if (total > BPFRT_STACK_SIZE) {
        verr(env, pc, "combined stack of the call chain is %d bytes, more than %d", total,
             BPFRT_STACK_SIZE);
        return -2;
    }
    return target;
}

/* Checks r0 at the program's exit against the program type. */
static bool check_return(struct venv *env, struct vstate *s, int32_t pc)
{
    struct vreg *r0 = &cur(s)->regs[0];
    if (cur(s)->depth > env->max_stack)
        env->max_stack = cur(s)->depth;
    if (r0->type == V_NOT_INIT) {
        verr(env, pc, "r0 is not set at exit: the program returns nothing");
        return false;
    }
    if (vreg_is_ptr(r0) && (env->unprivileged || env->pt->ret_checked)) {
        verr(env, pc, "returns a pointer (%s)%s", vtype_name(r0),
             env->unprivileged ? ": leaks its address" : "");
        return false;
    }
    if (s->nrefs) {
        verr(env, pc,
             "exit with %d unreleased reference%s (a reserved ring-buffer record or a "
             "socket must be submitted/released on every path)",
             s->nrefs, s->nrefs > 1 ? "s" : "");
        return false;
    }
    if (s->lock_map >= 0) {
        verr(env, pc, "exit with a spin lock held");
        return false;
    }
    if (env->pt->ret_checked && r0->type == V_SCALAR) {
        need_precise(env, s, 0);
        if (r0->s.smin < env->pt->ret_min || r0->s.smax > env->pt->ret_max) {
            char t[160];
            scalar_format(&r0->s, t, sizeof(t));
            verr(env, pc, "return value %s outside the range [%lld,%lld] allowed for %s programs",
                 t, (long long)env->pt->ret_min, (long long)env->pt->ret_max, env->pt->name);
            return false;
        }
    }
    return true;
}

static int32_t check_exit(struct venv *env, struct vstate *s, int32_t pc, struct vstate **branch,
                          int32_t *branch_pc)
{
    if (s->nframes == 1)
        return check_return(env, s, pc) ? -1 : -2;
    struct vframe *callee = cur(s);
    struct vreg r0 = callee->regs[0];
    if (r0.type == V_NOT_INIT) {
        verr(env, pc, "r0 is not set when the function returns");
        return -2;
    }
    if (r0.type == V_STACK && r0.frameno == s->nframes - 1) {
        verr(env, pc, "function returns a pointer to its own stack");
        return -2;
    }
    if (callee->callback) {
        need_precise(env, s, 0);
        if (r0.type != V_SCALAR || r0.s.smin < callee->cb_ret_min ||
            r0.s.smax > callee->cb_ret_max) {
            char t[160];
            vreg_format(env, &r0, t, sizeof(t));
            verr(env, pc, "callback returns %s, outside [%lld,%lld]", t,
                 (long long)callee->cb_ret_min, (long long)callee->cb_ret_max);
            return -2;
        }
    }
    int32_t callsite = callee->callsite;
    bool callback = callee->callback;
    struct vframe *caller = s->frames[s->nframes - 2];
    if (callback) {
        /* the helper may call the callback again: explore that too (pruning at the
         * callback's entry ends the iteration once nothing new happens) */
        struct vstate *again = vstate_copy(env, s);
        if (!again) {
            verr(env, pc, "out of memory");
            return -2;
        }
        struct vframe *cf = again->frames[again->nframes - 1];
        int32_t entry = cf->subprog;
        for (int r = 0; r < 11; r++)
            vreg_not_init(&cf->regs[r]);
        for (int r = 1; r <= 5; r++)
            cf->regs[r] = cf->cb_args[r];
        cf->regs[10].type = V_STACK;
        cf->regs[10].frameno = (uint8_t)(again->nframes - 1);
        scalar_const(&cf->regs[10].s, 0);
        /* a fresh stack for the new invocation */
        vframe_reset_stack(env, cf);
        *branch = again;
        *branch_pc = entry;
    }
    s->nframes--;
    vframe_free(env, callee);
    for (int r = 1; r <= 5; r++)
        vreg_not_init(&caller->regs[r]);
    if (callback)
        vreg_scalar_unknown(&caller->regs[0]); /* the helper's return value */
    else
        caller->regs[0] = r0;
    return callsite + 1;
}

int32_t vcheck_insn(struct venv *env, struct vstate *s, int32_t pc, struct vstate **branch,
                    int32_t *branch_pc)
{
    const struct bpfrt_decoded *d = &env->dec[pc];
    uint8_t code = env->insns[pc].code;
    struct vframe *f = cur(s);
    *branch = NULL;
    switch (d->shape) {
    case BPFRT_SHAPE_ALU_K:
    case BPFRT_SHAPE_ALU_X:
    case BPFRT_SHAPE_ALU_NEG:
    case BPFRT_SHAPE_ENDIAN:
        if (d->shape == BPFRT_SHAPE_ENDIAN || d->shape == BPFRT_SHAPE_ALU_NEG) {
            struct vreg *dst = &f->regs[d->dst];
            if (dst->type == V_NOT_INIT) {
                verr(env, pc, "r%u is read before it is written", d->dst);
                return -2;
            }
            if (vreg_is_ptr(dst)) {
                if (env->unprivileged) {
                    verr(env, pc, "%s of a pointer leaks its address",
                         bpfrt_form_info(d->form)->mnemonic);
                    return -2;
                }
                vreg_scalar_unknown(dst);
                return pc + 1;
            }
            struct scalar z;
            scalar_const(&z, 0);
            dst->id = 0;
            dst->pkt_len_id = 0;
            scalar_alu(&dst->s, &z, code, d->off, d->imm);
            return pc + 1;
        }
        return check_alu(env, s, pc, d) ? pc + 1 : -2;
    case BPFRT_SHAPE_LDDW: {
        struct vreg *dst = &f->regs[d->dst];
        vreg_not_init(dst);
        switch (d->src) {
        case 0: vreg_scalar_const(dst, d->imm64); break;
        case 5:
        case 6:
            if (d->imm < 0 || (size_t)d->imm >= env->map_cnt) {
                verr(env, pc, "lddw refers to map %d, the object has %zu", d->imm, env->map_cnt);
                return -2;
            }
            dst->map = d->imm;
            scalar_const(&dst->s, 0);
            {
                const char *why = map_spec_problem(&env->maps[d->imm]);
                if (why) {
                    verr(env, pc, "invalid map definition: %s", why);
                    return -2;
                }
            }
            if (d->src == 5) {
                dst->type = V_MAP;
            } else {
                const struct bpfrt_map_spec *m = &env->maps[d->imm];
                uint32_t off = (uint32_t)(d->imm64 >> 32);
                if (m->type != BPF_MAP_TYPE_ARRAY || m->max_entries != 1 || off >= m->value_size) {
                    verr(env, pc,
                         "direct value access to map '%s' at offset %u: needs a one-element "
                         "array with a value larger than the offset",
                         m->name, off);
                    return -2;
                }
                dst->type = V_MAP_VALUE;
                dst->off = (int32_t)off;
                dst->mem_size = m->value_size;
            }
            break;
        case 4: {
            int32_t target = pc + 1 + d->imm;
            if (target < 0 || (size_t)target >= env->n) {
                verr(env, pc, "function address %d is outside the program", target);
                return -2;
            }
            dst->type = V_FUNC;
            dst->map = target;
            scalar_const(&dst->s, 0);
            break;
        }
        default:
            verr(env, pc,
                 "lddw with pseudo source %u (map by fd or variable address) cannot be "
                 "checked here: load through the object loader",
                 d->src);
            return -2;
        }
        return pc + 2;
    }
    case BPFRT_SHAPE_LDABS:
    case BPFRT_SHAPE_LDIND: {
        if (env->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
            env->prog_type != BPF_PROG_TYPE_SCHED_CLS &&
            env->prog_type != BPF_PROG_TYPE_SCHED_ACT && env->prog_type != 0) {
            verr(env, pc, "legacy packet load (ld_abs/ld_ind) not allowed for %s programs",
                 env->pt->name);
            return -2;
        }
        if (f->regs[6].type != V_CTX) {
            verr(env, pc, "legacy packet load needs the context in r6, r6 holds %s",
                 vtype_name(&f->regs[6]));
            return -2;
        }
        if (s->nrefs || s->lock_map >= 0 || s->nframes > 1) {
            /* an out-of-range legacy load ends the program on the spot */
            verr(env, pc, "legacy packet load %s: it may end the program here",
                 s->nrefs           ? "with an unreleased reference"
                 : s->lock_map >= 0 ? "while a spin lock is held"
                                    : "inside a bpf-to-bpf function");
            return -2;
        }
        if (d->shape == BPFRT_SHAPE_LDIND && f->regs[d->src].type != V_SCALAR) {
            verr(env, pc, "ld_ind offset register r%u must be a number", d->src);
            return -2;
        }
        for (int r = 1; r <= 5; r++)
            vreg_not_init(&f->regs[r]);
        int size = bpfrt_access_size(code);
        vreg_scalar_unknown(&f->regs[0]);
        if (size < 8)
            scalar_urange(&f->regs[0].s, 0, (1ull << (8 * size)) - 1);
        return pc + 1;
    }
    case BPFRT_SHAPE_LDX: return check_ldx(env, s, pc, d) ? pc + 1 : -2;
    case BPFRT_SHAPE_ST:
    case BPFRT_SHAPE_STX: return check_stx(env, s, pc, d) ? pc + 1 : -2;
    case BPFRT_SHAPE_ATOMIC: return check_atomic(env, s, pc, d) ? pc + 1 : -2;
    case BPFRT_SHAPE_JA: return pc + 1 + d->off;
    case BPFRT_SHAPE_JA32: return pc + 1 + d->imm;
    case BPFRT_SHAPE_JMP_K:
    case BPFRT_SHAPE_JMP_X: {
        struct vstate *other = NULL;
        int rc = check_cond_jump(env, s, pc, d, &other);
        if (rc < 0)
            return -2;
        if (rc == 1)
            return pc + 1 + d->off;
        if (rc == 0)
            return pc + 1;
        *branch = other;
        *branch_pc = pc + 1 + d->off;
        return pc + 1;
    }
    case BPFRT_SHAPE_CALL:
        if (d->form == BPFRT_FORM_CALL_LOCAL)
            return check_local_call(env, s, pc, d);
        if (d->form == BPFRT_FORM_CALL)
            return check_helper(env, s, pc, d);
        verr(env, pc, "calls to kernel functions (kfuncs) are not supported");
        return -2;
    case BPFRT_SHAPE_CALLX:
        verr(env, pc, "indirect calls (callx) are not supported by the verifier");
        return -2;
    case BPFRT_SHAPE_EXIT: return check_exit(env, s, pc, branch, branch_pc);
    }
    verr(env, pc, "instruction not handled");
    return -2;
}
