/* Abstract states: allocation and copies (with the memory they take, for the statistics), and
 * the two comparisons exploration needs: "covers" (pruning) and "equal" (infinite loops). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/vstate.h"

/* States are copied and freed at a high rate: freed blocks are kept per size (multiples of 8 below
 * 8 KiB) and reused, and new small blocks are carved from large chunks, instead of
 * going to malloc each time. Everything goes back to malloc at the end (vpool_release). */
#define CHUNK_SIZE ((size_t)256 << 10)

struct chunk {
    struct chunk *next;
    size_t used;
    _Alignas(16) unsigned char data[];
};

static void *carve(struct venv *env, size_t n)
{
    struct chunk *c = env->chunks;
    if (!c || c->used + n > CHUNK_SIZE - sizeof(*c)) {
        c = malloc(CHUNK_SIZE);
        if (!c)
            return NULL;
        c->next = env->chunks;
        c->used = 0;
        env->chunks = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void *vmalloc_acct(struct venv *env, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    void *p = NULL;
    if (n / 8 < POOL_CLASSES) {
        p = env->pool[n / 8];
        if (p)
            env->pool[n / 8] = *(void **)p;
        else
            p = carve(env, n);
    } else {
        p = malloc(n);
    }
    if (p) {
        env->mem += n;
        if (env->mem > env->peak_mem)
            env->peak_mem = env->mem;
    }
    return p;
}

void vfree_acct(struct venv *env, void *p, size_t n)
{
    if (!p)
        return;
    n = (n + 7) & ~(size_t)7;
    env->mem -= n;
    if (n / 8 < POOL_CLASSES && n >= sizeof(void *)) {
        *(void **)p = env->pool[n / 8];
        env->pool[n / 8] = p;
    } else {
        free(p);
    }
}

void vpool_release(struct venv *env)
{
    memset(env->pool, 0, sizeof(env->pool));
    while (env->chunks) {
        struct chunk *c = env->chunks;
        env->chunks = c->next;
        free(c);
    }
}

void vreg_not_init(struct vreg *r)
{
    memset(r, 0, sizeof(*r));
    scalar_const(&r->s, 0);
    r->map = -1;
}

void vreg_scalar_unknown(struct vreg *r)
{
    vreg_not_init(r);
    r->type = V_SCALAR;
    scalar_unknown(&r->s);
}

void vreg_scalar_const(struct vreg *r, uint64_t v)
{
    vreg_not_init(r);
    r->type = V_SCALAR;
    scalar_const(&r->s, v);
}

bool vreg_is_ptr(const struct vreg *r)
{
    return r->type != V_NOT_INIT && r->type != V_SCALAR;
}

struct vframe *vframe_new(struct venv *env, int32_t callsite, int32_t subprog)
{
    struct vframe *f = vmalloc_acct(env, sizeof(*f));
    if (!f)
        return NULL;
    memset(f, 0, sizeof(*f));
    for (int i = 0; i < 11; i++)
        vreg_not_init(&f->regs[i]);
    f->callsite = callsite;
    f->subprog = subprog;
    return f;
}

void vframe_reset_stack(struct venv *env, struct vframe *f)
{
    vfree_acct(env, f->slots, (size_t)f->nslots * sizeof(struct vslot));
    f->slots = NULL;
    f->nslots = 0;
    f->depth = 0;
}

void vframe_free(struct venv *env, struct vframe *f)
{
    if (!f)
        return;
    vfree_acct(env, f->slots, (size_t)f->nslots * sizeof(struct vslot));
    vfree_acct(env, f, sizeof(*f));
}

struct vslot *vframe_slot(struct venv *env, struct vframe *f, int i)
{
    if (i < 0 || i >= NSLOTS)
        return NULL;
    if (i >= f->nslots) {
        int n = i + 1 < 8 ? 8 : i + 1;
        if (n > NSLOTS)
            n = NSLOTS;
        struct vslot *s = vmalloc_acct(env, (size_t)n * sizeof(*s));
        if (!s)
            return NULL;
        if (f->nslots)
            memcpy(s, f->slots, (size_t)f->nslots * sizeof(*s));
        memset(s + f->nslots, 0, (size_t)(n - f->nslots) * sizeof(*s));
        vfree_acct(env, f->slots, (size_t)f->nslots * sizeof(*s));
        f->slots = s;
        f->nslots = n;
    }
    return &f->slots[i];
}

static struct vframe *vframe_copy(struct venv *env, const struct vframe *src)
{
    struct vframe *f = vmalloc_acct(env, sizeof(*f));
    if (!f)
        return NULL;
    *f = *src;
    f->slots = NULL;
    if (src->nslots) {
        f->slots = vmalloc_acct(env, (size_t)src->nslots * sizeof(struct vslot));
        if (!f->slots) {
            vfree_acct(env, f, sizeof(*f));
            return NULL;
        }
        memcpy(f->slots, src->slots, (size_t)src->nslots * sizeof(struct vslot));
    }
    return f;
}

struct vstate *vstate_new(struct venv *env)
{
    struct vstate *s = vmalloc_acct(env, sizeof(*s));
    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    s->lock_map = -1;
    return s;
}

struct vstate *vstate_copy(struct venv *env, const struct vstate *src)
{
    struct vstate *s = vmalloc_acct(env, sizeof(*s));
    if (!s)
        return NULL;
    *s = *src;
    s->hist = NULL;
    s->chist = 0;
    if (src->nhist) {
        s->hist = vmalloc_acct(env, src->nhist * sizeof(*s->hist));
        if (!s->hist) {
            s->nframes = 0;
            vstate_free(env, s);
            return NULL;
        }
        memcpy(s->hist, src->hist, src->nhist * sizeof(*s->hist));
        s->chist = src->nhist;
    }
    for (int i = 0; i < src->nframes; i++) {
        s->frames[i] = vframe_copy(env, src->frames[i]);
        if (!s->frames[i]) {
            s->nframes = i;
            vstate_free(env, s);
            return NULL;
        }
    }
    return s;
}

void vstate_free(struct venv *env, struct vstate *s)
{
    if (!s)
        return;
    vfree_acct(env, s->hist, s->chist * sizeof(*s->hist));
    for (int i = 0; i < s->nframes; i++)
        vframe_free(env, s->frames[i]);
    vfree_acct(env, s, sizeof(*s));
}

/* A mapping of ids in the old state to ids in the current one; a pointer id must correspond to
 * one id in each direction, or two copies in one state could match two unrelated pointers. */
struct idmap {
    uint32_t old_id[64], cur_id[64];
    int n;
    bool all_precise;
};

static bool ids_match(struct idmap *m, uint32_t old_id, uint32_t cur_id)
{
    if (!old_id && !cur_id)
        return true;
    if (!old_id || !cur_id)
        return false;
    for (int i = 0; i < m->n; i++) {
        if (m->old_id[i] == old_id)
            return m->cur_id[i] == cur_id;
        if (m->cur_id[i] == cur_id)
            return false;
    }
    if (m->n == 64)
        return false;
    m->old_id[m->n] = old_id;
    m->cur_id[m->n++] = cur_id;
    return true;
}

/* OLD's register covers CUR's: every value CUR may hold, OLD allows. */
static bool reg_covers(const struct vreg *old, const struct vreg *cur, struct idmap *m)
{
    if (old->type == V_NOT_INIT)
        return true;
    if (old->type != cur->type)
        return false;
    if (old->type == V_SCALAR) {
        /* Copies refined together, and data_end - data lengths that prove packet range, carry
         * what later checks relied on: CUR must have the same links. */
        if (old->id && !ids_match(m, old->id, cur->id))
            return false;
        if (old->pkt_len_id && (old->pkt_len_off != cur->pkt_len_off ||
                                !ids_match(m, old->pkt_len_id, cur->pkt_len_id)))
            return false;
        /* a value whose exactness never mattered covers any number */
        return (!old->precise && !m->all_precise) || scalar_within(&old->s, &cur->s);
    }
    if (old->maybe_null != cur->maybe_null || old->off != cur->off || old->map != cur->map ||
        old->mem_size != cur->mem_size || old->frameno != cur->frameno)
        return false;
    if (!scalar_within(&old->s, &cur->s))
        return false;
    if (old->type == V_PKT || old->type == V_PKT_META) {
        /* CUR must have proven at least as much packet, and share ranges the same way */
        if (cur->range < old->range)
            return false;
    }
    if (old->ref != cur->ref && !ids_match(m, old->ref | 0x80000000u, cur->ref | 0x80000000u))
        return false;
    if ((old->maybe_null || old->type == V_PKT || old->type == V_PKT_META) &&
        !ids_match(m, old->id, cur->id))
        return false;
    return true;
}

static bool reg_equal(const struct vreg *a, const struct vreg *b)
{
    if (a->type != b->type)
        return false;
    if (a->type == V_NOT_INIT)
        return true;
    return a->maybe_null == b->maybe_null && a->off == b->off && a->map == b->map &&
           a->mem_size == b->mem_size && a->frameno == b->frameno && a->range == b->range &&
           memcmp(&a->s, &b->s, sizeof(a->s)) == 0;
}

static uint8_t slot_byte(const struct vframe *f, int slot, int b)
{
    return slot < f->nslots ? f->slots[slot].bytes[b] : SB_INVALID;
}

/* OLD's stack slot I covers CUR's. */
static bool slot_covers(const struct vframe *old, const struct vframe *cur, struct idmap *m, int i)
{
    if (i < old->nslots && old->slots[i].bytes[0] == SB_SPILL &&
        old->slots[i].spill.type == V_SCALAR && !old->slots[i].spill.precise && !m->all_precise) {
        /* an imprecise spilled number: any initialised bytes will do */
        bool init = i < cur->nslots;
        for (int b = 0; init && b < 8; b++)
            init = cur->slots[i].bytes[b] != SB_INVALID &&
                   (cur->slots[i].bytes[b] != SB_SPILL || cur->slots[i].spill.type == V_SCALAR);
        if (init)
            return true;
    }
    if (i >= old->nslots)
        return true; /* nothing initialised there in OLD: anything will do */
    if (i < cur->nslots && memcmp(old->slots[i].bytes, cur->slots[i].bytes, 8) == 0) {
        /* the same kinds of bytes (the common case) */
        static const uint8_t spill[8] = {SB_SPILL, SB_SPILL, SB_SPILL, SB_SPILL,
                                         SB_SPILL, SB_SPILL, SB_SPILL, SB_SPILL};
        if (memcmp(old->slots[i].bytes, spill, 8) == 0)
            return reg_covers(&old->slots[i].spill, &cur->slots[i].spill, m);
        return true;
    }
    bool old_spill = true, cur_spill = true;
    for (int b = 0; b < 8; b++) {
        uint8_t o = slot_byte(old, i, b), c = slot_byte(cur, i, b);
        old_spill &= o == SB_SPILL;
        cur_spill &= c == SB_SPILL;
        if (o == SB_INVALID)
            continue;
        if (c == SB_INVALID)
            return false;
        if (o == SB_MISC && (c == SB_MISC || c == SB_ZERO))
            continue;
        if (o == SB_ZERO && c == SB_ZERO)
            continue;
        if (o == SB_SPILL && c == SB_SPILL)
            continue;
        if (o == SB_MISC && c == SB_SPILL && cur->slots[i].spill.type == V_SCALAR)
            continue;
        return false;
    }
    /* partly spilled bytes are scalars here; nothing more to compare */
    return !old_spill || (cur_spill && reg_covers(&old->slots[i].spill, &cur->slots[i].spill, m));
}

/* Where a comparison failed last time (frame, register or stack slot): a state that stops
 * covering others usually does so for the same reason again, so that is checked first. */
#define HINT_NONE 0u
#define HINT(fi, r) (1u + (uint32_t)(fi)*128u + (uint32_t)(r)) /* r < 11: register; else slot */

/* Registers live in frame FI of OLD (at PC for the innermost frame, after the call for the
 * callers). */
static uint16_t frame_live(const struct venv *env, const struct vstate *old, int fi, int32_t pc)
{
    if (fi == old->nframes - 1)
        return env->live_in[pc];
    return (uint16_t)(env->live_in[old->frames[fi + 1]->callsite + 1] & 0x3c0); /* r6-r9 */
}

bool vstate_covers(const struct venv *env, const struct vstate *old, const struct vstate *cur,
                   int32_t pc, const uint64_t *live_slots, bool exact, uint32_t *hint)
{
    if (old->nframes != cur->nframes || old->nrefs != cur->nrefs || old->lock_map != cur->lock_map)
        return false;
    struct idmap m; /* only n entries are read: no need to clear the arrays */
    m.n = 0;
    m.all_precise = old->all_precise || exact;
    if (*hint != HINT_NONE) {
        /* a necessary condition: the item alone (an id mapping that fails alone fails in
         * company too) */
        int fi = (int)((*hint - 1) / 128), r = (int)((*hint - 1) % 128);
        if (fi < old->nframes) {
            const struct vframe *of = old->frames[fi], *cf = cur->frames[fi];
            uint64_t ls = live_slots ? live_slots[fi] : ~0ull;
            bool ok = r < 11 ? (r < 10 && !(frame_live(env, old, fi, pc) & (1u << r))) ||
                                   reg_covers(&of->regs[r], &cf->regs[r], &m)
                             : (r - 11 < 64 && !(ls & (1ull << (r - 11)))) ||
                                   slot_covers(of, cf, &m, r - 11);
            if (!ok)
                return false;
            m.n = 0;
        }
    }
    for (int fi = 0; fi < old->nframes; fi++) {
        const struct vframe *of = old->frames[fi], *cf = cur->frames[fi];
        if (of->callsite != cf->callsite || of->callback != cf->callback)
            return false;
        uint16_t live = frame_live(env, old, fi, pc);
        for (int r = 0; r < 11; r++) {
            if (r < 10 && !(live & (1u << r)))
                continue;
            if (!reg_covers(&of->regs[r], &cf->regs[r], &m)) {
                *hint = HINT(fi, r);
                return false;
            }
        }
        uint64_t ls = live_slots ? live_slots[fi] : ~0ull;
        int n = of->nslots > cf->nslots ? of->nslots : cf->nslots;
        for (int i = 0; i < n; i++) {
            if (i < 64 && !(ls & (1ull << i)))
                continue; /* nothing reads it before writing it */
            if (!slot_covers(of, cf, &m, i)) {
                *hint = HINT(fi, 11 + i);
                return false;
            }
        }
    }
    for (int i = 0; i < old->nrefs; i++)
        if (!ids_match(&m, old->refs[i] | 0x80000000u, cur->refs[i] | 0x80000000u))
            return false;
    return true;
}

bool vstate_equal(const struct venv *env, const struct vstate *a, const struct vstate *b,
                  int32_t pc)
{
    if (a->nframes != b->nframes || a->nrefs != b->nrefs)
        return false;
    for (int fi = 0; fi < a->nframes; fi++) {
        const struct vframe *fa = a->frames[fi], *fb = b->frames[fi];
        if (fa->callsite != fb->callsite) /* the same function called from another place */
            return false;
        uint16_t live = fi == a->nframes - 1 ? env->live_in[pc] : 0x7ff;
        for (int r = 0; r < 11; r++)
            if ((r == 10 || (live & (1u << r))) && !reg_equal(&fa->regs[r], &fb->regs[r]))
                return false;
        int n = fa->nslots > fb->nslots ? fa->nslots : fb->nslots;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 8; k++)
                if (slot_byte(fa, i, k) != slot_byte(fb, i, k))
                    return false;
            if (slot_byte(fa, i, 0) == SB_SPILL &&
                !reg_equal(&fa->slots[i].spill, &fb->slots[i].spill))
                return false;
        }
    }
    return true;
}

const char *vtype_name(const struct vreg *r)
{
    static const char *const names[] = {
        [V_NOT_INIT] = "uninitialised",
        [V_SCALAR] = "scalar",
        [V_CTX] = "ctx",
        [V_STACK] = "fp",
        [V_MAP] = "map_ptr",
        [V_MAP_VALUE] = "map_value",
        [V_MAP_KEY] = "map_key",
        [V_PKT] = "pkt",
        [V_PKT_END] = "pkt_end",
        [V_PKT_META] = "pkt_meta",
        [V_SOCK] = "sock",
        [V_SOCK_COMMON] = "sock_common",
        [V_TCP_SOCK] = "tcp_sock",
        [V_MEM] = "mem",
        [V_BTF_ID] = "kernel_ptr",
        [V_FUNC] = "func",
        [V_FLOW_KEYS] = "flow_keys",
    };
    return r->type < sizeof(names) / sizeof(names[0]) ? names[r->type] : "?";
}

int vreg_format(const struct venv *env, const struct vreg *r, char *buf, size_t len)
{
    char sc[160];
    if (r->type == V_NOT_INIT)
        return snprintf(buf, len, "uninitialised");
    if (r->type == V_SCALAR) {
        scalar_format(&r->s, sc, sizeof(sc));
        return snprintf(buf, len, "%s", sc);
    }
    size_t n = (size_t)snprintf(buf, len, "%s%s", vtype_name(r), r->maybe_null ? "_or_null" : "");
    if (n >= len)
        return (int)n;
    if (r->type == V_MAP || r->type == V_MAP_VALUE || r->type == V_MAP_KEY) {
        if (r->map >= 0 && (size_t)r->map < env->map_cnt)
            n += (size_t)snprintf(buf + n, len - n, "(%s)", env->maps[r->map].name);
    }
    if (r->type == V_STACK && r->frameno)
        n += (size_t)snprintf(buf + n, len - n, "[frame %u]", r->frameno);
    uint64_t c;
    if (n < len && r->type != V_MAP && r->type != V_FUNC) {
        if (scalar_is_const(&r->s, &c))
            n += (size_t)snprintf(buf + n, len - n, "%+lld", (long long)(r->off + (int64_t)c));
        else {
            scalar_format(&r->s, sc, sizeof(sc));
            n += (size_t)snprintf(buf + n, len - n, "%+d+%s", r->off, sc);
        }
    }
    if (n < len && (r->type == V_PKT || r->type == V_PKT_META))
        n += (size_t)snprintf(buf + n, len - n, " (range %d)", r->range);
    if (n < len && (r->type == V_MAP_VALUE || r->type == V_MEM || r->type == V_MAP_KEY))
        n += (size_t)snprintf(buf + n, len - n, " (size %u)", r->mem_size);
    return (int)n;
}
