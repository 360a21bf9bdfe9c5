/* The verifier's driver: structural checks and liveness (the control-flow stage), then a
 * depth-first exploration of every path with the abstract state, pruning a path where a state
 * already proven safe at the same instruction covers it; then the result and its message. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/verifier.h"
#include "platform/platform.h"
#include "verifier/vstate.h"

#define DEFAULT_INSN_LIMIT 1000000u
/* Exploration budgets besides the instruction count (Linux has the first two): */
#define MAX_PENDING 8192u  /* branches waiting to be explored (BPF_COMPLEXITY_LIMIT_JMP_SEQ) */
#define MAX_LOOP_STATES 64 /* states kept at one instruction while paths through them run */
#define MAX_HIST 512 /* instructions recorded for precision tracking since the last kept state */
#define DEFAULT_MEM_LIMIT ((size_t)64 << 20) /* bytes of abstract states alive at once */

/* --- control flow and liveness --- */

static uint16_t bit(unsigned r)
{
    return (uint16_t)(1u << r);
}

/* Registers instruction PC reads (*USE) and writes (*DEF). */
static void use_def(const struct venv *env, int32_t pc, uint16_t *use, uint16_t *def)
{
    const struct bpfrt_decoded *d = &env->dec[pc];
    const struct bpfrt_form_info *fi = bpfrt_form_info(d->form);
    uint8_t op = BPF_OP(env->insns[pc].code);
    *use = *def = 0;
    switch (fi->shape) {
    case BPFRT_SHAPE_ALU_K:
        *use = op == BPF_MOV ? 0 : bit(d->dst);
        *def = bit(d->dst);
        break;
    case BPFRT_SHAPE_ALU_X:
        *use = (uint16_t)(bit(d->src) | (op == BPF_MOV ? 0 : bit(d->dst)));
        *def = bit(d->dst);
        break;
    case BPFRT_SHAPE_ALU_NEG:
    case BPFRT_SHAPE_ENDIAN: *use = *def = bit(d->dst); break;
    case BPFRT_SHAPE_LDDW: *def = bit(d->dst); break;
    case BPFRT_SHAPE_LDABS:
        *use = bit(6);
        *def = 0x3f;
        break;
    case BPFRT_SHAPE_LDIND:
        *use = (uint16_t)(bit(6) | bit(d->src));
        *def = 0x3f;
        break;
    case BPFRT_SHAPE_LDX:
        *use = bit(d->src);
        *def = bit(d->dst);
        break;
    case BPFRT_SHAPE_ST: *use = bit(d->dst); break;
    case BPFRT_SHAPE_STX: *use = (uint16_t)(bit(d->dst) | bit(d->src)); break;
    case BPFRT_SHAPE_ATOMIC:
        *use = (uint16_t)(bit(d->dst) | bit(d->src));
        if (d->imm == BPF_CMPXCHG) {
            *use |= bit(0);
            *def = bit(0);
        } else if (d->imm & BPF_FETCH) {
            *def = bit(d->src);
        }
        break;
    case BPFRT_SHAPE_JMP_K: *use = bit(d->dst); break;
    case BPFRT_SHAPE_JMP_X: *use = (uint16_t)(bit(d->dst) | bit(d->src)); break;
    case BPFRT_SHAPE_CALL:
        *use = 0x3e; /* r1-r5 */
        *def = 0x3f;
        break;
    case BPFRT_SHAPE_CALLX:
        *use = (uint16_t)(0x3e | bit(d->dst));
        *def = 0x3f;
        break;
    case BPFRT_SHAPE_EXIT: *use = bit(0); break;
    default: break;
    }
    *use &= 0x3ff;
}

/* Successors of PC inside its function: up to two. */
static int successors(const struct venv *env, int32_t pc, int32_t out[2])
{
    const struct bpfrt_decoded *d = &env->dec[pc];
    switch (d->shape) {
    case BPFRT_SHAPE_EXIT: return 0;
    case BPFRT_SHAPE_JA: out[0] = pc + 1 + d->off; return 1;
    case BPFRT_SHAPE_JA32: out[0] = pc + 1 + d->imm; return 1;
    case BPFRT_SHAPE_JMP_K:
    case BPFRT_SHAPE_JMP_X:
        out[0] = pc + 1;
        out[1] = pc + 1 + d->off;
        return 2;
    default: out[0] = pc + d->slots; return 1;
    }
}

static int setup_cfg(struct venv *env)
{
    size_t n = env->n;
    env->prune = calloc(n + 1, 1);
    env->live_in = calloc(n + 1, sizeof(uint16_t));
    env->visited = calloc(n + 1, 1);
    env->kept = calloc(n + 1, sizeof(struct kept *));
    env->cb_entry = calloc(n + 1, 1);
    env->leader = calloc(n + 1, 1);
    if (!env->prune || !env->live_in || !env->visited || !env->kept || !env->cb_entry ||
        !env->leader)
        return -ENOMEM;
    for (size_t pc = 0; pc < n; pc++) {
        const struct bpfrt_decoded *d = &env->dec[pc];
        if (!d->form)
            continue;
        enum bpfrt_shape sh = d->shape;
        int32_t succ[2];
        int ns = successors(env, (int32_t)pc, succ);
        /* block leaders (for the picture): whatever a jump or call leads to */
        if (sh == BPFRT_SHAPE_JA || sh == BPFRT_SHAPE_JA32 || sh == BPFRT_SHAPE_JMP_K ||
            sh == BPFRT_SHAPE_JMP_X)
            for (int i = 0; i < ns; i++)
                env->leader[succ[i]] = 1;
        if (d->form == BPFRT_FORM_CALL_LOCAL) {
            env->prune[pc + 1 + (size_t)d->imm] = 1;
            env->leader[pc + 1 + (size_t)d->imm] = env->leader[pc + 1] = 1;
        }
        if (d->form == BPFRT_FORM_LDDW_CODE_ADDR) {
            int64_t t = (int64_t)pc + 1 + d->imm;
            if (t < 0 || (size_t)t >= n || !env->dec[t].form)
                return -ERANGE; /* refused by the caller with the instruction named */
            env->prune[t] = env->leader[t] = env->cb_entry[t] = 1;
        }
        if (d->form == BPFRT_FORM_CALL)
            env->leader[pc + 1] = 1;
    }
    /* pruning points: the block leaders (measured on the corpus: checking states where paths
     * meet prunes more than checking them at the jumps, as Linux does) */
    for (size_t pc = 0; pc < n; pc++)
        env->prune[pc] |= env->leader[pc];
    /* liveness: registers read before written on some path from each instruction (within its
     * function; a call reads r1-r5 and writes r0-r5, an exit reads r0) */
    uint16_t *use = malloc(n * sizeof(uint16_t)), *def = malloc(n * sizeof(uint16_t));
    if (!use || !def) {
        free(use);
        free(def);
        return -ENOMEM;
    }
    for (size_t pc = 0; pc < n; pc++)
        if (env->dec[pc].form)
            use_def(env, (int32_t)pc, &use[pc], &def[pc]);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = n; i-- > 0;) {
            if (!env->dec[i].form)
                continue;
            int32_t succ[2];
            int ns = successors(env, (int32_t)i, succ);
            uint16_t out = 0;
            for (int k = 0; k < ns; k++)
                if (succ[k] >= 0 && (size_t)succ[k] < n)
                    out |= env->live_in[succ[k]];
            uint16_t in = (uint16_t)(use[i] | (out & ~def[i]));
            if (in != env->live_in[i]) {
                env->live_in[i] = in;
                changed = true;
            }
        }
    }
    free(use);
    free(def);
    return 0;
}

/* --- precision --- */

/* Marks registers REGS and stack slots SLOTS of the innermost frame of S precise. Returns
 * false when they all were already (then their sources were marked before). */
static bool apply_marks(struct vstate *s, uint16_t regs, uint64_t slots)
{
    struct vframe *f = s->frames[s->nframes - 1];
    bool changed = false;
    if (s->all_precise)
        return false;
    for (unsigned m = regs & 0x3ffu; m; m &= m - 1) {
        struct vreg *r = &f->regs[__builtin_ctz(m)];
        if (r->type == V_SCALAR && !r->precise) {
            r->precise = true;
            changed = true;
        }
    }
    for (uint64_t m = slots; m; m &= m - 1) {
        int i = __builtin_ctzll(m);
        if (i >= f->nslots)
            break;
        struct vslot *sl = &f->slots[i];
        if (sl->bytes[0] == SB_SPILL && sl->spill.type == V_SCALAR && !sl->spill.precise) {
            sl->spill.precise = true;
            changed = true;
        }
    }
    return changed;
}

/* Steps back over one executed instruction: REGS/SLOTS (needed after it) become what is needed
 * before it. Returns false where the simple rules stop (calls between frames, stack accesses at
 * unknown offsets): the caller then makes every scalar precise. */
static bool backtrack(const struct venv *env, const struct hentry *e, uint16_t *regs,
                      uint64_t *slots)
{
    const struct bpfrt_decoded *d = &env->dec[e->pc];
    uint8_t op = BPF_OP(env->insns[e->pc].code);
    uint16_t dbit = (uint16_t)(1u << d->dst), sbit = (uint16_t)(1u << d->src);
    switch (d->shape) {
    case BPFRT_SHAPE_ALU_K:
        if ((*regs & dbit) && op == BPF_MOV)
            *regs &= (uint16_t)~dbit;
        return true;
    case BPFRT_SHAPE_ALU_X:
        if (*regs & dbit) {
            if (op == BPF_MOV)
                *regs &= (uint16_t)~dbit;
            if (d->src != 10)
                *regs |= sbit;
        }
        return true;
    case BPFRT_SHAPE_ALU_NEG:
    case BPFRT_SHAPE_ENDIAN:
    case BPFRT_SHAPE_JA:
    case BPFRT_SHAPE_JA32:
    case BPFRT_SHAPE_JMP_K:
    case BPFRT_SHAPE_JMP_X: return true;
    case BPFRT_SHAPE_LDDW: *regs &= (uint16_t)~dbit; return true;
    case BPFRT_SHAPE_LDX:
        if (*regs & dbit) {
            *regs &= (uint16_t)~dbit;
            if (e->slot == -2 || (e->slot >= 0 && e->frame + 1 != e->depth))
                return false;
            if (e->slot >= 0 && e->slot < 64)
                *slots |= 1ull << e->slot;
        }
        return true;
    case BPFRT_SHAPE_ST:
    case BPFRT_SHAPE_STX:
        if (*slots && (e->slot == -2 || (e->slot >= 0 && e->frame + 1 != e->depth)))
            return false;
        if (e->slot >= 0 && e->slot < 64 && (*slots & (1ull << e->slot))) {
            *slots &= ~(1ull << e->slot);
            if (d->shape == BPFRT_SHAPE_STX)
                *regs |= sbit;
        }
        return true;
    case BPFRT_SHAPE_ATOMIC:
        if (*slots && e->slot != -1)
            return false;
        *regs &= (uint16_t) ~(sbit | 1u);
        return true;
    case BPFRT_SHAPE_LDABS:
    case BPFRT_SHAPE_LDIND: *regs &= (uint16_t)~0x3fu; return true;
    case BPFRT_SHAPE_CALL:
        if (d->form == BPFRT_FORM_CALL) {
            const struct bpfrt_helper_proto *h = bpfrt_helper_proto((uint32_t)d->imm);
            if (h && (h->flags & BPFRT_HELPER_CALLBACK))
                return false;
            *regs &= (uint16_t)~0x3fu; /* r0 is the helper's, r1-r5 are gone */
            return true;
        }
        return false;
    default: return false; /* exits and local calls cross frames */
    }
}

/* The exact values of REGS/SLOTS (innermost frame) of the current state matter: mark them, and
 * what they were computed from, precise in this state and the kept states it came through, so
 * that pruning against those compares them. */
static void mark_precise(struct venv *env, struct vstate *st, struct kept *last, uint16_t regs,
                         uint64_t slots, int depth)
{
    struct vstate *s = st;
    struct kept *k = last;
    if (st->nframes == depth)
        apply_marks(s, regs, slots);
    for (;;) {
        for (uint32_t i = s->nhist; i-- > 0;) {
            if (s->hist[i].depth != depth || !backtrack(env, &s->hist[i], &regs, &slots))
                goto give_up;
            if (!regs && !slots)
                return;
        }
        if (!k)
            return;
        s = k->st;
        if (s->nframes != depth)
            goto give_up;
        if (!apply_marks(s, regs, slots))
            return; /* already precise there: its sources were marked then */
        k = k->parent;
    }
give_up:
    for (; k; k = k->parent)
        k->st->all_precise = true;
    if (s != st)
        s->all_precise = true;
}

/* A path that runs long without keeping a state (a loop past MAX_LOOP_STATES) would copy an
 * ever longer history at every branch: it gives up precision tracking instead (every number of
 * its states and their ancestors is compared exactly from then on) and forgets the history. */
static void forget_history(struct vstate *st, struct kept *last)
{
    for (struct kept *k = last; k; k = k->parent)
        k->st->all_precise = true;
    st->all_precise = true;
    st->nhist = 0;
}

/* The precision that made OLD cover CUR now holds for CUR's path too. */
static void inherit_precision(struct venv *env, struct vstate *cur, struct kept *last,
                              const struct vstate *old)
{
    uint16_t regs = 0;
    uint64_t slots = 0;
    bool outer = old->all_precise;
    for (int fi = 0; fi < old->nframes; fi++) {
        const struct vframe *f = old->frames[fi];
        bool inner = fi == old->nframes - 1;
        for (int r = 0; r < 10; r++)
            if (f->regs[r].type == V_SCALAR && f->regs[r].precise) {
                if (inner)
                    regs |= (uint16_t)(1u << r);
                else
                    outer = true;
            }
        for (int i = 0; i < f->nslots; i++)
            if (f->slots[i].bytes[0] == SB_SPILL && f->slots[i].spill.type == V_SCALAR &&
                f->slots[i].spill.precise) {
                if (inner && i < 64)
                    slots |= 1ull << i;
                else
                    outer = true;
            }
    }
    if (outer) {
        for (struct kept *k = last; k; k = k->parent)
            k->st->all_precise = true;
        return;
    }
    if (regs || slots)
        mark_precise(env, cur, last, regs, slots, cur->nframes);
}

/* --- the control-flow picture --- */

static void block_visit(struct block_sum *b, const struct vstate *s)
{
    const struct vframe *f = s->frames[s->nframes - 1];
    b->visits++;
    if (!b->seen) {
        b->seen = true;
        memcpy(b->regs, f->regs, sizeof(b->regs));
        return;
    }
    for (int r = 0; r < 11; r++) {
        struct vreg *j = &b->regs[r];
        const struct vreg *c = &f->regs[r];
        if (b->mixed[r])
            continue;
        if (j->type != c->type || j->maybe_null != c->maybe_null ||
            (c->type != V_SCALAR && (j->off != c->off || j->map != c->map))) {
            b->mixed[r] = true;
            continue;
        }
        scalar_join(&j->s, &c->s);
        if (j->range > c->range)
            j->range = c->range;
    }
}

static void dot_escape(char *out, size_t len, const char *in)
{
    size_t n = 0;
    for (; *in && n + 3 < len; in++) {
        if (*in == '"' || *in == '\\' || *in == '{' || *in == '}' || *in == '<' || *in == '>' ||
            *in == '|')
            out[n++] = '\\';
        out[n++] = *in;
    }
    out[n] = '\0';
}

/* Graphviz text of the control-flow graph: one node per block with its instructions and the
 * registers every state reaching it agreed on (joined ranges; "mixed" where they disagree). */
static char *make_dot(struct venv *env, const char *title)
{
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
#define EMIT(...)                                                                                  \
    do {                                                                                           \
        int need_ = snprintf(NULL, 0, __VA_ARGS__);                                                \
        if (len + (size_t)need_ + 1 > cap) {                                                       \
            while (len + (size_t)need_ + 1 > cap)                                                  \
                cap *= 2;                                                                          \
            char *np_ = realloc(out, cap);                                                         \
            if (!np_) {                                                                            \
                free(out);                                                                         \
                return NULL;                                                                       \
            }                                                                                      \
            out = np_;                                                                             \
        }                                                                                          \
        len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__);                                \
    } while (0)
    char esc[600];
    dot_escape(esc, sizeof(esc), title);
    EMIT("digraph \"%s\" {\n  node [shape=record, fontname=\"monospace\", fontsize=10];\n", esc);
    for (size_t pc = 0; pc < env->n;) {
        /* a block: from a start to the instruction before the next start or after a jump */
        size_t start = pc;
        EMIT("  b%zu [label=\"{", start);
        const struct block_sum *b = &env->blocks[start];
        if (b->seen) {
            EMIT("%u visit%s:", b->visits, b->visits > 1 ? "s" : "");
            for (int r = 0; r < 11; r++) {
                if (r < 10 && !(env->live_in[start] & (1u << r)))
                    continue;
                char t[200];
                if (b->mixed[r])
                    snprintf(t, sizeof(t), "mixed");
                else
                    vreg_format(env, &b->regs[r], t, sizeof(t));
                dot_escape(esc, sizeof(esc), t);
                EMIT(" r%d=%s", r, esc);
            }
            EMIT("|");
        } else {
            EMIT("never reached|");
        }
        int32_t succ[2];
        int ns = 0;
        for (;;) {
            char text[128];
            int slots = bpfrt_disasm_insn(env->insns, env->n, pc, text, sizeof(text));
            dot_escape(esc, sizeof(esc), text);
            EMIT("%zu: %s\\l", pc, esc);
            ns = successors(env, (int32_t)pc, succ);
            size_t next = pc + (size_t)(slots > 0 ? slots : 1);
            enum bpfrt_shape sh = env->dec[pc].shape;
            bool ends = sh == BPFRT_SHAPE_EXIT || sh == BPFRT_SHAPE_JA || sh == BPFRT_SHAPE_JA32 ||
                        sh == BPFRT_SHAPE_JMP_K || sh == BPFRT_SHAPE_JMP_X;
            pc = next;
            if (ends || pc >= env->n || env->leader[pc])
                break;
            ns = 1;
            succ[0] = (int32_t)pc;
        }
        EMIT("}\"%s];\n", env->visited[start] ? "" : ", style=dashed");
        for (int i = 0; i < ns; i++)
            if (succ[i] >= 0 && (size_t)succ[i] < env->n)
                EMIT("  b%zu -> b%d%s;\n", start, succ[i],
                     ns == 2 ? (i == 0 ? " [label=\"false\"]" : " [label=\"true\"]") : "");
    }
    EMIT("}\n");
#undef EMIT
    return out;
}

/* A cheap summary of a state at PC for pruning: the kinds of its live registers. Two states
 * whose keys differ cannot cover each other, unless the old one has an uninitialised live
 * register (WILD), which covers anything. */
static uint32_t state_key(const struct venv *env, const struct vstate *s, int32_t pc, bool *wild)
{
    const struct vframe *f = s->frames[s->nframes - 1];
    uint32_t key = (uint32_t)s->nframes * 0x9e3779b1u;
    uint16_t live = env->live_in[pc];
    *wild = false;
    for (int r = 0; r < 10; r++) {
        if (!(live & (1u << r)))
            continue;
        const struct vreg *v = &f->regs[r];
        if (v->type == V_NOT_INIT)
            *wild = true;
        key = (key ^ (uint32_t)(v->type * 2 + v->maybe_null)) * 0x01000193u;
        if (v->type != V_SCALAR && v->type != V_NOT_INIT)
            key = (key ^ (uint32_t)v->off ^ (uint32_t)v->map << 8 ^ v->mem_size << 16 ^
                   (uint32_t)v->frameno << 28) *
                  0x01000193u;
    }
    for (int i = 0; i < s->nframes; i++)
        key = (key ^ (uint32_t)s->frames[i]->callsite) * 0x01000193u;
    key = (key ^ (uint32_t)s->nrefs ^ (uint32_t)s->lock_map << 8) * 0x01000193u;
    return key;
}

/* Callback iterations: numbers that changed since the iteration before (OLD) and whose values
 * no check needed so far become unknown, so that the iterations reach a fixpoint (Linux's
 * widen_imprecise_scalars). CUR then describes more states than before: sound. */
static void widen(const struct vstate *old, struct vstate *cur)
{
    if (old->nframes != cur->nframes)
        return;
    for (int fi = 0; fi < cur->nframes; fi++) {
        const struct vframe *of = old->frames[fi];
        struct vframe *cf = cur->frames[fi];
        for (int r = 0; r < 11 + cf->nslots; r++) {
            const struct vreg *o;
            struct vreg *c;
            if (r < 11) {
                o = &of->regs[r];
                c = &cf->regs[r];
            } else {
                int i = r - 11;
                if (i >= of->nslots || of->slots[i].bytes[0] != SB_SPILL ||
                    cf->slots[i].bytes[0] != SB_SPILL)
                    continue;
                o = &of->slots[i].spill;
                c = &cf->slots[i].spill;
            }
            if (o->type == V_SCALAR && c->type == V_SCALAR && !o->precise && !c->precise &&
                memcmp(&o->s, &c->s, sizeof(c->s)) != 0) {
                scalar_unknown(&c->s);
                c->id = 0;
                c->pkt_len_id = 0;
            }
        }
    }
}

/* --- stack liveness --- */

/* Slot I (frame FI) of the path being explored is read: its value in every kept ancestor back
 * to the one after which the path wrote it is live. */
static void live_slot(struct vstate *st, struct kept *last, int fi, int i)
{
    uint64_t bit = 1ull << i;
    if (st->frames[fi]->written & bit)
        return;
    for (struct kept *k = last; k; k = k->parent) {
        if (fi >= k->st->nframes) {
            /* the frame did not exist there: nothing before can be read through it */
            return;
        }
        if (k->live[fi] & bit)
            return; /* marked before, and so were its ancestors */
        k->live[fi] |= bit;
        if (k->written_in[fi] & bit)
            return;
    }
}

static void live_all(struct kept *last)
{
    for (struct kept *k = last; k && !k->live_all; k = k->parent)
        k->live_all = true;
}

static int frame_index(const struct vstate *s, const struct vframe *f)
{
    for (int i = 0; i < s->nframes; i++)
        if (s->frames[i] == f)
            return i;
    return -1;
}

void vlive_read(struct venv *env, const struct vframe *f, int64_t lo, int64_t end)
{
    struct vstate *st = env->cur_state;
    if (!st)
        return;
    int fi = frame_index(st, f);
    if (fi < 0 || lo < -BPFRT_STACK_SIZE || end > 0) {
        live_all(env->cur_last);
        return;
    }
    for (int i = (int)((-lo - 1) / 8), last = (int)((-(end - 1) - 1) / 8); i >= last; i--)
        if (i < 64)
            live_slot(st, env->cur_last, fi, i);
}

void vlive_write(struct venv *env, struct vframe *f, int64_t lo, int64_t end)
{
    /* only whole slots hide what was there before */
    for (int64_t o = lo; o + 8 <= end; o++)
        if (o % 8 == 0 && o < 0 && o >= -BPFRT_STACK_SIZE)
            f->written |= 1ull << ((-o - 1) / 8);
    (void)env;
}

/* CUR was pruned against K: what K's continuations read, CUR's would read too. */
static void inherit_liveness(struct vstate *cur, struct kept *last, const struct kept *k)
{
    if (k->live_all) {
        live_all(last);
        return;
    }
    for (int fi = 0; fi < k->st->nframes && fi < cur->nframes; fi++)
        for (uint64_t m = k->live[fi]; m; m &= m - 1)
            live_slot(cur, last, fi, __builtin_ctzll(m));
}

static bool hist_push(struct venv *env, struct vstate *s, struct hentry e)
{
    if (s->nhist == s->chist) {
        uint32_t nc = s->chist ? 2 * s->chist : 16;
        struct hentry *h = vmalloc_acct(env, nc * sizeof(*h));
        if (!h)
            return false;
        if (s->nhist)
            memcpy(h, s->hist, s->nhist * sizeof(*h));
        vfree_acct(env, s->hist, s->chist * sizeof(*h));
        s->hist = h;
        s->chist = nc;
    }
    s->hist[s->nhist++] = e;
    return true;
}

/* --- exploration --- */

struct pending {
    struct vstate *st;
    int32_t pc;
    struct kept *last;
};

static void finish_path(struct kept *k)
{
    while (k) {
        if (--k->branches > 0)
            break;
        k = k->parent;
    }
}

static bool is_ancestor(const struct kept *k, const struct kept *last)
{
    for (; last; last = last->parent)
        if (last == k)
            return true;
    return false;
}

static void record_branch(struct vstate *s, int32_t pc, bool taken)
{
    s->path[s->branches % PATH_LEN].pc = pc;
    s->path[s->branches % PATH_LEN].taken = taken;
    s->branches++;
}

static void log_line(struct venv *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(struct venv *env, const char *fmt, ...)
{
    if (!env->opts || !env->opts->log)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    env->opts->log(env->opts->log_ctx, buf);
}

static void log_state(struct venv *env, const struct vstate *s, int32_t pc)
{
    char text[128], regs[900] = "";
    size_t n = 0;
    bpfrt_disasm_insn(env->insns, env->n, (size_t)pc, text, sizeof(text));
    const struct vframe *f = s->frames[s->nframes - 1];
    for (int r = 0; r < 11 && n < sizeof(regs) - 100; r++) {
        if (f->regs[r].type == V_NOT_INIT)
            continue;
        char b[200];
        vreg_format(env, &f->regs[r], b, sizeof(b));
        n += (size_t)snprintf(regs + n, sizeof(regs) - n, " r%d=%s", r, b);
    }
    log_line(env, "%d: %-32s ;%s%s", pc, text, s->nframes > 1 ? " [in call]" : "", regs);
}

static int explore(struct venv *env, struct vstate *init)
{
    size_t cap = 64, depth = 0;
    struct pending *stack = malloc(cap * sizeof(*stack));
    if (!stack)
        return -ENOMEM;
    uint64_t limit =
        env->opts && env->opts->insn_limit ? env->opts->insn_limit : DEFAULT_INSN_LIMIT;
    size_t mem_limit = env->opts && env->opts->mem_limit ? env->opts->mem_limit : DEFAULT_MEM_LIMIT;
    struct vstate *st = init;
    int32_t pc = 0;
    struct kept *last = NULL;
    int rc = 0;
    for (;;) {
        bool path_done = false;
        if (env->prune[pc]) {
            struct kept **kp = &env->kept[pc];
            bool in_loop = false, cur_wild;
            int running = 0; /* kept states here whose paths are still being explored */
            uint32_t cur_key = state_key(env, st, pc, &cur_wild);
            /* inside a callback, iterations are bounded by the helper: a state covered by one
             * still being explored is done (the fixpoint of the callback's iterations) */
            bool in_cb = env->cb_entry[pc];
            for (int fi = 1; fi < st->nframes && !in_cb; fi++)
                in_cb = st->frames[fi]->callback;
            while (*kp) {
                struct kept *k = *kp;
                if (k->branches == 0 || in_cb) {
                    /* a state still being explored (callback iterations) has marks that are
                     * not final yet: compare it whole */
                    bool done = k->branches == 0;
                    if ((k->key == cur_key || k->wild) &&
                        vstate_covers(env, k->st, st, pc, k->live_all || !done ? NULL : k->live,
                                      !done, &k->hint)) {
                        k->hits++;
                        path_done = true;
                        inherit_precision(env, st, last, k->st);
                        inherit_liveness(st, last, k);
                        if (kp != &env->kept[pc]) { /* the next search finds it first */
                            *kp = k->next;
                            k->next = env->kept[pc];
                            env->kept[pc] = k;
                        }
                        break;
                    }
                    /* a proven state that keeps missing only costs time: drop it (Linux's
                     * heuristic) */
                    if (++k->misses > k->hits * 3 + 3 && k->branches == 0 && !in_cb) {
                        *kp = k->next;
                        vstate_free(env, k->st);
                        vfree_acct(env, k, sizeof(*k));
                        continue;
                    }
                } else if (in_loop = true, running++,
                           vstate_equal(env, k->st, st, pc) && is_ancestor(k, last)) {
                    verr(env, pc,
                         "infinite loop: the program comes back to instruction %d in "
                         "the same state",
                         pc);
                    rc = 1;
                    goto out;
                }
                kp = &k->next;
            }
            /* inside a loop every iteration is a new state that rarely helps pruning: keep
             * one now and then only (Linux's heuristic) */
            bool add = !path_done;
            if (add && env->cb_entry[pc]) {
                /* another iteration of a callback: widen against the previous one */
                for (struct kept *k = env->kept[pc]; k; k = k->next)
                    if (k->branches > 0 && is_ancestor(k, last)) {
                        widen(k->st, st);
                        break;
                    }
            }
            if (add && in_loop && env->processed - env->prev_add < 100 &&
                env->jumps - env->prev_jumps < 20)
                add = false;
            /* and not without bound: each is compared on every visit (a loop whose bound
             * cannot be proven then ends at one of the budgets below) */
            if (running >= MAX_LOOP_STATES) {
                add = false;
                if (st->nhist >= MAX_HIST)
                    forget_history(st, last);
            }
            if (add) {
                env->prev_add = env->processed;
                env->prev_jumps = env->jumps;
                struct kept *nk = vmalloc_acct(env, sizeof(*nk));
                struct vstate *copy = nk ? vstate_copy(env, st) : NULL;
                if (!copy) {
                    vfree_acct(env, nk, sizeof(*nk));
                    verr(env, pc, "out of memory");
                    rc = 1;
                    goto out;
                }
                memset(nk, 0, sizeof(*nk));
                nk->next = env->kept[pc];
                nk->st = copy;
                nk->parent = last;
                nk->branches = 1;
                nk->key = cur_key;
                nk->wild = cur_wild;
                for (int fi = 0; fi < st->nframes; fi++) {
                    nk->written_in[fi] = st->frames[fi]->written;
                    st->frames[fi]->written = 0;
                }
                env->kept[pc] = nk;
                last = nk;
                st->nhist = 0; /* the history up to here now belongs to the kept state */
                env->kept_cnt++;
            }
        }
        if (!path_done) {
            env->visited[pc] = 1;
            if (env->blocks && (pc == 0 || env->leader[pc]))
                block_visit(&env->blocks[pc], st);
            if (++env->processed > limit) {
                verr(env, pc,
                     "the program is too complex to verify: more than %llu instructions "
                     "processed (a loop whose bound cannot be proven?)",
                     (unsigned long long)limit);
                rc = 1;
                goto out;
            }
            if (env->mem > mem_limit) {
                verr(env, pc,
                     "the program is too complex to verify: its abstract states take more than "
                     "%zu MiB",
                     mem_limit >> 20);
                rc = 1;
                goto out;
            }
            if (env->opts && env->opts->log)
                log_state(env, st, pc);
            struct vstate *branch = NULL;
            int32_t bpc = -1;
            env->regs_text[0] = '\0';
            env->hist_slot = -1;
            env->hist_frame = 0;
            env->need_regs = 0;
            env->need_slots = 0;
            env->need_depth = (uint8_t)st->nframes;
            env->cur_state = st;
            env->cur_last = last;
            env->cur_pc = pc;
            struct hentry he = {pc, 0, 0, (uint8_t)st->nframes};
            int32_t next = vcheck_insn(env, st, pc, &branch, &bpc);
            he.slot = env->hist_slot;
            he.frame = env->hist_frame;
            if (!env->failed && (env->need_regs || env->need_slots)) {
                mark_precise(env, st, last, env->need_regs, env->need_slots,
                             env->need_regs ? env->need_depth : st->nframes);
                if (branch && branch->nframes == st->nframes)
                    apply_marks(branch, env->need_regs, env->need_slots);
            }
            if (!env->failed &&
                (!hist_push(env, st, he) || (branch && !hist_push(env, branch, he)))) {
                vstate_free(env, branch);
                verr(env, pc, "out of memory");
                rc = 1;
                goto out;
            }
            if (next == -2 || env->failed) {
                vstate_free(env, branch);
                env->res_state = st;
                st = NULL;
                rc = 1;
                goto out;
            }
            if (env->dec[pc].shape == BPFRT_SHAPE_JMP_K || env->dec[pc].shape == BPFRT_SHAPE_JMP_X)
                env->jumps++;
            if (branch) {
                if (depth >= MAX_PENDING) {
                    vstate_free(env, branch);
                    verr(env, pc,
                         "the program is too complex to verify: more than %u branches wait to "
                         "be explored (a loop whose bound cannot be proven?)",
                         MAX_PENDING);
                    rc = 1;
                    goto out;
                }
                if (depth == cap) {
                    struct pending *ns = realloc(stack, 2 * cap * sizeof(*stack));
                    if (!ns) {
                        vstate_free(env, branch);
                        verr(env, pc, "out of memory");
                        rc = 1;
                        goto out;
                    }
                    stack = ns;
                    cap *= 2;
                }
                bool cond = env->dec[pc].shape != BPFRT_SHAPE_EXIT;
                if (cond) {
                    record_branch(branch, pc, true);
                    record_branch(st, pc, false);
                }
                stack[depth++] = (struct pending){branch, bpc, last};
                if (last)
                    last->branches++;
            }
            if (next >= 0) {
                pc = next;
                continue;
            }
        }
        /* this path is done: the program exited or a proven state covers it */
        finish_path(last);
        vstate_free(env, st);
        st = NULL;
        if (depth == 0)
            break;
        depth--;
        st = stack[depth].st;
        pc = stack[depth].pc;
        last = stack[depth].last;
    }
out:
    if (st && st != env->res_state)
        vstate_free(env, st);
    while (depth > 0)
        vstate_free(env, stack[--depth].st);
    free(stack);
    return rc;
}

/* --- the result --- */

static void fill_result(struct venv *env, const struct bpfrt_object *obj, size_t prog,
                        struct bpfrt_verify_result *res)
{
    res->accepted = !env->failed;
    res->stats.insns_processed = env->processed;
    res->stats.states_kept = env->kept_cnt;
    res->stats.peak_memory = env->peak_mem;
    res->stats.stack_depth = (uint32_t)env->max_stack;
    uint32_t unreach = 0;
    for (size_t pc = 0; pc < env->n; pc++)
        if (env->dec[pc].form && !env->visited[pc])
            unreach++;
    res->stats.unreachable = env->failed ? 0 : unreach;
    if (!env->failed)
        return;
    res->pc = env->err_pc;
    snprintf(res->reason, sizeof(res->reason), "%s", env->err);
    if (env->err_pc >= 0 && (size_t)env->err_pc < env->n)
        bpfrt_disasm_insn(env->insns, env->n, (size_t)env->err_pc, res->insn_text,
                          sizeof(res->insn_text));
    struct bpfrt_source_line ln;
    if (obj && env->err_pc >= 0 && bpfrt_prog_source_line(obj, prog, (size_t)env->err_pc, &ln)) {
        const char *base = strrchr(ln.file, '/');
        const char *t = ln.text;
        while (*t == ' ' || *t == '\t')
            t++;
        snprintf(res->source, sizeof(res->source), "%s:%u: %s", base ? base + 1 : ln.file, ln.line,
                 t);
    }
    /* the registers the instruction uses, from the state where it failed */
    size_t n = (size_t)snprintf(res->regs, sizeof(res->regs), "%s", env->regs_text);
    const struct vstate *s = env->res_state;
    if (s && env->err_pc >= 0 && (size_t)env->err_pc < env->n) {
        uint16_t use, def;
        use_def(env, env->err_pc, &use, &def);
        const struct vframe *f = s->frames[s->nframes - 1];
        for (int r = 0; r < 11 && n < sizeof(res->regs) - 40; r++) {
            if (!(use & bit((unsigned)r)) ||
                strstr(res->regs, (char[]){'r', (char)('0' + r), '=', 0}))
                continue;
            char b[200];
            vreg_format(env, &f->regs[r], b, sizeof(b));
            n += (size_t)snprintf(res->regs + n, sizeof(res->regs) - n, "%sr%d=%s", n ? ", " : "",
                                  r, b);
        }
        size_t pn = 0;
        int first = s->branches > PATH_LEN ? s->branches - PATH_LEN : 0;
        if (first)
            pn += (size_t)snprintf(res->path, sizeof(res->path), "... ");
        for (int i = first; i < s->branches && pn < sizeof(res->path) - 24; i++)
            pn += (size_t)snprintf(res->path + pn, sizeof(res->path) - pn, "%s%d %s",
                                   i > first ? ", " : "", s->path[i % PATH_LEN].pc,
                                   s->path[i % PATH_LEN].taken ? "taken" : "not taken");
    }
    size_t m = 0;
    if (obj)
        m += (size_t)snprintf(res->message + m, sizeof(res->message) - m,
                              "%s: section '%s', program '%s': ", obj->name,
                              bpfrt_object_spec(obj, prog)->section,
                              bpfrt_object_spec(obj, prog)->name);
    m +=
        (size_t)snprintf(res->message + m, sizeof(res->message) - m, "instruction %d", env->err_pc);
    if (res->insn_text[0] && m < sizeof(res->message))
        m += (size_t)snprintf(res->message + m, sizeof(res->message) - m, " (%s)", res->insn_text);
    if (res->source[0] && m < sizeof(res->message))
        m += (size_t)snprintf(res->message + m, sizeof(res->message) - m, " at %s", res->source);
    if (m < sizeof(res->message))
        m += (size_t)snprintf(res->message + m, sizeof(res->message) - m, ": %s", res->reason);
    if (res->regs[0] && m < sizeof(res->message))
        m += (size_t)snprintf(res->message + m, sizeof(res->message) - m, " [%s]", res->regs);
    if (res->path[0] && m < sizeof(res->message))
        snprintf(res->message + m, sizeof(res->message) - m, " [path: %s]", res->path);
}

static void free_env(struct venv *env)
{
    if (env->kept)
        for (size_t pc = 0; pc < env->n; pc++)
            for (struct kept *k = env->kept[pc], *nx; k; k = nx) {
                nx = k->next;
                vstate_free(env, k->st);
                vfree_acct(env, k, sizeof(*k));
            }
    vstate_free(env, env->res_state);
    vpool_release(env);
    free(env->blocks);
    free(env->kept);
    free(env->prune);
    free(env->live_in);
    free(env->visited);
    free(env->cb_entry);
    free(env->leader);
    free(env->ctx_ptr);
    free(env->mem_kind);
    free(env->dec);
}

static bool license_gpl(const char *l)
{
    static const char *const ok[] = {"GPL",          "GPL v2",       "GPL and additional rights",
                                     "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
    if (!l)
        return false;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strcmp(l, ok[i]) == 0)
            return true;
    return false;
}

static int verify(const struct bpfrt_insn *insns, size_t n, const struct bpfrt_map_spec *maps,
                  size_t map_cnt, uint32_t type, uint32_t attach, bool gpl,
                  const struct bpfrt_verify_opts *opts, const struct bpfrt_object *obj, size_t prog,
                  struct bpfrt_verify_result *res)
{
    struct venv env;
    memset(&env, 0, sizeof(env));
    memset(res, 0, sizeof(*res));
    res->pc = -1;
    uint64_t t0 = bpfrt_now_ns();
    env.insns = insns;
    env.n = n;
    env.maps = maps;
    env.map_cnt = map_cnt;
    env.prog_type = type;
    env.attach_type = attach;
    env.opts = opts;
    env.unprivileged = opts && opts->unprivileged;
    env.gpl = gpl;
    env.err_pc = -1;
    env.pt = bpfrt_prog_type_info(type, attach);
    int rc = 0;
    if (!env.pt) {
        snprintf(res->message, sizeof(res->message),
                 "program type %u is not supported by the verifier", type);
        snprintf(res->reason, sizeof(res->reason), "%.390s", res->message);
        return -EINVAL;
    }
    struct bpfrt_diag diag;
    if (bpfrt_isa_validate(insns, n, &diag) < 0) {
        /* structurally invalid: a rejection at that instruction */
        env.failed = true;
        snprintf(env.err, sizeof(env.err), "%.390s", diag.msg);
        const char *p = strstr(diag.msg, "insn ");
        env.err_pc = p ? (int32_t)strtol(p + 5, NULL, 10) : -1;
        env.dec = calloc(n ? n : 1, sizeof(*env.dec));
        env.visited = calloc(n ? n : 1, 1);
        fill_result(&env, obj, prog, res);
        free_env(&env);
        res->stats.time_ns = bpfrt_now_ns() - t0;
        return 1;
    }
    env.dec = calloc(n, sizeof(*env.dec));
    if (!env.dec) {
        free_env(&env);
        snprintf(res->message, sizeof(res->message), "out of memory");
        return -ENOMEM;
    }
    for (size_t pc = 0; pc < n;) {
        bpfrt_isa_decode(insns, n, pc, &env.dec[pc], NULL);
        pc += env.dec[pc].slots;
    }
    int cfg = setup_cfg(&env);
    if (cfg == -ERANGE) {
        for (size_t pc = 0; pc < n; pc++)
            if (env.dec[pc].form == BPFRT_FORM_LDDW_CODE_ADDR) {
                int64_t t = (int64_t)pc + 1 + env.dec[pc].imm;
                if (t < 0 || (size_t)t >= n || !env.dec[t].form) {
                    verr(&env, (int32_t)pc,
                         "function address %lld is not the start of an instruction in the program",
                         (long long)t);
                    break;
                }
            }
        fill_result(&env, obj, prog, res);
        free_env(&env);
        res->stats.time_ns = bpfrt_now_ns() - t0;
        return 1;
    }
    if (cfg < 0) {
        free_env(&env);
        return -ENOMEM;
    }
    if (opts && opts->dot)
        env.blocks = calloc(n, sizeof(*env.blocks));
    if (opts && opts->rewritten)
        env.ctx_ptr = calloc(n, 1);
    env.mem_kind = calloc(n, 1);
    struct vstate *st = vstate_new(&env);
    struct vframe *f = st ? vframe_new(&env, -1, 0) : NULL;
    if (!f) {
        vstate_free(&env, st);
        free_env(&env);
        return -ENOMEM;
    }
    st->frames[st->nframes++] = f;
    f->regs[1].type = V_CTX;
    f->regs[10].type = V_STACK;
    rc = explore(&env, st);
    if (rc < 0) {
        free_env(&env);
        snprintf(res->message, sizeof(res->message), "out of memory");
        return rc;
    }
    fill_result(&env, obj, prog, res);
    if (opts && opts->rewritten && env.ctx_ptr && !env.failed) {
        /* the accepted program, with the packet pointer loads moved to the runtime's slots */
        struct bpfrt_insn *out = malloc(n * sizeof(*out));
        if (out) {
            memcpy(out, insns, n * sizeof(*out));
            for (size_t pc = 0; pc < n; pc++) {
                if (!env.ctx_ptr[pc])
                    continue;
                uint8_t kind = (uint8_t)(env.ctx_ptr[pc] - 1);
                enum bpfrt_ctx_ptr_slot slot = kind == BPFRT_CTX_PKT       ? BPFRT_CTX_DATA
                                               : kind == BPFRT_CTX_PKT_END ? BPFRT_CTX_DATA_END
                                                                           : BPFRT_CTX_DATA_META;
                out[pc].code = BPF_LDX | BPF_MEM | BPF_DW;
                out[pc].off = (int16_t)bpfrt_ctx_ptr_offset(env.pt->ctx_size, slot);
            }
        }
        *opts->rewritten = out;
    }
    if (opts && opts->dot && env.blocks)
        *opts->dot = make_dot(&env, obj ? bpfrt_object_spec(obj, prog)->name : "program");
    free_env(&env);
    res->stats.time_ns = bpfrt_now_ns() - t0;
    return res->accepted ? 0 : 1;
}

int bpfrt_verify_insns(const struct bpfrt_insn *insns, size_t n, const struct bpfrt_map_spec *maps,
                       size_t map_cnt, const struct bpfrt_verify_opts *opts,
                       struct bpfrt_verify_result *res)
{
    uint32_t type = opts && opts->set_type ? opts->prog_type : 0;
    uint32_t attach = opts && opts->set_type ? opts->attach_type : 0;
    return verify(insns, n, maps, map_cnt, type, attach, opts ? opts->gpl : true, opts, NULL, 0,
                  res);
}

int bpfrt_verify_program(struct bpfrt_object *obj, size_t prog,
                         const struct bpfrt_verify_opts *opts, struct bpfrt_verify_result *res)
{
    struct bpfrt_prog_spec *p = bpfrt_object_spec(obj, prog);
    if (!p) {
        memset(res, 0, sizeof(*res));
        snprintf(res->message, sizeof(res->message), "no such program");
        return -EINVAL;
    }
    char note[300] = "";
    if (prog >= obj->prog_cnt) {
        /* a .text function of an object with programs elsewhere: checked where it runs */
        if (p->used_by >= 0) {
            int rc = bpfrt_verify_program(obj, (size_t)p->used_by, opts, res);
            snprintf(res->note, sizeof(res->note),
                     "a subprogram: checked as part of program '%.64s', which calls it",
                     obj->progs[p->used_by].name);
            return rc;
        }
        if (!p->global) {
            memset(res, 0, sizeof(*res));
            res->accepted = true;
            res->pc = -1;
            snprintf(res->note, sizeof(res->note),
                     "a static function no program calls: it never runs (dead code)");
            return 0;
        }
        /* an unreferenced global function: checked on its own as an entry point */
    }
    if (bpfrt_prog_core_relo_cnt(obj, prog)) {
        struct bpfrt_diag d;
        if (bpfrt_prog_core_apply(obj, prog, NULL, &d) != 0)
            snprintf(note, sizeof(note),
                     "CO-RE relocations left as compiled (loading will refuse the program): %.200s",
                     d.msg);
    }
    uint32_t type = opts && opts->set_type ? opts->prog_type : p->type;
    uint32_t attach = opts && opts->set_type ? opts->attach_type : p->expected_attach_type;
    int rc = verify(p->insns, p->insn_cnt, obj->maps, obj->map_cnt, type, attach,
                    license_gpl(obj->license), opts, obj, prog, res);
    snprintf(res->note, sizeof(res->note), "%s", note);
    return rc;
}

const char *bpfrt_verifier_prog_type_name(uint32_t type)
{
    const struct bpfrt_prog_type_info *pt = bpfrt_prog_type_info(type, 0);
    return pt ? pt->name : NULL;
}
