/* bpfrt BTF: a defensive parser for the `.BTF` (type information) and `.BTF.ext` (func_info,
 * line_info, CO-RE relocations) sections that `clang -O2 -g -target bpf` emits. Everything is
 * validated when parsed, so accessors on a parsed object never read out of bounds. Layouts and
 * constants are Linux's (linux/btf.h, linux/bpf.h); little-endian BTF only. */
#ifndef BPFRT_BTF_H
#define BPFRT_BTF_H

#include <linux/btf.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most types in one chain of typedef/modifier/pointer/array/var/func references (as Linux). */
#define BPFRT_BTF_MAX_CHAIN 32

struct bpfrt_btf;

/* Parses and validates a `.BTF` section (DATA is copied). Returns NULL with diag naming the type
 * and the problem ("BTF: type [17] STRUCT 'foo': member 3 type id 9999 out of range (1..250)"). */
struct bpfrt_btf *bpfrt_btf_parse(const void *data, size_t size, struct bpfrt_diag *diag);

/* Frees a parsed BTF (NULL is fine). */
void bpfrt_btf_free(struct bpfrt_btf *btf);

/* Number of type ids: valid ids are 1 .. cnt-1, id 0 is void. */
uint32_t bpfrt_btf_type_cnt(const struct bpfrt_btf *btf);

/* Type record ID (id 0 gives a zeroed record of kind UNKN), or NULL when out of range. */
const struct btf_type *bpfrt_btf_type_by_id(const struct bpfrt_btf *btf, uint32_t id);

/* The string at OFF in the string table, or NULL when OFF is outside it. */
const char *bpfrt_btf_str(const struct bpfrt_btf *btf, uint32_t off);

/* The name of type ID ("" when anonymous, NULL for an invalid id). */
const char *bpfrt_btf_name(const struct bpfrt_btf *btf, uint32_t id);

/* Upper-case name of a BTF_KIND_* value ("STRUCT"), "UNKNOWN" for values Linux does not define. */
const char *bpfrt_btf_kind_name(unsigned kind);

/* Follows typedef, const, volatile, restrict and type_tag links from ID; returns the first other
 * type id (0 for void, or an invalid ID unchanged). */
uint32_t bpfrt_btf_skip_modifiers(const struct bpfrt_btf *btf, uint32_t id);

/* Byte size of type ID with typedefs/modifiers resolved (pointers 8, arrays elem size * nelems,
 * vars their type's size). -1 for void, functions, forward declarations and invalid ids. */
int64_t bpfrt_btf_type_size(const struct bpfrt_btf *btf, uint32_t id);

/* Smallest type id with this name and kind, or -1. */
int32_t bpfrt_btf_find_by_name_kind(const struct bpfrt_btf *btf, const char *name, unsigned kind);

/* Writes a C-like spelling of type ID into buf ("struct foo", "unsigned int", "__u32", "int *",
 * "const char *", "int[4]", "int (*)(void *, int)"); returns the length it needs (as snprintf),
 * or -1 for an invalid id (buf then holds ""). */
int bpfrt_btf_type_name(const struct bpfrt_btf *btf, uint32_t id, char *buf, size_t len);

/* The DATASEC type named SEC_NAME (".maps", ".data", ".rodata", ".bss", ".kconfig", ...), or -1. */
int32_t bpfrt_btf_datasec_find(const struct bpfrt_btf *btf, const char *sec_name);

/* --- Record accessors (T must come from bpfrt_btf_type_by_id; the kinds are not checked) --- */

static inline unsigned bpfrt_btf_kind(const struct btf_type *t)
{
    return BTF_INFO_KIND(t->info);
}
static inline unsigned bpfrt_btf_vlen(const struct btf_type *t)
{
    return BTF_INFO_VLEN(t->info);
}
static inline unsigned bpfrt_btf_kflag(const struct btf_type *t)
{
    return BTF_INFO_KFLAG(t->info);
}
/* INT: the encoding word (BTF_INT_ENCODING/OFFSET/BITS). */
static inline uint32_t bpfrt_btf_int_info(const struct btf_type *t)
{
    return *(const uint32_t *)(t + 1);
}
/* ARRAY: element type, index type, element count. */
static inline const struct btf_array *bpfrt_btf_array(const struct btf_type *t)
{
    return (const struct btf_array *)(t + 1);
}
/* STRUCT, UNION: vlen members. */
static inline const struct btf_member *bpfrt_btf_members(const struct btf_type *t)
{
    return (const struct btf_member *)(t + 1);
}
/* Bit offset of member I (bitfield size removed when kind_flag is set). */
static inline uint32_t bpfrt_btf_member_bit_offset(const struct btf_type *t, unsigned i)
{
    uint32_t off = bpfrt_btf_members(t)[i].offset;
    return bpfrt_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(off) : off;
}
/* Bitfield size of member I when kind_flag is set (0 otherwise or for non-bitfields). */
static inline uint32_t bpfrt_btf_member_bitfield_size(const struct btf_type *t, unsigned i)
{
    return bpfrt_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(bpfrt_btf_members(t)[i].offset) : 0;
}
/* FUNC_PROTO: vlen parameters (a last one with type 0 means "..."). */
static inline const struct btf_param *bpfrt_btf_params(const struct btf_type *t)
{
    return (const struct btf_param *)(t + 1);
}
/* ENUM: vlen values. */
static inline const struct btf_enum *bpfrt_btf_enums(const struct btf_type *t)
{
    return (const struct btf_enum *)(t + 1);
}
/* ENUM64: vlen values; bpfrt_btf_enum64_value gives value I. */
static inline const struct btf_enum64 *bpfrt_btf_enums64(const struct btf_type *t)
{
    return (const struct btf_enum64 *)(t + 1);
}
static inline uint64_t bpfrt_btf_enum64_value(const struct btf_type *t, unsigned i)
{
    const struct btf_enum64 *e = bpfrt_btf_enums64(t) + i;
    return (uint64_t)e->val_hi32 << 32 | e->val_lo32;
}
/* VAR: linkage (BTF_VAR_STATIC, _GLOBAL_ALLOCATED, _GLOBAL_EXTERN). */
static inline const struct btf_var *bpfrt_btf_var(const struct btf_type *t)
{
    return (const struct btf_var *)(t + 1);
}
/* DATASEC: vlen entries {VAR or FUNC type id, offset in the section, size}. */
static inline const struct btf_var_secinfo *bpfrt_btf_var_secinfos(const struct btf_type *t)
{
    return (const struct btf_var_secinfo *)(t + 1);
}
/* DECL_TAG: component index (-1: the whole type, else member or parameter number). */
static inline const struct btf_decl_tag *bpfrt_btf_decl_tag(const struct btf_type *t)
{
    return (const struct btf_decl_tag *)(t + 1);
}

/* --- .BTF.ext --- */

struct bpfrt_btf_ext;

/* One func_info record: a function starts at instruction insn_idx of its ELF section. */
struct bpfrt_btf_func {
    uint32_t insn_idx; /* instruction index in the section (insn_off / 8) */
    uint32_t type_id;  /* a FUNC type */
    const char *name;  /* the FUNC's name */
};

/* One line_info record: instructions from insn_idx on come from FILE:LINE:COL. */
struct bpfrt_btf_line {
    uint32_t insn_idx;
    const char *file;      /* file name */
    const char *line_text; /* source text of the line ("" when not recorded) */
    uint32_t line, col;
};

/* One CO-RE relocation record (kind: enum bpf_core_relo_kind in linux/bpf.h). */
struct bpfrt_btf_core_relo {
    uint32_t insn_idx;
    uint32_t type_id;   /* the local root type */
    const char *access; /* access string, e.g. "0:1:0:5" */
    uint32_t kind;
};

/* Parses and validates a `.BTF.ext` section against BTF (which must outlive the result: names
 * point into its string table). Returns NULL with diag naming the block, section and record. */
struct bpfrt_btf_ext *bpfrt_btf_ext_parse(const void *data, size_t size,
                                          const struct bpfrt_btf *btf, struct bpfrt_diag *diag);

/* Frees a parsed .BTF.ext (NULL is fine). */
void bpfrt_btf_ext_free(struct bpfrt_btf_ext *ext);

/* Number of ELF sections that have records, and the name of section I (NULL when out of range). */
size_t bpfrt_btf_ext_section_cnt(const struct bpfrt_btf_ext *ext);
const char *bpfrt_btf_ext_section_name(const struct bpfrt_btf_ext *ext, size_t i);

/* func_info records of SECTION, sorted by instruction; returns their count (0 when none). */
size_t bpfrt_btf_ext_funcs(const struct bpfrt_btf_ext *ext, const char *section,
                           const struct bpfrt_btf_func **out);

/* line_info records of SECTION, sorted by instruction; returns their count (0 when none). */
size_t bpfrt_btf_ext_lines(const struct bpfrt_btf_ext *ext, const char *section,
                           const struct bpfrt_btf_line **out);

/* CO-RE relocation records of SECTION in file order; returns their count (0 when none). */
size_t bpfrt_btf_ext_core_relos(const struct bpfrt_btf_ext *ext, const char *section,
                                const struct bpfrt_btf_core_relo **out);

/* The last line_info record of SECTION at or before instruction INSN_IDX, or NULL. */
const struct bpfrt_btf_line *bpfrt_btf_ext_line_for(const struct bpfrt_btf_ext *ext,
                                                    const char *section, uint32_t insn_idx);

/* Name of a CO-RE relocation kind ("field_byte_offset"), "unknown" when out of range. */
const char *bpfrt_btf_core_relo_kind_name(uint32_t kind);

#ifdef __cplusplus
}
#endif
#endif
