/* Unit tests of bpfrt's libbpf-compatible API (include/bpf/libbpf.h): error paths, options,
 * naming, iteration order, setters, the print callback and libbpf_get_error, on an object built
 * in memory here (no compiler or corpus needed). Prints "N passed, M failed".
 * Also built against the system's libbpf with TEST_LEGACY_MAPS=0 (libbpf 1.x refuses legacy
 * "maps" sections, so that part is left out there): the same expectations hold for libbpf. */
#include <bpf/libbpf.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/testlib.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#ifndef TEST_LEGACY_MAPS
#define TEST_LEGACY_MAPS 1
#endif

/* ---------------------------------------------------------------------------------------------
 * A small relocatable eBPF object, laid out by hand:
 *   xdp      xdp_main (3 instructions)
 *   ?tc      tc_opt (2): autoload off
 *   .text    sub (2): a subprogram, not listed
 *   .data    8 bytes 1..8; .bss 16 bytes; .rodata.str1.1 "hi"; .data.empty (empty: no map)
 *   maps     legacy_map: struct bpf_map_def {HASH, 4, 8, 16, BPF_F_NO_PREALLOC} (with
 *            TEST_LEGACY_MAPS=0 the section is called ".unused", which both ignore)
 *   license  "GPL" */

enum {
    S_NULL,
    S_STRTAB,
    S_XDP,
    S_TC,
    S_TEXT,
    S_DATA,
    S_BSS,
    S_RODATA,
    S_EMPTY,
    S_MAPS,
    S_LICENSE,
    S_SYMTAB,
    S_COUNT
};

static const struct bpf_insn xdp_insns[] = {
    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 2},
    {.code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 0, .imm = 1},
    {.code = BPF_JMP | BPF_EXIT},
};
static const struct bpf_insn tc_insns[] = {
    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
    {.code = BPF_JMP | BPF_EXIT},
};
static const struct bpf_insn sub_insns[] = {
    {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 0, .src_reg = 1},
    {.code = BPF_JMP | BPF_EXIT},
};
static const uint8_t data_bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint32_t legacy_def[5] = {BPF_MAP_TYPE_HASH, 4, 8, 16, BPF_F_NO_PREALLOC};

struct image {
    uint8_t buf[4096];
    size_t len;
    char strtab[512];
    size_t strtab_len;
};

static uint32_t add_str(struct image *im, const char *s)
{
    uint32_t off = (uint32_t)im->strtab_len;
    memcpy(im->strtab + off, s, strlen(s) + 1);
    im->strtab_len += strlen(s) + 1;
    return off;
}

static size_t put(struct image *im, const void *data, size_t n)
{
    im->len = (im->len + 7) & ~(size_t)7;
    size_t off = im->len;
    if (n)
        memcpy(im->buf + off, data, n);
    im->len += n;
    return off;
}

/* Builds the object into IM; returns its size. */
static size_t build_object(struct image *im)
{
    memset(im, 0, sizeof(*im));
    add_str(im, "");
    static const char *const names[S_COUNT] = {"",
                                               ".strtab",
                                               "xdp",
                                               "?tc",
                                               ".text",
                                               ".data",
                                               ".bss",
                                               ".rodata.str1.1",
                                               ".data.empty",
                                               TEST_LEGACY_MAPS ? "maps" : ".unused",
                                               "license",
                                               ".symtab"};
    uint32_t name_off[S_COUNT];
    for (int i = 1; i < S_COUNT; i++)
        name_off[i] = add_str(im, names[i]);
    uint32_t sym_names[5];
    const char *const syms[5] = {"xdp_main", "tc_opt", "sub", "legacy_map", "counter"};
    for (int i = 0; i < 5; i++)
        sym_names[i] = add_str(im, syms[i]);

    Elf64_Shdr sh[S_COUNT];
    memset(sh, 0, sizeof(sh));
    im->len = sizeof(Elf64_Ehdr);
    struct {
        int idx;
        const void *data;
        size_t size;
        uint32_t type;
        uint64_t flags;
    } secs[] = {
        {S_XDP, xdp_insns, sizeof(xdp_insns), SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR},
        {S_TC, tc_insns, sizeof(tc_insns), SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR},
        {S_TEXT, sub_insns, sizeof(sub_insns), SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR},
        {S_DATA, data_bytes, sizeof(data_bytes), SHT_PROGBITS, SHF_ALLOC | SHF_WRITE},
        {S_BSS, NULL, 16, SHT_NOBITS, SHF_ALLOC | SHF_WRITE},
        {S_RODATA, "hi", 3, SHT_PROGBITS, SHF_ALLOC | SHF_MERGE | SHF_STRINGS},
        {S_EMPTY, NULL, 0, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE},
        {S_MAPS, legacy_def, sizeof(legacy_def), SHT_PROGBITS, SHF_ALLOC | SHF_WRITE},
        {S_LICENSE, "GPL", 4, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE},
    };
    for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
        Elf64_Shdr *h = &sh[secs[i].idx];
        h->sh_type = secs[i].type;
        h->sh_flags = secs[i].flags;
        h->sh_size = secs[i].size;
        h->sh_addralign = 8;
        h->sh_offset = secs[i].type == SHT_NOBITS ? im->len : put(im, secs[i].data, secs[i].size);
    }
    /* symbols: the null one, then the globals */
    Elf64_Sym sym[6];
    memset(sym, 0, sizeof(sym));
    const struct {
        int sec, type;
        size_t value, size;
    } defs[5] = {
        {S_XDP, STT_FUNC, 0, sizeof(xdp_insns)},     {S_TC, STT_FUNC, 0, sizeof(tc_insns)},
        {S_TEXT, STT_FUNC, 0, sizeof(sub_insns)},    {S_MAPS, STT_OBJECT, 0, sizeof(legacy_def)},
        {S_DATA, STT_OBJECT, 0, sizeof(data_bytes)},
    };
    for (int i = 0; i < 5; i++) {
        sym[i + 1].st_name = sym_names[i];
        sym[i + 1].st_info = ELF64_ST_INFO(STB_GLOBAL, defs[i].type);
        sym[i + 1].st_shndx = (uint16_t)defs[i].sec;
        sym[i + 1].st_value = defs[i].value;
        sym[i + 1].st_size = defs[i].size;
    }
    sh[S_SYMTAB].sh_type = SHT_SYMTAB;
    sh[S_SYMTAB].sh_offset = put(im, sym, sizeof(sym));
    sh[S_SYMTAB].sh_size = sizeof(sym);
    sh[S_SYMTAB].sh_entsize = sizeof(Elf64_Sym);
    sh[S_SYMTAB].sh_link = S_STRTAB;
    sh[S_SYMTAB].sh_info = 1;
    sh[S_SYMTAB].sh_addralign = 8;
    sh[S_STRTAB].sh_type = SHT_STRTAB;
    sh[S_STRTAB].sh_offset = put(im, im->strtab, im->strtab_len);
    sh[S_STRTAB].sh_size = im->strtab_len;
    sh[S_STRTAB].sh_addralign = 1;
    for (int i = 1; i < S_COUNT; i++)
        sh[i].sh_name = name_off[i];
    size_t shoff = put(im, sh, sizeof(sh));

    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_REL;
    eh.e_machine = EM_BPF;
    eh.e_version = EV_CURRENT;
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = S_COUNT;
    eh.e_shstrndx = S_STRTAB;
    memcpy(im->buf, &eh, sizeof(eh));
    return im->len;
}

/* ---------------------------------------------------------------------------------------------
 * The print callback: records the last message */

static int print_calls;
static enum libbpf_print_level last_level;
static char last_msg[1024];

static int record_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    if (level == LIBBPF_DEBUG)
        return 0;
    print_calls++;
    last_level = level;
    vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
    errno = EBADF; /* must not leak to the caller */
    return 0;
}

static void reset_print(void)
{
    print_calls = 0;
    last_level = LIBBPF_DEBUG;
    last_msg[0] = 0;
}

/* Writes LEN bytes to a temporary file; returns its path (static buffer per slot). */
static const char *temp_file(int slot, const void *data, size_t len)
{
    static char paths[4][64];
    snprintf(paths[slot], sizeof(paths[slot]), "/tmp/bpfrt_libbpf_test_%d_%d.o", (int)getpid(),
             slot);
    FILE *f = fopen(paths[slot], "wb");
    if (!f)
        return paths[slot];
    if (len)
        fwrite(data, 1, len, f);
    fclose(f);
    return paths[slot];
}

/* open_mem of N bytes of IM; checks NULL, errno ERR and a WARN message. */
static void expect_mem_failure(const char *what, const void *data, size_t n, int err)
{
    reset_print();
    errno = 0;
    struct bpf_object *obj = bpf_object__open_mem(data, n, NULL);
    int e = errno;
    CHECK(!obj && e == err, "%s: open_mem gives %p errno %d, want NULL errno %d", what, (void *)obj,
          e, err);
    CHECK(print_calls >= 1 && last_level == LIBBPF_WARN && strncmp(last_msg, "libbpf: ", 8) == 0,
          "%s: no \"libbpf: \" warning (calls %d, level %d, '%s')", what, print_calls,
          (int)last_level, last_msg);
    bpf_object__close(obj);
}

static void test_errors(const struct image *im, size_t len)
{
    /* missing file */
    reset_print();
    errno = 0;
    struct bpf_object *obj = bpf_object__open_file("/nonexistent/dir/x.o", NULL);
    int e = errno;
    CHECK(!obj && e == ENOENT, "missing file: %p errno %d", (void *)obj, e);
    CHECK(print_calls == 1 && last_level == LIBBPF_WARN &&
              strstr(last_msg, "libbpf: ") == last_msg && strstr(last_msg, "/nonexistent/dir/x.o"),
          "missing file: message '%s' (calls %d)", last_msg, print_calls);
    CHECK(libbpf_get_error(obj) == -ENOENT, "libbpf_get_error after a missing file: %ld",
          libbpf_get_error(obj));

    errno = 0;
    obj = bpf_object__open_file(NULL, NULL);
    CHECK(!obj && errno == EINVAL, "NULL path: errno %d", errno);

    /* garbage, empty, truncated and foreign files */
    char garbage[100];
    memset(garbage, 'x', sizeof(garbage));
    const char *p = temp_file(0, garbage, sizeof(garbage));
    reset_print();
    errno = 0;
    obj = bpf_object__open_file(p, NULL);
    e = errno;
    CHECK(!obj && e == LIBBPF_ERRNO__FORMAT, "garbage file: %p errno %d", (void *)obj, e);
    CHECK(print_calls == 1 && strstr(last_msg, p), "garbage file: message '%s' names no file",
          last_msg);
    p = temp_file(1, NULL, 0);
    errno = 0;
    obj = bpf_object__open_file(p, NULL);
    CHECK(!obj && errno == LIBBPF_ERRNO__FORMAT, "empty file: errno %d", errno);
    p = temp_file(2, im->buf, len / 2);
    errno = 0;
    obj = bpf_object__open_file(p, NULL);
    CHECK(!obj && errno == LIBBPF_ERRNO__FORMAT, "truncated file: errno %d", errno);
    for (int i = 0; i < 3; i++)
        unlink(temp_file(i, NULL, 0));

    expect_mem_failure("garbage", garbage, sizeof(garbage), LIBBPF_ERRNO__FORMAT);
    expect_mem_failure("ELF identification only", im->buf, 20, LIBBPF_ERRNO__LIBELF);
    expect_mem_failure("cut in the header", im->buf, 63, LIBBPF_ERRNO__LIBELF);
    expect_mem_failure("cut in the sections", im->buf, len / 2, LIBBPF_ERRNO__FORMAT);
    expect_mem_failure("cut before the end", im->buf, len - 1, LIBBPF_ERRNO__FORMAT);
    static struct image bad;
    memcpy(&bad, im, sizeof(bad));
    ((Elf64_Ehdr *)bad.buf)->e_machine = EM_X86_64;
    expect_mem_failure("x86-64 object", bad.buf, len, LIBBPF_ERRNO__FORMAT);
    memcpy(&bad, im, sizeof(bad));
    bad.buf[EI_CLASS] = ELFCLASS32;
    expect_mem_failure("32-bit object", bad.buf, len, LIBBPF_ERRNO__FORMAT);
    memcpy(&bad, im, sizeof(bad));
    ((Elf64_Ehdr *)bad.buf)->e_type = ET_EXEC;
    expect_mem_failure("executable", bad.buf, len, LIBBPF_ERRNO__FORMAT);

    errno = 0;
    obj = bpf_object__open_mem(NULL, len, NULL);
    CHECK(!obj && errno == EINVAL, "open_mem(NULL): errno %d", errno);
    errno = 0;
    obj = bpf_object__open_mem(im->buf, 0, NULL);
    CHECK(!obj && errno == EINVAL, "open_mem(size 0): errno %d", errno);
}

static void test_opts(const struct image *im, size_t len)
{
    /* no opts: "<address>-<size>" in hex, 15 characters at most */
    struct bpf_object *obj = bpf_object__open_mem(im->buf, len, NULL);
    char want[64];
    snprintf(want, sizeof(want), "%lx-%lx", (unsigned long)(uintptr_t)im->buf, (unsigned long)len);
    want[15] = 0;
    CHECK(obj && strcmp(bpf_object__name(obj), want) == 0, "default name '%s', want '%s'",
          obj ? bpf_object__name(obj) : "-", want);
    bpf_object__close(obj);

    /* object_name: kept as given (dots too), cut to 15 characters; data map names follow it */
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "my.object.name.long");
    obj = bpf_object__open_mem(im->buf, len, &opts);
    CHECK(obj && strcmp(bpf_object__name(obj), "my.object.name.") == 0, "object_name: '%s'",
          obj ? bpf_object__name(obj) : "-");
    CHECK(obj && bpf_object__find_map_by_name(obj, "my.objec.data"),
          "object_name: no map 'my.objec.data'");
    bpf_object__close(obj);

    /* sz says which fields the caller has: with sz 8 object_name is not read */
    struct bpf_object_open_opts small;
    memset(&small, 0, sizeof(small));
    small.sz = sizeof(size_t);
    small.object_name = "ignored";
    obj = bpf_object__open_mem(im->buf, len, &small);
    CHECK(obj && strcmp(bpf_object__name(obj), "ignored") != 0, "sz 8: object_name was read");
    bpf_object__close(obj);
    small.sz = 16;
    obj = bpf_object__open_mem(im->buf, len, &small);
    CHECK(obj && strcmp(bpf_object__name(obj), "ignored") == 0, "sz 16: object_name not read");
    bpf_object__close(obj);

    /* sz too small, or a bigger struct with non-zero bytes this version does not know */
    small.sz = 4;
    reset_print();
    errno = 0;
    obj = bpf_object__open_mem(im->buf, len, &small);
    CHECK(!obj && errno == EINVAL && strstr(last_msg, "too small"), "sz 4: errno %d, '%s'", errno,
          last_msg);
    struct {
        struct bpf_object_open_opts o;
        uint64_t future;
    } big;
    memset(&big, 0, sizeof(big));
    big.o.sz = sizeof(big);
    obj = bpf_object__open_mem(im->buf, len, &big.o);
    CHECK(obj != NULL, "bigger opts with zero tail refused (errno %d)", errno);
    bpf_object__close(obj);
    big.future = 1;
    errno = 0;
    obj = bpf_object__open_mem(im->buf, len, &big.o);
    CHECK(!obj && errno == EINVAL, "bigger opts with non-zero tail: errno %d", errno);
    errno = 0;
    obj = bpf_object__open_file("/nonexistent/x.o", &big.o);
    CHECK(!obj && errno == EINVAL, "open_file checks opts first: errno %d", errno);

    /* the buffer may go away after open_mem */
    uint8_t *copy = malloc(len);
    memcpy(copy, im->buf, len);
    obj = bpf_object__open_mem(copy, len, NULL);
    memset(copy, 0, len);
    free(copy);
    struct bpf_program *prog = bpf_object__find_program_by_name(obj, "xdp_main");
    CHECK(prog && bpf_program__insns(prog)[0].imm == 2, "instructions read from the freed buffer");
    bpf_object__close(obj);
}

static void test_programs(const struct image *im, size_t len)
{
    const char *path = temp_file(3, im->buf, len);
    struct bpf_object *obj = bpf_object__open_file(path, NULL);
    CHECK(obj != NULL, "open_file of the test object: errno %d", errno);
    if (!obj)
        return;
    char want[32];
    snprintf(want, sizeof(want), "bpfrt_libbpf_test_%d_3", (int)getpid());
    want[15] = 0;
    CHECK(strcmp(bpf_object__name(obj), want) == 0, "object name '%s', want '%s'",
          bpf_object__name(obj), want);

    const char *names[4];
    int n = 0;
    struct bpf_program *prog;
    bpf_object__for_each_program(prog, obj)
    {
        if (n < 4)
            names[n] = bpf_program__name(prog);
        n++;
    }
    CHECK(n == 2 && strcmp(names[0], "xdp_main") == 0 && strcmp(names[1], "tc_opt") == 0,
          "programs: %d, want xdp_main, tc_opt", n);

    struct bpf_program *xdp = bpf_object__find_program_by_name(obj, "xdp_main");
    struct bpf_program *tc = bpf_object__find_program_by_name(obj, "tc_opt");
    CHECK(xdp && tc, "find_program_by_name");
    if (!xdp || !tc) {
        bpf_object__close(obj);
        return;
    }
    CHECK(strcmp(bpf_program__section_name(xdp), "xdp") == 0 &&
              bpf_program__type(xdp) == BPF_PROG_TYPE_XDP &&
              bpf_program__expected_attach_type(xdp) == BPF_XDP && bpf_program__autoload(xdp),
          "xdp_main: section '%s' type %d attach %d autoload %d", bpf_program__section_name(xdp),
          bpf_program__type(xdp), bpf_program__expected_attach_type(xdp),
          bpf_program__autoload(xdp));
    CHECK(strcmp(bpf_program__section_name(tc), "tc") == 0 &&
              bpf_program__type(tc) == BPF_PROG_TYPE_SCHED_CLS && !bpf_program__autoload(tc),
          "tc_opt ('?tc'): section '%s' type %d autoload %d", bpf_program__section_name(tc),
          bpf_program__type(tc), bpf_program__autoload(tc));
    CHECK(bpf_program__insn_cnt(xdp) == 3 &&
              memcmp(bpf_program__insns(xdp), xdp_insns, sizeof(xdp_insns)) == 0,
          "xdp_main instructions (count %zu)", bpf_program__insn_cnt(xdp));

    /* .text functions are subprograms: neither listed nor found */
    errno = 0;
    CHECK(!bpf_object__find_program_by_name(obj, "sub") && errno == ENOENT,
          "subprogram 'sub' found (errno %d)", errno);
    errno = 0;
    CHECK(!bpf_object__find_program_by_name(obj, "nope") && errno == ENOENT,
          "unknown program: errno %d", errno);

    /* setters */
    CHECK(bpf_program__set_type(xdp, BPF_PROG_TYPE_SOCKET_FILTER) == 0 &&
              bpf_program__type(xdp) == BPF_PROG_TYPE_SOCKET_FILTER,
          "set_type not visible");
    CHECK(bpf_program__set_autoload(xdp, false) == 0 && !bpf_program__autoload(xdp) &&
              bpf_program__set_autoload(tc, true) == 0 && bpf_program__autoload(tc),
          "set_autoload not visible");

    /* a program of another object does not iterate here */
    struct bpf_object *other = bpf_object__open_mem(im->buf, len, NULL);
    struct bpf_program *foreign = bpf_object__next_program(other, NULL);
    reset_print();
    errno = 0;
    CHECK(foreign && !bpf_object__next_program(obj, foreign) && errno == EINVAL && print_calls == 1,
          "next_program with another object's program: errno %d", errno);
    bpf_object__close(other);
    bpf_object__close(obj);
    unlink(path);
}

static void test_maps(const struct image *im, size_t len)
{
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "test_obj");
    struct bpf_object *obj = bpf_object__open_mem(im->buf, len, &opts);
    CHECK(obj != NULL, "open_mem of the test object: errno %d", errno);
    if (!obj)
        return;
    const char *want[] = {"legacy_map", "test_obj.data", "test_obj.bss", ".rodata.str1.1"};
    int n = 0, first = TEST_LEGACY_MAPS ? 0 : 1;
    bool order_ok = true;
    struct bpf_map *map;
    bpf_object__for_each_map(map, obj)
    {
        if (first + n >= 4 || strcmp(bpf_map__name(map), want[first + n]) != 0)
            order_ok = false;
        n++;
    }
    CHECK(order_ok && first + n == 4,
          "maps (%d): want legacy_map, test_obj.data, test_obj.bss, .rodata.str1.1 (no map for "
          "the empty .data.empty)",
          n);
    size_t size = 12345;
#if TEST_LEGACY_MAPS
    struct bpf_map *legacy = bpf_object__find_map_by_name(obj, "legacy_map");
    CHECK(legacy && bpf_map__type(legacy) == BPF_MAP_TYPE_HASH && bpf_map__key_size(legacy) == 4 &&
              bpf_map__value_size(legacy) == 8 && bpf_map__max_entries(legacy) == 16 &&
              bpf_map__map_flags(legacy) == BPF_F_NO_PREALLOC,
          "legacy_map definition");
    CHECK(legacy && !bpf_map__initial_value(legacy, &size) && size == 12345,
          "legacy_map has an initial value");
    errno = 0;
    CHECK(legacy && !bpf_map__inner_map(legacy) && errno == EINVAL,
          "inner_map of a hash map: errno %d", errno);
#endif

    /* global data: found by section name too; contents as in the file, .bss zeroed */
    struct bpf_map *data = bpf_object__find_map_by_name(obj, ".data");
    CHECK(data && data == bpf_object__find_map_by_name(obj, "test_obj.data"),
          "'.data' and 'test_obj.data' are not the same map");
    const uint8_t *v = data ? bpf_map__initial_value(data, &size) : NULL;
    CHECK(v && size == 8 && memcmp(v, data_bytes, 8) == 0, ".data initial value");
    errno = 0;
    CHECK(data && !bpf_map__inner_map(data) && errno == EINVAL, "inner_map of an array: errno %d",
          errno);
    CHECK(data && bpf_map__type(data) == BPF_MAP_TYPE_ARRAY && bpf_map__key_size(data) == 4 &&
              bpf_map__value_size(data) == 8 && bpf_map__max_entries(data) == 1 &&
              bpf_map__map_flags(data) == 0,
          ".data map definition (no BTF: not mmapable)");
    struct bpf_map *bss = bpf_object__find_map_by_name(obj, ".bss");
    v = bss ? bpf_map__initial_value(bss, &size) : NULL;
    CHECK(v && size == 16 && v[0] == 0 && v[15] == 0, ".bss initial value");
    struct bpf_map *str = bpf_object__find_map_by_name(obj, ".rodata.str1.1");
    v = str ? bpf_map__initial_value(str, &size) : NULL;
    CHECK(v && size == 3 && strcmp((const char *)v, "hi") == 0 &&
              bpf_map__map_flags(str) == BPF_F_RDONLY_PROG,
          ".rodata.str1.1 map");

    errno = 0;
    CHECK(!bpf_object__find_map_by_name(obj, "nope") && errno == ENOENT, "unknown map: errno %d",
          errno);
    errno = 0;
    CHECK(!bpf_object__find_map_by_name(obj, ".data.empty") && errno == ENOENT,
          "empty section map: errno %d", errno);
    errno = 0;
    CHECK(!bpf_object__find_map_by_name(obj, ".legacy_map") && errno == ENOENT,
          "'.legacy_map' found (only global data matches names with a dot)");
    bpf_object__close(obj);
}

static void test_misc(void)
{
    /* libbpf_get_error */
    int x;
    errno = EPERM;
    CHECK(libbpf_get_error(&x) == 0, "libbpf_get_error of a valid pointer");
    errno = ENOENT;
    CHECK(libbpf_get_error(NULL) == -ENOENT, "libbpf_get_error(NULL) is not -errno");
    errno = 0;
    long err = libbpf_get_error((const void *)(intptr_t)-EINVAL);
    CHECK(err == -EINVAL && errno == EINVAL, "libbpf_get_error(ERR_PTR(-EINVAL)): %ld errno %d",
          err, errno);

    /* bpf_object__name(NULL) */
    errno = 0;
    CHECK(!bpf_object__name(NULL) && errno == EINVAL, "bpf_object__name(NULL): errno %d", errno);

    /* libbpf_prog_type_by_name */
    enum bpf_prog_type t = BPF_PROG_TYPE_UNSPEC;
    enum bpf_attach_type a = (enum bpf_attach_type)0;
    CHECK(libbpf_prog_type_by_name("cgroup/connect4", &t, &a) == 0 &&
              t == BPF_PROG_TYPE_CGROUP_SOCK_ADDR && a == BPF_CGROUP_INET4_CONNECT,
          "cgroup/connect4: type %d attach %d", t, a);
    CHECK(libbpf_prog_type_by_name("kprobe/x", &t, &a) == 0 && t == BPF_PROG_TYPE_KPROBE,
          "kprobe/x: type %d", t);
    errno = 0;
    CHECK(libbpf_prog_type_by_name("xdp_prog", &t, &a) == -ESRCH && errno == ESRCH,
          "xdp_prog (libbpf 0.x's sloppy name) is known");

    /* print callback: set returns the previous one; NULL silences */
    libbpf_print_fn_t prev = libbpf_set_print(NULL);
    CHECK(prev == record_print, "libbpf_set_print did not return the previous callback");
    reset_print();
    errno = 0;
    struct bpf_object *obj = bpf_object__open_file("/nonexistent/x.o", NULL);
    CHECK(!obj && errno == ENOENT && print_calls == 0, "NULL print callback still called");
    CHECK(libbpf_set_print(record_print) == NULL, "previous callback is not NULL");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    CHECK(libbpf_set_print(record_print) != NULL, "no default print callback");
    static struct image im;
    size_t len = build_object(&im);
    test_errors(&im, len);
    test_opts(&im, len);
    test_programs(&im, len);
    test_maps(&im, len);
    test_misc();
    return tl_summary();
}
