/* A single function, in .text: libbpf lists it as a program of unknown type. */
#include "progs.h"

volatile int bss_only;

int only(void *ctx)
{
    return bss_only;
}
