/* Two global functions, both in .text: libbpf treats them as subprograms and lists no program. */
#include "progs.h"

__attribute__((noinline)) int first(int x)
{
    return x + 1;
}

__attribute__((noinline)) int second(int x)
{
    return first(x) * 2;
}
