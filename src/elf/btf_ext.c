/* `.BTF.ext` parser: func_info, line_info and CO-RE relocation blocks, validated against a parsed
 * `.BTF` and normalised into per-section arrays (instruction indexes, resolved strings).
 *
 * Layout (little-endian, not in the UAPI headers; as emitted by LLVM and read by libbpf):
 *   header { u16 magic 0xeB9F; u8 version 1; u8 flags 0; u32 hdr_len;
 *            u32 func_info_off, func_info_len, line_info_off, line_info_len;
 *            [u32 core_relo_off, core_relo_len] }        offsets from the end of the header
 *   block  { u32 record_size; per section { u32 sec_name_off; u32 num_info;
 *                                           record[num_info] (record_size bytes each) } } */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "isa/isa_internal.h"

struct ext_sec {
    const char *name;
    struct bpfrt_btf_func *funcs;
    size_t nfuncs;
    struct bpfrt_btf_line *lines;
    size_t nlines;
    struct bpfrt_btf_core_relo *relos;
    size_t nrelos;
    bool has[3]; /* which blocks listed this section */
};

struct bpfrt_btf_ext {
    struct ext_sec *secs;
    size_t nsecs, cap;
};

enum block { BLK_FUNC, BLK_LINE, BLK_CORE };
static const char *const block_names[] = {"func_info", "line_info", "core_relo"};
static const uint32_t min_record[] = {8, 16, 16};

#define HDR_MIN 24            /* up to line_info_len */
#define HDR_CORE 32           /* with core_relo_off/len */
#define CORE_RELO_KIND_MAX 12 /* BPF_CORE_TYPE_MATCHES */

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

void bpfrt_btf_ext_free(struct bpfrt_btf_ext *ext)
{
    if (!ext)
        return;
    for (size_t i = 0; i < ext->nsecs; i++) {
        free(ext->secs[i].funcs);
        free(ext->secs[i].lines);
        free(ext->secs[i].relos);
    }
    free(ext->secs);
    free(ext);
}

static struct ext_sec *find_sec(const struct bpfrt_btf_ext *ext, const char *name)
{
    if (!ext || !name)
        return NULL;
    for (size_t i = 0; i < ext->nsecs; i++)
        if (strcmp(ext->secs[i].name, name) == 0)
            return &ext->secs[i];
    return NULL;
}

static struct ext_sec *get_sec(struct bpfrt_btf_ext *ext, const char *name)
{
    struct ext_sec *s = find_sec(ext, name);
    if (s)
        return s;
    if (ext->nsecs == ext->cap) {
        size_t cap = ext->cap ? ext->cap * 2 : 8;
        struct ext_sec *n = realloc(ext->secs, cap * sizeof *n);
        if (!n)
            return NULL;
        ext->secs = n;
        ext->cap = cap;
    }
    s = &ext->secs[ext->nsecs++];
    memset(s, 0, sizeof *s);
    s->name = name;
    return s;
}

/* Access strings are "N" or "N:N:...", decimal. */
static bool valid_access(const char *s)
{
    if (!*s)
        return false;
    for (bool digit = false; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digit = true;
        else if (*s == ':' && digit)
            digit = false;
        else
            return false;
        if (!s[1] && !digit)
            return false;
    }
    return true;
}

/* Stable sort of line records by instruction (LLVM emits them sorted; this only runs when a
 * section is not), so that equal indexes keep their file order. */
static bool sort_lines(struct bpfrt_btf_line *v, size_t n)
{
    size_t i = 1;
    while (i < n && v[i - 1].insn_idx <= v[i].insn_idx)
        i++;
    if (i >= n)
        return true;
    struct bpfrt_btf_line *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return false;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = v[b].insn_idx < v[a].insn_idx ? v[b++] : v[a++];
            while (a < mid)
                tmp[k++] = v[a++];
            while (b < hi)
                tmp[k++] = v[b++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
    free(tmp);
    return true;
}

static int cmp_func(const void *a, const void *b)
{
    const struct bpfrt_btf_func *x = a, *y = b;
    return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

/* Parses one record of block BLK (section S, record I) from P into the section's arrays. */
static bool parse_record(enum block blk, const struct bpfrt_btf *btf, struct ext_sec *s, uint32_t i,
                         const uint8_t *p, struct bpfrt_diag *diag)
{
    uint32_t cnt = bpfrt_btf_type_cnt(btf);
    uint32_t insn_off = rd32(p), a = rd32(p + 4);
    const char *bn = block_names[blk];
    if (insn_off % 8) {
        bpfrt_diag_set(diag,
                       "BTF.ext: %s of section '%.64s': record %u: insn_off %u not a multiple of 8",
                       bn, s->name, i, insn_off);
        return false;
    }
    switch (blk) {
    case BLK_FUNC: {
        const struct btf_type *t = bpfrt_btf_type_by_id(btf, a);
        if (!t || a == 0) {
            bpfrt_diag_set(
                diag,
                "BTF.ext: func_info of section '%.64s': record %u: type id %u out of range "
                "(1..%u)",
                s->name, i, a, cnt - 1);
            return false;
        }
        if (BTF_INFO_KIND(t->info) != BTF_KIND_FUNC) {
            bpfrt_diag_set(
                diag,
                "BTF.ext: func_info of section '%.64s': record %u: type [%u] is a %s, not a "
                "FUNC",
                s->name, i, a, bpfrt_btf_kind_name(BTF_INFO_KIND(t->info)));
            return false;
        }
        s->funcs[i] = (struct bpfrt_btf_func){insn_off / 8, a, bpfrt_btf_str(btf, t->name_off)};
        return true;
    }
    case BLK_LINE: {
        uint32_t line_off = rd32(p + 8), line_col = rd32(p + 12);
        const char *file = bpfrt_btf_str(btf, a), *text = bpfrt_btf_str(btf, line_off);
        if (!file || !text) {
            bpfrt_diag_set(
                diag,
                "BTF.ext: line_info of section '%.64s': record %u: %s offset %u outside the "
                "string table",
                s->name, i, file ? "line text" : "file name", file ? line_off : a);
            return false;
        }
        s->lines[i] =
            (struct bpfrt_btf_line){insn_off / 8, file, text, line_col >> 10, line_col & 0x3ff};
        return true;
    }
    case BLK_CORE: {
        uint32_t access_off = rd32(p + 8), kind = rd32(p + 12);
        const char *access = bpfrt_btf_str(btf, access_off);
        if (a >= cnt) {
            bpfrt_diag_set(
                diag,
                "BTF.ext: core_relo of section '%.64s': record %u: type id %u out of range "
                "(0..%u)",
                s->name, i, a, cnt - 1);
            return false;
        }
        if (!access || !valid_access(access)) {
            bpfrt_diag_set(
                diag,
                "BTF.ext: core_relo of section '%.64s': record %u: access string %s%.64s%s "
                "(offset %u) invalid",
                s->name, i, access ? "'" : "", access ? access : "outside the string table",
                access ? "'" : "", access_off);
            return false;
        }
        if (kind > CORE_RELO_KIND_MAX) {
            bpfrt_diag_set(diag,
                           "BTF.ext: core_relo of section '%.64s': record %u: unknown kind %u",
                           s->name, i, kind);
            return false;
        }
        s->relos[i] = (struct bpfrt_btf_core_relo){insn_off / 8, a, access, kind};
        return true;
    }
    }
    return false;
}

/* Parses block BLK: LEN bytes at P (OFF is its offset after the header, for messages). */
static bool parse_block(struct bpfrt_btf_ext *ext, enum block blk, const uint8_t *p, uint32_t off,
                        uint32_t len, const struct bpfrt_btf *btf, struct bpfrt_diag *diag)
{
    const char *bn = block_names[blk];
    if (len < 4) {
        bpfrt_diag_set(diag,
                       "BTF.ext: %s block (offset %u) too short for its record size (%u bytes)", bn,
                       off, len);
        return false;
    }
    uint32_t rec = rd32(p);
    if (rec < min_record[blk] || rec % 4) {
        bpfrt_diag_set(diag,
                       "BTF.ext: %s block: record size %u invalid (a multiple of 4, at least %u)",
                       bn, rec, min_record[blk]);
        return false;
    }
    for (uint32_t pos = 4; pos < len;) {
        if (len - pos < 8) {
            bpfrt_diag_set(diag,
                           "BTF.ext: %s block: section header at byte %u cut off (%u bytes left)",
                           bn, pos, len - pos);
            return false;
        }
        uint32_t name_off = rd32(p + pos), num = rd32(p + pos + 4);
        const char *name = bpfrt_btf_str(btf, name_off);
        if (!name || !*name) {
            bpfrt_diag_set(diag, "BTF.ext: %s block: section at byte %u: name offset %u %s", bn,
                           pos, name_off, name ? "is an empty name" : "outside the string table");
            return false;
        }
        if (num == 0) {
            bpfrt_diag_set(diag, "BTF.ext: %s of section '%.64s': no records", bn, name);
            return false;
        }
        pos += 8;
        if ((uint64_t)num * rec > len - pos) {
            bpfrt_diag_set(
                diag,
                "BTF.ext: %s of section '%.64s': %u records of %u bytes exceed the block (%u "
                "bytes left)",
                bn, name, num, rec, len - pos);
            return false;
        }
        struct ext_sec *s = get_sec(ext, name);
        if (!s) {
            bpfrt_diag_set(diag, "BTF.ext: out of memory");
            return false;
        }
        if (s->has[blk]) {
            bpfrt_diag_set(diag, "BTF.ext: %s block lists section '%.64s' twice", bn, name);
            return false;
        }
        s->has[blk] = true;
        void *arr = NULL;
        switch (blk) {
        case BLK_FUNC: arr = s->funcs = calloc(num, sizeof *s->funcs); break;
        case BLK_LINE: arr = s->lines = calloc(num, sizeof *s->lines); break;
        case BLK_CORE: arr = s->relos = calloc(num, sizeof *s->relos); break;
        }
        if (!arr) {
            bpfrt_diag_set(diag, "BTF.ext: out of memory");
            return false;
        }
        for (uint32_t i = 0; i < num; i++)
            if (!parse_record(blk, btf, s, i, p + pos + (size_t)i * rec, diag))
                return false;
        switch (blk) {
        case BLK_FUNC:
            s->nfuncs = num;
            qsort(s->funcs, num, sizeof *s->funcs, cmp_func);
            for (uint32_t i = 1; i < num; i++) {
                if (s->funcs[i].insn_idx == s->funcs[i - 1].insn_idx) {
                    bpfrt_diag_set(diag,
                                   "BTF.ext: func_info of section '%.64s': functions '%.64s' and "
                                   "'%.64s' both start at instruction %u",
                                   name, s->funcs[i - 1].name, s->funcs[i].name,
                                   s->funcs[i].insn_idx);
                    return false;
                }
            }
            break;
        case BLK_LINE:
            s->nlines = num;
            if (!sort_lines(s->lines, num)) {
                bpfrt_diag_set(diag, "BTF.ext: out of memory");
                return false;
            }
            break;
        case BLK_CORE: s->nrelos = num; break;
        }
        pos += num * rec;
    }
    return true;
}

struct bpfrt_btf_ext *bpfrt_btf_ext_parse(const void *data, size_t size,
                                          const struct bpfrt_btf *btf, struct bpfrt_diag *diag)
{
    const uint8_t *d = data;
    if (!btf) {
        bpfrt_diag_set(diag, "BTF.ext: no .BTF to resolve names and types against");
        return NULL;
    }
    if (!d || size < HDR_MIN) {
        bpfrt_diag_set(diag, "BTF.ext: section too small (%zu bytes, the header needs %d)", size,
                       HDR_MIN);
        return NULL;
    }
    uint16_t magic;
    memcpy(&magic, d, 2);
    if (magic != BTF_MAGIC) {
        if (magic == 0x9feb)
            bpfrt_diag_set(diag, "BTF.ext: big-endian BTF.ext (magic 0x9feb) is not supported");
        else
            bpfrt_diag_set(diag, "BTF.ext: bad magic 0x%04x (expected 0xeb9f)", magic);
        return NULL;
    }
    if (d[2] != BTF_VERSION) {
        bpfrt_diag_set(diag, "BTF.ext: unsupported version %u (expected %u)", d[2], BTF_VERSION);
        return NULL;
    }
    if (d[3] != 0) {
        bpfrt_diag_set(diag, "BTF.ext: unsupported header flags 0x%02x", d[3]);
        return NULL;
    }
    uint32_t hdr_len = rd32(d + 4);
    if (hdr_len < HDR_MIN || hdr_len > size || hdr_len % 4) {
        bpfrt_diag_set(
            diag,
            "BTF.ext: header length %u invalid (a multiple of 4, at least %d, section is "
            "%zu bytes)",
            hdr_len, HDR_MIN, size);
        return NULL;
    }
    int nblk = hdr_len >= HDR_CORE ? 3 : 2;
    uint32_t off[3], len[3];
    uint64_t avail = size - hdr_len;
    for (int i = 0; i < nblk; i++) {
        off[i] = rd32(d + 8 + 8 * i);
        len[i] = rd32(d + 12 + 8 * i);
        if (len[i] == 0)
            continue;
        if (off[i] % 4) {
            bpfrt_diag_set(diag, "BTF.ext: %s block offset %u not 4-byte aligned", block_names[i],
                           off[i]);
            return NULL;
        }
        if ((uint64_t)off[i] + len[i] > avail) {
            bpfrt_diag_set(
                diag,
                "BTF.ext: %s block (offset %u, length %u) outside the data (%llu bytes after "
                "the header)",
                block_names[i], off[i], len[i], (unsigned long long)avail);
            return NULL;
        }
        for (int j = 0; j < i; j++) {
            if (len[j] && off[i] < (uint64_t)off[j] + len[j] &&
                off[j] < (uint64_t)off[i] + len[i]) {
                bpfrt_diag_set(diag,
                               "BTF.ext: %s block [%u, %llu) overlaps the %s block [%u, %llu)",
                               block_names[i], off[i], (unsigned long long)off[i] + len[i],
                               block_names[j], off[j], (unsigned long long)off[j] + len[j]);
                return NULL;
            }
        }
    }
    struct bpfrt_btf_ext *ext = calloc(1, sizeof *ext);
    if (!ext) {
        bpfrt_diag_set(diag, "BTF.ext: out of memory");
        return NULL;
    }
    for (int i = 0; i < nblk; i++) {
        if (len[i] &&
            !parse_block(ext, (enum block)i, d + hdr_len + off[i], off[i], len[i], btf, diag)) {
            bpfrt_btf_ext_free(ext);
            return NULL;
        }
    }
    return ext;
}

size_t bpfrt_btf_ext_section_cnt(const struct bpfrt_btf_ext *ext)
{
    return ext ? ext->nsecs : 0;
}

const char *bpfrt_btf_ext_section_name(const struct bpfrt_btf_ext *ext, size_t i)
{
    return ext && i < ext->nsecs ? ext->secs[i].name : NULL;
}

size_t bpfrt_btf_ext_funcs(const struct bpfrt_btf_ext *ext, const char *section,
                           const struct bpfrt_btf_func **out)
{
    const struct ext_sec *s = find_sec(ext, section);
    if (out)
        *out = s ? s->funcs : NULL;
    return s ? s->nfuncs : 0;
}

size_t bpfrt_btf_ext_lines(const struct bpfrt_btf_ext *ext, const char *section,
                           const struct bpfrt_btf_line **out)
{
    const struct ext_sec *s = find_sec(ext, section);
    if (out)
        *out = s ? s->lines : NULL;
    return s ? s->nlines : 0;
}

size_t bpfrt_btf_ext_core_relos(const struct bpfrt_btf_ext *ext, const char *section,
                                const struct bpfrt_btf_core_relo **out)
{
    const struct ext_sec *s = find_sec(ext, section);
    if (out)
        *out = s ? s->relos : NULL;
    return s ? s->nrelos : 0;
}

const struct bpfrt_btf_line *bpfrt_btf_ext_line_for(const struct bpfrt_btf_ext *ext,
                                                    const char *section, uint32_t insn_idx)
{
    const struct ext_sec *s = find_sec(ext, section);
    if (!s || s->nlines == 0)
        return NULL;
    /* first record with insn_idx > INSN_IDX; the answer is the one before it */
    size_t lo = 0, hi = s->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->lines[mid].insn_idx <= insn_idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &s->lines[lo - 1] : NULL;
}

const char *bpfrt_btf_core_relo_kind_name(uint32_t kind)
{
    static const char *const names[] = {
        "field_byte_offset", "field_byte_size",  "field_exists",   "field_signed",
        "field_lshift_u64",  "field_rshift_u64", "type_id_local",  "type_id_target",
        "type_exists",       "type_size",        "enumval_exists", "enumval_value",
        "type_matches",
    };
    return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}
