/* bpfrt's libbpf-compatible API: the legacy helpers it keeps, laid out as libbpf's
 * <bpf/libbpf_legacy.h>. */
#ifndef __LIBBPF_LEGACY_BPF_H
#define __LIBBPF_LEGACY_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libbpf_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The error code of a pointer returned by this API: 0 for a valid pointer, -errno for NULL (so
 * read it before errno changes), and the embedded code for a pre-1.0 ERR_PTR value. */
LIBBPF_API long libbpf_get_error(const void *ptr);

#define DECLARE_LIBBPF_OPTS LIBBPF_OPTS

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* __LIBBPF_LEGACY_BPF_H */
