/* Soundness harness for the bpfrt verifier.
 *
 * A generator writes random but plausible programs (context reads, packet access behind bounds
 * checks, map lookups and updates, stack spills, ALU and comparisons that refine ranges used as
 * offsets, bounded loops, bpf-to-bpf calls, ring-buffer records, helpers that change the packet),
 * each snippet in a safe form or, at random, with one of the mistakes the verifier must catch.
 * Every program is verified twice (privileged and unprivileged); every accepted program is then
 * run many times in the checked interpreter on random inputs. An accepted program must never:
 *
 *   - trap in the interpreter (access outside the memory granted to the run, unknown helper, ...);
 *   - exhaust the instruction budget (the verifier proves termination);
 *   - break a helper's contract (bad map pointer, key/value/buffer outside readable memory, ring
 *     record not reserved, record leaked at exit, ...);
 *   - touch a packet buffer after a helper moved the packet, or a ring-buffer record after it
 *     was submitted (those pages are made inaccessible: a fault is caught and reported);
 *   - return a value outside the program type's range (cgroup_skb);
 *   - when the unprivileged verifier accepted it: produce outputs that depend on uninitialised
 *     registers or stack, or on the value of a pointer. Each input runs twice, in two "worlds"
 *     that differ only in the poison written into every uninitialised register and stack byte
 *     and in the addresses of everything (stack, packet, context, maps); the outputs (r0, packet,
 *     context, maps, ring-buffer output, the helper calls with the bytes they read) must agree;
 *   - when only the privileged verifier accepted it: produce outputs that depend on registers or
 *     stack the program read directly without writing them first (bpfrt refuses those reads even
 *     when privileged). Each input runs twice in the same world with different poison; the
 *     helpers then ignore the contents of the memory they are given (a privileged program may
 *     pass them uninitialised stack) and pointers keep their values.
 *
 * Rejected programs are run too (unverified, a few inputs): the summary says how many of them
 * fail, and lists the rejections of programs the generator wrote without any mistake that never
 * failed (imprecision candidates). The self-test runs hand-written unsafe programs and generated
 * programs with mistakes without the verifier: most must fail, so an accept-everything verifier
 * cannot pass. A failure prints the program (disassembly in test_verifier's .t format, which
 * --case reads back), the seeds, the input, and the program shrunk to the instructions the
 * failure needs.
 *
 * Budget: 200000 + 100 x (instructions the verifier processed) interpreter steps per run; a
 * verified program cannot run longer than the paths the verifier explored. The verifier runs
 * with an instruction limit of 25000 (accepted generated programs need at most a few thousand;
 * the limit bounds the time and memory spent on the unbounded loops the generator writes).
 *
 * How the program is run. The verified bytecode is instrumented, never changed in meaning:
 * a prologue at the entry records r10 (through a harness helper, for the helpers' bounds
 * checks), grants the packet, poisons r0,r2-r9 and the whole stack frame and loads r1 with the
 * address of the harness context; each function entry poisons its frame and r0,r6-r9; every call
 * is followed by poisoning r1-r5 (what the verifier considers clobbered). Jumps are relinked.
 * Map references (lddw map_by_idx / map_val_by_idx) become lddw of the harness's map objects.
 * The packet buffers are mapped below 4 GiB (MAP_32BIT) so the 32-bit data/data_end fields of
 * struct xdp_md and struct __sk_buff hold real pointers: context loads run unchanged. The
 * context is not granted as one block: each field the program type may read is its own
 * read-only region and each writable field a writable one, so a load across fields, of a field
 * the type may not read, or a store to a read-only field traps.
 *
 * Program types: xdp, sched_cls (tc), cgroup_skb (read-only packet, return value in [0,1]) and
 * unspec (168-byte read-only context of scalars, no packet).
 *
 * usage: test_soundness [--seconds S] [--programs N] [--seed X] [--runs R] [--only K]
 *                       [--type T] [--insn-limit N] [--accept-all] [--no-self-test]
 *                       [--no-minimize] [-v] [--dump-rejected] [--dump-clean]
 *        test_soundness --case FILE.t   (one program, in the format failures are printed in)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpfrt/isa.h"
#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "bpfrt/vm.h"
#include "testlib.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ===================================================================== random numbers === */

struct rng {
    uint64_t s;
};

static uint64_t rnext(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rbelow(struct rng *r, uint32_t n)
{
    return n ? (uint32_t)(((rnext(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

static int rrange(struct rng *r, int lo, int hi)
{
    return lo + (int)rbelow(r, (uint32_t)(hi - lo + 1));
}

static bool rpct(struct rng *r, int pct)
{
    return (int)rbelow(r, 100) < pct;
}

static uint64_t mix64(uint64_t a, uint64_t b)
{
    struct rng r = {a ^ (b * 0x9e3779b97f4a7c15ull)};
    rnext(&r);
    return rnext(&r);
}

/* An "interesting" 64-bit value: edges of the ranges programs compare against. */
static uint64_t rvalue(struct rng *r)
{
    static const uint64_t edge[] = {0,
                                    1,
                                    2,
                                    3,
                                    7,
                                    8,
                                    15,
                                    16,
                                    31,
                                    32,
                                    63,
                                    64,
                                    127,
                                    128,
                                    255,
                                    256,
                                    511,
                                    512,
                                    0x7fff,
                                    0x8000,
                                    0xffff,
                                    0x10000,
                                    0x7fffffff,
                                    0x80000000,
                                    0xffffffff,
                                    0x100000000ull,
                                    0x7fffffffffffffffull,
                                    0x8000000000000000ull,
                                    0xffffffffffffffffull,
                                    0xfffffffffffffff0ull,
                                    0xffffffff80000000ull};
    switch (rbelow(r, 4)) {
    case 0: return edge[rbelow(r, ARRAY_LEN(edge))];
    case 1: return edge[rbelow(r, ARRAY_LEN(edge))] + (uint64_t)rrange(r, -2, 2);
    case 2: return rbelow(r, 600);
    default: return rnext(r);
    }
}

/* ============================================================ program builder (labels) === */

struct gi {
    struct bpfrt_insn in[2];
    uint8_t slots;
    int32_t label; /* jump / call target label, -1 when none */
};

struct prog {
    struct gi *v;
    int n, cap;
    int *lab;
    int nlab, labcap;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return q;
}

static struct gi *p_add(struct prog *p, uint8_t code, int dst, int src, int off, int32_t imm)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 256;
        p->v = xrealloc(p->v, (size_t)p->cap * sizeof(*p->v));
    }
    struct gi *g = &p->v[p->n++];
    memset(g, 0, sizeof(*g));
    g->in[0].code = code;
    g->in[0].dst_reg = (uint8_t)(dst & 15);
    g->in[0].src_reg = (uint8_t)(src & 15);
    g->in[0].off = (int16_t)off;
    g->in[0].imm = imm;
    g->slots = 1;
    g->label = -1;
    return g;
}

static int p_label(struct prog *p)
{
    if (p->nlab == p->labcap) {
        p->labcap = p->labcap ? 2 * p->labcap : 64;
        p->lab = xrealloc(p->lab, (size_t)p->labcap * sizeof(int));
    }
    p->lab[p->nlab] = -1;
    return p->nlab++;
}

static void p_place(struct prog *p, int l)
{
    p->lab[l] = p->n;
}

static void p_free(struct prog *p)
{
    free(p->v);
    free(p->lab);
    memset(p, 0, sizeof(*p));
}

/* Resolves labels into slot offsets. Returns 0, or -1 when a label was never placed or an
 * offset does not fit (a generator bug). */
static int p_link(const struct prog *p, struct bpfrt_insn **out, size_t *n_out)
{
    int *slot = xrealloc(NULL, (size_t)(p->n + 1) * sizeof(int));
    int s = 0;
    for (int i = 0; i < p->n; i++) {
        slot[i] = s;
        s += p->v[i].slots;
    }
    slot[p->n] = s;
    struct bpfrt_insn *v = xrealloc(NULL, (size_t)s * sizeof(*v));
    for (int i = 0; i < p->n; i++) {
        const struct gi *g = &p->v[i];
        memcpy(&v[slot[i]], g->in, g->slots * sizeof(struct bpfrt_insn));
        if (g->label >= 0) {
            int t = p->lab[g->label];
            if (t < 0 || t >= p->n) {
                free(slot);
                free(v);
                return -1;
            }
            int rel = slot[t] - slot[i] - 1;
            if (g->in[0].code == (BPF_JMP | BPF_CALL))
                v[slot[i]].imm = rel;
            else if (rel < INT16_MIN || rel > INT16_MAX) {
                free(slot);
                free(v);
                return -1;
            } else
                v[slot[i]].off = (int16_t)rel;
        }
    }
    free(slot);
    *out = v;
    *n_out = (size_t)s;
    return 0;
}

/* ================================================================ program types =========== */

struct cfield {
    uint16_t off;
    uint8_t size;
};
struct cbad {
    int16_t off;
    uint8_t size;
    bool write;
};
struct cregion {
    uint16_t off, len;
    bool writable;
};

struct ptdesc {
    const char *name;
    uint32_t type, attach;
    bool pkt, pkt_write, meta, narrow;
    int16_t data_off, end_off, meta_off;
    const struct cfield *rd; /* scalar fields the type may read (natural size) */
    int nrd;
    const struct cfield *wr; /* fields it may write (4 bytes) */
    int nwr;
    const struct cbad *bad; /* accesses it may not make */
    int nbad;
    const struct cregion *reg; /* how the harness grants the context */
    int nreg;
    bool ret_checked;
    int64_t ret_min, ret_max;
    /* helpers available (Linux's *_func_proto for a privileged loader) */
    bool h_adjust, h_pull, h_skb_load, h_xdp_load, h_csum;
};

#define SKB(f) ((uint16_t)offsetof(struct __sk_buff, f))
#define XDP(f) ((uint16_t)offsetof(struct xdp_md, f))

static const struct cfield xdp_rd[] = {{XDP(ingress_ifindex), 4}, {XDP(rx_queue_index), 4}};
static const struct cbad xdp_bad[] = {
    {XDP(egress_ifindex), 4, false}, /* devmap attach only */
    {XDP(data), 8, false},           /* wide load of a pointer field */
    {XDP(data_end), 2, false},       /* narrow load of a pointer field */
    {XDP(ingress_ifindex), 1, false},
    {24, 4, false}, /* past the end */
    {-4, 4, false},
    {13, 4, false}, /* misaligned */
    {XDP(ingress_ifindex), 4, true},
    {XDP(data), 4, true},
};
static const struct cregion xdp_reg[] = {
    {XDP(data), 4, false},           {XDP(data_end), 4, false},
    {XDP(data_meta), 4, false},      {XDP(ingress_ifindex), 4, false},
    {XDP(rx_queue_index), 4, false},
};

static const struct cfield skb_rd[] = {
    {SKB(len), 4},      {SKB(pkt_type), 4},        {SKB(mark), 4},     {SKB(queue_mapping), 4},
    {SKB(protocol), 4}, {SKB(vlan_present), 4},    {SKB(vlan_tci), 4}, {SKB(vlan_proto), 4},
    {SKB(priority), 4}, {SKB(ingress_ifindex), 4}, {SKB(ifindex), 4},  {SKB(tc_index), 4},
    {SKB(cb[0]), 4},    {SKB(cb[3]), 4},           {SKB(hash), 4},
};
static const struct cfield tc_wr[] = {
    {SKB(mark), 4},  {SKB(priority), 4},   {SKB(tc_index), 4},     {SKB(cb[0]), 4},
    {SKB(cb[4]), 4}, {SKB(tc_classid), 4}, {SKB(queue_mapping), 4}};
static const struct cbad tc_bad[] = {
    {SKB(len), 4, true},
    {SKB(family), 4, false},
    {SKB(data), 8, false},
    {SKB(len), 8, false},
    {SKB(remote_ip4), 4, false},
    {SKB(ifindex), 4, true},
    {(int16_t)sizeof(struct __sk_buff), 4, false},
    {SKB(data_end), 4, true},
    {SKB(mark), 2, true},
};
static const struct cregion tc_reg[] = {
    {0, SKB(data), false},      {SKB(mark), 4, true},     {SKB(queue_mapping), 4, true},
    {SKB(priority), 4, true},   {SKB(tc_index), 4, true}, {SKB(cb[0]), 20, true},
    {SKB(tc_classid), 4, true}, {SKB(data), 4, false},    {SKB(data_end), 4, false},
};

static const struct cfield cg_wr[] = {{SKB(mark), 4}, {SKB(priority), 4}, {SKB(cb[1]), 4}};
static const struct cbad cg_bad[] = {
    {SKB(tc_classid), 4, false}, {SKB(data_meta), 4, false}, {SKB(tc_index), 4, true},
    {SKB(len), 4, true},         {SKB(data), 4, true},       {SKB(len), 8, false},
};
static const struct cregion cg_reg[] = {
    {0, SKB(tc_classid), false}, {SKB(mark), 4, true},  {SKB(priority), 4, true},
    {SKB(cb[0]), 20, true},      {SKB(data), 4, false}, {SKB(data_end), 4, false},
};

static const struct cfield un_rd[] = {{0, 8},   {8, 8},   {16, 8}, {40, 8}, {80, 8},
                                      {112, 8}, {160, 8}, {4, 4},  {34, 2}, {167, 1}};
static const struct cbad un_bad[] = {{168, 8, false}, {164, 8, false}, {0, 8, true},
                                     {3, 4, false},   {-8, 8, false},  {16, 4, true}};
static const struct cregion un_reg[] = {{0, 168, false}};

#define N(a) (int)ARRAY_LEN(a)
static const struct ptdesc ptypes[] = {
    {"xdp",
     BPF_PROG_TYPE_XDP,
     0,
     true,
     true,
     true,
     false,
     XDP(data),
     XDP(data_end),
     XDP(data_meta),
     xdp_rd,
     N(xdp_rd),
     NULL,
     0,
     xdp_bad,
     N(xdp_bad),
     xdp_reg,
     N(xdp_reg),
     false,
     0,
     0,
     true,
     false,
     false,
     true,
     true},
    {"sched_cls",
     BPF_PROG_TYPE_SCHED_CLS,
     0,
     true,
     true,
     false,
     true,
     SKB(data),
     SKB(data_end),
     -1,
     skb_rd,
     N(skb_rd),
     tc_wr,
     N(tc_wr),
     tc_bad,
     N(tc_bad),
     tc_reg,
     N(tc_reg),
     false,
     0,
     0,
     false,
     true,
     true,
     false,
     true},
    {"cgroup_skb",
     BPF_PROG_TYPE_CGROUP_SKB,
     BPF_CGROUP_INET_INGRESS,
     true,
     false,
     false,
     true,
     SKB(data),
     SKB(data_end),
     -1,
     skb_rd,
     N(skb_rd),
     cg_wr,
     N(cg_wr),
     cg_bad,
     N(cg_bad),
     cg_reg,
     N(cg_reg),
     true,
     0,
     1,
     false,
     false,
     true,
     false,
     false},
    {"unspec", BPF_PROG_TYPE_UNSPEC,
     0,        false,
     false,    false,
     true,     -1,
     -1,       -1,
     un_rd,    N(un_rd),
     NULL,     0,
     un_bad,   N(un_bad),
     un_reg,   N(un_reg),
     false,    0,
     0,        false,
     false,    false,
     false,    true},
};
#undef N

/* ======================================================================== generator ====== */

enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

#define MAXMAPS 6
#define MAXE 8 /* entries of hash and array maps */

struct mdesc {
    uint32_t type, ksz, vsz, max, flags;
    bool global;      /* .rodata/.bss style, used through map_val_by_idx */
    uint8_t init[64]; /* initial contents of a read-only global map */
    char name[16];
};

enum sub_kind {
    SUB_SUM,
    SUB_FILL,
    SUB_SCALAR,
    SUB_DANGLING,
    SUB_NESTED,
    SUB_ADJUST,
    SUB_R6,
    SUB_IDENT
};

struct sub {
    int kind, cap, label;
    bool bug, emitted;
};

struct gen {
    struct rng r;
    struct prog p;
    const struct ptdesc *pt;
    struct mdesc maps[MAXMAPS];
    int nmaps;
    int mh, ma, mrb, mro, mbss; /* map indexes, -1 when absent */
    int bug_pct;
    int nbugs;
    char bugs[400];
    int sp, stack_limit; /* stack bytes handed out in the function being written */
    struct sub subs[16];
    int nsubs;
    int loops;
    bool pkt_valid; /* r7/r8 hold data/data_end (else a bug made them stale) */
};

/* Injects a mistake with the program's probability; records what it was. */
static bool bug(struct gen *g, const char *what)
{
    if (!rpct(&g->r, g->bug_pct))
        return false;
    g->nbugs++;
    size_t l = strlen(g->bugs);
    if (l + strlen(what) + 3 < sizeof(g->bugs))
        snprintf(g->bugs + l, sizeof(g->bugs) - l, "%s%s", l ? "; " : "", what);
    return true;
}

/* Records a risk the generator took knowingly (the program may be unsafe). */
static void mark(struct gen *g, const char *what)
{
    g->nbugs++;
    size_t l = strlen(g->bugs);
    if (l + strlen(what) + 3 < sizeof(g->bugs))
        snprintf(g->bugs + l, sizeof(g->bugs) - l, "%s%s", l ? "; " : "", what);
}

static uint8_t szcode(int sz)
{
    return sz == 1 ? BPF_B : sz == 2 ? BPF_H : sz == 4 ? BPF_W : BPF_DW;
}

static void alui(struct gen *g, bool is64, int op, int d, int32_t imm)
{
    p_add(&g->p, (uint8_t)((is64 ? BPF_ALU64 : BPF_ALU) | BPF_K | op), d, 0, 0, imm);
}

static void alur(struct gen *g, bool is64, int op, int d, int s)
{
    p_add(&g->p, (uint8_t)((is64 ? BPF_ALU64 : BPF_ALU) | BPF_X | op), d, s, 0, 0);
}

static void movi(struct gen *g, int d, int32_t imm)
{
    alui(g, true, BPF_MOV, d, imm);
}

static void movr(struct gen *g, int d, int s)
{
    alur(g, true, BPF_MOV, d, s);
}

static void addi(struct gen *g, int d, int32_t imm)
{
    alui(g, true, BPF_ADD, d, imm);
}

static void addr_(struct gen *g, int d, int s)
{
    alur(g, true, BPF_ADD, d, s);
}

static void ldx(struct gen *g, int sz, int d, int s, int off)
{
    p_add(&g->p, (uint8_t)(BPF_LDX | BPF_MEM | szcode(sz)), d, s, off, 0);
}

static void stx(struct gen *g, int sz, int d, int s, int off)
{
    p_add(&g->p, (uint8_t)(BPF_STX | BPF_MEM | szcode(sz)), d, s, off, 0);
}

static void st(struct gen *g, int sz, int d, int off, int32_t imm)
{
    p_add(&g->p, (uint8_t)(BPF_ST | BPF_MEM | szcode(sz)), d, 0, off, imm);
}

static void atom(struct gen *g, int sz, int d, int s, int off, int32_t op)
{
    p_add(&g->p, (uint8_t)(BPF_STX | BPF_ATOMIC | szcode(sz)), d, s, off, op);
}

static void jc(struct gen *g, bool is64, int op, int d, int32_t imm, int l)
{
    p_add(&g->p, (uint8_t)((is64 ? BPF_JMP : BPF_JMP32) | BPF_K | op), d, 0, 0, imm)->label = l;
}

static void jr(struct gen *g, bool is64, int op, int d, int s, int l)
{
    p_add(&g->p, (uint8_t)((is64 ? BPF_JMP : BPF_JMP32) | BPF_X | op), d, s, 0, 0)->label = l;
}

static void ja(struct gen *g, int l)
{
    p_add(&g->p, BPF_JMP | BPF_JA, 0, 0, 0, 0)->label = l;
}

static void call(struct gen *g, int id)
{
    p_add(&g->p, BPF_JMP | BPF_CALL, 0, 0, 0, id);
}

static void call_local(struct gen *g, int l)
{
    p_add(&g->p, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0)->label = l;
}

static void ex(struct gen *g)
{
    p_add(&g->p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static void ld_map(struct gen *g, int d, int m)
{
    p_add(&g->p, BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_IDX, 0, m)->slots = 2;
}

static void ld_mapval(struct gen *g, int d, int m, int off)
{
    struct gi *x = p_add(&g->p, BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_IDX_VALUE, 0, m);
    x->slots = 2;
    x->in[1].imm = off;
}

static int label(struct gen *g)
{
    return p_label(&g->p);
}

static void place(struct gen *g, int l)
{
    p_place(&g->p, l);
}

/* Stack area of SIZE bytes in the current function: [r10 - A, r10 - A + SIZE). Returns A. */
static int salloc(struct gen *g, int size)
{
    size = (size + 7) & ~7;
    if (g->sp + size > g->stack_limit)
        g->sp = 0;
    g->sp += size;
    return g->sp;
}

/* Initialises [r10 - A, r10 - A + SIZE) with 8-byte stores (rounded up). */
static void init_area(struct gen *g, int a, int size, bool allow_bug)
{
    int skip = -1;
    if (allow_bug && size > 0 && bug(g, "stack area partly uninitialised"))
        skip = (int)rbelow(&g->r, (uint32_t)((size + 7) / 8));
    for (int o = 0, i = 0; o < size; o += 8, i++)
        if (i != skip)
            st(g, 8, R10, -a + o, rrange(&g->r, -3, 300));
}

static int pow2floor(int v)
{
    int p = 1;
    while (p * 2 <= v)
        p *= 2;
    return p;
}

static bool have_pkt(const struct gen *g)
{
    return g->pt->pkt && g->pkt_valid;
}

/* An unknown scalar into REG. SKIP: where to go when a packet check fails. CALLS: helpers may
 * be called (they clobber r0-r5). */
static void gen_scalar(struct gen *g, int reg, int skip, bool calls)
{
    int k = (int)rbelow(&g->r, 7);
    if (k == 0 && calls) {
        call(g, BPF_FUNC_get_prandom_u32);
        if (reg != R0)
            movr(g, reg, R0);
        return;
    }
    if (k <= 2 && have_pkt(g)) {
        int sz = 1 << rbelow(&g->r, 4), o = rrange(&g->r, 0, 12);
        movr(g, reg, R7);
        addi(g, reg, o + sz);
        jr(g, true, BPF_JGT, reg, R8, skip);
        if (sz < 8 && rpct(&g->r, 15)) /* sign-extending load (RFC 9669) */
            p_add(&g->p, (uint8_t)(BPF_LDX | 0x80 | szcode(sz)), reg, R7, o, 0);
        else
            ldx(g, sz, reg, R7, o);
        return;
    }
    if (k == 3) {
        movr(g, reg, R9);
        return;
    }
    const struct cfield *f = &g->pt->rd[rbelow(&g->r, (uint32_t)g->pt->nrd)];
    ldx(g, f->size, reg, R6, f->off);
}

/* Bounds REG to [0, MAX] (skipping to SKIP otherwise), one of many ways; TMP may be clobbered.
 * A bug may leave it wider. */
static void gen_bound(struct gen *g, int reg, int max, int skip, int tmp)
{
    int m = max;
    if (bug(g, "bound off by one"))
        m = max + 1;
    if (bug(g, "index not bounded"))
        return;
    int low = pow2floor(m + 1) - 1; /* largest 2^k-1 <= m */
    int k = 0;
    while ((1 << k) - 1 < low)
        k++;
    switch (rbelow(&g->r, 14)) {
    case 0:
        if (bug(g, "mask wider than the bound"))
            low = low * 2 + 1;
        alui(g, true, BPF_AND, reg, low);
        break;
    case 1: jc(g, true, BPF_JGT, reg, m, skip); break;
    case 2: jc(g, true, BPF_JGE, reg, m + 1, skip); break;
    case 3: {
        int ok = label(g);
        jc(g, true, BPF_JLE, reg, m, ok);
        ja(g, skip);
        place(g, ok);
        break;
    }
    case 4:
        movi(g, tmp, m);
        jr(g, true, BPF_JGT, reg, tmp, skip);
        break;
    case 5:
        jc(g, true, BPF_JSGT, reg, m, skip);
        if (!bug(g, "signed upper bound only"))
            jc(g, true, BPF_JSLT, reg, 0, skip);
        break;
    case 6:
        if (!bug(g, "32-bit comparison bounds a 64-bit value"))
            alur(g, false, BPF_MOV, reg, reg);
        if (rpct(&g->r, 50))
            jc(g, false, BPF_JGT, reg, m, skip);
        else
            jc(g, false, BPF_JGE, reg, m + 1, skip);
        break;
    case 7: alui(g, true, BPF_MOD, reg, m + 1); break;
    case 8:
        if (k == 0)
            movi(g, reg, 0);
        else
            alui(g, true, BPF_RSH, reg, 64 - k);
        break;
    case 9: alui(g, false, BPF_AND, reg, low); break;
    case 10:
        if (bug(g, "bound checked on a 32-bit copy"))
            alur(g, false, BPF_MOV, tmp, reg);
        else
            movr(g, tmp, reg);
        if (bug(g, "bound checked on a copy taken before the value changed"))
            addi(g, reg, rrange(&g->r, 1, 8));
        jc(g, true, BPF_JGT, tmp, m, skip);
        break;
    case 11:
        alui(g, true, BPF_AND, reg, 0xff);
        jc(g, true, BPF_JSET, reg, 0xff & ~low, skip);
        break;
    case 12: {
        /* against another bounded register: reg <= tmp <= m */
        const struct cfield *f = &g->pt->rd[rbelow(&g->r, (uint32_t)g->pt->nrd)];
        ldx(g, f->size, tmp, R6, f->off);
        alui(g, true, BPF_AND, tmp, low);
        if (rpct(&g->r, 50)) {
            jr(g, true, BPF_JGT, reg, tmp, skip);
        } else {
            jr(g, true, BPF_JSGT, reg, tmp, skip);
            if (!bug(g, "signed bound against a register without lower bound"))
                jc(g, true, BPF_JSLT, reg, 0, skip);
        }
        break;
    }
    default:
        /* 32-bit signed pair on a zero-extended value */
        alur(g, false, BPF_MOV, reg, reg);
        jc(g, false, BPF_JSGT, reg, m, skip);
        if (!bug(g, "signed 32-bit upper bound only"))
            jc(g, false, BPF_JSLT, reg, 0, skip);
        break;
    }
}

/* map lookup with a key on the stack; returns the register holding the value pointer (checked
 * against NULL unless a bug says otherwise). Clobbers r0-r5. */
static int emit_lookup(struct gen *g, int m, int skip)
{
    const struct mdesc *md = &g->maps[m];
    int k = salloc(g, 8);
    uint32_t key = md->type == BPF_MAP_TYPE_HASH
                       ? rbelow(&g->r, 6)
                       : rbelow(&g->r, md->max + (rpct(&g->r, 15) ? 2 : 0));
    if (bug(g, "lookup key uninitialised")) {
    } else if (md->ksz == 8 && bug(g, "lookup key half initialised")) {
        st(g, 4, R10, -k, (int32_t)key);
    } else if (rpct(&g->r, 30)) {
        gen_scalar(g, R3, skip, true);
        alui(g, true, BPF_AND, R3, md->type == BPF_MAP_TYPE_HASH ? 7 : (int)md->max);
        stx(g, (int)md->ksz, R10, R3, -k);
    } else {
        st(g, (int)md->ksz, R10, -k, (int32_t)key);
    }
    movr(g, R2, R10);
    addi(g, R2, -k);
    ld_map(g, R1, m);
    call(g, BPF_FUNC_map_lookup_elem);
    int v = R0, chk = R0;
    switch (rbelow(&g->r, 5)) {
    case 0: {
        int s = salloc(g, 8);
        stx(g, 8, R10, R0, -s);
        ldx(g, 8, R3, R10, -s);
        v = chk = R3;
        break;
    }
    case 1:
        movr(g, R3, R0);
        if (rpct(&g->r, 50))
            v = R3;
        else
            chk = R3;
        break;
    default: break;
    }
    if (bug(g, "map value used without a NULL check"))
        return v;
    if (rpct(&g->r, 70)) {
        jc(g, true, BPF_JEQ, chk, 0, skip);
    } else {
        int ok = label(g);
        jc(g, true, BPF_JNE, chk, 0, ok);
        ja(g, skip);
        place(g, ok);
    }
    return v;
}

static int rsize(struct gen *g, int max)
{
    int sz;
    do
        sz = 1 << rbelow(&g->r, 4);
    while (sz > max);
    return sz;
}

/* ---- snippets: each jumps to its own end label when a check fails ---- */

static void sn_ctx(struct gen *g)
{
    const struct ptdesc *pt = g->pt;
    if (bug(g, "invalid context access")) {
        const struct cbad *b = &pt->bad[rbelow(&g->r, (uint32_t)pt->nbad)];
        if (b->write)
            stx(g, b->size, R6, R9, b->off);
        else
            ldx(g, b->size, R3, R6, b->off);
        if (!b->write)
            addr_(g, R9, R3);
        return;
    }
    if (bug(g, "context through a modified pointer (policy)")) {
        const struct cfield *f = &pt->rd[rbelow(&g->r, (uint32_t)pt->nrd)];
        movr(g, R2, R6);
        addi(g, R2, f->off);
        ldx(g, f->size, R3, R2, 0);
        addr_(g, R9, R3);
        return;
    }
    if (bug(g, "context read through r1 after a call")) {
        call(g, BPF_FUNC_get_prandom_u32);
        ldx(g, pt->rd[0].size, R3, R1, pt->rd[0].off);
        addr_(g, R9, R3);
        return;
    }
    if (pt->nwr && rpct(&g->r, 35)) {
        const struct cfield *f = &pt->wr[rbelow(&g->r, (uint32_t)pt->nwr)];
        if (rpct(&g->r, 50))
            stx(g, 4, R6, R9, f->off);
        else
            st(g, 4, R6, f->off, rrange(&g->r, 0, 1000));
        return;
    }
    const struct cfield *f = &pt->rd[rbelow(&g->r, (uint32_t)pt->nrd)];
    int sz = f->size, off = f->off;
    if (pt->narrow && rpct(&g->r, 30)) {
        sz = rsize(g, f->size);
        off += sz * (int)rbelow(&g->r, (uint32_t)(f->size / sz));
    }
    ldx(g, sz, R3, R6, off);
    alur(g, true, rpct(&g->r, 50) ? BPF_ADD : BPF_XOR, R9, R3);
}

/* Packet access behind a constant-length check. */
static void sn_pkt_const(struct gen *g)
{
    int l = label(g);
    int k = rrange(&g->r, 1, 64), chk = k;
    bool off_by_one = k > 1 && bug(g, "packet check off by one");
    if (off_by_one)
        chk = k - 1;
    int base = R7;
    if (bug(g, "no packet bounds check")) {
    } else if (bug(g, "packet check in the wrong direction")) {
        movr(g, R2, R7);
        addi(g, R2, chk);
        jr(g, true, BPF_JLE, R2, R8, l);
    } else if (bug(g, "packet end compared with data itself")) {
        jr(g, true, BPF_JGT, R7, R8, l);
    } else {
        switch (rbelow(&g->r, 9)) {
        case 0:
            movr(g, R2, R7);
            addi(g, R2, chk);
            jr(g, true, BPF_JGT, R2, R8, l);
            if (rpct(&g->r, 30))
                base = R2; /* access relative to the checked pointer */
            break;
        case 1: {
            int ok = label(g);
            movr(g, R2, R7);
            addi(g, R2, chk);
            jr(g, true, BPF_JLE, R2, R8, ok);
            ja(g, l);
            place(g, ok);
            break;
        }
        case 2:
            movr(g, R2, R7);
            addi(g, R2, chk);
            jr(g, true, BPF_JLT, R8, R2, l);
            break;
        case 3: {
            int ok = label(g);
            movr(g, R2, R7);
            addi(g, R2, chk);
            jr(g, true, BPF_JGE, R8, R2, ok);
            ja(g, l);
            place(g, ok);
            break;
        }
        case 4:
            movr(g, R2, R7);
            addi(g, R2, chk);
            jr(g, true, BPF_JGE, R2, R8, l); /* stricter than needed */
            break;
        case 5:
            movr(g, R3, R8);
            alur(g, true, BPF_SUB, R3, R7);
            jc(g, true, BPF_JLT, R3, chk, l);
            break;
        case 6:
            movr(g, R3, R8);
            alur(g, true, BPF_SUB, R3, R7);
            if (chk > 1)
                jc(g, true, BPF_JLE, R3, chk - 1, l);
            else
                jc(g, true, BPF_JEQ, R3, 0, l);
            break;
        case 7: {
            /* length from a point past data: data_end - (data + o) */
            int o = rrange(&g->r, 0, chk);
            movr(g, R2, R7);
            addi(g, R2, o);
            movr(g, R3, R8);
            alur(g, true, BPF_SUB, R3, R2);
            /* negative when data + o is past the end: a signed comparison */
            jc(g, true,
               bug(g, "unsigned check of a length that may be negative") ? BPF_JLT : BPF_JSLT, R3,
               chk - o, l);
            break;
        }
        default:
            /* the length copied, compared with a register */
            movr(g, R3, R8);
            alur(g, true, BPF_SUB, R3, R7);
            movr(g, R5, R3);
            if (bug(g, "length check on a modified copy of the length"))
                addi(g, R5, rrange(&g->r, 1, 8));
            movi(g, R4, chk);
            jr(g, true, BPF_JLT, R5, R4, l);
            break;
        }
    }
    int n = rrange(&g->r, 1, 3);
    for (int i = 0; i < n; i++) {
        int sz = rsize(g, k), o = rrange(&g->r, 0, k - sz);
        if (off_by_one && i == 0)
            o = k - sz; /* touches the byte the check did not prove */
        if (bug(g, "packet access before the packet start"))
            o = -rrange(&g->r, 1, 4);
        int off = base == R2 ? o - chk : o;
        bool write =
            rpct(&g->r, 35) && (g->pt->pkt_write || bug(g, "store into a read-only packet"));
        if (write) {
            if (rpct(&g->r, 50))
                stx(g, sz, base, R9, off);
            else
                st(g, sz, base, off, rrange(&g->r, -5, 255));
        } else {
            ldx(g, sz, R4, base, off);
            addr_(g, R9, R4);
        }
    }
    place(g, l);
}

/* Packet access at a variable offset: data + (x bounded) then a check of the window. */
static void sn_pkt_var(struct gen *g)
{
    int l = label(g);
    gen_scalar(g, R3, l, true);
    if (rpct(&g->r, 40))
        alui(g, true, BPF_AND, R3, 0x3f);
    else
        gen_bound(g, R3, rrange(&g->r, 0, 100), l, R4);
    int s = rrange(&g->r, 1, 16);
    bool before = bug(g, "window checked before adding the variable offset");
    if (before) {
        movr(g, R4, R7);
        addi(g, R4, s);
        jr(g, true, BPF_JGT, R4, R8, l);
    }
    if (rpct(&g->r, 50)) {
        movr(g, R2, R7);
        addr_(g, R2, R3);
    } else {
        movr(g, R2, R3);
        addr_(g, R2, R7);
    }
    if (!before) {
        movr(g, R4, R2);
        addi(g, R4, s);
        jr(g, true, rpct(&g->r, 50) ? BPF_JGT : BPF_JGE, R4, R8, l);
    }
    int sz = rsize(g, s), o = rrange(&g->r, 0, s - sz);
    if (bug(g, "access beyond the checked variable window"))
        o = s - sz + 1;
    if (g->pt->pkt_write && rpct(&g->r, 40)) {
        stx(g, sz, R2, R9, o);
    } else {
        ldx(g, sz, R4, R2, o);
        addr_(g, R9, R4);
    }
    place(g, l);
}

/* XDP metadata: data_meta + K <= data. */
static void sn_meta(struct gen *g)
{
    int l = label(g);
    int k = rrange(&g->r, 1, 16);
    ldx(g, 4, R2, R6, g->pt->meta_off);
    movr(g, R3, R2);
    addi(g, R3, k);
    jr(g, true, BPF_JGT, R3, bug(g, "metadata checked against data_end") ? R8 : R7, l);
    int sz = rsize(g, k), o = rrange(&g->r, 0, k - sz);
    if (rpct(&g->r, 50)) {
        stx(g, sz, R2, R9, o);
    } else {
        ldx(g, sz, R4, R2, o);
        addr_(g, R9, R4);
    }
    place(g, l);
}

static int pick_value_map(struct gen *g)
{
    int c[3], n = 0;
    if (g->mh >= 0)
        c[n++] = g->mh;
    if (g->ma >= 0)
        c[n++] = g->ma;
    if (g->mro >= 0 && rpct(&g->r, 20))
        c[n++] = g->mro;
    return c[rbelow(&g->r, (uint32_t)n)];
}

static bool map_ro(const struct gen *g, int m)
{
    return (g->maps[m].flags & BPF_F_RDONLY_PROG) != 0;
}

static void value_access(struct gen *g, int m, int v, int skip, bool var_ok)
{
    int vsz = (int)g->maps[m].vsz;
    bool ro = map_ro(g, m);
    int sz = rsize(g, vsz);
    int kind = (int)rbelow(&g->r, var_ok ? 4 : 3);
    bool write = !ro || bug(g, "store into a read-only map");
    if (kind == 2 && write && vsz >= 4) {
        int asz = vsz >= 8 && rpct(&g->r, 50) ? 8 : 4;
        int o = asz * (int)rbelow(&g->r, (uint32_t)(vsz / asz));
        if (bug(g, "misaligned atomic"))
            o += 2;
        static const int32_t ops[] = {
            BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG};
        movr(g, R4, R9);
        atom(g, asz, v, R4, o, ops[rbelow(&g->r, ARRAY_LEN(ops))]);
        addr_(g, R9, R4);
        return;
    }
    if (kind == 3) {
        gen_scalar(g, R4, skip, false);
        gen_bound(g, R4, vsz - sz, skip, R5);
        movr(g, R5, v);
        if (rpct(&g->r, 30)) {
            /* from the end backwards: v + (vsz - sz) - x */
            addi(g, R5, vsz - sz + (bug(g, "backward map value index one past the end") ? 1 : 0));
            alur(g, true, BPF_SUB, R5, R4);
        } else {
            addr_(g, R5, R4);
        }
        if (write && rpct(&g->r, 50)) {
            stx(g, sz, R5, R9, 0);
        } else {
            ldx(g, sz, R4, R5, 0);
            addr_(g, R9, R4);
        }
        return;
    }
    int o = rrange(&g->r, 0, vsz - sz);
    if (bug(g, "map value access out of bounds"))
        o = rpct(&g->r, 70) ? vsz - sz + rrange(&g->r, 1, sz) : -rrange(&g->r, 1, 8);
    if (kind == 1 && write) {
        if (rpct(&g->r, 50))
            stx(g, sz, v, R9, o);
        else
            st(g, sz, v, o, rrange(&g->r, -100, 100));
    } else {
        ldx(g, sz, R4, v, o);
        addr_(g, R9, R4);
    }
}

static void sn_map(struct gen *g)
{
    int l = label(g);
    int m = pick_value_map(g);
    bool clobbered = bug(g, "register used after a helper call clobbered it");
    if (clobbered)
        movi(g, R5, (int32_t)rbelow(&g->r, g->maps[m].vsz));
    int v = emit_lookup(g, m, l);
    if (clobbered) {
        movr(g, R4, v);
        addr_(g, R4, R5);
        ldx(g, 1, R4, R4, 0);
        addr_(g, R9, R4);
    }
    int n = rrange(&g->r, 1, 3);
    for (int i = 0; i < n; i++)
        value_access(g, m, v, l, true);
    place(g, l);
}

static void sn_update(struct gen *g)
{
    int l = label(g);
    int m = g->mh >= 0 && (g->ma < 0 || rpct(&g->r, 60)) ? g->mh : g->ma;
    if (g->mro >= 0 && bug(g, "update of a read-only map"))
        m = g->mro;
    const struct mdesc *md = &g->maps[m];
    int vsz = (int)md->vsz;
    bool from_map = rpct(&g->r, 25);
    int src = -1;
    if (from_map) {
        /* the value comes from a map value of the same size (or larger) */
        int m2 = pick_value_map(g);
        if ((int)g->maps[m2].vsz < vsz && !bug(g, "update value from a smaller map value"))
            from_map = false;
        else {
            src = emit_lookup(g, m2, l);
            if (src != R3)
                movr(g, R3, src);
        }
    }
    int k = salloc(g, 8), va = 0;
    if (bug(g, "update key uninitialised")) {
    } else {
        st(g, (int)md->ksz, R10, -k,
           (int32_t)(md->type == BPF_MAP_TYPE_HASH ? rbelow(&g->r, 6)
                                                   : rbelow(&g->r, md->max + 1)));
    }
    if (!from_map) {
        va = salloc(g, vsz);
        init_area(g, va, vsz, true);
        movr(g, R3, R10);
        int at = -va;
        if (bug(g, "update value crosses the stack top"))
            at = -(vsz - 4 > 0 ? vsz - 4 : 1);
        addi(g, R3, at);
    }
    ld_map(g, R1, m);
    movr(g, R2, R10);
    addi(g, R2, -k);
    movi(g, R4, (int32_t)rbelow(&g->r, 3));
    call(g, BPF_FUNC_map_update_elem);
    addr_(g, R9, R0);
    if (md->type == BPF_MAP_TYPE_HASH && rpct(&g->r, 30)) {
        ld_map(g, R1, m);
        movr(g, R2, R10);
        addi(g, R2, -k);
        call(g, BPF_FUNC_map_delete_elem);
        addr_(g, R9, R0);
    }
    place(g, l);
}

static void sn_stack(struct gen *g)
{
    int l = label(g);
    switch (rbelow(&g->r, 7)) {
    case 0: {
        /* a bounded scalar spilled, filled back and used as an offset */
        int max = rrange(&g->r, 0, 40), sz = rsize(g, 8);
        int a = salloc(g, max + sz), s = salloc(g, 8);
        init_area(g, a, max + sz, true);
        gen_scalar(g, R3, l, true);
        gen_bound(g, R3, max, l, R4);
        stx(g, 8, R10, R3, -s);
        if (rpct(&g->r, 50))
            call(g, BPF_FUNC_get_prandom_u32); /* clobbers r1-r5: the value lives on in the slot */
        if (rpct(&g->r, 15))
            ldx(g, 4, R4, R10, -s); /* narrow fill: the low half of a small value */
        else
            ldx(g, 8, R4, R10, -s);
        movr(g, R2, R10);
        addi(g, R2, -a);
        addr_(g, R2, R4);
        ldx(g, sz, R3, R2, 0);
        addr_(g, R9, R3);
        break;
    }
    case 1: {
        /* a pointer spilled and filled back */
        int s = salloc(g, 8);
        int which = (int)rbelow(&g->r, have_pkt(g) ? 3 : 2);
        int k = rrange(&g->r, 1, 32);
        if (which == 2) {
            movr(g, R2, R7);
            addi(g, R2, k);
            jr(g, true, BPF_JGT, R2, R8, l);
            stx(g, 8, R10, R7, -s);
        } else if (which == 1) {
            stx(g, 8, R10, R6, -s);
        } else {
            int a = salloc(g, 16);
            init_area(g, a, 16, false);
            movr(g, R3, R10);
            addi(g, R3, -a);
            stx(g, 8, R10, R3, -s);
            k = 16;
        }
        if (bug(g, "rest of a partly overwritten spilled pointer read as a number")) {
            /* (a pointer leak: unprivileged programs may not do it) */
            st(g, 1, R10, -s + rrange(&g->r, 4, 7), 0x41);
            ldx(g, 4, R3, R10, -s);
            addr_(g, R9, R3);
            break;
        }
        if (bug(g, "spilled pointer partly overwritten"))
            st(g, 1, R10, -s + rrange(&g->r, 0, 3), 0x41);
        if (rpct(&g->r, 40))
            call(g, BPF_FUNC_get_prandom_u32);
        ldx(g, 8, R2, R10, -s);
        if (which == 1) {
            const struct cfield *f = &g->pt->rd[rbelow(&g->r, (uint32_t)g->pt->nrd)];
            ldx(g, f->size, R3, R2, f->off);
        } else {
            int sz = rsize(g, k);
            ldx(g, sz, R3, R2, rrange(&g->r, 0, k - sz));
        }
        addr_(g, R9, R3);
        break;
    }
    case 2: {
        /* two half writes, one full read */
        int s = salloc(g, 8);
        st(g, 4, R10, -s, rrange(&g->r, 0, 99));
        if (!bug(g, "read of a half-written stack slot"))
            stx(g, 4, R10, R9, -s + 4);
        ldx(g, 8, R3, R10, -s);
        addr_(g, R9, R3);
        break;
    }
    case 3: {
        /* variable-offset write, then read */
        int max = rrange(&g->r, 1, 31), a = salloc(g, max + 1);
        bool pre = !bug(g, "variable-offset read of a range only partly written");
        if (pre)
            init_area(g, a, max + 1, false);
        gen_scalar(g, R3, l, true);
        gen_bound(g, R3, max, l, R4);
        movr(g, R2, R10);
        addi(g, R2, -a);
        addr_(g, R2, R3);
        stx(g, 1, R2, R9, 0);
        ldx(g, 1, R4, R2, 0);
        addr_(g, R9, R4);
        if (!pre || rpct(&g->r, 30)) {
            ldx(g, 1, R4, R10, -a); /* the first byte of the range */
            addr_(g, R9, R4);
        }
        break;
    }
    case 4: {
        int s = salloc(g, 8);
        if (!bug(g, "read of an uninitialised stack slot"))
            stx(g, 8, R10, R9, -s);
        ldx(g, rsize(g, 8), R3, R10, -s);
        addr_(g, R9, R3);
        break;
    }
    case 5:
        if (bug(g, "stack access outside the frame")) {
            if (rpct(&g->r, 50))
                st(g, 8, R10, rpct(&g->r, 50) ? 0 : 8, 1);
            else
                ldx(g, 8, R3, R10, -520);
        } else {
            int s = salloc(g, 8);
            stx(g, 8, R10, R9, -s);
            ldx(g, 8, R3, R10, -s);
            alur(g, true, BPF_XOR, R9, R3);
        }
        break;
    default: {
        /* atomic operation on a stack slot */
        int s = salloc(g, 8), sz = rpct(&g->r, 50) ? 8 : 4;
        if (!bug(g, "atomic on an uninitialised stack slot"))
            st(g, 8, R10, -s, 5);
        movr(g, R4, R9);
        if (rpct(&g->r, 30)) {
            movi(g, R0, 5);
            atom(g, sz, R10, R4, -s, BPF_CMPXCHG);
            addr_(g, R9, R0);
        } else {
            atom(g, sz, R10, R4, -s, BPF_ADD | BPF_FETCH);
            addr_(g, R9, R4);
        }
        ldx(g, sz, R3, R10, -s);
        addr_(g, R9, R3);
        break;
    }
    }
    place(g, l);
}

static uint64_t smear(uint64_t v)
{
    v |= v >> 1;
    v |= v >> 2;
    v |= v >> 4;
    v |= v >> 8;
    v |= v >> 16;
    v |= v >> 32;
    return v;
}

/* ALU chains on a scalar, then the result used as a stack offset with an area sized from the
 * generator's own (rough) idea of the range: the verifier decides. */
static void sn_alu(struct gen *g)
{
    int l = label(g);
    const uint64_t U = UINT64_MAX;
    gen_scalar(g, R3, l, true);
    uint64_t um = U;
    if (rpct(&g->r, 70)) {
        int k = rrange(&g->r, 0, 12);
        uint64_t mask = ((uint64_t)1 << k) - 1;
        alui(g, true, BPF_AND, R3, (int32_t)mask);
        um = mask;
    }
    /* a second operand: a small bounded value or a constant */
    uint64_t um4 = 0;
    if (rpct(&g->r, 50)) {
        gen_scalar(g, R4, l, false);
        int k = rrange(&g->r, 0, 6);
        um4 = ((uint64_t)1 << k) - 1;
        alui(g, true, BPF_AND, R4, (int32_t)um4);
    } else {
        um4 = (uint64_t)rrange(&g->r, 0, 9);
        movi(g, R4, (int32_t)um4);
    }
    int n = rrange(&g->r, 1, 4);
    for (int i = 0; i < n; i++) {
        static const int ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR,  BPF_AND,  BPF_LSH,
                                  BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END};
        int op = ops[rbelow(&g->r, ARRAY_LEN(ops))];
        bool is64 = rpct(&g->r, 65), usereg = rpct(&g->r, 35) && op != BPF_NEG && op != BPF_END;
        int32_t imm;
        if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
            imm = rrange(&g->r, 0, is64 ? 63 : 31);
        else if (op == BPF_DIV || op == BPF_MOD)
            imm = rrange(&g->r, 1, 64);
        else if (op == BPF_NEG)
            imm = 0;
        else if (rpct(&g->r, 80))
            imm = rrange(&g->r, 0, 64);
        else
            imm = (int32_t)rnext(&g->r);
        uint64_t v = usereg ? um4 : (uint64_t)(int64_t)imm;
        uint64_t a = is64 ? um : (um > 0xffffffffull ? 0xffffffffull : um);
        if (!is64)
            v &= 0xffffffffull;
        if (!usereg && imm < 0 && is64 && op != BPF_AND)
            v = U; /* sign-extended: huge */
        uint64_t res = U;
        bool sdiv = false;
        switch (op) {
        case BPF_ADD: res = (a != U && v != U && a + v >= a) ? a + v : U; break;
        case BPF_SUB: res = U; break;
        case BPF_MUL: res = (a != U && v != U && (v == 0 || a <= U / v)) ? a * v : U; break;
        case BPF_DIV:
            sdiv = !usereg && rpct(&g->r, 15);
            res = sdiv ? U : a;
            break;
        case BPF_MOD:
            sdiv = !usereg && rpct(&g->r, 15);
            res = sdiv ? U : usereg ? a : (v && v != U ? (a < v - 1 ? a : v - 1) : a);
            break;
        case BPF_OR: res = (a != U && v != U) ? smear(a | v) : U; break;
        case BPF_AND: res = a < v ? a : v; break;
        case BPF_XOR: res = (a != U && v != U) ? smear(a | v) : U; break;
        case BPF_LSH: res = (a != U && v < 64 && (a << v) >> v == a) ? a << v : U; break;
        case BPF_RSH: res = usereg ? a : a >> v; break;
        case BPF_ARSH:
            res = a <= (is64 ? (uint64_t)INT64_MAX : 0x7fffffffull) ? (usereg ? a : a >> v) : U;
            break;
        case BPF_NEG: res = U; break;
        case BPF_MOV: res = v; break;
        default: res = U; break;
        }
        if (!is64 && res > 0xffffffffull)
            res = 0xffffffffull;
        if (op == BPF_END) {
            static const int w[] = {16, 32, 64};
            imm = w[rbelow(&g->r, 3)];
            bool be = rpct(&g->r, 50);
            /* ALU64 END is the unconditional byte swap (bswap16/32/64) */
            p_add(&g->p,
                  (uint8_t)((is64 ? BPF_ALU64 : BPF_ALU) | (be && !is64 ? BPF_TO_BE : 0) | BPF_END),
                  R3, 0, 0, imm);
            res = imm == 16 ? 0xffff : imm == 32 ? 0xffffffffull : U;
            if (!is64 && !be)
                res = imm == 64 ? um : (um < res ? um : res); /* le: truncation only */
        } else if (op == BPF_MOV && !usereg && rpct(&g->r, 10) && is64) {
            /* sign-extending move from another register (RFC 9669) */
            static const int w[] = {8, 16, 32};
            p_add(&g->p, BPF_ALU64 | BPF_X | BPF_MOV, R3, R4, w[rbelow(&g->r, 3)], 0);
            res = um4 < 128 ? um4 : U;
        } else if (usereg) {
            struct gi *x =
                p_add(&g->p, (uint8_t)((is64 ? BPF_ALU64 : BPF_ALU) | BPF_X | op), R3, R4, 0, 0);
            (void)x;
        } else {
            struct gi *x = p_add(&g->p, (uint8_t)((is64 ? BPF_ALU64 : BPF_ALU) | BPF_K | op), R3, 0,
                                 sdiv ? 1 : 0, imm);
            (void)x;
        }
        um = res;
    }
    if (um > 400 || rpct(&g->r, 40)) {
        if (rpct(&g->r, 50)) {
            int k = rrange(&g->r, 0, 8);
            alui(g, true, BPF_AND, R3, (1 << k) - 1);
            um = um < (uint64_t)((1 << k) - 1) ? um : (uint64_t)((1 << k) - 1);
        } else if (rpct(&g->r, 60)) {
            int m = rrange(&g->r, 0, 300);
            gen_bound(g, R3, m, l, R4);
            um = um < (uint64_t)m ? um : (uint64_t)m;
        }
    }
    int sz = rsize(g, 8);
    int area;
    if (um <= 400 && rpct(&g->r, 85))
        area = (int)um + sz - (rpct(&g->r, 20) ? rrange(&g->r, 1, 4) : 0);
    else
        area = rrange(&g->r, 8, 300);
    if (area < sz)
        area = sz;
    if (um == U || um + (uint64_t)sz > (uint64_t)area)
        mark(g, "ALU result may exceed the stack area it indexes");
    int a = salloc(g, area);
    bool rd = rpct(&g->r, 50);
    if (rd)
        init_area(g, a, area, false);
    movr(g, R2, R10);
    addi(g, R2, -a);
    addr_(g, R2, R3);
    if (rd) {
        ldx(g, sz, R4, R2, 0);
        addr_(g, R9, R4);
    } else {
        stx(g, sz, R2, R9, 0);
    }
    alur(g, rpct(&g->r, 50), BPF_XOR, R9, R3);
    place(g, l);
}

static void sn_loop(struct gen *g)
{
    g->loops++;
    int head = label(g), out = label(g);
    int n = rrange(&g->r, 1, 16);
    int c = rpct(&g->r, 50) ? R4 : R5;
    bool down = rpct(&g->r, 30);
    int a = salloc(g, n + 8);
    int body = (int)rbelow(&g->r, have_pkt(g) ? 5 : 4);
    if (body == 1)
        init_area(g, a, n + 8, false);
    const struct cfield *bf = NULL;
    /* (the unbounded loops cost the verifier its whole instruction limit: fewer of them) */
    bool input_bound = rpct(&g->r, 30) && bug(g, "loop bound from the input");
    if (input_bound) {
        bf = &g->pt->rd[rbelow(&g->r, (uint32_t)g->pt->nrd)];
        down = false;
    }
    movi(g, c, down ? n : 0);
    place(g, head);
    switch (body) {
    case 0: addr_(g, R9, c); break;
    case 1:
    case 2:
        movr(g, R2, R10);
        addi(g, R2, -a - (down ? 1 : 0));
        addr_(g, R2, c);
        if (body == 1) {
            ldx(g, 1, R3, R2, 0);
            addr_(g, R9, R3);
        } else {
            stx(g, 1, R2, R9, 0);
        }
        break;
    case 3:
        addr_(g, R9, c);
        jc(g, true, BPF_JEQ, R9, rrange(&g->r, 0, 40), out);
        break;
    default:
        movr(g, R2, R7);
        addr_(g, R2, c);
        movr(g, R3, R2);
        addi(g, R3, 1);
        jr(g, true, BPF_JGT, R3, R8, out);
        ldx(g, 1, R3, R2, 0);
        addr_(g, R9, R3);
        break;
    }
    if (input_bound) {
        addi(g, c, 1);
        ldx(g, bf->size, R3, R6, bf->off);
        jr(g, true, BPF_JLT, c, R3, head);
    } else if (!down) {
        if (rpct(&g->r, 30) && bug(g, "loop counter skips its bound")) {
            addi(g, c, 2);
            jc(g, true, BPF_JNE, c, n | 1, head);
        } else if (bug(g, "loop counter never advances")) {
            addi(g, c, 0);
            jc(g, true, BPF_JLT, c, n, head);
        } else {
            addi(g, c, 1);
            switch (rbelow(&g->r, 5)) {
            case 0: jc(g, true, BPF_JLT, c, n, head); break;
            case 1: jc(g, true, BPF_JNE, c, n, head); break;
            case 2: jc(g, true, BPF_JLE, c, n - 1, head); break;
            case 3: jc(g, true, BPF_JSLT, c, n, head); break;
            default: jc(g, false, BPF_JLT, c, n, head); break;
            }
        }
    } else {
        addi(g, c, -1);
        switch (rbelow(&g->r, 3)) {
        case 0: jc(g, true, BPF_JNE, c, 0, head); break;
        case 1: jc(g, true, BPF_JSGT, c, 0, head); break;
        default: jc(g, true, BPF_JGT, c, 0, head); break;
        }
    }
    place(g, out);
}

/* A loop whose counter lives in a stack slot (helper calls in the body clobber r0-r5), with an
 * inner loop sometimes. */
static void sn_loop2(struct gen *g)
{
    g->loops++;
    int head = label(g);
    int n = rrange(&g->r, 1, 10);
    int s = salloc(g, 8), s2 = salloc(g, 8);
    int area = n + (bug(g, "loop index one past its area") ? 0 : 1);
    int a = salloc(g, area);
    init_area(g, a, area, false);
    st(g, 8, R10, -s, 0);
    st(g, 8, R10, -s2, 0);
    place(g, head);
    if (rpct(&g->r, 50)) {
        call(g, BPF_FUNC_get_prandom_u32);
        addr_(g, R9, R0);
    }
    ldx(g, 8, R4, R10, -s);
    movr(g, R2, R10);
    addi(g, R2, -a + 1);
    addr_(g, R2, R4);
    ldx(g, 1, R3, R2, -1 + (area == n ? 1 : 0));
    addr_(g, R9, R3);
    if (rpct(&g->r, 40)) {
        int ih = label(g), m = rrange(&g->r, 1, 4);
        movi(g, R5, 0);
        place(g, ih);
        addr_(g, R9, R5);
        addi(g, R5, 1);
        jc(g, true, BPF_JLT, R5, m, ih);
    }
    addi(g, R4, 1);
    bool wrong = rpct(&g->r, 30) && bug(g, "loop counter stored to the wrong slot");
    stx(g, 8, R10, R4, wrong ? -s2 : -s);
    if (wrong)
        ldx(g, 8, R4, R10, -s);
    jc(g, true, BPF_JLE, R4, n - 1, head);
}

static int get_sub(struct gen *g, int kind, int cap, bool b)
{
    for (int i = 0; i < g->nsubs; i++)
        if (g->subs[i].kind == kind && g->subs[i].cap == cap && g->subs[i].bug == b)
            return g->subs[i].label;
    if (g->nsubs == (int)ARRAY_LEN(g->subs))
        return g->subs[0].label; /* full: reuse one (the call may then not fit: a bug) */
    struct sub *s = &g->subs[g->nsubs++];
    s->kind = kind;
    s->cap = cap;
    s->bug = b;
    s->label = label(g);
    s->emitted = false;
    return s->label;
}

static void sn_call(struct gen *g)
{
    int l = label(g);
    int kind = (int)rbelow(&g->r, 6);
    if (kind == 5 && !g->pt->h_adjust)
        kind = 0;
    switch (kind) {
    case 0: {
        /* sum(ptr, len) over a stack buffer, a map value or the packet */
        int cap = rrange(&g->r, 1, 16);
        bool nocap = bug(g, "callee loop without a length bound");
        int buf = (int)rbelow(&g->r, have_pkt(g) ? 3 : 2), size = cap, v = -1, a = 0;
        if (buf == 1) {
            int m = pick_value_map(g);
            size = (int)g->maps[m].vsz;
            v = emit_lookup(g, m, l);
            if (v != R3)
                movr(g, R3, v);
        } else if (buf == 2) {
            movr(g, R2, R7);
            addi(g, R2, cap);
            jr(g, true, BPF_JGT, R2, R8, l);
        } else {
            a = salloc(g, cap);
            init_area(g, a, cap, true);
        }
        int len = cap < size ? cap : size;
        if (bug(g, "length larger than the buffer"))
            len = size + rrange(&g->r, 1, 4);
        if (rpct(&g->r, 30) && len > 0) {
            gen_scalar(g, R2, l, false);
            gen_bound(g, R2, len, l, R4);
        } else {
            movi(g, R2, len);
        }
        if (buf == 1)
            movr(g, R1, R3);
        else if (buf == 2)
            movr(g, R1, R7);
        else {
            movr(g, R1, R10);
            addi(g, R1, -a);
        }
        call_local(g, get_sub(g, SUB_SUM, nocap ? 64 : (cap > len ? cap : len), nocap));
        addr_(g, R9, R0);
        break;
    }
    case 1: {
        int s = salloc(g, 8);
        bool b = bug(g, "callee writes past the slot it was given");
        movr(g, R1, R10);
        addi(g, R1, -s);
        movr(g, R2, R9);
        call_local(g, get_sub(g, SUB_FILL, 0, b));
        ldx(g, 8, R3, R10, -s);
        addr_(g, R9, R3);
        break;
    }
    case 2: {
        int cap = 1 << rrange(&g->r, 0, 5);
        bool b = bug(g, "callee returns a wider value than assumed");
        gen_scalar(g, R1, l, true);
        call_local(g, get_sub(g, SUB_SCALAR, cap, b));
        int a = salloc(g, cap);
        init_area(g, a, cap, false);
        movr(g, R2, R10);
        addi(g, R2, -a);
        addr_(g, R2, R0);
        ldx(g, 1, R3, R2, 0);
        addr_(g, R9, R3);
        break;
    }
    case 3:
        if (bug(g, "use of the callee's stack after it returned")) {
            call_local(g, get_sub(g, SUB_DANGLING, 0, true));
            ldx(g, 8, R3, R0, 0);
            addr_(g, R9, R3);
        } else {
            call_local(g, get_sub(g, SUB_NESTED, 0, false));
            addr_(g, R9, R0);
        }
        break;
    case 4: {
        bool b = bug(g, "callee reads r6 before writing it");
        gen_scalar(g, R1, l, true);
        call_local(g, get_sub(g, SUB_R6, 0, b));
        addr_(g, R9, R0);
        break;
    }
    default:
        movr(g, R1, R6);
        call_local(g, get_sub(g, SUB_ADJUST, 0, false));
        addr_(g, R9, R0);
        if (bug(g, "stale packet pointers after a call that moved the packet")) {
            g->pkt_valid = false;
        } else {
            ldx(g, 4, R7, R6, g->pt->data_off);
            ldx(g, 4, R8, R6, g->pt->end_off);
        }
        break;
    }
    place(g, l);
}

static void emit_sub(struct gen *g, struct sub *s)
{
    place(g, s->label);
    switch (s->kind) {
    case SUB_SUM: {
        int out = label(g), head = label(g);
        movi(g, R0, 0);
        if (!s->bug)
            jc(g, true, BPF_JGT, R2, s->cap, out);
        movi(g, R3, 0);
        place(g, head);
        jr(g, true, BPF_JGE, R3, R2, out);
        movr(g, R4, R1);
        addr_(g, R4, R3);
        ldx(g, 1, R5, R4, 0);
        addr_(g, R0, R5);
        addi(g, R3, 1);
        ja(g, head);
        place(g, out);
        ex(g);
        break;
    }
    case SUB_FILL:
        stx(g, 8, R1, R2, s->bug ? 8 : 0);
        movi(g, R0, 0);
        ex(g);
        break;
    case SUB_SCALAR:
        movr(g, R0, R1);
        alui(g, true, BPF_AND, R0, s->bug ? 2 * s->cap - 1 : s->cap - 1);
        ex(g);
        break;
    case SUB_DANGLING:
        movr(g, R0, R10);
        addi(g, R0, -8);
        st(g, 8, R0, 0, 7);
        ex(g);
        break;
    case SUB_NESTED:
        st(g, 8, R10, -8, 1);
        st(g, 8, R10, -16, 2);
        movr(g, R1, R10);
        addi(g, R1, -16);
        movi(g, R2, 16);
        call_local(g, get_sub(g, SUB_SUM, 16, false));
        ex(g);
        break;
    case SUB_ADJUST:
        movi(g, R2, 2 * rrange(&g->r, -8, 8));
        call(g, rpct(&g->r, 70) ? BPF_FUNC_xdp_adjust_head : BPF_FUNC_xdp_adjust_tail);
        ex(g);
        break;
    case SUB_IDENT:
        movr(g, R0, R1);
        ex(g);
        break;
    default: /* SUB_R6 */
        if (!s->bug)
            movr(g, R6, R1);
        call(g, BPF_FUNC_get_prandom_u32);
        addr_(g, R0, R6);
        ex(g);
        break;
    }
}

/* Paths that give a register or a stack slot different values meet, then the value is used as
 * an offset: the verifier must not prune a path whose value it never checked (precision). */
static void sn_diamond(struct gen *g)
{
    int l = label(g), a = label(g), b = label(g);
    int sz = rsize(g, 8);
    int safe_max = rrange(&g->r, 0, 40);
    int area = safe_max + sz;
    int ar = salloc(g, area);
    init_area(g, ar, area, false);
    /* 0 register, 1 spilled slot, 2 32-bit, 3 through a call */
    int how = (int)rbelow(&g->r, g->stack_limit < BPFRT_STACK_SIZE ? 4 : 3);
    int s = salloc(g, 8);
    int v[2] = {rrange(&g->r, 0, safe_max), rrange(&g->r, 0, safe_max)};
    if (bug(g, "one path reaches the join with an unsafe offset"))
        v[rbelow(&g->r, 2)] = safe_max + rrange(&g->r, 1, 64);
    gen_scalar(g, R3, l, true);
    static const int conds[] = {BPF_JGT, BPF_JSGT, BPF_JEQ, BPF_JSET, BPF_JLT, BPF_JNE};
    jc(g, rpct(&g->r, 70), conds[rbelow(&g->r, ARRAY_LEN(conds))], R3, rrange(&g->r, 0, 300), a);
    for (int side = 0; side < 2; side++) {
        if (side)
            place(g, a);
        if (how == 1) {
            st(g, 8, R10, -s, v[side]);
        } else if (rpct(&g->r, 30)) {
            movi(g, R4, v[side] * 4);
            alui(g, true, BPF_RSH, R4, 2);
        } else {
            movi(g, R4, v[side]);
        }
        if (!side)
            ja(g, b);
    }
    place(g, b);
    if (rpct(&g->r, 60)) { /* more states at another join that does not involve the value */
        int c = label(g);
        jc(g, true, BPF_JEQ, R3, rrange(&g->r, 0, 5), c);
        addi(g, R9, 1);
        place(g, c);
    }
    if (how == 1) {
        ldx(g, 8, R4, R10, -s);
    } else if (how == 2) {
        alur(g, false, BPF_MOV, R4, R4);
    } else if (how == 3) {
        movr(g, R1, R4);
        call_local(g, get_sub(g, SUB_IDENT, 0, false));
        movr(g, R4, R0);
    }
    if (rpct(&g->r, 30) && how != 1) { /* through a stack slot after the join */
        stx(g, 8, R10, R4, -s);
        movi(g, R4, 0);
        ldx(g, 8, R4, R10, -s);
    }
    movr(g, R2, R10);
    addi(g, R2, -ar);
    addr_(g, R2, R4);
    if (rpct(&g->r, 50)) {
        ldx(g, sz, R5, R2, 0);
        addr_(g, R9, R5);
    } else {
        stx(g, sz, R2, R9, 0);
    }
    place(g, l);
}

/* Two paths that leave different kinds of facts meet, more branches follow (more states to
 * compare), then the facts are used: pruning must not treat the states as equivalent. */
static void sn_join(struct gen *g)
{
    int l = label(g), a = label(g), b = label(g);
    int kind = (int)rbelow(&g->r, have_pkt(g) ? 5 : 4);
    int s = salloc(g, 8);
    int max = rrange(&g->r, 0, 24), sz = rsize(g, 8);
    int ar = salloc(g, max + sz);
    init_area(g, ar, max + sz, false);
    bool bad = false;
    /* what the paths differ in is decided by the input: a context field */
    const struct cfield *f = &g->pt->rd[rbelow(&g->r, (uint32_t)g->pt->nrd)];
    if (kind == 0) {
        gen_scalar(g, R5, l, true);
        gen_scalar(g, R3, l, false);
    }
    ldx(g, f->size, R2, R6, f->off);
    jc(g, true, rpct(&g->r, 50) ? BPF_JSET : BPF_JGT, R2, rrange(&g->r, 0, 9), a);
    for (int side = 0; side < 2; side++) {
        if (side)
            place(g, a);
        bool other = side == 1; /* the side that may hold the wrong fact */
        switch (kind) {
        case 0: /* a copy linked to r3, or an unrelated value */
            if (other && (bad = bug(g, "join of a linked copy and an unrelated value")))
                movr(g, R4, R5);
            else
                movr(g, R4, R3);
            if (other)
                addi(g, R9, 1);
            break;
        case 1: /* a stack pointer, or a map value pointer (smaller) */
            if (other && g->mh >= 0 &&
                (bad = bug(g, "join of a stack and a smaller map value pointer"))) {
                int v = emit_lookup(g, g->mh, l);
                movr(g, R4, v);
            } else {
                movr(g, R4, R10);
                addi(g, R4, -ar);
            }
            break;
        case 2: /* a stack slot written, or not */
            if (!(other && (bad = bug(g, "join of a written and an unwritten stack slot"))))
                stx(g, 8, R10, R9, -s);
            break;
        case 3: /* a spilled pointer, or a spilled number */
            if (other && (bad = bug(g, "join of a spilled pointer and a spilled number")))
                st(g, 8, R10, -s, 0);
            else {
                movr(g, R4, R10);
                addi(g, R4, -ar);
                stx(g, 8, R10, R4, -s);
            }
            break;
        default: /* data_end - data, or another number */
            if (other && (bad = bug(g, "join of a packet length and an unrelated number"))) {
                ldx(g, f->size, R4, R6, f->off);
            } else {
                movr(g, R4, R8);
                alur(g, true, BPF_SUB, R4, R7);
            }
            break;
        }
        if (!side)
            ja(g, b);
    }
    place(g, b);
    for (int i = rrange(&g->r, 0, 2); i > 0; i--) {
        int c = label(g);
        jc(g, true, BPF_JEQ, R2, rrange(&g->r, 0, 12), c);
        addi(g, R9, i);
        place(g, c);
    }
    switch (kind) {
    case 0:
        jc(g, true, BPF_JGT, R3, max, l);
        movr(g, R2, R10);
        addi(g, R2, -ar);
        addr_(g, R2, R4);
        ldx(g, sz, R5, R2, 0);
        addr_(g, R9, R5);
        break;
    case 1:
        ldx(g, sz, R5, R4, rrange(&g->r, 0, max));
        addr_(g, R9, R5);
        if (bad && (int)g->maps[g->mh].vsz >= max + sz)
            mark(g, "(the map value is large enough)");
        break;
    case 2:
        ldx(g, 8, R5, R10, -s);
        addr_(g, R9, R5);
        break;
    case 3:
        ldx(g, 8, R4, R10, -s);
        ldx(g, sz, R5, R4, 0);
        addr_(g, R9, R5);
        break;
    default: {
        int k = rrange(&g->r, 1, 32);
        jc(g, true, BPF_JLT, R4, k, l);
        ldx(g, 1, R5, R7, k - 1);
        addr_(g, R9, R5);
        break;
    }
    }
    (void)bad;
    place(g, l);
}

static void sn_ringbuf(struct gen *g)
{
    int l = label(g);
    int rb = g->mrb;
    int sz = 8 * rrange(&g->r, 1, 8);
    ld_map(g, R1, rb);
    movi(g, R2, sz);
    movi(g, R3, 0);
    call(g, BPF_FUNC_ringbuf_reserve);
    if (!bug(g, "ring-buffer record used without a NULL check"))
        jc(g, true, BPF_JEQ, R0, 0, l);
    int s = salloc(g, 8);
    stx(g, 8, R10, R0, -s);
    int n = rrange(&g->r, 1, 3);
    for (int i = 0; i < n; i++) {
        int o = 8 * (int)rbelow(&g->r, (uint32_t)(sz / 8));
        if (bug(g, "ring-buffer record access out of bounds"))
            o = sz - 4;
        stx(g, 8, R0, R9, o);
    }
    if (rpct(&g->r, 30)) {
        ldx(g, 4, R3, R0, 0);
        addr_(g, R9, R3);
    }
    movr(g, R1, R0);
    movi(g, R2, 0);
    if (bug(g, "ring-buffer record leaked")) {
        place(g, l);
        return;
    }
    if (bug(g, "ring-buffer submit of an offset pointer"))
        addi(g, R1, 8);
    else if (bug(g, "ring-buffer submit of a pointer with a variable offset")) {
        movr(g, R4, R9);
        alui(g, true, BPF_AND, R4, 8);
        addr_(g, R1, R4);
    }
    if (rpct(&g->r, 30)) {
        int d = label(g), e = label(g);
        jc(g, true, BPF_JEQ, R9, 0, d);
        call(g, BPF_FUNC_ringbuf_submit);
        ja(g, e);
        place(g, d);
        call(g, BPF_FUNC_ringbuf_discard);
        place(g, e);
    } else {
        call(g, rpct(&g->r, 70) ? BPF_FUNC_ringbuf_submit : BPF_FUNC_ringbuf_discard);
    }
    if (bug(g, "ring-buffer record submitted twice")) {
        ldx(g, 8, R1, R10, -s);
        movi(g, R2, 0);
        call(g, BPF_FUNC_ringbuf_submit);
    } else if (bug(g, "ring-buffer record written after submit")) {
        ldx(g, 8, R3, R10, -s);
        st(g, 4, R3, 0, 1);
    }
    place(g, l);
}

/* A pointer (into r1 ... r5 as DST) to SIZE readable bytes, and what that memory is: a stack area,
 * a map value or the packet. Clobbers r0-r5 (except none after it is set). */
static void mem_arg(struct gen *g, int dst, int size, int l, bool out, bool pkt_ok)
{
    int kind = (int)rbelow(&g->r, have_pkt(g) && !out && pkt_ok ? 3 : 2);
    if (kind == 1) {
        int m = pick_value_map(g);
        if ((int)g->maps[m].vsz < size || (out && map_ro(g, m)))
            kind = 0;
        else {
            int v = emit_lookup(g, m, l);
            if (v != dst)
                movr(g, dst, v);
            return;
        }
    }
    if (kind == 2) {
        movr(g, dst, R7);
        addi(g, dst, size);
        jr(g, true, BPF_JGT, dst, R8, l);
        movr(g, dst, R7);
        return;
    }
    int a = salloc(g, size);
    if (!out)
        init_area(g, a, size, true);
    movr(g, dst, R10);
    addi(g, dst, -a);
}

static void sn_rb_output(struct gen *g)
{
    int l = label(g);
    int size = rrange(&g->r, 1, 48);
    mem_arg(g, R2, size, l, false, false);
    if (R2 != R5)
        movr(g, R5, R2);
    int len = size;
    if (bug(g, "helper reads past the buffer"))
        len = size + rrange(&g->r, 1, 8);
    if (rpct(&g->r, 40)) {
        gen_scalar(g, R3, l, false);
        gen_bound(g, R3, len, l, R4);
    } else {
        movi(g, R3, len);
    }
    ld_map(g, R1, g->mrb);
    movr(g, R2, R5);
    movi(g, R4, 0);
    call(g, BPF_FUNC_ringbuf_output);
    addr_(g, R9, R0);
    place(g, l);
}

static void sn_rodata(struct gen *g)
{
    int l = label(g);
    const struct mdesc *md = &g->maps[g->mro];
    int o = 4 * (int)rbelow(&g->r, md->vsz / 4);
    uint32_t kv;
    memcpy(&kv, md->init + o, 4);
    ld_mapval(g, R2, g->mro, 0);
    ldx(g, 4, R3, R2, o);
    if (bug(g, "store into .rodata"))
        st(g, 4, R2, o, 1);
    /* the constant bounds an index */
    gen_scalar(g, R4, l, false);
    jr(g, true, BPF_JGT, R4, R3, l);
    int area = (int)kv + 1;
    if (bug(g, "area one byte smaller than the .rodata bound"))
        area--;
    if (area < 1)
        area = 1;
    int a = salloc(g, area);
    init_area(g, a, area, false);
    movr(g, R2, R10);
    addi(g, R2, -a);
    addr_(g, R2, R4);
    ldx(g, 1, R5, R2, 0);
    addr_(g, R9, R5);
    place(g, l);
}

static void sn_bss(struct gen *g)
{
    int l = label(g);
    const struct mdesc *md = &g->maps[g->mbss];
    int vsz = (int)md->vsz;
    int base = 8 * (int)rbelow(&g->r, (uint32_t)(vsz / 8));
    int sz = rsize(g, vsz - base);
    int o = rrange(&g->r, 0, vsz - base - sz);
    if (bug(g, ".bss access out of bounds"))
        o = vsz - base - sz + rrange(&g->r, 1, sz);
    ld_mapval(g, R2, g->mbss, base);
    if (rpct(&g->r, 50)) {
        stx(g, sz, R2, R9, o);
    } else {
        ldx(g, sz, R3, R2, o);
        addr_(g, R9, R3);
    }
    if (rpct(&g->r, 40)) {
        gen_scalar(g, R4, l, false);
        gen_bound(g, R4, vsz - 1, l, R5);
        ld_mapval(g, R2, g->mbss, 0);
        addr_(g, R2, R4);
        ldx(g, 1, R3, R2, 0);
        addr_(g, R9, R3);
    }
    place(g, l);
}

/* A helper that moves the packet (xdp_adjust_head/tail, skb_pull_data): pointers into it die. */
static void sn_chg(struct gen *g)
{
    int id, delta;
    if (g->pt->h_adjust) {
        id = rpct(&g->r, 60) ? BPF_FUNC_xdp_adjust_head : BPF_FUNC_xdp_adjust_tail;
        delta = 2 * rrange(&g->r, -12, 12);
    } else {
        id = BPF_FUNC_skb_pull_data;
        delta = rrange(&g->r, 0, 64);
    }
    int s = salloc(g, 8);
    bool spill = have_pkt(g) && rpct(&g->r, 30);
    if (spill)
        stx(g, 8, R10, R7, -s);
    movr(g, R1, R6);
    movi(g, R2, delta);
    call(g, id);
    addr_(g, R9, R0);
    if (spill && bug(g, "packet pointer spilled across a helper that moved the packet")) {
        ldx(g, 8, R7, R10, -s);
        return;
    }
    if (bug(g, "stale packet pointers after a helper moved the packet"))
        return;
    if (bug(g, "stale data_end after a helper moved the packet")) {
        ldx(g, 4, R7, R6, g->pt->data_off);
        return;
    }
    ldx(g, 4, R7, R6, g->pt->data_off);
    ldx(g, 4, R8, R6, g->pt->end_off);
    g->pkt_valid = true;
}

/* A helper that writes LEN bytes into a buffer (skb/xdp_load_bytes, probe_read_kernel), then
 * reads of the buffer. */
static void sn_load(struct gen *g)
{
    int l = label(g);
    int which = (int)rbelow(&g->r, 2);
    if (which == 0 && !g->pt->h_skb_load && !g->pt->h_xdp_load)
        which = 1;
    int cap = 8 * rrange(&g->r, 1, 4);
    bool var = rpct(&g->r, 40);
    int a = 0;
    bool m = rpct(&g->r, 25);
    if (m)
        mem_arg(g, R3, cap, l, true, false);
    else
        a = salloc(g, cap);
    if (m && R3 != R5)
        movr(g, R5, R3);
    int len = rrange(&g->r, 1, cap);
    if (bug(g, "helper writes past the buffer"))
        len = cap + rrange(&g->r, 1, 8);
    if (var) {
        gen_scalar(g, R4, l, false);
        gen_bound(g, R4, len - 1, l, R2);
        addi(g, R4, 1); /* at least one byte: byte 0 is always written */
    } else {
        movi(g, R4, len);
    }
    if (which == 0) {
        movr(g, R1, R6);
        movi(g, R2, rrange(&g->r, 0, 40));
        if (m)
            movr(g, R3, R5);
        else {
            movr(g, R3, R10);
            addi(g, R3, -a);
        }
        call(g, g->pt->h_skb_load ? BPF_FUNC_skb_load_bytes : BPF_FUNC_xdp_load_bytes);
    } else {
        if (m)
            movr(g, R1, R5);
        else {
            movr(g, R1, R10);
            addi(g, R1, -a);
        }
        movr(g, R2, R4);
        movr(g, R3, R9);
        call(g, BPF_FUNC_probe_read_kernel);
    }
    addr_(g, R9, R0);
    if (!m) {
        int o = 0, sz = 1;
        if (var ? bug(g, "read of helper output beyond a variable length") : rpct(&g->r, 50)) {
            sz = rsize(g, cap);
            o = var ? cap - sz
                    : rrange(&g->r, 0, len > cap ? cap - sz : (len >= sz ? len - sz : 0));
            if (!var && len < sz)
                sz = 1;
        }
        if (!var && o + sz > len && !(len > cap))
            o = 0, sz = 1;
        ldx(g, sz, R3, R10, -a + o);
        addr_(g, R9, R3);
    }
    place(g, l);
}

static void sn_csum(struct gen *g)
{
    int l = label(g);
    int size = 4 * rrange(&g->r, 1, 8);
    mem_arg(g, R1, size, l, false, true);
    movr(g, R5, R1);
    int len = size;
    if (bug(g, "checksum over more than the buffer"))
        len = size + 4;
    if (rpct(&g->r, 40)) {
        gen_scalar(g, R2, l, false);
        alui(g, true, BPF_AND, R2, 0x3c);
        gen_bound(g, R2, len, l, R3);
    } else {
        movi(g, R2, len);
    }
    movr(g, R1, R5);
    movi(g, R3, 0);
    movi(g, R4, 0);
    movr(g, R5, R9);
    call(g, BPF_FUNC_csum_diff);
    addr_(g, R9, R0);
    place(g, l);
}

enum {
    S_CTX,
    S_PKT,
    S_PKTVAR,
    S_META,
    S_MAP,
    S_UPDATE,
    S_STACK,
    S_ALU,
    S_LOOP,
    S_CALL,
    S_RB,
    S_RBOUT,
    S_RODATA,
    S_BSS,
    S_CHG,
    S_LOAD,
    S_CSUM,
    S_DIAMOND,
    S_LOOP2,
    S_JOIN,
    S_COUNT
};
static const char *const sn_names[S_COUNT] = {
    "ctx",     "pkt",        "pkt_var", "meta",    "map",       "update", "stack",
    "alu",     "loop",       "call",    "ringbuf", "rb_output", "rodata", "bss",
    "chg_pkt", "load_bytes", "csum",    "diamond", "loop2",     "join"};
static const int sn_weight[S_COUNT] = {8, 12, 8, 2, 12, 5, 10, 10, 6, 8,
                                       5, 3,  3, 3, 4,  4, 3,  10, 4, 10};

static bool sn_ok(const struct gen *g, int s)
{
    const struct ptdesc *pt = g->pt;
    switch (s) {
    case S_PKT:
    case S_PKTVAR: return have_pkt(g);
    case S_META: return have_pkt(g) && pt->meta;
    case S_MAP:
    case S_UPDATE: return g->mh >= 0 || g->ma >= 0;
    case S_LOOP:
    case S_LOOP2: return g->loops < 2;
    case S_RB:
    case S_RBOUT: return g->mrb >= 0;
    case S_RODATA: return g->mro >= 0;
    case S_BSS: return g->mbss >= 0;
    case S_CHG: return (pt->h_adjust || pt->h_pull) && g->pkt_valid;
    case S_CSUM: return pt->h_csum;
    default: return true;
    }
}

struct gprog {
    const struct ptdesc *pt;
    struct bpfrt_insn *insns;
    size_t n;
    struct mdesc maps[MAXMAPS];
    int nmaps;
    int nbugs;
    char bugs[400];
    uint32_t snippets; /* bit per snippet kind used */
    uint64_t seed;
};

static void add_map(struct gen *g, int *idx, uint32_t type, uint32_t ksz, uint32_t vsz,
                    uint32_t max, uint32_t flags, bool global, const char *name)
{
    struct mdesc *m = &g->maps[g->nmaps];
    memset(m, 0, sizeof(*m));
    m->type = type;
    m->ksz = ksz;
    m->vsz = vsz;
    m->max = max;
    m->flags = flags;
    m->global = global;
    snprintf(m->name, sizeof(m->name), "%s", name);
    *idx = g->nmaps++;
}

static uint32_t rand_vsz(struct rng *r)
{
    static const uint32_t common[] = {4, 8, 12, 16, 20, 24, 32, 40, 48, 64};
    if (rpct(r, 20))
        return (uint32_t)rrange(r, 4, 64);
    return common[rbelow(r, ARRAY_LEN(common))];
}

/* Writes a program from SEED. FORCE_BUGS: percent chance per mistake (-1: random per program). */
static int gen_program(uint64_t seed, int force_bugs, int type_sel, struct gprog *out)
{
    struct gen *g = calloc(1, sizeof(*g));
    if (!g)
        return -1;
    g->r.s = seed;
    int tw = (int)rbelow(&g->r, 100);
    int ti = tw < 45 ? 0 : tw < 70 ? 1 : tw < 85 ? 2 : 3;
    if (type_sel >= 0)
        ti = type_sel;
    g->pt = &ptypes[ti];
    g->mh = g->ma = g->mrb = g->mro = g->mbss = -1;
    if (rpct(&g->r, 85))
        add_map(g, &g->mh, BPF_MAP_TYPE_HASH, rpct(&g->r, 60) ? 4 : 8, rand_vsz(&g->r),
                (uint32_t)rrange(&g->r, 2, MAXE), 0, false, "hmap");
    if (rpct(&g->r, 70) || g->mh < 0)
        add_map(g, &g->ma, BPF_MAP_TYPE_ARRAY, 4, rand_vsz(&g->r), (uint32_t)rrange(&g->r, 1, 4), 0,
                false, "amap");
    if (rpct(&g->r, 50))
        add_map(g, &g->mrb, BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, false, "rb");
    if (rpct(&g->r, 35)) {
        add_map(g, &g->mro, BPF_MAP_TYPE_ARRAY, 4, 4 * (uint32_t)rrange(&g->r, 2, 8), 1,
                BPF_F_RDONLY_PROG, true, "prog.rodata");
        for (uint32_t i = 0; i < g->maps[g->mro].vsz; i += 4) {
            uint32_t v = (uint32_t)rrange(&g->r, 0, 48);
            memcpy(g->maps[g->mro].init + i, &v, 4);
        }
    }
    if (rpct(&g->r, 35))
        add_map(g, &g->mbss, BPF_MAP_TYPE_ARRAY, 4, 8 * (uint32_t)rrange(&g->r, 1, 8), 1, 0, true,
                "prog.bss");
    g->bug_pct = force_bugs >= 0 ? force_bugs : rpct(&g->r, 30) ? 0 : rrange(&g->r, 3, 25);
    int nsn = rrange(&g->r, 1, 6);
    bool calls = rpct(&g->r, 40);
    g->stack_limit = calls ? 320 : 512;
    g->pkt_valid = g->pt->pkt;

    uint32_t used = 0;
    movr(g, R6, R1);
    if (g->pt->pkt) {
        ldx(g, 4, R7, R6, g->pt->data_off);
        ldx(g, 4, R8, R6, g->pt->end_off);
    }
    if (!bug(g, "accumulator r9 never initialised"))
        movi(g, R9, rrange(&g->r, 0, 3));
    for (int i = 0; i < nsn; i++) {
        int total = 0, s = 0;
        for (int k = 0; k < S_COUNT; k++)
            if (sn_ok(g, k) && (k != S_CALL || calls))
                total += sn_weight[k];
        int pick = (int)rbelow(&g->r, (uint32_t)total);
        for (s = 0; s < S_COUNT; s++) {
            if (!sn_ok(g, s) || (s == S_CALL && !calls))
                continue;
            if (pick < sn_weight[s])
                break;
            pick -= sn_weight[s];
        }
        used |= 1u << s;
        switch (s) {
        case S_CTX: sn_ctx(g); break;
        case S_PKT: sn_pkt_const(g); break;
        case S_PKTVAR: sn_pkt_var(g); break;
        case S_META: sn_meta(g); break;
        case S_MAP: sn_map(g); break;
        case S_UPDATE: sn_update(g); break;
        case S_STACK: sn_stack(g); break;
        case S_ALU: sn_alu(g); break;
        case S_LOOP: sn_loop(g); break;
        case S_CALL: sn_call(g); break;
        case S_RB: sn_ringbuf(g); break;
        case S_RBOUT: sn_rb_output(g); break;
        case S_RODATA: sn_rodata(g); break;
        case S_BSS: sn_bss(g); break;
        case S_CHG: sn_chg(g); break;
        case S_LOAD: sn_load(g); break;
        case S_DIAMOND: sn_diamond(g); break;
        case S_LOOP2: sn_loop2(g); break;
        case S_JOIN: sn_join(g); break;
        default: sn_csum(g); break;
        }
    }
    /* the return value */
    if (g->pt->ret_checked) {
        movr(g, R0, R9);
        bool bad = bug(g, "return value outside the allowed range");
        switch (rbelow(&g->r, 5)) {
        case 0: alui(g, true, BPF_AND, R0, bad ? 3 : 1); break;
        case 1: alui(g, true, bad ? BPF_ARSH : BPF_RSH, R0, 63); break;
        case 2: alui(g, false, BPF_MOD, R0, bad ? 3 : 2); break;
        case 3: {
            int ok = label(g);
            jc(g, true, BPF_JLE, R0, bad ? 2 : 1, ok);
            movi(g, R0, 0);
            place(g, ok);
            break;
        }
        default:
            alui(g, false, BPF_AND, R0, 1);
            if (bad)
                alui(g, true, BPF_SUB, R0, 1);
            break;
        }
    } else if (!bug(g, "r0 not set at exit")) {
        if (rpct(&g->r, 50)) {
            movr(g, R0, R9);
            if (g->pt->type == BPF_PROG_TYPE_XDP)
                alui(g, true, BPF_AND, R0, 3);
        } else {
            movi(g, R0, 2);
        }
    }
    ex(g);
    /* subprograms (they may register more) */
    g->sp = 0;
    for (int i = 0; i < g->nsubs; i++)
        if (!g->subs[i].emitted) {
            g->subs[i].emitted = true;
            emit_sub(g, &g->subs[i]);
        }

    memset(out, 0, sizeof(*out));
    out->pt = g->pt;
    out->seed = seed;
    out->nmaps = g->nmaps;
    memcpy(out->maps, g->maps, sizeof(g->maps));
    out->nbugs = g->nbugs;
    snprintf(out->bugs, sizeof(out->bugs), "%s", g->bugs);
    out->snippets = used;
    int rc = p_link(&g->p, &out->insns, &out->n);
    p_free(&g->p);
    free(g);
    return rc;
}

/* ====================================================================== the world ========= */

#define PAGE 4096
#define PKT_BUF PAGE /* one page per packet buffer */
#define HEADROOM 256
#define NREC 8 /* ring-buffer records: one page each */
#define STACK_SPAN (BPFRT_STACK_SIZE * BPFRT_MAX_CALL_DEPTH)
#define H_SETUP 1000 /* the harness's own helper, called by the prologue */

/* map values are 8-byte aligned, as in Linux (elements are rounded up to 8 bytes) */
#define STRIDE(d) (((size_t)(d)->vsz + 7) & ~(size_t)7)

struct wmap {
    const struct mdesc *d;
    uint8_t *vals; /* max entries of vsz bytes, each granted as its own region */
    uint8_t keys[MAXE][8];
    bool present[MAXE];
    bool granted[MAXE];
};

struct world {
    int which; /* 0 or 1 */
    const struct gprog *gp;
    uint8_t *pk[2]; /* packet buffers below 4 GiB; one active, the other inaccessible */
    int active;
    uint8_t *data, *data_end, *meta;
    uint8_t *ctx;
    struct wmap maps[MAXMAPS];
    uint8_t *recs;
    int rstate[NREC]; /* 0 free, 1 reserved, 2 submitted, 3 discarded */
    uint32_t rsize[NREC];
    uint64_t stack_top;
    struct rng hr; /* helper results */
    uint64_t trace, out;
    bool failed;
    char fail[480];
    uint8_t poison;
    bool blind; /* helpers ignore memory contents (RUN_PRIV) */
    uint64_t ktime;
    sigjmp_buf jb;
    volatile sig_atomic_t in_run;
    uintptr_t segv_addr;
};

static _Thread_local struct world *cur_w;

#define FNV_BASIS 0xcbf29ce484222325ull

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t fnv64(uint64_t h, uint64_t v)
{
    return fnv(h, &v, sizeof(v));
}

static void w_failf(struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void w_failf(struct world *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    w->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->fail, sizeof(w->fail), fmt, ap);
    va_end(ap);
}

static void *map_low(size_t len)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_32BIT
    flags |= MAP_32BIT;
#endif
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED || (uintptr_t)p + len > 0xffffffffull) {
        /* no MAP_32BIT: ask for low addresses one by one */
        for (uintptr_t hint = 0x10000000; hint < 0xf0000000; hint += 0x100000) {
#ifdef MAP_FIXED_NOREPLACE
            p = mmap((void *)hint, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
#else
            p = mmap((void *)hint, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#endif
            if (p != MAP_FAILED && (uintptr_t)p + len <= 0xffffffffull)
                return p;
            if (p != MAP_FAILED)
                munmap(p, len);
        }
        fprintf(stderr, "cannot map packet buffers below 4 GiB\n");
        exit(2);
    }
    return p;
}

static void world_init(struct world *w, int which)
{
    memset(w, 0, sizeof(*w));
    w->which = which;
    w->pk[0] = map_low(PKT_BUF);
    w->pk[1] = map_low(PKT_BUF);
    w->ctx = aligned_alloc(64, 256);
    w->recs = mmap(NULL, NREC * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!w->ctx || w->recs == MAP_FAILED) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    w->poison = which ? 0xa5 : 0x5a;
}

/* Map storage for program GP. */
static void world_bind(struct world *w, const struct gprog *gp)
{
    w->gp = gp;
    for (int i = 0; i < gp->nmaps; i++) {
        struct wmap *m = &w->maps[i];
        memset(m, 0, sizeof(*m));
        m->d = &gp->maps[i];
        if (m->d->type != BPF_MAP_TYPE_RINGBUF)
            m->vals = calloc(m->d->max, STRIDE(m->d));
    }
}

static void world_unbind(struct world *w)
{
    for (int i = 0; w->gp && i < w->gp->nmaps; i++) {
        free(w->maps[i].vals);
        w->maps[i].vals = NULL;
    }
    w->gp = NULL;
}

static void set_u32(uint8_t *p, int off, uint32_t v)
{
    memcpy(p + off, &v, 4);
}

static void ctx_set_ptrs(struct world *w)
{
    const struct ptdesc *pt = w->gp->pt;
    if (!pt->pkt)
        return;
    set_u32(w->ctx, pt->data_off, (uint32_t)(uintptr_t)w->data);
    set_u32(w->ctx, pt->end_off, (uint32_t)(uintptr_t)w->data_end);
    if (pt->meta_off >= 0)
        set_u32(w->ctx, pt->meta_off, (uint32_t)(uintptr_t)w->meta);
}

/* Everything the program sees, from the input SEED (the same in both worlds). */
static void world_reset(struct world *w, uint64_t seed)
{
    const struct gprog *gp = w->gp;
    const struct ptdesc *pt = gp->pt;
    struct rng r = {seed};
    mprotect(w->pk[0], PKT_BUF, PROT_READ | PROT_WRITE);
    mprotect(w->pk[1], PKT_BUF, PROT_READ | PROT_WRITE);
    mprotect(w->recs, NREC * PAGE, PROT_READ | PROT_WRITE);
    memset(w->pk[0], w->poison, PKT_BUF);
    memset(w->pk[1], w->poison, PKT_BUF);
    w->active = 0;
    int len, sel = (int)rbelow(&r, 100);
    len = sel < 8    ? 0
          : sel < 45 ? rrange(&r, 1, 80)
          : sel < 70 ? rrange(&r, 14, 200)
                     : rrange(&r, 0, 1500);
    int metalen = pt->meta && rpct(&r, 30) ? 4 << rbelow(&r, 4) : 0;
    w->data = w->pk[0] + HEADROOM;
    w->data_end = w->data + len;
    w->meta = w->data - metalen;
    int fill = (int)rbelow(&r, 10);
    for (uint8_t *p = w->meta; p < w->data_end; p++)
        *p = fill == 0 ? 0 : fill == 1 ? 0xff : (uint8_t)rnext(&r);
    mprotect(w->pk[1], PKT_BUF, PROT_NONE);
    memset(w->ctx, 0, 256);
    for (int o = 0; o < 256; o += 8) {
        uint64_t v = rvalue(&r);
        memcpy(w->ctx + o, &v, 8);
    }
    if (pt->type == BPF_PROG_TYPE_SCHED_CLS || pt->type == BPF_PROG_TYPE_CGROUP_SKB) {
        set_u32(w->ctx, SKB(len), (uint32_t)len);
        memset(w->ctx + offsetof(struct __sk_buff, flow_keys), 0, 8);
        memset(w->ctx + offsetof(struct __sk_buff, sk), 0, 8);
    }
    ctx_set_ptrs(w);
    for (int i = 0; i < gp->nmaps; i++) {
        struct wmap *m = &w->maps[i];
        memset(m->granted, 0, sizeof(m->granted));
        memset(m->present, 0, sizeof(m->present));
        if (!m->vals)
            continue;
        const struct mdesc *d = m->d;
        if (d->flags & BPF_F_RDONLY_PROG) {
            memcpy(m->vals, d->init, d->vsz);
            continue;
        }
        int vf = (int)rbelow(&r, 5);
        for (size_t b = 0; b < d->max * STRIDE(d); b++)
            m->vals[b] = vf == 0 ? 0 : (uint8_t)(vf == 1 ? rbelow(&r, 40) : rnext(&r));
        if (d->type == BPF_MAP_TYPE_HASH) {
            for (uint32_t e = 0; e < d->max; e++) {
                memset(m->keys[e], 0, 8);
                uint32_t k = (uint32_t)(e + rbelow(&r, 3)) % 8;
                memcpy(m->keys[e], &k, 4);
                bool dup = false;
                for (uint32_t e2 = 0; e2 < e; e2++)
                    dup |= m->present[e2] && memcmp(m->keys[e2], m->keys[e], 8) == 0;
                m->present[e] = !dup && rpct(&r, 50);
            }
        }
    }
    for (int i = 0; i < NREC; i++)
        w->rstate[i] = 0;
    w->hr.s = mix64(seed, 77);
    w->trace = w->out = FNV_BASIS;
    w->failed = false;
    w->fail[0] = '\0';
    w->stack_top = 0;
    w->ktime = 1000000;
    w->segv_addr = 0;
}

static bool in_pages(uintptr_t a, const uint8_t *base, size_t len)
{
    return a >= (uintptr_t)base && a < (uintptr_t)base + len;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    struct world *w = cur_w;
    uintptr_t a = (uintptr_t)si->si_addr;
    if (w && w->in_run &&
        (in_pages(a, w->pk[0], PKT_BUF) || in_pages(a, w->pk[1], PKT_BUF) ||
         in_pages(a, w->recs, NREC * PAGE))) {
        w->segv_addr = a;
        siglongjmp(w->jb, 1);
    }
    signal(sig, SIG_DFL); /* a real crash: let it happen */
}

/* ---- helpers: every pointer argument is checked against what the program may access ---- */

enum { LOC_NONE, LOC_STACK, LOC_PKT, LOC_MAP, LOC_REC };

/* Checks [ADDR, ADDR+LEN) and hashes where it is (world-independent) and, for reads, its bytes
 * into the helper trace. */
static bool w_mem(struct world *w, const char *helper, const char *what, uint64_t addr,
                  uint64_t len, bool write)
{
    if (len == 0)
        return true;
    uint64_t end = addr + len;
    int kind = LOC_NONE;
    uint64_t where = 0;
    const struct gprog *gp = w->gp;
    if (end < addr)
        goto bad;
    if (w->stack_top && addr >= w->stack_top - STACK_SPAN && end <= w->stack_top) {
        kind = LOC_STACK;
        where = w->stack_top - addr;
    } else if (gp->pt->pkt && addr >= (uintptr_t)w->meta && end <= (uintptr_t)w->data_end) {
        if (write && !gp->pt->pkt_write)
            goto bad;
        kind = LOC_PKT;
        where = addr - (uintptr_t)w->meta;
    } else {
        for (int i = 0; i < gp->nmaps && !kind; i++) {
            struct wmap *m = &w->maps[i];
            if (!m->vals)
                continue;
            for (uint32_t e = 0; e < m->d->max; e++) {
                uint64_t b = (uintptr_t)(m->vals + (size_t)e * STRIDE(m->d));
                if (addr >= b && end <= b + m->d->vsz) {
                    if (write && (m->d->flags & BPF_F_RDONLY_PROG))
                        goto bad;
                    kind = LOC_MAP;
                    where = ((uint64_t)i << 32) | (e << 16) | (addr - b);
                    break;
                }
            }
        }
        for (int i = 0; i < NREC && !kind; i++) {
            uint64_t b = (uintptr_t)(w->recs + (size_t)i * PAGE);
            if (w->rstate[i] == 1 && addr >= b && end <= b + w->rsize[i]) {
                kind = LOC_REC;
                where = ((uint64_t)i << 32) | (addr - b);
            }
        }
    }
    if (!kind)
        goto bad;
    w->trace = fnv64(fnv64(w->trace, (uint64_t)kind), where);
    w->trace = fnv64(w->trace, len);
    if (!write && !w->blind)
        w->trace = fnv(w->trace, (const void *)(uintptr_t)addr, (size_t)len);
    return true;
bad:
    w_failf(w, "%s: %s [0x%llx, +%llu) is not memory the program may %s", helper, what,
            (unsigned long long)addr, (unsigned long long)len, write ? "write" : "read");
    return false;
}

static struct wmap *w_map(struct world *w, const char *helper, uint64_t p, bool ringbuf)
{
    for (int i = 0; i < w->gp->nmaps; i++)
        if (p == (uintptr_t)&w->maps[i]) {
            struct wmap *m = &w->maps[i];
            if ((m->d->type == BPF_MAP_TYPE_RINGBUF) != ringbuf) {
                w_failf(w, "%s: r1 is map '%s' of the wrong type", helper, m->d->name);
                return NULL;
            }
            w->trace = fnv64(w->trace, (uint64_t)i);
            return m;
        }
    w_failf(w, "%s: r1 (0x%llx) is not a map", helper, (unsigned long long)p);
    return NULL;
}

static bool w_ctx(struct world *w, const char *helper, uint64_t p)
{
    if (p == (uintptr_t)w->ctx)
        return true;
    w_failf(w, "%s: r1 (0x%llx) is not the context", helper, (unsigned long long)p);
    return false;
}

static void w_call(struct world *w, int id)
{
    w->trace = fnv64(w->trace, (uint64_t)id + 0x1000);
}

static uint64_t h_setup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    struct world *w = cur_w;
    w->stack_top = r1;
    const struct ptdesc *pt = w->gp->pt;
    if (pt->pkt && w->data_end > w->data)
        bpfrt_vm_grant_current(w->data, (size_t)(w->data_end - w->data), pt->pkt_write);
    if (pt->pkt && w->data > w->meta)
        bpfrt_vm_grant_current(w->meta, (size_t)(w->data - w->meta), true);
    return 0;
}

static int find_key(const struct wmap *m, const uint8_t *key)
{
    for (uint32_t e = 0; e < m->d->max; e++)
        if (m->present[e] && memcmp(m->keys[e], key, m->d->ksz) == 0)
            return (int)e;
    return -1;
}

static int free_slot(const struct wmap *m)
{
    for (uint32_t e = 0; e < m->d->max; e++)
        if (!m->present[e])
            return (int)e;
    return -1;
}

static uint64_t h_lookup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    struct world *w = cur_w;
    const char *hn = "bpf_map_lookup_elem";
    w_call(w, BPF_FUNC_map_lookup_elem);
    struct wmap *m = w_map(w, hn, r1, false);
    if (!m || !w_mem(w, hn, "key (r2)", r2, m->d->ksz, false))
        return 0;
    const uint8_t *key = (const uint8_t *)(uintptr_t)r2;
    int e = -1;
    if (w->blind) {
        /* the key may be uninitialised (allowed when privileged): do not look at it */
        if (m->d->type == BPF_MAP_TYPE_ARRAY)
            e = 0;
        else if (rpct(&w->hr, 60)) {
            e = (int)rbelow(&w->hr, m->d->max);
            if (!m->present[e]) {
                memset(m->keys[e], 0, 8);
                m->present[e] = true;
            }
        }
    } else if (m->d->type == BPF_MAP_TYPE_ARRAY) {
        uint32_t idx;
        memcpy(&idx, key, 4);
        if (idx < m->d->max)
            e = (int)idx;
    } else {
        e = find_key(m, key);
        if (e >= 0 && rbelow(&w->hr, 8) == 0)
            e = -1; /* deleted by someone else meanwhile */
        if (e < 0 && rpct(&w->hr, 40) && (e = free_slot(m)) >= 0) {
            /* inserted by someone else meanwhile */
            memset(m->keys[e], 0, 8);
            memcpy(m->keys[e], key, m->d->ksz);
            m->present[e] = true;
            for (uint32_t b = 0; b < m->d->vsz; b++)
                m->vals[(size_t)e * STRIDE(m->d) + b] = (uint8_t)rnext(&w->hr);
        }
    }
    if (e < 0)
        return 0;
    uint8_t *v = m->vals + (size_t)e * STRIDE(m->d);
    if (!m->granted[e]) {
        if (bpfrt_vm_grant_current(v, m->d->vsz, !(m->d->flags & BPF_F_RDONLY_PROG)) != 0)
            return 0; /* region table full: NULL is always a possible answer */
        m->granted[e] = true;
    }
    w->trace = fnv64(w->trace, (uint64_t)e);
    return (uintptr_t)v;
}

static uint64_t h_update(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r5;
    struct world *w = cur_w;
    const char *hn = "bpf_map_update_elem";
    w_call(w, BPF_FUNC_map_update_elem);
    struct wmap *m = w_map(w, hn, r1, false);
    if (!m || !w_mem(w, hn, "key (r2)", r2, m->d->ksz, false) ||
        !w_mem(w, hn, "value (r3)", r3, m->d->vsz, false))
        return 0;
    w->trace = fnv64(w->trace, r4);
    if (m->d->flags & BPF_F_RDONLY_PROG) {
        w_failf(w, "%s: update of read-only map '%s' from the program", hn, m->d->name);
        return 0;
    }
    const uint8_t *key = (const uint8_t *)(uintptr_t)r2;
    if (r4 > BPF_EXIST)
        return (uint64_t)-EINVAL;
    if (rbelow(&w->hr, 16) == 0)
        return (uint64_t)-ENOMEM;
    int e;
    if (w->blind) {
        /* key and value may be uninitialised (allowed when privileged): not looked at */
        e = (int)rbelow(&w->hr, m->d->max);
        if (m->d->type == BPF_MAP_TYPE_HASH && !m->present[e]) {
            memset(m->keys[e], 0, 8);
            m->present[e] = true;
        }
        return 0;
    }
    if (m->d->type == BPF_MAP_TYPE_ARRAY) {
        uint32_t idx;
        memcpy(&idx, key, 4);
        if (idx >= m->d->max)
            return (uint64_t)-E2BIG;
        if (r4 == BPF_NOEXIST)
            return (uint64_t)-EEXIST;
        e = (int)idx;
    } else {
        e = find_key(m, key);
        if (e >= 0 && r4 == BPF_NOEXIST)
            return (uint64_t)-EEXIST;
        if (e < 0 && r4 == BPF_EXIST)
            return (uint64_t)-ENOENT;
        if (e < 0) {
            e = free_slot(m);
            if (e < 0)
                return (uint64_t)-E2BIG;
            memset(m->keys[e], 0, 8);
            memcpy(m->keys[e], key, m->d->ksz);
            m->present[e] = true;
        }
    }
    memmove(m->vals + (size_t)e * STRIDE(m->d), (const void *)(uintptr_t)r3, m->d->vsz);
    return 0;
}

static uint64_t h_delete(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    struct world *w = cur_w;
    const char *hn = "bpf_map_delete_elem";
    w_call(w, BPF_FUNC_map_delete_elem);
    struct wmap *m = w_map(w, hn, r1, false);
    if (!m || !w_mem(w, hn, "key (r2)", r2, m->d->ksz, false))
        return 0;
    if (m->d->type != BPF_MAP_TYPE_HASH)
        return (uint64_t)-EINVAL;
    if (w->blind)
        return rpct(&w->hr, 50) ? 0 : (uint64_t)-ENOENT;
    int e = find_key(m, (const uint8_t *)(uintptr_t)r2);
    if (e < 0)
        return (uint64_t)-ENOENT;
    m->present[e] = false; /* the value stays readable until the program ends (RCU) */
    return 0;
}

static uint64_t h_prandom(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    w_call(cur_w, BPF_FUNC_get_prandom_u32);
    return (uint32_t)rvalue(&cur_w->hr);
}

static uint64_t h_ktime(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    w_call(cur_w, BPF_FUNC_ktime_get_ns);
    return cur_w->ktime += rbelow(&cur_w->hr, 1000);
}

static uint64_t h_smp(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    w_call(cur_w, BPF_FUNC_get_smp_processor_id);
    return rbelow(&cur_w->hr, 8);
}

static uint64_t h_rb_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r5;
    struct world *w = cur_w;
    const char *hn = "bpf_ringbuf_output";
    w_call(w, BPF_FUNC_ringbuf_output);
    if (!w_map(w, hn, r1, true) || !w_mem(w, hn, "data (r2)", r2, r3, false))
        return 0;
    w->trace = fnv64(w->trace, r4);
    if (r3 && !w->blind)
        w->out = fnv(fnv64(w->out, r3), (const void *)(uintptr_t)r2, (size_t)r3);
    return rpct(&w->hr, 90) ? 0 : (uint64_t)-EAGAIN;
}

static uint64_t h_reserve(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r4, (void)r5;
    struct world *w = cur_w;
    const char *hn = "bpf_ringbuf_reserve";
    w_call(w, BPF_FUNC_ringbuf_reserve);
    if (!w_map(w, hn, r1, true))
        return 0;
    w->trace = fnv64(fnv64(w->trace, r2), r3);
    if (r3 != 0 || r2 == 0 || r2 > PAGE || rbelow(&w->hr, 8) == 0)
        return 0;
    for (int i = 0; i < NREC; i++) {
        if (w->rstate[i] != 0)
            continue;
        uint8_t *p = w->recs + (size_t)i * PAGE;
        if (bpfrt_vm_grant_current(p, (size_t)r2, true) != 0)
            return 0;
        for (uint64_t b = 0; b < r2; b++)
            p[b] = (uint8_t)rnext(&w->hr); /* a record's old contents, the same in both worlds */
        w->rstate[i] = 1;
        w->rsize[i] = (uint32_t)r2;
        return (uintptr_t)p;
    }
    return 0;
}

static uint64_t rb_release(uint64_t r1, bool submit)
{
    struct world *w = cur_w;
    const char *hn = submit ? "bpf_ringbuf_submit" : "bpf_ringbuf_discard";
    w_call(w, submit ? BPF_FUNC_ringbuf_submit : BPF_FUNC_ringbuf_discard);
    for (int i = 0; i < NREC; i++) {
        uint8_t *p = w->recs + (size_t)i * PAGE;
        if (r1 < (uintptr_t)p || r1 >= (uintptr_t)p + PAGE)
            continue;
        if (r1 != (uintptr_t)p)
            w_failf(w, "%s: r1 points %llu bytes into a record, not at its start", hn,
                    (unsigned long long)(r1 - (uintptr_t)p));
        else if (w->rstate[i] != 1)
            w_failf(w, "%s: record %d was %s", hn, i,
                    w->rstate[i] == 0 ? "never reserved" : "already released");
        else {
            w->trace = fnv64(w->trace, (uint64_t)i);
            if (submit)
                w->out = fnv(fnv64(w->out, w->rsize[i]), p, w->rsize[i]);
            w->rstate[i] = submit ? 2 : 3;
            mprotect(p, PAGE, PROT_NONE); /* any later access faults */
        }
        return 0;
    }
    w_failf(w, "%s: r1 (0x%llx) is not a ring-buffer record", hn, (unsigned long long)r1);
    return 0;
}

static uint64_t h_submit(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    return rb_release(r1, true);
}

static uint64_t h_discard(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    return rb_release(r1, false);
}

static uint64_t h_csum_diff(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    struct world *w = cur_w;
    const char *hn = "bpf_csum_diff";
    w_call(w, BPF_FUNC_csum_diff);
    if ((r2 && !w_mem(w, hn, "from (r1)", r1, r2, false)) ||
        (r4 && !w_mem(w, hn, "to (r3)", r3, r4, false)))
        return 0;
    w->trace = fnv64(w->trace, r5);
    if ((r2 | r4) % 4 || r2 > 512 || r4 > 512)
        return (uint64_t)-EINVAL;
    if (w->blind)
        return (uint32_t)rnext(&w->hr);
    uint64_t sum = (uint32_t)r5;
    for (uint64_t i = 0; i < r2; i += 4) {
        uint32_t v;
        memcpy(&v, (const uint8_t *)(uintptr_t)r1 + i, 4);
        sum += (uint32_t)~v;
    }
    for (uint64_t i = 0; i < r4; i += 4) {
        uint32_t v;
        memcpy(&v, (const uint8_t *)(uintptr_t)r3 + i, 4);
        sum += v;
    }
    while (sum >> 32)
        sum = (sum & 0xffffffffull) + (sum >> 32);
    return sum;
}

/* Moves the packet to the other buffer (new DATA offset and LEN), as a helper that changes
 * packet data may; the old buffer becomes inaccessible. */
static bool pkt_move(struct world *w, long data_off, long len, long meta_len)
{
    const struct ptdesc *pt = w->gp->pt;
    uint8_t *nb = w->pk[!w->active], *ob = w->pk[w->active];
    uint8_t *nd = nb + data_off;
    if (len > 0 && bpfrt_vm_grant_current(nd, (size_t)len, pt->pkt_write) != 0)
        return false;
    if (meta_len > 0 && bpfrt_vm_grant_current(nd - meta_len, (size_t)meta_len, true) != 0)
        return false;
    mprotect(nb, PKT_BUF, PROT_READ | PROT_WRITE);
    memcpy(nb, ob, PKT_BUF);
    /* bytes new to the packet (grown head or tail) are zeroes */
    long os = w->data - ob, oe = os + (w->data_end - w->data);
    for (long i = data_off; i < data_off + len; i++)
        if (i < os || i >= oe)
            nb[i] = 0;
    memset(ob, w->poison, PKT_BUF);
    mprotect(ob, PKT_BUF, PROT_NONE);
    w->active = !w->active;
    w->data = nd;
    w->data_end = nd + len;
    w->meta = nd - meta_len;
    ctx_set_ptrs(w);
    if (pt->type != BPF_PROG_TYPE_XDP)
        set_u32(w->ctx, SKB(len), (uint32_t)len);
    return true;
}

static uint64_t h_adjust(uint64_t r1, uint64_t r2, bool head)
{
    struct world *w = cur_w;
    const char *hn = head ? "bpf_xdp_adjust_head" : "bpf_xdp_adjust_tail";
    w_call(w, head ? BPF_FUNC_xdp_adjust_head : BPF_FUNC_xdp_adjust_tail);
    if (!w_ctx(w, hn, r1))
        return 0;
    int delta = (int)r2;
    w->trace = fnv64(w->trace, (uint64_t)delta);
    uint8_t *b = w->pk[w->active];
    long off = w->data - b, len = w->data_end - w->data;
    if (head) {
        off += delta;
        len -= delta;
    } else {
        len += delta;
    }
    if (off < 32 || len < 14 || off + len > PKT_BUF - 64 || rbelow(&w->hr, 10) == 0)
        return (uint64_t)-EINVAL;
    long meta = head ? 0 : w->data - w->meta;
    return pkt_move(w, off, len, meta) ? 0 : (uint64_t)-ENOMEM;
}

static uint64_t h_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    return h_adjust(r1, r2, true);
}

static uint64_t h_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    return h_adjust(r1, r2, false);
}

static uint64_t h_pull_data(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r3, (void)r4, (void)r5;
    struct world *w = cur_w;
    const char *hn = "bpf_skb_pull_data";
    w_call(w, BPF_FUNC_skb_pull_data);
    if (!w_ctx(w, hn, r1))
        return 0;
    w->trace = fnv64(w->trace, r2);
    long len = w->data_end - w->data;
    if ((long)(uint32_t)r2 > len)
        return (uint64_t)-ENOMEM;
    return pkt_move(w, w->data - w->pk[w->active], len, 0) ? 0 : (uint64_t)-ENOMEM;
}

/* helpers that fill a buffer: all LEN bytes are written, zeroes on failure (the verifier counts
 * on it) */
static uint64_t load_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, int id,
                           const char *hn)
{
    struct world *w = cur_w;
    w_call(w, id);
    if (!w_ctx(w, hn, r1) || !w_mem(w, hn, "buffer (r3)", r3, r4, true))
        return 0;
    w->trace = fnv64(fnv64(w->trace, r2), r4);
    uint8_t *to = (uint8_t *)(uintptr_t)r3;
    uint64_t plen = (uint64_t)(w->data_end - w->data);
    if (r2 > plen || r4 > plen - r2) {
        memset(to, 0, (size_t)r4);
        return (uint64_t)-EFAULT;
    }
    memmove(to, w->data + r2, (size_t)r4);
    return 0;
}

static uint64_t h_skb_load(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r5;
    return load_bytes(r1, r2, r3, r4, BPF_FUNC_skb_load_bytes, "bpf_skb_load_bytes");
}

static uint64_t h_xdp_load(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r5;
    return load_bytes(r1, r2, r3, r4, BPF_FUNC_xdp_load_bytes, "bpf_xdp_load_bytes");
}

static uint64_t h_probe_read(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r4, (void)r5;
    struct world *w = cur_w;
    const char *hn = "bpf_probe_read_kernel";
    w_call(w, BPF_FUNC_probe_read_kernel);
    if (!w_mem(w, hn, "buffer (r1)", r1, r2, true))
        return 0;
    uint8_t *to = (uint8_t *)(uintptr_t)r1;
    bool ok = rpct(&w->hr, 75);
    for (uint64_t i = 0; i < r2; i++)
        to[i] = ok ? (uint8_t)(rnext(&w->hr) ^ r3) : 0;
    return ok ? 0 : (uint64_t)-EFAULT;
}

static const struct {
    int id;
    bpfrt_helper_fn fn;
} helper_table[] = {
    {BPF_FUNC_map_lookup_elem, h_lookup},       {BPF_FUNC_map_update_elem, h_update},
    {BPF_FUNC_map_delete_elem, h_delete},       {BPF_FUNC_get_prandom_u32, h_prandom},
    {BPF_FUNC_ktime_get_ns, h_ktime},           {BPF_FUNC_get_smp_processor_id, h_smp},
    {BPF_FUNC_ringbuf_output, h_rb_output},     {BPF_FUNC_ringbuf_reserve, h_reserve},
    {BPF_FUNC_ringbuf_submit, h_submit},        {BPF_FUNC_ringbuf_discard, h_discard},
    {BPF_FUNC_csum_diff, h_csum_diff},          {BPF_FUNC_xdp_adjust_head, h_adjust_head},
    {BPF_FUNC_xdp_adjust_tail, h_adjust_tail},  {BPF_FUNC_skb_pull_data, h_pull_data},
    {BPF_FUNC_skb_load_bytes, h_skb_load},      {BPF_FUNC_xdp_load_bytes, h_xdp_load},
    {BPF_FUNC_probe_read_kernel, h_probe_read}, {H_SETUP, h_setup},
};

/* ================================================================== instrumentation ====== */

struct inst {
    struct bpfrt_insn *v;
    size_t n, cap;
    int32_t *orig; /* new slot -> original pc (-1: inserted) */
};

static void i_put(struct inst *o, struct bpfrt_insn x, int32_t orig)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 512;
        o->v = xrealloc(o->v, o->cap * sizeof(*o->v));
        o->orig = xrealloc(o->orig, o->cap * sizeof(*o->orig));
    }
    o->orig[o->n] = orig;
    o->v[o->n++] = x;
}

static void i_ins(struct inst *o, uint8_t code, int dst, int src, int off, int32_t imm)
{
    struct bpfrt_insn x = {code, (uint8_t)dst, (uint8_t)src, (int16_t)off, imm};
    i_put(o, x, -1);
}

static void i_lddw(struct inst *o, int dst, uint64_t v, int32_t orig)
{
    struct bpfrt_insn a = {BPF_LD | BPF_DW | BPF_IMM, (uint8_t)dst, 0, 0, (int32_t)(uint32_t)v};
    struct bpfrt_insn b = {0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32)};
    i_put(o, a, orig);
    i_put(o, b, orig);
}

static void i_poison_frame(struct inst *o, uint8_t poison)
{
    int32_t p32 = (int32_t)(0x01010101u * poison);
    for (int s = 8; s <= BPFRT_STACK_SIZE; s += 8)
        i_ins(o, BPF_ST | BPF_MEM | BPF_DW, R10, 0, -s, p32);
}

static void i_poison_regs(struct inst *o, uint8_t poison, const int *regs, int n)
{
    for (int i = 0; i < n; i++)
        i_lddw(o, regs[i], 0x0101010101010101ull * poison ^ (uint64_t)regs[i], -1);
}

/* The runnable form of the verified program for world W. Returns 0, or -1 with why. */
static int instrument(const struct bpfrt_insn *in, size_t n, const struct world *w, uint8_t poison,
                      struct inst *o, char *why, size_t whylen)
{
    memset(o, 0, sizeof(*o));
    uint8_t *entry = calloc(n + 1, 1);
    int32_t *pos = xrealloc(NULL, (n + 1) * sizeof(int32_t));
    int32_t *pos_entry = xrealloc(NULL, (n + 1) * sizeof(int32_t));
    int rc = -1;
    for (size_t pc = 0; pc < n; pc++) {
        if (in[pc].code == (BPF_JMP | BPF_CALL) && in[pc].src_reg == BPF_PSEUDO_CALL) {
            int64_t t = (int64_t)pc + 1 + in[pc].imm;
            if (t >= 0 && (size_t)t < n)
                entry[t] = 1;
        }
    }
    static const int main_regs[] = {R0, R2, R3, R4, R5, R6, R7, R8, R9};
    static const int sub_regs[] = {R0, R6, R7, R8, R9};
    static const int call_regs[] = {R1, R2, R3, R4, R5};
    for (size_t pc = 0; pc < n; pc++) {
        pos_entry[pc] = (int32_t)o->n;
        if (pc == 0) {
            i_ins(o, BPF_ALU64 | BPF_X | BPF_MOV, R1, R10, 0, 0);
            i_ins(o, BPF_JMP | BPF_CALL, 0, 0, 0, H_SETUP);
            i_poison_frame(o, poison);
            i_poison_regs(o, poison, main_regs, (int)ARRAY_LEN(main_regs));
            i_lddw(o, R1, (uintptr_t)w->ctx, -1);
        } else if (entry[pc]) {
            i_poison_frame(o, poison);
            i_poison_regs(o, poison, sub_regs, (int)ARRAY_LEN(sub_regs));
        }
        pos[pc] = (int32_t)o->n;
        struct bpfrt_insn x = in[pc];
        if (x.code == (BPF_LD | BPF_DW | BPF_IMM) && pc + 1 < n) {
            uint64_t v = (uint32_t)x.imm | ((uint64_t)(uint32_t)in[pc + 1].imm << 32);
            if (x.src_reg == BPF_PSEUDO_MAP_IDX || x.src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
                uint32_t mi = (uint32_t)x.imm;
                if (mi >= (uint32_t)w->gp->nmaps) {
                    snprintf(why, whylen, "insn %zu: map index %u out of range", pc, mi);
                    goto out;
                }
                const struct wmap *m = &w->maps[mi];
                if (x.src_reg == BPF_PSEUDO_MAP_IDX) {
                    v = (uintptr_t)m;
                } else {
                    uint32_t off = (uint32_t)in[pc + 1].imm;
                    if (!m->vals || off >= m->d->vsz) {
                        snprintf(why, whylen,
                                 "insn %zu: map value reference (%u, +%u) cannot be "
                                 "resolved",
                                 pc, mi, off);
                        goto out;
                    }
                    v = (uintptr_t)(m->vals + off);
                }
            } else if (x.src_reg != 0) {
                snprintf(why, whylen, "insn %zu: lddw kind %u not supported", pc, x.src_reg);
                goto out;
            }
            i_lddw(o, x.dst_reg, v, (int32_t)pc);
            pos[pc + 1] = pos[pc] + 1;
            pos_entry[pc + 1] = pos[pc] + 1;
            pc++;
            continue;
        }
        i_put(o, x, (int32_t)pc);
        if (x.code == (BPF_JMP | BPF_CALL))
            i_poison_regs(o, poison, call_regs, (int)ARRAY_LEN(call_regs));
    }
    pos[n] = (int32_t)o->n;
    /* relink jumps and calls */
    for (size_t pc = 0; pc < n; pc++) {
        struct bpfrt_insn *x = &o->v[pos[pc]];
        uint8_t cls = BPF_CLASS(x->code), op = BPF_OP(x->code);
        if (x->code == (BPF_LD | BPF_DW | BPF_IMM)) {
            pc++;
            continue;
        }
        if (cls != BPF_JMP && cls != BPF_JMP32)
            continue;
        if (op == BPF_EXIT || (op == BPF_CALL && x->src_reg != BPF_PSEUDO_CALL))
            continue;
        bool is_call = op == BPF_CALL, ja32 = cls == BPF_JMP32 && op == BPF_JA;
        int64_t t = (int64_t)pc + 1 + (is_call || ja32 ? in[pc].imm : in[pc].off);
        if (t < 0 || (size_t)t > n) {
            snprintf(why, whylen, "insn %zu: jump out of the program", pc);
            goto out;
        }
        int64_t nt = is_call && t > 0 ? pos_entry[t] : pos[t];
        int64_t rel = nt - pos[pc] - 1;
        if (is_call || ja32)
            x->imm = (int32_t)rel;
        else if (rel < INT16_MIN || rel > INT16_MAX) {
            snprintf(why, whylen, "insn %zu: jump too long after instrumentation", pc);
            goto out;
        } else
            x->off = (int16_t)rel;
    }
    rc = 0;
out:
    free(entry);
    free(pos);
    free(pos_entry);
    if (rc) {
        free(o->v);
        free(o->orig);
        memset(o, 0, sizeof(*o));
    }
    return rc;
}

/* ========================================================================= running ======= */

enum fkind { F_NONE, F_TRAP, F_BUDGET, F_CONTRACT, F_STALE, F_RET, F_LEAK, F_DIFF, F_SETUP };
static const char *const fk_name[] = {
    "none",
    "interpreter trap",
    "instruction budget exhausted (the verifier proves termination)",
    "helper contract broken",
    "access to memory released by a helper (stale pointer)",
    "return value outside the program type's range",
    "reference leaked at exit",
    "output depends on uninitialised memory or on a pointer value",
    "cannot be run",
};

struct failure {
    int kind;
    int world;
    uint64_t input;
    char msg[1200];
};

/* how an accepted program is run: once per input; twice in two worlds (different poison and
 * addresses: the unprivileged verifier accepted it); twice in the same world with different
 * poison and helpers blind to memory contents (accepted privileged only, where helpers may read
 * uninitialised stack and pointers may flow anywhere, but direct reads of uninitialised
 * registers and stack are still refused) */
enum { RUN_SINGLE, RUN_FULL, RUN_PRIV };

struct runner {
    const struct gprog *gp;
    int mode;
    int wi[2]; /* world of each run */
    int nworlds;
    struct bpfrt_vm *vm[2];
    struct inst ins[2];
};

static struct world g_worlds[2];

static void runner_close(struct runner *R)
{
    for (int k = 0; k < 2; k++) {
        bpfrt_vm_destroy(R->vm[k]);
        free(R->ins[k].v);
        free(R->ins[k].orig);
        if (g_worlds[k].gp == R->gp)
            world_unbind(&g_worlds[k]);
        g_worlds[k].blind = false;
    }
    memset(R, 0, sizeof(*R));
}

static int runner_open(struct runner *R, const struct gprog *gp, const struct bpfrt_insn *insns,
                       size_t n, int mode, uint64_t budget, struct failure *f)
{
    memset(R, 0, sizeof(*R));
    R->gp = gp;
    R->mode = mode;
    R->nworlds = mode == RUN_SINGLE ? 1 : 2;
    for (int k = 0; k < R->nworlds; k++) {
        R->wi[k] = mode == RUN_PRIV ? 0 : k;
        struct world *w = &g_worlds[R->wi[k]];
        if (w->gp != gp)
            world_bind(w, gp);
        w->blind = mode == RUN_PRIV;
        char why[200];
        if (instrument(insns, n, w, k ? 0xa5 : 0x5a, &R->ins[k], why, sizeof(why)) != 0) {
            f->kind = F_SETUP;
            snprintf(f->msg, sizeof(f->msg), "cannot instrument the program: %s", why);
            return -1;
        }
        struct bpfrt_diag d;
        R->vm[k] = bpfrt_vm_create(R->ins[k].v, R->ins[k].n, &d);
        if (!R->vm[k]) {
            f->kind = F_SETUP;
            snprintf(f->msg, sizeof(f->msg), "the interpreter refuses the program: %s", d.msg);
            return -1;
        }
        for (size_t i = 0; i < ARRAY_LEN(helper_table); i++)
            bpfrt_vm_set_helper(R->vm[k], (uint32_t)helper_table[i].id, helper_table[i].fn);
        bpfrt_vm_set_budget(R->vm[k], budget);
        const struct ptdesc *pt = gp->pt;
        for (int i = 0; i < pt->nreg; i++)
            bpfrt_vm_grant(R->vm[k], w->ctx + pt->reg[i].off, pt->reg[i].len, pt->reg[i].writable);
        for (int i = 0; i < gp->nmaps; i++)
            if (gp->maps[i].global && w->maps[i].vals)
                bpfrt_vm_grant(R->vm[k], w->maps[i].vals, gp->maps[i].vsz,
                               !(gp->maps[i].flags & BPF_F_RDONLY_PROG));
    }
    return 0;
}

__attribute__((noinline)) static int padded_run(struct bpfrt_vm *vm, size_t pad, uint64_t *r0,
                                                struct bpfrt_diag *d)
{
    /* a different stack depth per world: the program's stack lands at another address */
    uint8_t *p = __builtin_alloca(pad);
    __asm__ volatile("" : : "r"(p) : "memory");
    return bpfrt_vm_run(vm, NULL, 0, r0, d);
}

struct wres {
    int kind;
    char msg[900];
    uint64_t r0;
    uint64_t dig[6]; /* r0, packet, context, maps, ring-buffer output, helper calls */
};

static const char *const dig_name[6] = {
    "r0", "packet", "context", "maps", "ring-buffer output", "helper calls"};

static void world_digest(const struct world *w, int rc, uint64_t r0, uint64_t *dig)
{
    const struct gprog *gp = w->gp;
    const struct ptdesc *pt = gp->pt;
    dig[0] = fnv64(fnv64(FNV_BASIS, (uint64_t)rc), rc == 0 ? r0 : 0);
    uint64_t h = FNV_BASIS;
    if (pt->pkt) {
        const uint8_t *b = w->pk[w->active];
        h = fnv64(h, (uint64_t)(w->data - b));
        h = fnv64(h, (uint64_t)(w->data - w->meta));
        h = fnv64(h, (uint64_t)(w->data_end - w->data));
        h = fnv(h, w->meta, (size_t)(w->data_end - w->meta));
    }
    dig[1] = h;
    uint8_t c[256];
    memcpy(c, w->ctx, sizeof(c));
    if (pt->pkt) {
        memset(c + pt->data_off, 0, 4);
        memset(c + pt->end_off, 0, 4);
        if (pt->meta_off >= 0)
            memset(c + pt->meta_off, 0, 4);
    }
    dig[2] = fnv(FNV_BASIS, c, sizeof(c));
    h = FNV_BASIS;
    for (int i = 0; i < gp->nmaps; i++) {
        const struct wmap *m = &w->maps[i];
        if (!m->vals)
            continue;
        h = fnv(h, m->present, sizeof(m->present));
        h = fnv(h, m->keys, sizeof(m->keys));
        h = fnv(h, m->vals, (size_t)m->d->max * STRIDE(m->d));
    }
    dig[3] = h;
    dig[4] = w->out;
    dig[5] = w->trace;
}

/* "insn N (...)" of the instrumented program -> the same text with the original pc */
static void translate_diag(const struct inst *ins, const char *d, char *out, size_t len)
{
    size_t pc;
    const char *p = strstr(d, "insn ");
    if (p && sscanf(p, "insn %zu", &pc) == 1 && pc < ins->n) {
        int32_t o = ins->orig[pc];
        int32_t prev = -1;
        for (size_t i = pc; i-- > 0 && prev < 0;)
            prev = ins->orig[i];
        if (o >= 0)
            snprintf(out, len, "at original insn %d: %s", o, d);
        else
            snprintf(out, len, "in the harness's instrumentation (after original insn %d): %s",
                     prev, d);
        return;
    }
    snprintf(out, len, "%s", d);
}

static void run_world(struct runner *R, int k, uint64_t seed, struct wres *res)
{
    struct world *w = &g_worlds[R->wi[k]];
    world_reset(w, seed);
    struct bpfrt_diag d;
    d.msg[0] = '\0';
    uint64_t r0 = 0;
    volatile int rc = 0;
    cur_w = w;
    w->in_run = 1;
    if (sigsetjmp(w->jb, 1) == 0)
        rc = padded_run(R->vm[k], R->mode == RUN_FULL && k ? 4096 + 48 : 16, &r0, &d);
    else
        rc = -2;
    w->in_run = 0;
    cur_w = NULL;
    memset(res, 0, sizeof(*res));
    res->r0 = r0;
    const struct ptdesc *pt = R->gp->pt;
    if (w->failed) {
        res->kind = F_CONTRACT;
        snprintf(res->msg, sizeof(res->msg), "%s", w->fail);
    } else if (rc == -2) {
        res->kind = F_STALE;
        snprintf(res->msg, sizeof(res->msg), "access to 0x%llx, in a %s",
                 (unsigned long long)w->segv_addr,
                 in_pages(w->segv_addr, w->recs, NREC * PAGE)
                     ? "ring-buffer record already submitted or discarded"
                     : "packet buffer a helper moved the packet away from");
    } else if (rc != 0) {
        res->kind = strstr(d.msg, "budget") ? F_BUDGET : F_TRAP;
        translate_diag(&R->ins[k], d.msg, res->msg, sizeof(res->msg));
    } else {
        for (int i = 0; i < NREC; i++)
            if (w->rstate[i] == 1) {
                res->kind = F_LEAK;
                snprintf(res->msg, sizeof(res->msg),
                         "ring-buffer record %d still reserved when the program exited", i);
            }
        if (!res->kind && pt->ret_checked &&
            ((int64_t)r0 < pt->ret_min || (int64_t)r0 > pt->ret_max)) {
            res->kind = F_RET;
            snprintf(res->msg, sizeof(res->msg), "returned %lld, allowed [%lld, %lld]",
                     (long long)r0, (long long)pt->ret_min, (long long)pt->ret_max);
        }
    }
    if (rc == 0 || rc == -1)
        world_digest(w, rc, r0, res->dig);
    /* make everything accessible again (the next run or the digest of another world) */
    mprotect(w->recs, NREC * PAGE, PROT_READ | PROT_WRITE);
}

static uint64_t g_world_runs;

/* Runs input SEED; returns true (and fills F) on a failure. */
static bool run_input(struct runner *R, uint64_t seed, struct failure *f)
{
    struct wres res[2];
    for (int k = 0; k < R->nworlds; k++) {
        run_world(R, k, seed, &res[k]);
        g_world_runs++;
        if (res[k].kind) {
            f->kind = res[k].kind;
            f->world = k;
            f->input = seed;
            snprintf(f->msg, sizeof(f->msg), "%s", res[k].msg);
            return true;
        }
    }
    if (R->nworlds == 2) {
        const char *how = R->mode == RUN_FULL
                              ? "different poison in uninitialised registers and stack, "
                                "different addresses"
                              : "privileged: different poison in uninitialised registers and "
                                "stack, same addresses, helpers blind to memory contents";
        for (int i = 0; i < 6; i++)
            if (res[0].dig[i] != res[1].dig[i]) {
                f->kind = F_DIFF;
                f->world = 0;
                f->input = seed;
                if (i == 0)
                    snprintf(f->msg, sizeof(f->msg), "the two runs (%s) returned 0x%llx and 0x%llx",
                             how, (unsigned long long)res[0].r0, (unsigned long long)res[1].r0);
                else
                    snprintf(f->msg, sizeof(f->msg),
                             "the two runs (%s) left different %s (r0 0x%llx / 0x%llx)", how,
                             dig_name[i], (unsigned long long)res[0].r0,
                             (unsigned long long)res[1].r0);
                return true;
            }
    }
    return false;
}

static uint64_t budget_for(uint64_t processed)
{
    return 200000 + 100 * processed;
}

/* Runs RUNS inputs; returns true on the first failure. */
static bool run_program(const struct gprog *gp, const struct bpfrt_insn *insns, size_t n, int mode,
                        uint64_t processed, int runs, uint64_t pseed, struct failure *f)
{
    struct runner R;
    memset(f, 0, sizeof(*f));
    if (runner_open(&R, gp, insns, n, mode, budget_for(processed), f) != 0) {
        runner_close(&R);
        return true;
    }
    bool failed = false;
    for (int i = 0; i < runs && !failed; i++)
        failed = run_input(&R, mix64(pseed, 1000 + (uint64_t)i), f);
    runner_close(&R);
    return failed;
}

/* ====================================================================== verification ===== */

static uint64_t g_insn_limit = 25000;

static int verify(const struct gprog *gp, const struct bpfrt_insn *insns, size_t n, bool unpriv,
                  struct bpfrt_verify_result *res)
{
    struct bpfrt_map_spec specs[MAXMAPS];
    memset(specs, 0, sizeof(specs));
    for (int i = 0; i < gp->nmaps; i++) {
        const struct mdesc *m = &gp->maps[i];
        specs[i].name = (char *)m->name;
        specs[i].type = m->type;
        specs[i].key_size = m->ksz;
        specs[i].value_size = m->vsz;
        specs[i].max_entries = m->max;
        specs[i].map_flags = m->flags;
        specs[i].inner_map = -1;
        if (m->global) {
            specs[i].origin = BPFRT_MAP_GLOBAL_DATA;
            specs[i].section = (char *)(m->flags & BPF_F_RDONLY_PROG ? ".rodata" : ".bss");
            if (m->flags & BPF_F_RDONLY_PROG) {
                specs[i].initial = (uint8_t *)m->init;
                specs[i].initial_size = m->vsz;
            }
        }
    }
    struct bpfrt_verify_opts o;
    memset(&o, 0, sizeof(o));
    o.sz = sizeof(o);
    o.set_type = true;
    o.prog_type = gp->pt->type;
    o.attach_type = gp->pt->attach;
    o.unprivileged = unpriv;
    o.gpl = true;
    o.insn_limit = g_insn_limit;
    memset(res, 0, sizeof(*res));
    return bpfrt_verify_insns(insns, n, specs, (size_t)gp->nmaps, &o, res);
}

/* ========================================================================= reporting ====== */

static void print_prog(FILE *o, const struct gprog *gp, const struct bpfrt_insn *v, size_t n)
{
    fprintf(o, "-- type %s\n", gp->pt->name);
    for (int i = 0; i < gp->nmaps; i++) {
        const struct mdesc *m = &gp->maps[i];
        fprintf(o, "-- map %s %s %u %u %u", m->name, bpfrt_map_type_name(m->type), m->ksz, m->vsz,
                m->max);
        if (m->flags)
            fprintf(o, " %x", m->flags);
        fprintf(o, "\n");
        if (m->flags & BPF_F_RDONLY_PROG) {
            fprintf(o, "# %s contents (u32):", m->name);
            for (uint32_t b = 0; b < m->vsz; b += 4) {
                uint32_t x;
                memcpy(&x, m->init + b, 4);
                fprintf(o, " %u", x);
            }
            fprintf(o, "\n");
        }
    }
    fprintf(o, "-- asm\n");
    char buf[160];
    for (size_t pc = 0; pc < n;) {
        int s = bpfrt_disasm_insn(v, n, pc, buf, sizeof(buf));
        fprintf(o, "    %-44s # %zu\n", buf, pc);
        pc += s > 0 ? (size_t)s : 1;
    }
}

static void print_input(FILE *o, const struct gprog *gp, uint64_t seed)
{
    struct world *w = &g_worlds[0];
    world_bind(w, gp);
    world_reset(w, seed);
    const struct ptdesc *pt = gp->pt;
    fprintf(o, "input 0x%016llx:", (unsigned long long)seed);
    if (pt->pkt) {
        long len = w->data_end - w->data;
        fprintf(o, " packet %ld bytes (metadata %ld):", len, (long)(w->data - w->meta));
        for (long i = 0; i < len && i < 48; i++)
            fprintf(o, "%s%02x", i % 4 ? "" : " ", w->data[i]);
        if (len > 48)
            fprintf(o, " ...");
    }
    fprintf(o, "\n  context fields:");
    for (int i = 0; i < pt->nrd; i++) {
        uint64_t v = 0;
        memcpy(&v, w->ctx + pt->rd[i].off, pt->rd[i].size);
        fprintf(o, " [%u]=0x%llx", pt->rd[i].off, (unsigned long long)v);
    }
    fprintf(o, "\n");
    for (int i = 0; i < gp->nmaps; i++) {
        const struct wmap *m = &w->maps[i];
        if (!m->vals)
            continue;
        fprintf(o, "  map %s:", m->d->name);
        for (uint32_t e = 0; e < m->d->max; e++) {
            if (m->d->type == BPF_MAP_TYPE_HASH) {
                if (!m->present[e])
                    continue;
                uint32_t k;
                memcpy(&k, m->keys[e], 4);
                fprintf(o, " key %u=", k);
            } else {
                fprintf(o, " [%u]=", e);
            }
            for (uint32_t b = 0; b < m->d->vsz && b < 16; b++)
                fprintf(o, "%02x", m->vals[(size_t)e * STRIDE(m->d) + b]);
            if (m->d->vsz > 16)
                fprintf(o, "..");
        }
        fprintf(o, "\n");
    }
    world_unbind(w);
}

/* ====================================================================== minimization ====== */

static bool still_fails(const struct gprog *gp, const struct bpfrt_insn *v, size_t n, int mode,
                        uint64_t input, int kind, struct bpfrt_verify_result *res)
{
    if (verify(gp, v, n, false, res) != 0)
        return false;
    uint64_t processed = res->stats.insns_processed;
    if (mode == RUN_FULL && verify(gp, v, n, true, res) != 0)
        return false;
    struct runner R;
    struct failure f;
    memset(&f, 0, sizeof(f));
    bool failed = false;
    if (runner_open(&R, gp, v, n, mode, budget_for(processed), &f) == 0)
        failed = run_input(&R, input, &f) && f.kind == kind;
    runner_close(&R);
    return failed;
}

static bool is_nop(const struct bpfrt_insn *x)
{
    return x->code == (BPF_JMP | BPF_JA) && x->off == 0 && x->imm == 0;
}

/* Drops the `ja +0` slots, relinking jumps. */
static size_t compact(struct bpfrt_insn *v, size_t n)
{
    int32_t *pos = xrealloc(NULL, (n + 1) * sizeof(int32_t));
    size_t k = 0;
    for (size_t pc = 0; pc < n; pc++) {
        pos[pc] = (int32_t)k;
        if (!is_nop(&v[pc]))
            k++;
    }
    pos[n] = (int32_t)k;
    struct bpfrt_insn *o = xrealloc(NULL, (k ? k : 1) * sizeof(*o));
    k = 0;
    for (size_t pc = 0; pc < n; pc++) {
        struct bpfrt_insn x = v[pc];
        if (x.code == (BPF_LD | BPF_DW | BPF_IMM) && pc + 1 < n) {
            o[k++] = x;
            o[k++] = v[++pc];
            continue;
        }
        if (is_nop(&x))
            continue;
        uint8_t cls = BPF_CLASS(x.code), op = BPF_OP(x.code);
        if ((cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_EXIT &&
            !(op == BPF_CALL && x.src_reg != BPF_PSEUDO_CALL)) {
            bool wide = op == BPF_CALL || (cls == BPF_JMP32 && op == BPF_JA);
            int64_t t = (int64_t)pc + 1 + (wide ? x.imm : x.off);
            if (t >= 0 && (size_t)t <= n) {
                int64_t rel = pos[t] - pos[pc] - 1;
                if (wide)
                    x.imm = (int32_t)rel;
                else
                    x.off = (int16_t)rel;
            }
        }
        o[k++] = x;
    }
    memcpy(v, o, k * sizeof(*o));
    free(o);
    free(pos);
    return k;
}

/* Shrinks a failing program: instructions become `ja +0` while the verifier still accepts it and
 * the same input still fails the same way; then the no-ops go. */
static size_t minimize(const struct gprog *gp, struct bpfrt_insn *v, size_t n, int mode,
                       uint64_t input, int kind)
{
    struct bpfrt_verify_result *res = malloc(sizeof(*res));
    const struct bpfrt_insn nop = {BPF_JMP | BPF_JA, 0, 0, 0, 0};
    bool changed = true;
    for (int pass = 0; changed && pass < 4; pass++) {
        changed = false;
        uint8_t *start = calloc(n, 1);
        for (size_t i = 0; i < n; i += v[i].code == (BPF_LD | BPF_DW | BPF_IMM) ? 2 : 1)
            start[i] = 1;
        for (size_t i = n; i-- > 0;) {
            if (!start[i] || is_nop(&v[i]))
                continue;
            bool wide = v[i].code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < n;
            struct bpfrt_insn s0 = v[i], s1 = wide ? v[i + 1] : nop;
            v[i] = nop;
            if (wide)
                v[i + 1] = nop;
            if (still_fails(gp, v, n, mode, input, kind, res)) {
                changed = true;
            } else {
                v[i] = s0;
                if (wide)
                    v[i + 1] = s1;
            }
        }
        free(start);
    }
    struct bpfrt_insn *c = xrealloc(NULL, n * sizeof(*c));
    memcpy(c, v, n * sizeof(*c));
    size_t k = compact(c, n);
    if (k > 0 && still_fails(gp, c, k, mode, input, kind, res)) {
        memcpy(v, c, k * sizeof(*c));
        n = k;
    }
    free(c);
    free(res);
    return n;
}

/* ====================================================================== statistics ======== */

struct cat {
    char key[100];
    uint64_t count;
    uint64_t seed; /* the shortest example */
    size_t n;
    char reason[1600];
};

static struct cat cats[256];
static int ncats;

static void normalize(const char *in, char *out, size_t len)
{
    size_t k = 0;
    for (const char *p = in; *p && k + 1 < len && k < 90; p++) {
        if ((*p >= '0' && *p <= '9') || (*p == '-' && p[1] >= '0' && p[1] <= '9')) {
            if (k == 0 || out[k - 1] != '#')
                out[k++] = '#';
            continue;
        }
        out[k++] = *p;
    }
    out[k] = '\0';
}

static void add_cat(const char *reason, uint64_t seed, size_t n)
{
    char key[100];
    normalize(reason, key, sizeof(key));
    for (int i = 0; i < ncats; i++)
        if (strcmp(cats[i].key, key) == 0) {
            cats[i].count++;
            if (n < cats[i].n) {
                cats[i].n = n;
                cats[i].seed = seed;
                snprintf(cats[i].reason, sizeof(cats[i].reason), "%s", reason);
            }
            return;
        }
    if (ncats == (int)ARRAY_LEN(cats))
        return;
    struct cat *c = &cats[ncats++];
    snprintf(c->key, sizeof(c->key), "%s", key);
    snprintf(c->reason, sizeof(c->reason), "%s", reason);
    c->count = 1;
    c->seed = seed;
    c->n = n;
}

/* failures on accepted programs, grouped by their message with the numbers taken out */
struct fsig {
    char key[160];
    uint64_t count;
    long first; /* program index */
};
static struct fsig fsigs[128];
static int nfsigs;

static void add_fsig(int kind, const char *msg, long idx)
{
    char key[160], norm[130];
    const char *m = msg;
    const char *at = strstr(msg, "): ");
    if (strncmp(msg, "at original insn", 16) == 0 && at)
        m = at + 3; /* the reason after the instruction */
    size_t k = 0;
    for (const char *p = m; *p && k + 1 < sizeof(norm); p++) {
        if (p[0] == '0' && p[1] == 'x') {
            p++;
            while (p[1] && strchr("0123456789abcdef", p[1]))
                p++;
            norm[k++] = 'X';
        } else if (*p >= '0' && *p <= '9') {
            while (p[1] >= '0' && p[1] <= '9')
                p++;
            norm[k++] = 'N';
        } else {
            norm[k++] = *p;
        }
    }
    norm[k] = '\0';
    snprintf(key, sizeof(key), "%s: %s", kind == F_TRAP ? "trap" : fk_name[kind], norm);
    for (int i = 0; i < nfsigs; i++)
        if (strcmp(fsigs[i].key, key) == 0) {
            fsigs[i].count++;
            return;
        }
    if (nfsigs == (int)ARRAY_LEN(fsigs))
        return;
    snprintf(fsigs[nfsigs].key, sizeof(fsigs[nfsigs].key), "%s", key);
    fsigs[nfsigs].count = 1;
    fsigs[nfsigs++].first = idx;
}

/* per injected mistake: programs that contain it, and how many of those were accepted */
struct mstat {
    char name[80];
    uint64_t gen, acc;
};
static struct mstat mstats[128];
static int nmstats;

static void add_mistakes(const char *bugs, bool accepted)
{
    const char *p = bugs;
    while (*p) {
        const char *e = strstr(p, "; ");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char name[80];
        snprintf(name, sizeof(name), "%.*s", (int)(len < 79 ? len : 79), p);
        int i;
        for (i = 0; i < nmstats; i++)
            if (strcmp(mstats[i].name, name) == 0)
                break;
        if (i == nmstats && nmstats < (int)ARRAY_LEN(mstats))
            snprintf(mstats[nmstats++].name, sizeof(mstats[0].name), "%s", name);
        if (i < nmstats) {
            mstats[i].gen++;
            mstats[i].acc += accepted;
        }
        p += len;
        if (e)
            p += 2;
    }
}

static int cat_cmp(const void *a, const void *b)
{
    const struct cat *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

struct stats {
    uint64_t gen, acc_p, acc_u, rej, err, inconsistent, fails, setup;
    uint64_t clean, clean_acc, clean_rej_unsafe, clean_rej_imprecise;
    uint64_t buggy, buggy_acc, rej_unsafe;
    uint64_t type_gen[4], type_acc[4];
    uint64_t sn_gen[S_COUNT], sn_acc[S_COUNT];
    uint64_t processed;
};

/* ======================================================================= self-test ======== */

struct selfcase {
    const char *name;
    int type;   /* index in ptypes */
    int expect; /* failure kind, or F_NONE: must run cleanly */
    const char *text;
};

static const struct selfcase self_cases[] = {
    {"map value used without a NULL check", 0, F_TRAP,
     "stw [%r10-4], 7\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_by_idx(0)\ncall 1\n"
     "ldxdw %r0, [%r0+0]\nexit\n"},
    {"packet read past the end", 0, F_TRAP, "ldxw %r2, [%r1+0]\nldxb %r0, [%r2+100]\nexit\n"},
    {"uninitialised stack read", 3, F_DIFF, "ldxdw %r0, [%r10-8]\nexit\n"},
    {"uninitialised register read", 3, F_DIFF, "mov %r0, %r7\nexit\n"},
    {"pointer returned", 3, F_DIFF, "mov %r0, %r10\nexit\n"},
    {"endless loop", 3, F_BUDGET, "mov %r0, 0\nl:\nadd %r0, 1\njne %r0, 0, l\nexit\n"},
    {"store to a read-only context field", 0, F_TRAP, "stw [%r1+12], 1\nmov %r0, 2\nexit\n"},
    {"context load across two fields", 0, F_TRAP, "ldxdw %r0, [%r1+12]\nexit\n"},
    {"context field the type may not read", 0, F_TRAP, "ldxw %r0, [%r1+20]\nexit\n"},
    {"ring-buffer record leaked", 3, F_LEAK,
     "lddw %r1, map_by_idx(2)\nmov %r2, 8\nmov %r3, 0\ncall 131\nmov %r0, 0\nexit\n"},
    {"ring-buffer record written after submit", 3, F_STALE,
     "lddw %r1, map_by_idx(2)\nmov %r2, 8\nmov %r3, 0\ncall 131\njeq %r0, 0, out\n"
     "mov %r6, %r0\nmov %r1, %r0\nmov %r2, 0\ncall 132\nstdw [%r6+0], 1\nout:\nmov %r0, 0\n"
     "exit\n"},
    {"ring-buffer record submitted twice", 3, F_CONTRACT,
     "lddw %r1, map_by_idx(2)\nmov %r2, 8\nmov %r3, 0\ncall 131\njeq %r0, 0, out\n"
     "mov %r6, %r0\nmov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r1, %r6\nmov %r2, 0\ncall 132\n"
     "out:\nmov %r0, 0\nexit\n"},
    {"packet pointer used after xdp_adjust_head", 0, F_STALE,
     "mov %r6, %r1\nldxw %r7, [%r6+0]\nldxw %r8, [%r6+4]\nmov %r2, %r7\nadd %r2, 1\n"
     "jgt %r2, %r8, out\nmov %r1, %r6\nmov %r2, -4\ncall 44\nldxb %r0, [%r7+0]\nexit\nout:\n"
     "mov %r0, 0\nexit\n"},
    {"map key above the stack top", 3, F_CONTRACT,
     "mov %r2, %r10\nlddw %r1, map_by_idx(0)\ncall 1\nmov %r0, 0\nexit\n"},
    {"map key uninitialised", 3, F_DIFF,
     "mov %r2, %r10\nadd %r2, -8\nlddw %r1, map_by_idx(0)\ncall 1\nmov %r0, 0\nexit\n"},
    {"map value read past its end", 3, F_TRAP,
     "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_by_idx(1)\ncall 1\n"
     "jeq %r0, 0, out\nldxb %r0, [%r0+16]\nexit\nout:\nmov %r0, 0\nexit\n"},
    {"return value out of range", 2, F_RET, "mov %r0, 2\nexit\n"},
    {"store into a read-only packet", 2, F_TRAP,
     "ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r4, %r2\nadd %r4, 1\njgt %r4, %r3, out\n"
     "stb [%r2+0], 1\nout:\nmov %r0, 1\nexit\n"},
    {"callee's stack used after it returned", 3, F_TRAP,
     "call local f\nldxdw %r0, [%r0+0]\nexit\nf:\nmov %r0, %r10\nadd %r0, -8\n"
     "stdw [%r0+0], 7\nexit\n"},
    {"callee reads r6 before writing it", 3, F_DIFF,
     "mov %r6, 5\nmov %r1, 1\ncall local f\nexit\nf:\nmov %r0, %r6\nexit\n"},
    {"caller registers after a call", 3, F_DIFF,
     "mov %r3, 5\ncall local f\nmov %r0, %r3\nexit\nf:\nmov %r0, 1\nexit\n"},
    /* safe programs: the harness must not complain */
    {"safe: packet access after a check", 0, F_NONE,
     "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 14\njgt %r4, %r3, drop\n"
     "ldxb %r0, [%r2+13]\nstb [%r2+0], 1\nexit\ndrop:\nmov %r0, 1\nexit\n"},
    {"safe: map lookup and update", 0, F_NONE,
     "stw [%r10-4], 3\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_by_idx(0)\ncall 1\n"
     "jeq %r0, 0, out\nldxdw %r6, [%r0+8]\nstxdw [%r0+0], %r6\nlock add [%r0+8], %r6\nout:\n"
     "stdw [%r10-24], 1\nstdw [%r10-16], 2\nlddw %r1, map_by_idx(0)\nmov %r2, %r10\n"
     "add %r2, -4\nmov %r3, %r10\nadd %r3, -24\nmov %r4, 0\ncall 2\nmov %r0, 0\nexit\n"},
    {"safe: spill, fill, call", 3, F_NONE,
     "stdw [%r10-8], 4\nmov %r1, %r10\nadd %r1, -8\nmov %r2, 8\ncall local sum\n"
     "stxdw [%r10-16], %r0\nldxdw %r0, [%r10-16]\nexit\nsum:\nmov %r0, 0\nmov %r3, 0\n"
     "loop:\njge %r3, %r2, done\nmov %r4, %r1\nadd %r4, %r3\nldxb %r5, [%r4+0]\n"
     "add %r0, %r5\nadd %r3, 1\nja loop\ndone:\nexit\n"},
    {"safe: ring-buffer record", 3, F_NONE,
     "lddw %r1, map_by_idx(2)\nmov %r2, 16\nmov %r3, 0\ncall 131\njeq %r0, 0, out\n"
     "stdw [%r0+8], 1\nmov %r1, %r0\nmov %r2, 0\ncall 132\nout:\nmov %r0, 0\nexit\n"},
    {"safe: adjust_head then reload", 0, F_NONE,
     "mov %r6, %r1\nmov %r2, -8\ncall 44\nldxw %r7, [%r6+0]\nldxw %r8, [%r6+4]\n"
     "mov %r2, %r7\nadd %r2, 8\njgt %r2, %r8, out\nldxdw %r0, [%r7+0]\nstb [%r7+1], 2\nexit\n"
     "out:\nmov %r0, 2\nexit\n"},
    {"safe: load_bytes into the stack", 1, F_NONE,
     "mov %r6, %r1\nmov %r2, 2\nmov %r3, %r10\nadd %r3, -16\nmov %r4, 16\ncall 26\n"
     "ldxdw %r0, [%r10-8]\nldxdw %r1, [%r10-16]\nadd %r0, %r1\nexit\n"},
};

static void self_maps(struct gprog *gp, int type)
{
    memset(gp, 0, sizeof(*gp));
    gp->pt = &ptypes[type];
    gp->nmaps = 3;
    struct mdesc *m = gp->maps;
    m[0] = (struct mdesc){BPF_MAP_TYPE_HASH, 4, 16, 4, 0, false, {0}, "hmap"};
    m[1] = (struct mdesc){BPF_MAP_TYPE_ARRAY, 4, 16, 2, 0, false, {0}, "amap"};
    m[2] = (struct mdesc){BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, false, {0}, "rb"};
}

static void self_test(int nprog, uint64_t seed)
{
    printf("self-test: hand-written programs run without the verifier\n");
    for (size_t i = 0; i < ARRAY_LEN(self_cases); i++) {
        const struct selfcase *c = &self_cases[i];
        struct gprog gp;
        self_maps(&gp, c->type);
        struct bpfrt_insn *v;
        size_t n;
        struct bpfrt_diag d;
        if (!CHECK(bpfrt_asm(c->text, c->name, &v, &n, &d) == 0, "self-test '%s': %s", c->name,
                   d.msg))
            continue;
        struct failure f;
        bool failed = run_program(&gp, v, n, RUN_FULL, 1000, 40, mix64(seed, i), &f);
        if (c->expect == F_NONE)
            CHECK(!failed, "self-test '%s': the harness reports a safe program: %s: %s", c->name,
                  fk_name[f.kind], f.msg);
        else
            CHECK(failed && f.kind == c->expect, "self-test '%s': expected '%s', got %s%s%s",
                  c->name, fk_name[c->expect], failed ? fk_name[f.kind] : "no failure",
                  failed ? ": " : "", failed ? f.msg : "");
        printf("  %-46s %s\n", c->name, failed ? fk_name[f.kind] : "runs cleanly");
        free(v);
    }
    /* generated programs with mistakes, run as if accepted: most must fail */
    int with_bugs = 0, caught = 0, clean = 0, clean_failed = 0;
    for (int i = 0; i < nprog; i++) {
        struct gprog gp;
        bool bugs = i % 4 != 0;
        if (gen_program(mix64(seed ^ 0x5e1f, (uint64_t)i), bugs ? 30 : 0, -1, &gp) != 0)
            continue;
        struct failure f;
        bool failed = run_program(&gp, gp.insns, gp.n, RUN_FULL, 20000, 24, gp.seed, &f);
        if (failed && f.kind == F_SETUP) {
            printf("  note: a generated program cannot be run: %s\n", f.msg);
            failed = false;
        }
        if (gp.nbugs) {
            with_bugs++;
            caught += failed;
        } else {
            clean++;
            clean_failed += failed;
            if (failed && clean_failed <= 3) {
                printf("  note: a generated program without injected mistakes fails when run "
                       "unverified (%s: %s); the verifier must reject it:\n",
                       fk_name[f.kind], f.msg);
                print_prog(stdout, &gp, gp.insns, gp.n);
            }
        }
        free(gp.insns);
    }
    double rate = with_bugs ? (double)caught / with_bugs : 0;
    printf("self-test: %d generated programs with injected mistakes run unverified: %d (%.0f%%) "
           "fail at run time; %d without mistakes: %d fail\n",
           with_bugs, caught, 100 * rate, clean, clean_failed);
    CHECK(with_bugs == 0 || rate >= 0.25,
          "self-test: only %.0f%% of unsafe generated programs fail when run without the "
          "verifier: an accept-everything verifier would not be noticed",
          100 * rate);
}

/* ============================================================= kernel differential ======== */

/* --kernel-diff: every generated program is also loaded into the host kernel with
 * bpf(BPF_PROG_LOAD) (raw syscall, privileged, license "GPL", the same program type; unspec
 * becomes kprobe, whose context, struct pt_regs, is 168 read-only bytes of scalars like the
 * harness's), and the kernel's verdict is compared with bpfrt's privileged one (bpfrt's default
 * mode is Linux's root view). Kernel maps matching the harness's map specs are created on first
 * use and shared by the programs of the run (a read-only map is filled and frozen, so both
 * verifiers know its contents); the program's map references (lddw src 5/6, map_by_idx and
 * map_val_by_idx) become BPF_PSEUDO_MAP_FD / BPF_PSEUDO_MAP_VALUE with the kernel's fds.
 *
 * Disagreements are grouped by the rejecting side's reason with the numbers taken out (for the
 * kernel: the last line of its log before the statistics), each group with its count and its
 * smallest program as a reproducer. bpfrt accepting what the kernel rejects fails the run unless
 * the kernel's reason is a documented difference (kd_allow). The kernel accepting what bpfrt
 * rejects is imprecision and only reported; rejections only because bpfrt's instruction budget
 * ran out (--insn-limit, 25000 here, where Linux's is 1M) are counted apart. Unprivileged
 * verdicts are not compared: the harness runs as root. */

/* What the kernel's log must show for an allowlist entry to apply (kd_evidence): the
 * difference the entry names, on the path the kernel reports, reaching the failing instruction.
 * The log (level 1) lists the instructions the kernel walked; a register is followed through
 * moves and ALU operations (not through the stack), over every path in the log at once. */
enum {
    EV_NONE,    /* the reason alone */
    EV_DIVMOD,  /* a div/mod or variable shift result flows into the failing instruction */
    EV_PTRSUB,  /* a pointer minus a variable number is used by the failing instruction */
    EV_PKTLEN,  /* the path computes data_end - data */
    EV_VOIDRET, /* r0 at the failing exit comes from bpf_tail_call */
    EV_STKBYTE, /* a narrow load from the stack flows into the failing instruction */
    EV_PKTMAX,  /* a packet pointer's fixed plus largest variable offset exceeds 65535 */
};

/* Kernel rejections bpfrt accepts on purpose (docs/verifier.md, "Differential test against the
 * Linux kernel"): the harness's type (NULL: any), a substring of the kernel's reason ("": any),
 * the evidence the log must show, and why the difference is deliberate. */
static const struct {
    const char *type, *reason;
    int evidence;
    const char *why;
} kd_allow[] = {
    {NULL, "misaligned stack access", EV_NONE,
     "Linux requires naturally aligned stack accesses (for its spill tracking); bpfrt tracks stack "
     "bytes one by one and refuses only misaligned pointer spills (RFC 9669 has no alignment "
     "rule)"},
    {"unspec", "program of this type cannot use helper", EV_NONE,
     "bpfrt's unspec may call every helper (verifier.md 3.10); kprobe, its kernel stand-in here, "
     "lacks the skb/xdp helpers (bpf_csum_diff)"},
    {NULL, "offset is outside of the packet", EV_PKTLEN,
     "bpfrt links data_end - data to the packet, so a bound on the length proves access "
     "(verifier.md 3.6); Linux keeps no link"},
    {NULL, "", EV_DIVMOD,
     "Linux 6.18 gives div/mod results and shifts by a register no bounds (scalar()); bpfrt "
     "bounds them (x % k < k, x >> [0,7] <= x), so values computed with them are proven in "
     "bpfrt only"},
    {NULL, "unbounded memory access", EV_PTRSUB,
     "pointer minus a bounded variable: Linux loses the unsigned bound of the variable offset and "
     "refuses; bpfrt checks off + var against the region for every value (verifier.md 3.7)"},
    {NULL, "", EV_STKBYTE,
     "bpfrt gives a narrow load from a spilled constant its bytes (verifier.md 3.4); Linux 6.18 "
     "gives an unknown number when the load is not at the start of the slot"},
    {NULL, "R0 !read_ok", EV_VOIDRET,
     "bpf_tail_call returns an error when no tail call happens (the UAPI, and bpfrt's runtime); "
     "Linux declares it void and marks r0 uninitialised (verifier.md 3.12)"},
    {NULL, "offset is outside of the packet", EV_PKTMAX,
     "Linux learns no range from a comparison when the pointer's largest variable offset plus "
     "its fixed offset exceeds MAX_PACKET_OFF (65535); bpfrt bounds each offset by 65535 and "
     "proves the bytes the comparison covers (64-bit arithmetic cannot wrap there; verifier.md "
     "3.6)"},
};

enum { KD_BOTH_ACC, KD_BOTH_REJ, KD_KONLY, KD_BUDGET, KD_BONLY, KD_ERR, KD_NCLASS };
static const char *const kd_name[KD_NCLASS] = {
    "both accept",
    "both reject",
    "kernel-only accept (bpfrt imprecision or a stricter rule)",
    "kernel-only accept, bpfrt's instruction budget ran out (bpfrt budget)",
    "bpfrt-only accept (soundness question or documented difference)",
    "could not be compared (setup error or bpfrt cannot check the program)",
};

struct kverdict {
    bool accepted;
    int err;          /* errno of a rejected load */
    char reason[300]; /* the kernel's reason, or the setup error */
};

/* one kind of disagreement: the class and the rejecting side's reason without its numbers */
struct kgroup {
    int cls;
    char key[100];
    char reason[300]; /* the reason of the smallest program */
    uint64_t count;
    long idx;  /* the smallest program: its index in the run, */
    size_t n;  /* and its slots */
    int allow; /* bpfrt-only accepts: the kd_allow entry, or -1 */
};

static struct kgroup kgroups[512];
static int nkgroups;
static uint64_t kd_count[KD_NCLASS], kd_lost[KD_NCLASS]; /* lost: no group slot left */

static char *k_log;    /* the log of the last load made with a log */
static size_t k_logsz; /* its buffer size */

static long k_bpf(int cmd, union bpf_attr *attr)
{
    return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* Whether the kernel lets us load programs: 0, or the errno of a trivial socket filter. */
static int kernel_probe(void)
{
    struct bpf_insn in[2] = {{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
                             {.code = BPF_JMP | BPF_EXIT}};
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    a.insns = (uintptr_t)in;
    a.insn_cnt = 2;
    a.license = (uintptr_t) "GPL";
    long fd = k_bpf(BPF_PROG_LOAD, &a);
    if (fd < 0)
        return errno;
    close((int)fd);
    return 0;
}

/* ---- kernel maps, created on first use and kept for the run ---- */

struct kmap {
    struct mdesc d;
    int fd;
};
static struct kmap kmaps[2048];
static int nkmaps;

static bool kmap_same(const struct mdesc *a, const struct mdesc *b)
{
    if (a->type != b->type || a->ksz != b->ksz || a->vsz != b->vsz || a->max != b->max ||
        a->flags != b->flags)
        return false;
    /* a read-only map is frozen with its contents, which the kernel's verifier reads */
    return !(a->flags & BPF_F_RDONLY_PROG) || memcmp(a->init, b->init, sizeof(a->init)) == 0;
}

static void kmaps_close(void)
{
    for (int i = 0; i < nkmaps; i++)
        close(kmaps[i].fd);
    nkmaps = 0;
}

/* The fd of a kernel map like D (created the first time), or -1 with ERR set. */
static int kmap_fd(const struct mdesc *d, char *err, size_t errlen)
{
    for (int i = 0; i < nkmaps; i++)
        if (kmap_same(&kmaps[i].d, d))
            return kmaps[i].fd;
    if (nkmaps == (int)ARRAY_LEN(kmaps))
        kmaps_close(); /* not reached with the generator's few shapes; keeps fds bounded */
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.map_type = d->type;
    a.key_size = d->ksz;
    a.value_size = d->vsz;
    a.max_entries = d->max;
    a.map_flags = d->flags;
    long fd = k_bpf(BPF_MAP_CREATE, &a);
    if (fd < 0) {
        snprintf(err, errlen, "BPF_MAP_CREATE %s (%s %u %u %u flags %#x): %s", d->name,
                 bpfrt_map_type_name(d->type), d->ksz, d->vsz, d->max, d->flags, strerror(errno));
        return -1;
    }
    if (d->flags & BPF_F_RDONLY_PROG) {
        /* fill entry 0 (the harness's read-only maps have one) and freeze: the kernel's
         * verifier then reads loads at constant offsets from it, as bpfrt does */
        uint32_t key = 0;
        uint8_t val[sizeof(d->init)] = {0};
        memcpy(val, d->init, d->vsz < sizeof(val) ? d->vsz : sizeof(val));
        memset(&a, 0, sizeof(a));
        a.map_fd = (uint32_t)fd;
        a.key = (uintptr_t)&key;
        a.value = (uintptr_t)val;
        a.flags = BPF_ANY;
        int rc = (int)k_bpf(BPF_MAP_UPDATE_ELEM, &a);
        if (rc == 0) {
            memset(&a, 0, sizeof(a));
            a.map_fd = (uint32_t)fd;
            rc = (int)k_bpf(BPF_MAP_FREEZE, &a);
        }
        if (rc != 0) {
            snprintf(err, errlen, "filling and freezing %s: %s", d->name, strerror(errno));
            close((int)fd);
            return -1;
        }
    }
    kmaps[nkmaps].d = *d;
    kmaps[nkmaps++].fd = (int)fd;
    return (int)fd;
}

/* ---- loading ---- */

/* The kernel's reason in LOG: its last line before the statistics the kernel appends. */
static void log_reason(const char *log, char *out, size_t len)
{
    const char *end = log + strlen(log);
    out[0] = '\0';
    while (end > log) {
        while (end > log && (end[-1] == '\n' || end[-1] == ' '))
            end--;
        const char *start = end;
        while (start > log && start[-1] != '\n')
            start--;
        size_t l = (size_t)(end - start);
        if (l && strncmp(start, "processed ", 10) != 0 &&
            strncmp(start, "verification time", 17) != 0 &&
            strncmp(start, "stack depth", 11) != 0) {
            snprintf(out, len, "%.*s", (int)(l < len - 1 ? l : len - 1), start);
            return;
        }
        end = start;
    }
}

static uint32_t kernel_version_code(void)
{
    struct utsname u;
    unsigned a = 0, b = 0, c = 0;
    if (uname(&u) == 0)
        sscanf(u.release, "%u.%u.%u", &a, &b, &c);
    return (a << 16) | (b << 8) | (c > 255 ? 255 : c);
}

/* Loads V (N slots, GP's maps and type) into the kernel, privileged, and closes it again.
 * The first load has no log (fast); a rejected program is loaded again with a log
 * (level 1, the buffer grown on ENOSPC) for the reason, which is then in k_log. WANT_LOG: load
 * with a log even when accepted. Returns 0 with KV set, or -1 when the kernel maps cannot be
 * made (KV->reason says why). */
static int kernel_load(const struct gprog *gp, const struct bpfrt_insn *v, size_t n, bool want_log,
                       struct kverdict *kv)
{
    memset(kv, 0, sizeof(*kv));
    struct bpf_insn *in = xrealloc(NULL, (n ? n : 1) * sizeof(*in));
    for (size_t i = 0; i < n; i++) {
        in[i] = (struct bpf_insn){.code = v[i].code,
                                  .dst_reg = v[i].dst_reg,
                                  .src_reg = v[i].src_reg,
                                  .off = v[i].off,
                                  .imm = v[i].imm};
        /* map references by index become the kernel maps' fds; the second slot keeps the
         * value offset */
        bool by_idx =
            v[i].src_reg == BPF_PSEUDO_MAP_IDX || v[i].src_reg == BPF_PSEUDO_MAP_IDX_VALUE;
        if (v[i].code == (BPF_LD | BPF_DW | BPF_IMM) && by_idx && v[i].imm >= 0 &&
            v[i].imm < gp->nmaps) {
            int fd = kmap_fd(&gp->maps[v[i].imm], kv->reason, sizeof(kv->reason));
            if (fd < 0) {
                free(in);
                return -1;
            }
            in[i].src_reg =
                v[i].src_reg == BPF_PSEUDO_MAP_IDX ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
            in[i].imm = fd;
        }
        if (v[i].code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < n) {
            i++;
            in[i] = (struct bpf_insn){.code = v[i].code,
                                      .dst_reg = v[i].dst_reg,
                                      .src_reg = v[i].src_reg,
                                      .off = v[i].off,
                                      .imm = v[i].imm};
        }
    }
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = gp->pt->type == BPF_PROG_TYPE_UNSPEC ? BPF_PROG_TYPE_KPROBE : gp->pt->type;
    a.expected_attach_type = gp->pt->attach;
    a.insns = (uintptr_t)in;
    a.insn_cnt = (uint32_t)n;
    a.license = (uintptr_t) "GPL";
    a.kern_version = kernel_version_code(); /* kprobe on kernels before 5.0 */
    long fd = -1;
    if (!want_log) {
        fd = k_bpf(BPF_PROG_LOAD, &a);
        kv->err = fd < 0 ? errno : 0;
    }
    if (want_log || fd < 0) {
        /* with a log: the kernel's reason (ENOSPC: the log did not fit, bigger buffer) */
        for (size_t sz = 1u << 20; sz <= (64u << 20); sz *= 4) {
            if (k_logsz < sz) {
                free(k_log);
                k_log = xrealloc(NULL, sz);
                k_logsz = sz;
            }
            k_log[0] = '\0';
            a.log_level = 1;
            a.log_buf = (uintptr_t)k_log;
            a.log_size = (uint32_t)k_logsz;
            fd = k_bpf(BPF_PROG_LOAD, &a);
            int e = fd < 0 ? errno : 0;
            k_log[k_logsz - 1] = '\0';
            if (e != ENOSPC) {
                if (want_log)
                    kv->err = e;
                break;
            }
        }
        log_reason(k_log, kv->reason, sizeof(kv->reason));
    }
    kv->accepted = kv->err == 0;
    if (fd >= 0)
        close((int)fd);
    if (!kv->accepted && !kv->reason[0])
        snprintf(kv->reason, sizeof(kv->reason), "%s (no log)", strerror(kv->err));
    free(in);
    return 0;
}

/* ---- tally and report ---- */

/* A register token at P ("r3", "w3"): its number, or -1. */
static int log_reg(const char *p)
{
    if ((p[0] != 'r' && p[0] != 'w') || p[1] < '0' || p[1] > '9')
        return -1;
    int r = p[1] - '0';
    if (p[2] >= '0' && p[2] <= '9')
        r = r * 10 + p[2] - '0';
    return r <= 10 ? r : -1;
}

/* Whether the kernel's log LOG shows evidence EV (see the enum) for its failure. */
static bool kd_evidence(const char *log, int ev)
{
    enum { T_DIVMOD = 1, T_PTRSUB = 2, T_VOID = 4, T_STKBYTE = 8 };
    uint8_t taint[11] = {0}, before[11] = {0}; /* before: ahead of the last instruction */
    bool pktlen = false;
    char last[200] = ""; /* the last instruction the kernel printed: the failing one */
    for (const char *line = log; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[400];
        snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) - 1 ? len : sizeof(buf) - 1),
                 line);
        line += len + (nl != NULL);
        /* "PC: (OP) INSN ; STATE" */
        char *p = buf;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == buf || strncmp(p, ": (", 3) != 0 || !strchr(p, ')'))
            continue;
        char *insn = strchr(p, ')') + 2, *state = strstr(insn, " ; ");
        if (state)
            *state = '\0', state += 3;
        for (size_t l = strlen(insn); l && insn[l - 1] == ' '; l--)
            insn[l - 1] = '\0'; /* the padding before the state */
        snprintf(last, sizeof(last), "%.*s", (int)sizeof(last) - 1, insn);
        memcpy(before, taint, sizeof(taint));
        if (strncmp(insn, "call ", 5) == 0) {
            if (strncmp(insn, "call pc", 7) == 0)
                continue; /* bpf-to-bpf: the callee's instructions follow */
            memset(taint, 0, 6);
            if (strstr(insn, "bpf_tail_call#"))
                taint[0] = T_VOID;
            continue;
        }
        int d = log_reg(insn);
        if (d < 0)
            continue;
        char op[8] = "", rhs[64] = "";
        if (sscanf(insn + (d >= 10 ? 3 : 2), " %7s %63s", op, rhs) < 2)
            continue;
        int src = log_reg(rhs) >= 0 && (rhs[2] == '\0' || rhs[3] == '\0') ? log_reg(rhs) : -1;
        const char *tail = strrchr(insn, ' '), *cast = tail ? strrchr(tail, ')') : NULL;
        if (src < 0 && rhs[0] != '*' && tail && !strcmp(op, "=")) {
            /* "rD = le64 rS", "rD = (s8)rS", "rD = -rS": derived from rS */
            const char *t = cast ? cast + 1 : tail + 1;
            t += *t == '-'; /* "rD = -rD" */
            if (log_reg(t) >= 0 && (t[2] == '\0' || t[3] == '\0'))
                src = log_reg(t);
        }
        uint8_t ts = src >= 0 ? taint[src] : 0;
        if (strcmp(op, "=") == 0)
            taint[d] = ts;
        else
            taint[d] |= ts;
        const char *base = strstr(insn, " *)(");
        if (!strcmp(op, "=") && rhs[0] == '*' && strncmp(rhs, "*(u64", 5) != 0 && base && state) {
            char want[32]; /* "rD = *(u8 *)(rB +off)" with rB on the stack */
            snprintf(want, sizeof(want), "R%d=fp", log_reg(base + 4));
            if (log_reg(base + 4) >= 0 && strstr(state, want))
                taint[d] = T_STKBYTE;
        }
        bool shift = !strcmp(op, "<<=") || !strcmp(op, ">>=") || !strcmp(op, "s>>=");
        if (!strcmp(op, "%=") || !strcmp(op, "/=") || !strcmp(op, "s%=") || !strcmp(op, "s/=") ||
            (shift && src >= 0))
            taint[d] |= T_DIVMOD;
        if (!strcmp(op, "-=") && src >= 0 && state) {
            char want[32];
            snprintf(want, sizeof(want), "R%d=", d);
            const char *v = strstr(state, want);
            v = v ? v + strlen(want) : "";
            if (!strncmp(v, "fp", 2) || !strncmp(v, "map_value(", 10) || !strncmp(v, "pkt(", 4))
                taint[d] |= T_PTRSUB;
            snprintf(want, sizeof(want), "R%d=pkt(", src);
            if (strncmp(v, "scalar", 6) == 0 && strstr(state, want))
                pktlen = true; /* data_end - data */
        }
    }
    if (ev == EV_PKTLEN)
        return pktlen;
    if (ev == EV_PKTMAX) {
        /* a packet pointer in some state of the log whose fixed offset plus largest variable
         * offset exceeds 65535: "pkt(id=1,off=5,r=0,umax=65535,...)" */
        for (const char *q = strstr(log, "=pkt("); q; q = strstr(q + 5, "=pkt(")) {
            const char *end = strchr(q, ')'), *o = strstr(q, ",off="), *u = strstr(q, "umax");
            if (!end || !u || u > end)
                continue;
            /* Linux prints equal bounds once: "smax=umax=smax32=umax32=0xffff" */
            for (u += 4; *u == '=' && u[1] >= 'a' && u[1] <= 'z';)
                u = strchr(u + 1, '=');
            if (!u || *u != '=')
                continue;
            long long off = o && o < end ? strtoll(o + 5, NULL, 0) : 0;
            if (off + strtoll(u + 1, NULL, 0) > 65535)
                return true;
        }
        return false;
    }
    uint8_t want = ev == EV_DIVMOD    ? T_DIVMOD
                   : ev == EV_PTRSUB  ? T_PTRSUB
                   : ev == EV_VOIDRET ? T_VOID
                                      : T_STKBYTE;
    if (strncmp(last, "exit", 4) == 0)
        return before[0] & want;
    if (strncmp(last, "call ", 5) == 0) /* a helper: its arguments */
        return (before[1] | before[2] | before[3] | before[4] | before[5]) & want;
    for (const char *p = last; *p; p++)
        if ((p == last || p[-1] == ' ' || p[-1] == '(') && log_reg(p) >= 0 &&
            (before[log_reg(p)] & want))
            return true;
    return false;
}

/* The kd_allow entry that explains the kernel rejecting GP (reason KREASON, log LOG), or -1. */
static int kd_allowed(const struct gprog *gp, const char *kreason, const char *log)
{
    for (int i = 0; i < (int)ARRAY_LEN(kd_allow); i++)
        if ((!kd_allow[i].type || strcmp(kd_allow[i].type, gp->pt->name) == 0) &&
            strstr(kreason, kd_allow[i].reason) &&
            (kd_allow[i].evidence == EV_NONE || kd_evidence(log, kd_allow[i].evidence)))
            return i;
    return -1;
}

/* REASON with its numbers (decimal, hex, negative) replaced by '#', for grouping. */
static void kd_normalize(const char *in, char *out, size_t len)
{
    size_t k = 0;
    for (const char *p = in; *p && k + 1 < len; p++) {
        bool neg = *p == '-' && p[1] >= '0' && p[1] <= '9';
        if (neg || (*p >= '0' && *p <= '9')) {
            p += neg;
            if (p[0] == '0' && p[1] == 'x')
                for (p += 2; p[1] && strchr("0123456789abcdef", p[1]); p++)
                    ;
            else
                while (p[1] >= '0' && p[1] <= '9')
                    p++;
            out[k++] = '#';
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
}

/* Counts program IDX (N slots) in class CLS; disagreements go to the group of REASON (and, for
 * bpfrt-only accepts, of the kd_allow entry ALLOW that explains it, or -1). */
static void kd_add(int cls, int allow, const char *reason, long idx, size_t n)
{
    kd_count[cls]++;
    if (cls == KD_BOTH_ACC || cls == KD_BOTH_REJ)
        return;
    char key[100];
    kd_normalize(reason, key, sizeof(key));
    for (int i = 0; i < nkgroups; i++) {
        struct kgroup *k = &kgroups[i];
        if (k->cls == cls && k->allow == allow && strcmp(k->key, key) == 0) {
            k->count++;
            if (n < k->n) {
                k->n = n;
                k->idx = idx;
                snprintf(k->reason, sizeof(k->reason), "%.*s", (int)sizeof(k->reason) - 1, reason);
            }
            return;
        }
    }
    if (nkgroups == (int)ARRAY_LEN(kgroups)) {
        kd_lost[cls]++;
        return;
    }
    struct kgroup *k = &kgroups[nkgroups++];
    k->cls = cls;
    snprintf(k->key, sizeof(k->key), "%s", key);
    snprintf(k->reason, sizeof(k->reason), "%.*s", (int)sizeof(k->reason) - 1, reason);
    k->count = 1;
    k->idx = idx;
    k->n = n;
    k->allow = allow;
}

/* The last MAXLINES lines of the kernel's log, indented. */
static void print_log_tail(FILE *o, const char *log, int maxlines)
{
    const char *end = log + strlen(log);
    while (end > log && end[-1] == '\n')
        end--;
    const char *p = end;
    for (int nl = 0; p > log; p--)
        if (p[-1] == '\n' && ++nl == maxlines)
            break;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        int l = e ? (int)(e - p) : (int)(end - p);
        fprintf(o, "      | %.*s\n", l, p);
        p += l + 1;
    }
}

static int kgroup_cmp(const void *a, const void *b)
{
    const struct kgroup *x = a, *y = b;
    if (x->cls != y->cls)
        return x->cls - y->cls;
    if ((x->allow >= 0) != (y->allow >= 0))
        return x->allow >= 0 ? 1 : -1; /* the unexplained first */
    return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void repro_args(char *out, size_t len, uint64_t seed, long idx, int type, bool kdiff)
{
    char t[40] = "", lim[40] = "";
    if (type >= 0)
        snprintf(t, sizeof(t), " --type %s", ptypes[type].name);
    if (g_insn_limit != 25000)
        snprintf(lim, sizeof(lim), " --insn-limit %llu", (unsigned long long)g_insn_limit);
    snprintf(out, len, "test_soundness%s --seed 0x%llx --only %ld%s%s",
             kdiff ? " --kernel-diff" : "", (unsigned long long)seed, idx, t, lim);
}

/* Prints the counts and every disagreement group with a reproducer. Returns the number of
 * programs that fail the run: bpfrt-only accepts outside kd_allow, and programs that could not
 * be compared. */
static uint64_t kernel_diff_report(uint64_t seed, int type)
{
    qsort(kgroups, (size_t)nkgroups, sizeof(kgroups[0]), kgroup_cmp);
    uint64_t bad = kd_lost[KD_BONLY] + kd_count[KD_ERR];
    printf("\n==== kernel differential (bpfrt privileged vs the host kernel, root) ====\n");
    for (int c = 0; c < KD_NCLASS; c++)
        printf("%-75s %llu\n", kd_name[c], (unsigned long long)kd_count[c]);
    struct bpfrt_verify_result *res = malloc(sizeof(*res));
    for (int c = KD_KONLY; c < KD_NCLASS; c++) {
        if (!kd_count[c])
            continue;
        printf("\n-- %s: %llu programs\n", kd_name[c], (unsigned long long)kd_count[c]);
        if (kd_lost[c])
            printf("   (%llu of them in groups not listed: too many groups)\n",
                   (unsigned long long)kd_lost[c]);
        for (int i = 0; i < nkgroups; i++) {
            const struct kgroup *k = &kgroups[i];
            if (k->cls != c)
                continue;
            if (c == KD_BONLY && k->allow < 0)
                bad += k->count;
            printf("\n  [%llu] %s: %s\n", (unsigned long long)k->count,
                   c == KD_BONLY ? "kernel"
                   : c == KD_ERR ? "error"
                                 : "bpfrt",
                   k->reason);
            if (c == KD_BONLY)
                printf("    %s%s\n", k->allow >= 0 ? "allowed: " : "",
                       k->allow >= 0 ? kd_allow[k->allow].why
                                     : "NOT a documented difference: fails the run");
            char rep[200];
            repro_args(rep, sizeof(rep), seed, k->idx, type, true);
            printf("    reproduce: %s\n", rep);
            struct gprog gp;
            if (gen_program(mix64(seed, (uint64_t)k->idx), -1, type, &gp) != 0)
                continue;
            print_prog(stdout, &gp, gp.insns, gp.n);
            if (c == KD_BONLY) {
                struct kverdict kv;
                if (kernel_load(&gp, gp.insns, gp.n, true, &kv) == 0) {
                    printf("    kernel log (last lines):\n");
                    print_log_tail(stdout, k_log, 12);
                }
            } else if (c != KD_ERR && verify(&gp, gp.insns, gp.n, false, res) == 1) {
                printf("    bpfrt: %s\n", res->message);
            }
            free(gp.insns);
        }
    }
    free(res);
    return bad;
}

/* =========================================================================== main ========= */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

struct opts {
    double seconds;
    long programs;
    uint64_t seed;
    int runs;
    long only;
    bool accept_all, self, verbose, dump_rejected, dump_clean, minimize;
    bool kdiff; /* --kernel-diff: compare with the host kernel's verifier */
    int type;
};

static void report_failure(const struct opts *o, long idx, const struct gprog *gp,
                           const struct failure *f, int mode, uint64_t processed, int nfail)
{
    printf("\nSOUNDNESS FAILURE %d: %s\n", nfail, fk_name[f->kind]);
    printf("  %s\n", f->msg);
    printf("  program %ld of seed 0x%llx (program seed 0x%llx), type %s, verified %s, %llu insns "
           "processed\n",
           idx, (unsigned long long)o->seed, (unsigned long long)gp->seed, gp->pt->name,
           o->accept_all      ? "NOT (--accept-all)"
           : mode == RUN_FULL ? "privileged and unprivileged: accepted"
                              : "privileged: accepted (unprivileged: rejected)",
           (unsigned long long)processed);
    printf("  injected mistakes: %s\n", gp->nbugs ? gp->bugs : "none");
    char rep[200];
    repro_args(rep, sizeof(rep), o->seed, idx, o->type, false);
    printf("  reproduce: %s\n", rep);
    print_input(stdout, gp, f->input);
    print_prog(stdout, gp, gp->insns, gp->n);
    if (o->minimize && f->kind != F_SETUP) {
        struct bpfrt_insn *v = xrealloc(NULL, gp->n * sizeof(*v));
        memcpy(v, gp->insns, gp->n * sizeof(*v));
        size_t n = minimize(gp, v, gp->n, mode, f->input, f->kind);
        printf("  minimized (%zu of %zu slots; same input, same failure):\n", n, gp->n);
        print_prog(stdout, gp, v, n);
        free(v);
    }
    fflush(stdout);
}

/* --case FILE: a program in the format the failures are printed in (test_verifier's .t format,
 * plus "# NAME contents (u32): ..." lines for read-only maps), verified and run. Returns 1 when
 * the verifier accepted it and it failed at run time. */
static int run_case_file(const char *path, int runs, uint64_t seed, bool kdiff)
{
    size_t len;
    char *text = tl_read_file(path, &len);
    if (!CHECK(text != NULL, "%s: unreadable", path))
        return 1;
    struct gprog gp;
    memset(&gp, 0, sizeof(gp));
    gp.pt = &ptypes[3];
    char *asm_text = NULL;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strncmp(line, "-- type ", 8) == 0) {
            for (size_t k = 0; k < ARRAY_LEN(ptypes); k++)
                if (strcmp(ptypes[k].name, line + 8) == 0)
                    gp.pt = &ptypes[k];
        } else if (strncmp(line, "-- map ", 7) == 0 && gp.nmaps < MAXMAPS) {
            struct mdesc *m = &gp.maps[gp.nmaps];
            char type[32];
            unsigned k, v, mx, fl = 0;
            if (sscanf(line + 7, "%15s %31s %u %u %u %x", m->name, type, &k, &v, &mx, &fl) >= 5) {
                for (uint32_t t = 0; t < 40; t++)
                    if (strcmp(bpfrt_map_type_name(t), type) == 0)
                        m->type = t;
                m->ksz = k;
                m->vsz = v > 64 ? 64 : v;
                m->max = mx > MAXE && m->type != BPF_MAP_TYPE_RINGBUF ? MAXE : mx;
                m->flags = fl;
                m->global = strchr(m->name, '.') != NULL;
                gp.nmaps++;
            }
        } else if (line[0] == '#' && strstr(line, "contents (u32):")) {
            for (int i = 0; i < gp.nmaps; i++) {
                size_t nl = strlen(gp.maps[i].name);
                if (strncmp(line + 2, gp.maps[i].name, nl) == 0 && line[2 + nl] == ' ') {
                    const char *p = strstr(line, "):") + 2;
                    for (uint32_t b = 0; b + 4 <= gp.maps[i].vsz; b += 4) {
                        char *end;
                        uint32_t x = (uint32_t)strtoul(p, &end, 0);
                        if (end == p)
                            break;
                        memcpy(gp.maps[i].init + b, &x, 4);
                        p = end;
                    }
                }
            }
        } else if (strcmp(line, "-- asm") == 0) {
            asm_text = next;
            break;
        }
    }
    struct bpfrt_diag d;
    if (!CHECK(asm_text && bpfrt_asm(asm_text, path, &gp.insns, &gp.n, &d) == 0,
               "%s: does not assemble: %s", path, asm_text ? d.msg : "no -- asm section")) {
        free(text);
        return 1;
    }
    gp.seed = seed;
    snprintf(gp.bugs, sizeof(gp.bugs), "(case file)");
    struct bpfrt_verify_result *res = malloc(sizeof(*res));
    int rp = verify(&gp, gp.insns, gp.n, false, res);
    uint64_t processed = res->stats.insns_processed;
    printf("%s: privileged: %s%s\n", path,
           rp == 0 ? "accepted" : "rejected: ", rp == 0 ? "" : res->message);
    int ru = verify(&gp, gp.insns, gp.n, true, res);
    printf("%s: unprivileged: %s%s\n", path,
           ru == 0 ? "accepted" : "rejected: ", ru == 0 ? "" : res->message);
    if (kdiff) {
        struct kverdict kv;
        if (kernel_load(&gp, gp.insns, gp.n, true, &kv) != 0)
            printf("%s: kernel: cannot load: %s\n", path, kv.reason);
        else {
            printf("%s: kernel (root): %s%s\n", path,
                   kv.accepted ? "accepted" : "rejected: ", kv.accepted ? "" : kv.reason);
            print_log_tail(stdout, k_log, kv.accepted ? 3 : 30);
        }
    }
    struct failure f;
    bool failed = run_program(&gp, gp.insns, gp.n, ru == 0 || rp != 0 ? RUN_FULL : RUN_PRIV,
                              rp == 0 ? processed : 20000, runs, seed, &f);
    if (failed) {
        printf("%s: run%s: %s: %s\n", path, rp == 0 ? "" : " (unverified)", fk_name[f.kind], f.msg);
        print_input(stdout, &gp, f.input);
    } else {
        printf("%s: %d runs without failure\n", path, runs);
    }
    free(res);
    free(gp.insns);
    free(text);
    return failed && rp == 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: test_soundness [--seconds S] [--programs N] [--seed X] [--runs R]\n"
                    "                      [--only K] [--type xdp|sched_cls|cgroup_skb|unspec]\n"
                    "                      [--insn-limit N (verifier, default 25000)]\n"
                    "                      [--accept-all] [--no-self-test] [--no-minimize] [-v]\n"
                    "                      [--dump-rejected] [--dump-clean] [--kernel-diff]\n"
                    "       test_soundness --case FILE.t [--kernel-diff]  (verify and run one "
                    "program)\n");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct opts o = {.seconds = 0,
                     .programs = 0,
                     .seed = 0x50d5eedull,
                     .runs = 32,
                     .only = -1,
                     .self = true,
                     .minimize = true,
                     .type = -1};
    const char *case_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--seconds") && more)
            o.seconds = strtod(argv[++i], NULL);
        else if (!strcmp(a, "--programs") && more)
            o.programs = strtol(argv[++i], NULL, 0);
        else if (!strcmp(a, "--seed") && more)
            o.seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--insn-limit") && more)
            g_insn_limit = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--runs") && more)
            o.runs = (int)strtol(argv[++i], NULL, 0);
        else if (!strcmp(a, "--only") && more)
            o.only = strtol(argv[++i], NULL, 0);
        else if (!strcmp(a, "--type") && more) {
            const char *t = argv[++i];
            for (size_t k = 0; k < ARRAY_LEN(ptypes); k++)
                if (!strcmp(ptypes[k].name, t))
                    o.type = (int)k;
            if (o.type < 0) {
                usage();
                return 2;
            }
        } else if (!strcmp(a, "--case") && more)
            case_file = argv[++i];
        else if (!strcmp(a, "--accept-all"))
            o.accept_all = true;
        else if (!strcmp(a, "--no-self-test"))
            o.self = false;
        else if (!strcmp(a, "--no-minimize"))
            o.minimize = false;
        else if (!strcmp(a, "-v"))
            o.verbose = true;
        else if (!strcmp(a, "--dump-rejected"))
            o.dump_rejected = true;
        else if (!strcmp(a, "--dump-clean"))
            o.dump_clean = true;
        else if (!strcmp(a, "--kernel-diff"))
            o.kdiff = true;
        else {
            usage();
            return 2;
        }
    }
    if (o.seconds <= 0 && o.programs <= 0) {
        o.programs = 2000; /* the CTest default: bounded and deterministic */
        o.seconds = 300;
    }
    if (o.only >= 0) {
        o.self = false;
        o.verbose = true;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    world_init(&g_worlds[0], 0);
    world_init(&g_worlds[1], 1);
    if (o.kdiff) {
        int e = kernel_probe();
        if (e == EPERM || e == ENOSYS || e == EACCES) {
            printf("kernel-diff: skipped: bpf() not permitted (%s)\n", strerror(e));
            return 77;
        }
        if (!CHECK(e == 0, "kernel-diff: a trivial BPF_PROG_LOAD failed: %s", strerror(e)))
            return tl_summary();
    }
    if (case_file) {
        CHECK(run_case_file(case_file, o.runs * 2, o.seed, o.kdiff) == 0,
              "%s: accepted and failed at run time", case_file);
        return tl_summary();
    }

    char lim[64] = "no program limit", tlim[64] = "no time limit";
    if (o.programs > 0)
        snprintf(lim, sizeof(lim), "up to %ld programs", o.programs);
    if (o.seconds > 0)
        snprintf(tlim, sizeof(tlim), "%.0f s", o.seconds);
    printf("bpfrt verifier soundness harness: seed 0x%llx, %s, %s, %d runs per accepted program, "
           "verifier instruction limit %llu%s%s\n",
           (unsigned long long)o.seed, lim, tlim, o.runs, (unsigned long long)g_insn_limit,
           o.accept_all ? ", --accept-all (verifier ignored)" : "",
           o.kdiff ? ", compared with the host kernel's verifier" : "");
    double t0 = now_s();
    if (o.self)
        self_test(200, o.seed);

    struct stats st;
    memset(&st, 0, sizeof(st));
    struct bpfrt_verify_result *res = malloc(sizeof(*res));
    char reason_p[1600];
    int nfail = 0;
    double tstart = now_s(), tprog = tstart;
    for (long idx = o.only >= 0 ? o.only : 0;; idx++) {
        if (o.only >= 0 && idx > o.only)
            break;
        if (o.only < 0 && o.programs > 0 && idx >= o.programs)
            break;
        if (o.only < 0 && o.seconds > 0 && now_s() - tstart > o.seconds)
            break;
        if (now_s() - tprog >= 60) {
            tprog = now_s();
            printf("progress: %.0f s, %llu programs, %llu accepted, %llu failures\n",
                   tprog - tstart, (unsigned long long)st.gen, (unsigned long long)st.acc_p,
                   (unsigned long long)st.fails);
        }
        struct gprog gp;
        uint64_t pseed = mix64(o.seed, (uint64_t)idx);
        if (gen_program(pseed, -1, o.type, &gp) != 0) {
            CHECK(false, "program %ld: the generator produced an unlinkable program", idx);
            continue;
        }
        int ti = (int)(gp.pt - ptypes);
        st.gen++;
        st.type_gen[ti]++;
        double tv = now_s();
        int rp = verify(&gp, gp.insns, gp.n, false, res);
        uint64_t processed = res->stats.insns_processed;
        size_t peak_mem = res->stats.peak_memory;
        snprintf(reason_p, sizeof(reason_p), "%s", rp == 1 ? res->reason : res->message);
        /* unprivileged is stricter: check it for accepted programs (and every 8th rejected
         * one, for consistency) */
        int ru = rp == 0 || idx % 8 == 0 ? verify(&gp, gp.insns, gp.n, true, res) : 1;
        st.processed += processed;
        if (rp < 0 || ru < 0) {
            st.err++;
            if (o.verbose || st.err <= 3)
                printf("program %ld: the verifier cannot check it: %s\n", idx,
                       rp < 0 ? reason_p : res->message);
        }
        if (ru == 0 && rp != 0) {
            st.inconsistent++;
            if (st.inconsistent <= 3) {
                printf(
                    "\nNOTE: program %ld is accepted unprivileged but rejected privileged (%s)\n",
                    idx, reason_p);
                print_prog(stdout, &gp, gp.insns, gp.n);
            }
        }
        bool acc = rp == 0;
        int mode = ru == 0 ? RUN_FULL : RUN_PRIV;
        if (o.accept_all) {
            acc = true;
            mode = RUN_FULL;
        }
        if (o.kdiff) {
            /* the kernel's verdict next to bpfrt's privileged one */
            struct kverdict kv;
            int kc = kernel_load(&gp, gp.insns, gp.n, o.only >= 0, &kv);
            int cls = kc != 0 || rp < 0 ? KD_ERR
                      : rp == 0         ? (kv.accepted ? KD_BOTH_ACC : KD_BONLY)
                      : !kv.accepted    ? KD_BOTH_REJ
                      : strncmp(reason_p, "the program is too complex", 26) == 0 ? KD_BUDGET
                                                                                 : KD_KONLY;
            char why[300];
            snprintf(why, sizeof(why), "%s%.280s",
                     kc != 0  ? "kernel setup: "
                     : rp < 0 ? "bpfrt: "
                              : "",
                     kc != 0 || cls == KD_BONLY ? kv.reason : reason_p);
            kd_add(cls, cls == KD_BONLY ? kd_allowed(&gp, kv.reason, k_log) : -1, why, idx, gp.n);
            if (o.verbose)
                printf("#%ld kernel: %s%s%s\n", idx, kc != 0 ? "cannot load: " : "",
                       kc == 0 && kv.accepted ? "accepted" : "rejected: ",
                       kc == 0 && kv.accepted ? "" : kv.reason);
            if (o.only >= 0 && kc == 0)
                print_log_tail(stdout, k_log, kv.accepted ? 3 : 30);
        }
        if (gp.nbugs == 0) {
            st.clean++;
            st.clean_acc += rp == 0;
            for (int s = 0; s < S_COUNT; s++)
                if (gp.snippets & (1u << s)) {
                    st.sn_gen[s]++;
                    st.sn_acc[s] += rp == 0;
                }
        } else {
            st.buggy++;
            st.buggy_acc += rp == 0;
            add_mistakes(gp.bugs, rp == 0);
        }
        tv = now_s() - tv;
        if (o.verbose)
            printf("#%ld %s %zu slots, %llu insns processed, %zu KiB, %.1f ms: %s%s%s [%s]\n", idx,
                   gp.pt->name, gp.n, (unsigned long long)processed, peak_mem / 1024, 1e3 * tv,
                   rp == 0   ? (ru == 0 ? "accepted" : "accepted privileged only")
                   : rp == 1 ? "rejected: "
                             : "error: ",
                   rp == 0 ? "" : reason_p, "", gp.nbugs ? gp.bugs : "no mistakes");
        if (rp == 0) {
            st.acc_p++;
            st.type_acc[ti]++;
            st.acc_u += ru == 0;
        } else if (rp == 1) {
            st.rej++;
        }
        if (acc) {
            struct failure f;
            if (run_program(&gp, gp.insns, gp.n, mode, processed, o.runs, pseed, &f)) {
                if (f.kind == F_SETUP)
                    st.setup++;
                nfail++;
                st.fails++;
                add_fsig(f.kind, f.msg, idx);
                if (nfail <= 10)
                    report_failure(&o, idx, &gp, &f, mode, processed, nfail);
                else if (nfail <= 200)
                    printf("SOUNDNESS FAILURE %d: program %ld: %s: %s\n", nfail, idx,
                           fk_name[f.kind], f.msg);
                else if (nfail == 201)
                    printf("(further failures are only counted: see the summary)\n");
            }
        } else if (rp == 1) {
            /* rejected: is it demonstrably unsafe? (12 unverified runs) */
            struct failure f;
            bool unsafe = run_program(&gp, gp.insns, gp.n, RUN_FULL, 20000, 12, pseed, &f);
            st.rej_unsafe += unsafe;
            if (gp.nbugs == 0) {
                if (unsafe)
                    st.clean_rej_unsafe++;
                else {
                    st.clean_rej_imprecise++;
                    add_cat(reason_p, gp.seed ^ (uint64_t)idx, gp.n);
                    if (o.dump_clean) {
                        printf("\nrejected, no injected mistake, never failed when run (program "
                               "%ld): %s\n",
                               idx, reason_p);
                        print_prog(stdout, &gp, gp.insns, gp.n);
                    }
                }
            }
            if (o.dump_rejected) {
                printf("\nrejected (program %ld, mistakes: %s, %s at run time): %s\n", idx,
                       gp.nbugs ? gp.bugs : "none", unsafe ? fk_name[f.kind] : "never failed",
                       reason_p);
                print_prog(stdout, &gp, gp.insns, gp.n);
            }
        }
        free(gp.insns);
    }
    double el = now_s() - t0;
    printf("\n==== summary (seed 0x%llx) ====\n", (unsigned long long)o.seed);
    printf("programs generated   %llu (%llu without injected mistakes)\n",
           (unsigned long long)st.gen, (unsigned long long)st.clean);
    printf("accepted             %llu (%.1f%%; unprivileged too: %llu)\n",
           (unsigned long long)st.acc_p, st.gen ? 100.0 * st.acc_p / st.gen : 0,
           (unsigned long long)st.acc_u);
    printf("rejected             %llu (%.1f%%; %llu of them fail when run unverified)\n",
           (unsigned long long)st.rej, st.gen ? 100.0 * st.rej / st.gen : 0,
           (unsigned long long)st.rej_unsafe);
    printf("verifier errors      %llu\n", (unsigned long long)st.err);
    printf("with mistakes        %llu, accepted %llu\n", (unsigned long long)st.buggy,
           (unsigned long long)st.buggy_acc);
    printf("without mistakes     %llu, accepted %llu, rejected: %llu unsafe when run, %llu never "
           "failed (imprecision candidates)\n",
           (unsigned long long)st.clean, (unsigned long long)st.clean_acc,
           (unsigned long long)st.clean_rej_unsafe, (unsigned long long)st.clean_rej_imprecise);
    printf("per type (generated/accepted):");
    for (int t = 0; t < 4; t++)
        printf(" %s %llu/%llu", ptypes[t].name, (unsigned long long)st.type_gen[t],
               (unsigned long long)st.type_acc[t]);
    printf("\nper snippet, programs without mistakes (generated/accepted):\n ");
    for (int s = 0; s < S_COUNT; s++)
        printf(" %s %llu/%llu", sn_names[s], (unsigned long long)st.sn_gen[s],
               (unsigned long long)st.sn_acc[s]);
    printf("\nverifier: %.0f insns processed per program on average\n",
           st.gen ? (double)st.processed / st.gen : 0);
    printf("runs                 %llu (world runs: accepted programs run %d inputs, twice when "
           "the unprivileged verifier accepted them)\n",
           (unsigned long long)g_world_runs, o.runs);
    printf("accepted-unprivileged but rejected-privileged: %llu\n",
           (unsigned long long)st.inconsistent);
    printf("FAILURES ON ACCEPTED PROGRAMS: %llu%s\n", (unsigned long long)st.fails,
           st.setup ? " (some could not be run at all)" : "");
    printf("time                 %.1f s\n", el);
    if (o.verbose || o.dump_clean || o.dump_rejected) {
        printf("injected mistakes (programs containing it / of those accepted):\n");
        for (int i = 0; i < nmstats; i++)
            printf("  %6llu %6llu  %s\n", (unsigned long long)mstats[i].gen,
                   (unsigned long long)mstats[i].acc, mstats[i].name);
    }
    if (nfsigs) {
        printf("failures by kind (count, first program):\n");
        for (int i = 0; i < nfsigs; i++)
            printf("  %6llu  #%-7ld %s\n", (unsigned long long)fsigs[i].count, fsigs[i].first,
                   fsigs[i].key);
    }
    if (ncats) {
        qsort(cats, (size_t)ncats, sizeof(cats[0]), cat_cmp);
        printf("rejections of programs without mistakes that never failed when run (top "
               "reasons):\n");
        for (int i = 0; i < ncats && i < 12; i++)
            printf("  %6llu  %s\n", (unsigned long long)cats[i].count, cats[i].reason);
    }
    free(res);
    if (o.kdiff) {
        uint64_t bad = kernel_diff_report(o.seed, o.type);
        CHECK(bad == 0,
              "kernel-diff: %llu programs accepted by bpfrt and rejected by the kernel for a "
              "reason that is not a documented difference, or not comparable",
              (unsigned long long)bad);
        kmaps_close();
        free(k_log);
    }
    if (!o.accept_all) {
        CHECK(st.fails == 0, "%llu accepted programs failed at run time",
              (unsigned long long)st.fails);
        if (st.gen >= 100 && o.only < 0 && o.type < 0) {
            CHECK(st.acc_p * 5 >= st.gen, "only %llu of %llu programs accepted (want >= 20%%)",
                  (unsigned long long)st.acc_p, (unsigned long long)st.gen);
            CHECK(st.rej * 5 >= st.gen, "only %llu of %llu programs rejected (want >= 20%%)",
                  (unsigned long long)st.rej, (unsigned long long)st.gen);
        }
    } else {
        printf("--accept-all: %s\n", st.fails ? "the harness notices an accept-everything verifier"
                                              : "WARNING: nothing failed");
        CHECK(st.fails > 0, "--accept-all: no program failed");
    }
    return tl_summary();
}
