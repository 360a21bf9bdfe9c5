/* bpfrt's libbpf-compatible API: common macros, laid out as libbpf's <bpf/libbpf_common.h>. */
#ifndef __LIBBPF_LIBBPF_COMMON_H
#define __LIBBPF_LIBBPF_COMMON_H

#include <string.h>

#include "libbpf_version.h"

#ifndef LIBBPF_API
#define LIBBPF_API __attribute__((visibility("default")))
#endif

#define LIBBPF_DEPRECATED(msg) __attribute__((deprecated(msg)))

/* Declares options struct TYPE named NAME, zeroed (padding included), with .sz set to its size
 * and the given fields (designated initializers) set: LIBBPF_OPTS(bpf_object_open_opts, o,
 * .object_name = "x"). Needs GNU C statement expressions, as libbpf's. */
#define LIBBPF_OPTS(TYPE, NAME, ...)                                                               \
    struct TYPE NAME = ({                                                                          \
        memset(&NAME, 0, sizeof(struct TYPE));                                                     \
        (struct TYPE){.sz = sizeof(struct TYPE), __VA_ARGS__};                                     \
    })

#endif /* __LIBBPF_LIBBPF_COMMON_H */
