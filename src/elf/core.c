/* CO-RE ("compile once, run everywhere"): the relocations clang records in .BTF.ext for
 * __builtin_preserve_access_index and the bpf_core_* builtins, resolved against a target BTF and
 * patched into the instructions the way libbpf does at load (tools/lib/bpf/relo_core.c):
 *
 *  - the local spec is the access string walked over the object's own BTF ("0:1:2": element 0
 *    of the root type, then member 1, then member 2);
 *  - candidates are the target types of the same kind whose name is the same once a "___flavour"
 *    suffix is dropped; members are matched by name (through anonymous structs and unions) with
 *    compatible types, array elements by index;
 *  - every matching candidate must give the same value; the instruction (ALU immediate, load or
 *    store offset, or 64-bit immediate) must hold the local value, and gets the target's.
 *
 * bpfrt's target is the BTF of src/elf/core_types.bpf.c: the context structures of the program
 * types, the structures helpers use and the UAPI packet headers. Where a relocation names a type
 * or field that the target does not have, the program is refused (libbpf would instead poison
 * the instruction and leave it to the verifier); *_exists relocations then simply give 0. */
#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "bpfrt/object.h"
#include "elf/elf_internal.h"
#include "isa/isa_internal.h"

extern const unsigned char bpfrt_core_types_btf[];
extern const size_t bpfrt_core_types_btf_size;

/* enum bpf_core_relo_kind (linux/bpf.h), shortened */
enum {
    FIELD_BYTE_OFFSET = BPF_CORE_FIELD_BYTE_OFFSET,
    FIELD_BYTE_SIZE = BPF_CORE_FIELD_BYTE_SIZE,
    FIELD_EXISTS = BPF_CORE_FIELD_EXISTS,
    FIELD_SIGNED = BPF_CORE_FIELD_SIGNED,
    FIELD_LSHIFT_U64 = BPF_CORE_FIELD_LSHIFT_U64,
    FIELD_RSHIFT_U64 = BPF_CORE_FIELD_RSHIFT_U64,
    TYPE_ID_LOCAL = BPF_CORE_TYPE_ID_LOCAL,
    TYPE_ID_TARGET = BPF_CORE_TYPE_ID_TARGET,
    TYPE_EXISTS = BPF_CORE_TYPE_EXISTS,
    TYPE_SIZE = BPF_CORE_TYPE_SIZE,
    ENUMVAL_EXISTS = BPF_CORE_ENUMVAL_EXISTS,
    ENUMVAL_VALUE = BPF_CORE_ENUMVAL_VALUE,
    TYPE_MATCHES = BPF_CORE_TYPE_MATCHES,
};

#define SPEC_MAX 64 /* accessors in one access string (libbpf's BPF_CORE_SPEC_MAX_LEN) */

static bool kind_is_field(uint32_t k)
{
    return k <= FIELD_RSHIFT_U64;
}
static bool kind_is_enumval(uint32_t k)
{
    return k == ENUMVAL_EXISTS || k == ENUMVAL_VALUE;
}
static bool kind_is_existence(uint32_t k)
{
    return k == FIELD_EXISTS || k == TYPE_EXISTS || k == ENUMVAL_EXISTS || k == TYPE_MATCHES;
}

/* One step of a spec: a member (NAME set, IDX its index in composite TYPE_ID), an array element
 * (NAME NULL, IDX the element of array TYPE_ID), or the root (IDX the element of the root). */
struct acc {
    uint32_t type_id;
    uint32_t idx;
    const char *name;
};

struct spec {
    const struct bpfrt_btf *btf;
    uint32_t root_id;
    struct acc acc[SPEC_MAX]; /* the root, then named members and array elements */
    size_t len;
    uint64_t bit_offset;
};

struct bpfrt_btf *bpfrt_core_builtin_btf(struct bpfrt_diag *diag)
{
    return bpfrt_btf_parse(bpfrt_core_types_btf, bpfrt_core_types_btf_size, diag);
}

static const struct btf_type *type_of(const struct bpfrt_btf *btf, uint32_t id)
{
    return bpfrt_btf_type_by_id(btf, bpfrt_btf_skip_modifiers(btf, id));
}

static bool is_composite(const struct btf_type *t)
{
    return t && (bpfrt_btf_kind(t) == BTF_KIND_STRUCT || bpfrt_btf_kind(t) == BTF_KIND_UNION);
}

static bool is_any_enum(const struct btf_type *t)
{
    return t && (bpfrt_btf_kind(t) == BTF_KIND_ENUM || bpfrt_btf_kind(t) == BTF_KIND_ENUM64);
}

/* Length of NAME without a "___flavour" suffix (libbpf's bpf_core_essential_name_len: the last
 * run of exactly three underscores between two other characters). */
static size_t essential_len(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
        if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' &&
            name[i + 4] != '_')
            return i + 1;
    return n;
}

static bool essential_eq(const char *a, const char *b)
{
    size_t la = essential_len(a), lb = essential_len(b);
    return la == lb && memcmp(a, b, la) == 0;
}

/* Name of enumerator I of enum type T. */
static const char *enumerator_name(const struct bpfrt_btf *btf, const struct btf_type *t,
                                   unsigned i)
{
    uint32_t off = bpfrt_btf_kind(t) == BTF_KIND_ENUM ? bpfrt_btf_enums(t)[i].name_off
                                                      : bpfrt_btf_enums64(t)[i].name_off;
    return bpfrt_btf_str(btf, off);
}

static int64_t enumerator_value(const struct btf_type *t, unsigned i)
{
    if (bpfrt_btf_kind(t) == BTF_KIND_ENUM)
        return bpfrt_btf_kflag(t) ? (int64_t)bpfrt_btf_enums(t)[i].val
                                  : (int64_t)(uint32_t)bpfrt_btf_enums(t)[i].val;
    return (int64_t)bpfrt_btf_enum64_value(t, i);
}

/* Parses ACCESS ("0:1:2") over local type ROOT into SPEC. Returns NULL or what is wrong. */
static const char *parse_spec(const struct bpfrt_btf *btf, uint32_t root, const char *access,
                              uint32_t kind, struct spec *spec)
{
    uint32_t raw[SPEC_MAX];
    size_t n = 0;
    for (const char *p = access;;) {
        if (*p < '0' || *p > '9')
            return "malformed access string";
        unsigned long long v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (unsigned long long)(*p++ - '0');
            if (v > INT32_MAX)
                return "access index out of range";
        }
        if (n == SPEC_MAX)
            return "access string too long";
        raw[n++] = (uint32_t)v;
        if (!*p)
            break;
        if (*p++ != ':')
            return "malformed access string";
    }
    memset(spec, 0, sizeof(*spec));
    spec->btf = btf;
    spec->root_id = root;
    const struct btf_type *t = type_of(btf, root);
    if (!t || root == 0)
        return "relocation against void or an invalid type";
    if (!kind_is_field(kind) && !kind_is_enumval(kind)) {
        if (n != 1 || raw[0] != 0)
            return "type relocation with an access string other than \"0\"";
        spec->acc[spec->len++] = (struct acc){root, 0, NULL};
        return NULL;
    }
    if (kind_is_enumval(kind)) {
        if (!is_any_enum(t) || n != 1 || raw[0] >= bpfrt_btf_vlen(t))
            return "enum relocation that does not name an enumerator";
        spec->acc[spec->len++] = (struct acc){root, raw[0], enumerator_name(btf, t, raw[0])};
        return NULL;
    }
    int64_t sz = bpfrt_btf_type_size(btf, root);
    if (sz < 0)
        return "relocation against a type without a size";
    spec->acc[spec->len++] = (struct acc){root, raw[0], NULL};
    spec->bit_offset = (uint64_t)raw[0] * (uint64_t)sz * 8;
    uint32_t id = root;
    for (size_t i = 1; i < n; i++) {
        uint32_t cur = bpfrt_btf_skip_modifiers(btf, id);
        t = bpfrt_btf_type_by_id(btf, cur);
        if (is_composite(t)) {
            if (raw[i] >= bpfrt_btf_vlen(t))
                return "member index out of range";
            const struct btf_member *m = &bpfrt_btf_members(t)[raw[i]];
            const char *name = bpfrt_btf_str(btf, m->name_off);
            spec->bit_offset += bpfrt_btf_member_bit_offset(t, raw[i]);
            if (name && *name)
                spec->acc[spec->len++] = (struct acc){cur, raw[i], name};
            id = m->type;
        } else if (t && bpfrt_btf_kind(t) == BTF_KIND_ARRAY) {
            const struct btf_array *a = bpfrt_btf_array(t);
            int64_t esz = bpfrt_btf_type_size(btf, a->type);
            if (esz < 0)
                return "array of elements without a size";
            if (a->nelems && raw[i] >= a->nelems)
                return "array index out of range";
            spec->acc[spec->len++] = (struct acc){cur, raw[i], NULL};
            spec->bit_offset += (uint64_t)raw[i] * (uint64_t)esz * 8;
            id = a->type;
        } else {
            return "access string goes past a scalar";
        }
    }
    return NULL;
}

/* libbpf's bpf_core_fields_are_compat (FIELD: may a field of local type LID be read as target
 * TID? any two structs or unions, any two pointers) and bpf_core_types_are_compat (!FIELD, for
 * type relocations: pointers and function prototypes compared through). */
static bool compat(const struct bpfrt_btf *lb, uint32_t lid, const struct bpfrt_btf *tb,
                   uint32_t tid, bool field, int depth)
{
    const struct btf_type *l = type_of(lb, lid), *t = type_of(tb, tid);
    if (!l || !t || depth > BPFRT_BTF_MAX_CHAIN)
        return false;
    if ((field && is_composite(l) && is_composite(t)) || (is_any_enum(l) && is_any_enum(t)))
        return true;
    if (bpfrt_btf_kind(l) != bpfrt_btf_kind(t))
        return false;
    switch (bpfrt_btf_kind(l)) {
    case BTF_KIND_UNKN:
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: return !field;
    case BTF_KIND_FWD:
    case BTF_KIND_FLOAT: return true;
    case BTF_KIND_INT:
        return BTF_INT_OFFSET(bpfrt_btf_int_info(l)) == 0 &&
               BTF_INT_OFFSET(bpfrt_btf_int_info(t)) == 0;
    case BTF_KIND_PTR: return field || compat(lb, l->type, tb, t->type, field, depth + 1);
    case BTF_KIND_ARRAY:
        return compat(lb, bpfrt_btf_array(l)->type, tb, bpfrt_btf_array(t)->type, field, depth + 1);
    case BTF_KIND_FUNC_PROTO: {
        unsigned n = bpfrt_btf_vlen(l);
        if (field || n != bpfrt_btf_vlen(t))
            return false;
        for (unsigned i = 0; i < n; i++)
            if (!compat(lb, bpfrt_btf_params(l)[i].type, tb, bpfrt_btf_params(t)[i].type, field,
                        depth + 1))
                return false;
        return compat(lb, l->type, tb, t->type, field, depth + 1);
    }
    default: return false;
    }
}

/* For type_matches: compatible, and every member or enumerator the local type names exists in
 * the target with a matching type (a shallower form of libbpf's bpf_core_types_match). */
static bool types_match(const struct bpfrt_btf *lb, uint32_t lid, const struct bpfrt_btf *tb,
                        uint32_t tid, int depth)
{
    if (!compat(lb, lid, tb, tid, false, depth))
        return false;
    const struct btf_type *l = type_of(lb, lid), *t = type_of(tb, tid);
    if (is_composite(l)) {
        if (bpfrt_btf_kind(l) != bpfrt_btf_kind(t))
            return false;
        for (unsigned i = 0; i < bpfrt_btf_vlen(l); i++) {
            const char *ln = bpfrt_btf_str(lb, bpfrt_btf_members(l)[i].name_off);
            bool found = false;
            for (unsigned j = 0; j < bpfrt_btf_vlen(t) && !found; j++) {
                const char *tn = bpfrt_btf_str(tb, bpfrt_btf_members(t)[j].name_off);
                found = ln && tn && strcmp(ln, tn) == 0 &&
                        compat(lb, bpfrt_btf_members(l)[i].type, tb, bpfrt_btf_members(t)[j].type,
                               true, depth + 1);
            }
            if (!found)
                return false;
        }
    } else if (is_any_enum(l)) {
        for (unsigned i = 0; i < bpfrt_btf_vlen(l); i++) {
            const char *ln = enumerator_name(lb, l, i);
            bool found = false;
            for (unsigned j = 0; j < bpfrt_btf_vlen(t) && !found; j++) {
                const char *tn = enumerator_name(tb, t, j);
                found = ln && tn && strcmp(ln, tn) == 0;
            }
            if (!found)
                return false;
        }
    } else if (bpfrt_btf_kind(l) == BTF_KIND_INT) {
        return l->size == t->size && (BTF_INT_ENCODING(bpfrt_btf_int_info(l)) & BTF_INT_SIGNED) ==
                                         (BTF_INT_ENCODING(bpfrt_btf_int_info(t)) & BTF_INT_SIGNED);
    }
    return true;
}

/* Finds member NAME (of local type LTYPE) in target composite TID, looking through anonymous
 * members; appends its accessor to T and adds its bit offset. */
static bool match_member(const struct bpfrt_btf *lb, uint32_t ltype, const char *name,
                         struct spec *t, uint32_t tid, uint32_t *out_type, int depth)
{
    uint32_t cur = bpfrt_btf_skip_modifiers(t->btf, tid);
    const struct btf_type *tt = bpfrt_btf_type_by_id(t->btf, cur);
    if (!is_composite(tt) || depth > BPFRT_BTF_MAX_CHAIN || t->len == SPEC_MAX)
        return false;
    for (unsigned i = 0; i < bpfrt_btf_vlen(tt); i++) {
        const struct btf_member *m = &bpfrt_btf_members(tt)[i];
        const char *mn = bpfrt_btf_str(t->btf, m->name_off);
        uint64_t off = bpfrt_btf_member_bit_offset(tt, i);
        if (!mn || !*mn) {
            t->bit_offset += off;
            if (match_member(lb, ltype, name, t, m->type, out_type, depth + 1))
                return true;
            t->bit_offset -= off;
        } else if (strcmp(mn, name) == 0) {
            if (!compat(lb, ltype, t->btf, m->type, true, 0))
                return false;
            t->bit_offset += off;
            t->acc[t->len++] = (struct acc){cur, i, mn};
            *out_type = m->type;
            return true;
        }
    }
    return false;
}

/* Walks local field spec L over target candidate CAND into T. */
static bool match_field(const struct spec *l, const struct bpfrt_btf *tb, uint32_t cand,
                        struct spec *t, const char **missing)
{
    memset(t, 0, sizeof(*t));
    t->btf = tb;
    t->root_id = cand;
    int64_t sz = bpfrt_btf_type_size(tb, cand);
    if (sz < 0)
        return false;
    t->acc[t->len++] = (struct acc){cand, l->acc[0].idx, NULL};
    t->bit_offset = (uint64_t)l->acc[0].idx * (uint64_t)sz * 8;
    uint32_t id = cand;
    for (size_t i = 1; i < l->len; i++) {
        const struct acc *la = &l->acc[i];
        if (la->name) {
            const struct btf_type *lp = bpfrt_btf_type_by_id(l->btf, la->type_id);
            uint32_t ltype = bpfrt_btf_members(lp)[la->idx].type;
            if (!match_member(l->btf, ltype, la->name, t, id, &id, 0)) {
                *missing = la->name;
                return false;
            }
        } else {
            uint32_t cur = bpfrt_btf_skip_modifiers(tb, id);
            const struct btf_type *tt = bpfrt_btf_type_by_id(tb, cur);
            *missing = "an array element";
            if (!tt || bpfrt_btf_kind(tt) != BTF_KIND_ARRAY || t->len == SPEC_MAX)
                return false;
            const struct btf_array *a = bpfrt_btf_array(tt);
            int64_t esz = bpfrt_btf_type_size(tb, a->type);
            if (esz < 0 || (a->nelems && la->idx >= a->nelems))
                return false;
            *missing = NULL;
            t->acc[t->len++] = (struct acc){cur, la->idx, NULL};
            t->bit_offset += (uint64_t)la->idx * (uint64_t)esz * 8;
            id = a->type;
        }
    }
    return true;
}

/* A relocation's value for one side, with what patching a load or store needs to know. */
struct value {
    uint64_t val;
    uint32_t field_sz;      /* byte size of a non-bitfield field (0 otherwise) */
    uint32_t field_type_id; /* its type (modifiers skipped) */
    bool validate;          /* the instruction must hold the local value */
};

/* libbpf's bpf_core_calc_field_relo. Returns NULL or what is wrong. */
static const char *field_value(const struct spec *s, uint32_t kind, struct value *v)
{
    const struct acc *acc = &s->acc[s->len - 1];
    const struct bpfrt_btf *btf = s->btf;
    *v = (struct value){.validate = true};
    if (kind == FIELD_EXISTS) {
        v->val = 1;
        return NULL;
    }
    if (!acc->name) {
        /* the root or an array element */
        uint32_t elem = acc->type_id;
        if (s->len > 1)
            elem = bpfrt_btf_array(bpfrt_btf_type_by_id(btf, acc->type_id))->type;
        int64_t sz = bpfrt_btf_type_size(btf, elem);
        if (kind == FIELD_BYTE_OFFSET) {
            v->val = s->bit_offset / 8;
            v->field_sz = (uint32_t)sz;
            v->field_type_id = bpfrt_btf_skip_modifiers(btf, elem);
        } else if (kind == FIELD_BYTE_SIZE) {
            v->val = (uint64_t)sz;
        } else {
            return "bitfield relocation of something that is not a struct member";
        }
        return NULL;
    }
    const struct btf_type *parent = bpfrt_btf_type_by_id(btf, acc->type_id);
    uint32_t mid = bpfrt_btf_skip_modifiers(btf, bpfrt_btf_members(parent)[acc->idx].type);
    const struct btf_type *mt = bpfrt_btf_type_by_id(btf, mid);
    uint32_t bitfield_sz = bpfrt_btf_member_bitfield_size(parent, acc->idx);
    uint64_t bit_off = s->bit_offset, byte_off, byte_sz, bit_sz;
    int64_t sz = bpfrt_btf_type_size(btf, mid);
    if (sz < 0)
        return "field without a size";
    if (!bitfield_sz) {
        byte_sz = (uint64_t)sz;
        byte_off = bit_off / 8;
        bit_sz = byte_sz * 8;
    } else {
        if (sz == 0 || sz > 8)
            return "bitfield of an unexpected size";
        byte_sz = (uint64_t)sz;
        bit_sz = bitfield_sz;
        byte_off = bit_off / 8 / byte_sz * byte_sz;
        while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
            if (byte_sz >= 8)
                return "bitfield spans more than 8 bytes";
            byte_sz *= 2;
            byte_off = bit_off / 8 / byte_sz * byte_sz;
        }
    }
    v->validate = !bitfield_sz;
    switch (kind) {
    case FIELD_BYTE_OFFSET:
        v->val = byte_off;
        if (!bitfield_sz) {
            v->field_sz = (uint32_t)byte_sz;
            v->field_type_id = mid;
        }
        break;
    case FIELD_BYTE_SIZE: v->val = byte_sz; break;
    case FIELD_SIGNED:
        v->val = (is_any_enum(mt) && bpfrt_btf_kflag(mt)) ||
                 (bpfrt_btf_kind(mt) == BTF_KIND_INT &&
                  (BTF_INT_ENCODING(bpfrt_btf_int_info(mt)) & BTF_INT_SIGNED));
        v->validate = true;
        break;
    case FIELD_LSHIFT_U64: v->val = 64 - (bit_off + bit_sz - byte_off * 8); break;
    case FIELD_RSHIFT_U64:
        v->val = 64 - bit_sz;
        v->validate = true;
        break;
    }
    return NULL;
}

/* The value of a relocation of KIND for spec S (the local or a target one). */
static const char *spec_value(const struct spec *s, uint32_t kind, struct value *v)
{
    if (kind_is_field(kind))
        return field_value(s, kind, v);
    *v = (struct value){.validate = true};
    const struct btf_type *t = type_of(s->btf, s->root_id);
    switch (kind) {
    case TYPE_ID_LOCAL:
    case TYPE_ID_TARGET: v->val = s->root_id; break;
    case TYPE_EXISTS:
    case TYPE_MATCHES:
    case ENUMVAL_EXISTS: v->val = 1; break;
    case TYPE_SIZE: {
        int64_t sz = bpfrt_btf_type_size(s->btf, s->root_id);
        if (sz < 0)
            return "type without a size";
        v->val = (uint64_t)sz;
        break;
    }
    case ENUMVAL_VALUE: v->val = (uint64_t)enumerator_value(t, s->acc[0].idx); break;
    default: return "unknown relocation kind";
    }
    return NULL;
}

/* One relocation resolved: the local value, the target value (or none). */
struct resolved {
    struct value local, target;
    bool found; /* a candidate matched (else *_exists kinds give 0) */
    char why[400];
};

/* Resolves record R of local BTF LB against TB. Returns 0, -ESRCH (not in the target: R->why
 * says what is missing) or -EINVAL (malformed or ambiguous; R->why says why). */
static int resolve(const struct bpfrt_btf *lb, const struct bpfrt_btf_core_relo *r,
                   const struct bpfrt_btf *tb, struct resolved *res)
{
    struct spec local, cand_spec;
    memset(res, 0, sizeof(*res));
    const char *err = parse_spec(lb, r->type_id, r->access, r->kind, &local);
    if (!err)
        err = spec_value(&local, r->kind, &res->local);
    if (err) {
        snprintf(res->why, sizeof(res->why), "%s", err);
        return -EINVAL;
    }
    if (r->kind == TYPE_ID_LOCAL) {
        res->target = res->local;
        res->found = true;
        return 0;
    }
    const struct btf_type *lt = bpfrt_btf_type_by_id(lb, r->type_id);
    const char *lname = bpfrt_btf_name(lb, r->type_id);
    if (!lname || !*lname) {
        snprintf(res->why, sizeof(res->why), "relocation against an anonymous type");
        return -EINVAL;
    }
    uint32_t named = 0;         /* a target type of that name */
    const char *missing = NULL; /* the field it lacks */
    for (uint32_t id = 1; id < bpfrt_btf_type_cnt(tb); id++) {
        const struct btf_type *tt = bpfrt_btf_type_by_id(tb, id);
        if (bpfrt_btf_kind(tt) != bpfrt_btf_kind(lt) && !(is_any_enum(tt) && is_any_enum(lt)))
            continue;
        const char *tname = bpfrt_btf_name(tb, id);
        if (!tname || !essential_eq(lname, tname))
            continue;
        named = id;
        bool ok;
        if (kind_is_field(r->kind)) {
            ok = match_field(&local, tb, id, &cand_spec, &missing);
        } else if (kind_is_enumval(r->kind)) {
            const struct btf_type *te = type_of(tb, id);
            ok = false;
            for (unsigned i = 0; is_any_enum(te) && i < bpfrt_btf_vlen(te) && !ok; i++) {
                const char *en = enumerator_name(tb, te, i);
                if (en && essential_eq(local.acc[0].name, en)) {
                    cand_spec = (struct spec){.btf = tb, .root_id = id, .len = 1};
                    cand_spec.acc[0] = (struct acc){id, i, en};
                    ok = true;
                }
            }
        } else {
            ok = r->kind == TYPE_MATCHES ? types_match(lb, r->type_id, tb, id, 0)
                                         : compat(lb, r->type_id, tb, id, false, 0);
            cand_spec = (struct spec){.btf = tb, .root_id = id, .len = 1};
        }
        if (!ok)
            continue;
        struct value v;
        err = spec_value(&cand_spec, r->kind, &v);
        if (err) {
            snprintf(res->why, sizeof(res->why), "target: %s", err);
            return -EINVAL;
        }
        if (res->found && v.val != res->target.val) {
            snprintf(res->why, sizeof(res->why),
                     "ambiguous: target types [%u] and another give %llu and %llu", id,
                     (unsigned long long)v.val, (unsigned long long)res->target.val);
            return -EINVAL;
        }
        res->target = v;
        res->found = true;
    }
    if (res->found)
        return 0;
    if (kind_is_existence(r->kind)) {
        res->target = (struct value){.val = 0, .validate = true};
        return 0;
    }
    char tn[96];
    bpfrt_btf_type_name(lb, r->type_id, tn, sizeof(tn));
    if (!named)
        snprintf(res->why, sizeof(res->why), "type '%s' is not known to bpfrt", tn);
    else {
        char target[96];
        bpfrt_btf_type_name(tb, named, target, sizeof(target));
        if (kind_is_enumval(r->kind))
            snprintf(res->why, sizeof(res->why), "bpfrt's '%s' has no enumerator %s", target,
                     local.acc[0].name);
        else if (kind_is_field(r->kind) && missing)
            snprintf(res->why, sizeof(res->why),
                     "bpfrt's '%s' has no field '%s' of a compatible type", target, missing);
        else
            snprintf(res->why, sizeof(res->why), "bpfrt's '%s' does not match '%s'", target, tn);
    }
    return -ESRCH;
}

/* BPF_SIZE bits for a load or store of N bytes, or -1. */
static int size_code(uint64_t n)
{
    switch (n) {
    case 1: return BPF_B;
    case 2: return BPF_H;
    case 4: return BPF_W;
    case 8: return BPF_DW;
    default: return -1;
    }
}

/* Unsigned integers and pointers may be read with a different width (libbpf allows the same). */
static bool width_adjustable(const struct bpfrt_btf *btf, uint32_t id)
{
    const struct btf_type *t = bpfrt_btf_type_by_id(btf, id);
    if (!t)
        return false;
    if (bpfrt_btf_kind(t) == BTF_KIND_PTR)
        return true;
    return bpfrt_btf_kind(t) == BTF_KIND_INT &&
           !(BTF_INT_ENCODING(bpfrt_btf_int_info(t)) & BTF_INT_SIGNED);
}

/* libbpf's bpf_core_patch_insn: INSN (and the next slot for lddw) holds the local value and gets
 * the target's. Returns NULL or what is wrong. */
static const char *patch(struct bpfrt_insn *insn, size_t room, const struct resolved *res,
                         const struct bpfrt_btf *lb, const struct bpfrt_btf *tb, char *buf,
                         size_t len)
{
    uint64_t lv = res->local.val, tv = res->target.val;
    bool validate = res->local.validate;
    uint8_t cls = BPF_CLASS(insn->code);
    switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
        if (BPF_SRC(insn->code) == BPF_X)
            return "the instruction has no immediate to patch";
        if (validate && (uint64_t)(int64_t)insn->imm != lv && (uint32_t)insn->imm != lv) {
            snprintf(buf, len, "the instruction holds %d, not the compiled value %llu", insn->imm,
                     (unsigned long long)lv);
            return buf;
        }
        if (tv > UINT32_MAX)
            return "the value does not fit the instruction's immediate";
        insn->imm = (int32_t)(uint32_t)tv;
        return NULL;
    case BPF_LDX:
    case BPF_ST:
    case BPF_STX:
        if (validate && (uint64_t)(int64_t)insn->off != lv) {
            snprintf(buf, len, "the instruction's offset is %d, not the compiled value %llu",
                     insn->off, (unsigned long long)lv);
            return buf;
        }
        if (tv > INT16_MAX)
            return "the offset does not fit the instruction";
        if (res->local.field_sz && res->target.field_sz &&
            res->local.field_sz != res->target.field_sz) {
            int code = size_code(res->target.field_sz);
            if (!width_adjustable(lb, res->local.field_type_id) ||
                !width_adjustable(tb, res->target.field_type_id) || code < 0)
                return "the field's size differs and it cannot be read with another width";
            if ((uint32_t)bpfrt_access_size(insn->code) != res->local.field_sz)
                return "the access width is not the field's size";
            insn->code = (uint8_t)(BPF_CLASS(insn->code) | BPF_MODE(insn->code) | code);
        }
        insn->off = (int16_t)tv;
        return NULL;
    case BPF_LD:
        if (insn->code != (BPF_LD | BPF_DW | BPF_IMM) || room < 2 || insn->src_reg != 0)
            return "not a 64-bit immediate load";
        if (validate && ((uint64_t)(uint32_t)insn[1].imm << 32 | (uint32_t)insn->imm) != lv) {
            snprintf(buf, len, "the instruction does not hold the compiled value %llu",
                     (unsigned long long)lv);
            return buf;
        }
        insn->imm = (int32_t)(uint32_t)tv;
        insn[1].imm = (int32_t)(uint32_t)(tv >> 32);
        return NULL;
    default: return "the instruction cannot take a relocated value";
    }
}

/* Spells the field path of a relocation: "struct sock.__sk_common.skc_dport". */
static void spell_target(const struct bpfrt_btf *btf, const struct bpfrt_btf_core_relo *r,
                         char *out, size_t size)
{
    bpfrt_btf_type_name(btf, r->type_id, out, size);
    size_t len = strlen(out);
    uint32_t id = r->type_id;
    const struct btf_type *root = type_of(btf, id);
    if (kind_is_enumval(r->kind)) {
        unsigned long idx = strtoul(r->access, NULL, 10);
        if (is_any_enum(root) && idx < bpfrt_btf_vlen(root))
            snprintf(out + len, size - len, "::%s", enumerator_name(btf, root, (unsigned)idx));
        return;
    }
    const char *p = strchr(r->access, ':');
    while (p && len < size - 1) {
        unsigned long idx = strtoul(p + 1, NULL, 10);
        const struct btf_type *t = type_of(btf, id);
        if (is_composite(t) && idx < bpfrt_btf_vlen(t)) {
            const struct btf_member *m = &bpfrt_btf_members(t)[idx];
            const char *mn = bpfrt_btf_str(btf, m->name_off);
            len += (size_t)snprintf(out + len, size - len, ".%s", mn && *mn ? mn : "(anon)");
            id = m->type;
        } else if (t && bpfrt_btf_kind(t) == BTF_KIND_ARRAY) {
            len += (size_t)snprintf(out + len, size - len, "[%lu]", idx);
            id = bpfrt_btf_array(t)->type;
        } else {
            break;
        }
        p = strchr(p + 1, ':');
    }
}

size_t bpfrt_prog_core_relo_cnt(const struct bpfrt_object *obj, size_t prog)
{
    return bpfrt_elf_core_records(obj, prog, SIZE_MAX, NULL, NULL);
}

bool bpfrt_prog_core_relo(const struct bpfrt_object *obj, size_t prog, size_t i,
                          struct bpfrt_core_relo_info *out)
{
    const struct bpfrt_btf_core_relo *r = NULL;
    bpfrt_elf_core_records(obj, prog, i, &r, &out->insn);
    if (!r)
        return false;
    out->kind = bpfrt_btf_core_relo_kind_name(r->kind);
    out->access = r->access;
    spell_target(obj->priv->btf, r, out->target, sizeof(out->target));
    return true;
}

/* The message prefix of relocation I of PROG: object, section, program, instruction, source. */
static void relo_diag(const struct bpfrt_object *obj, size_t prog, size_t i, size_t insn,
                      const struct bpfrt_btf_core_relo *r, const char *why, struct bpfrt_diag *diag)
{
    const struct bpfrt_prog_spec *p = bpfrt_object_spec(obj, prog);
    char target[256], where[300] = "";
    spell_target(obj->priv->btf, r, target, sizeof(target));
    struct bpfrt_source_line ln;
    if (bpfrt_prog_source_line(obj, prog, insn, &ln))
        snprintf(where, sizeof(where), " (%s:%u)", ln.file, ln.line);
    bpfrt_diag_set(diag,
                   "%s: section '%s', program '%s', instruction %zu%s: CO-RE relocation #%zu "
                   "%s %s: %s",
                   obj->path, p->section, p->name, insn, where, i,
                   bpfrt_btf_core_relo_kind_name(r->kind), target, why);
}

int bpfrt_prog_core_resolve(const struct bpfrt_object *obj, size_t prog, size_t i,
                            const struct bpfrt_btf *target, uint64_t *local, uint64_t *value,
                            struct bpfrt_diag *diag)
{
    const struct bpfrt_btf_core_relo *r = NULL;
    size_t insn = 0;
    if (!bpfrt_object_spec(obj, prog)) {
        bpfrt_diag_set(diag, "no such program");
        return -EINVAL;
    }
    bpfrt_elf_core_records(obj, prog, i, &r, &insn);
    if (!r) {
        bpfrt_diag_set(diag, "%s: program '%s' has no CO-RE relocation #%zu", obj->path,
                       bpfrt_object_spec(obj, prog)->name, i);
        return -EINVAL;
    }
    struct bpfrt_btf *own = NULL;
    if (!target && !(target = own = bpfrt_core_builtin_btf(diag)))
        return -EINVAL;
    struct resolved res;
    int rc = resolve(obj->priv->btf, r, target, &res);
    if (rc)
        relo_diag(obj, prog, i, insn, r, res.why, diag);
    else {
        if (local)
            *local = res.local.val;
        if (value)
            *value = res.target.val;
    }
    bpfrt_btf_free(own);
    return rc;
}

int bpfrt_prog_core_apply(struct bpfrt_object *obj, size_t prog, const struct bpfrt_btf *target,
                          struct bpfrt_diag *diag)
{
    struct bpfrt_prog_spec *p = bpfrt_object_spec(obj, prog);
    if (!p) {
        bpfrt_diag_set(diag, "no such program");
        return -EINVAL;
    }
    size_t n = bpfrt_prog_core_relo_cnt(obj, prog);
    if (n == 0 || (p->priv && p->priv->core_applied))
        return 0;
    struct bpfrt_btf *own = NULL;
    if (!target && !(target = own = bpfrt_core_builtin_btf(diag)))
        return -EINVAL;
    /* Patch a copy, so that a refused program keeps its instructions as compiled. */
    struct bpfrt_insn *copy = malloc(p->insn_cnt * sizeof(*copy));
    int rc = 0;
    if (!copy) {
        bpfrt_diag_set(diag, "%s: out of memory", obj->path);
        rc = -ENOMEM;
    } else {
        memcpy(copy, p->insns, p->insn_cnt * sizeof(*copy));
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct bpfrt_btf_core_relo *r = NULL;
        size_t insn = 0;
        struct resolved res;
        char buf[160];
        bpfrt_elf_core_records(obj, prog, i, &r, &insn);
        rc = resolve(obj->priv->btf, r, target, &res);
        if (rc) {
            relo_diag(obj, prog, i, insn, r, res.why, diag);
            break;
        }
        const char *err =
            patch(&copy[insn], p->insn_cnt - insn, &res, obj->priv->btf, target, buf, sizeof(buf));
        if (err) {
            relo_diag(obj, prog, i, insn, r, err, diag);
            rc = -EINVAL;
        }
    }
    if (rc == 0) {
        memcpy(p->insns, copy, p->insn_cnt * sizeof(*copy));
        p->priv->core_applied = true;
    }
    free(copy);
    bpfrt_btf_free(own);
    return rc;
}
