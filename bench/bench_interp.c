/* bench-interp: runs four compute programs in the bpfrt interpreter (trusted mode) and as the
 * same C compiled natively, checks both give the same result, and prints the timings.
 * Usage: bench-interp [--quick] [--json] [--checked] [--dir DIR] [PROGRAM...] */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_prog.h"
#include "bpfrt/isa.h"
#include "bpfrt/vm.h"

#ifndef BENCH_PROG_DIR
#define BENCH_PROG_DIR "bench"
#endif

#define TARGET_NS_PER_INSN 1.5
#define TRIALS 3               /* best of */
#define TARGET_SECONDS 0.4     /* per timed measurement */
#define CALIBRATE_SECONDS 0.02 /* minimum calibration run */

typedef uint64_t (*native_fn)(void *mem, uint64_t len);

struct bench_prog {
    const char *name;
    native_fn native;
    size_t len;
    void (*init)(uint8_t *mem, size_t len);
};

struct options {
    bool quick;      /* one run per measurement */
    bool json;       /* JSON output */
    bool checked;    /* time checked mode instead of trusted */
    const char *dir; /* where PROGRAM.bin are */
};

struct bench_result {
    const char *name;
    uint64_t result;
    uint64_t insns;
    double interp_ns;
    double native_ns;
};

/* --- Input data (deterministic) --- */

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static void fill_random(uint8_t *mem, size_t len)
{
    for (size_t i = 0; i < len; i++)
        mem[i] = (uint8_t)(rng_next() >> 56);
}

static void init_loop(uint8_t *mem, size_t len)
{
    uint64_t v[2] = {BENCH_LOOP_ITERS, 0x9e3779b97f4a7c15ull};
    (void)len;
    memcpy(mem, v, sizeof v);
}

static void init_sort(uint8_t *mem, size_t len)
{
    uint32_t *w = (uint32_t *)mem;
    for (size_t i = 0; i < len / 4; i++)
        w[i] = i < BENCH_SORT_N ? (uint32_t)rng_next() : 0;
}

static const struct bench_prog progs[] = {
    {"loop", bench_native_loop, BENCH_LOOP_LEN, init_loop},
    {"checksum", bench_native_checksum, BENCH_CHECKSUM_LEN, fill_random},
    {"fnv1a", bench_native_fnv1a, BENCH_FNV1A_LEN, fill_random},
    {"sort", bench_native_sort, BENCH_SORT_LEN, init_sort},
};
#define N_PROGS (sizeof progs / sizeof progs[0])

/* --- Timing --- */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile uint64_t sink;

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench-interp: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Runs the interpreter REPS times; returns the elapsed nanoseconds. */
static double time_interp(struct bpfrt_vm *vm, const struct bench_prog *p, uint8_t *mem,
                          uint64_t reps)
{
    struct bpfrt_diag diag;
    uint64_t acc = 0;
    double t0 = now_ns();
    for (uint64_t i = 0; i < reps; i++) {
        uint64_t r = 0;
        if (bpfrt_vm_run(vm, mem, p->len, &r, &diag) != 0)
            die("%s: trusted run failed: %s", p->name, diag.msg);
        acc += r;
    }
    double t = now_ns() - t0;
    sink += acc;
    return t;
}

/* Runs the native function REPS times; returns the elapsed nanoseconds. The function and the
 * memory pointer go through volatiles so the calls cannot be hoisted or folded. */
static double time_native(const struct bench_prog *p, uint8_t *mem, uint64_t reps)
{
    native_fn volatile fn = p->native;
    void *volatile memv = mem;
    uint64_t len = p->len;
    uint64_t acc = 0;
    double t0 = now_ns();
    for (uint64_t i = 0; i < reps; i++)
        acc += fn(memv, len);
    double t = now_ns() - t0;
    sink += acc;
    return t;
}

/* Per-run nanoseconds: best of TRIALS measurements of REPS runs each. In quick mode a single
 * measurement of a single run. Otherwise REPS is calibrated so one measurement takes about
 * TARGET_SECONDS. VM is NULL for the native function. */
static double measure(struct bpfrt_vm *vm, const struct bench_prog *p, uint8_t *mem, bool quick)
{
    if (quick)
        return vm ? time_interp(vm, p, mem, 1) : time_native(p, mem, 1);

    uint64_t reps = 1;
    double t;
    for (;;) {
        t = vm ? time_interp(vm, p, mem, reps) : time_native(p, mem, reps);
        if (t >= CALIBRATE_SECONDS * 1e9 || reps >= (1ull << 40))
            break;
        reps *= t * 10 < CALIBRATE_SECONDS * 1e9 ? 10 : 2;
    }
    double per_run = t / (double)reps;
    double want = TARGET_SECONDS * 1e9 / per_run;
    reps = want < 1 ? 1 : (uint64_t)want;

    double best = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
        t = vm ? time_interp(vm, p, mem, reps) : time_native(p, mem, reps);
        double ns = t / (double)reps;
        if (trial == 0 || ns < best)
            best = ns;
    }
    return best;
}

/* --- Loading --- */

static void *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        die("out of memory reading %s", path);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            uint8_t *nb = realloc(buf, cap);
            if (!nb)
                die("out of memory reading %s", path);
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        die("cannot read %s: %s", path, strerror(errno));
    fclose(f);
    *len_out = len;
    return buf;
}

static struct bpfrt_vm *load_prog(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    size_t len;
    void *bytes = read_file(path, &len);
    struct bpfrt_insn *insns;
    size_t n;
    struct bpfrt_diag diag;
    if (bpfrt_insns_from_bytes(bytes, len, path, &insns, &n, &diag) != 0)
        die("%s: %s", path, diag.msg);
    free(bytes);
    struct bpfrt_vm *vm = bpfrt_vm_create(insns, n, &diag);
    if (!vm)
        die("%s: %s", path, diag.msg);
    free(insns);
    return vm;
}

/* --- Main --- */

static void run_one(const struct bench_prog *p, const struct options *opt, struct bench_result *out)
{
    struct bpfrt_vm *vm = load_prog(opt->dir, p->name);
    uint8_t *mem = aligned_alloc(64, (p->len + 63) / 64 * 64);
    if (!mem)
        die("%s: out of memory", p->name);
    p->init(mem, p->len);

    uint64_t expect = p->native(mem, p->len);
    struct bpfrt_diag diag;

    /* Checked run: instruction count and result. */
    uint64_t got = 0;
    bpfrt_vm_set_mode(vm, BPFRT_VM_CHECKED);
    bpfrt_vm_set_budget(vm, 0);
    if (bpfrt_vm_run(vm, mem, p->len, &got, &diag) != 0)
        die("%s: checked run failed: %s", p->name, diag.msg);
    uint64_t insns = bpfrt_vm_last_insn_count();
    if (got != expect)
        die("%s: MISMATCH in checked mode: interpreter 0x%016" PRIx64 " != native 0x%016" PRIx64,
            p->name, got, expect);
    if (insns == 0)
        die("%s: checked run reported 0 instructions executed", p->name);

    /* Trusted run: must agree too. */
    bpfrt_vm_set_mode(vm, BPFRT_VM_TRUSTED);
    if (bpfrt_vm_run(vm, mem, p->len, &got, &diag) != 0)
        die("%s: trusted run failed: %s", p->name, diag.msg);
    if (got != expect)
        die("%s: MISMATCH in trusted mode: interpreter 0x%016" PRIx64 " != native 0x%016" PRIx64,
            p->name, got, expect);

    bpfrt_vm_set_mode(vm, opt->checked ? BPFRT_VM_CHECKED : BPFRT_VM_TRUSTED);
    if (!opt->json && isatty(STDERR_FILENO)) {
        fprintf(stderr, "  timing %s ...\r", p->name);
        fflush(stderr);
    }
    out->name = p->name;
    out->result = expect;
    out->insns = insns;
    out->interp_ns = measure(vm, p, mem, opt->quick);
    out->native_ns = measure(NULL, p, mem, opt->quick);

    free(mem);
    bpfrt_vm_destroy(vm);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench-interp [--quick] [--json] [--checked] [--dir DIR] [PROGRAM...]\n"
            "  --quick    one run per measurement (smoke test: results still checked)\n"
            "  --checked  time the interpreter in checked mode instead of trusted mode\n"
            "  --json     print the results as JSON\n"
            "  --dir DIR  where the PROGRAM.bin files are (default %s)\n"
            "  PROGRAM    loop, checksum, fnv1a, sort (default: all)\n",
            BENCH_PROG_DIR);
}

int main(int argc, char **argv)
{
    struct options opt = {.dir = BENCH_PROG_DIR};
    bool selected[N_PROGS] = {0};
    bool any_selected = false;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            opt.quick = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            opt.json = true;
        } else if (strcmp(argv[i], "--checked") == 0) {
            opt.checked = true;
        } else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            opt.dir = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            usage(stderr);
            return 2;
        } else {
            size_t k = 0;
            while (k < N_PROGS && strcmp(progs[k].name, argv[i]) != 0)
                k++;
            if (k == N_PROGS) {
                fprintf(stderr, "bench-interp: unknown program '%s'\n", argv[i]);
                usage(stderr);
                return 2;
            }
            selected[k] = any_selected = true;
        }
    }

    struct bench_result res[N_PROGS];
    size_t nres = 0;
    for (size_t k = 0; k < N_PROGS; k++)
        if (!any_selected || selected[k])
            run_one(&progs[k], &opt, &res[nres++]);

    if (!opt.json && isatty(STDERR_FILENO))
        fprintf(stderr, "%-40s\r", "");

    double sum_ns_insn = 0;
    for (size_t k = 0; k < nres; k++)
        sum_ns_insn += res[k].interp_ns / (double)res[k].insns;
    double mean = sum_ns_insn / (double)nres;

    const char *mode = opt.checked ? "checked" : "trusted";
    if (opt.json) {
        printf("{\n  \"mode\": \"%s\",\n  \"quick\": %s,\n  \"programs\": [\n", mode,
               opt.quick ? "true" : "false");
        for (size_t k = 0; k < nres; k++) {
            const struct bench_result *r = &res[k];
            printf("    {\"name\": \"%s\", \"result\": \"0x%016" PRIx64 "\", \"insns\": %" PRIu64
                   ", \"interp_ns\": %.1f, \"ns_per_insn\": %.4f, \"native_ns\": %.1f, "
                   "\"ratio\": %.2f}%s\n",
                   r->name, r->result, r->insns, r->interp_ns, r->interp_ns / (double)r->insns,
                   r->native_ns, r->interp_ns / r->native_ns, k + 1 < nres ? "," : "");
        }
        printf("  ],\n  \"mean_ns_per_insn\": %.4f,\n  \"target_ns_per_insn\": %.2f,\n"
               "  \"meets_target\": %s\n}\n",
               mean, TARGET_NS_PER_INSN, mean <= TARGET_NS_PER_INSN ? "true" : "false");
        return 0;
    }

    printf("bpfrt interpreter (%s mode) vs native C (%s), best of %d%s\n", mode,
#ifdef __VERSION__
           "cc " __VERSION__,
#else
           "host compiler",
#endif
           opt.quick ? 1 : TRIALS,
           opt.quick ? ", --quick: one run each, figures are not meaningful" : "");
    printf("%-10s %12s %16s %10s %16s %14s\n", "program", "eBPF insns", "interp ns/run", "ns/insn",
           "native ns/run", "interp/native");
    for (size_t k = 0; k < nres; k++) {
        const struct bench_result *r = &res[k];
        printf("%-10s %12" PRIu64 " %16.0f %10.3f %16.0f %13.1fx\n", r->name, r->insns,
               r->interp_ns, r->interp_ns / (double)r->insns, r->native_ns,
               r->interp_ns / r->native_ns);
    }
    printf("mean ns per eBPF instruction over %zu programs: %.3f\n", nres, mean);
    if (mean <= TARGET_NS_PER_INSN)
        printf("target %.2f ns/insn: met (%.0f%% of target)\n", TARGET_NS_PER_INSN,
               100.0 * mean / TARGET_NS_PER_INSN);
    else
        printf("target %.2f ns/insn: MISSED (%.2fx the target)\n", TARGET_NS_PER_INSN,
               mean / TARGET_NS_PER_INSN);
    printf("all results: interpreter == native\n");
    return 0;
}
