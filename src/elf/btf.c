/* BTF (`.BTF` section) parser. All validation happens in bpfrt_btf_parse: header and section
 * bounds, the string table, every type record's extent and fields, every referenced type id, and
 * the reference chains (no cycles, bounded length), whose resolved sizes are cached. The
 * accessors afterwards trust what was validated but still check ids against the type count. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "isa/isa_internal.h"

struct bpfrt_btf {
    uint32_t *type_data; /* copy of the type section (4-byte aligned) */
    char *strs;          /* copy of the string section */
    uint32_t str_len;
    const struct btf_type **types; /* index by id; types[0] is the void record */
    uint32_t cnt;                  /* ids 0 .. cnt-1 */
    int64_t *sizes;                /* resolved size per id, -1 when unsized */
};

static const struct btf_type void_type;

static const char *const kind_names[] = {
    [BTF_KIND_UNKN] = "UNKN",         [BTF_KIND_INT] = "INT",
    [BTF_KIND_PTR] = "PTR",           [BTF_KIND_ARRAY] = "ARRAY",
    [BTF_KIND_STRUCT] = "STRUCT",     [BTF_KIND_UNION] = "UNION",
    [BTF_KIND_ENUM] = "ENUM",         [BTF_KIND_FWD] = "FWD",
    [BTF_KIND_TYPEDEF] = "TYPEDEF",   [BTF_KIND_VOLATILE] = "VOLATILE",
    [BTF_KIND_CONST] = "CONST",       [BTF_KIND_RESTRICT] = "RESTRICT",
    [BTF_KIND_FUNC] = "FUNC",         [BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
    [BTF_KIND_VAR] = "VAR",           [BTF_KIND_DATASEC] = "DATASEC",
    [BTF_KIND_FLOAT] = "FLOAT",       [BTF_KIND_DECL_TAG] = "DECL_TAG",
    [BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
};

const char *bpfrt_btf_kind_name(unsigned kind)
{
    if (kind < sizeof kind_names / sizeof kind_names[0] && kind_names[kind])
        return kind_names[kind];
    return "UNKNOWN";
}

/* The string at OFF if it lies inside the (validated, NUL-terminated) table. */
static const char *str_at(const struct bpfrt_btf *b, uint32_t off)
{
    return off < b->str_len ? b->strs + off : NULL;
}

/* "BTF: type [ID] KIND 'name': " followed by the formatted problem. */
static void type_fail(struct bpfrt_diag *diag, const struct bpfrt_btf *b, uint32_t id,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void type_fail(struct bpfrt_diag *diag, const struct bpfrt_btf *b, uint32_t id,
                      const char *fmt, ...)
{
    if (!diag)
        return;
    const struct btf_type *t = b->types[id];
    const char *name = str_at(b, t->name_off);
    int n;
    if (name)
        n = snprintf(diag->msg, sizeof diag->msg, "BTF: type [%u] %s '%.80s': ", id,
                     bpfrt_btf_kind_name(BTF_INFO_KIND(t->info)), name);
    else
        n = snprintf(diag->msg, sizeof diag->msg, "BTF: type [%u] %s (name offset %u): ", id,
                     bpfrt_btf_kind_name(BTF_INFO_KIND(t->info)), t->name_off);
    if (n < 0 || (size_t)n >= sizeof diag->msg)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->msg + n, sizeof diag->msg - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Bytes that follow the common btf_type record for KIND with VLEN entries; -1 if unknown. */
static long long trailing_size(unsigned kind, unsigned vlen)
{
    switch (kind) {
    case BTF_KIND_INT: return 4;
    case BTF_KIND_PTR:
    case BTF_KIND_FWD:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_FUNC:
    case BTF_KIND_FLOAT:
    case BTF_KIND_TYPE_TAG: return 0;
    case BTF_KIND_ARRAY: return sizeof(struct btf_array);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: return (long long)vlen * sizeof(struct btf_member);
    case BTF_KIND_ENUM: return (long long)vlen * sizeof(struct btf_enum);
    case BTF_KIND_FUNC_PROTO: return (long long)vlen * sizeof(struct btf_param);
    case BTF_KIND_VAR: return sizeof(struct btf_var);
    case BTF_KIND_DATASEC: return (long long)vlen * sizeof(struct btf_var_secinfo);
    case BTF_KIND_DECL_TAG: return sizeof(struct btf_decl_tag);
    case BTF_KIND_ENUM64: return (long long)vlen * sizeof(struct btf_enum64);
    default: return -1;
    }
}

/* The next link of a reference chain (0 when the type ends chains). */
static uint32_t chain_next(const struct btf_type *t)
{
    switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
    case BTF_KIND_VAR:
    case BTF_KIND_FUNC:
    case BTF_KIND_DECL_TAG: return t->type;
    case BTF_KIND_ARRAY: return ((const struct btf_array *)(t + 1))->type;
    default: return 0;
    }
}

static bool needs_name(unsigned kind)
{
    switch (kind) {
    case BTF_KIND_INT:
    case BTF_KIND_FWD:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_FUNC:
    case BTF_KIND_VAR:
    case BTF_KIND_DATASEC:
    case BTF_KIND_FLOAT:
    case BTF_KIND_DECL_TAG:
    case BTF_KIND_TYPE_TAG: return true;
    default: return false;
    }
}

/* Checks that ID (found in field WHAT of type SELF) is a type id; allow_void admits 0. */
static bool check_ref(const struct bpfrt_btf *b, uint32_t self, uint32_t ref, bool allow_void,
                      const char *what, struct bpfrt_diag *diag)
{
    if (ref < b->cnt && (allow_void || ref != 0))
        return true;
    if (ref == 0)
        type_fail(diag, b, self, "%s type id 0 (void) not allowed here", what);
    else
        type_fail(diag, b, self, "%s type id %u out of range (%u..%u)", what, ref,
                  allow_void ? 0u : 1u, b->cnt - 1);
    return false;
}

static bool check_name(const struct bpfrt_btf *b, uint32_t self, uint32_t off, const char *what,
                       struct bpfrt_diag *diag)
{
    if (off < b->str_len)
        return true;
    type_fail(diag, b, self, "%s name offset %u outside the string table (%u bytes)", what, off,
              b->str_len);
    return false;
}

/* Field checks of one type that need no resolved sizes. */
static bool check_type(const struct bpfrt_btf *b, uint32_t id, struct bpfrt_diag *diag)
{
    const struct btf_type *t = b->types[id];
    unsigned kind = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);
    char what[48];

    if (t->name_off >= b->str_len) {
        type_fail(diag, b, id, "name offset %u outside the string table (%u bytes)", t->name_off,
                  b->str_len);
        return false;
    }
    if (needs_name(kind) && b->strs[t->name_off] == '\0') {
        type_fail(diag, b, id, "has no name");
        return false;
    }
    if (t->info & 0x60ff0000u) {
        type_fail(diag, b, id, "reserved bits set in info 0x%08x", t->info);
        return false;
    }
    switch (kind) {
    case BTF_KIND_INT:
    case BTF_KIND_FLOAT:
    case BTF_KIND_PTR:
    case BTF_KIND_ARRAY:
    case BTF_KIND_FWD:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_VAR:
    case BTF_KIND_DECL_TAG:
    case BTF_KIND_TYPE_TAG:
        if (vlen != 0) {
            type_fail(diag, b, id, "vlen %u must be 0", vlen);
            return false;
        }
        break;
    default: break;
    }

    switch (kind) {
    case BTF_KIND_INT: {
        uint32_t info = bpfrt_btf_int_info(t);
        uint32_t enc = BTF_INT_ENCODING(info), bits = BTF_INT_BITS(info),
                 off = BTF_INT_OFFSET(info);
        if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16) {
            type_fail(diag, b, id, "size %u is not 1, 2, 4, 8 or 16", t->size);
            return false;
        }
        if (info & 0xf000ff00u) {
            type_fail(diag, b, id, "reserved bits set in int encoding 0x%08x", info);
            return false;
        }
        if (enc != 0 && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL) {
            type_fail(diag, b, id, "invalid encoding %u", enc);
            return false;
        }
        if (bits == 0 || bits + off > t->size * 8u) {
            type_fail(diag, b, id, "bits %u at offset %u do not fit in %u bytes", bits, off,
                      t->size);
            return false;
        }
        return true;
    }
    case BTF_KIND_FLOAT:
        if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16) {
            type_fail(diag, b, id, "size %u is not 2, 4, 8, 12 or 16", t->size);
            return false;
        }
        return true;
    case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG: return check_ref(b, id, t->type, true, "referenced", diag);
    case BTF_KIND_ARRAY: {
        const struct btf_array *a = bpfrt_btf_array(t);
        return check_ref(b, id, a->type, false, "element", diag) &&
               check_ref(b, id, a->index_type, false, "index", diag);
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
        const struct btf_member *m = bpfrt_btf_members(t);
        for (unsigned i = 0; i < vlen; i++) {
            snprintf(what, sizeof what, "member %u", i);
            if (!check_name(b, id, m[i].name_off, what, diag) ||
                !check_ref(b, id, m[i].type, false, what, diag))
                return false;
        }
        return true;
    }
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64: {
        if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8) {
            type_fail(diag, b, id, "size %u is not 1, 2, 4 or 8", t->size);
            return false;
        }
        for (unsigned i = 0; i < vlen; i++) {
            uint32_t off = kind == BTF_KIND_ENUM ? bpfrt_btf_enums(t)[i].name_off
                                                 : bpfrt_btf_enums64(t)[i].name_off;
            snprintf(what, sizeof what, "value %u", i);
            if (!check_name(b, id, off, what, diag))
                return false;
            if (b->strs[off] == '\0') {
                type_fail(diag, b, id, "value %u has no name", i);
                return false;
            }
        }
        return true;
    }
    case BTF_KIND_FWD: return true;
    case BTF_KIND_FUNC:
        if (vlen > BTF_FUNC_EXTERN) {
            type_fail(diag, b, id, "linkage %u unknown", vlen);
            return false;
        }
        if (!check_ref(b, id, t->type, false, "prototype", diag))
            return false;
        if (BTF_INFO_KIND(b->types[t->type]->info) != BTF_KIND_FUNC_PROTO) {
            type_fail(diag, b, id, "prototype type [%u] is a %s, not a FUNC_PROTO", t->type,
                      bpfrt_btf_kind_name(BTF_INFO_KIND(b->types[t->type]->info)));
            return false;
        }
        return true;
    case BTF_KIND_FUNC_PROTO: {
        if (!check_ref(b, id, t->type, true, "return", diag))
            return false;
        const struct btf_param *p = bpfrt_btf_params(t);
        for (unsigned i = 0; i < vlen; i++) {
            snprintf(what, sizeof what, "parameter %u", i);
            if (!check_name(b, id, p[i].name_off, what, diag) ||
                !check_ref(b, id, p[i].type, true, what, diag))
                return false;
            if (p[i].type == 0 && (i + 1 != vlen || b->strs[p[i].name_off] != '\0')) {
                type_fail(diag, b, id, "parameter %u has type void but is not a last unnamed '...'",
                          i);
                return false;
            }
        }
        return true;
    }
    case BTF_KIND_VAR: {
        uint32_t linkage = bpfrt_btf_var(t)->linkage;
        if (linkage > BTF_VAR_GLOBAL_EXTERN) {
            type_fail(diag, b, id, "linkage %u unknown", linkage);
            return false;
        }
        /* extern variables may be typeless (`extern const void sym __ksym;`) */
        return check_ref(b, id, t->type, linkage == BTF_VAR_GLOBAL_EXTERN, "variable", diag);
    }
    case BTF_KIND_DATASEC: {
        const struct btf_var_secinfo *v = bpfrt_btf_var_secinfos(t);
        for (unsigned i = 0; i < vlen; i++) {
            snprintf(what, sizeof what, "entry %u", i);
            if (!check_ref(b, id, v[i].type, false, what, diag))
                return false;
            unsigned k = BTF_INFO_KIND(b->types[v[i].type]->info);
            if (k != BTF_KIND_VAR && k != BTF_KIND_FUNC) {
                type_fail(diag, b, id, "entry %u type [%u] is a %s, not a VAR or FUNC", i,
                          v[i].type, bpfrt_btf_kind_name(k));
                return false;
            }
            if (t->size != 0 && (uint64_t)v[i].offset + v[i].size > t->size) {
                type_fail(diag, b, id, "entry %u (offset %u, size %u) exceeds the section size %u",
                          i, v[i].offset, v[i].size, t->size);
                return false;
            }
        }
        return true;
    }
    case BTF_KIND_DECL_TAG: {
        if (!check_ref(b, id, t->type, false, "tagged", diag))
            return false;
        int32_t idx = bpfrt_btf_decl_tag(t)->component_idx;
        const struct btf_type *target = b->types[t->type];
        unsigned tk = BTF_INFO_KIND(target->info);
        if (idx < -1) {
            type_fail(diag, b, id, "component index %d invalid", idx);
            return false;
        }
        if (idx >= 0) {
            unsigned n;
            if (tk == BTF_KIND_STRUCT || tk == BTF_KIND_UNION)
                n = BTF_INFO_VLEN(target->info);
            else if (tk == BTF_KIND_FUNC)
                /* the prototype is checked when it is validated; bound by its vlen if valid */
                n = target->type < b->cnt ? BTF_INFO_VLEN(b->types[target->type]->info) : 0;
            else {
                type_fail(diag, b, id, "component index %d on a %s (only STRUCT, UNION, FUNC)", idx,
                          bpfrt_btf_kind_name(tk));
                return false;
            }
            if ((unsigned)idx >= n) {
                type_fail(diag, b, id, "component index %d out of range (type [%u] has %u)", idx,
                          t->type, n);
                return false;
            }
        }
        return true;
    }
    default:
        /* unreachable: unknown kinds are refused while indexing */
        type_fail(diag, b, id, "unknown kind %u", kind);
        return false;
    }
}

/* Size of terminal (chain-ending) type T, -1 when unsized. */
static int64_t terminal_size(const struct btf_type *t)
{
    switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_INT:
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
    case BTF_KIND_FLOAT:
    case BTF_KIND_DATASEC: return t->size;
    default: return -1; /* void, FWD, FUNC_PROTO */
    }
}

/* Follows every reference chain once: refuses cycles and chains longer than
 * BPFRT_BTF_MAX_CHAIN, and fills b->sizes. */
static bool resolve_chains(struct bpfrt_btf *b, struct bpfrt_diag *diag)
{
    uint8_t *state = calloc(b->cnt, 1); /* 0 new, 1 on the current path, 2 done */
    uint8_t *depth = calloc(b->cnt, 1); /* types from this one to the chain's end */
    if (!state || !depth) {
        free(state);
        free(depth);
        bpfrt_diag_set(diag, "BTF: out of memory");
        return false;
    }
    bool ok = false;
    uint32_t path[BPFRT_BTF_MAX_CHAIN];
    state[0] = 2;
    b->sizes[0] = -1;
    for (uint32_t start = 1; start < b->cnt; start++) {
        if (state[start] == 2)
            continue;
        size_t n = 0;
        uint32_t cur = start;
        while (state[cur] == 0) {
            if (n == BPFRT_BTF_MAX_CHAIN) {
                type_fail(diag, b, start, "reference chain of more than %d types",
                          BPFRT_BTF_MAX_CHAIN);
                goto out;
            }
            state[cur] = 1;
            path[n++] = cur;
            cur = chain_next(b->types[cur]);
        }
        if (state[cur] == 1) {
            type_fail(diag, b, cur, "reference cycle (reached again from type [%u])", path[n - 1]);
            goto out;
        }
        /* cur is done (possibly void); the last path entry links to it */
        if (n + depth[cur] > BPFRT_BTF_MAX_CHAIN) {
            type_fail(diag, b, start, "reference chain of more than %d types", BPFRT_BTF_MAX_CHAIN);
            goto out;
        }
        while (n > 0) {
            uint32_t id = path[--n];
            const struct btf_type *t = b->types[id];
            uint32_t next = chain_next(t);
            int64_t size;
            switch (BTF_INFO_KIND(t->info)) {
            case BTF_KIND_PTR: size = 8; break;
            case BTF_KIND_TYPEDEF:
            case BTF_KIND_VOLATILE:
            case BTF_KIND_CONST:
            case BTF_KIND_RESTRICT:
            case BTF_KIND_TYPE_TAG:
            case BTF_KIND_VAR: size = b->sizes[next]; break;
            case BTF_KIND_FUNC:
            case BTF_KIND_DECL_TAG: size = -1; break;
            case BTF_KIND_ARRAY: {
                int64_t es = b->sizes[next];
                uint32_t nelems = bpfrt_btf_array(t)->nelems;
                if (es < 0) {
                    type_fail(diag, b, id, "element type [%u] %s has no size", next,
                              bpfrt_btf_kind_name(BTF_INFO_KIND(b->types[next]->info)));
                    goto out;
                }
                if ((uint64_t)es * nelems > UINT32_MAX) {
                    type_fail(diag, b, id, "size %lld * %u elements exceeds 4 GiB", (long long)es,
                              nelems);
                    goto out;
                }
                size = es * nelems;
                break;
            }
            default: size = terminal_size(t); break;
            }
            b->sizes[id] = size;
            depth[id] = (uint8_t)(depth[next] + 1); /* depth[0] (void) is 0 */
            state[id] = 2;
        }
    }
    ok = true;
out:
    free(state);
    free(depth);
    return ok;
}

/* Checks that need resolved sizes: struct/union members inside the type, sized variables. */
static bool check_sizes(const struct bpfrt_btf *b, uint32_t id, struct bpfrt_diag *diag)
{
    const struct btf_type *t = b->types[id];
    unsigned kind = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);
    if (kind == BTF_KIND_VAR && b->sizes[id] < 0 &&
        bpfrt_btf_var(t)->linkage != BTF_VAR_GLOBAL_EXTERN) {
        type_fail(diag, b, id, "variable type [%u] %s has no size", t->type,
                  bpfrt_btf_kind_name(BTF_INFO_KIND(b->types[t->type]->info)));
        return false;
    }
    if (kind != BTF_KIND_STRUCT && kind != BTF_KIND_UNION)
        return true;
    uint64_t total_bits = (uint64_t)t->size * 8;
    for (unsigned i = 0; i < vlen; i++) {
        const struct btf_member *m = bpfrt_btf_members(t) + i;
        uint32_t bit_off = bpfrt_btf_member_bit_offset(t, i);
        uint32_t bf = bpfrt_btf_member_bitfield_size(t, i);
        int64_t ms = b->sizes[m->type];
        if (ms < 0) {
            type_fail(diag, b, id, "member %u type [%u] %s has no size", i, m->type,
                      bpfrt_btf_kind_name(BTF_INFO_KIND(b->types[m->type]->info)));
            return false;
        }
        if (bf) {
            if (bf > 128 || (uint64_t)bit_off + bf > total_bits) {
                type_fail(diag, b, id,
                          "member %u bitfield of %u bits at bit %u does not fit in %u bytes", i, bf,
                          bit_off, t->size);
                return false;
            }
            continue;
        }
        if (bit_off % 8) {
            /* a bitfield without kind_flag: its type is an INT with fewer bits */
            const struct btf_type *mt = b->types[bpfrt_btf_skip_modifiers(b, m->type)];
            uint32_t bits =
                BTF_INFO_KIND(mt->info) == BTF_KIND_INT ? BTF_INT_BITS(bpfrt_btf_int_info(mt)) : 0;
            if (bits == 0) {
                type_fail(diag, b, id, "member %u at bit %u is not byte aligned", i, bit_off);
                return false;
            }
            if ((uint64_t)bit_off + bits > total_bits) {
                type_fail(diag, b, id, "member %u (%u bits at bit %u) exceeds the size %u", i, bits,
                          bit_off, t->size);
                return false;
            }
            continue;
        }
        if ((uint64_t)bit_off / 8 + (uint64_t)ms > t->size) {
            type_fail(diag, b, id, "member %u (%lld bytes at byte %u) exceeds the size %u", i,
                      (long long)ms, bit_off / 8, t->size);
            return false;
        }
    }
    return true;
}

void bpfrt_btf_free(struct bpfrt_btf *btf)
{
    if (!btf)
        return;
    free(btf->type_data);
    free(btf->strs);
    free(btf->types);
    free(btf->sizes);
    free(btf);
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

struct bpfrt_btf *bpfrt_btf_parse(const void *data, size_t size, struct bpfrt_diag *diag)
{
    const uint8_t *d = data;
    struct btf_header h;
    if (!d || size < sizeof h) {
        bpfrt_diag_set(diag, "BTF: section too small (%zu bytes, the header needs %zu)", size,
                       sizeof h);
        return NULL;
    }
    memcpy(&h, d, sizeof h);
    if (h.magic != BTF_MAGIC) {
        if (h.magic == 0x9feb)
            bpfrt_diag_set(diag, "BTF: big-endian BTF (magic 0x9feb) is not supported");
        else
            bpfrt_diag_set(diag, "BTF: bad magic 0x%04x (expected 0xeb9f)", h.magic);
        return NULL;
    }
    if (h.version != BTF_VERSION) {
        bpfrt_diag_set(diag, "BTF: unsupported version %u (expected %u)", h.version, BTF_VERSION);
        return NULL;
    }
    if (h.flags != 0) {
        bpfrt_diag_set(diag, "BTF: unsupported header flags 0x%02x", h.flags);
        return NULL;
    }
    if (h.hdr_len < sizeof h || h.hdr_len > size) {
        bpfrt_diag_set(diag, "BTF: header length %u invalid (at least %zu, section is %zu bytes)",
                       h.hdr_len, sizeof h, size);
        return NULL;
    }
    for (uint32_t i = sizeof h; i < h.hdr_len; i++) {
        if (d[i]) {
            bpfrt_diag_set(diag, "BTF: unknown header field set (byte %u of a %u-byte header)", i,
                           h.hdr_len);
            return NULL;
        }
    }
    uint64_t avail = size - h.hdr_len;
    if ((uint64_t)h.type_off + h.type_len > avail) {
        bpfrt_diag_set(
            diag,
            "BTF: type section (offset %u, length %u) outside the data (%llu bytes after "
            "the header)",
            h.type_off, h.type_len, (unsigned long long)avail);
        return NULL;
    }
    if ((uint64_t)h.str_off + h.str_len > avail) {
        bpfrt_diag_set(
            diag,
            "BTF: string section (offset %u, length %u) outside the data (%llu bytes after "
            "the header)",
            h.str_off, h.str_len, (unsigned long long)avail);
        return NULL;
    }
    if (h.type_off % 4) {
        bpfrt_diag_set(diag, "BTF: type section offset %u not 4-byte aligned", h.type_off);
        return NULL;
    }
    if (h.type_len % 4) {
        bpfrt_diag_set(diag, "BTF: type section length %u not a multiple of 4", h.type_len);
        return NULL;
    }
    if (h.type_len && h.str_len && h.type_off < h.str_off + (uint64_t)h.str_len &&
        h.str_off < h.type_off + (uint64_t)h.type_len) {
        bpfrt_diag_set(diag, "BTF: type section [%u, %llu) and string section [%u, %llu) overlap",
                       h.type_off, (unsigned long long)h.type_off + h.type_len, h.str_off,
                       (unsigned long long)h.str_off + h.str_len);
        return NULL;
    }
    const uint8_t *sp = d + h.hdr_len + h.str_off;
    if (h.str_len == 0 || sp[0] != '\0') {
        bpfrt_diag_set(diag, "BTF: string section must start with a NUL byte (length %u)",
                       h.str_len);
        return NULL;
    }
    if (sp[h.str_len - 1] != '\0') {
        bpfrt_diag_set(diag, "BTF: string section (length %u) does not end with a NUL byte",
                       h.str_len);
        return NULL;
    }
    if (h.str_len > BTF_MAX_NAME_OFFSET + 1u) {
        bpfrt_diag_set(diag, "BTF: string section too large (%u bytes, at most %u)", h.str_len,
                       BTF_MAX_NAME_OFFSET + 1u);
        return NULL;
    }

    struct bpfrt_btf *b = calloc(1, sizeof *b);
    if (!b)
        goto oom;
    b->str_len = h.str_len;
    b->strs = malloc(h.str_len);
    b->type_data = malloc(h.type_len ? h.type_len : 4);
    if (!b->strs || !b->type_data)
        goto oom;
    memcpy(b->strs, sp, h.str_len);
    memcpy(b->type_data, d + h.hdr_len + h.type_off, h.type_len);

    /* index: count records first, checking each one's extent and kind */
    const uint8_t *tp = (const uint8_t *)b->type_data;
    uint32_t n = 0;
    for (uint32_t off = 0; off < h.type_len; n++) {
        if (h.type_len - off < sizeof(struct btf_type)) {
            bpfrt_diag_set(diag,
                           "BTF: type [%u] at offset %u: record cut off (%u bytes left, need %zu)",
                           n + 1, off, h.type_len - off, sizeof(struct btf_type));
            goto fail;
        }
        uint32_t info = rd32(tp + off + 4);
        unsigned kind = BTF_INFO_KIND(info);
        long long extra = trailing_size(kind, BTF_INFO_VLEN(info));
        if (kind == BTF_KIND_UNKN || extra < 0) {
            bpfrt_diag_set(diag, "BTF: type [%u] at offset %u: unknown kind %u", n + 1, off, kind);
            goto fail;
        }
        if ((long long)(h.type_len - off - sizeof(struct btf_type)) < extra) {
            bpfrt_diag_set(
                diag,
                "BTF: type [%u] %s at offset %u: record cut off (vlen %u needs %lld more "
                "bytes, %u left)",
                n + 1, bpfrt_btf_kind_name(kind), off, BTF_INFO_VLEN(info), extra,
                h.type_len - off - (uint32_t)sizeof(struct btf_type));
            goto fail;
        }
        if (n + 1 > BTF_MAX_TYPE) {
            bpfrt_diag_set(diag, "BTF: more than %u types", BTF_MAX_TYPE);
            goto fail;
        }
        off += sizeof(struct btf_type) + (uint32_t)extra;
    }
    b->cnt = n + 1;
    b->types = malloc(sizeof *b->types * b->cnt);
    b->sizes = malloc(sizeof *b->sizes * b->cnt);
    if (!b->types || !b->sizes)
        goto oom;
    b->types[0] = &void_type;
    for (uint32_t off = 0, id = 1; off < h.type_len; id++) {
        const struct btf_type *t = (const struct btf_type *)(tp + off);
        b->types[id] = t;
        off += sizeof *t + (uint32_t)trailing_size(BTF_INFO_KIND(t->info), BTF_INFO_VLEN(t->info));
    }
    for (uint32_t id = 1; id < b->cnt; id++)
        if (!check_type(b, id, diag))
            goto fail;
    if (!resolve_chains(b, diag))
        goto fail;
    for (uint32_t id = 1; id < b->cnt; id++)
        if (!check_sizes(b, id, diag))
            goto fail;
    return b;

oom:
    bpfrt_diag_set(diag, "BTF: out of memory");
fail:
    bpfrt_btf_free(b);
    return NULL;
}

uint32_t bpfrt_btf_type_cnt(const struct bpfrt_btf *btf)
{
    return btf ? btf->cnt : 0;
}

const struct btf_type *bpfrt_btf_type_by_id(const struct bpfrt_btf *btf, uint32_t id)
{
    return btf && id < btf->cnt ? btf->types[id] : NULL;
}

const char *bpfrt_btf_str(const struct bpfrt_btf *btf, uint32_t off)
{
    return btf ? str_at(btf, off) : NULL;
}

const char *bpfrt_btf_name(const struct bpfrt_btf *btf, uint32_t id)
{
    const struct btf_type *t = bpfrt_btf_type_by_id(btf, id);
    return t ? str_at(btf, t->name_off) : NULL;
}

static bool is_modifier(unsigned kind)
{
    return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE ||
           kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

uint32_t bpfrt_btf_skip_modifiers(const struct bpfrt_btf *btf, uint32_t id)
{
    /* chains are validated to be acyclic and short; the bound is defence in depth */
    for (int i = 0; btf && id < btf->cnt && i <= BPFRT_BTF_MAX_CHAIN; i++) {
        const struct btf_type *t = btf->types[id];
        if (!is_modifier(BTF_INFO_KIND(t->info)))
            return id;
        id = t->type;
    }
    return id;
}

int64_t bpfrt_btf_type_size(const struct bpfrt_btf *btf, uint32_t id)
{
    return btf && id < btf->cnt ? btf->sizes[id] : -1;
}

int32_t bpfrt_btf_find_by_name_kind(const struct bpfrt_btf *btf, const char *name, unsigned kind)
{
    if (!btf || !name)
        return -1;
    for (uint32_t id = 1; id < btf->cnt; id++) {
        const struct btf_type *t = btf->types[id];
        if (BTF_INFO_KIND(t->info) == kind && strcmp(btf->strs + t->name_off, name) == 0)
            return (int32_t)id;
    }
    return -1;
}

int32_t bpfrt_btf_datasec_find(const struct bpfrt_btf *btf, const char *sec_name)
{
    return bpfrt_btf_find_by_name_kind(btf, sec_name, BTF_KIND_DATASEC);
}

/* ---- C-like type spelling ---- */

/* Appends to a bounded buffer, counting what did not fit (as snprintf). */
struct sbuf {
    char *buf;
    size_t cap, len;
};

static void sb_put(struct sbuf *s, const char *text)
{
    for (; *text; text++, s->len++)
        if (s->len + 1 < s->cap)
            s->buf[s->len] = *text;
    if (s->cap)
        s->buf[s->len < s->cap ? s->len : s->cap - 1] = '\0';
}

/* Nesting limit for prototypes inside prototypes (pointers to functions taking pointers to
 * functions ...); deeper parameter lists are spelled "...". */
#define MAX_PROTO_NEST 3

static void spell(const struct bpfrt_btf *b, uint32_t id, const char *inner, struct sbuf *out,
                  int depth, int nest);

/* Spells base text BASE followed by the declarator INNER. */
static void spell_base(struct sbuf *out, const char *prefix, const char *base, const char *inner)
{
    sb_put(out, prefix);
    sb_put(out, base);
    if (*inner) {
        if (inner[0] != '[')
            sb_put(out, " ");
        sb_put(out, inner);
    }
}

static void spell(const struct bpfrt_btf *b, uint32_t id, const char *inner, struct sbuf *out,
                  int depth, int nest)
{
    char decl[512];
    if (id >= b->cnt || depth > BPFRT_BTF_MAX_CHAIN + 2) {
        spell_base(out, "", "?", inner);
        return;
    }
    const struct btf_type *t = b->types[id];
    unsigned kind = BTF_INFO_KIND(t->info);
    const char *name = b->strs + t->name_off;
    const char *anon = *name ? name : "(anon)";
    switch (kind) {
    case BTF_KIND_UNKN: spell_base(out, "", "void", inner); return;
    case BTF_KIND_STRUCT: spell_base(out, "struct ", anon, inner); return;
    case BTF_KIND_UNION: spell_base(out, "union ", anon, inner); return;
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64: spell_base(out, "enum ", anon, inner); return;
    case BTF_KIND_FWD:
        spell_base(out, BTF_INFO_KFLAG(t->info) ? "union " : "struct ", anon, inner);
        return;
    case BTF_KIND_PTR: {
        /* pointers to arrays and functions need parentheses; typedef names do not */
        uint32_t target = t->type;
        for (int i = 0; target < b->cnt && i <= BPFRT_BTF_MAX_CHAIN; i++) {
            unsigned k = BTF_INFO_KIND(b->types[target]->info);
            if (k == BTF_KIND_TYPEDEF || !is_modifier(k))
                break;
            target = b->types[target]->type;
        }
        unsigned tk = target < b->cnt ? BTF_INFO_KIND(b->types[target]->info) : 0;
        bool paren = tk == BTF_KIND_ARRAY || tk == BTF_KIND_FUNC_PROTO;
        /* "int * const": a space between the star and a qualifier */
        bool qual = (inner[0] >= 'a' && inner[0] <= 'z');
        snprintf(decl, sizeof decl, paren ? "(*%s%s)" : "*%s%s", qual ? " " : "", inner);
        spell(b, t->type, decl, out, depth + 1, nest);
        return;
    }
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT: {
        const char *q = kind == BTF_KIND_CONST      ? "const"
                        : kind == BTF_KIND_VOLATILE ? "volatile"
                                                    : "restrict";
        unsigned tk = t->type < b->cnt ? BTF_INFO_KIND(b->types[t->type]->info) : 0;
        if (tk == BTF_KIND_PTR) {
            /* qualifies the pointer: "int * const" */
            snprintf(decl, sizeof decl, "%s%s%s", q, *inner ? " " : "", inner);
            spell(b, t->type, decl, out, depth + 1, nest);
        } else {
            sb_put(out, q);
            sb_put(out, " ");
            spell(b, t->type, inner, out, depth + 1, nest);
        }
        return;
    }
    case BTF_KIND_TYPE_TAG: spell(b, t->type, inner, out, depth + 1, nest); return;
    case BTF_KIND_ARRAY: {
        snprintf(decl, sizeof decl, "%s[%u]", inner, bpfrt_btf_array(t)->nelems);
        spell(b, bpfrt_btf_array(t)->type, decl, out, depth + 1, nest);
        return;
    }
    case BTF_KIND_FUNC_PROTO: {
        char params[384];
        struct sbuf ps = {params, sizeof params, 0};
        unsigned vlen = BTF_INFO_VLEN(t->info);
        sb_put(&ps, "(");
        if (vlen == 0)
            sb_put(&ps, "void");
        else if (nest >= MAX_PROTO_NEST)
            sb_put(&ps, "...");
        for (unsigned i = 0; nest < MAX_PROTO_NEST && i < vlen; i++) {
            if (i)
                sb_put(&ps, ", ");
            uint32_t pt = bpfrt_btf_params(t)[i].type;
            if (pt == 0)
                sb_put(&ps, "...");
            else
                spell(b, pt, "", &ps, depth + 1, nest + 1);
        }
        sb_put(&ps, ")");
        snprintf(decl, sizeof decl, "%s%s", inner, params);
        spell(b, t->type, decl, out, depth + 1, nest);
        return;
    }
    default: /* INT, FLOAT, TYPEDEF, FUNC, VAR, DATASEC, DECL_TAG: their name */
        spell_base(out, "", name, inner);
        return;
    }
}

int bpfrt_btf_type_name(const struct bpfrt_btf *btf, uint32_t id, char *buf, size_t len)
{
    struct sbuf s = {buf, len, 0};
    if (len)
        buf[0] = '\0';
    if (!btf || id >= btf->cnt)
        return -1;
    spell(btf, id, "", &s, 0, 0);
    return (int)s.len;
}
