/* sort: copies the N u32 of the input (first half of mem) into the scratch area (second half),
 * insertion-sorts the scratch copy and returns an FNV-1a-style hash of the sorted values, so
 * every run does the same work. Returns 0 if the result is somehow not sorted. */
#include "bench_prog.h"

BENCH_INLINE uint64_t sorted_hash(const uint32_t *a, uint64_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++) {
        if (i > 0 && a[i - 1] > a[i])
            return 0;
        h = (h ^ a[i]) * 0x100000001b3ull;
    }
    return h;
}

BENCH_PROG(sort)
{
    uint64_t n = len / 8;
    const uint32_t *in = (const uint32_t *)mem;
    uint32_t *a = (uint32_t *)mem + n;

    for (uint64_t i = 0; i < n; i++)
        a[i] = in[i];
    for (uint64_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        uint64_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
    return sorted_hash(a, n);
}
