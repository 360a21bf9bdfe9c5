/* Shared header for the benchmark programs. Each program is written once in C and compiled
 * twice: by clang for the BPF target (the entry becomes the only function of its own code
 * section, extracted to a raw .bin) and by the host compiler into bench-interp (the entry
 * becomes a noinline native function bench_native_NAME).
 *
 * Rules for the programs, because the BPF object must be a single self-contained section:
 * no globals or constant tables, no calls (helpers are static inline + always_inline),
 * no memcpy/memset and nothing the compiler could turn into them, unsigned arithmetic only
 * (both builds must compute the same result). */
#ifndef BPFRT_BENCH_PROG_H
#define BPFRT_BENCH_PROG_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_INLINE static inline __attribute__((always_inline))

#ifdef __bpf__
/* eBPF entry: r1 = mem, r2 = len; the result is returned in r0. */
#define BENCH_PROG(name)                                                                           \
    __attribute__((section("bench_" #name), used))                                                 \
    uint64_t bench_bpf_##name(void *mem, uint64_t len)
#else
#define BENCH_PROG(name)                                                                           \
    __attribute__((noinline)) uint64_t bench_native_##name(void *mem, uint64_t len)

/* Native entries, one per program (defined in progs/NAME.c). */
uint64_t bench_native_loop(void *mem, uint64_t len);
uint64_t bench_native_checksum(void *mem, uint64_t len);
uint64_t bench_native_fnv1a(void *mem, uint64_t len);
uint64_t bench_native_sort(void *mem, uint64_t len);
#endif

/* Memory layouts shared by the programs and the harness. */
#define BENCH_LOOP_LEN 16u             /* u64 iterations, u64 seed */
#define BENCH_LOOP_ITERS (1u << 20)    /* ~1M iterations */
#define BENCH_CHECKSUM_LEN (64u << 10) /* 64 KiB of data */
#define BENCH_FNV1A_LEN (64u << 10)    /* 64 KiB of data */
#define BENCH_SORT_N 256u              /* u32 input[N], then u32 scratch[N] */
#define BENCH_SORT_LEN (2u * BENCH_SORT_N * 4u)

#endif
