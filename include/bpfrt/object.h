/* bpfrt object model: what an eBPF ELF object says (program and map specs), before anything
 * is created. The verifier reads specs; the runtime turns them into live objects. */
#ifndef BPFRT_OBJECT_H
#define BPFRT_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Program and map types and attach types use Linux's numbering (enum bpf_prog_type,
 * enum bpf_map_type, enum bpf_attach_type in linux/bpf.h). */
#define BPFRT_PROG_TYPE_UNSPEC 0u

/* Where a map spec comes from. */
enum bpfrt_map_origin {
    BPFRT_MAP_LEGACY,      /* struct bpf_map_def (and longer variants) in "maps*" sections */
    BPFRT_MAP_BTF,         /* BTF-defined in ".maps" */
    BPFRT_MAP_GLOBAL_DATA, /* .data, .rodata, .bss and their .NAME variants */
};

/* An initial entry of a program array or map-in-map (`.values = { ... }` with __array). */
struct bpfrt_map_init {
    uint32_t slot; /* key */
    int prog;      /* index of the program spec, or -1 */
    int map;       /* index of the map spec, or -1 */
};

struct bpfrt_map_spec {
    char *name;
    char *section;
    enum bpfrt_map_origin origin;
    uint32_t type, key_size, value_size, max_entries, map_flags;
    uint32_t pinning;     /* 0 none, 1 LIBBPF_PIN_BY_NAME (legacy iproute2 values kept) */
    uint32_t id;          /* iproute2/Cilium legacy "id" field (0 if absent) */
    int inner_map;        /* index of the inner map spec, or -1 */
    uint32_t key_type_id; /* BTF type ids, 0 when unknown */
    uint32_t value_type_id;
    struct bpfrt_map_init *inits; /* initial entries (__array values), init_cnt of them */
    size_t init_cnt;
    uint32_t def_size;      /* BTF maps: size of the definition in .maps */
    uint32_t values_offset; /* BTF maps: offset of the `values` member, 0 if none */
    uint8_t *initial;       /* initial contents (global data), NULL if none */
    size_t initial_size;
    size_t section_offset; /* where the definition or data starts in its section */
};

/* A line of source for an instruction (from .BTF.ext line_info). */
struct bpfrt_source_line {
    const char *file;
    const char *text;
    uint32_t line, col;
};

struct bpfrt_prog_spec {
    char *name;
    char *section;
    uint32_t type;                 /* Linux enum bpf_prog_type (0: unspecified) */
    uint32_t expected_attach_type; /* Linux enum bpf_attach_type */
    bool autoload;
    /* The program's own code followed by the subprograms it calls, relocated: map references are
     * lddw src 5 (map index) and src 6 (map index, offset in next imm); calls and function
     * addresses point at the appended subprograms. */
    struct bpfrt_insn *insns;
    size_t insn_cnt;
    size_t own_insn_cnt;                /* slots of the program's own function */
    size_t section_offset;              /* byte offset of the function in its section */
    uint32_t section_index;             /* ELF section index of the function */
    const struct bpfrt_insn *raw_insns; /* its own instructions as in the file (unrelocated) */
    struct bpfrt_prog_private *priv;    /* where each appended function came from */
    int used_by; /* subprograms: index of the first program containing it, -1 if none */
    bool global; /* a global function symbol (Linux verifies those on their own) */
};

struct bpfrt_object {
    char *name; /* file name without directories and ".o" */
    char *path;
    struct bpfrt_prog_spec *progs;
    size_t prog_cnt;
    struct bpfrt_map_spec *maps;
    size_t map_cnt;
    size_t code_func_cnt; /* function symbols in code sections (programs and subprograms) */
    /* The .text functions of an object with programs elsewhere, each built as if it were a
     * program (type unspecified), for checking functions one by one; not libbpf programs. */
    struct bpfrt_prog_spec *subprogs;
    size_t subprog_cnt;
    char *license;
    uint32_t kern_version;
    struct bpfrt_object_private *priv; /* BTF, line info, section data */
};

/* Opens an eBPF ELF object from a file. Returns NULL with diag "FILE: problem" when the file is
 * not a well-formed relocatable little-endian eBPF object or cannot be linked. */
struct bpfrt_object *bpfrt_object_open_file(const char *path, struct bpfrt_diag *diag);

/* As bpfrt_object_open_file, from memory (the bytes are copied); NAME is used in messages. */
struct bpfrt_object *bpfrt_object_open_mem(const void *data, size_t size, const char *name,
                                           struct bpfrt_diag *diag);

/* Spec I: programs are 0 .. prog_cnt-1, then the subprograms (NULL past them). Functions below
 * that take a program index accept subprogram indexes the same way. */
struct bpfrt_prog_spec *bpfrt_object_spec(const struct bpfrt_object *obj, size_t i);

/* The C source line of instruction INSN of program PROG (from .BTF.ext line info). Returns
 * false when the object has no line info for it. */
bool bpfrt_prog_source_line(const struct bpfrt_object *obj, size_t prog, size_t insn,
                            struct bpfrt_source_line *out);

/* A CO-RE relocation of a program, as compiled (bpfrt_prog_core_apply resolves it). */
struct bpfrt_core_relo_info {
    size_t insn;      /* instruction index in the program */
    const char *kind; /* "field_byte_offset", ... */
    char target[256]; /* the local type and the field path, e.g. "struct sock.__sk_common.skc_dport"
                       */
    const char *access; /* the raw access string, "0:0:2" */
};

/* Number of CO-RE relocations in program PROG (its own code and appended subprograms). */
size_t bpfrt_prog_core_relo_cnt(const struct bpfrt_object *obj, size_t prog);

/* CO-RE relocation I of program PROG. Returns false when out of range. */
bool bpfrt_prog_core_relo(const struct bpfrt_object *obj, size_t prog, size_t i,
                          struct bpfrt_core_relo_info *out);

struct bpfrt_btf;

/* bpfrt's CO-RE target types (what Linux's vmlinux BTF is to libbpf): the context structures
 * of the program types and the structures helpers use (linux/bpf.h), the kernel's x86-64
 * struct pt_regs, the UAPI packet headers. A new parse each call: free with bpfrt_btf_free. */
struct bpfrt_btf *bpfrt_core_builtin_btf(struct bpfrt_diag *diag);

/* Resolves CO-RE relocation I of PROG against TARGET (NULL: the built-in types): *LOCAL gets
 * the value compiled in, *VALUE the target's (0 for a missing type, field or enumerator with the
 * *_exists kinds). Returns 0, or -ESRCH (not in the target) / -EINVAL (malformed, ambiguous)
 * with diag naming the object, section, program, instruction, relocation, type and field. */
int bpfrt_prog_core_resolve(const struct bpfrt_object *obj, size_t prog, size_t i,
                            const struct bpfrt_btf *target, uint64_t *local, uint64_t *value,
                            struct bpfrt_diag *diag);

/* Applies every CO-RE relocation of PROG to its instructions against TARGET (NULL: built-in),
 * as libbpf does at load. On the first failure the program is refused: -ESRCH or -EINVAL with
 * diag as above, instructions unchanged. Applying again is a no-op returning 0. */
int bpfrt_prog_core_apply(struct bpfrt_object *obj, size_t prog, const struct bpfrt_btf *target,
                          struct bpfrt_diag *diag);

/* The object's BTF (NULL when it has none or it did not parse); see bpfrt/btf.h. */
const struct bpfrt_btf *bpfrt_object_btf(const struct bpfrt_object *obj);

/* Frees an object (NULL is fine). */
void bpfrt_object_close(struct bpfrt_object *obj);

/* Linux program type and expected attach type for a section name, by libbpf's conventions and
 * the older ones found in real objects. Returns false (type 0) for an unknown name. */
bool bpfrt_section_prog_type(const char *section, uint32_t *type, uint32_t *attach_type);

/* As bpfrt_section_prog_type, with libbpf 1.1's strict rules only (what
 * libbpf_prog_type_by_name() answers). */
bool bpfrt_section_prog_type_libbpf(const char *section, uint32_t *type, uint32_t *attach_type);

/* Map names hold at most 15 characters (Linux's BPF_OBJ_NAME_LEN less the NUL). */
#define BPFRT_MAP_NAME_LEN 16

/* libbpf's name for the global-data map of SECTION in object OBJ_NAME ("prog.rodata"). */
void bpfrt_data_map_name(const char *obj_name, const char *section, char name[BPFRT_MAP_NAME_LEN]);

/* Name of a Linux program type ("xdp", "sched_cls", ...) or "unspec". */
const char *bpfrt_prog_type_name(uint32_t type);

/* Name of a Linux map type ("hash", "array", ...) or "unknown". */
const char *bpfrt_map_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif
#endif
