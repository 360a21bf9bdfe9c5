/* The operating-system seam: everything that differs between Linux and Windows. */
#ifndef BPFRT_PLATFORM_H
#define BPFRT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa.h"

/* Monotonic clock in nanoseconds. */
uint64_t bpfrt_now_ns(void);

/* Reads a whole file into a malloc'd buffer (NUL-terminated, *len excludes the NUL).
 * Returns 0, or -1 with diag "PATH: reason". */
int bpfrt_read_file(const char *path, char **data, size_t *len, struct bpfrt_diag *diag);

/* Writes LEN bytes to PATH (replacing it). Returns 0, or -1 with diag. */
int bpfrt_write_file(const char *path, const void *data, size_t len, struct bpfrt_diag *diag);

#endif
