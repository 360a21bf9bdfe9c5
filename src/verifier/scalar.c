/* The verifier's scalar domain: known bits (tnum) plus 64/32-bit signed/unsigned ranges, their
 * mutual tightening, the abstract ALU operations and the conditional-jump refinements. */
#include "verifier/scalar.h"

#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Like the interpreter, the host is little-endian: BPF_TO_LE truncates and BPF_TO_BE swaps. */

#define TNUM(v, m) ((struct tnum){.value = (v), .mask = (m)})
#define HI32 0xffffffff00000000ULL

/* A conditional jump's negation of BPF_JSET ((a & b) == 0); not an opcode of the ISA. */
#define OP_NSET 0x100

/* ---- width helpers: W-bit quantities live in uint64_t (unsigned) or int64_t (sign-extended) */

static uint64_t wfull(unsigned w)
{
    return w >= 64 ? UINT64_MAX : (1ULL << w) - 1;
}

static uint64_t wsign(unsigned w)
{
    return 1ULL << (w - 1);
}

/* The W-bit value V sign-extended (conversions and shifts of negatives are the GNU C ones). */
static int64_t sx(uint64_t v, unsigned w)
{
    unsigned s = 64 - w;
    return (int64_t)(v << s) >> s;
}

/* The W-bit two's complement pattern of S. */
static uint64_t su(int64_t s, unsigned w)
{
    return (uint64_t)s & wfull(w);
}

static int64_t wsmin(unsigned w)
{
    return sx(wsign(w), w);
}

static int64_t wsmax(unsigned w)
{
    return (int64_t)(wsign(w) - 1);
}

static uint64_t umin64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t umax64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static int64_t smin64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int64_t smax64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static uint64_t uabs(int64_t x)
{
    return x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
}

/* ---- tnum (Linux's kernel/bpf/tnum.c) ---------------------------------------------------- */

struct tnum tnum_const(uint64_t v)
{
    return TNUM(v, 0);
}

struct tnum tnum_unknown(void)
{
    return TNUM(0, UINT64_MAX);
}

/* MIN <= MAX: the common high bits are known, everything from the highest differing bit down is
 * unknown. */
struct tnum tnum_range(uint64_t min, uint64_t max)
{
    uint64_t chi = min ^ max, delta;
    if (!chi)
        return TNUM(min, 0);
    if (chi >> 63)
        return tnum_unknown();
    delta = (1ULL << (64 - __builtin_clzll(chi))) - 1;
    return TNUM(min & ~delta, delta);
}

bool tnum_is_const(struct tnum a)
{
    return a.mask == 0;
}

bool tnum_in(struct tnum a, struct tnum b)
{
    if (b.mask & ~a.mask)
        return false;
    return a.value == (b.value & ~a.mask);
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
    uint64_t v = a.value | b.value, mu = a.mask & b.mask;
    return TNUM(v & ~mu, mu);
}

struct tnum tnum_cast(struct tnum a, unsigned size)
{
    uint64_t m;
    if (size >= 8)
        return a;
    m = (1ULL << (size * 8)) - 1;
    return TNUM(a.value & m, a.mask & m);
}

/* Whether A and B share a value (no bit known in both with different values). */
static bool tnum_overlap(struct tnum a, struct tnum b)
{
    return ((a.value ^ b.value) & ~(a.mask | b.mask)) == 0;
}

/* Every value of A and of B. */
static struct tnum tnum_union(struct tnum a, struct tnum b)
{
    uint64_t mu = a.mask | b.mask | (a.value ^ b.value);
    return TNUM(a.value & ~mu, mu);
}

static struct tnum tcast(struct tnum a, unsigned w)
{
    return TNUM(a.value & wfull(w), a.mask & wfull(w));
}

/* A W-bit tnum sign-extended to 64 bits: an unknown sign bit makes every upper bit unknown. */
static struct tnum tsext(struct tnum a, unsigned w)
{
    return TNUM((uint64_t)sx(a.value, w), (uint64_t)sx(a.mask, w));
}

/* The same set with bit SB flipped: maps signed order onto unsigned order. */
static struct tnum tflip(struct tnum a, uint64_t sb)
{
    return TNUM(a.value ^ (sb & ~a.mask), a.mask);
}

static struct tnum tnum_lshift(struct tnum a, unsigned k)
{
    return TNUM(a.value << k, a.mask << k);
}

static struct tnum tnum_rshift(struct tnum a, unsigned k)
{
    return TNUM(a.value >> k, a.mask >> k);
}

static struct tnum tnum_arshift(struct tnum a, unsigned k)
{
    return TNUM((uint64_t)((int64_t)a.value >> k), (uint64_t)((int64_t)a.mask >> k));
}

static struct tnum tnum_add(struct tnum a, struct tnum b)
{
    uint64_t sm = a.mask + b.mask, sv = a.value + b.value, sigma = sm + sv;
    uint64_t mu = (sigma ^ sv) | a.mask | b.mask;
    return TNUM(sv & ~mu, mu);
}

static struct tnum tnum_sub(struct tnum a, struct tnum b)
{
    uint64_t dv = a.value - b.value, alpha = dv + a.mask, beta = dv - b.mask;
    uint64_t mu = (alpha ^ beta) | a.mask | b.mask;
    return TNUM(dv & ~mu, mu);
}

static struct tnum tnum_and(struct tnum a, struct tnum b)
{
    uint64_t alpha = a.value | a.mask, beta = b.value | b.mask, v = a.value & b.value;
    return TNUM(v, alpha & beta & ~v);
}

static struct tnum tnum_or(struct tnum a, struct tnum b)
{
    uint64_t v = a.value | b.value, mu = a.mask | b.mask;
    return TNUM(v, mu & ~v);
}

static struct tnum tnum_xor(struct tnum a, struct tnum b)
{
    uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;
    return TNUM(v & ~mu, mu);
}

/* Shift-and-add multiplication: certain products go to the value, uncertain ones to a mask
 * accumulator (Linux's tnum_mul). */
static struct tnum tnum_mul(struct tnum a, struct tnum b)
{
    uint64_t acc_v = a.value * b.value;
    struct tnum acc_m = TNUM(0, 0);
    while (a.value || a.mask) {
        if (a.value & 1)
            acc_m = tnum_add(acc_m, TNUM(0, b.mask));
        else if (a.mask & 1)
            acc_m = tnum_add(acc_m, TNUM(0, b.value | b.mask));
        a = tnum_rshift(a, 1);
        b = tnum_lshift(b, 1);
    }
    return tnum_add(TNUM(acc_v, 0), acc_m);
}

/* Byte swap of the low W bits: a permutation of bits, so exact on tnums. */
static uint64_t bswap_w(uint64_t v, unsigned w)
{
    switch (w) {
    case 16: return __builtin_bswap16((uint16_t)v);
    case 32: return __builtin_bswap32((uint32_t)v);
    default: return __builtin_bswap64(v);
    }
}

/* The smallest member of T that is >= LO, in *OUT; false when there is none. Either LO is a
 * member, or the highest bit where LO contradicts T decides: a known 1 over LO's 0 is set (with
 * the smallest tail), a known 0 under LO's 1 needs the lowest unknown bit above it that LO has
 * clear to be set instead. */
static bool tnum_next(struct tnum t, uint64_t lo, uint64_t *out)
{
    uint64_t conflict = (lo ^ t.value) & ~t.mask, above, cand;
    unsigned j, k;
    if (!conflict) {
        *out = lo;
        return true;
    }
    j = 63 - (unsigned)__builtin_clzll(conflict);
    above = j == 63 ? 0 : ~0ULL << (j + 1);
    if ((t.value >> j) & 1) {
        *out = (lo & above) | (t.value & ~above);
        return true;
    }
    cand = t.mask & ~lo & above;
    if (!cand)
        return false;
    k = (unsigned)__builtin_ctzll(cand);
    above = k == 63 ? 0 : ~0ULL << (k + 1);
    *out = (lo & above) | (1ULL << k) | (t.value & ((1ULL << k) - 1));
    return true;
}

/* The largest member of W-bit T that is <= HI (tnum_next on the complements). */
static bool tnum_prev(struct tnum t, uint64_t hi, unsigned w, uint64_t *out)
{
    uint64_t full = wfull(w), r;
    if (!tnum_next(TNUM(~t.value & ~t.mask & full, t.mask), ~hi & full, &r))
        return false;
    *out = ~r & full;
    return true;
}

/* ---- wrapping intervals ------------------------------------------------------------------
 * A signed range is, in unsigned terms, the interval that starts at its minimum and goes up,
 * wrapping past the top, to its maximum. Meeting a linear range with such a wrapping interval
 * (and taking the hull) is how the views inform each other. */

static bool in_wrap(uint64_t x, uint64_t wlo, uint64_t whi, uint64_t full)
{
    return ((x - wlo) & full) <= ((whi - wlo) & full);
}

/* Narrows [*LO, *HI] to the hull of its values in the wrapping interval WLO..WHI. A value outside
 * the interval has the interval's start as next member above it (unless that start is below it:
 * then none) and its end as next member below it. */
static bool meet_wrap(uint64_t *lo, uint64_t *hi, uint64_t wlo, uint64_t whi, uint64_t full)
{
    uint64_t nlo = *lo, nhi = *hi;
    if (!in_wrap(nlo, wlo, whi, full)) {
        if (wlo < nlo)
            return false;
        nlo = wlo;
    }
    if (!in_wrap(nhi, wlo, whi, full)) {
        if (whi > nhi)
            return false;
        nhi = whi;
    }
    if (nlo > nhi)
        return false;
    *lo = nlo;
    *hi = nhi;
    return true;
}

/* The smallest value >= *X whose low 32 bits are in the wrapping interval WLO..WHI. */
static bool next_with_low(uint64_t *x, uint32_t wlo, uint32_t whi)
{
    uint32_t low = (uint32_t)*x;
    if (in_wrap(low, wlo, whi, UINT32_MAX))
        return true;
    if (wlo > low) {
        *x = (*x & HI32) | wlo;
        return true;
    }
    if ((*x >> 32) == UINT32_MAX)
        return false;
    *x = (*x & HI32) + (1ULL << 32) + wlo;
    return true;
}

/* The largest value <= *X whose low 32 bits are in the wrapping interval WLO..WHI. */
static bool prev_with_low(uint64_t *x, uint32_t wlo, uint32_t whi)
{
    uint32_t low = (uint32_t)*x;
    if (in_wrap(low, wlo, whi, UINT32_MAX))
        return true;
    if (whi < low) {
        *x = (*x & HI32) | whi;
        return true;
    }
    if ((*x >> 32) == 0)
        return false;
    *x = (*x & HI32) - (1ULL << 32) + whi;
    return true;
}

/* ---- views: one width's tnum and ranges ---------------------------------------------------- */

struct view {
    struct tnum t;       /* only the low W bits */
    uint64_t umin, umax; /* < 2^W */
    int64_t smin, smax;  /* W-bit signed, sign-extended */
};

static struct view view_full(unsigned w)
{
    struct view v = {TNUM(0, wfull(w)), 0, wfull(w), wsmin(w), wsmax(w)};
    return v;
}

static struct view view_constw(uint64_t c, unsigned w)
{
    struct view v = {TNUM(c & wfull(w), 0), c & wfull(w), c & wfull(w), sx(c, w), sx(c, w)};
    return v;
}

static struct view view64(const struct scalar *r)
{
    struct view v = {r->var, r->umin, r->umax, r->smin, r->smax};
    return v;
}

static struct view view32(const struct scalar *r)
{
    struct view v = {tcast(r->var, 32), r->u32_min, r->u32_max, r->s32_min, r->s32_max};
    return v;
}

static bool view_const(const struct view *v, uint64_t *c)
{
    if (v->t.mask == 0) {
        *c = v->t.value;
        return true;
    }
    if (v->umin == v->umax) {
        *c = v->umin;
        return true;
    }
    return false;
}

/* Meets both ranges of V with the wrapping interval LO..HI. */
static bool meet_wrap_view(struct view *v, uint64_t lo, uint64_t hi, unsigned w)
{
    uint64_t full = wfull(w), sb = wsign(w), slo, shi;
    if (!meet_wrap(&v->umin, &v->umax, lo, hi, full))
        return false;
    slo = su(v->smin, w) ^ sb;
    shi = su(v->smax, w) ^ sb;
    if (!meet_wrap(&slo, &shi, lo ^ sb, hi ^ sb, full))
        return false;
    v->smin = sx(slo ^ sb, w);
    v->smax = sx(shi ^ sb, w);
    return true;
}

static bool meet_tnum(struct tnum *t, struct tnum other)
{
    if (!tnum_overlap(*t, other))
        return false;
    *t = tnum_intersect(*t, other);
    return true;
}

/* One round of tightening within a width: known bits from both ranges, both ranges exactly to
 * the nearest members of the known bits, then each range from the other. False when empty. */
static bool view_sync(struct view *v, unsigned w)
{
    uint64_t sb = wsign(w), lo, hi;
    struct tnum ft;
    if (v->umin > v->umax || v->smin > v->smax)
        return false;
    if (!meet_tnum(&v->t, tnum_range(v->umin, v->umax)))
        return false;
    if (!meet_tnum(&v->t, tflip(tnum_range(su(v->smin, w) ^ sb, su(v->smax, w) ^ sb), sb)))
        return false;
    if (!tnum_next(v->t, v->umin, &lo) || !tnum_prev(v->t, v->umax, w, &hi) || lo > hi)
        return false;
    v->umin = lo;
    v->umax = hi;
    ft = tflip(v->t, sb);
    if (!tnum_next(ft, su(v->smin, w) ^ sb, &lo) || !tnum_prev(ft, su(v->smax, w) ^ sb, w, &hi) ||
        lo > hi)
        return false;
    v->smin = sx(lo ^ sb, w);
    v->smax = sx(hi ^ sb, w);
    if (!meet_wrap(&v->umin, &v->umax, su(v->smin, w), su(v->smax, w), wfull(w)))
        return false;
    return meet_wrap_view(v, v->umin, v->umax, w);
}

/* ---- scalar basics -------------------------------------------------------------------------- */

void scalar_const(struct scalar *r, uint64_t v)
{
    r->var = tnum_const(v);
    r->umin = r->umax = v;
    r->smin = r->smax = (int64_t)v;
    r->u32_min = r->u32_max = (uint32_t)v;
    r->s32_min = r->s32_max = (int32_t)v;
}

void scalar_unknown(struct scalar *r)
{
    r->var = tnum_unknown();
    r->umin = 0;
    r->umax = UINT64_MAX;
    r->smin = INT64_MIN;
    r->smax = INT64_MAX;
    r->u32_min = 0;
    r->u32_max = UINT32_MAX;
    r->s32_min = INT32_MIN;
    r->s32_max = INT32_MAX;
}

void scalar_urange(struct scalar *r, uint64_t min, uint64_t max)
{
    if (min == 0 && (max & (max + 1)) == 0) {
        /* the low bits of an unknown value (loads, fills): already exact */
        r->var = TNUM(0, max);
        r->umin = 0;
        r->umax = max;
        r->smin = max > INT64_MAX ? INT64_MIN : 0;
        r->smax = max > INT64_MAX ? INT64_MAX : (int64_t)max;
        r->u32_min = 0;
        r->u32_max = max > UINT32_MAX ? UINT32_MAX : (uint32_t)max;
        r->s32_min = max > INT32_MAX ? INT32_MIN : 0;
        r->s32_max = max > INT32_MAX ? INT32_MAX : (int32_t)max;
        return;
    }
    scalar_unknown(r);
    r->umin = min;
    r->umax = max;
    if (!scalar_sync(r)) /* MIN > MAX: nothing sensible to say */
        scalar_unknown(r);
}

bool scalar_is_const(const struct scalar *r, uint64_t *v)
{
    uint64_t c;
    if (tnum_is_const(r->var))
        c = r->var.value;
    else if (r->umin == r->umax)
        c = r->umin;
    else
        return false;
    if (v)
        *v = c;
    return true;
}

static bool scalar_equal(const struct scalar *a, const struct scalar *b)
{
    return a->var.value == b->var.value && a->var.mask == b->var.mask && a->umin == b->umin &&
           a->umax == b->umax && a->smin == b->smin && a->smax == b->smax &&
           a->u32_min == b->u32_min && a->u32_max == b->u32_max && a->s32_min == b->s32_min &&
           a->s32_max == b->s32_max;
}

/* Both 64-bit bounds pulled to the nearest values whose low half fits the 32-bit ranges. The
 * unsigned and the signed 32-bit ranges are each a wrapping interval of low halves. */
static bool bounds_from_low32(uint64_t *lo, uint64_t *hi, const struct view *v32)
{
    uint32_t wl[2] = {(uint32_t)v32->umin, (uint32_t)v32->smin};
    uint32_t wh[2] = {(uint32_t)v32->umax, (uint32_t)v32->smax};
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 2; i++)
            if (!next_with_low(lo, wl[i], wh[i]) || !prev_with_low(hi, wl[i], wh[i]) || *lo > *hi)
                return false;
    return true;
}

/* Linux's reg_bounds_sync, made exact between neighbouring views and iterated: each round syncs
 * the 64-bit view, passes its low half and (narrow enough) ranges down to the 32-bit view, syncs
 * that and passes it back up. */
static bool scalar_holds(const struct scalar *r, uint64_t v)
{
    return (v & ~r->var.mask) == r->var.value && r->umin <= v && v <= r->umax &&
           r->smin <= (int64_t)v && (int64_t)v <= r->smax && r->u32_min <= (uint32_t)v &&
           (uint32_t)v <= r->u32_max && r->s32_min <= (int32_t)v && (int32_t)v <= r->s32_max;
}

/* The general tightening costs about a thousand machine instructions, and exploration meets the
 * same scalars again and again (loops, paths that re-join): its answers are remembered in a
 * small per-thread cache, indexed by a hash of the input. */
#define SYNC_CACHE 1024
struct sync_entry {
    struct scalar in, out;
    bool used, ok;
};
static _Thread_local struct sync_entry sync_cache[SYNC_CACHE];

static bool scalar_sync_slow(struct scalar *r);

static uint32_t scalar_hash(const struct scalar *r)
{
    uint64_t h = r->var.value * 0x9e3779b97f4a7c15ull ^ r->var.mask;
    h = (h ^ r->umin) * 0xff51afd7ed558ccdull ^ r->umax;
    h = (h ^ (uint64_t)r->smin) * 0xc4ceb9fe1a85ec53ull ^ (uint64_t)r->smax;
    h = (h ^ ((uint64_t)r->u32_min << 32 | r->u32_max)) * 0x9e3779b97f4a7c15ull;
    h ^= (uint64_t)(uint32_t)r->s32_min << 32 | (uint32_t)r->s32_max;
    h *= 0xff51afd7ed558ccdull;
    return (uint32_t)(h >> 40) % SYNC_CACHE;
}

bool scalar_sync(struct scalar *r)
{
    r->var.value &= ~r->var.mask;
    /* the common cases first: one value, or any value */
    if (r->var.mask == 0 || r->umin == r->umax) {
        uint64_t v = r->var.mask == 0 ? r->var.value : r->umin;
        if (!scalar_holds(r, v))
            return false;
        scalar_const(r, v);
        return true;
    }
    if (r->var.mask == UINT64_MAX && r->umin == 0 && r->umax == UINT64_MAX &&
        r->smin == INT64_MIN && r->smax == INT64_MAX && r->u32_min == 0 &&
        r->u32_max == UINT32_MAX && r->s32_min == INT32_MIN && r->s32_max == INT32_MAX)
        return true;
    struct sync_entry *e = &sync_cache[scalar_hash(r)];
    if (e->used && memcmp(&e->in, r, sizeof(*r)) == 0) {
        *r = e->out;
        return e->ok;
    }
    e->in = *r;
    e->ok = scalar_sync_slow(r);
    e->out = *r;
    e->used = true;
    return e->ok;
}

static bool scalar_sync_slow(struct scalar *r)
{
    for (int round = 0; round < 8; round++) {
        struct scalar old = *r;
        struct view v64 = view64(r), v32 = view32(r);
        uint64_t lo, hi;

        if (v32.umin > v32.umax || v32.smin > v32.smax || !view_sync(&v64, 64))
            return false;
        if (!meet_tnum(&v32.t, tcast(v64.t, 32)))
            return false;
        if (v64.umax - v64.umin <= UINT32_MAX &&
            !meet_wrap_view(&v32, (uint32_t)v64.umin, (uint32_t)v64.umax, 32))
            return false;
        if ((uint64_t)v64.smax - (uint64_t)v64.smin <= UINT32_MAX &&
            !meet_wrap_view(&v32, (uint32_t)v64.smin, (uint32_t)v64.smax, 32))
            return false;
        if (!view_sync(&v32, 32))
            return false;

        if (!meet_tnum(&v64.t, TNUM(v32.t.value, v32.t.mask | HI32)))
            return false;
        if (!bounds_from_low32(&v64.umin, &v64.umax, &v32))
            return false;
        lo = (uint64_t)v64.smin ^ (1ULL << 63);
        hi = (uint64_t)v64.smax ^ (1ULL << 63);
        if (!bounds_from_low32(&lo, &hi, &v32))
            return false;
        v64.smin = (int64_t)(lo ^ (1ULL << 63));
        v64.smax = (int64_t)(hi ^ (1ULL << 63));

        r->var = v64.t;
        r->umin = v64.umin;
        r->umax = v64.umax;
        r->smin = v64.smin;
        r->smax = v64.smax;
        r->u32_min = (uint32_t)v32.umin;
        r->u32_max = (uint32_t)v32.umax;
        r->s32_min = (int32_t)v32.smin;
        r->s32_max = (int32_t)v32.smax;
        if (scalar_equal(&old, r))
            break;
    }
    return true;
}

/* R becomes the zero-extension of the N-bit view V (N = 8..64); the result is not synced. */
static void zext_into(struct scalar *r, const struct view *v, unsigned n)
{
    r->var = v->t;
    r->umin = v->umin;
    r->umax = v->umax;
    r->smin = n == 64 ? v->smin : (int64_t)v->umin;
    r->smax = n == 64 ? v->smax : (int64_t)v->umax;
    if (n > 32) {
        r->u32_min = 0;
        r->u32_max = UINT32_MAX;
        r->s32_min = INT32_MIN;
        r->s32_max = INT32_MAX;
        return;
    }
    r->u32_min = (uint32_t)v->umin;
    r->u32_max = (uint32_t)v->umax;
    r->s32_min = n == 32 ? (int32_t)v->smin : (int32_t)v->umin;
    r->s32_max = n == 32 ? (int32_t)v->smax : (int32_t)v->umax;
}

/* Adds what the 32-bit view V says about R's low half. */
static void meet32(struct scalar *r, const struct view *v)
{
    r->u32_min = (uint32_t)umax64(r->u32_min, v->umin);
    r->u32_max = (uint32_t)umin64(r->u32_max, v->umax);
    r->s32_min = (int32_t)smax64(r->s32_min, v->smin);
    r->s32_max = (int32_t)smin64(r->s32_max, v->smax);
    meet_tnum(&r->var, TNUM(v->t.value, v->t.mask | HI32));
}

/* The low N bits of A (N = 8, 16, 32, 64) as an N-bit view: each range of A narrower than 2^N
 * maps to a wrapping interval of low parts. */
static struct view trunc_view(const struct scalar *a, unsigned n)
{
    uint64_t full = wfull(n);
    struct view v = view_full(n), t;
    if (n == 64)
        return view64(a);
    if (n == 32)
        return view32(a);
    v.t = tcast(a->var, n);
    if (a->umax - a->umin <= full)
        meet_wrap_view(&v, a->umin & full, a->umax & full, n);
    if ((uint64_t)a->smax - (uint64_t)a->smin <= full)
        meet_wrap_view(&v, (uint64_t)a->smin & full, (uint64_t)a->smax & full, n);
    if ((uint64_t)(a->u32_max - a->u32_min) <= full)
        meet_wrap_view(&v, a->u32_min & full, a->u32_max & full, n);
    if ((uint64_t)((int64_t)a->s32_max - a->s32_min) <= full)
        meet_wrap_view(&v, (uint64_t)a->s32_min & full, (uint64_t)a->s32_max & full, n);
    t = v;
    return view_sync(&t, n) ? t : v;
}

/* ---- the ALU on views ---------------------------------------------------------------------
 * Each returns an unsynced W-bit view containing every result. */

/* Sums (or differences) of two ranges form a wrapping interval as long as its width, the sum of
 * the operands' widths, stays below 2^W; that is checked for the unsigned and for the signed
 * ranges and both intervals are kept. */
static struct view v_addsub(const struct view *a, const struct view *b, bool sub, unsigned w)
{
    uint64_t full = wfull(w), width;
    struct view r = view_full(w);
    r.t = tcast(sub ? tnum_sub(a->t, b->t) : tnum_add(a->t, b->t), w);
    if (!__builtin_add_overflow(a->umax - a->umin, b->umax - b->umin, &width) && width <= full) {
        if (sub)
            meet_wrap_view(&r, (a->umin - b->umax) & full, (a->umax - b->umin) & full, w);
        else
            meet_wrap_view(&r, (a->umin + b->umin) & full, (a->umax + b->umax) & full, w);
    }
    if (!__builtin_add_overflow((uint64_t)a->smax - (uint64_t)a->smin,
                                (uint64_t)b->smax - (uint64_t)b->smin, &width) &&
        width <= full) {
        uint64_t alo = (uint64_t)a->smin, ahi = (uint64_t)a->smax;
        uint64_t blo = (uint64_t)b->smin, bhi = (uint64_t)b->smax;
        if (sub)
            meet_wrap_view(&r, (alo - bhi) & full, (ahi - blo) & full, w);
        else
            meet_wrap_view(&r, (alo + blo) & full, (ahi + bhi) & full, w);
    }
    return r;
}

static bool umul_w(uint64_t a, uint64_t b, unsigned w, uint64_t *r)
{
    return !__builtin_mul_overflow(a, b, r) && *r <= wfull(w);
}

static bool smul_w(int64_t a, int64_t b, unsigned w, int64_t *r)
{
    return !__builtin_mul_overflow(a, b, r) && *r >= wsmin(w) && *r <= wsmax(w);
}

/* Products are monotone in each operand, so without overflow at the corners the ranges hold. */
static struct view v_mul(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    uint64_t hi;
    int64_t p[4];
    r.t = tcast(tnum_mul(a->t, b->t), w);
    if (umul_w(a->umax, b->umax, w, &hi)) {
        r.umin = a->umin * b->umin;
        r.umax = hi;
    }
    if (smul_w(a->smin, b->smin, w, &p[0]) && smul_w(a->smin, b->smax, w, &p[1]) &&
        smul_w(a->smax, b->smin, w, &p[2]) && smul_w(a->smax, b->smax, w, &p[3])) {
        r.smin = smin64(smin64(p[0], p[1]), smin64(p[2], p[3]));
        r.smax = smax64(smax64(p[0], p[1]), smax64(p[2], p[3]));
    }
    return r;
}

static struct view v_and(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    r.t = tnum_and(a->t, b->t);
    r.umin = r.t.value;
    r.umax = umin64(a->umax, b->umax);
    if (a->smin >= 0 || b->smin >= 0) {
        /* a non-negative operand bounds the result from above */
        r.smin = 0;
        r.smax = a->smin < 0 ? b->smax : b->smin < 0 ? a->smax : smin64(a->smax, b->smax);
    } else if (a->smax < 0 && b->smax < 0) {
        /* both negative: the sign bit stays and the result is below both */
        r.smax = smin64(a->smax, b->smax);
    }
    return r;
}

static struct view v_or(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    r.t = tnum_or(a->t, b->t);
    r.umin = umax64(a->umin, b->umin);
    r.umax = r.t.value | r.t.mask;
    if (a->smax < 0 || b->smax < 0) {
        /* a negative operand makes the result negative and at least that operand */
        r.smax = -1;
        r.smin = a->smax >= 0 ? b->smin : b->smax >= 0 ? a->smin : smax64(a->smin, b->smin);
    } else if (a->smin >= 0 && b->smin >= 0) {
        r.smin = smax64(a->smin, b->smin);
    }
    return r;
}

static struct view v_xor(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    r.t = tnum_xor(a->t, b->t);
    r.umin = r.t.value;
    r.umax = r.t.value | r.t.mask;
    return r;
}

static bool is_pow2(uint64_t c)
{
    return c && !(c & (c - 1));
}

static struct view v_udiv(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    uint64_t c;
    if (b->umax == 0) /* x / 0 = 0 */
        return view_constw(0, w);
    if (view_const(b, &c) && c == 1)
        return *a;
    if (b->umin > 0) {
        r.umin = a->umin / b->umax;
        r.umax = a->umax / b->umin;
    } else {
        r.umax = a->umax; /* 0 for a zero divisor, at most A otherwise */
    }
    if (view_const(b, &c) && is_pow2(c))
        r.t = tnum_rshift(a->t, (unsigned)__builtin_ctzll(c));
    return r;
}

static struct view v_umod(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    uint64_t c;
    if (b->umax == 0 || a->umax < b->umin) /* x % 0 = x, and x % y = x when x < y */
        return *a;
    r.umax = b->umin > 0 ? umin64(a->umax, b->umax - 1) : a->umax;
    if (view_const(b, &c) && is_pow2(c))
        r.t = tnum_and(a->t, tnum_const(c - 1));
    return r;
}

/* Accumulates the truncated quotients at the corners of [ALO, AHI] x [BLO, BHI] (B of one sign,
 * no INT_MIN / -1): a quotient is monotone in each operand there. */
static void sdiv_corners(int64_t alo, int64_t ahi, int64_t blo, int64_t bhi, int64_t *lo,
                         int64_t *hi)
{
    int64_t q[4] = {alo / blo, alo / bhi, ahi / blo, ahi / bhi};
    for (int i = 0; i < 4; i++) {
        *lo = smin64(*lo, q[i]);
        *hi = smax64(*hi, q[i]);
    }
}

static struct view v_sdiv(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    uint64_t c;
    if (b->smin == 0 && b->smax == 0)
        return view_constw(0, w);
    if (view_const(b, &c) && c == 1)
        return *a;
    if (a->smin == wsmin(w) && b->smin <= -1 && b->smax >= -1)
        return r; /* INT_MIN / -1 wraps to INT_MIN: not monotone any more */
    if (b->smin <= -1)
        sdiv_corners(a->smin, a->smax, b->smin, smin64(b->smax, -1), &lo, &hi);
    if (b->smax >= 1)
        sdiv_corners(a->smin, a->smax, smax64(b->smin, 1), b->smax, &lo, &hi);
    if (b->smin <= 0 && b->smax >= 0) { /* x / 0 = 0 */
        lo = smin64(lo, 0);
        hi = smax64(hi, 0);
    }
    r.smin = lo;
    r.smax = hi;
    return r;
}

/* The remainder has the dividend's sign and is smaller in magnitude than both operands. */
static struct view v_smod(const struct view *a, const struct view *b, unsigned w)
{
    struct view r = view_full(w);
    uint64_t bmax, bmin, amax;
    int64_t bound, lo, hi;
    if (b->smin == 0 && b->smax == 0)
        return *a;
    bmax = umax64(uabs(b->smin), uabs(b->smax));
    bmin = b->smin > 0 ? (uint64_t)b->smin : b->smax < 0 ? uabs(b->smax) : 1;
    amax = umax64(uabs(a->smin), uabs(a->smax));
    if (amax < bmin)
        return *a;
    bound = (int64_t)(bmax - 1);
    lo = a->smin < 0 ? smax64(a->smin, -bound) : 0;
    hi = a->smax > 0 ? smin64(a->smax, bound) : 0;
    if (b->smin <= 0 && b->smax >= 0) { /* x % 0 = x */
        lo = smin64(lo, a->smin);
        hi = smax64(hi, a->smax);
    }
    r.smin = lo;
    r.smax = hi;
    return r;
}

/* Whether (S << K) fits in W-bit signed, i.e. is the product S * 2^K. */
static bool shl_fits(int64_t s, unsigned k, unsigned w)
{
    int64_t p = (int64_t)((uint64_t)s << k);
    return (p >> k) == s && p >= wsmin(w) && p <= wsmax(w);
}

/* Shift by the known amount K < W. */
static struct view v_shift(const struct view *a, unsigned k, uint8_t op, unsigned w)
{
    struct view r = view_full(w);
    switch (op) {
    case BPF_LSH:
        r.t = tcast(tnum_lshift(a->t, k), w);
        if (k == 0 || (a->umax >> (w - k)) == 0) {
            r.umin = a->umin << k;
            r.umax = a->umax << k;
        }
        if (shl_fits(a->smin, k, w) && shl_fits(a->smax, k, w)) {
            r.smin = (int64_t)((uint64_t)a->smin << k);
            r.smax = (int64_t)((uint64_t)a->smax << k);
        }
        break;
    case BPF_RSH:
        r.t = tnum_rshift(a->t, k);
        r.umin = a->umin >> k;
        r.umax = a->umax >> k;
        break;
    default: /* BPF_ARSH */
        r.t = tcast(tnum_arshift(tsext(a->t, w), k), w);
        r.smin = a->smin >> k;
        r.smax = a->smax >> k;
        break;
    }
    return r;
}

/* Sign extension of the N-bit view V into W bits: the signed range is unchanged. */
static struct view v_sext(const struct view *v, unsigned n, unsigned w)
{
    struct view r = view_full(w);
    r.t = tcast(tsext(v->t, n), w);
    r.smin = v->smin;
    r.smax = v->smax;
    return r;
}

/* ---- the ALU on scalars ------------------------------------------------------------------- */

/* The concrete operation (RFC 9669), for constant operands. False for an invalid encoding. */
static bool const_alu(uint8_t code, int16_t off, int32_t imm, uint64_t d, uint64_t s, uint64_t *out)
{
    bool is64 = BPF_CLASS(code) == BPF_ALU64;
    unsigned w = is64 ? 64 : 32;
    uint64_t full = wfull(w), r;
    int64_t sd, ss;

    if (BPF_OP(code) == BPF_END) {
        bool swap = is64 || BPF_SRC(code) == BPF_TO_BE;
        if ((imm != 16 && imm != 32 && imm != 64) || (is64 && BPF_SRC(code) != BPF_TO_LE))
            return false;
        d &= wfull((unsigned)imm);
        *out = swap ? bswap_w(d, (unsigned)imm) : d;
        return true;
    }
    d &= full;
    s &= full;
    sd = sx(d, w);
    ss = sx(s, w);
    switch (BPF_OP(code)) {
    case BPF_ADD: r = d + s; break;
    case BPF_SUB: r = d - s; break;
    case BPF_MUL: r = d * s; break;
    case BPF_OR: r = d | s; break;
    case BPF_AND: r = d & s; break;
    case BPF_XOR: r = d ^ s; break;
    case BPF_NEG: r = 0 - d; break;
    case BPF_LSH: r = d << (s & (w - 1)); break;
    case BPF_RSH: r = d >> (s & (w - 1)); break;
    case BPF_ARSH: r = (uint64_t)(sd >> (s & (w - 1))); break;
    case BPF_DIV:
        if (off == 0)
            r = s ? d / s : 0;
        else if (off == 1) /* -1 separately: INT_MIN / -1 wraps */
            r = ss == 0 ? 0 : ss == -1 ? 0 - d : (uint64_t)(sd / ss);
        else
            return false;
        break;
    case BPF_MOD:
        if (off == 0)
            r = s ? d % s : d;
        else if (off == 1)
            r = ss == 0 ? d : ss == -1 ? 0 : (uint64_t)(sd % ss);
        else
            return false;
        break;
    case BPF_MOV:
        if (off == 0 || (off == 32 && !is64))
            r = s;
        else if (off == 8 || off == 16 || off == 32)
            r = (uint64_t)sx(s & wfull((unsigned)off), (unsigned)off);
        else
            return false;
        break;
    default: return false;
    }
    *out = r & full;
    return true;
}

/* Operations whose low 32 bits only depend on the operands' low 32 bits. */
static struct view ring_op(const struct view *a, const struct view *b, uint8_t op, unsigned w)
{
    struct view zero = view_constw(0, w);
    switch (op) {
    case BPF_ADD: return v_addsub(a, b, false, w);
    case BPF_SUB: return v_addsub(a, b, true, w);
    case BPF_MUL: return v_mul(a, b, w);
    case BPF_AND: return v_and(a, b, w);
    case BPF_OR: return v_or(a, b, w);
    case BPF_XOR: return v_xor(a, b, w);
    default: return v_addsub(&zero, a, true, w); /* BPF_NEG */
    }
}

static void alu_ring(struct scalar *r, const struct scalar *a, const struct scalar *b, uint8_t op,
                     bool is64)
{
    struct view a32 = view32(a), b32 = view32(b), r32 = ring_op(&a32, &b32, op, 32);
    if (is64) {
        struct view a64 = view64(a), b64 = view64(b), r64 = ring_op(&a64, &b64, op, 64);
        zext_into(r, &r64, 64);
        meet32(r, &r32); /* the ALU64 result's low half is the 32-bit result */
    } else {
        zext_into(r, &r32, 32);
    }
}

static void alu_divmod(struct scalar *r, const struct scalar *a, const struct scalar *b, uint8_t op,
                       int16_t off, bool is64)
{
    unsigned w = is64 ? 64 : 32;
    struct view va = is64 ? view64(a) : view32(a), vb = is64 ? view64(b) : view32(b), vr;
    if (off != 0 && off != 1) {
        scalar_unknown(r);
        return;
    }
    if (op == BPF_DIV)
        vr = off ? v_sdiv(&va, &vb, w) : v_udiv(&va, &vb, w);
    else
        vr = off ? v_smod(&va, &vb, w) : v_umod(&va, &vb, w);
    zext_into(r, &vr, w);
}

/* Whether B & (W - 1), the shift amount the ISA uses, can be K. */
static bool shift_amount_possible(const struct scalar *b, unsigned k, unsigned w)
{
    uint64_t m = w - 1;
    if ((k ^ b->var.value) & ~b->var.mask & m)
        return false;
    if ((uint64_t)(b->u32_max - b->u32_min) < w)
        return in_wrap(k, b->u32_min & m, b->u32_max & m, m);
    return true;
}

static void shift_k(struct scalar *r, const struct scalar *a, unsigned k, uint8_t op, bool is64)
{
    struct view v, rv;
    if (!is64) {
        v = view32(a);
        rv = v_shift(&v, k, op, 32);
        zext_into(r, &rv, 32);
        return;
    }
    v = view64(a);
    rv = v_shift(&v, k, op, 64);
    if (op == BPF_LSH && k >= 32) {
        /* Only the low 64 - K bits survive: when the low half's range fits in them, it scales
         * (the `<< 32` of the `<< 32 s>> 32` sign-extension idiom). */
        if (((uint64_t)a->u32_max >> (64 - k)) == 0) {
            rv.umin = umax64(rv.umin, (uint64_t)a->u32_min << k);
            rv.umax = umin64(rv.umax, (uint64_t)a->u32_max << k);
        }
        if (shl_fits(a->s32_min, k, 64) && shl_fits(a->s32_max, k, 64)) {
            rv.smin = smax64(rv.smin, (int64_t)((uint64_t)(int64_t)a->s32_min << k));
            rv.smax = smin64(rv.smax, (int64_t)((uint64_t)(int64_t)a->s32_max << k));
        }
    }
    zext_into(r, &rv, 64);
    if (op == BPF_LSH && k < 32) {
        struct view v32 = view32(a), r32 = v_shift(&v32, k, BPF_LSH, 32);
        meet32(r, &r32);
    }
}

/* Hull of A and B, view by view (no sync). */
static void join_raw(struct scalar *a, const struct scalar *b)
{
    a->var = tnum_union(a->var, b->var);
    a->umin = umin64(a->umin, b->umin);
    a->umax = umax64(a->umax, b->umax);
    a->smin = smin64(a->smin, b->smin);
    a->smax = smax64(a->smax, b->smax);
    a->u32_min = a->u32_min < b->u32_min ? a->u32_min : b->u32_min;
    a->u32_max = a->u32_max > b->u32_max ? a->u32_max : b->u32_max;
    a->s32_min = a->s32_min < b->s32_min ? a->s32_min : b->s32_min;
    a->s32_max = a->s32_max > b->s32_max ? a->s32_max : b->s32_max;
}

/* A shift by an unknown amount is the join of the shifts by each amount it can be. */
static void alu_shift(struct scalar *r, const struct scalar *a, const struct scalar *b, uint8_t op,
                      bool is64)
{
    unsigned w = is64 ? 64 : 32;
    bool any = false;
    for (unsigned k = 0; k < w; k++) {
        struct scalar rk;
        if (!shift_amount_possible(b, k, w))
            continue;
        shift_k(&rk, a, k, op, is64);
        if (!scalar_sync(&rk))
            continue;
        if (any)
            join_raw(r, &rk);
        else
            *r = rk;
        any = true;
    }
    if (!any)
        scalar_unknown(r);
}

static void alu_mov(struct scalar *r, const struct scalar *b, int16_t off, bool is64)
{
    unsigned w = is64 ? 64 : 32, n = (unsigned)off;
    struct view v, rv;
    if (off != 0 && off != 8 && off != 16 && off != 32) {
        scalar_unknown(r);
        return;
    }
    if (!is64 && n == 32) /* sign-extending 32 bits into 32 bits moves them */
        n = 0;
    if (n == 0) {
        if (is64) {
            *r = *b;
        } else {
            v = view32(b);
            zext_into(r, &v, 32);
        }
        return;
    }
    v = trunc_view(b, n);
    rv = v_sext(&v, n, w);
    zext_into(r, &rv, w);
    if (is64) {
        struct view r32 = v_sext(&v, n, 32);
        meet32(r, &r32);
    }
}

static void alu_end(struct scalar *r, const struct scalar *a, uint8_t code, int32_t imm)
{
    bool is64 = BPF_CLASS(code) == BPF_ALU64;
    unsigned n = (unsigned)imm;
    struct view v;
    if ((imm != 16 && imm != 32 && imm != 64) || (is64 && BPF_SRC(code) != BPF_TO_LE)) {
        scalar_unknown(r);
        return;
    }
    if (n == 64 && !is64 && BPF_SRC(code) == BPF_TO_LE) { /* no-op */
        *r = *a;
        return;
    }
    v = trunc_view(a, n);
    if (is64 || BPF_SRC(code) == BPF_TO_BE) {
        struct tnum t = TNUM(bswap_w(v.t.value, n), bswap_w(v.t.mask, n));
        v = view_full(n);
        v.t = t;
    }
    zext_into(r, &v, n);
}

void scalar_alu(struct scalar *dst, const struct scalar *src, uint8_t code, int16_t off,
                int32_t imm)
{
    const struct scalar a = *dst, b = *src; /* DST and SRC may be the same register */
    uint8_t op = BPF_OP(code);
    bool is64 = BPF_CLASS(code) == BPF_ALU64;
    bool need_a = op != BPF_MOV, need_b = op != BPF_NEG && op != BPF_END;
    uint64_t ca = 0, cb = 0, c;
    struct view va, vb;
    struct scalar r;

    if (!is64 && BPF_CLASS(code) != BPF_ALU) {
        scalar_unknown(dst);
        return;
    }
    if (op == BPF_MOV && is64 && off == 0) { /* a plain copy */
        *dst = b;
        return;
    }
    /* Constant operands (in the operation's width) fold exactly. */
    va = view32(&a);
    vb = view32(&b);
    if ((!need_a || (is64 || op == BPF_END ? scalar_is_const(&a, &ca) : view_const(&va, &ca))) &&
        (!need_b || (is64 ? scalar_is_const(&b, &cb) : view_const(&vb, &cb)))) {
        if (const_alu(code, off, imm, ca, cb, &c))
            scalar_const(dst, c);
        else
            scalar_unknown(dst);
        return;
    }
    switch (op) {
    case BPF_ADD:
    case BPF_SUB:
    case BPF_MUL:
    case BPF_AND:
    case BPF_OR:
    case BPF_XOR:
    case BPF_NEG: alu_ring(&r, &a, &b, op, is64); break;
    case BPF_DIV:
    case BPF_MOD: alu_divmod(&r, &a, &b, op, off, is64); break;
    case BPF_LSH:
    case BPF_RSH:
    case BPF_ARSH: alu_shift(&r, &a, &b, op, is64); break;
    case BPF_MOV: alu_mov(&r, &b, off, is64); break;
    case BPF_END: alu_end(&r, &a, code, imm); break;
    default: scalar_unknown(&r); break;
    }
    if (!scalar_sync(&r)) /* only when an operand was empty (unreachable code) */
        scalar_unknown(&r);
    *dst = r;
}

/* ---- conditional jumps -------------------------------------------------------------------- */

static int view_branch(const struct view *a, const struct view *b, int op)
{
    uint64_t ca, cb;
    struct tnum t;
    int eq;
    switch (op) {
    case BPF_JEQ:
    case BPF_JNE:
        if (view_const(a, &ca) && view_const(b, &cb))
            eq = ca == cb;
        else if (a->umin > b->umax || a->umax < b->umin || a->smin > b->smax || a->smax < b->smin ||
                 !tnum_overlap(a->t, b->t))
            eq = 0;
        else
            return -1;
        return op == BPF_JEQ ? eq : !eq;
    case BPF_JGT: return a->umin > b->umax ? 1 : a->umax <= b->umin ? 0 : -1;
    case BPF_JGE: return a->umin >= b->umax ? 1 : a->umax < b->umin ? 0 : -1;
    case BPF_JLT: return a->umax < b->umin ? 1 : a->umin >= b->umax ? 0 : -1;
    case BPF_JLE: return a->umax <= b->umin ? 1 : a->umin > b->umax ? 0 : -1;
    case BPF_JSGT: return a->smin > b->smax ? 1 : a->smax <= b->smin ? 0 : -1;
    case BPF_JSGE: return a->smin >= b->smax ? 1 : a->smax < b->smin ? 0 : -1;
    case BPF_JSLT: return a->smax < b->smin ? 1 : a->smin >= b->smax ? 0 : -1;
    case BPF_JSLE: return a->smax <= b->smin ? 1 : a->smin > b->smax ? 0 : -1;
    case BPF_JSET:
    case OP_NSET:
        t = tnum_and(a->t, b->t);
        eq = t.value ? 1 : (t.value | t.mask) == 0 ? 0 : -1;
        return eq < 0 || op == BPF_JSET ? eq : !eq;
    default: return -1;
    }
}

static bool is_cond_op(int op)
{
    switch (op) {
    case BPF_JEQ:
    case BPF_JNE:
    case BPF_JGT:
    case BPF_JGE:
    case BPF_JLT:
    case BPF_JLE:
    case BPF_JSGT:
    case BPF_JSGE:
    case BPF_JSLT:
    case BPF_JSLE:
    case BPF_JSET: return true;
    default: return false;
    }
}

static int branch_op(const struct scalar *a, const struct scalar *b, int op, bool is32)
{
    struct view a32 = view32(a), b32 = view32(b), a64, b64;
    int r;
    if (is32)
        return view_branch(&a32, &b32, op);
    a64 = view64(a);
    b64 = view64(b);
    r = view_branch(&a64, &b64, op);
    /* different low halves also make 64-bit values different */
    if (r < 0 && (op == BPF_JEQ || op == BPF_JNE) && view_branch(&a32, &b32, BPF_JEQ) == 0)
        r = op == BPF_JNE;
    return r;
}

int scalar_branch(const struct scalar *dst, const struct scalar *src, uint8_t code)
{
    uint8_t cls = BPF_CLASS(code);
    if ((cls != BPF_JMP && cls != BPF_JMP32) || !is_cond_op(BPF_OP(code)))
        return -1;
    return branch_op(dst, src, BPF_OP(code), cls == BPF_JMP32);
}

static int negate_op(int op)
{
    switch (op) {
    case BPF_JEQ: return BPF_JNE;
    case BPF_JNE: return BPF_JEQ;
    case BPF_JGT: return BPF_JLE;
    case BPF_JLE: return BPF_JGT;
    case BPF_JGE: return BPF_JLT;
    case BPF_JLT: return BPF_JGE;
    case BPF_JSGT: return BPF_JSLE;
    case BPF_JSLE: return BPF_JSGT;
    case BPF_JSGE: return BPF_JSLT;
    case BPF_JSLT: return BPF_JSGE;
    default: return op == BPF_JSET ? OP_NSET : BPF_JSET;
    }
}

/* LO < HI (STRICT) or LO <= HI, unsigned. */
static bool refine_ult(struct view *lo, struct view *hi, bool strict, unsigned w)
{
    uint64_t d = strict;
    if (hi->umax < d || lo->umin > wfull(w) - d)
        return false;
    lo->umax = umin64(lo->umax, hi->umax - d);
    hi->umin = umax64(hi->umin, lo->umin + d);
    return lo->umin <= lo->umax && hi->umin <= hi->umax;
}

static bool refine_slt(struct view *lo, struct view *hi, bool strict, unsigned w)
{
    int64_t d = strict;
    if (hi->smax < wsmin(w) + d || lo->smin > wsmax(w) - d)
        return false;
    lo->smax = smin64(lo->smax, hi->smax - d);
    hi->smin = smax64(hi->smin, lo->smin + d);
    return lo->smin <= lo->smax && hi->smin <= hi->smax;
}

/* X != Y: when Y is a constant at an end of X's ranges, that end moves in. */
static void exclude_const(struct view *x, const struct view *y, unsigned w)
{
    uint64_t c;
    int64_t sc;
    if (!view_const(y, &c))
        return;
    sc = sx(c, w);
    if (x->umin == c && c < wfull(w))
        x->umin++;
    if (x->umax == c && c > 0)
        x->umax--;
    if (x->smin == sc && sc < wsmax(w))
        x->smin++;
    if (x->smax == sc && sc > wsmin(w))
        x->smax--;
}

/* If only one bit can be set in both, it is set in both. */
static void refine_jset(struct view *a, struct view *b, unsigned w)
{
    uint64_t p = (a->t.value | a->t.mask) & (b->t.value | b->t.mask) & wfull(w);
    if (is_pow2(p)) {
        a->t = TNUM(a->t.value | p, a->t.mask & ~p);
        b->t = TNUM(b->t.value | p, b->t.mask & ~p);
    }
    /* and neither is zero */
    if (a->umin == 0)
        a->umin = 1;
    if (b->umin == 0)
        b->umin = 1;
}

/* Narrows the W-bit views A and B to pairs for which `A op B` holds. */
static bool refine_views(struct view *a, struct view *b, int op, unsigned w)
{
    int br = view_branch(a, b, op);
    uint64_t ka, kb;
    if (br >= 0)
        return br == 1;
    switch (op) {
    case BPF_JEQ:
        if (!meet_tnum(&a->t, b->t))
            return false;
        a->umin = umax64(a->umin, b->umin);
        a->umax = umin64(a->umax, b->umax);
        a->smin = smax64(a->smin, b->smin);
        a->smax = smin64(a->smax, b->smax);
        *b = *a;
        return a->umin <= a->umax && a->smin <= a->smax;
    case BPF_JNE:
        exclude_const(a, b, w);
        exclude_const(b, a, w);
        return a->umin <= a->umax && a->smin <= a->smax && b->umin <= b->umax && b->smin <= b->smax;
    case BPF_JLT: return refine_ult(a, b, true, w);
    case BPF_JLE: return refine_ult(a, b, false, w);
    case BPF_JGT: return refine_ult(b, a, true, w);
    case BPF_JGE: return refine_ult(b, a, false, w);
    case BPF_JSLT: return refine_slt(a, b, true, w);
    case BPF_JSLE: return refine_slt(a, b, false, w);
    case BPF_JSGT: return refine_slt(b, a, true, w);
    case BPF_JSGE: return refine_slt(b, a, false, w);
    case BPF_JSET: refine_jset(a, b, w); return true;
    default: /* OP_NSET: a bit known set in one is clear in the other */
        ka = a->t.value;
        kb = b->t.value;
        a->t = TNUM(a->t.value & ~kb, a->t.mask & ~kb);
        b->t = TNUM(b->t.value & ~ka, b->t.mask & ~ka);
        return true;
    }
}

static void put_view(struct scalar *r, const struct view *v, bool is32)
{
    if (is32) {
        r->var = TNUM((r->var.value & HI32) | v->t.value, (r->var.mask & HI32) | v->t.mask);
        r->u32_min = (uint32_t)v->umin;
        r->u32_max = (uint32_t)v->umax;
        r->s32_min = (int32_t)v->smin;
        r->s32_max = (int32_t)v->smax;
    } else {
        r->var = v->t;
        r->umin = v->umin;
        r->umax = v->umax;
        r->smin = v->smin;
        r->smax = v->smax;
    }
}

/* A and B both become their intersection (64-bit equality: every view is shared). */
static bool meet_scalar(struct scalar *a, const struct scalar *b)
{
    if (!meet_tnum(&a->var, b->var))
        return false;
    a->umin = umax64(a->umin, b->umin);
    a->umax = umin64(a->umax, b->umax);
    a->smin = smax64(a->smin, b->smin);
    a->smax = smin64(a->smax, b->smax);
    a->u32_min = a->u32_min > b->u32_min ? a->u32_min : b->u32_min;
    a->u32_max = a->u32_max < b->u32_max ? a->u32_max : b->u32_max;
    a->s32_min = a->s32_min > b->s32_min ? a->s32_min : b->s32_min;
    a->s32_max = a->s32_max < b->s32_max ? a->s32_max : b->s32_max;
    return scalar_sync(a);
}

/* On false DST and SRC are left unchanged. When DST and SRC are the same register the result is
 * SRC's refinement (sound for the register either way). */
bool scalar_refine(struct scalar *dst, struct scalar *src, uint8_t code, bool taken)
{
    uint8_t cls = BPF_CLASS(code);
    bool is32 = cls == BPF_JMP32;
    int op = BPF_OP(code), br;
    struct scalar a = *dst, b = *src;
    struct view va, vb;

    if ((cls != BPF_JMP && cls != BPF_JMP32) || !is_cond_op(op))
        return true;
    if (!taken)
        op = negate_op(op);
    br = branch_op(&a, &b, op, is32);
    if (br == 0)
        return false;
    if (br == 1)
        return true;
    if (op == BPF_JEQ && !is32) {
        if (!meet_scalar(&a, &b))
            return false;
        b = a;
    } else {
        va = is32 ? view32(&a) : view64(&a);
        vb = is32 ? view32(&b) : view64(&b);
        if (!refine_views(&va, &vb, op, is32 ? 32 : 64))
            return false;
        put_view(&a, &va, is32);
        put_view(&b, &vb, is32);
    }
    if (!scalar_sync(&a) || !scalar_sync(&b))
        return false;
    *dst = a;
    *src = b;
    return true;
}

/* ---- pruning, join, printing ---------------------------------------------------------------- */

bool scalar_within(const struct scalar *old, const struct scalar *cur)
{
    return old->umin <= cur->umin && cur->umax <= old->umax && old->smin <= cur->smin &&
           cur->smax <= old->smax && old->u32_min <= cur->u32_min && cur->u32_max <= old->u32_max &&
           old->s32_min <= cur->s32_min && cur->s32_max <= old->s32_max &&
           tnum_in(old->var, cur->var);
}

void scalar_join(struct scalar *a, const struct scalar *b)
{
    struct scalar j = *a;
    join_raw(&j, b);
    *a = j;
    if (scalar_sync(&j)) /* a hull of non-empty values is not empty; keep the raw hull if so */
        *a = j;
}

struct out {
    char *buf;
    size_t len, n;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(o->n < o->len ? o->buf + o->n : NULL, o->n < o->len ? o->len - o->n : 0, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->n += (size_t)k;
}

/* Constants: decimal (signed) when their magnitude is below 2^32, e.g. "42", "-1",
 * "4294967295"; otherwise hex, e.g. "0xffff888000000000". Other values: "scalar(...)" with the
 * unsigned bounds that are not trivial, the signed and 32-bit bounds that do not follow from
 * the views before them, and the known bits when any is known, e.g.
 * "scalar(smin=-100,smax=100)", "scalar(umax=255,var_off=(0x0; 0xff))"; "scalar()" is any
 * value. Bounds are decimal, known bits hex. */
int scalar_format(const struct scalar *r, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    struct scalar t;
    uint64_t c;
    int64_t is_min = INT64_MIN, is_max = INT64_MAX;
    uint32_t iu_min = 0, iu_max = UINT32_MAX;
    int32_t is32_min = INT32_MIN, is32_max = INT32_MAX;
    const char *sep = "";

    if (len)
        buf[0] = 0;
    if (scalar_is_const(r, &c)) {
        int64_t s = (int64_t)c;
        if (s > -(1LL << 32) && s < (1LL << 32))
            put(&o, "%lld", (long long)s);
        else
            put(&o, "0x%llx", (unsigned long long)c);
        return (int)o.n;
    }
    /* A view is shown when it says more than the views before it: the unsigned 64-bit range,
     * then the signed one, the unsigned 32-bit one, the signed 32-bit one. What they imply is
     * what syncing rebuilds with the view reset. */
    t = *r;
    t.smin = INT64_MIN;
    t.smax = INT64_MAX;
    if (scalar_sync(&t)) {
        is_min = t.smin;
        is_max = t.smax;
    }
    t = *r;
    t.u32_min = 0;
    t.u32_max = UINT32_MAX;
    t.s32_min = INT32_MIN;
    t.s32_max = INT32_MAX;
    if (scalar_sync(&t)) {
        iu_min = t.u32_min;
        iu_max = t.u32_max;
    }
    t = *r;
    t.s32_min = INT32_MIN;
    t.s32_max = INT32_MAX;
    if (scalar_sync(&t)) {
        is32_min = t.s32_min;
        is32_max = t.s32_max;
    }
    put(&o, "scalar(");
#define FIELD(cond, name, fmt, val)                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            put(&o, "%s" name "=" fmt, sep, val);                                                  \
            sep = ",";                                                                             \
        }                                                                                          \
    } while (0)
    FIELD(r->smin != is_min, "smin", "%lld", (long long)r->smin);
    FIELD(r->smax != is_max, "smax", "%lld", (long long)r->smax);
    FIELD(r->umin != 0, "umin", "%llu", (unsigned long long)r->umin);
    FIELD(r->umax != UINT64_MAX, "umax", "%llu", (unsigned long long)r->umax);
    FIELD(r->s32_min != is32_min, "smin32", "%d", (int)r->s32_min);
    FIELD(r->s32_max != is32_max, "smax32", "%d", (int)r->s32_max);
    FIELD(r->u32_min != iu_min, "umin32", "%u", (unsigned)r->u32_min);
    FIELD(r->u32_max != iu_max, "umax32", "%u", (unsigned)r->u32_max);
#undef FIELD
    if (r->var.mask != UINT64_MAX)
        put(&o, "%svar_off=(0x%llx; 0x%llx)", sep, (unsigned long long)r->var.value,
            (unsigned long long)r->var.mask);
    put(&o, ")");
    return (int)o.n;
}
