/* The libbpf-compatible API (include/bpf/libbpf.h) over bpfrt's loader. bpfrt_object_open_mem
 * does the work; this file presents its specs the way libbpf 1.1 presents a freshly opened
 * object, checked against Debian's libbpf 1.1.2 by tests/libbpf (api_dump on the corpus):
 *
 * - object name: opts->object_name, else the file's base name cut at its first '.', else (from
 *   memory) "<address>-<size>" in hex; at most 15 characters (BPF_OBJ_NAME_LEN - 1).
 * - programs: one per function symbol, sorted by section index then offset. .text functions are
 *   subprograms, hidden from iteration and lookup, unless the object has a single function in
 *   all. Type and expected attach type come from libbpf 1.1's SEC() table (strict names, below),
 *   not from bpfrt's more lenient one. A leading '?' in the section name means autoload off
 *   and is not part of bpf_program__section_name. bpf_program__insns gives the function's own
 *   instructions as the ELF file has them (libbpf appends subprograms and relocates at load,
 *   which this API does not have), so bpf_program__insn_cnt is the function's size.
 * - maps: legacy "maps" definitions, then ".maps" (BTF) definitions, in the loader's order, then
 *   one map per non-empty .data/.rodata/.bss section in section order. BTF inner map templates
 *   ("outer.inner") are reached with bpf_map__inner_map only. Global-data maps are named as
 *   libbpf names them (bpfrt_data_map_name: object-name prefix + section name, cut to 15
 *   characters) and get BPF_F_MMAPABLE when their BTF DATASEC holds a non-static variable.
 * - errors: NULL with errno and one "libbpf: ..." line at LIBBPF_WARN through the print
 *   callback. A file that cannot be read gives the OS errno (ENOENT, ...); bytes libelf cannot
 *   start on LIBBPF_ERRNO__LIBELF; anything else bpfrt refuses LIBBPF_ERRNO__FORMAT (libbpf 1.1
 *   uses that for malformed ELF; for unresolvable relocations or externs it says
 *   LIBBPF_ERRNO__RELOC, ENOENT or ESRCH, which bpfrt's message does not tell apart).
 *
 * Deliberate differences (bpfrt is more lenient; tests/libbpf/compare_whitelist.txt lists each
 * corpus object concerned): objects with legacy "maps" sections (libbpf 1.x refuses them with
 * EOPNOTSUPP), helper calls through externs, unknown pinning values and static functions in
 * program sections (bpfrt skips those functions; libbpf refuses the object) open here; old
 * objects whose functions have no STT_FUNC symbol get one program per code section, named after
 * the section (libbpf sees no program at all). */
#include <bpf/libbpf.h>

#include <errno.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "bpfrt/object.h"

struct bpf_program {
    struct bpf_object *obj;
    struct bpfrt_prog_spec *spec;
    const char *sec_name;   /* the spec's section name without a leading '?' */
    struct bpf_insn *insns; /* the function's bytes from the ELF file */
    size_t insn_cnt;
    size_t sec_idx; /* ELF section index, for libbpf's order */
    enum bpf_prog_type type;
    enum bpf_attach_type expected_attach_type;
    bool autoload;
};

struct bpf_map {
    struct bpf_object *obj;
    struct bpfrt_map_spec *spec;
    char *name;            /* libbpf's map->name (the kernel-visible name) */
    const char *real_name; /* section name of a global-data map, else the name */
    bool internal;         /* global data */
    bool uses_real_name;   /* custom .data.* / .rodata.*: users see the section name */
    uint32_t map_flags;
    struct bpf_map *inner;
    size_t pos; /* index in bpf_object.order, SIZE_MAX when not listed */
};

struct bpf_object {
    struct bpfrt_object *o;
    char name[BPF_OBJ_NAME_LEN];
    struct bpf_program *progs; /* listed programs, in libbpf's order */
    size_t prog_cnt;
    struct bpf_map *maps;   /* one per bpfrt map spec (same index) */
    struct bpf_map **order; /* listed maps, in libbpf's order */
    size_t map_cnt;
};

/* ---------------------------------------------------------------------------------------------
 * Messages and errors */

static int base_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    if (level == LIBBPF_DEBUG)
        return 0;
    return vfprintf(stderr, fmt, ap);
}

static libbpf_print_fn_t print_fn = base_print;

libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn)
{
    libbpf_print_fn_t old = print_fn;
    print_fn = fn;
    return old;
}

__attribute__((format(printf, 2, 3))) static void print(enum libbpf_print_level level,
                                                        const char *fmt, ...)
{
    if (!print_fn)
        return;
    int saved = errno; /* the callback must not change what the caller sees */
    va_list ap;
    va_start(ap, fmt);
    print_fn(level, fmt, ap);
    va_end(ap);
    errno = saved;
}

#define pr_warn(fmt, ...) print(LIBBPF_WARN, "libbpf: " fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) print(LIBBPF_DEBUG, "libbpf: " fmt, ##__VA_ARGS__)

static void *err_ptr(int err)
{
    errno = err;
    return NULL;
}

long libbpf_get_error(const void *ptr)
{
    /* pre-1.0 libbpf returned ERR_PTR(-err): the last 4095 addresses */
    if ((uintptr_t)ptr >= (uintptr_t)-4095) {
        errno = (int)-(intptr_t)ptr;
        return -errno;
    }
    if (ptr)
        return 0;
    return -errno;
}

/* ---------------------------------------------------------------------------------------------
 * Section names: libbpf 1.1's SEC() table lives in src/elf/sections.c, shared with the loader. */

int libbpf_prog_type_by_name(const char *name, enum bpf_prog_type *prog_type,
                             enum bpf_attach_type *expected_attach_type)
{
    if (!name) {
        errno = EINVAL;
        return -EINVAL;
    }
    uint32_t type, attach;
    if (!bpfrt_section_prog_type_libbpf(name, &type, &attach)) {
        pr_debug("failed to guess program type from ELF section '%s'\n", name);
        errno = ESRCH;
        return -ESRCH;
    }
    *prog_type = (enum bpf_prog_type)type;
    *expected_attach_type = (enum bpf_attach_type)attach;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Opening */

static int cmp_progs(const void *a_, const void *b_)
{
    const struct bpf_program *a = a_, *b = b_;
    if (a->sec_idx != b->sec_idx)
        return a->sec_idx < b->sec_idx ? -1 : 1;
    if (a->spec->section_offset != b->spec->section_offset)
        return a->spec->section_offset < b->spec->section_offset ? -1 : 1;
    return 0;
}

static int init_programs(struct bpf_object *obj)
{
    struct bpfrt_object *o = obj->o;
    obj->progs = calloc(o->prog_cnt ? o->prog_cnt : 1, sizeof(*obj->progs));
    if (!obj->progs)
        return ENOMEM;
    for (size_t i = 0; i < o->prog_cnt; i++) {
        struct bpfrt_prog_spec *p = &o->progs[i];
        /* libbpf: .text functions are subprograms when there is more than one function */
        if (strcmp(p->section, ".text") == 0 && o->code_func_cnt > 1)
            continue;
        struct bpf_program *prog = &obj->progs[obj->prog_cnt++];
        prog->obj = obj;
        prog->spec = p;
        prog->sec_idx = p->section_index;
        prog->autoload = p->autoload && p->section[0] != '?';
        prog->sec_name = p->section + (p->section[0] == '?');
        uint32_t type, attach;
        if (bpfrt_section_prog_type_libbpf(prog->sec_name, &type, &attach)) {
            prog->type = (enum bpf_prog_type)type;
            prog->expected_attach_type = (enum bpf_attach_type)attach;
        } else {
            pr_debug("prog '%s': unrecognized ELF section name '%s'\n", p->name, prog->sec_name);
        }
        prog->insn_cnt = p->own_insn_cnt;
        prog->insns = malloc(prog->insn_cnt ? prog->insn_cnt * sizeof(struct bpf_insn) : 1);
        if (!prog->insns)
            return ENOMEM;
        memcpy(prog->insns, p->raw_insns, prog->insn_cnt * sizeof(struct bpf_insn));
    }
    qsort(obj->progs, obj->prog_cnt, sizeof(*obj->progs), cmp_progs);
    return 0;
}

/* Copies SRC into an object name, cut to BPF_OBJ_NAME_LEN - 1 characters (libbpf_strlcpy). */
static void set_name(char dst[BPF_OBJ_NAME_LEN], const char *src)
{
    size_t i = 0;
    for (; i < BPF_OBJ_NAME_LEN - 1 && src[i]; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* libbpf 1.1 maps global data with BPF_F_MMAPABLE when the section's BTF DATASEC has a variable
 * that is not static. */
static bool data_map_mmapable(const struct bpfrt_btf *btf, const char *section)
{
    int32_t id = btf ? bpfrt_btf_datasec_find(btf, section) : -1;
    const struct btf_type *t = id > 0 ? bpfrt_btf_type_by_id(btf, (uint32_t)id) : NULL;
    if (!t)
        return false;
    const struct btf_var_secinfo *vs = bpfrt_btf_var_secinfos(t);
    for (unsigned i = 0; i < bpfrt_btf_vlen(t); i++) {
        const struct btf_type *var = bpfrt_btf_type_by_id(btf, vs[i].type);
        if (var && bpfrt_btf_kind(var) == BTF_KIND_VAR &&
            bpfrt_btf_var(var)->linkage != BTF_VAR_STATIC)
            return true;
    }
    return false;
}

static int init_maps(struct bpf_object *obj)
{
    struct bpfrt_object *o = obj->o;
    size_t n = o->map_cnt ? o->map_cnt : 1;
    obj->maps = calloc(n, sizeof(*obj->maps));
    obj->order = calloc(n, sizeof(*obj->order));
    if (!obj->maps || !obj->order)
        return ENOMEM;
    bool *is_template = calloc(n, sizeof(*is_template));
    if (!is_template)
        return ENOMEM;
    for (size_t i = 0; i < o->map_cnt; i++) {
        int inner = o->maps[i].inner_map;
        if (inner >= 0 && (size_t)inner < o->map_cnt && o->maps[inner].origin == BPFRT_MAP_BTF)
            is_template[inner] = true; /* a BTF inner definition, not a map of its own */
    }
    int err = 0;
    for (size_t i = 0; i < o->map_cnt && !err; i++) {
        struct bpfrt_map_spec *s = &o->maps[i];
        struct bpf_map *m = &obj->maps[i];
        m->obj = obj;
        m->spec = s;
        m->pos = SIZE_MAX;
        m->map_flags = s->map_flags;
        if (s->inner_map >= 0 && (size_t)s->inner_map < o->map_cnt)
            m->inner = &obj->maps[s->inner_map];
        if (s->origin == BPFRT_MAP_GLOBAL_DATA) {
            m->internal = true;
            m->real_name = s->section;
            m->uses_real_name =
                (has_prefix(s->section, ".data") && strcmp(s->section, ".data")) ||
                (has_prefix(s->section, ".rodata") && strcmp(s->section, ".rodata"));
            m->map_flags = has_prefix(s->section, ".rodata") ? BPF_F_RDONLY_PROG : 0;
            if (data_map_mmapable(bpfrt_object_btf(o), s->section))
                m->map_flags |= BPF_F_MMAPABLE;
            char name[BPFRT_MAP_NAME_LEN];
            bpfrt_data_map_name(obj->name, s->section, name);
            m->name = strdup(name);
        } else {
            m->real_name = s->name;
            m->name = strdup(s->name);
        }
        if (!m->name)
            err = ENOMEM;
    }
    /* libbpf's order: map definitions (legacy, then BTF), then global data; empty global-data
     * sections get no map in libbpf. */
    static const enum bpfrt_map_origin origins[] = {BPFRT_MAP_LEGACY, BPFRT_MAP_BTF,
                                                    BPFRT_MAP_GLOBAL_DATA};
    for (size_t k = 0; k < 3 && !err; k++)
        for (size_t i = 0; i < o->map_cnt; i++) {
            struct bpf_map *m = &obj->maps[i];
            if (m->spec->origin != origins[k] || is_template[i] ||
                (m->internal && m->spec->initial_size == 0))
                continue;
            m->pos = obj->map_cnt;
            obj->order[obj->map_cnt++] = m;
        }
    free(is_template);
    return err;
}

/* errno for bytes bpfrt refused, as libbpf 1.1 chooses it: LIBBPF_ERRNO__LIBELF when libelf
 * cannot even start on them (an ELF identification followed by a cut header), otherwise
 * LIBBPF_ERRNO__FORMAT. */
static int refused_errno(const void *data, size_t size, const struct bpfrt_diag *diag)
{
    /* the loader's only failure that is not about the file */
    if (strstr(diag->msg, ": out of memory"))
        return ENOMEM;
    if (size >= EI_NIDENT && memcmp(data, ELFMAG, SELFMAG) == 0 && size < sizeof(Elf64_Ehdr))
        return LIBBPF_ERRNO__LIBELF;
    return LIBBPF_ERRNO__FORMAT;
}

static void object_free(struct bpf_object *obj)
{
    if (!obj)
        return;
    for (size_t i = 0; i < obj->prog_cnt; i++)
        free(obj->progs[i].insns);
    free(obj->progs);
    for (size_t i = 0; obj->maps && i < obj->o->map_cnt; i++)
        free(obj->maps[i].name);
    free(obj->maps);
    free(obj->order);
    bpfrt_object_close(obj->o);
    free(obj);
}

/* Opens IMAGE (owned by the caller, SIZE bytes). PATH names it in messages; NAME is the object
 * name already chosen. */
static struct bpf_object *open_image(uint8_t *image, size_t size, const char *path,
                                     const char *name)
{
    struct bpfrt_diag diag = {{0}};
    struct bpfrt_object *o = bpfrt_object_open_mem(image, size, path, &diag);
    if (!o) {
        int err = refused_errno(image, size, &diag);
        pr_warn("%s\n", diag.msg);
        return err_ptr(err);
    }
    struct bpf_object *obj = calloc(1, sizeof(*obj));
    if (!obj) {
        bpfrt_object_close(o);
        pr_warn("%s: out of memory\n", path);
        return err_ptr(ENOMEM);
    }
    obj->o = o;
    set_name(obj->name, name);
    int err = init_programs(obj);
    if (!err)
        err = init_maps(obj);
    if (err) {
        if (err == ENOMEM)
            pr_warn("%s: out of memory\n", path);
        else
            pr_warn("%s: inconsistent ELF file\n", path);
        object_free(obj);
        return err_ptr(err);
    }
    return obj;
}

/* libbpf's OPTS_VALID: sz at least a size_t, bytes past the fields this version knows zero. */
static bool open_opts_valid(const struct bpf_object_open_opts *opts)
{
    if (!opts)
        return true;
    if (opts->sz < sizeof(size_t)) {
        pr_warn("%s size (%zu) is too small\n", "bpf_object_open_opts", opts->sz);
        return false;
    }
    size_t known =
        offsetof(struct bpf_object_open_opts, kernel_log_level) + sizeof(opts->kernel_log_level);
    for (size_t i = known; i < opts->sz; i++)
        if (((const char *)opts)[i]) {
            pr_warn("%s has non-zero extra bytes\n", "bpf_object_open_opts");
            return false;
        }
    return true;
}

/* opts->object_name when the caller's struct has the field (OPTS_GET), else NULL. */
static const char *opts_object_name(const struct bpf_object_open_opts *opts)
{
    size_t end = offsetof(struct bpf_object_open_opts, object_name) + sizeof(opts->object_name);
    return opts && opts->sz >= end ? opts->object_name : NULL;
}

struct bpf_object *bpf_object__open_file(const char *path, const struct bpf_object_open_opts *opts)
{
    if (!path)
        return err_ptr(EINVAL);
    if (!open_opts_valid(opts))
        return err_ptr(EINVAL);
    char name[BPF_OBJ_NAME_LEN];
    const char *obj_name = opts_object_name(opts);
    if (obj_name) {
        set_name(name, obj_name);
    } else {
        const char *base = strrchr(path, '/');
        set_name(name, base ? base + 1 : path);
        char *dot = strchr(name, '.');
        if (dot)
            *dot = 0;
    }
    pr_debug("loading object from %s\n", path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int err = errno;
        pr_warn("elf: failed to open %s: %s\n", path, strerror(err));
        return err_ptr(err);
    }
    size_t cap = 1 << 16, size = 0;
    uint8_t *image = malloc(cap);
    while (image) {
        size += fread(image + size, 1, cap - size, f);
        if (size < cap)
            break;
        uint8_t *bigger = realloc(image, cap * 2);
        if (!bigger) {
            free(image);
            image = NULL;
        } else {
            image = bigger;
            cap *= 2;
        }
    }
    if (!image || ferror(f)) {
        /* libbpf: the file opens but libelf cannot read it (a directory, an I/O error) */
        int err = image ? LIBBPF_ERRNO__LIBELF : ENOMEM;
        pr_warn("elf: failed to open %s as ELF file: %s\n", path,
                image ? strerror(errno) : "out of memory");
        fclose(f);
        free(image);
        return err_ptr(err);
    }
    fclose(f);
    struct bpf_object *obj = open_image(image, size, path, name);
    int err = errno;
    free(image);
    errno = err;
    return obj;
}

struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz,
                                        const struct bpf_object_open_opts *opts)
{
    if (!obj_buf || obj_buf_sz == 0)
        return err_ptr(EINVAL);
    if (!open_opts_valid(opts))
        return err_ptr(EINVAL);
    char tmp_name[64];
    const char *obj_name = opts_object_name(opts);
    if (!obj_name) {
        snprintf(tmp_name, sizeof(tmp_name), "%lx-%lx", (unsigned long)(uintptr_t)obj_buf,
                 (unsigned long)obj_buf_sz);
        obj_name = tmp_name;
    }
    char name[BPF_OBJ_NAME_LEN];
    set_name(name, obj_name);
    pr_debug("loading object '%s' from buffer\n", obj_name);
    /* libelf reads a private copy (the loader keeps its own). */
    uint8_t *image = malloc(obj_buf_sz);
    if (!image) {
        pr_warn("%s: out of memory\n", obj_name);
        return err_ptr(ENOMEM);
    }
    memcpy(image, obj_buf, obj_buf_sz);
    struct bpf_object *obj = open_image(image, obj_buf_sz, obj_name, name);
    int err = errno;
    free(image);
    errno = err;
    return obj;
}

void bpf_object__close(struct bpf_object *object)
{
    object_free(object);
}

/* ---------------------------------------------------------------------------------------------
 * Object and programs */

const char *bpf_object__name(const struct bpf_object *obj)
{
    return obj ? obj->name : err_ptr(EINVAL);
}

struct bpf_program *bpf_object__next_program(const struct bpf_object *obj, struct bpf_program *prog)
{
    if (!obj || obj->prog_cnt == 0)
        return NULL;
    if (!prog)
        return &obj->progs[0];
    if (prog->obj != obj) {
        pr_warn("error: program handler doesn't match object\n");
        return err_ptr(EINVAL);
    }
    size_t next = (size_t)(prog - obj->progs) + 1;
    return next < obj->prog_cnt ? &obj->progs[next] : NULL;
}

struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj, const char *name)
{
    for (size_t i = 0; obj && name && i < obj->prog_cnt; i++)
        if (strcmp(obj->progs[i].spec->name, name) == 0)
            return &obj->progs[i];
    return err_ptr(ENOENT);
}

const char *bpf_program__name(const struct bpf_program *prog)
{
    return prog->spec->name;
}

const char *bpf_program__section_name(const struct bpf_program *prog)
{
    return prog->sec_name;
}

bool bpf_program__autoload(const struct bpf_program *prog)
{
    return prog->autoload;
}

int bpf_program__set_autoload(struct bpf_program *prog, bool autoload)
{
    prog->autoload = autoload;
    prog->spec->autoload = autoload;
    return 0;
}

const struct bpf_insn *bpf_program__insns(const struct bpf_program *prog)
{
    return prog->insns;
}

size_t bpf_program__insn_cnt(const struct bpf_program *prog)
{
    return prog->insn_cnt;
}

enum bpf_prog_type bpf_program__type(const struct bpf_program *prog)
{
    return prog->type;
}

int bpf_program__set_type(struct bpf_program *prog, enum bpf_prog_type type)
{
    prog->type = type;
    prog->spec->type = (uint32_t)type;
    return 0;
}

enum bpf_attach_type bpf_program__expected_attach_type(const struct bpf_program *prog)
{
    return prog->expected_attach_type;
}

/* ---------------------------------------------------------------------------------------------
 * Maps */

struct bpf_map *bpf_object__next_map(const struct bpf_object *obj, const struct bpf_map *map)
{
    if (!obj || obj->map_cnt == 0)
        return NULL;
    if (!map)
        return obj->order[0];
    if (map->obj != obj || map->pos == SIZE_MAX) {
        pr_warn("error: map handler doesn't match object\n");
        return err_ptr(EINVAL);
    }
    return map->pos + 1 < obj->map_cnt ? obj->order[map->pos + 1] : NULL;
}

struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name)
{
    for (size_t i = 0; obj && name && i < obj->map_cnt; i++) {
        struct bpf_map *m = obj->order[i];
        /* a name starting with '.' is a global-data section name */
        if (name[0] == '.') {
            if (m->internal && strcmp(m->real_name, name) == 0)
                return m;
            continue;
        }
        if (strcmp(m->uses_real_name ? m->real_name : m->name, name) == 0)
            return m;
    }
    return err_ptr(ENOENT);
}

const char *bpf_map__name(const struct bpf_map *map)
{
    if (!map)
        return NULL;
    return map->uses_real_name ? map->real_name : map->name;
}

enum bpf_map_type bpf_map__type(const struct bpf_map *map)
{
    return (enum bpf_map_type)map->spec->type;
}

__u32 bpf_map__max_entries(const struct bpf_map *map)
{
    return map->spec->max_entries;
}

__u32 bpf_map__map_flags(const struct bpf_map *map)
{
    return map->map_flags;
}

__u32 bpf_map__key_size(const struct bpf_map *map)
{
    return map->spec->key_size;
}

__u32 bpf_map__value_size(const struct bpf_map *map)
{
    return map->spec->value_size;
}

const void *bpf_map__initial_value(struct bpf_map *map, size_t *psize)
{
    if (!map->internal || !map->spec->initial)
        return NULL;
    *psize = map->spec->value_size;
    return map->spec->initial;
}

struct bpf_map *bpf_map__inner_map(struct bpf_map *map)
{
    if (map->spec->type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
        map->spec->type != BPF_MAP_TYPE_HASH_OF_MAPS)
        return err_ptr(EINVAL);
    return map->inner;
}
