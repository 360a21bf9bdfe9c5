/* Unit test of the verifier's scalar domain: randomised soundness of every ALU operation and
 * conditional jump against a concrete RFC 9669 evaluator, then precision and API checks.
 *
 * Usage: test_scalar [SEED] */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "verifier/scalar.h"

/* ---- random numbers (xorshift64*, seeded for reproducibility) ------------------------------ */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rndn(uint64_t n)
{
    return n ? rnd() % n : 0;
}

/* Values near the edges that break arithmetic: 0, powers of two, sign boundaries, -1. */
static uint64_t interesting(void)
{
    static const uint64_t base[] = {0,
                                    1,
                                    7,
                                    8,
                                    31,
                                    32,
                                    63,
                                    64,
                                    0x7f,
                                    0x80,
                                    0xff,
                                    0x100,
                                    0x7fff,
                                    0x8000,
                                    0xffff,
                                    0x10000,
                                    0x7fffffff,
                                    0x80000000,
                                    0xffffffff,
                                    0x100000000ULL,
                                    0x7fffffffffffffffULL,
                                    0x8000000000000000ULL,
                                    0xffffffffffffffffULL};
    switch (rndn(7)) {
    case 0: return rnd();
    case 1: return rndn(70);
    case 2: return base[rndn(sizeof base / sizeof base[0])] + rndn(5) - 2;
    case 3: return 0 - rndn(300);
    case 4: return (uint64_t)(int64_t)(int32_t)rnd();
    case 5: return (uint64_t)(uint32_t)rnd();
    default: return rnd() >> rndn(64);
    }
}

/* ---- the concrete semantics (RFC 9669), written independently of the domain --------------- */

static uint64_t bswap_ref(uint64_t v, unsigned bytes)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bytes; i++)
        r = (r << 8) | ((v >> (8 * i)) & 0xff);
    return r;
}

static int64_t sext_ref(uint64_t v, unsigned bits)
{
    uint64_t m = 1ULL << (bits - 1);
    if (bits < 64)
        v &= (1ULL << bits) - 1;
    return (int64_t)((v ^ m) - m);
}

static uint64_t ref_alu(uint8_t code, int16_t off, int32_t imm, uint64_t dst, uint64_t src)
{
    uint8_t op = BPF_OP(code);
    if (op == BPF_END) {
        unsigned bytes = (unsigned)imm / 8;
        if (BPF_CLASS(code) == BPF_ALU64 || BPF_SRC(code) == BPF_TO_BE)
            return bswap_ref(dst, bytes);
        return bytes == 8 ? dst : dst & ((1ULL << (bytes * 8)) - 1);
    }
    if (BPF_CLASS(code) == BPF_ALU64) {
        uint64_t d = dst, s = src;
        int64_t sd = (int64_t)d, ss = (int64_t)s;
        switch (op) {
        case BPF_ADD: return d + s;
        case BPF_SUB: return d - s;
        case BPF_MUL: return d * s;
        case BPF_DIV:
            if (!off)
                return s ? d / s : 0;
            if (ss == 0)
                return 0;
            if (sd == INT64_MIN && ss == -1)
                return (uint64_t)INT64_MIN;
            return (uint64_t)(sd / ss);
        case BPF_MOD:
            if (!off)
                return s ? d % s : d;
            if (ss == 0)
                return d;
            if (ss == -1)
                return 0;
            return (uint64_t)(sd % ss);
        case BPF_OR: return d | s;
        case BPF_AND: return d & s;
        case BPF_XOR: return d ^ s;
        case BPF_LSH: return d << (s & 63);
        case BPF_RSH: return d >> (s & 63);
        case BPF_ARSH: return (uint64_t)(sd >> (s & 63));
        case BPF_NEG: return 0 - d;
        case BPF_MOV: return off ? (uint64_t)sext_ref(s, (unsigned)off) : s;
        }
    } else {
        uint32_t d = (uint32_t)dst, s = (uint32_t)src, r = 0;
        int32_t sd = (int32_t)d, ss = (int32_t)s;
        switch (op) {
        case BPF_ADD: r = d + s; break;
        case BPF_SUB: r = d - s; break;
        case BPF_MUL: r = d * s; break;
        case BPF_DIV:
            if (!off)
                r = s ? d / s : 0;
            else if (ss == 0)
                r = 0;
            else if (sd == INT32_MIN && ss == -1)
                r = (uint32_t)INT32_MIN;
            else
                r = (uint32_t)(sd / ss);
            break;
        case BPF_MOD:
            if (!off)
                r = s ? d % s : d;
            else if (ss == 0)
                r = d;
            else if (ss == -1)
                r = 0;
            else
                r = (uint32_t)(sd % ss);
            break;
        case BPF_OR: r = d | s; break;
        case BPF_AND: r = d & s; break;
        case BPF_XOR: r = d ^ s; break;
        case BPF_LSH: r = d << (s & 31); break;
        case BPF_RSH: r = d >> (s & 31); break;
        case BPF_ARSH: r = (uint32_t)(sd >> (s & 31)); break;
        case BPF_NEG: r = 0 - d; break;
        case BPF_MOV: r = off ? (uint32_t)sext_ref(s, (unsigned)off) : s; break;
        }
        return r;
    }
    return 0;
}

static bool ref_jmp(uint8_t code, uint64_t d, uint64_t s)
{
    int64_t sd = (int64_t)d, ss = (int64_t)s;
    if (BPF_CLASS(code) == BPF_JMP32) {
        d = (uint32_t)d;
        s = (uint32_t)s;
        sd = (int32_t)d;
        ss = (int32_t)s;
    }
    switch (BPF_OP(code)) {
    case BPF_JEQ: return d == s;
    case BPF_JNE: return d != s;
    case BPF_JGT: return d > s;
    case BPF_JGE: return d >= s;
    case BPF_JLT: return d < s;
    case BPF_JLE: return d <= s;
    case BPF_JSGT: return sd > ss;
    case BPF_JSGE: return sd >= ss;
    case BPF_JSLT: return sd < ss;
    case BPF_JSLE: return sd <= ss;
    default: return (d & s) != 0; /* BPF_JSET */
    }
}

/* ---- membership ----------------------------------------------------------------------------- */

static bool member(const struct scalar *r, uint64_t v)
{
    return v >= r->umin && v <= r->umax && (int64_t)v >= r->smin && (int64_t)v <= r->smax &&
           (uint32_t)v >= r->u32_min && (uint32_t)v <= r->u32_max && (int32_t)v >= r->s32_min &&
           (int32_t)v <= r->s32_max && (v & ~r->var.mask) == r->var.value;
}

static bool wellformed(const struct scalar *r)
{
    return r->umin <= r->umax && r->smin <= r->smax && r->u32_min <= r->u32_max &&
           r->s32_min <= r->s32_max && (r->var.value & r->var.mask) == 0;
}

static const char *fmt(const struct scalar *r, char *buf)
{
    scalar_format(r, buf, 200);
    return buf;
}

/* A member of R found by trying candidates built from its bounds and known bits. */
static bool sample_member(const struct scalar *r, uint64_t *out)
{
    for (int i = 0; i < 24; i++) {
        uint64_t c, span;
        switch (rndn(9)) {
        case 0: c = r->umin + rndn(3); break;
        case 1: c = r->umax - rndn(3); break;
        case 2: c = (uint64_t)r->smin + rndn(3); break;
        case 3: c = (uint64_t)r->smax - rndn(3); break;
        case 4: c = r->var.value | (rnd() & r->var.mask); break;
        case 5: c = (r->umin & 0xffffffff00000000ULL) | (r->u32_min + (uint32_t)rndn(3)); break;
        case 6:
            c = (r->umax & 0xffffffff00000000ULL) |
                (uint32_t)((uint32_t)r->s32_max - (uint32_t)rndn(3));
            break;
        default:
            span = r->umax - r->umin;
            c = r->umin + (span == UINT64_MAX ? rnd() : rndn(span + 1));
            if (rndn(2))
                c = (c & r->var.mask) | r->var.value;
            break;
        }
        if (member(r, c)) {
            *out = c;
            return true;
        }
    }
    return false;
}

/* ---- abstract values with witnesses ----------------------------------------------------------
 * Each abstract value carries concrete values known (by construction) to be in it. */

#define NW 8

struct av {
    struct scalar s;
    uint64_t w[NW];
    int n;
};

static long alu_cases, branch_cases, refine_cases, const_cases, bad_cases;
/* coverage of the interesting paths: partial results, decided branches, infeasible edges */
static long partial_results, decided_branches, infeasible_edges;

static void bad(const char *what, const char *detail)
{
    if (bad_cases++ < 25)
        CHECK(false, "%s: %s", what, detail);
}

/* Concrete values to try from A: its witnesses plus a few sampled members. */
static int candidates(const struct av *a, uint64_t *out)
{
    int n = 0;
    for (int i = 0; i < a->n; i++)
        out[n++] = a->w[i];
    for (int i = 0; i < 3; i++)
        if (sample_member(&a->s, &out[n]))
            n++;
    return n;
}

static void add_witness(struct av *a, uint64_t v)
{
    if (a->n < NW)
        a->w[a->n++] = v;
    else if (rndn(2))
        a->w[rndn(NW)] = v;
}

static uint8_t random_alu(int16_t *off, int32_t *imm, bool *use_imm)
{
    static const uint8_t ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR,  BPF_AND,  BPF_LSH,
                                  BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END};
    uint8_t op = ops[rndn(sizeof ops)];
    uint8_t cls = rndn(2) ? BPF_ALU64 : BPF_ALU;
    *use_imm = rndn(3) == 0;
    *off = 0;
    *imm = (int32_t)interesting();
    if (op == BPF_DIV || op == BPF_MOD)
        *off = (int16_t)rndn(2);
    if (op == BPF_MOV && rndn(2)) {
        static const int16_t offs[] = {8, 16, 32};
        *off = offs[rndn(cls == BPF_ALU64 ? 3 : 2)];
    }
    if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && rndn(2))
        *imm = (int32_t)rndn(70);
    if (op == BPF_END) {
        static const int32_t widths[] = {16, 32, 64};
        *imm = widths[rndn(3)];
        *use_imm = false;
        if (cls == BPF_ALU64)
            return BPF_ALU64 | BPF_END | BPF_TO_LE;
        return cls | op | (rndn(2) ? BPF_TO_BE : BPF_TO_LE);
    }
    return cls | op | (*use_imm ? BPF_K : BPF_X);
}

static void gen(struct av *a, int depth);

/* R = A op B: every concrete result of members must be in R; constants must stay exact. */
static void check_alu(const struct av *a, const struct av *b, uint8_t code, int16_t off,
                      int32_t imm, struct av *r)
{
    uint64_t xs[NW + 3], ys[NW + 3], ca, cb, cr;
    int nx = candidates(a, xs), ny = candidates(b, ys);
    char d[1000], b1[200], b2[200], b3[200];

    r->s = a->s;
    scalar_alu(&r->s, &b->s, code, off, imm);
    if (!scalar_is_const(&r->s, NULL) && (r->s.var.mask != UINT64_MAX || r->s.umax != UINT64_MAX))
        partial_results++;
    r->n = 0;
    if (!wellformed(&r->s)) {
        snprintf(d, sizeof d, "code 0x%02x off %d: %s", code, off, fmt(&r->s, b1));
        bad("ill-formed ALU result", d);
    }
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++) {
            uint64_t v = ref_alu(code, off, imm, xs[i], ys[j]);
            alu_cases++;
            if (!member(&r->s, v)) {
                snprintf(d, sizeof d,
                         "code 0x%02x off %d imm %d: 0x%llx op 0x%llx = 0x%llx not in %s "
                         "(dst %s, src %s)",
                         code, off, imm, (unsigned long long)xs[i], (unsigned long long)ys[j],
                         (unsigned long long)v, fmt(&r->s, b1), fmt(&a->s, b2), fmt(&b->s, b3));
                bad("unsound ALU result", d);
            }
            if (rndn(3) == 0)
                add_witness(r, v);
        }
    /* constant operands give the exact constant */
    if (nx && ny && scalar_is_const(&a->s, &ca) && scalar_is_const(&b->s, &cb)) {
        uint64_t v = ref_alu(code, off, imm, ca, cb);
        const_cases++;
        if (!scalar_is_const(&r->s, &cr) || cr != v) {
            snprintf(d, sizeof d, "code 0x%02x off %d imm %d: 0x%llx op 0x%llx = 0x%llx, got %s",
                     code, off, imm, (unsigned long long)ca, (unsigned long long)cb,
                     (unsigned long long)v, fmt(&r->s, b1));
            bad("constant ALU result not exact", d);
        }
    }
    if (r->n == 0 && nx && ny)
        add_witness(r, ref_alu(code, off, imm, xs[0], ys[0]));
}

static uint8_t random_jmp(void)
{
    static const uint8_t ops[] = {BPF_JEQ,  BPF_JNE,  BPF_JGT,  BPF_JGE,  BPF_JLT, BPF_JLE,
                                  BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET};
    return (rndn(2) ? BPF_JMP : BPF_JMP32) | ops[rndn(sizeof ops)];
}

/* `if A op B`: a decided branch must match every member pair; each refined edge must keep the
 * pairs that take it. RA (if not NULL) receives A refined for the TAKEN_FOR_RA edge. */
static bool check_branch(const struct av *a, const struct av *b, uint8_t code, bool taken_for_ra,
                         struct av *ra)
{
    uint64_t xs[NW + 3], ys[NW + 3];
    int nx = candidates(a, xs), ny = candidates(b, ys);
    int br = scalar_branch(&a->s, &b->s, code);
    char d[1000], b1[200], b2[200], b3[200], b4[200];
    bool ok_ra = false;

    decided_branches += br >= 0;
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++) {
            bool t = ref_jmp(code, xs[i], ys[j]);
            branch_cases++;
            if (br >= 0 && t != (br == 1)) {
                snprintf(d, sizeof d,
                         "code 0x%02x: 0x%llx vs 0x%llx is %d but branch says %d (%s, %s)", code,
                         (unsigned long long)xs[i], (unsigned long long)ys[j], t, br,
                         fmt(&a->s, b1), fmt(&b->s, b2));
                bad("wrong branch decision", d);
            }
        }
    for (int taken = 0; taken < 2; taken++) {
        struct scalar x = a->s, y = b->s;
        bool ok = scalar_refine(&x, &y, code, taken);
        infeasible_edges += !ok;
        if (br >= 0 && (br == 1) != taken && ok) {
            snprintf(d, sizeof d, "code 0x%02x taken %d: branch said %d (%s, %s)", code, taken, br,
                     fmt(&a->s, b1), fmt(&b->s, b2));
            bad("refine keeps an edge the branch ruled out", d);
        }
        if (ok && (!wellformed(&x) || !wellformed(&y))) {
            snprintf(d, sizeof d, "code 0x%02x: %s %s", code, fmt(&x, b1), fmt(&y, b2));
            bad("ill-formed refinement", d);
        }
        if (ra && taken == taken_for_ra) {
            ra->s = x;
            ra->n = 0;
            ok_ra = ok;
        }
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++) {
                if (ref_jmp(code, xs[i], ys[j]) != taken)
                    continue;
                refine_cases++;
                if (!ok || !member(&x, xs[i]) || !member(&y, ys[j])) {
                    snprintf(d, sizeof d,
                             "code 0x%02x taken %d: pair 0x%llx, 0x%llx lost: ok %d, %s, %s "
                             "(from %s, %s)",
                             code, taken, (unsigned long long)xs[i], (unsigned long long)ys[j], ok,
                             fmt(&x, b1), fmt(&y, b2), fmt(&a->s, b3), fmt(&b->s, b4));
                    bad("unsound refinement", d);
                } else if (ra && taken == taken_for_ra) {
                    add_witness(ra, xs[i]);
                }
            }
    }
    return ok_ra && ra->n > 0;
}

static void gen_leaf(struct av *a)
{
    uint64_t lo, hi, width;
    a->n = 0;
    switch (rndn(3)) {
    case 0:
        lo = interesting();
        scalar_const(&a->s, lo);
        add_witness(a, lo);
        break;
    case 1:
        lo = interesting();
        switch (rndn(4)) {
        case 0: width = rndn(4); break;
        case 1: width = rndn(300); break;
        case 2: width = (1ULL << rndn(64)) + rndn(3) - 1; break;
        default: width = rnd() >> rndn(64); break;
        }
        hi = lo + width < lo ? UINT64_MAX : lo + width;
        scalar_urange(&a->s, lo, hi);
        add_witness(a, lo);
        add_witness(a, hi);
        for (int i = 0; i < 3; i++)
            add_witness(a, lo + rndn(hi - lo + 1 ? hi - lo + 1 : UINT64_MAX));
        break;
    default:
        scalar_unknown(&a->s);
        for (int i = 0; i < 4; i++)
            add_witness(a, interesting());
        break;
    }
}

/* An immediate operand: the sign-extended constant. */
static void gen_imm(struct av *a, int32_t imm)
{
    a->n = 0;
    scalar_const(&a->s, (uint64_t)(int64_t)imm);
    add_witness(a, (uint64_t)(int64_t)imm);
}

static void gen(struct av *a, int depth)
{
    struct av x, y;
    int kind = depth > 0 ? (int)rndn(6) : 0;
    if (kind == 0) {
        gen_leaf(a);
        return;
    }
    gen(&x, depth - 1);
    if (kind <= 3) {
        int16_t off;
        int32_t imm;
        bool use_imm;
        uint8_t code = random_alu(&off, &imm, &use_imm);
        if (use_imm)
            gen_imm(&y, imm);
        else
            gen(&y, depth - 1);
        check_alu(&x, &y, code, off, imm, a);
        if (a->n == 0)
            *a = x;
        return;
    }
    if (rndn(2))
        gen(&y, depth - 1);
    else
        gen_imm(&y, (int32_t)interesting());
    if (kind == 4) {
        if (!check_branch(&x, &y, random_jmp(), rndn(2), a))
            *a = x;
        return;
    }
    /* join */
    *a = x;
    scalar_join(&a->s, &y.s);
    for (int i = 0; i < y.n; i++)
        add_witness(a, y.w[i]);
}

static void check_join(const struct av *a, const struct av *b)
{
    struct scalar j = a->s;
    uint64_t xs[NW + 3];
    char d[1000], b1[200], b2[200], b3[200];
    scalar_join(&j, &b->s);
    if (!scalar_within(&j, &a->s) || !scalar_within(&j, &b->s) || !wellformed(&j)) {
        snprintf(d, sizeof d, "join of %s and %s is %s", fmt(&a->s, b1), fmt(&b->s, b2),
                 fmt(&j, b3));
        bad("join does not contain its operands", d);
    }
    for (int k = 0; k < 2; k++) {
        const struct av *s = k ? b : a;
        int n = candidates(s, xs);
        for (int i = 0; i < n; i++)
            if (!member(&j, xs[i])) {
                snprintf(d, sizeof d, "0x%llx of %s not in join %s", (unsigned long long)xs[i],
                         fmt(&s->s, b1), fmt(&j, b2));
                bad("join loses a value", d);
            }
    }
}

/* R op= R with one register: the domain must read both operands before writing. */
static void check_alias(const struct av *a)
{
    int16_t off;
    int32_t imm;
    bool use_imm;
    uint8_t code = random_alu(&off, &imm, &use_imm);
    struct scalar r = a->s;
    uint64_t xs[NW + 3];
    int n = candidates(a, xs);
    char d[1000], b1[200];
    if (BPF_OP(code) != BPF_END) /* register form: the source is the same register */
        code |= BPF_X;
    scalar_alu(&r, &r, code, off, imm);
    for (int i = 0; i < n; i++) {
        uint64_t v = ref_alu(code, off, imm, xs[i], xs[i]);
        alu_cases++;
        if (!member(&r, v)) {
            snprintf(d, sizeof d, "code 0x%02x: 0x%llx op itself = 0x%llx not in %s", code,
                     (unsigned long long)xs[i], (unsigned long long)v, fmt(&r, b1));
            bad("unsound ALU result with dst == src", d);
        }
    }
    /* `if r op r`: the edge each member takes must stay feasible and keep it */
    code = random_jmp() | BPF_X;
    for (int taken = 0; taken < 2; taken++) {
        bool ok;
        r = a->s;
        ok = scalar_refine(&r, &r, code, taken);
        for (int i = 0; i < n; i++) {
            if (ref_jmp(code, xs[i], xs[i]) != taken)
                continue;
            refine_cases++;
            if (!ok || !member(&r, xs[i])) {
                snprintf(d, sizeof d, "code 0x%02x taken %d: 0x%llx lost (ok %d, %s)", code, taken,
                         (unsigned long long)xs[i], ok, fmt(&r, b1));
                bad("unsound refinement with dst == src", d);
            }
        }
    }
}

static void test_random(int rounds)
{
    for (int i = 0; i < rounds; i++) {
        struct av a, b, r;
        int16_t off;
        int32_t imm;
        bool use_imm;
        uint8_t code;

        gen(&a, (int)rndn(4));
        code = random_alu(&off, &imm, &use_imm);
        if (use_imm)
            gen_imm(&b, imm);
        else
            gen(&b, (int)rndn(4));
        check_alu(&a, &b, code, off, imm, &r);

        if (!rndn(3))
            gen_imm(&b, (int32_t)interesting());
        check_branch(&a, &b, random_jmp(), false, NULL);
        check_join(&a, &b);
        if (!rndn(4))
            check_alias(&a);
    }
    printf("soundness: %ld ALU cases (%ld constant folds), %ld branch decisions, %ld refined "
           "pairs\n",
           alu_cases, const_cases, branch_cases, refine_cases);
    printf("coverage: %ld partial ALU results, %ld decided branches, %ld infeasible edges\n",
           partial_results, decided_branches, infeasible_edges);
    CHECK(bad_cases == 0, "%ld unsound or wrong random cases", bad_cases);
    CHECK(partial_results > rounds && decided_branches > rounds / 10 &&
              infeasible_edges > rounds / 10,
          "the random values do not reach the interesting paths");
    CHECK(alu_cases > 200000 && branch_cases > 100000 && refine_cases > 50000,
          "too few random cases");
}

/* ---- precision --------------------------------------------------------------------------------
 */

static struct scalar cst(uint64_t v)
{
    struct scalar r;
    scalar_const(&r, v);
    return r;
}

static struct scalar urange(uint64_t lo, uint64_t hi)
{
    struct scalar r;
    scalar_urange(&r, lo, hi);
    return r;
}

static struct scalar unknown(void)
{
    struct scalar r;
    scalar_unknown(&r);
    return r;
}

static struct scalar alu(struct scalar d, uint8_t code, struct scalar s, int16_t off, int32_t imm)
{
    scalar_alu(&d, &s, code, off, imm);
    return d;
}

static struct scalar alu_imm(struct scalar d, uint8_t code, int32_t imm)
{
    return alu(d, code | BPF_K, cst((uint64_t)(int64_t)imm), 0, imm);
}

/* DST refined by `if DST op IMM` on the TAKEN edge; *OK gets scalar_refine's answer. */
static struct scalar refine_imm(struct scalar d, uint8_t code, int32_t imm, bool taken, bool *ok)
{
    struct scalar s = cst((uint64_t)(int64_t)imm);
    bool r = scalar_refine(&d, &s, code, taken);
    if (ok)
        *ok = r;
    return d;
}

static void test_precision(void)
{
    struct scalar r, x;
    uint64_t c;
    bool ok;
    char b[200];

    r = alu(cst(40), BPF_ALU64 | BPF_ADD | BPF_X, cst(2), 0, 0);
    CHECK(scalar_is_const(&r, &c) && c == 42, "40 + 2 = %s", fmt(&r, b));
    r = alu(cst(0xfffffffe), BPF_ALU | BPF_ADD | BPF_X, cst(3), 0, 0);
    CHECK(scalar_is_const(&r, &c) && c == 1, "w: 0xfffffffe + 3 = %s", fmt(&r, b));
    r = alu(cst(7), BPF_ALU64 | BPF_MOD | BPF_X, cst(0), 0, 0);
    CHECK(scalar_is_const(&r, &c) && c == 7, "7 %% 0 = %s", fmt(&r, b));
    r = alu(cst(7), BPF_ALU64 | BPF_DIV | BPF_X, cst(0), 0, 0);
    CHECK(scalar_is_const(&r, &c) && c == 0, "7 / 0 = %s", fmt(&r, b));
    r = alu(cst((uint64_t)INT64_MIN), BPF_ALU64 | BPF_DIV | BPF_X, cst(UINT64_MAX), 1, 0);
    CHECK(scalar_is_const(&r, &c) && c == (uint64_t)INT64_MIN, "INT64_MIN s/ -1 = %s", fmt(&r, b));
    r = alu(cst(0x123456789ULL), BPF_ALU | BPF_MOD | BPF_X, cst(0), 0, 0);
    CHECK(scalar_is_const(&r, &c) && c == 0x23456789, "w: x %% 0 keeps the low half: %s",
          fmt(&r, b));

    r = alu_imm(unknown(), BPF_ALU64 | BPF_AND, 0xff);
    CHECK(r.umin == 0 && r.umax == 255 && r.smin == 0 && r.smax == 255, "x & 0xff in [0, 255]: %s",
          fmt(&r, b));

    x = refine_imm(unknown(), BPF_JMP | BPF_JLT, 10, true, &ok);
    CHECK(ok && x.umax == 9 && x.umin == 0, "x u< 10 taken: %s", fmt(&x, b));
    x = refine_imm(unknown(), BPF_JMP | BPF_JLT, 10, false, &ok);
    CHECK(ok && x.umin == 10, "x u< 10 not taken: %s", fmt(&x, b));

    x = refine_imm(unknown(), BPF_JMP32 | BPF_JGT, 5, true, &ok);
    CHECK(ok && x.u32_min == 6 && x.u32_max == UINT32_MAX, "w1 > 5 taken: %s", fmt(&x, b));
    x = refine_imm(unknown(), BPF_JMP32 | BPF_JGT, 5, false, &ok);
    CHECK(ok && x.u32_max == 5 && x.s32_min == 0 && x.s32_max == 5, "w1 > 5 not taken: %s",
          fmt(&x, b));
    /* with the upper half known zero, 32-bit knowledge carries to 64 bits */
    x = refine_imm(urange(0, UINT32_MAX), BPF_JMP32 | BPF_JGT, 5, true, &ok);
    CHECK(ok && x.umin == 6 && x.umax == UINT32_MAX, "zext w1 > 5 taken: %s", fmt(&x, b));
    x = refine_imm(urange(0, UINT32_MAX), BPF_JMP32 | BPF_JGT, 5, false, &ok);
    CHECK(ok && x.umax == 5 && x.smax == 5, "zext w1 > 5 not taken: %s", fmt(&x, b));

    /* (x << 32) s>> 32 sign-extends the low half */
    x = refine_imm(unknown(), BPF_JMP32 | BPF_JSGE, -5, true, &ok);
    x = refine_imm(x, BPF_JMP32 | BPF_JSLE, 100, true, &ok);
    CHECK(ok && x.s32_min == -5 && x.s32_max == 100, "s32 in [-5, 100]: %s", fmt(&x, b));
    r = alu_imm(alu_imm(x, BPF_ALU64 | BPF_LSH, 32), BPF_ALU64 | BPF_ARSH, 32);
    CHECK(r.smin == -5 && r.smax == 100 && r.s32_min == -5 && r.s32_max == 100,
          "(x << 32) s>> 32: %s", fmt(&r, b));
    r = alu_imm(alu_imm(urange(0, 1000), BPF_ALU64 | BPF_LSH, 32), BPF_ALU64 | BPF_ARSH, 32);
    CHECK(r.umin == 0 && r.umax == 1000, "([0,1000] << 32) s>> 32: %s", fmt(&r, b));

    r = alu_imm(unknown(), BPF_ALU64 | BPF_MOD, 8);
    CHECK(r.umin == 0 && r.umax == 7 && r.var.mask == 7, "x %% 8: %s", fmt(&r, b));
    r = alu_imm(unknown(), BPF_ALU | BPF_MOD, 8);
    CHECK(r.umax == 7, "w: x %% 8: %s", fmt(&r, b));
    r = alu(unknown(), BPF_ALU64 | BPF_MOD | BPF_K, cst(8), 1, 8);
    CHECK(r.smin == -7 && r.smax == 7, "x s%% 8: %s", fmt(&r, b));
    r = alu_imm(urange(100, 1000), BPF_ALU64 | BPF_DIV, 4);
    CHECK(r.umin == 25 && r.umax == 250, "[100,1000] / 4: %s", fmt(&r, b));
    r = alu_imm(urange(0, 5), BPF_ALU64 | BPF_MOD, 8);
    CHECK(r.umin == 0 && r.umax == 5, "[0,5] %% 8: %s", fmt(&r, b));
    x = alu_imm(urange(0, 200), BPF_ALU64 | BPF_SUB, 100);
    CHECK(x.smin == -100 && x.smax == 100, "[0,200] - 100: %s", fmt(&x, b));
    r = alu(x, BPF_ALU64 | BPF_DIV | BPF_K, cst(7), 1, 7);
    CHECK(r.smin == -14 && r.smax == 14, "[-100,100] s/ 7: %s", fmt(&r, b));

    /* no false precision where every low half is possible */
    {
        static const uint8_t ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_XOR};
        for (unsigned i = 0; i < sizeof ops; i++) {
            r = alu(unknown(), BPF_ALU | ops[i] | BPF_X, unknown(), 0, 0);
            CHECK(r.umin == 0 && r.umax == UINT32_MAX && r.var.mask == UINT32_MAX,
                  "w: unknown op 0x%02x unknown: %s", ops[i], fmt(&r, b));
        }
    }
    r = alu_imm(urange(0xfffffff0, 0xffffffff), BPF_ALU | BPF_ADD, 0x10);
    CHECK(r.umin == 0 && r.umax == 15, "w: [0xfffffff0, 0xffffffff] + 16 wraps to [0, 15]: %s",
          fmt(&r, b));
    r = alu_imm(urange(0, 15), BPF_ALU | BPF_SUB, 0x10);
    CHECK(r.umin == 0xfffffff0 && r.umax == 0xffffffff, "w: [0, 15] - 16 wraps: %s", fmt(&r, b));
    r = alu_imm(urange(0, 255), BPF_ALU64 | BPF_ADD, 14);
    CHECK(r.umin == 14 && r.umax == 269, "u8 + 14 in [14, 269]: %s", fmt(&r, b));
    r = alu_imm(urange(0, 10), BPF_ALU64 | BPF_MUL, 3);
    CHECK(r.umin == 0 && r.umax == 30, "[0,10] * 3: %s", fmt(&r, b));
    r = alu(cst(1), BPF_ALU64 | BPF_LSH | BPF_X, urange(0, 3), 0, 0);
    CHECK(r.umin == 1 && r.umax == 8 && r.var.mask == 0xf, "1 << [0,3]: %s", fmt(&r, b));
    r = alu_imm(urange(0, 3), BPF_ALU64 | BPF_LSH, 65);
    CHECK(r.umax == 6 && r.var.mask == 6, "[0,3] << 65 (masked to 1): %s", fmt(&r, b));
    r = alu_imm(urange(0, 0xff), BPF_ALU64 | BPF_LSH, 8);
    CHECK(r.umax == 0xff00 && r.var.mask == 0xff00, "u8 << 8: %s", fmt(&r, b));

    r = alu(urange(0, 0xff), BPF_ALU | BPF_END | BPF_TO_BE, unknown(), 0, 16);
    CHECK(r.umax == 0xff00 && r.var.mask == 0xff00, "be16 of u8: %s", fmt(&r, b));
    r = alu(urange(0x10000, 0x100ff), BPF_ALU | BPF_END | BPF_TO_LE, unknown(), 0, 16);
    CHECK(r.umin == 0 && r.umax == 0xff, "le16 of [0x10000, 0x100ff]: %s", fmt(&r, b));
    r = alu(urange(0x80, 0xff), BPF_ALU64 | BPF_MOV | BPF_X, urange(0x80, 0xff), 8, 0);
    CHECK(r.smin == -128 && r.smax == -1, "movsx8 of [0x80, 0xff]: %s", fmt(&r, b));

    x = refine_imm(urange(0, 100), BPF_JMP | BPF_JEQ, 42, true, &ok);
    CHECK(ok && scalar_is_const(&x, &c) && c == 42, "x == 42 taken: %s", fmt(&x, b));
    x = refine_imm(urange(0, 100), BPF_JMP | BPF_JEQ, 200, true, &ok);
    CHECK(!ok, "[0,100] == 200 is infeasible");
    x = refine_imm(urange(0, 1), BPF_JMP | BPF_JNE, 0, true, &ok);
    CHECK(ok && scalar_is_const(&x, &c) && c == 1, "[0,1] != 0 taken: %s", fmt(&x, b));
    x = refine_imm(urange(0, 1), BPF_JMP | BPF_JEQ, 0, false, &ok);
    CHECK(ok && scalar_is_const(&x, &c) && c == 1, "[0,1] == 0 not taken: %s", fmt(&x, b));

    x = refine_imm(unknown(), BPF_JMP | BPF_JSET, 4, true, &ok);
    CHECK(ok && (x.var.value & 4) && !(x.var.mask & 4), "x & 4 taken: %s", fmt(&x, b));
    x = refine_imm(unknown(), BPF_JMP | BPF_JSET, 4, false, &ok);
    CHECK(ok && !(x.var.value & 4) && !(x.var.mask & 4), "x & 4 not taken: %s", fmt(&x, b));
    x = urange(0, 3);
    r = cst(8);
    CHECK(scalar_branch(&x, &r, BPF_JMP | BPF_JSET) == 0, "[0,3] & 8 never set");
    r = cst(2);
    x = alu_imm(unknown(), BPF_ALU64 | BPF_OR, 2);
    CHECK(scalar_branch(&x, &r, BPF_JMP | BPF_JSET) == 1, "(x | 2) & 2 always set");

    /* signed compares after unsigned knowledge, and back */
    x = refine_imm(urange(0, 100), BPF_JMP | BPF_JSGT, 50, true, &ok);
    CHECK(ok && x.umin == 51 && x.umax == 100, "[0,100] s> 50: %s", fmt(&x, b));
    x = urange(0x8000000000000000ULL, UINT64_MAX);
    r = cst(0);
    CHECK(scalar_branch(&x, &r, BPF_JMP | BPF_JSLT) == 1, "u >= 2^63 is negative");
    x = refine_imm(unknown(), BPF_JMP | BPF_JSGE, 0, true, &ok);
    x = refine_imm(x, BPF_JMP | BPF_JSLT, 64, true, &ok);
    CHECK(ok && x.umin == 0 && x.umax == 63, "0 s<= x s< 64 gives u range: %s", fmt(&x, b));
    x = urange(10, 20);
    r = urange(30, 40);
    CHECK(scalar_branch(&x, &r, BPF_JMP | BPF_JLT) == 1 &&
              scalar_branch(&x, &r, BPF_JMP | BPF_JEQ) == 0 &&
              scalar_branch(&x, &r, BPF_JMP32 | BPF_JGE) == 0,
          "disjoint ranges decide compares");
    x = urange(10, 20);
    r = urange(15, 40);
    ok = scalar_refine(&x, &r, BPF_JMP | BPF_JGT | BPF_X, true);
    CHECK(ok && x.umin == 16 && x.umax == 20 && r.umin == 15 && r.umax == 19,
          "reg-reg [10,20] > [15,40]: %s, %s", fmt(&x, b), fmt(&r, b));
}

/* ---- API basics ------------------------------------------------------------------------------ */

static void test_api(void)
{
    struct scalar a, b, u = unknown(), c10 = cst(10), c30 = cst(0x30), c42 = cst(42);
    struct scalar cm1 = cst(UINT64_MAX), cbig = cst(0xffff888000000000ULL), u8 = urange(0, 255);
    char buf[200];
    int n;

    CHECK(tnum_in(tnum_range(0, 255), tnum_const(17)) &&
              !tnum_in(tnum_const(17), tnum_range(0, 255)),
          "tnum_in");
    CHECK(tnum_range(16, 31).value == 16 && tnum_range(16, 31).mask == 15, "tnum_range");
    CHECK(tnum_cast(tnum_const(0x12345), 1).value == 0x45, "tnum_cast");
    CHECK(tnum_intersect(tnum_range(0, 255), tnum_const(3)).mask == 0, "tnum_intersect");

    a = urange(0, 10);
    b = urange(2, 5);
    CHECK(scalar_within(&a, &b) && !scalar_within(&b, &a), "within: [2,5] in [0,10]");
    CHECK(scalar_within(&u, &a) && scalar_within(&a, &a), "within: everything in unknown");
    a = alu_imm(unknown(), BPF_ALU64 | BPF_AND, 0xf0);
    b = cst(1);
    CHECK(!scalar_within(&a, &b) && scalar_within(&a, &c30), "within: known bits count");

    a = cst(3);
    scalar_join(&a, &c10);
    CHECK(a.umin == 3 && a.umax == 10 && !scalar_is_const(&a, NULL) && member(&a, 3) &&
              member(&a, 10),
          "join 3, 10: %s", fmt(&a, buf));

    a = unknown();
    a.umin = 10;
    a.umax = 5;
    CHECK(!scalar_sync(&a), "sync: umin > umax");
    a = unknown();
    a.umin = 0;
    a.umax = 10;
    a.smin = 20;
    a.smax = 30;
    CHECK(!scalar_sync(&a), "sync: unsigned [0,10] vs signed [20,30]");
    a = cst(3);
    a.umin = 5;
    a.umax = 9;
    CHECK(!scalar_sync(&a), "sync: known bits outside the range");
    a = urange(0, UINT32_MAX);
    a.u32_min = 5;
    a.u32_max = 6;
    a.var = tnum_const(7);
    CHECK(!scalar_sync(&a), "sync: 32-bit range vs known bits");
    a = unknown();
    a.u32_min = 5;
    a.u32_max = 6;
    a.var = tnum_range(0, 1);
    CHECK(!scalar_sync(&a), "sync: low half in [5,6] but value in [0,1]");
    a = unknown();
    a.umin = 0x100000000ULL;
    a.umax = 0x100000005ULL;
    a.u32_min = 3;
    CHECK(scalar_sync(&a) && a.umin == 0x100000003ULL && a.u32_max == 5,
          "sync: 32 and 64-bit ranges combine: %s", fmt(&a, buf));

    CHECK(scalar_format(&c42, buf, sizeof buf) == 2 && !strcmp(buf, "42"), "format 42: %s", buf);
    scalar_format(&cm1, buf, sizeof buf);
    CHECK(!strcmp(buf, "-1"), "format -1: %s", buf);
    scalar_format(&cbig, buf, sizeof buf);
    CHECK(!strcmp(buf, "0xffff888000000000"), "format big: %s", buf);
    a = urange(0, 255);
    scalar_format(&a, buf, sizeof buf);
    CHECK(!strcmp(buf, "scalar(umax=255,var_off=(0x0; 0xff))"), "format u8: %s", buf);
    scalar_format(&u, buf, sizeof buf);
    CHECK(!strcmp(buf, "scalar()"), "format unknown: %s", buf);
    a = alu_imm(urange(0, 200), BPF_ALU64 | BPF_SUB, 100);
    scalar_format(&a, buf, sizeof buf);
    CHECK(strstr(buf, "smin=-100,smax=100") != NULL, "format signed: %s", buf);
    n = scalar_format(&u8, buf, 4);
    CHECK(n == 36 && strlen(buf) == 3, "format truncates and returns the full length (%d)", n);
}

/* scalar_sync and scalar_urange take shortcuts for common shapes (one value, any value, the low
 * bits of an unknown value): each must give exactly what the general tightening gives. */
static void test_shortcuts(void)
{
    int bad = 0;
    for (int k = 0; k <= 64; k++) {
        uint64_t max = k == 64 ? UINT64_MAX : (1ull << k) - 1;
        struct scalar fast = urange(0, max), slow;
        scalar_unknown(&slow);
        slow.umax = max;
        scalar_sync(&slow);
        bad += memcmp(&fast, &slow, sizeof(fast)) != 0;
    }
    CHECK(bad == 0, "%d low-bit ranges differ from the general tightening", bad);
    struct scalar r = unknown();
    CHECK(scalar_sync(&r) && r.umax == UINT64_MAX && r.var.mask == UINT64_MAX,
          "any value stays any value");
    r = unknown();
    r.umin = r.umax = 0x1234;
    CHECK(scalar_sync(&r) && r.var.mask == 0 && r.var.value == 0x1234 && r.s32_min == 0x1234,
          "one value from the unsigned range");
    r = unknown();
    r.umin = r.umax = 5;
    r.smax = 4;
    CHECK(!scalar_sync(&r), "one value outside the signed range: empty");
    r = cst(7);
    r.u32_max = 6;
    CHECK(!scalar_sync(&r), "one known value outside the 32-bit range: empty");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        rng_state = strtoull(argv[1], NULL, 0) | 1;
    test_api();
    test_shortcuts();
    test_precision();
    test_random(25000);
    return tl_summary();
}
