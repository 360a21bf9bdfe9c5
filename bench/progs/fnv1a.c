/* fnv1a: the 64-bit FNV-1a hash of [mem, mem+len). */
#include "bench_prog.h"

BENCH_PROG(fnv1a)
{
    const uint8_t *p = (const uint8_t *)mem;
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
