/* bpfrt's libbpf-compatible API: the object-inspection subset of libbpf 1.x (open an eBPF ELF
 * object, walk its programs and maps), with libbpf's names, types and semantics, on top of
 * bpfrt's loader (bpfrt/object.h). Nothing here talks to a kernel: there is no load or attach.
 *
 * As in libbpf 1.x: functions returning pointers give NULL and set errno on failure; failures
 * are also reported through the print callback at LIBBPF_WARN ("libbpf: ..."). Where bpfrt and
 * libbpf 1.1 differ, it is said at the function; src/libbpf/libbpf.c has the details. */
#ifndef __LIBBPF_LIBBPF_H
#define __LIBBPF_LIBBPF_H

#include <linux/bpf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "libbpf_common.h"
#include "libbpf_legacy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* errno values beyond the system ones (libbpf's numbering). */
enum libbpf_errno {
    __LIBBPF_ERRNO__START = 4000,

    /* Something wrong in libelf */
    LIBBPF_ERRNO__LIBELF = __LIBBPF_ERRNO__START,
    LIBBPF_ERRNO__FORMAT,   /* BPF object format invalid */
    LIBBPF_ERRNO__KVERSION, /* Incorrect or no 'version' section */
    LIBBPF_ERRNO__ENDIAN,   /* Endian mismatch */
    LIBBPF_ERRNO__INTERNAL, /* Internal error in libbpf */
    LIBBPF_ERRNO__RELOC,    /* Relocation failed */
    LIBBPF_ERRNO__LOAD,     /* Load program failure for unknown reason */
    LIBBPF_ERRNO__VERIFY,   /* Kernel verifier blocks program loading */
    LIBBPF_ERRNO__PROG2BIG, /* Program too big */
    LIBBPF_ERRNO__KVER,     /* Incorrect kernel version */
    LIBBPF_ERRNO__PROGTYPE, /* Kernel doesn't support this program type */
    LIBBPF_ERRNO__WRNGPID,  /* Wrong pid in netlink message */
    LIBBPF_ERRNO__INVSEQ,   /* Invalid netlink sequence */
    LIBBPF_ERRNO__NLPARSE,  /* netlink parsing error */
    __LIBBPF_ERRNO__END,
};

enum libbpf_print_level {
    LIBBPF_WARN,
    LIBBPF_INFO,
    LIBBPF_DEBUG,
};

typedef int (*libbpf_print_fn_t)(enum libbpf_print_level level, const char *, va_list ap);

/* Sets the function that receives libbpf's messages (NULL: none) and returns the previous one.
 * The default prints LIBBPF_WARN and LIBBPF_INFO messages to stderr. Not thread-safe. */
LIBBPF_API libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn);

/* Hide internal to user */
struct bpf_object;

/* Options of bpf_object__open_file/open_mem; declare with LIBBPF_OPTS. bpfrt uses sz and
 * object_name; the other fields are accepted and ignored (they concern loading). */
struct bpf_object_open_opts {
    /* size of this struct, for forward/backward compatibility */
    size_t sz;
    /* object name override: replaces the file's base name, or the "<addr>-<size>" name of an
     * object opened from memory */
    const char *object_name;
    /* parse map definitions non-strictly, allowing extra attributes/data */
    bool relaxed_maps;
    /* directory of maps pinned by name; defaults to "/sys/fs/bpf" */
    const char *pin_root_path;

    __u32 : 32; /* stub out now removed attach_prog_fd */

    /* Additional kernel config content for CONFIG_xxx externs */
    const char *kconfig;
    /* Path to the custom BTF used for BPF CO-RE relocations */
    const char *btf_custom_path;
    /* Buffer, size and level of kernel logs (BTF and program loads) */
    char *kernel_log_buf;
    size_t kernel_log_size;
    __u32 kernel_log_level;

    size_t : 0;
};
#define bpf_object_open_opts__last_field kernel_log_level

/* Opens the eBPF ELF object at PATH (OPTS may be NULL). Returns NULL with errno set: the OS error
 * when the file cannot be read (ENOENT, ...), EINVAL for bad arguments or options,
 * LIBBPF_ERRNO__LIBELF / LIBBPF_ERRNO__FORMAT when the file is not a usable eBPF object. */
LIBBPF_API struct bpf_object *bpf_object__open_file(const char *path,
                                                    const struct bpf_object_open_opts *opts);

/* As bpf_object__open_file, from OBJ_BUF_SZ bytes at OBJ_BUF (copied; the buffer may be freed
 * afterwards). The object is named opts->object_name, else "<buffer address>-<size>" in hex. */
LIBBPF_API struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz,
                                                   const struct bpf_object_open_opts *opts);

/* Frees an object with its programs and maps (NULL is fine). */
LIBBPF_API void bpf_object__close(struct bpf_object *object);

/* The object's name: opts->object_name, or the file's base name up to its first '.'; at most 15
 * characters (the kernel's BPF_OBJ_NAME_LEN). */
LIBBPF_API const char *bpf_object__name(const struct bpf_object *obj);

/* The program called NAME (its function's name), or NULL with errno ENOENT. */
LIBBPF_API struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj,
                                                                const char *name);

/* Program type and expected attach type of section NAME by libbpf 1.1's strict SEC() names
 * ("xdp", "kprobe/...", "tc", ...). Returns 0, or -ESRCH (errno ESRCH) for an unknown name. */
LIBBPF_API int libbpf_prog_type_by_name(const char *name, enum bpf_prog_type *prog_type,
                                        enum bpf_attach_type *expected_attach_type);

/* Accessors of bpf_program */
struct bpf_program;

/* The program after PROG (the first when PROG is NULL), or NULL at the end. Programs come in
 * section order, then by offset; .text functions are subprograms and are not listed, unless
 * the object has a single function in all. */
LIBBPF_API struct bpf_program *bpf_object__next_program(const struct bpf_object *obj,
                                                        struct bpf_program *prog);

#define bpf_object__for_each_program(pos, obj)                                                     \
    for ((pos) = bpf_object__next_program((obj), NULL); (pos) != NULL;                             \
         (pos) = bpf_object__next_program((obj), (pos)))

/* The program's name: its function's name. */
LIBBPF_API const char *bpf_program__name(const struct bpf_program *prog);
/* Its ELF section name (a leading '?' removed). */
LIBBPF_API const char *bpf_program__section_name(const struct bpf_program *prog);
/* Whether it would be loaded: true unless its section name starts with '?' or it was changed. */
LIBBPF_API bool bpf_program__autoload(const struct bpf_program *prog);
/* Sets autoload; returns 0. */
LIBBPF_API int bpf_program__set_autoload(struct bpf_program *prog, bool autoload);

struct bpf_insn;

/* The program's instructions as the ELF file has them (before any relocation, as libbpf before
 * bpf_object__load), with bpf_program__insn_cnt() of them; never NULL. */
LIBBPF_API const struct bpf_insn *bpf_program__insns(const struct bpf_program *prog);

/* Number of instructions of the program's own function (subprograms it calls not included, as
 * libbpf before load). */
LIBBPF_API size_t bpf_program__insn_cnt(const struct bpf_program *prog);

/* Program type from the section name (libbpf_prog_type_by_name), BPF_PROG_TYPE_UNSPEC when the
 * name is not one libbpf 1.x knows, or as set by bpf_program__set_type. */
LIBBPF_API enum bpf_prog_type bpf_program__type(const struct bpf_program *prog);

/* Sets the program type (also in the bpfrt object underneath); returns 0. */
LIBBPF_API int bpf_program__set_type(struct bpf_program *prog, enum bpf_prog_type type);

/* Expected attach type from the section name (0 when it implies none). */
LIBBPF_API enum bpf_attach_type bpf_program__expected_attach_type(const struct bpf_program *prog);

/* The map called NAME, or NULL with errno ENOENT. A name starting with '.' matches the section of
 * a global-data map (".data", ".rodata.str1.1"); custom ".data.*"/".rodata.*" maps are named by
 * their section. */
LIBBPF_API struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj,
                                                        const char *name);

/* The map after MAP (the first when MAP is NULL), or NULL at the end: maps defined in "maps" or
 * ".maps" sections in definition order, then one per non-empty global-data section in section
 * order. Inner map templates are reached through bpf_map__inner_map only. */
LIBBPF_API struct bpf_map *bpf_object__next_map(const struct bpf_object *obj,
                                                const struct bpf_map *map);

#define bpf_object__for_each_map(pos, obj)                                                         \
    for ((pos) = bpf_object__next_map((obj), NULL); (pos) != NULL;                                 \
         (pos) = bpf_object__next_map((obj), (pos)))
#define bpf_map__for_each bpf_object__for_each_map

/* get map name: the variable's name; for global data "<object prefix>.data", ".bss", ...
 * (kernel-style, 15 characters at most), or the section name of custom .data.* / .rodata.* */
LIBBPF_API const char *bpf_map__name(const struct bpf_map *map);
/* get map type */
LIBBPF_API enum bpf_map_type bpf_map__type(const struct bpf_map *map);
/* get map size (max_entries) */
LIBBPF_API __u32 bpf_map__max_entries(const struct bpf_map *map);
/* get map flags (global data: BPF_F_RDONLY_PROG for .rodata*, BPF_F_MMAPABLE when the section
 * holds a non-static variable) */
LIBBPF_API __u32 bpf_map__map_flags(const struct bpf_map *map);
/* get map key size */
LIBBPF_API __u32 bpf_map__key_size(const struct bpf_map *map);
/* get map value size */
LIBBPF_API __u32 bpf_map__value_size(const struct bpf_map *map);

/* Initial contents of a global-data map (zeros for .bss), with their size in *psize; NULL for
 * other maps (*psize then untouched). */
LIBBPF_API const void *bpf_map__initial_value(struct bpf_map *map, size_t *psize);

/* The inner map template of a map-in-map (NULL when it declares none); NULL with errno EINVAL
 * when MAP is not a map-in-map. */
LIBBPF_API struct bpf_map *bpf_map__inner_map(struct bpf_map *map);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* __LIBBPF_LIBBPF_H */
