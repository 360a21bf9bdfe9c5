/* A long file name with dots: the object name is cut at the first '.' and at 15 characters, and
 * global-data map names take a prefix of it. */
#include "progs.h"

char LICENSE[] SEC("license") = "GPL";
int value = 3;
const volatile int limit = 9;

SEC("tc") int classify(void *ctx)
{
    return value < limit;
}
