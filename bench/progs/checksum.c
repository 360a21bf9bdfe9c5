/* checksum: the 16-bit ones'-complement Internet checksum (RFC 1071) over [mem, mem+len),
 * summing host-order 16-bit words (a trailing odd byte is padded with zero). */
#include "bench_prog.h"

BENCH_PROG(checksum)
{
    const uint16_t *w = (const uint16_t *)mem;
    uint64_t words = len / 2;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < words; i++)
        sum += w[i];
    if (len & 1)
        sum += ((const uint8_t *)mem)[len - 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}
