/* The ELF stage: reads a relocatable eBPF object with libelf into program and map specs.
 * Everything the file says is checked before it is used; a malformed file gives one message
 * naming the file and the problem, never a crash. */
#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "bpfrt/object.h"
#include "elf/elf_internal.h"
#include "isa/isa_internal.h"
#include "platform/platform.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#define R_BPF_64_64 1
#define R_BPF_64_ABS64 2
#define R_BPF_64_ABS32 3
#define R_BPF_64_NODYLD32 4
#define R_BPF_64_32 10

/* One section as the loader sees it. */
struct sec {
    const char *name;
    GElf_Shdr hdr;
    Elf_Data *data;
    enum { SEC_OTHER, SEC_PROG, SEC_LEGACY_MAPS, SEC_BTF_MAPS, SEC_DATA, SEC_KCONFIG } kind;
    int map_index; /* SEC_DATA: the map spec made from it */
    Elf_Data *rel; /* its relocations, if any (REL, or RELA from old LLVM) */
    size_t rel_cnt;
    bool rela;
};

/* A function: a symbol of type FUNC in an executable section. */
struct func {
    const char *name;
    size_t sec;
    size_t off, size; /* bytes */
    bool global;
};

/* How a legacy map-in-map definition names its inner map. */
struct legacy_ref {
    enum {
        LEGACY_NONE,
        LEGACY_INNER_IDX_GLOBAL,
        LEGACY_INNER_IDX_IN_SECTION,
        LEGACY_INNER_ID
    } kind;
    uint32_t value;
    size_t section, record;
};

struct loader {
    struct legacy_ref *legacy_refs; /* parallel to obj->maps while reading them */
    const char *path;
    struct bpfrt_diag *diag;
    Elf *elf;
    size_t shnum, shstrndx;
    struct sec *secs;
    Elf_Data *symtab;
    size_t symtab_strndx, sym_cnt;
    struct func *funcs;
    size_t func_cnt;
    struct bpfrt_object *obj;
};

__attribute__((format(printf, 2, 3))) static int fail(struct loader *l, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* Names come from the file: keep the message on one line whatever they contain. */
    for (char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    bpfrt_diag_set(l->diag, "%s: %s", l->path, msg);
    return -1;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int read_sections(struct loader *l)
{
    GElf_Ehdr eh;
    if (elf_kind(l->elf) != ELF_K_ELF || !gelf_getehdr(l->elf, &eh))
        return fail(l, "not an ELF file");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        return fail(l, "not a 64-bit ELF file");
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(l, "big-endian ELF file (bpfrt runs little-endian eBPF)");
    /* LLVM before 3.9 (2016) wrote EM_NONE into eBPF objects; such objects are still around. */
    if (eh.e_machine != EM_BPF && eh.e_machine != EM_NONE)
        return fail(l, "ELF machine %u is not eBPF (%u)", eh.e_machine, EM_BPF);
    if (eh.e_type != ET_REL)
        return fail(l, "not a relocatable object (ELF type %u)", eh.e_type);
    if (elf_getshdrnum(l->elf, &l->shnum) != 0 || elf_getshdrstrndx(l->elf, &l->shstrndx) != 0)
        return fail(l, "unreadable section header table (%s)", elf_errmsg(-1));
    if (l->shnum == 0 || l->shstrndx >= l->shnum)
        return fail(l, "no section name table");
    l->secs = calloc(l->shnum, sizeof(*l->secs));
    if (!l->secs)
        return fail(l, "out of memory");
    size_t file_size = l->obj->priv->image_size;
    for (size_t i = 1; i < l->shnum; i++) {
        struct sec *s = &l->secs[i];
        Elf_Scn *scn = elf_getscn(l->elf, i);
        if (!scn || !gelf_getshdr(scn, &s->hdr))
            return fail(l, "section %zu: unreadable header (%s)", i, elf_errmsg(-1));
        s->name = elf_strptr(l->elf, l->shstrndx, s->hdr.sh_name);
        if (!s->name)
            return fail(l, "section %zu: name offset 0x%x is outside the section name table", i,
                        s->hdr.sh_name);
        s->map_index = -1;
        if (s->hdr.sh_type != SHT_NOBITS &&
            (s->hdr.sh_offset > file_size || s->hdr.sh_size > file_size - s->hdr.sh_offset))
            return fail(l,
                        "section %zu '%s': offset 0x%llx size 0x%llx extends past the end of "
                        "the file (%zu bytes)",
                        i, s->name, (unsigned long long)s->hdr.sh_offset,
                        (unsigned long long)s->hdr.sh_size, file_size);
        s->data = elf_getdata(scn, NULL);
        if (!s->data && s->hdr.sh_size && s->hdr.sh_type != SHT_NOBITS)
            return fail(l, "section %zu '%s': unreadable (%s)", i, s->name, elf_errmsg(-1));
    }
    return 0;
}

static bool starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool is_data_section(const char *name)
{
    return strcmp(name, ".data") == 0 || strcmp(name, ".bss") == 0 ||
           strcmp(name, ".rodata") == 0 || starts_with(name, ".data.") ||
           starts_with(name, ".bss.") || starts_with(name, ".rodata.");
}

static int classify_sections(struct loader *l)
{
    for (size_t i = 1; i < l->shnum; i++) {
        struct sec *s = &l->secs[i];
        const GElf_Shdr *h = &s->hdr;
        if (h->sh_type == SHT_SYMTAB) {
            if (l->symtab)
                return fail(l, "more than one symbol table");
            if (h->sh_entsize != sizeof(Elf64_Sym) || h->sh_link == 0 || h->sh_link >= l->shnum ||
                l->secs[h->sh_link].hdr.sh_type != SHT_STRTAB || !s->data)
                return fail(l,
                            "section %zu '%s': malformed symbol table (entry size %llu, "
                            "string table link %u)",
                            i, s->name, (unsigned long long)h->sh_entsize, h->sh_link);
            l->symtab = s->data;
            l->symtab_strndx = h->sh_link;
            l->sym_cnt = h->sh_size / sizeof(Elf64_Sym);
        } else if (h->sh_type == SHT_PROGBITS && (h->sh_flags & SHF_EXECINSTR)) {
            if (h->sh_size % sizeof(struct bpfrt_insn) != 0)
                return fail(l, "section '%s': code size %llu is not a multiple of 8", s->name,
                            (unsigned long long)h->sh_size);
            if (h->sh_size)
                s->kind = SEC_PROG;
        } else if (strcmp(s->name, "maps") == 0 || starts_with(s->name, "maps/")) {
            if (h->sh_size && (!s->data || !s->data->d_buf))
                return fail(l, "section '%s': legacy map definitions without contents (%s)",
                            s->name, h->sh_type == SHT_NOBITS ? "NOBITS" : "unreadable");
            s->kind = SEC_LEGACY_MAPS;
        } else if (strcmp(s->name, ".maps") == 0) {
            s->kind = SEC_BTF_MAPS;
        } else if (strcmp(s->name, ".kconfig") == 0) {
            s->kind = SEC_KCONFIG;
        } else if ((h->sh_type == SHT_PROGBITS || h->sh_type == SHT_NOBITS) &&
                   (h->sh_flags & SHF_ALLOC) && is_data_section(s->name)) {
            s->kind = SEC_DATA;
        } else if (strcmp(s->name, "license") == 0 && s->data && s->data->d_buf &&
                   s->data->d_size) {
            const char *lic = s->data->d_buf;
            free(l->obj->license); /* a second "license" section replaces the first */
            l->obj->license = strndup(lic, s->data->d_size);
        } else if (strcmp(s->name, "version") == 0 && s->data && s->data->d_buf &&
                   s->data->d_size == 4) {
            /* (a NOBITS section has a size but no bytes: libelf gives no buffer) */
            memcpy(&l->obj->kern_version, s->data->d_buf, 4);
        }
    }
    if (!l->symtab)
        return fail(l, "no symbol table");
    /* Relocation sections, attached to the section they patch. */
    for (size_t i = 1; i < l->shnum; i++) {
        struct sec *s = &l->secs[i];
        if (s->hdr.sh_type != SHT_REL && s->hdr.sh_type != SHT_RELA)
            continue;
        bool rela = s->hdr.sh_type == SHT_RELA;
        size_t entsize = rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
        if (s->hdr.sh_info == 0 || s->hdr.sh_info >= l->shnum)
            return fail(l, "relocation section '%s' patches section %u, which does not exist",
                        s->name, s->hdr.sh_info);
        if (s->hdr.sh_entsize != entsize || !s->data)
            return fail(l, "relocation section '%s': malformed (entry size %llu)", s->name,
                        (unsigned long long)s->hdr.sh_entsize);
        struct sec *target = &l->secs[s->hdr.sh_info];
        if (target->kind == SEC_PROG || target->kind == SEC_BTF_MAPS) {
            target->rel = s->data;
            target->rel_cnt = s->hdr.sh_size / entsize;
            target->rela = rela;
        }
    }
    return 0;
}

static bool name_needed(const struct loader *l, const GElf_Sym *sym)
{
    if (sym->st_shndx == SHN_UNDEF)
        return GELF_ST_TYPE(sym->st_info) != STT_NOTYPE || sym->st_name != 0;
    if (sym->st_shndx >= l->shnum || GELF_ST_TYPE(sym->st_info) == STT_SECTION)
        return false;
    int kind = l->secs[sym->st_shndx].kind;
    return (kind == SEC_PROG && GELF_ST_TYPE(sym->st_info) == STT_FUNC) ||
           kind == SEC_LEGACY_MAPS || kind == SEC_BTF_MAPS;
}

/* Symbol I, checked: a section index that exists, and (for the symbols the loader uses) a
 * name inside the string table. A corrupt name on a symbol nothing refers to is harmless. */
static int get_sym(struct loader *l, size_t i, GElf_Sym *sym, const char **name)
{
    if (i >= l->sym_cnt || !gelf_getsym(l->symtab, (int)i, sym))
        return fail(l, "symbol %zu does not exist (%zu symbols)", i, l->sym_cnt);
    if (sym->st_shndx != SHN_UNDEF && sym->st_shndx < SHN_LORESERVE && sym->st_shndx >= l->shnum)
        return fail(l, "symbol %zu: section index %u does not exist (%zu sections)", i,
                    sym->st_shndx, l->shnum);
    *name = elf_strptr(l->elf, l->symtab_strndx, sym->st_name);
    if (!*name) {
        if (!name_needed(l, sym))
            *name = "?";
        else
            return fail(l, "symbol %zu: name offset 0x%x is outside the string table", i,
                        sym->st_name);
    }
    return 0;
}

/* Helper ids by name (Linux's list), for calls to externs named like helpers. */
static const char *const helper_names[] = {
#define BPFRT_HELPER_NAME(x) "bpf_" #x /* the list has its own commas */
    __BPF_FUNC_MAPPER(BPFRT_HELPER_NAME)
#undef BPFRT_HELPER_NAME
};

/* Is NAME a variable of the ".kconfig" DATASEC (extern ... __kconfig)? */
static bool is_kconfig_extern(const struct bpfrt_btf *btf, const char *name)
{
    int32_t ds = bpfrt_btf_datasec_find(btf, ".kconfig");
    if (ds < 0)
        return false;
    const struct btf_type *sec = bpfrt_btf_type_by_id(btf, (uint32_t)ds);
    const struct btf_var_secinfo *vs = bpfrt_btf_var_secinfos(sec);
    for (unsigned i = 0; i < bpfrt_btf_vlen(sec); i++) {
        const char *vn = bpfrt_btf_name(btf, vs[i].type);
        if (vn && strcmp(vn, name) == 0)
            return true;
    }
    return false;
}

static int helper_id(const char *name)
{
    for (size_t i = 1; i < sizeof(helper_names) / sizeof(helper_names[0]); i++)
        if (strcmp(name, helper_names[i]) == 0)
            return (int)i;
    return -1;
}

static int collect_functions(struct loader *l)
{
    /* one per symbol, plus one per code section without any function symbol */
    l->funcs = calloc(l->sym_cnt + l->shnum, sizeof(*l->funcs));
    if (!l->funcs)
        return fail(l, "out of memory");
    for (size_t i = 1; i < l->sym_cnt; i++) {
        GElf_Sym sym;
        const char *name;
        if (get_sym(l, i, &sym, &name) < 0)
            return -1;
        if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
            sym.st_shndx >= l->shnum)
            continue;
        struct sec *s = &l->secs[sym.st_shndx];
        if (s->kind != SEC_PROG)
            continue;
        if (sym.st_value % 8 || sym.st_size % 8 || sym.st_value > s->hdr.sh_size ||
            sym.st_size > s->hdr.sh_size - sym.st_value)
            return fail(l,
                        "function '%s': offset %llu size %llu do not fit section '%s' (%llu "
                        "bytes) in whole instructions",
                        name, (unsigned long long)sym.st_value, (unsigned long long)sym.st_size,
                        s->name, (unsigned long long)s->hdr.sh_size);
        struct func *f = &l->funcs[l->func_cnt++];
        f->name = name;
        f->sec = sym.st_shndx;
        f->off = sym.st_value;
        f->size = sym.st_size;
        f->global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
    }
    return 0;
}

static struct bpfrt_map_spec *new_map(struct loader *l)
{
    struct bpfrt_object *o = l->obj;
    struct legacy_ref *refs = realloc(l->legacy_refs, (o->map_cnt + 1) * sizeof(*refs));
    if (!refs)
        return NULL;
    l->legacy_refs = refs;
    memset(&refs[o->map_cnt], 0, sizeof(*refs));
    struct bpfrt_map_spec *m = realloc(o->maps, (o->map_cnt + 1) * sizeof(*m));
    if (!m)
        return NULL;
    o->maps = m;
    m = &o->maps[o->map_cnt++];
    memset(m, 0, sizeof(*m));
    m->inner_map = -1;
    return m;
}

/* Legacy map definitions: struct bpf_map_def and the longer iproute2/Cilium records; the record
 * size is the section size divided by the number of map symbols in it. */
static int read_legacy_maps(struct loader *l, size_t si)
{
    struct sec *s = &l->secs[si];
    size_t count = 0;
    for (size_t i = 1; i < l->sym_cnt; i++) {
        GElf_Sym sym;
        const char *name;
        if (get_sym(l, i, &sym, &name) < 0)
            return -1;
        if (sym.st_shndx == si && GELF_ST_TYPE(sym.st_info) != STT_SECTION)
            count++;
    }
    if (count == 0)
        return 0;
    size_t rec = s->hdr.sh_size / count;
    if (s->hdr.sh_size % count || rec < 4 * sizeof(uint32_t) || rec % 4 || !s->data)
        return fail(l, "section '%s': %llu bytes do not divide into %zu map definitions", s->name,
                    (unsigned long long)s->hdr.sh_size, count);
    for (size_t i = 1; i < l->sym_cnt; i++) {
        GElf_Sym sym;
        const char *name;
        get_sym(l, i, &sym, &name);
        if (sym.st_shndx != si || GELF_ST_TYPE(sym.st_info) == STT_SECTION)
            continue;
        if (sym.st_value % rec || sym.st_value + rec > s->hdr.sh_size)
            return fail(l,
                        "map '%s': offset %llu is not a whole definition in '%s' (records of "
                        "%zu bytes)",
                        name, (unsigned long long)sym.st_value, s->name, rec);
        uint32_t f[9] = {0};
        memcpy(f, (const uint8_t *)s->data->d_buf + sym.st_value,
               rec < sizeof(f) ? rec : sizeof(f));
        struct bpfrt_map_spec *m = new_map(l);
        if (!m || !(m->name = dup_str(name)) || !(m->section = dup_str(s->name)))
            return fail(l, "out of memory");
        m->origin = BPFRT_MAP_LEGACY;
        m->type = f[0];
        m->key_size = f[1];
        m->value_size = f[2];
        m->max_entries = f[3];
        m->map_flags = f[4];
        m->section_offset = sym.st_value;
        struct legacy_ref *ref = &l->legacy_refs[l->obj->map_cnt - 1];
        ref->section = si;
        ref->record = rec;
        if (rec >= 9 * sizeof(uint32_t)) {
            /* iproute2/Cilium struct bpf_elf_map: id, pinning, inner_id, inner_idx */
            m->id = f[5];
            m->pinning = f[6];
            ref->kind = f[7] ? LEGACY_INNER_ID : LEGACY_INNER_IDX_IN_SECTION;
            ref->value = f[7] ? f[7] : f[8];
        } else if (rec >= 6 * sizeof(uint32_t)) {
            /* samples/bpf's struct bpf_map_def: inner_map_idx, numa_node */
            ref->kind = LEGACY_INNER_IDX_GLOBAL;
            ref->value = f[5];
        }
    }
    return 0;
}

/* Position of legacy map J among all legacy maps in (section, offset) order: how samples/bpf's
 * inner_map_idx counts. */
static uint32_t legacy_rank(const struct loader *l, size_t j)
{
    uint32_t rank = 0;
    const struct legacy_ref *rj = &l->legacy_refs[j];
    for (size_t k = 0; k < l->obj->map_cnt; k++) {
        const struct legacy_ref *rk = &l->legacy_refs[k];
        if (l->obj->maps[k].origin == BPFRT_MAP_LEGACY &&
            (rk->section < rj->section ||
             (rk->section == rj->section &&
              l->obj->maps[k].section_offset < l->obj->maps[j].section_offset)))
            rank++;
    }
    return rank;
}

/* Inner maps of legacy map-in-map definitions, once every legacy map is known. */
static int resolve_legacy_inner_maps(struct loader *l)
{
    for (size_t i = 0; i < l->obj->map_cnt; i++) {
        struct bpfrt_map_spec *m = &l->obj->maps[i];
        const struct legacy_ref *ref = &l->legacy_refs[i];
        if (m->origin != BPFRT_MAP_LEGACY ||
            (m->type != BPF_MAP_TYPE_ARRAY_OF_MAPS && m->type != BPF_MAP_TYPE_HASH_OF_MAPS))
            continue;
        long inner = -1;
        for (size_t j = 0; j < l->obj->map_cnt; j++) {
            const struct bpfrt_map_spec *c = &l->obj->maps[j];
            if (c->origin != BPFRT_MAP_LEGACY || j == i)
                continue;
            if ((ref->kind == LEGACY_INNER_ID && c->id == ref->value) ||
                (ref->kind == LEGACY_INNER_IDX_GLOBAL && legacy_rank(l, j) == ref->value) ||
                (ref->kind == LEGACY_INNER_IDX_IN_SECTION &&
                 strcmp(c->section, l->secs[ref->section].name) == 0 &&
                 c->section_offset == (size_t)ref->value * ref->record))
                inner = (long)j;
        }
        if (inner < 0)
            return fail(l, "map '%s': its inner map (%s %u) does not exist", m->name,
                        ref->kind == LEGACY_INNER_ID ? "id" : "index", ref->value);
        m->inner_map = (int)inner;
        if (m->value_size == 0) /* the values are map ids; samples/bpf left the size out */
            m->value_size = 4;
    }
    return 0;
}

void bpfrt_data_map_name(const char *obj_name, const char *section, char name[BPFRT_MAP_NAME_LEN])
{
    /* a prefix of the object name, then the section name (no prefix for custom ".data.NAME"
     * sections), at most 15 characters of the kind the kernel accepts */
    size_t sfx = strlen(section) < 7 ? 7 : strlen(section);
    if (sfx >= BPFRT_MAP_NAME_LEN)
        sfx = BPFRT_MAP_NAME_LEN - 1;
    size_t pfx = strchr(section + 1, '.') ? 0 : BPFRT_MAP_NAME_LEN - sfx - 1;
    if (pfx > strlen(obj_name))
        pfx = strlen(obj_name);
    snprintf(name, BPFRT_MAP_NAME_LEN, "%.*s%.*s", (int)pfx, obj_name, (int)sfx, section);
    for (char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.')
            *c = '_';
}

/* Largest global-data section: Linux refuses array values above a few MiB (E2BIG) anyway. */
#define MAX_DATA_SECTION (64u << 20)

static int read_data_section(struct loader *l, size_t si)
{
    struct sec *s = &l->secs[si];
    if (s->hdr.sh_size > MAX_DATA_SECTION)
        return fail(l,
                    "section '%s': %llu bytes of global data, more than the %u bytes bpfrt "
                    "accepts",
                    s->name, (unsigned long long)s->hdr.sh_size, MAX_DATA_SECTION);
    struct bpfrt_map_spec *m = new_map(l);
    if (!m)
        return fail(l, "out of memory");
    char name[BPFRT_MAP_NAME_LEN];
    bpfrt_data_map_name(l->obj->name, s->name, name);
    if (!(m->name = dup_str(name)) || !(m->section = dup_str(s->name)))
        return fail(l, "out of memory");
    m->origin = BPFRT_MAP_GLOBAL_DATA;
    m->type = BPF_MAP_TYPE_ARRAY;
    m->key_size = 4;
    m->value_size = (uint32_t)s->hdr.sh_size;
    m->max_entries = 1;
    if (starts_with(s->name, ".rodata"))
        m->map_flags = BPF_F_RDONLY_PROG;
    m->initial_size = s->hdr.sh_size;
    m->initial = calloc(1, s->hdr.sh_size ? s->hdr.sh_size : 1);
    if (!m->initial)
        return fail(l, "out of memory");
    if (s->hdr.sh_type != SHT_NOBITS && s->data && s->data->d_buf)
        memcpy(m->initial, s->data->d_buf, s->hdr.sh_size);
    s->map_index = (int)(l->obj->map_cnt - 1);
    return 0;
}

/* __uint(name, N) is `int (*name)[N]`: a pointer to an array of N elements. */
static int btf_uint(struct loader *l, const char *map, const char *field, uint32_t type,
                    uint32_t *out)
{
    const struct bpfrt_btf *btf = l->obj->priv->btf;
    const struct btf_type *t = bpfrt_btf_type_by_id(btf, bpfrt_btf_skip_modifiers(btf, type));
    const struct btf_type *a =
        t && bpfrt_btf_kind(t) == BTF_KIND_PTR
            ? bpfrt_btf_type_by_id(btf, bpfrt_btf_skip_modifiers(btf, t->type))
            : NULL;
    if (!a || bpfrt_btf_kind(a) != BTF_KIND_ARRAY)
        return fail(l, "map '%s': field '%s' is not declared with __uint()", map, field);
    *out = bpfrt_btf_array(a)->nelems;
    return 0;
}

/* __type(name, T) is `T *name`: the pointed-to type. */
static int btf_type_of(struct loader *l, const char *map, const char *field, uint32_t type,
                       uint32_t *id, uint32_t *size)
{
    const struct bpfrt_btf *btf = l->obj->priv->btf;
    const struct btf_type *t = bpfrt_btf_type_by_id(btf, bpfrt_btf_skip_modifiers(btf, type));
    if (!t || bpfrt_btf_kind(t) != BTF_KIND_PTR)
        return fail(l, "map '%s': field '%s' is not declared with __type()", map, field);
    int64_t sz = bpfrt_btf_type_size(btf, t->type);
    if (sz < 0 || sz > UINT32_MAX)
        return fail(l, "map '%s': field '%s' has a type without a size", map, field);
    *id = t->type;
    *size = (uint32_t)sz;
    return 0;
}

static int parse_btf_map_def(struct loader *l, size_t mi, uint32_t struct_id, int depth);

/* __array(values, struct inner): `struct inner *values[]`; the inner map's definition. */
static int btf_inner_map(struct loader *l, size_t mi, uint32_t type, int depth)
{
    const struct bpfrt_btf *btf = l->obj->priv->btf;
    const char *outer = l->obj->maps[mi].name;
    const struct btf_type *a = bpfrt_btf_type_by_id(btf, bpfrt_btf_skip_modifiers(btf, type));
    if (!a || bpfrt_btf_kind(a) != BTF_KIND_ARRAY)
        return fail(l, "map '%s': field 'values' is not declared with __array()", outer);
    const struct btf_type *p =
        bpfrt_btf_type_by_id(btf, bpfrt_btf_skip_modifiers(btf, bpfrt_btf_array(a)->type));
    if (!p || bpfrt_btf_kind(p) != BTF_KIND_PTR)
        return fail(l, "map '%s': 'values' elements are not pointers", outer);
    uint32_t target = bpfrt_btf_skip_modifiers(btf, p->type);
    const struct btf_type *st = bpfrt_btf_type_by_id(btf, target);
    if (!st || bpfrt_btf_kind(st) != BTF_KIND_STRUCT)
        return 0; /* program array initial values: pointers to functions */
    if (depth > 0)
        return fail(l, "map '%s': maps nested more than one level deep", outer);
    char name[300];
    snprintf(name, sizeof(name), "%s.inner", outer);
    struct bpfrt_map_spec *m = new_map(l);
    if (!m || !(m->name = dup_str(name)) || !(m->section = dup_str(".maps")))
        return fail(l, "out of memory");
    m->origin = BPFRT_MAP_BTF;
    m->section_offset = SIZE_MAX; /* not a symbol of its own */
    size_t inner = l->obj->map_cnt - 1;
    l->obj->maps[mi].inner_map = (int)inner;
    return parse_btf_map_def(l, inner, target, depth + 1);
}

/* A BTF map definition: a struct whose members say type, key, value, max_entries, ... */
static int parse_btf_map_def(struct loader *l, size_t mi, uint32_t struct_id, int depth)
{
    const struct bpfrt_btf *btf = l->obj->priv->btf;
    const struct btf_type *st = bpfrt_btf_type_by_id(btf, struct_id);
    const char *name = l->obj->maps[mi].name;
    if (!st || bpfrt_btf_kind(st) != BTF_KIND_STRUCT)
        return fail(l, "map '%s': its BTF definition is not a struct", name);
    const struct btf_member *mem = bpfrt_btf_members(st);
    for (unsigned i = 0; i < bpfrt_btf_vlen(st); i++) {
        const char *field = bpfrt_btf_str(btf, mem[i].name_off);
        struct bpfrt_map_spec *m = &l->obj->maps[mi];
        uint32_t v = 0, id = 0;
        int rc = 0;
        if (!field)
            return fail(l, "map '%s': member %u has no name", name, i);
        if (strcmp(field, "type") == 0)
            rc = btf_uint(l, name, field, mem[i].type, &m->type);
        else if (strcmp(field, "max_entries") == 0)
            rc = btf_uint(l, name, field, mem[i].type, &m->max_entries);
        else if (strcmp(field, "map_flags") == 0)
            rc = btf_uint(l, name, field, mem[i].type, &m->map_flags);
        else if (strcmp(field, "pinning") == 0)
            rc = btf_uint(l, name, field, mem[i].type, &m->pinning);
        else if (strcmp(field, "key_size") == 0 || strcmp(field, "value_size") == 0) {
            rc = btf_uint(l, name, field, mem[i].type, &v);
            *(field[0] == 'k' ? &m->key_size : &m->value_size) = v;
        } else if (strcmp(field, "key") == 0) {
            rc = btf_type_of(l, name, field, mem[i].type, &id, &v);
            m->key_type_id = id;
            m->key_size = v;
        } else if (strcmp(field, "value") == 0) {
            rc = btf_type_of(l, name, field, mem[i].type, &id, &v);
            m->value_type_id = id;
            m->value_size = v;
        } else if (strcmp(field, "values") == 0) {
            m->values_offset = bpfrt_btf_member_bit_offset(st, i) / 8;
            rc = btf_inner_map(l, mi, mem[i].type, depth);
        } else if (strcmp(field, "numa_node") == 0 || strcmp(field, "map_extra") == 0) {
            rc = btf_uint(l, name, field, mem[i].type, &v);
        } else {
            return fail(l, "map '%s': unknown map attribute '%s'", name, field);
        }
        if (rc < 0)
            return -1;
    }
    /* Map-in-map and program arrays hold 4-byte ids. */
    struct bpfrt_map_spec *m = &l->obj->maps[mi];
    if ((m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || m->type == BPF_MAP_TYPE_HASH_OF_MAPS ||
         m->type == BPF_MAP_TYPE_PROG_ARRAY) &&
        m->value_size == 0)
        m->value_size = 4;
    return 0;
}

/* BTF-defined maps: one spec per variable of the ".maps" DATASEC. */
static int read_btf_maps(struct loader *l, size_t si)
{
    const struct bpfrt_btf *btf = l->obj->priv->btf;
    if (!btf)
        return fail(l, "section '.maps' defines maps, but the object has no usable .BTF");
    int32_t ds = bpfrt_btf_datasec_find(btf, ".maps");
    if (ds < 0)
        return fail(l, "no DATASEC '.maps' in BTF for the '.maps' section");
    const struct btf_type *sec = bpfrt_btf_type_by_id(btf, (uint32_t)ds);
    const struct btf_var_secinfo *vs = bpfrt_btf_var_secinfos(sec);
    for (unsigned i = 0; i < bpfrt_btf_vlen(sec); i++) {
        const struct btf_type *var = bpfrt_btf_type_by_id(btf, vs[i].type);
        if (!var || bpfrt_btf_kind(var) != BTF_KIND_VAR)
            return fail(l, "DATASEC '.maps' entry %u is not a variable", i);
        const char *name = bpfrt_btf_name(btf, vs[i].type);
        struct bpfrt_map_spec *m = new_map(l);
        if (!m || !(m->name = dup_str(name ? name : "?")) || !(m->section = dup_str(".maps")))
            return fail(l, "out of memory");
        m->origin = BPFRT_MAP_BTF;
        /* In a .o the DATASEC offsets may still be 0: the symbol table has the real ones. */
        m->section_offset = vs[i].offset;
        for (size_t k = 1; k < l->sym_cnt; k++) {
            GElf_Sym sym;
            const char *sname;
            if (get_sym(l, k, &sym, &sname) < 0)
                return -1;
            if (sym.st_shndx == si && GELF_ST_TYPE(sym.st_info) != STT_SECTION &&
                strcmp(sname, m->name) == 0)
                m->section_offset = sym.st_value;
        }
        if (parse_btf_map_def(l, l->obj->map_cnt - 1, bpfrt_btf_skip_modifiers(btf, var->type), 0) <
            0)
            return -1;
    }
    return 0;
}

/* .BTF and .BTF.ext: needed for BTF-defined maps; otherwise used for source lines when sound. */
static int read_btf(struct loader *l)
{
    struct sec *btf_sec = NULL, *ext_sec = NULL;
    bool needed = false;
    for (size_t i = 1; i < l->shnum; i++) {
        if (strcmp(l->secs[i].name, ".BTF") == 0)
            btf_sec = &l->secs[i];
        else if (strcmp(l->secs[i].name, ".BTF.ext") == 0)
            ext_sec = &l->secs[i];
        needed |= l->secs[i].kind == SEC_BTF_MAPS;
    }
    if (!btf_sec || !btf_sec->data || !btf_sec->data->d_buf)
        return 0;
    struct bpfrt_diag d;
    l->obj->priv->btf = bpfrt_btf_parse(btf_sec->data->d_buf, btf_sec->data->d_size, &d);
    if (!l->obj->priv->btf)
        return needed ? fail(l, "%s", d.msg) : 0;
    if (ext_sec && ext_sec->data && ext_sec->data->d_buf)
        l->obj->priv->ext =
            bpfrt_btf_ext_parse(ext_sec->data->d_buf, ext_sec->data->d_size, l->obj->priv->btf, &d);
    return 0;
}

static int read_maps(struct loader *l)
{
    for (size_t i = 1; i < l->shnum; i++) {
        int rc = 0;
        switch (l->secs[i].kind) {
        case SEC_LEGACY_MAPS: rc = read_legacy_maps(l, i); break;
        case SEC_BTF_MAPS: rc = read_btf_maps(l, i); break;
        case SEC_DATA: rc = read_data_section(l, i); break;
        default: break;
        }
        if (rc < 0)
            return -1;
    }
    return resolve_legacy_inner_maps(l);
}

/* The map a data or map symbol refers to, and the byte offset inside it. */
static int map_for_symbol(struct loader *l, const GElf_Sym *sym, const char *name, int *map,
                          uint64_t *off)
{
    struct sec *s = &l->secs[sym->st_shndx];
    if (s->kind == SEC_DATA) {
        *map = s->map_index;
        *off = sym->st_value;
        return 0;
    }
    for (size_t i = 0; i < l->obj->map_cnt; i++) {
        struct bpfrt_map_spec *m = &l->obj->maps[i];
        if (m->origin != BPFRT_MAP_GLOBAL_DATA && strcmp(m->section, s->name) == 0 &&
            m->section_offset == sym->st_value) {
            *map = (int)i;
            *off = 0;
            return 0;
        }
    }
    return fail(l, "symbol '%s' in section '%s' is not a map", name, s->name);
}

/* Relocation R of section S (REL or RELA; eBPF relocations carry no addend that matters). */
static bool get_rel(const struct sec *s, size_t r, GElf_Rel *rel)
{
    if (!s->rela)
        return gelf_getrel(s->rel, (int)r, rel) != NULL;
    GElf_Rela rela;
    if (!gelf_getrela(s->rel, (int)r, &rela))
        return false;
    rel->r_offset = rela.r_offset;
    rel->r_info = rela.r_info;
    return true;
}

static struct func *func_at(struct loader *l, size_t sec, size_t off)
{
    for (size_t i = 0; i < l->func_cnt; i++)
        if (l->funcs[i].sec == sec && l->funcs[i].off == off)
            return &l->funcs[i];
    return NULL;
}

/* A program under construction: its code plus appended subprograms. */
struct build {
    struct bpfrt_insn *insns;
    size_t n, cap;
    struct {
        struct func *f;
        size_t start;
    } parts[256];
    size_t part_cnt;
};

static int append_func(struct loader *l, struct build *b, struct func *f, size_t *start);

/* Appends the function at byte TARGET of section SEC to the program (once) and points the
 * instruction at IDX (a call, or an lddw of a function address) at it. */
static int point_at_function(struct loader *l, struct build *b, size_t idx, size_t sec,
                             uint64_t target, const char *what)
{
    struct func *f = func_at(l, sec, target);
    if (!f)
        return fail(l,
                    "program '%s': instruction %zu %s offset %llu of '%s', where no function "
                    "starts",
                    b->parts[0].f->name, idx, what, (unsigned long long)target, l->secs[sec].name);
    size_t start;
    if (append_func(l, b, f, &start) < 0)
        return -1;
    b->insns[idx].imm = (int32_t)((int64_t)start - (int64_t)idx - 1);
    return 0;
}

/* Relocates the instructions of part P (function F copied at START). */
static int relocate_part(struct loader *l, struct build *b, struct func *f, size_t start)
{
    struct sec *s = &l->secs[f->sec];
    const char *prog = b->parts[0].f->name;
    /* Relocation records for this function's bytes. */
    for (size_t r = 0; r < s->rel_cnt; r++) {
        GElf_Rel rel;
        if (!get_rel(s, r, &rel))
            return fail(l, "section '%s': unreadable relocation %zu", s->name, r);
        if (rel.r_offset < f->off || rel.r_offset >= f->off + f->size)
            continue;
        if (rel.r_offset % 8)
            return fail(l, "section '%s': relocation at offset %llu is not on an instruction",
                        s->name, (unsigned long long)rel.r_offset);
        size_t idx = start + (rel.r_offset - f->off) / 8;
        struct bpfrt_insn *in = &b->insns[idx];
        GElf_Sym sym;
        const char *name;
        if (get_sym(l, GELF_R_SYM(rel.r_info), &sym, &name) < 0)
            return -1;
        unsigned type = (unsigned)GELF_R_TYPE(rel.r_info);
        if (sym.st_shndx == SHN_UNDEF) {
            if (GELF_ST_BIND(sym.st_info) == STB_WEAK && in->code == 0x18)
                continue; /* weak extern left unresolved reads as 0 */
            const struct bpfrt_btf *btf = l->obj->priv->btf;
            if (btf && is_kconfig_extern(btf, name))
                return fail(l, "program '%s': not supported: %s (a .kconfig extern)", prog, name);
            int helper = in->code == 0x85 ? helper_id(name) : -1;
            if (helper > 0) { /* a helper declared as an extern function: call it by id */
                in->src_reg = 0;
                in->imm = helper;
                continue;
            }
            return fail(l,
                        "program '%s': instruction %zu refers to undefined symbol '%s' "
                        "(an extern bpfrt cannot resolve)",
                        prog, idx, name);
        }
        if (sym.st_shndx >= l->shnum)
            return fail(l, "program '%s': instruction %zu: symbol '%s' has no section", prog, idx,
                        name);
        struct sec *ts = &l->secs[sym.st_shndx];
        if (in->code == 0x85 && in->src_reg == 1) { /* bpf-to-bpf call */
            if (ts->kind != SEC_PROG)
                return fail(l, "program '%s': call at %zu targets '%s' outside code", prog, idx,
                            name);
            uint64_t target = GELF_ST_TYPE(sym.st_info) == STT_SECTION
                                  ? sym.st_value + ((int64_t)in->imm + 1) * 8
                                  : sym.st_value;
            if (point_at_function(l, b, idx, sym.st_shndx, target, "calls") < 0)
                return -1;
            in = &b->insns[idx]; /* the array may have moved */
            in->src_reg = 1;     /* marks the call as already relocated */
            continue;
        }
        if (in->code != 0x18 || idx + 1 >= b->n)
            return fail(l,
                        "program '%s': relocation of '%s' at instruction %zu is not on an "
                        "lddw (opcode 0x%02x)",
                        prog, name, idx, in->code);
        /* type 0 on an lddw: what LLVM before 3.9 wrote for map references */
        if (type != R_BPF_64_64 && type != 0)
            return fail(l, "program '%s': unsupported relocation type %u at instruction %zu", prog,
                        type, idx);
        if (ts->kind == SEC_PROG) { /* address of a function: a callback */
            uint64_t target = GELF_ST_TYPE(sym.st_info) == STT_SECTION
                                  ? sym.st_value + (uint64_t)(int64_t)in->imm
                                  : sym.st_value;
            if (point_at_function(l, b, idx, sym.st_shndx, target, "takes the address of") < 0)
                return -1;
            in = &b->insns[idx];
            in->src_reg = BPF_PSEUDO_FUNC;
            continue;
        }
        if (ts->kind == SEC_KCONFIG)
            return fail(l, "program '%s': not supported: .kconfig extern '%s'", prog, name);
        int map = -1;
        uint64_t off = 0;
        if (map_for_symbol(l, &sym, name, &map, &off) < 0)
            return -1;
        if (l->secs[sym.st_shndx].kind == SEC_DATA) {
            uint64_t total = off + (uint64_t)(uint32_t)in->imm;
            if (total >= l->obj->maps[map].value_size && l->obj->maps[map].value_size)
                return fail(l,
                            "program '%s': instruction %zu refers to '%s' at offset %llu of "
                            "'%s', which has %u bytes",
                            prog, idx, name, (unsigned long long)total, l->secs[sym.st_shndx].name,
                            l->obj->maps[map].value_size);
            in->src_reg = 6; /* map_val(map_by_idx(imm)) + next_imm */
            in->imm = map;
            b->insns[idx + 1].imm = (int32_t)total;
        } else {
            in->src_reg = 5; /* map_by_idx(imm) */
            in->imm = map;
        }
    }
    /* Calls inside the same section that needed no relocation record. */
    uint8_t *relocated = calloc(f->size / 8 + 1, 1);
    if (!relocated)
        return fail(l, "out of memory");
    for (size_t r = 0; r < s->rel_cnt; r++) {
        GElf_Rel rel;
        if (get_rel(s, r, &rel) && rel.r_offset >= f->off && rel.r_offset < f->off + f->size)
            relocated[(rel.r_offset - f->off) / 8] = 1;
    }
    int rc = 0;
    for (size_t i = 0; i < f->size / 8 && rc == 0; i++) {
        size_t idx = start + i;
        struct bpfrt_insn *in = &b->insns[idx];
        if (in->code != 0x85 || in->src_reg != 1 || relocated[i])
            continue;
        int64_t target = (int64_t)(f->off + i * 8) + ((int64_t)in->imm + 1) * 8;
        if (target < 0)
            rc = fail(l, "program '%s': call at instruction %zu targets offset %lld of '%s'", prog,
                      idx, (long long)target, s->name);
        else if (point_at_function(l, b, idx, f->sec, (uint64_t)target, "calls") < 0)
            rc = -1;
    }
    free(relocated);
    return rc;
}

/* Appends function F to the program (once) and relocates it; *start is where it begins. */
static int append_func(struct loader *l, struct build *b, struct func *f, size_t *start)
{
    for (size_t i = 0; i < b->part_cnt; i++)
        if (b->parts[i].f == f) {
            *start = b->parts[i].start;
            return 0;
        }
    if (b->part_cnt == sizeof(b->parts) / sizeof(b->parts[0]))
        return fail(l, "program '%s' calls more than %zu functions", b->parts[0].f->name,
                    sizeof(b->parts) / sizeof(b->parts[0]));
    size_t slots = f->size / 8;
    if (b->n + slots > b->cap) {
        size_t cap = (b->n + slots) * 2;
        struct bpfrt_insn *p = realloc(b->insns, cap * sizeof(*p));
        if (!p)
            return fail(l, "out of memory");
        b->insns = p;
        b->cap = cap;
    }
    *start = b->n;
    memcpy(b->insns + b->n, (const uint8_t *)l->secs[f->sec].data->d_buf + f->off, f->size);
    b->n += slots;
    b->parts[b->part_cnt].f = f;
    b->parts[b->part_cnt].start = *start;
    b->part_cnt++;
    return relocate_part(l, b, f, *start);
}

/* Every relocation of a code section lands on an instruction inside the section. */
static int check_code_relocations(struct loader *l)
{
    for (size_t si = 1; si < l->shnum; si++) {
        struct sec *s = &l->secs[si];
        if (s->kind != SEC_PROG)
            continue;
        for (size_t r = 0; r < s->rel_cnt; r++) {
            GElf_Rel rel;
            if (!get_rel(s, r, &rel))
                return fail(l, "section '%s': unreadable relocation %zu", s->name, r);
            if (rel.r_offset % 8 || rel.r_offset >= s->hdr.sh_size)
                return fail(l,
                            "section '%s': relocation %zu at offset %llu is not on an "
                            "instruction (section size %llu)",
                            s->name, r, (unsigned long long)rel.r_offset,
                            (unsigned long long)s->hdr.sh_size);
        }
    }
    return 0;
}

static void free_spec(struct bpfrt_prog_spec *p)
{
    struct bpfrt_prog_private *pp = p->priv;
    for (size_t k = 0; pp && k < pp->part_cnt; k++)
        free(pp->parts[k].section);
    if (pp)
        free(pp->parts);
    free(pp);
    free(p->name);
    free(p->section);
    free(p->insns);
}

/* Builds the spec of function F: its code, then the functions it calls, relocated. */
static int make_spec(struct loader *l, struct func *f, struct bpfrt_prog_spec *p)
{
    struct build b = {0};
    size_t start;
    if (append_func(l, &b, f, &start) < 0) {
        free(b.insns);
        return -1;
    }
    p->priv = calloc(1, sizeof(*p->priv));
    if (p->priv && (p->priv->parts = calloc(b.part_cnt, sizeof(*p->priv->parts)))) {
        p->priv->part_cnt = b.part_cnt;
        for (size_t k = 0; k < b.part_cnt; k++) {
            p->priv->parts[k].start = b.parts[k].start;
            p->priv->parts[k].sec_insn_off = b.parts[k].f->off / 8;
            p->priv->parts[k].section = dup_str(l->secs[b.parts[k].f->sec].name);
        }
    }
    p->name = dup_str(f->name);
    p->section = dup_str(l->secs[f->sec].name);
    p->insns = b.insns;
    p->insn_cnt = b.n;
    p->own_insn_cnt = f->size / 8;
    p->section_offset = f->off;
    p->section_index = (uint32_t)f->sec;
    p->used_by = -1;
    p->global = f->global;
    /* the object keeps its copy of the file; section bounds were checked against it */
    p->raw_insns =
        (const struct bpfrt_insn *)(l->obj->priv->image + l->secs[f->sec].hdr.sh_offset + f->off);
    p->autoload = true;
    if (!p->name || !p->section)
        return fail(l, "out of memory");
    bpfrt_section_prog_type(p->section, &p->type, &p->expected_attach_type);
    return 0;
}

/* The .text functions of an object that has programs elsewhere (libbpf's subprograms), each as
 * a spec of its own for tools that check functions one by one, with the first program that
 * contains it. A function that cannot be built alone is left out, never an error. */
static void build_subprogs(struct loader *l)
{
    size_t text = 0;
    for (size_t si = 1; si < l->shnum; si++)
        if (l->secs[si].kind == SEC_PROG && strcmp(l->secs[si].name, ".text") == 0)
            text = si;
    if (!text)
        return;
    bool has = false;
    for (size_t i = 0; i < l->func_cnt; i++)
        has |= l->funcs[i].sec == text && l->funcs[i].size;
    if (!has && l->func_cnt < l->sym_cnt + l->shnum) {
        /* old objects: .text without function symbols is one function */
        struct func *f = &l->funcs[l->func_cnt++];
        f->name = ".text";
        f->sec = text;
        f->off = 0;
        f->size = l->secs[text].hdr.sh_size;
        f->global = false;
    }
    size_t cnt = 0;
    for (size_t i = 0; i < l->func_cnt; i++)
        cnt += l->funcs[i].sec == text && l->funcs[i].size;
    l->obj->subprogs = calloc(cnt ? cnt : 1, sizeof(*l->obj->subprogs));
    if (!l->obj->subprogs)
        return;
    for (size_t i = 0; i < l->func_cnt; i++) {
        struct func *f = &l->funcs[i];
        if (f->sec != text || !f->size)
            continue;
        struct bpfrt_prog_spec *p = &l->obj->subprogs[l->obj->subprog_cnt];
        struct bpfrt_diag *saved = l->diag, scratch;
        l->diag = &scratch;
        int rc = make_spec(l, f, p);
        l->diag = saved;
        if (rc < 0) {
            free_spec(p);
            memset(p, 0, sizeof(*p));
            continue;
        }
        p->type = BPFRT_PROG_TYPE_UNSPEC;
        p->expected_attach_type = 0;
        for (size_t pi = 0; pi < l->obj->prog_cnt && p->used_by < 0; pi++) {
            const struct bpfrt_prog_private *pp = l->obj->progs[pi].priv;
            for (size_t k = 1; pp && k < pp->part_cnt; k++)
                if (pp->parts[k].section && strcmp(pp->parts[k].section, ".text") == 0 &&
                    pp->parts[k].sec_insn_off == f->off / 8)
                    p->used_by = (int)pi;
        }
        l->obj->subprog_cnt++;
    }
}

static int build_programs(struct loader *l)
{
    /* Programs are the global functions outside .text; an object whose only code is in .text
     * gets its .text functions as programs (of unspecified type), as PREVAIL does. */
    bool outside_text = false;
    for (size_t i = 0; i < l->func_cnt; i++)
        if (l->funcs[i].global && strcmp(l->secs[l->funcs[i].sec].name, ".text") != 0)
            outside_text = true;
    l->obj->code_func_cnt = l->func_cnt;
    /* Sections with code but no function symbol at all (very old objects): one program. */
    for (size_t si = 1; si < l->shnum; si++) {
        if (l->secs[si].kind != SEC_PROG || strcmp(l->secs[si].name, ".text") == 0)
            continue;
        bool has = false;
        for (size_t i = 0; i < l->func_cnt; i++)
            has |= l->funcs[i].sec == si;
        if (!has) {
            struct func *f = &l->funcs[l->func_cnt++];
            f->name = l->secs[si].name;
            f->sec = si;
            f->off = 0;
            f->size = l->secs[si].hdr.sh_size;
            f->global = true;
            outside_text = true;
        }
    }
    if (check_code_relocations(l) < 0)
        return -1;
    size_t cap = l->func_cnt ? l->func_cnt : 1;
    l->obj->progs = calloc(cap, sizeof(*l->obj->progs));
    if (!l->obj->progs)
        return fail(l, "out of memory");
    for (size_t i = 0; i < l->func_cnt; i++) {
        struct func *f = &l->funcs[i];
        bool in_text = strcmp(l->secs[f->sec].name, ".text") == 0;
        /* In .text only global functions are programs; in other sections every function is
         * (static ones too: Cilium's tail-call programs are static), as libbpf does. */
        if ((in_text && (!f->global || outside_text)) || f->size == 0)
            continue;
        if (make_spec(l, f, &l->obj->progs[l->obj->prog_cnt++]) < 0)
            return -1;
    }
    if (outside_text)
        build_subprogs(l);
    return 0;
}

/* `.values = { prog, ... }` in .maps: relocations name programs or maps per slot. */
static int read_map_inits(struct loader *l)
{
    for (size_t si = 1; si < l->shnum; si++) {
        struct sec *s = &l->secs[si];
        if (s->kind != SEC_BTF_MAPS)
            continue;
        for (size_t r = 0; r < s->rel_cnt; r++) {
            GElf_Rel rel;
            GElf_Sym sym;
            const char *name;
            if (!get_rel(s, r, &rel))
                return fail(l, "section '.maps': unreadable relocation %zu", r);
            if (get_sym(l, GELF_R_SYM(rel.r_info), &sym, &name) < 0)
                return -1;
            struct bpfrt_map_spec *m = NULL;
            for (size_t i = 0; i < l->obj->map_cnt && !m; i++) {
                struct bpfrt_map_spec *c = &l->obj->maps[i];
                /* `values` is a flexible array: the definition extends past its struct size */
                uint64_t extent =
                    c->values_offset ? c->values_offset + 8ull * c->max_entries : c->def_size;
                if (c->origin == BPFRT_MAP_BTF && c->section_offset != SIZE_MAX &&
                    rel.r_offset >= c->section_offset && rel.r_offset < c->section_offset + extent)
                    m = c;
            }
            if (!m || !m->values_offset || rel.r_offset < m->section_offset + m->values_offset ||
                (rel.r_offset - m->section_offset - m->values_offset) % 8)
                return fail(l,
                            "section '.maps': relocation of '%s' at offset %llu is not in a "
                            "map's `values`",
                            name, (unsigned long long)rel.r_offset);
            struct bpfrt_map_init init = {
                .slot = (uint32_t)((rel.r_offset - m->section_offset - m->values_offset) / 8),
                .prog = -1,
                .map = -1};
            if (init.slot >= m->max_entries)
                return fail(l, "map '%s': initial value for slot %u beyond max_entries %u", m->name,
                            init.slot, m->max_entries);
            for (size_t i = 0; i < l->obj->prog_cnt; i++)
                if (strcmp(l->obj->progs[i].name, name) == 0)
                    init.prog = (int)i;
            for (size_t i = 0; i < l->obj->map_cnt && init.prog < 0; i++)
                if (strcmp(l->obj->maps[i].name, name) == 0)
                    init.map = (int)i;
            if (init.prog < 0 && init.map < 0)
                return fail(l,
                            "map '%s': slot %u refers to '%s', which is neither a program "
                            "nor a map",
                            m->name, init.slot, name);
            struct bpfrt_map_init *n = realloc(m->inits, (m->init_cnt + 1) * sizeof(*n));
            if (!n)
                return fail(l, "out of memory");
            m->inits = n;
            m->inits[m->init_cnt++] = init;
        }
    }
    return 0;
}

/* Symbols must not be bizarre even when unused: the loader refuses what libbpf refuses. */
static int check_symbols(struct loader *l)
{
    for (size_t i = 1; i < l->sym_cnt; i++) {
        GElf_Sym sym;
        const char *name;
        if (get_sym(l, i, &sym, &name) < 0)
            return -1;
    }
    return 0;
}

static char *object_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *n = dup_str(base);
    if (n && strlen(n) > 2 && strcmp(n + strlen(n) - 2, ".o") == 0)
        n[strlen(n) - 2] = 0;
    return n;
}

struct bpfrt_object *bpfrt_object_open_mem(const void *data, size_t size, const char *name,
                                           struct bpfrt_diag *diag)
{
    struct loader l = {.path = name ? name : "<memory>", .diag = diag};
    struct bpfrt_object *obj = calloc(1, sizeof(*obj));
    if (!obj || !(obj->priv = calloc(1, sizeof(*obj->priv)))) {
        free(obj);
        bpfrt_diag_set(diag, "%s: out of memory", l.path);
        return NULL;
    }
    l.obj = obj;
    obj->path = dup_str(l.path);
    obj->name = object_name(l.path);
    obj->priv->image = malloc(size ? size : 1);
    obj->priv->image_size = size;
    if (!obj->path || !obj->name || !obj->priv->image) {
        fail(&l, "out of memory");
        goto err;
    }
    memcpy(obj->priv->image, data, size);
    if (size < sizeof(Elf64_Ehdr)) {
        fail(&l, "%zu bytes is too short for an ELF header", size);
        goto err;
    }
    elf_version(EV_CURRENT);
    l.elf = elf_memory((char *)obj->priv->image, size);
    if (!l.elf) {
        fail(&l, "not an ELF file (%s)", elf_errmsg(-1));
        goto err;
    }
    if (read_sections(&l) < 0 || classify_sections(&l) < 0 || check_symbols(&l) < 0 ||
        read_btf(&l) < 0 || collect_functions(&l) < 0 || read_maps(&l) < 0 ||
        build_programs(&l) < 0 || read_map_inits(&l) < 0)
        goto err;
    free(l.funcs);
    free(l.secs);
    free(l.legacy_refs);
    elf_end(l.elf);
    return obj;
err:
    free(l.funcs);
    free(l.legacy_refs);
    free(l.secs);
    if (l.elf)
        elf_end(l.elf);
    bpfrt_object_close(obj);
    return NULL;
}

struct bpfrt_object *bpfrt_object_open_file(const char *path, struct bpfrt_diag *diag)
{
    char *data;
    size_t len;
    if (bpfrt_read_file(path, &data, &len, diag) < 0)
        return NULL;
    struct bpfrt_object *obj = bpfrt_object_open_mem(data, len, path, diag);
    free(data);
    return obj;
}

void bpfrt_object_close(struct bpfrt_object *obj)
{
    if (!obj)
        return;
    for (size_t i = 0; i < obj->prog_cnt; i++)
        free_spec(&obj->progs[i]);
    for (size_t i = 0; i < obj->subprog_cnt; i++)
        free_spec(&obj->subprogs[i]);
    free(obj->subprogs);
    for (size_t i = 0; i < obj->map_cnt; i++) {
        free(obj->maps[i].name);
        free(obj->maps[i].section);
        free(obj->maps[i].initial);
        free(obj->maps[i].inits);
    }
    free(obj->progs);
    free(obj->maps);
    free(obj->license);
    free(obj->name);
    free(obj->path);
    if (obj->priv) {
        free(obj->priv->image);
        bpfrt_btf_ext_free(obj->priv->ext);
        bpfrt_btf_free(obj->priv->btf);
    }
    free(obj->priv);
    free(obj);
}

const struct bpfrt_btf *bpfrt_object_btf(const struct bpfrt_object *obj)
{
    return obj && obj->priv ? obj->priv->btf : NULL;
}

struct bpfrt_prog_spec *bpfrt_object_spec(const struct bpfrt_object *obj, size_t i)
{
    if (!obj)
        return NULL;
    if (i < obj->prog_cnt)
        return &obj->progs[i];
    if (i - obj->prog_cnt < obj->subprog_cnt)
        return &obj->subprogs[i - obj->prog_cnt];
    return NULL;
}

bool bpfrt_prog_source_line(const struct bpfrt_object *obj, size_t prog, size_t insn,
                            struct bpfrt_source_line *out)
{
    const struct bpfrt_prog_spec *spec = bpfrt_object_spec(obj, prog);
    if (!spec || !obj->priv->ext || !spec->priv)
        return false;
    const struct bpfrt_prog_private *pp = spec->priv;
    const struct prog_part *part = NULL;
    for (size_t k = 0; k < pp->part_cnt; k++)
        if (pp->parts[k].start <= insn && (!part || pp->parts[k].start > part->start))
            part = &pp->parts[k];
    if (!part)
        return false;
    const struct bpfrt_btf_line *ln = bpfrt_btf_ext_line_for(
        obj->priv->ext, part->section, (uint32_t)(part->sec_insn_off + insn - part->start));
    if (!ln)
        return false;
    out->file = ln->file;
    out->text = ln->line_text;
    out->line = ln->line;
    out->col = ln->col;
    return true;
}

size_t bpfrt_elf_core_records(const struct bpfrt_object *obj, size_t prog, size_t want,
                              const struct bpfrt_btf_core_relo **found, size_t *insn)
{
    const struct bpfrt_prog_spec *spec = bpfrt_object_spec(obj, prog);
    if (!spec)
        return 0;
    const struct bpfrt_prog_private *pp = spec->priv;
    size_t n = 0;
    if (!obj->priv->ext || !pp)
        return 0;
    for (size_t k = 0; k < pp->part_cnt; k++) {
        const struct prog_part *part = &pp->parts[k];
        /* the part's extent: up to the next part's start, or the end of the program */
        size_t end = spec->insn_cnt;
        for (size_t j = 0; j < pp->part_cnt; j++)
            if (pp->parts[j].start > part->start && pp->parts[j].start < end)
                end = pp->parts[j].start;
        const struct bpfrt_btf_core_relo *r;
        size_t cnt = bpfrt_btf_ext_core_relos(obj->priv->ext, part->section, &r);
        for (size_t i = 0; i < cnt; i++) {
            if (r[i].insn_idx < part->sec_insn_off ||
                r[i].insn_idx >= part->sec_insn_off + (end - part->start))
                continue;
            if (n == want && found) {
                *found = &r[i];
                *insn = part->start + (r[i].insn_idx - part->sec_insn_off);
            }
            n++;
        }
    }
    return n;
}
