/* loop: a tight mixing loop (xorshift64 feeding a multiply-xorshift accumulator) iterated N
 * times, N and the seed read from memory. The chain through acc has no closed form, so the
 * native build cannot shortcut it either. mem: u64 n, u64 seed; len >= 16. */
#include "bench_prog.h"

BENCH_PROG(loop)
{
    const uint64_t *p = (const uint64_t *)mem;
    if (len < BENCH_LOOP_LEN)
        return 0;
    uint64_t n = p[0];
    uint64_t x = p[1] | 1; /* xorshift state must not be zero */
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc = (acc ^ x) * 0x9e3779b97f4a7c15ull + i;
        acc ^= acc >> 31;
    }
    return acc;
}
